"""Mentions never parsed, bad input answered or ignored, cooldowns, and the one error path."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.client import ReviewBot
from bot.commands import COMMANDS
from bot.models import ReviewAnswer
from bot.services import ReviewService
from bot.settings import SettingsService
from bot.storage import SQLiteStorage, open_storage
from cogs.errors import APOLOGY
from tests.discord.conftest import TEST_OPTIONS, TOKEN, bot_config, start_bot
from tests.discord.helpers import ask_one, embed_of, request_for, slash
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import running_bot

EPHEMERAL = 1 << 6


def message_bodies(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The message part of every request in which the bot sent or edited a message."""
    out = []
    for request in fake.requests:
        body = request.json
        if request.method not in ("POST", "PATCH") or not isinstance(body, dict):
            continue
        if request.path.endswith("/callback"):
            if body.get("type") in (4, 7):
                out.append(body.get("data") or {})
        elif "/messages" in request.path or request.path.startswith("/webhooks/"):
            out.append(body)
    return out


def assert_no_mentions(fake: FakeDiscord) -> None:
    """Every message the bot sent asked Discord to parse no mention at all, and none was parsed."""
    bodies = [b for b in message_bodies(fake) if b.get("content") or b.get("embeds")]
    assert bodies
    for body in bodies:
        allowed = body.get("allowed_mentions")
        assert allowed is not None, body
        assert allowed.get("parse") == [] and not allowed.get("roles") and not allowed.get("users")
    for messages in fake.messages.values():
        for message in messages:
            assert message["mention_everyone"] is False
            assert message["mentions"] == [] and message["mention_roles"] == []
            assert "Traceback" not in str(message)


async def test_feed_text_with_everyone_and_role_mentions_pings_nobody(
    fake: FakeDiscord, bot: ReviewBot
) -> None:
    fans = fake.world.guild().role("Fans")
    reply = await ask_one(fake, "!review Mention Trap")
    sent = request_for(fake, reply)
    assert sent["allowed_mentions"]["parse"] == []
    assert sent["allowed_mentions"].get("replied_user") is False
    embed = embed_of(reply)
    text = "\n".join(
        [embed["title"], embed["description"], *(f["value"] for f in embed.get("fields", []))]
    )
    assert "@everyone" not in text and "@here" not in text  # neutralised with a zero-width space
    assert "@\u200beveryone" in text
    record = await slash(fake, "cast", {"query": "Mention Trap"})
    assert record.callback["data"]["allowed_mentions"] == {"parse": []}  # type: ignore[index]
    # a user's words: @everyone, a role mention and markdown, as prefix and as slash arguments
    hostile = f"@everyone @here <@&{fans.id}> <@{fake.user('owner').id}> **bold** ||x|| `y`"
    for command in ("review", "cast", "related", "search"):
        answer = await ask_one(fake, f"!{command} {hostile}")
        assert "@everyone" not in answer["content"]
        assert "@everyone" not in embed_of(answer)["description"]
        record = await slash(fake, command, {_option(command): hostile})
        shown = record.messages[0]
        assert "@everyone" not in shown["content"]
        assert "@everyone" not in embed_of(shown)["description"]
    assert_no_mentions(fake)


def _option(command: str) -> str:
    name = COMMANDS[command].argument
    assert name is not None
    return name


async def test_bad_input_gets_a_clear_reply(fake: FakeDiscord, bot: ReviewBot) -> None:
    long_text = "a" * 4000
    cases = {
        "!review": "Tell me the title",
        "!cast": "Tell me the query",
        "!search": "Tell me the words",
        f"!review {long_text}": "characters long",
        f"!cast {long_text}": "characters long",
        "!review !!!???": "no letters or digits",
        '!search "unclosed quote': "",
        "!latest -5": "1 to 50",
        "!latest 99999999999999999999": "1 to 50",
        "!help nosuchcommand": "There is no command",
    }
    for text, expected in cases.items():
        reply = await ask_one(fake, text)
        shown = reply["content"] + str(reply["embeds"])
        assert expected in shown, (text, shown)
    record = await slash(fake, "review", {"title": long_text})
    assert record.ephemeral and "characters long" in str(record.messages[0]["embeds"])
    record = await slash(fake, "search", {"words": "   "})
    assert record.ephemeral
    assert_no_mentions(fake)


