"""A moderator command that defers (``/feed add`` fetches the feed first) keeps its errors private.

On Discord the first follow-up after a deferred response *is* the deferred message, with the defer's
visibility (the follow-up's EPHEMERAL flag is ignored); the fake Discord does the same. So the checks
are made where Discord decides: the flags of the recorded defer callback, of the follow-up request and of
the message the user ends up seeing, and the channel's visible history.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.client import ReviewBot
from tests.discord.feedsite import FeedSite
from tests.discord.helpers import ask_one, embed_of, slash
from tests.discord.test_feeds import feed_bot
from tests.fakediscord import FakeDiscord, InteractionRecord

JSON = dict[str, Any]
EPHEMERAL = 1 << 6


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    async with FeedSite() as server:
        server.add_review("Moonlit Harbour")
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord, db_path: Path, site: FeedSite) -> AsyncIterator[ReviewBot]:
    async with feed_bot(fake, db_path) as running:
        yield running


def followup_bodies(fake: FakeDiscord, record: InteractionRecord) -> list[JSON]:
    """The JSON bodies the bot POSTed as follow-ups to ``record``."""
    return [
        r.json
        for r in fake.requests_to(f"/webhooks/{fake.world.application_id}/{record.token}", "POST")
        if isinstance(r.json, dict)
    ]


def visible(fake: FakeDiscord, channel: str = "general") -> list[JSON]:
    """Every message members can see in ``channel``."""
    return list(fake.history[fake.channel(channel).id])


async def test_feed_add_errors_after_the_defer_are_private(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite
) -> None:
    seen = len(visible(fake))
    bad_url = f"{site.base}/no-such-feed.xml"
    record = await slash(fake, "feed add", {"url": bad_url}, author="moderator")

    assert record.response_type == 5  # deferred: the feed is fetched before answering
    assert record.callback is not None
    assert int((record.callback.get("data") or {}).get("flags", 0)) & EPHEMERAL  # ephemerally
    bodies = followup_bodies(fake, record)
    assert len(bodies) == 1 and int(bodies[0]["flags"]) & EPHEMERAL
    assert record.ephemeral  # the message the moderator sees
    shown = embed_of(record.messages[0])
    assert "no-such-feed.xml" in str(shown) and shown["title"] == "Hmm…"
    assert len(visible(fake)) == seen  # nothing in the channel: no error, no "thinking" message
    assert await bot.feed_service.list(fake.world.guild().id) == []  # type: ignore[union-attr]


async def test_feed_add_success_is_private_and_takes_effect(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite
) -> None:
    seen = len(visible(fake))
    record = await slash(fake, "feed add", {"url": site.url}, author="moderator")
    assert record.response_type == 5 and record.ephemeral
    assert f"Following {site.title}" in str(embed_of(record.messages[0]))
    assert len(visible(fake)) == seen
    statuses = await bot.feed_service.list(fake.world.guild().id)  # type: ignore[union-attr]
    assert [s.feed.url for s in statuses] == [site.url]

    twice = await slash(fake, "feed add", {"url": site.url}, author="moderator")
    assert twice.ephemeral and "already" in str(embed_of(twice.messages[0]))
    assert len(visible(fake)) == seen


async def test_errors_before_a_defer_and_on_the_prefix_path_are_unchanged(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite
) -> None:
    refused = await slash(fake, "feed add", {"url": site.url}, author="member")
    assert refused.response_type == 4 and refused.ephemeral  # the check fails before any defer
    bad_url = f"{site.base}/no-such-feed.xml"
    reply = await ask_one(fake, f"!feed add {bad_url}", author="moderator")
    assert "no-such-feed.xml" in str(embed_of(reply))  # a chat command is answered in chat
    assert reply in visible(fake)
