"""SQL for per-server settings, their change log, and the bot's own small key/value facts.

Tables: ``guild_settings(guild_id PK, settings JSON, updated_at)`` and ``settings_log(id, guild_id,
user_id, key, old, new, at)`` come from migration 1. ``bot_meta(key PK, value TEXT)`` (migration 2) holds facts
about the bot rather than the data (today: ``command_hash``, the hash of the slash-command payload last synced).

Like the rest of bot/storage, the SQL lives in plain synchronous functions taking a ``sqlite3.Connection``,
one unit of work each, that ``SQLiteStorage`` runs on its connection thread (its guild-settings and bot-fact methods).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from bot.models import SettingChange


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load_settings(conn: sqlite3.Connection, guild_id: int) -> str | None:
    """The stored settings JSON of one server, or None when the server never changed anything."""
    row = conn.execute(
        "SELECT settings FROM guild_settings WHERE guild_id = ?", (guild_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def save_setting(
    conn: sqlite3.Connection, guild_id: int, settings_json: str, change: SettingChange
) -> None:
    """Upsert the server's settings JSON and append ``change`` to ``settings_log``.

    Run it inside one transaction (``SQLiteStorage._write`` does) so the settings and their log never
    disagree.
    """
    at = change.at or _now()
    conn.execute(
        "INSERT INTO guild_settings(guild_id, settings, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(guild_id) DO UPDATE SET settings = excluded.settings, "
        "updated_at = excluded.updated_at",
        (guild_id, settings_json, at),
    )
    conn.execute(
        "INSERT INTO settings_log(guild_id, user_id, key, old, new, at) VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, change.user_id, change.key, change.old, change.new, at),
    )


def settings_log(conn: sqlite3.Connection, guild_id: int, limit: int = 10) -> list[SettingChange]:
    """The server's latest setting changes, newest first."""
    rows = conn.execute(
        "SELECT guild_id, user_id, key, old, new, at FROM settings_log WHERE guild_id = ? "
        "ORDER BY id DESC LIMIT ?",
        (guild_id, limit),
    ).fetchall()
    return [SettingChange(int(r[0]), r[1], str(r[2]), r[3], r[4], str(r[5])) for r in rows]


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A bot fact from ``bot_meta`` (None when unset)."""
    row = conn.execute("SELECT value FROM bot_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Store a bot fact in ``bot_meta``."""
    conn.execute(
        "INSERT INTO bot_meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
