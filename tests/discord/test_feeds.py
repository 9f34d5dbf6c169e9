"""Feed following through the fake Discord: the ``feed`` commands on both paths, announcements, safety.

The bot is built as ``run_bot`` builds it (poller and sender running) and follows a real feed served on
127.0.0.1 (``FeedSite``), polled every second. Announcements are checked at the fake: the message, and
the request that created it (nonce, ``enforce_nonce``, ``allowed_mentions``). Negative checks ("not
announced there") wait until the outbox has nothing pending after a positive announcement of the same
poll elsewhere, so they do not depend on timing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.announce import announcement_nonce
from bot.client import ReviewBot, build_bot
from bot.config import Config, DiscordConfig, FeedsConfig
from bot.storage import SQLiteStorage, open_storage
from tests.discord.conftest import TEST_OPTIONS, TOKEN
from tests.discord.feedsite import FeedSite
from tests.discord.helpers import ask_one, embed_of, page_buttons, slash, turn
from tests.fakediscord import FakeDiscord, InteractionRecord
from tests.fakediscord.fixtures import running_bot

JSON = dict[str, Any]
FEEDS = FeedsConfig(default_interval=1, min_interval=1, allowed_hosts=("127.0.0.1",))
REFUSED = "Only moderators"


@asynccontextmanager
async def feed_bot(fake: FakeDiscord, db_path: Path) -> AsyncIterator[ReviewBot]:
    """The bot with feeds (built by ``build_bot``, as ``run_bot`` does), running against ``fake``."""
    storage = await open_storage(db_path)
    assert isinstance(storage, SQLiteStorage)
    config = Config(
        discord=DiscordConfig(
            token=TOKEN, api_base_url=fake.api_base, gateway_url=fake.gateway_url
        ),
        feeds=FEEDS,
    )
    try:
        bot = build_bot(config, storage, options=TEST_OPTIONS)
        async with running_bot(fake, bot, token=TOKEN):
            yield bot
    finally:
        await storage.close()


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    async with FeedSite() as server:
        server.add_review("Moonlit Harbour")
        server.add_review("Paper Cranes")
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord, db_path: Path, site: FeedSite) -> AsyncIterator[ReviewBot]:
    async with feed_bot(fake, db_path) as running:
        yield running


# --------------------------------------------------------------------------- helpers


def announced(fake: FakeDiscord, channel: str, marker: str) -> list[JSON]:
    """Bot messages in ``channel`` whose text contains ``marker``."""
    cid = fake.channel(channel).id
    return [m for m in fake.messages[cid] if marker in str(m.get("content"))]


def sent_body(fake: FakeDiscord, message: JSON) -> JSON:
    """The JSON the bot POSTed to create ``message`` (its nonce if it has one, else its text)."""
    for request in fake.requests_to(f"/channels/{message['channel_id']}/messages", "POST"):
        body = request.json
        if not isinstance(body, dict) or request.status != 200:
            continue
        if message.get("nonce") is not None and str(body.get("nonce")) == str(message["nonce"]):
            return body
        if message.get("nonce") is None and body.get("content") == message.get("content"):
            return body
    raise AssertionError(f"no request created message {message['id']}")


def roles_of(body: JSON) -> list[int]:
    return [int(r) for r in body["allowed_mentions"].get("roles", [])]


def pending(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()
    return int(count)


def review_id(db: Path, marker: str) -> int:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id FROM reviews WHERE headline LIKE ?", (f"%{marker}%",)
        ).fetchall()
    assert len(rows) == 1, rows
    return int(rows[0][0])


async def wait_announced(fake: FakeDiscord, channel: str, marker: str, timeout: float = 8) -> JSON:
    await fake.wait_for(
        lambda: announced(fake, channel, marker), timeout, f"{marker!r} in #{channel}"
    )
    return announced(fake, channel, marker)[0]


async def settle(fake: FakeDiscord, db: Path) -> None:
    """Until nothing is left to send (the poll that queued the last announcement is done)."""
    await fake.wait_for(lambda: pending(db) == 0, 8, "an empty outbox")


def text_of(record: InteractionRecord) -> str:
    """Everything a slash answer shows: content and embeds."""
    return " ".join(str(m.get("content") or "") + str(m.get("embeds")) for m in record.messages)


def text(message: JSON) -> str:
    return str(message.get("content") or "") + str(message.get("embeds"))


# --------------------------------------------------------------------------- prefix path


async def test_prefix_commands_follow_announce_filter_template_pause_and_remove(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite, db_path: Path
) -> None:
    guild = fake.world.guild()
    fans, reviews = guild.role("Fans"), fake.channel("reviews")
    await ask_one(fake, f"!config mentions add <@&{fans.id}>", author="moderator")

    # add by the site's page (the feed is discovered), to #reviews, pinging Fans
    added = embed_of(
        await ask_one(
            fake, f"!feed add {site.page_url} <#{reviews.id}> <@&{fans.id}>", author="moderator"
        )
    )
    fields = {f["name"]: f["value"] for f in added["fields"]}
    assert added["title"] == f"Following {site.title}"
    assert site.url in fields["Feed"] and site.page_url in fields["Found on"]
    assert fields["Stored now"].startswith("2 item(s)") and fields["Pings"] == f"<@&{fans.id}>"
    # the same feed in #general, no role (also the "other channel" for the negative checks below)
    await ask_one(fake, f"!feed add {site.url}", author="moderator")
    assert not announced(fake, "reviews", "review:")  # adding announces nothing

    listing = embed_of(await ask_one(fake, "!feed list", author="moderator"))
    names = [f["name"] for f in listing["fields"]]
    assert names == [f"1. {site.title}", f"2. {site.title}"]
    first = listing["fields"][0]["value"]
    assert f"<#{reviews.id}>" in first and "✅ active" in first and "2 item(s) stored" in first
    assert f"pings <@&{fans.id}>" in first and "next poll <t:" in first

    # test: the newest item exactly as it would be posted, but pinging nobody
    preview = await ask_one(fake, "!feed test 1", author="moderator")
    assert "Paper Cranes review" in preview["content"] and f"<@&{fans.id}>" in preview["content"]
    assert sent_body(fake, preview)["allowed_mentions"]["parse"] == []
    assert roles_of(sent_body(fake, preview)) == []

    # backfill: both stored items, once; a second backfill queues nothing
    queued = embed_of(await ask_one(fake, "!feed backfill 1 2", author="moderator"))
    assert "Queued 2" in queued["description"]
    for marker in ("Moonlit Harbour review", "Paper Cranes review"):
        message = await wait_announced(fake, "reviews", marker)
        body = sent_body(fake, message)
        assert body["enforce_nonce"] is True and roles_of(body) == [fans.id]
        assert body["nonce"] == announcement_nonce(reviews.id, review_id(db_path, marker))
    again = embed_of(await ask_one(fake, "!feed backfill 1 2", author="moderator"))
    assert "Nothing to queue" in again["description"]

    # a new item is announced once in each subscribed channel
    site.add_review("Salt Road")
    in_reviews = await wait_announced(fake, "reviews", "Salt Road review")
    in_general = await wait_announced(fake, "general", "Salt Road review")
    await settle(fake, db_path)
    assert len(announced(fake, "reviews", "Salt Road")) == 1
    assert len(announced(fake, "general", "Salt Road")) == 1
    assert roles_of(sent_body(fake, in_reviews)) == [fans.id]
    assert f"<@&{fans.id}>" in in_reviews["content"]
    assert sent_body(fake, in_general)["allowed_mentions"] == {"parse": []}
    assert in_reviews["nonce"] != in_general["nonce"]

    # filter: #reviews skips trailers
    saved = embed_of(await ask_one(fake, "!feed filter 1 exclude:trailer", author="moderator"))
    assert saved["title"] == "Filter saved" and "trailer" in saved["description"]
    site.add("Trailer: Salt Road season 2 looks stormy")
    site.add_review("Glass Orchard")
    await wait_announced(fake, "reviews", "Glass Orchard review")
    await wait_announced(fake, "general", "Trailer: Salt Road")
    await settle(fake, db_path)
    assert not announced(fake, "reviews", "Trailer")

    # template: a preview with the sample review, then new announcements use it
    shown = await ask_one(fake, "!feed template 1 NEW: {headline} {mention}", author="moderator")
    assert shown["content"].startswith("NEW: ") and embed_of(shown)["title"] == "Template saved"
    assert roles_of(sent_body(fake, shown)) == []
    site.add_review("Winter Letters")
    templated = await wait_announced(fake, "reviews", "Winter Letters review")
    assert templated["content"] == (
        f"NEW: Winter Letters review: a quiet, moving drama <@&{fans.id}>"
    )

    # pause stops #reviews (not #general); resume starts it again
    paused = embed_of(await ask_one(fake, "!feed pause 1", author="moderator"))
    assert paused["title"].startswith("Paused") and "paused" in paused["description"]
    site.add_review("Quiet Tide")
    await wait_announced(fake, "general", "Quiet Tide review")
    await settle(fake, db_path)
    assert not announced(fake, "reviews", "Quiet Tide")
    resumed = embed_of(await ask_one(fake, "!feed resume 1", author="moderator"))
    assert resumed["title"].startswith("Resumed") and "active" in resumed["description"]
    site.add_review("Bright Hours")
    await wait_announced(fake, "reviews", "Bright Hours review")

    # remove: #reviews no longer follows the feed
    removed = embed_of(await ask_one(fake, "!feed remove 1", author="moderator"))
    assert removed["title"].startswith("Stopped following")
    site.add_review("Last Light")
    await wait_announced(fake, "general", "Last Light review")
    await settle(fake, db_path)
    assert not announced(fake, "reviews", "Last Light")
    remaining = embed_of(await ask_one(fake, "!feed", author="moderator"))  # bare group: the list
    assert [f["name"] for f in remaining["fields"]] == [f"1. {site.title}"]
    assert f"<#{fake.channel('general').id}>" in remaining["fields"][0]["value"]


# --------------------------------------------------------------------------- slash path


async def test_slash_commands_cover_every_subcommand_with_autocomplete(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite, db_path: Path
) -> None:
    guild = fake.world.guild()
    fans, reviews = guild.role("Fans"), fake.channel("reviews")
    await slash(fake, "config mentions", {"action": "add", "role": fans.id}, author="moderator")
    added = await slash(
        fake,
        "feed add",
        {"url": site.url, "channel": reviews.id, "mention_role": fans.id},
        author="moderator",
    )
    assert f"Following {site.title}" in text_of(added) and f"<#{reviews.id}>" in text_of(added)
    statuses = await bot.feed_service.list(guild.id)  # type: ignore[union-attr]
    assert [(s.subscription.channel_id, s.subscription.mention_role_id) for s in statuses] == [
        (reviews.id, fans.id)
    ]
    ref = f"#{statuses[0].subscription.id}"

    choices = await fake.autocomplete("feed test", {"ref": "drama"}, author="moderator")
    assert [c["value"] for c in choices] == [ref] and "#reviews" in choices[0]["name"]
    assert (
        await fake.autocomplete("feed test", {"ref": "nothing like it"}, author="moderator") == []
    )

    listed = await slash(fake, "feed list", author="moderator")
    assert f"1. {site.title}" in text_of(listed) and "✅ active" in text_of(listed)

    tested = await slash(fake, "feed test", {"ref": ref}, author="moderator")
    assert "Paper Cranes review" in str(tested.content)
    assert tested.callback["data"]["allowed_mentions"] == {"parse": []}  # type: ignore[index]

    backfilled = await slash(fake, "feed backfill", {"ref": ref, "count": 1}, author="moderator")
    assert "Queued 1" in text_of(backfilled)
    await wait_announced(fake, "reviews", "Paper Cranes review")

    bad = await slash(fake, "feed filter", {"ref": ref, "spec": "nonsense"}, author="moderator")
    assert bad.ephemeral and "include:" in text_of(bad)  # the error shows the syntax
    good = await slash(
        fake, "feed filter", {"ref": ref, "spec": "include:orchard"}, author="moderator"
    )
    assert "Filter saved" in text_of(good) and "orchard" in text_of(good)

    unknown = await slash(
        fake, "feed template", {"ref": ref, "text": "{titel} is out"}, author="moderator"
    )
    assert unknown.ephemeral and "{titel}" in text_of(unknown) and "{title}" in text_of(unknown)
    templated = await slash(
        fake, "feed template", {"ref": ref, "text": "🍿 {title} {stars}"}, author="moderator"
    )
    assert str(templated.content).startswith("🍿 ") and "Template saved" in text_of(templated)

    site.add("Salt Road trailer drops")  # filtered out
    site.add_review("Glass Orchard")  # passes the filter, in the new template
    message = await wait_announced(fake, "reviews", "Glass Orchard")
    assert message["content"].startswith(f"<@&{fans.id}> 🍿 Glass Orchard ★")  # role in front
    await settle(fake, db_path)
    assert not announced(fake, "reviews", "Salt Road")

    paused = await slash(fake, "feed pause", {"ref": ref}, author="moderator")
    assert "Paused" in text_of(paused)
    assert (await bot.feed_service.list(guild.id))[0].subscription.paused  # type: ignore[union-attr]
    resumed = await slash(fake, "feed resume", {"ref": ref}, author="moderator")
    assert "Resumed" in text_of(resumed)
    removed = await slash(fake, "feed remove", {"ref": site.url}, author="moderator")
    assert "Stopped following" in text_of(removed)
    assert await bot.feed_service.list(guild.id) == []  # type: ignore[union-attr]


async def test_a_long_list_is_paged(fake: FakeDiscord, bot: ReviewBot, site: FeedSite) -> None:
    guild = fake.world.guild()
    channels = [fake.world.add_channel(guild, f"fans-{i}") for i in range(7)]
    for channel in channels:
        await bot.feed_service.add(guild.id, channel.id, site.url)  # type: ignore[union-attr]
    message = await ask_one(fake, "!feed list", author="moderator")
    first = embed_of(message)
    assert [f["name"][:2] for f in first["fields"]] == ["1.", "2.", "3.", "4.", "5."]
    assert first["footer"]["text"] == "Page 1/2" and "(7)" in first["title"]
    assert page_buttons(message) == ["prev", "pos", "next"]
    turned = await turn(fake, message, "next", author="moderator")
    second = embed_of(turned.original or {})
    assert [f["name"][:2] for f in second["fields"]] == ["6.", "7."]
    assert f"<#{channels[6].id}>" in second["fields"][1]["value"]
    assert second["footer"]["text"] == "Page 2/2"


# --------------------------------------------------------------------------- permissions


async def test_non_moderators_are_refused_on_both_paths(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite
) -> None:
    guild = fake.world.guild()
    prefix = [
        f"!feed add {site.url}", "!feed", "!feed list", "!feed remove 1", "!feed pause 1",
        "!feed resume 1", "!feed test 1", "!feed backfill 1 2", "!feed filter 1 reviews-only",
        "!feed template 1 {title}",
    ]  # fmt: skip
    for line in prefix:
        reply = await ask_one(fake, line, author="member")
        assert REFUSED in reply["content"], line
    slashes: list[tuple[str, JSON]] = [
        ("feed add", {"url": site.url}), ("feed list", {}), ("feed remove", {"ref": "1"}),
        ("feed pause", {"ref": "1"}), ("feed resume", {"ref": "1"}), ("feed test", {"ref": "1"}),
        ("feed backfill", {"ref": "1", "count": 2}), ("feed filter", {"ref": "1", "spec": "x"}),
        ("feed template", {"ref": "1", "text": "{title}"}),
    ]  # fmt: skip
    for name, options in slashes:
        record = await slash(fake, name, options, author="member")
        assert record.ephemeral and REFUSED in str(record.content), name
    assert await bot.feed_service.list(guild.id) == []  # type: ignore[union-attr]
    # a moderator's subscription is not even listed to others by autocomplete
    await ask_one(fake, f"!feed add {site.url}", author="moderator")
    assert await fake.autocomplete("feed test", {"ref": ""}, author="member") == []
    assert len(await fake.autocomplete("feed test", {"ref": ""}, author="moderator")) == 1


# --------------------------------------------------------------------------- safety and failures


async def test_mentions_in_feed_text_are_never_parsed(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite, db_path: Path
) -> None:
    guild = fake.world.guild()
    fans, mods = guild.role("Fans"), guild.role("Moderators")
    await ask_one(fake, f"!config mentions add <@&{fans.id}>", author="moderator")
    await ask_one(fake, f"!feed add {site.url}", author="moderator")  # #general: no role
    await ask_one(
        fake,
        f"!feed add {site.url} <#{fake.channel('reviews').id}> <@&{fans.id}>",
        author="moderator",
    )
    member = fake.user("member").id
    site.add(
        f"Mention Storm review @everyone @here <@&{mods.id}> <@{member}>",
        f"Ping @everyone and <@&{mods.id}> and <@{member}> and @here. Rating 2/5.",
    )
    plain = await wait_announced(fake, "general", "Mention Storm")
    pinging = await wait_announced(fake, "reviews", "Mention Storm")
    assert sent_body(fake, plain)["allowed_mentions"] == {"parse": []}
    assert sent_body(fake, pinging)["allowed_mentions"] == {"parse": [], "roles": [fans.id]}
    for message in (plain, pinging):
        content = message["content"]
        assert "@everyone" not in content and "@here" not in content
        assert f"<@&{mods.id}>" not in content and f"<@{member}>" not in content
        assert message["mention_everyone"] is False and message["mentions"] == []
    assert plain["mention_roles"] == []


async def test_errors_go_through_the_one_error_path(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite
) -> None:
    await ask_one(fake, f"!feed add {site.url}", author="moderator")
    twice = await ask_one(fake, f"!feed add {site.url}", author="moderator")
    assert "already" in text(twice)
    missing = await ask_one(fake, "!feed filter 1", author="moderator")
    assert "Usage: !feed filter <ref> <spec>" in missing["content"]
    assert "include:" in missing["content"] and "reviews-only" in missing["content"]
    bad_regex = await ask_one(fake, "!feed filter 1 regex:/(a+)+/", author="moderator")
    assert "regex" in text(bad_regex) and embed_of(bad_regex)["title"] == "Hmm…"
    placeholder = await ask_one(fake, "!feed template 1 {titel} out now", author="moderator")
    assert "{titel}" in text(placeholder) and "{headline}" in text(placeholder)
    unknown = await ask_one(fake, "!feed remove 7", author="moderator")
    assert embed_of(unknown)["title"] == "Hmm…"
    everyone = await ask_one(
        fake, f"!feed add {site.page_url} <@&{fake.world.guild().id}>", author="moderator"
    )
    assert "never ping @everyone" in text(everyone)
    not_allowed = await ask_one(
        fake,
        f"!feed add {site.url} <#{fake.channel('mods').id}> <@&{fake.world.guild().role('Fans').id}>",
        author="moderator",
    )
    assert "config mentions" in text(not_allowed)
    assert len(await bot.feed_service.list(fake.world.guild().id)) == 1  # type: ignore[union-attr]


async def test_channel_without_permission_pauses_and_tells_moderators(
    fake: FakeDiscord, bot: ReviewBot, site: FeedSite, db_path: Path
) -> None:
    mods = fake.channel("mods")
    await ask_one(fake, f"!config channel <#{mods.id}>", author="moderator")
    await ask_one(fake, f"!feed add {site.url} <#{fake.channel('reviews').id}>", author="moderator")
    await ask_one(fake, f"!feed add {site.url}", author="moderator")  # #general
    fake.deny_send("reviews")
    general = fake.channel("general")
    fake.fail_next(f"/channels/{general.id}/messages", status=503, method="POST")  # transient
    site.add_review("Locked Door")
    notice = await wait_announced(fake, "mods", "Feed notice")
    assert (
        f"<#{fake.channel('reviews').id}>" in notice["content"]
        and "feed resume" in notice["content"]
    )
    assert sent_body(fake, notice)["allowed_mentions"] == {"parse": []}
    await wait_announced(fake, "general", "Locked Door review", timeout=10)  # retried after the 503
    statuses = await bot.feed_service.list(fake.world.guild().id)  # type: ignore[union-attr]
    assert [s.subscription.paused for s in statuses] == [True, False]
    listing = embed_of(await ask_one(fake, "!feed list", author="moderator"))
    assert "⏸️ paused" in listing["fields"][0]["value"]
    assert len(announced(fake, "general", "Locked Door")) == 1
