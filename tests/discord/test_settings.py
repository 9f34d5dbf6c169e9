"""bot/settings.py and bot/storage/guilds.py over a real SQLite file (no Discord involved)."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.announce import announcement_mentions
from bot.errors import PermissionDenied, UsageError
from bot.settings import (
    MENTION_ROLES_MAX,
    SETTING_KEYS,
    GuildSettings,
    SettingsService,
    may_configure,
    validate_language,
    validate_prefix,
    validate_timezone,
)
from bot.storage import SQLiteStorage, open_storage

GUILD = 111
MOD = 222


@pytest.fixture
async def storage(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened = await open_storage(tmp_path / "settings.db")
    assert isinstance(opened, SQLiteStorage)
    yield opened
    await opened.close()


@pytest.fixture
def service(storage: SQLiteStorage) -> SettingsService:
    return SettingsService(storage, default_prefix="!")


def log_rows(path: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT guild_id, user_id, key, old, new FROM settings_log ORDER BY id"
        ).fetchall()


async def test_defaults_for_a_new_server(service: SettingsService) -> None:
    settings = await service.get(GUILD)
    assert settings == GuildSettings()
    assert settings.mention_role_ids == ()  # announcements ping nobody by default
    assert await service.prefix(GUILD) == "!"
    assert await service.prefix(None) == "!"  # DMs use the default


async def test_every_change_is_stored_and_logged_with_who(
    service: SettingsService, storage: SQLiteStorage
) -> None:
    await service.set_prefix(GUILD, MOD, "?")
    await service.set_moderator_role(GUILD, MOD, 333)
    await service.set_announce_channel(GUILD, MOD, 444)
    await service.allow_mention_role(GUILD, MOD, 555)
    await service.set_language(GUILD, MOD, "pt_br")
    await service.set_timezone(GUILD, MOD, "asia/seoul")
    rows = log_rows(storage.path)
    assert [r[2] for r in rows] == [
        "prefix", "moderator_role_id", "announce_channel_id", "mention_role_ids",
        "date_language", "timezone",
    ]  # fmt: skip
    assert all(r[0] == GUILD and r[1] == MOD for r in rows)
    assert rows[0][3:] == ("!", "?")
    assert rows[4][4] == "pt-BR" and rows[5][4] == "Asia/Seoul"
    history = await service.history(GUILD)
    assert [c.key for c in history] == [r[2] for r in reversed(rows)]
    assert all(c.at for c in history)


async def test_settings_survive_a_new_service_and_connection(tmp_path: Path) -> None:
    path = tmp_path / "persist.db"
    first = await open_storage(path)
    assert isinstance(first, SQLiteStorage)
    service = SettingsService(first)
    await service.set_prefix(GUILD, MOD, "rb!")
    await service.allow_mention_role(GUILD, MOD, 9)
    await first.close()
    second = await open_storage(path)
    assert isinstance(second, SQLiteStorage)
    try:
        again = await SettingsService(second).get(GUILD)
    finally:
        await second.close()
    assert again.prefix == "rb!" and again.mention_role_ids == (9,)


async def test_unchanged_value_writes_nothing(
    service: SettingsService, storage: SQLiteStorage
) -> None:
    await service.set_timezone(GUILD, MOD, "UTC")
    change = await service.set_prefix(GUILD, MOD, "!")
    assert change.old == change.new == "!"
    assert log_rows(storage.path) == []


@pytest.mark.parametrize(
    "bad", ["", "     ", "toolong", "a b", "@", "#x", "`", "/", "<@", "\u200b"]
)
async def test_bad_prefixes_are_refused_and_change_nothing(
    service: SettingsService, storage: SQLiteStorage, bad: str
) -> None:
    with pytest.raises(UsageError) as info:
        await service.set_prefix(GUILD, MOD, bad)
    assert "prefix" in str(info.value).lower()
    assert (await service.get(GUILD)).prefix is None
    assert log_rows(storage.path) == []


def test_timezone_validation_names_the_fix() -> None:
    assert validate_timezone("Europe/London") == "Europe/London"
    assert validate_timezone("europe/london") == "Europe/London"
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "x" * 4000):
        with pytest.raises(UsageError) as info:
            validate_timezone(bad)
        assert info.value.hint
    with pytest.raises(UsageError) as info:
        validate_timezone("Asia/Seol")
    assert "Asia/Seoul" in str(info.value)


def test_language_and_prefix_validation() -> None:
    assert validate_language("KO") == "ko"
    assert validate_language("pt_br") == "pt-BR"
    for bad in ("", "english!", "1234", "e"):
        with pytest.raises(UsageError):
            validate_language(bad)
    assert validate_prefix(" ? ") == "?"


async def test_mention_roles_are_capped_and_never_everyone(service: SettingsService) -> None:
    with pytest.raises(PermissionDenied):
        await service.allow_mention_role(GUILD, MOD, GUILD)  # the @everyone role id is the guild id
    for role in range(1, MENTION_ROLES_MAX + 1):
        await service.allow_mention_role(GUILD, MOD, role)
    with pytest.raises(UsageError):
        await service.allow_mention_role(GUILD, MOD, 999)
    await service.disallow_mention_role(GUILD, MOD, 1)
    assert 1 not in (await service.get(GUILD)).mention_role_ids
    await service.disallow_mention_role(GUILD, MOD, None)
    assert (await service.get(GUILD)).mention_role_ids == ()


async def test_reset_puts_back_the_default(service: SettingsService) -> None:
    await service.set_timezone(GUILD, MOD, "Asia/Kolkata")
    await service.reset(GUILD, MOD, "timezone")
    assert (await service.get(GUILD)).timezone == "UTC"
    with pytest.raises(UsageError):
        await service.reset(GUILD, MOD, "no_such_setting")
    assert set(SETTING_KEYS) == set(GuildSettings.__dataclass_fields__)


def test_json_round_trip_and_damaged_rows() -> None:
    settings = GuildSettings(
        prefix="?", moderator_role_id=5, mention_role_ids=(7, 8), timezone="Asia/Seoul"
    )
    assert GuildSettings.from_json(settings.to_json()) == settings
    assert json.loads(GuildSettings().to_json()) == {}
    damaged = json.dumps(
        {"prefix": "@@@@@@@@", "moderator_role_id": "x", "mention_role_ids": [1, "2", True],
         "timezone": "Nowhere/Land", "unknown": 1}
    )  # fmt: skip
    assert GuildSettings.from_json(damaged) == GuildSettings(mention_role_ids=(1,))
    assert GuildSettings.from_json("not json") == GuildSettings()
    assert GuildSettings.from_json("[1, 2]") == GuildSettings()


def test_who_may_configure() -> None:
    settings = GuildSettings(moderator_role_id=42)
    assert may_configure(settings, manage_guild=True, role_ids=[])
    assert may_configure(settings, manage_guild=False, role_ids=[1, 42])
    assert may_configure(settings, manage_guild=False, role_ids=[], is_owner=True)
    assert not may_configure(settings, manage_guild=False, role_ids=[1, 2])
    assert not may_configure(GuildSettings(), manage_guild=False, role_ids=[42])


def test_announcement_roles_only_from_the_allowed_list() -> None:
    settings = GuildSettings(mention_role_ids=(10, 20))
    assert announcement_mentions(settings.mention_role_ids, 20) == ("<@&20>", (20,))
    assert announcement_mentions(settings.mention_role_ids, 999) == ("", ())
    assert announcement_mentions(GuildSettings().mention_role_ids, 10) == ("", ())


async def test_bot_meta_round_trip(storage: SQLiteStorage) -> None:
    store = storage
    assert await store.get_meta("command_hash:1") is None
    await store.set_meta("command_hash:1", "abc")
    await store.set_meta("command_hash:1", "def")
    assert await store.get_meta("command_hash:1") == "def"


async def test_each_change_writes_a_log_line_naming_who(
    service: SettingsService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reviewbot.settings")
    await service.set_timezone(GUILD, MOD, "Asia/Tokyo")
    lines = [r.getMessage() for r in caplog.records if r.name == "reviewbot.settings"]
    assert lines == [f"settings changed: guild={GUILD} user={MOD} timezone: 'UTC' -> 'Asia/Tokyo'"]
