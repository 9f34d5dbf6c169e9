"""The moderators' feed commands (bot/feeds/service.py) over a real feed server and SQLite file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import Ambiguous, FeedError, NotFound, UsageError
from bot.models import Announcement, SettingChange
from bot.settings import GuildSettings
from tests.feeds.feedworld import Item
from tests.feeds.test_poller import Rig, review, rig_for


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with rig_for(tmp_path, backfill_cap=3) as built:
        yield built


def outbox(rig: Rig) -> list[tuple[int, int, str]]:
    conn = sqlite3.connect(rig.store.path)
    try:
        return conn.execute(
            "SELECT channel_id, review_id, state FROM outbox ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def five_reviews() -> list[Item]:
    names = ("Echo Park", "Delta Night", "Gamma Road", "Beta Lane", "Alpha House")
    return [review(n.lower().replace(" ", "-"), n, 10 - i) for i, n in enumerate(names)]


async def allow_role(rig: Rig, guild: int, role: int) -> None:
    settings = GuildSettings(mention_role_ids=(role,))
    await rig.store.save_guild_setting(
        guild, settings.to_json(), SettingChange(guild, 1, "mention_role_ids", None, str(role))
    )


async def test_add_stores_every_item_and_announces_none(rig: Rig) -> None:
    url = rig.world.feed("/f", *five_reviews(), title="Drama Notes")
    result = await rig.service.add(1, 10, url, user_id=99)
    assert result.stored == 5 and result.discovered_from is None
    assert result.feed.url == url and result.feed.title == "Drama Notes" and result.feed.items == 5
    assert result.subscription.channel_id == 10 and result.subscription.created_by == 99
    assert outbox(rig) == []
    assert [r.headline for r in await rig.store.search("Gamma")] == ["Review: Gamma Road"]
    assert (await rig.sender.drain_once()).sent == 0


async def test_add_discovers_the_feed_of_a_page(rig: Rig) -> None:
    feed_url = rig.world.feed("/feed.xml", *five_reviews())
    page = rig.world.url("/page/feed.xml")
    result = await rig.service.add(1, 10, page)
    assert result.discovered_from == page and result.feed.url == feed_url
    with pytest.raises(UsageError, match="already follows"):
        await rig.service.add(1, 10, page)
    with pytest.raises(UsageError, match="already follows"):
        await rig.service.add(1, 10, feed_url)


async def test_add_refuses_bad_addresses_and_roles(rig: Rig) -> None:
    with pytest.raises(UsageError, match="not a web address"):
        await rig.service.add(1, 10, "ftp://example.com/feed")
    with pytest.raises(FeedError):
        await rig.service.add(1, 10, rig.world.url("/missing"))
    url = rig.world.feed("/f", *five_reviews())
    with pytest.raises(UsageError, match="may not ping"):
        await rig.service.add(1, 10, url, mention_role_id=777)
    assert await rig.service.list(1) == []


async def test_refs_list_pause_resume_remove(rig: Rig) -> None:
    url_a = rig.world.feed("/a", *five_reviews())
    url_b = rig.world.feed("/b", *five_reviews()[:2])
    first = await rig.service.add(1, 10, url_a)
    second = await rig.service.add(1, 11, url_a)
    third = await rig.service.add(1, 10, url_b)
    listed = await rig.service.list(1)
    assert [s.subscription.id for s in listed] == [
        first.subscription.id, second.subscription.id, third.subscription.id,
    ]  # fmt: skip
    assert (await rig.service.resolve(1, "3")).subscription.id == third.subscription.id
    assert (
        await rig.service.resolve(1, f"#{second.subscription.id}")
    ).subscription.channel_id == 11
    assert (await rig.service.resolve(1, url_b)).subscription.id == third.subscription.id
    with pytest.raises(Ambiguous) as many:
        await rig.service.resolve(1, url_a)
    assert len(many.value.choices) == 2
    with pytest.raises(NotFound):
        await rig.service.resolve(1, "#9999")
    with pytest.raises(NotFound):
        await rig.service.resolve(2, "1")  # another server sees none of these
    paused = await rig.service.pause(1, "1")
    assert paused.subscription.paused
    resumed = await rig.service.resume(1, "1")
    assert not resumed.subscription.paused
    removed = await rig.service.remove(1, "2")
    assert removed.subscription.id == second.subscription.id
    assert [s.subscription.id for s in await rig.service.list(1)] == [
        first.subscription.id, third.subscription.id,
    ]  # fmt: skip


async def test_test_shows_exactly_what_the_poller_posts(rig: Rig) -> None:
    await allow_role(rig, 1, 4242)
    url = rig.world.feed("/f", *five_reviews())
    added = await rig.service.add(1, 10, url, mention_role_id=4242)
    preview = await rig.service.test(1, "1")
    assert preview.content.startswith("<@&4242>") and "Echo Park" in preview.content
    assert preview.role_ids == (4242,)
    rig.world.docs["/f"].items.insert(0, review("fresh", "Fresh Start", 20))
    await rig.poller.poll_feed(added.feed.id)
    newest = await rig.service.test(1, "1")
    conn = sqlite3.connect(rig.store.path)
    (payload,) = conn.execute("SELECT payload FROM outbox").fetchone()
    conn.close()
    assert Announcement.from_json(payload) == newest
    assert "Fresh Start" in newest.content


async def test_backfill_is_capped_and_never_repeats(rig: Rig) -> None:
    url = rig.world.feed("/f", *five_reviews())
    await rig.service.add(1, 10, url)
    assert await rig.service.backfill(1, "1", 10) == 3  # capped at backfill_cap = 3
    assert await rig.service.backfill(1, "1", 10) == 2  # only two were never posted
    assert await rig.service.backfill(1, "1", 10) == 0
    rows = outbox(rig)
    assert len(rows) == 5 and len({r[1] for r in rows}) == 5
    await rig.sender.drain_once()
    posted = [s.content for s in rig.transport.in_channel(10)]
    assert "Gamma Road" in posted[0] and "Echo Park" in posted[2]  # oldest of the batch first
    with pytest.raises(UsageError):
        await rig.service.backfill(1, "1", 0)


async def test_backfill_respects_the_filter(rig: Rig) -> None:
    url = rig.world.feed(
        "/f",
        review("r1", "Moving", 3),
        Item("news", "Kim Tae-ri joins new Netflix thriller, casting confirmed",
             "<p>Kim Tae-ri has been cast in a new thriller.</p>", day=4),
    )  # fmt: skip
    await rig.service.add(1, 10, url)
    await rig.service.set_filter(1, "1", "reviews-only")
    assert await rig.service.backfill(1, "1", 3) == 1


async def test_filter_is_validated_stored_and_cleared(rig: Rig) -> None:
    url = rig.world.feed("/f", *five_reviews())
    await rig.service.add(1, 10, url)
    flt = await rig.service.set_filter(
        1, "1", 'include:korean,"k drama" exclude:trailer reviews-only'
    )
    assert flt.include == ("korean", "k drama") and flt.reviews_only
    (status,) = await rig.service.list(1)
    assert status.subscription.filter_spec == flt.to_spec()
    with pytest.raises(UsageError, match="include"):
        await rig.service.set_filter(1, "1", "korean")
    with pytest.raises(UsageError):
        await rig.service.set_filter(1, "1", "regex:(a+)+")
    assert (await rig.service.list(1))[0].subscription.filter_spec == flt.to_spec()
    cleared = await rig.service.set_filter(1, "1", "none")
    assert cleared.is_empty
    assert (await rig.service.list(1))[0].subscription.filter_spec is None


async def test_template_preview_errors_and_use(rig: Rig) -> None:
    url = rig.world.feed("/f", *five_reviews())
    added = await rig.service.add(1, 10, url)
    shown = await rig.service.set_template(1, "1", "New: **{title}** {stars}\\n<{url}>")
    assert shown.startswith("New: **Moonlit Harbour**")
    with pytest.raises(UsageError, match="Unknown placeholder"):
        await rig.service.set_template(1, "1", "{titel} is out")
    stored = (await rig.service.list(1))[0].subscription.template
    assert stored == "New: **{title}** {stars}\n<{url}>"  # the bad one was not saved
    rig.world.docs["/f"].items.insert(0, review("zeta", "Zeta Point", 20))
    await rig.poller.poll_feed(added.feed.id)
    await rig.sender.drain_once()
    (posted,) = rig.transport.sent
    assert posted.content.startswith("New: **Zeta Point** ★★★★☆")
    reset = await rig.service.set_template(1, "1", "default")
    assert "Moonlit Harbour" in reset
    assert (await rig.service.list(1))[0].subscription.template is None


async def test_second_channel_of_a_known_feed_gets_only_later_items(rig: Rig) -> None:
    url = rig.world.feed("/f", *five_reviews())
    first = await rig.service.add(1, 10, url)
    rig.world.docs["/f"].items.insert(0, review("six", "Sixth Sense", 20))
    await rig.poller.poll_feed(first.feed.id)
    later = await rig.service.add(2, 20, url)
    assert later.stored == 6 and later.feed.id == first.feed.id
    rig.world.docs["/f"].items.insert(0, review("seven", "Seventh Son", 21))
    await rig.poller.poll_feed(first.feed.id)
    await rig.sender.drain_once()
    assert [("Seventh" in s.content) for s in rig.transport.in_channel(20)] == [True]
    assert len(rig.transport.in_channel(10)) == 2


def test_announcement_json_round_trip() -> None:
    announcement = Announcement("Hello <@&5>", (5,))
    assert Announcement.from_json(announcement.to_json()) == announcement
    with pytest.raises(ValueError):
        Announcement.from_json(json.dumps({"content": "x", "role_ids": ["5"]}))