async def test_question_commands_work_in_dms(fake: FakeDiscord, bot: ReviewBot) -> None:
    record = await slash(fake, "review", {"title": "Animal (series)"}, dm=True)
    assert "Animal" in embed_of(record.messages[0])["title"]
    message = await fake.say("!cast Mira Sol", dm=True)
    reply = (await fake.wait_for_messages(int(message["channel_id"]), 1, after=message))[0]
    assert "Mira Sol" in embed_of(reply)["title"]


async def test_cooldown_answers_politely(fake: FakeDiscord, db_path: Path) -> None:
    options = dataclasses.replace(TEST_OPTIONS, cooldown_rate=2, cooldown_per=60.0)
    async with start_bot(fake, db_path, options=options):
        for _ in range(2):
            assert (await ask_one(fake, "!review Animal (film)"))["embeds"]
        slow = await ask_one(fake, "!review Animal (film)")
        assert slow["content"].startswith("Easy there!") and not slow["embeds"]
        record = await slash(fake, "review", {"title": "Animal (film)"})
        assert record.ephemeral and "Easy there!" in str(record.content)
        other = await ask_one(fake, "!review Animal (film)", author="moderator")  # per user
        assert other["embeds"]


class BrokenService(ReviewService):
    """A service whose review question fails with a bug (not a user mistake)."""

    async def review(self, title: str, limit: int = 5) -> ReviewAnswer:
        raise RuntimeError("simulated bug: database row had an impossible shape")


@asynccontextmanager
async def broken_bot(fake: FakeDiscord, db_path: Path) -> AsyncIterator[ReviewBot]:
    storage = await open_storage(db_path)
    assert isinstance(storage, SQLiteStorage)
    config = bot_config(fake)
    bot = ReviewBot(
        review_service=BrokenService(storage),
        settings_service=SettingsService(storage),
        config=config.discord,
        options=TEST_OPTIONS,
    )
    try:
        async with running_bot(fake, bot, token=TOKEN):
            yield bot
    finally:
        await storage.close()


async def test_unexpected_errors_are_logged_and_apologised_for(
    fake: FakeDiscord, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="reviewbot.errors")
    async with broken_bot(fake, db_path):
        reply = await ask_one(fake, "!review Animal (film)")
        assert reply["content"] == APOLOGY and "simulated bug" not in str(reply)
        record = await slash(fake, "review", {"title": "Animal (series)"})
        assert record.ephemeral and record.content == APOLOGY
        fine = await ask_one(fake, "!cast Mira Sol")  # the bot keeps working
        assert fine["embeds"]
    logged = [r for r in caplog.records if r.name == "reviewbot.errors"]
    assert len(logged) == 2
    first: Any = logged[0]
    assert "'review'" in first.getMessage() and "Animal (film)" in first.getMessage()
    assert str(fake.world.guild().id) in first.getMessage()
    assert str(fake.user("member").id) in first.getMessage()
    assert first.exc_info and "simulated bug" in str(first.exc_info[1])


async def test_channel_without_send_permission_is_logged_not_crashed(
    fake: FakeDiscord, bot: ReviewBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="reviewbot.errors")
    muted = fake.deny_send("mods")
    await fake.say("!review Animal (film)", channel="mods")
    await fake.wait_for(
        lambda: any("missing permissions" in r.getMessage() for r in caplog.records), 5, "the log"
    )
    assert fake.messages[muted.id] == []
    reply = await ask_one(fake, "!review Animal (film)")  # elsewhere the bot still answers
    assert reply["embeds"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
