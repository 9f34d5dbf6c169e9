"""Moderator settings through the fake Discord: who may change them, both paths, persistence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.client import ReviewBot
from bot.commands import help_text
from tests.discord.conftest import start_bot
from tests.discord.helpers import ask_one, embed_of, slash
from tests.fakediscord import FakeDiscord

EPHEMERAL = 1 << 6


def settings_rows(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        settings = conn.execute("SELECT guild_id, settings FROM guild_settings").fetchall()
        log = conn.execute("SELECT guild_id, user_id, key, old, new FROM settings_log").fetchall()
    return settings, log


async def test_moderator_changes_prefix_with_prefix_command(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    reply = await ask_one(fake, "!config prefix ?", author="moderator")
    assert "Prefix is now `?`" in reply["content"]
    guild = fake.world.guild()
    _, log = settings_rows(db_path)
    assert log == [(guild.id, fake.user("moderator").id, "prefix", "!", "?")]
    answer = await ask_one(fake, "?help")
    assert embed_of(answer)["description"] == help_text("?")
    await fake.say("!help")  # the old prefix no longer answers
    again = await ask_one(fake, "?config show", author="moderator")
    assert "`?`" in str(embed_of(again)["fields"])
    assert len(fake.messages[fake.channel("general").id]) == 3


async def test_moderator_changes_settings_with_slash_commands(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    guild = fake.world.guild()
    fans = guild.role("Fans")
    reviews = fake.channel("reviews")
    steps = [
        ("config timezone", {"name": "Asia/Seoul"}, "timezone", "Asia/Seoul"),
        ("config language", {"code": "ko"}, "date_language", "ko"),
        ("config channel", {"channel": reviews.id}, "announce_channel_id", str(reviews.id)),
        ("config mentions", {"action": "add", "role": fans.id}, "mention_role_ids", str(fans.id)),
        ("config modrole", {"role": fans.id}, "moderator_role_id", str(fans.id)),
    ]
    for name, options, key, new in steps:
        record = await slash(fake, name, options, author="moderator")
        assert record.ephemeral, name
        assert "updated" in str(record.content), (name, record.content)
        _, log = settings_rows(db_path)
        assert log[-1][2:] == (key, log[-1][3], new)
        assert log[-1][1] == fake.user("moderator").id
    settings = await bot.settings_service.get(guild.id)
    assert settings.timezone == "Asia/Seoul" and settings.mention_role_ids == (fans.id,)
    shown = await slash(fake, "config show", author="moderator")
    fields = {f["name"]: f["value"] for f in embed_of(shown.messages[0])["fields"]}
    assert f"<#{reviews.id}>" in fields["Announcement channel"]
    assert f"<@&{fans.id}>" in fields["Roles announcements may ping"]
    assert "Asia/Seoul" in fields["Time zone"]
    assert shown.callback["data"]["allowed_mentions"] == {"parse": []}  # type: ignore[index]
    bad = await slash(fake, "config timezone", {"name": "Asia/Seol"}, author="moderator")
    assert "Asia/Seoul" in str(embed_of(bad.messages[0])["description"]) and bad.ephemeral
    choices = await fake.autocomplete("config timezone", {"name": "seoul"}, author="moderator")
    assert [c["value"] for c in choices] == ["Asia/Seoul"]


async def test_non_moderator_is_refused_on_both_paths(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    reply = await ask_one(fake, "!config prefix ?", author="member")
    assert "Only moderators" in reply["content"]
    record = await slash(fake, "config prefix", {"value": "?"}, author="member")
    assert record.ephemeral and "Only moderators" in str(record.content)
    record = await slash(fake, "config show", author="member")
    assert record.ephemeral and "Only moderators" in str(record.content)
    assert settings_rows(db_path) == ([], [])  # nothing changed, nothing logged
    answer = await ask_one(fake, "!help")  # the prefix is still the default
    assert embed_of(answer)["description"] == help_text("!")


async def test_moderator_role_grants_and_owner_always_may(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    guild = fake.world.guild()
    fans = guild.role("Fans")  # the plain member has it
    refused = await slash(fake, "config language", {"code": "hi"}, author="member")
    assert "Only moderators" in str(refused.content)
    granted = await slash(fake, "config modrole", {"role": fans.id}, author="owner")
    assert "updated" in str(granted.content)
    allowed = await slash(fake, "config language", {"code": "hi"}, author="member")
    assert "updated" in str(allowed.content)
    reply = await ask_one(fake, "!config language ta", author="member")
    assert "updated" in reply["content"]
    _, log = settings_rows(db_path)
    assert [(row[1], row[2]) for row in log] == [
        (fake.user("owner").id, "moderator_role_id"),
        (fake.user("member").id, "date_language"),
        (fake.user("member").id, "date_language"),
    ]


async def test_config_in_dms_is_refused_politely(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    message = await fake.say("!config prefix ?", dm=True, author="moderator")
    reply = (await fake.wait_for_messages(int(message["channel_id"]), 1, after=message))[0]
    assert "only works in a server" in reply["content"]
    review = await fake.say("!review Animal (film)", dm=True)
    answer = (await fake.wait_for_messages(int(review["channel_id"]), 1, after=review))[0]
    assert "Animal" in embed_of(answer)["title"]
    assert settings_rows(db_path) == ([], [])


async def test_settings_survive_a_restart(fake: FakeDiscord, db_path: Path) -> None:
    async with start_bot(fake, db_path):
        reply = await ask_one(fake, "!config prefix rb!", author="moderator")
        assert "rb!" in reply["content"]
        await ask_one(fake, "rb!config timezone Europe/London", author="moderator")
    async with start_bot(fake, db_path) as second:  # same SQLite file, new bot and services
        guild = fake.world.guild()
        settings = await second.settings_service.get(guild.id)
        assert (settings.prefix, settings.timezone) == ("rb!", "Europe/London")
        answer = await ask_one(fake, "rb!help")
        assert embed_of(answer)["description"] == help_text("rb!")


async def test_slash_config_in_dms_is_refused(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    record = await slash(fake, "config prefix", {"value": "?"}, dm=True, author="moderator")
    assert record.ephemeral and "only works in a server" in str(record.content)
    assert settings_rows(db_path) == ([], [])


async def test_bare_config_shows_settings_to_moderators(fake: FakeDiscord, bot: ReviewBot) -> None:
    reply = await ask_one(fake, "!config", author="moderator")
    names = [f["name"] for f in embed_of(reply)["fields"]]
    assert names[0] == "Prefix" and "Time zone" in names


async def test_every_config_subcommand_by_prefix(
    fake: FakeDiscord, bot: ReviewBot, db_path: Path
) -> None:
    guild = fake.world.guild()
    fans, reviews = guild.role("Fans"), fake.channel("reviews")
    steps = [
        (f"!config modrole <@&{fans.id}>", "moderator_role_id", str(fans.id)),
        (f"!config channel <#{reviews.id}>", "announce_channel_id", str(reviews.id)),
        ("!config channel", "announce_channel_id", None),
        ("!config channel reviews", "announce_channel_id", str(reviews.id)),
        ("!config mentions add Fans", "mention_role_ids", str(fans.id)),
        ("!config mentions remove Fans", "mention_role_ids", None),
        ("!config language hi", "date_language", "hi"),
        ("!config timezone Asia/Kolkata", "timezone", "Asia/Kolkata"),
        ("!config reset timezone", "timezone", "UTC"),
        ("!config modrole", "moderator_role_id", None),
    ]
    for text, key, new in steps:
        reply = await ask_one(fake, text, author="moderator")
        assert "updated" in reply["content"], (text, reply["content"])
        assert settings_rows(db_path)[1][-1][2:] == (key, settings_rows(db_path)[1][-1][3], new)
    mistakes = {
        "!config mentions add": "Tell me the role",
        "!config mentions shout Fans": "couldn't read",
        "!config modrole NoSuchRole": "doesn't look right",
        "!config channel #nowhere": "doesn't look right",
        "!config prefix": "Tell me the value",
        "!config timezone Mars/Base": "not a time zone",
        "!config reset colour": "couldn't read",
    }
    for text, expected in mistakes.items():
        reply = await ask_one(fake, text, author="moderator")
        assert expected in reply["content"] + str(reply["embeds"]), (text, reply)
    history = await slash(fake, "config log", author="moderator")
    lines = embed_of(history.messages[0])["description"].splitlines()
    assert len(lines) == len(steps)
    assert f"<@{fake.user('moderator').id}>" in lines[0] and "moderator_role_id" in lines[0]
