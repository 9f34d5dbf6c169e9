"""SQL for per-server settings, their change log, and the bot's own small key/value facts.

Tables: ``guild_settings(guild_id PK, settings JSON, updated_at)`` and ``settings_log(id, guild_id,
user_id, key, old, new, at)`` come from migration 1. ``bot_meta(key PK, value TEXT)`` holds facts about the
bot rather than the data (today: ``command_hash``, the hash of the slash-command payload last synced); it is
created here with ``CREATE TABLE IF NOT EXISTS`` on first use, so no migration is needed for it.

Like the rest of bot/storage, the SQL lives in plain synchronous functions taking a ``sqlite3.Connection``,
one unit of work each, that the storage class runs on its connection thread: wiring one into
``SQLiteStorage`` is a one-liner, e.g.::

    async def save_guild_setting(self, guild_id, settings_json, change):
        await self._write("saving server settings", guilds.save_setting, guild_id, settings_json, change)

Until that is done, ``GuildStore(storage)`` adapts a ``SQLiteStorage`` to ``bot.settings.SettingsStore``
(and is what ``bot.client.run_bot`` uses).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from bot.settings import SettingChange
from bot.storage.sqlite import SQLiteStorage

_META_TABLE = "CREATE TABLE IF NOT EXISTS bot_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


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
    conn.execute(_META_TABLE)
    row = conn.execute("SELECT value FROM bot_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Store a bot fact in ``bot_meta`` (created if missing)."""
    conn.execute(_META_TABLE)
    conn.execute(
        "INSERT INTO bot_meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


class GuildStore:
    """``bot.settings.SettingsStore`` (plus bot facts) over a ``SQLiteStorage``'s one connection."""

    def __init__(self, storage: SQLiteStorage) -> None:
        self.storage = storage

    async def load_guild_settings(self, guild_id: int) -> str | None:
        """The stored settings JSON of a server, or None."""
        return await self.storage._run("reading server settings", load_settings, guild_id)

    async def save_guild_setting(
        self, guild_id: int, settings_json: str, change: SettingChange
    ) -> None:
        """Store new settings and their log row in one transaction."""
        await self.storage._write(
            "saving server settings", save_setting, guild_id, settings_json, change
        )

    async def guild_settings_log(self, guild_id: int, limit: int) -> list[SettingChange]:
        """The server's latest setting changes, newest first."""
        return await self.storage._run("reading the settings log", settings_log, guild_id, limit)

    async def get_meta(self, key: str) -> str | None:
        """A bot fact (e.g. ``command_hash``), or None."""
        return await self.storage._write("reading bot facts", get_meta, key)

    async def set_meta(self, key: str, value: str) -> None:
        """Store a bot fact."""
        await self.storage._write("saving bot facts", set_meta, key, value)
