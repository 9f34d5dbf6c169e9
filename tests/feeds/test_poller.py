"""The poller against a real feed server on 127.0.0.1 and a real SQLite file (bot/feeds/poller.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.config import FeedsConfig
from bot.delivery import Sender
from bot.errors import NotFound
from bot.feeds.fetch import Fetcher
from bot.feeds.poller import Poller
from bot.feeds.service import FeedService
from bot.ingest import Ingestor
from bot.storage import SQLiteStorage, open_storage
from tests.feeds.feedworld import (
    FeedWorld,
    Item,
    RecordingTransport,
    StaticResolver,
    feeds_config,
    make_fetcher,
    review_body,
    running_world,
)


@dataclass
class Rig:
    world: FeedWorld
    store: SQLiteStorage
    config: FeedsConfig
    fetcher: Fetcher
    poller: Poller
    service: FeedService
    transport: RecordingTransport
    sender: Sender
    notices: list[tuple[int, int | None, str]] = field(default_factory=list)


@asynccontextmanager
async def rig_for(tmp_path: Path, **config: object) -> AsyncIterator[Rig]:
    settings = feeds_config(**config)
    resolver = StaticResolver(("a.test", "b.test"))
    async with running_world() as world, make_fetcher(settings, resolver) as fetcher:
        store = await open_storage(tmp_path / "bot.db")
        ingestor = Ingestor(store, workers=0)
        transport = RecordingTransport()
        sender = Sender(store, transport)
        notices: list[tuple[int, int | None, str]] = []

        async def notifier(guild_id: int, channel_id: int | None, text: str) -> None:
            notices.append((guild_id, channel_id, text))

        poller = Poller(store, fetcher, ingestor, settings, sender=sender, notifier=notifier)
        service = FeedService(store, fetcher, ingestor, settings, poller=poller, sender=sender)
        try:
            yield Rig(world, store, settings, fetcher, poller, service, transport, sender, notices)
        finally:
            await poller.stop()
            await store.close()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with rig_for(tmp_path) as built:
        yield built


def review(slug: str, title: str, day: int, **extra: object) -> Item:
    return Item(slug, f"Review: {title}", review_body(title), day=day, **extra)  # type: ignore[arg-type]


async def test_not_modified_sends_the_stored_etag(rig: Rig) -> None:
    url = rig.world.feed("/f", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, url)
    report = await rig.poller.poll_feed(added.feed.id)
    assert report.status == "not_modified" and report.new == 0 and report.announced == 0
    assert rig.world.validators["/f"][0] is None  # the add: unconditional
    assert rig.world.validators["/f"][1] is not None  # the poll: If-None-Match with the etag
    feed = await rig.store.get_feed(added.feed.id)
    assert feed.failures == 0 and feed.last_success is not None and feed.items == 1


async def test_new_items_are_announced_once_in_each_channel(rig: Rig) -> None:
    url = rig.world.feed("/f", review("a", "Alpha House", 1))
    first = await rig.service.add(1, 10, url)
    await rig.service.add(2, 20, url)  # the feed is known: no second fetch
    assert rig.world.hits["/f"] == 1
    doc = rig.world.docs["/f"]
    doc.items[:0] = [review("c", "Gamma Road", 3), review("b", "Beta Lane", 2)]
    report = await rig.poller.poll_feed(first.feed.id)
    assert (report.status, report.new, report.announced) == ("ok", 2, 4)
    assert (await rig.sender.drain_once()).sent == 4
    for channel in (10, 20):
        posted = [s.content for s in rig.transport.in_channel(channel)]
        assert len(posted) == 2
        assert "Beta Lane" in posted[0] and "Gamma Road" in posted[1]  # oldest first
    again = await rig.poller.poll_feed(first.feed.id)
    assert again.status == "not_modified"
    assert (await rig.sender.drain_once()).sent == 0
    assert len(rig.transport.sent) == 4


async def test_an_edited_item_updates_the_review_and_the_post(rig: Rig) -> None:
    url = rig.world.feed("/f", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, url)
    rig.world.docs["/f"].items.insert(0, review("b", "Beta Lane", 2))
    await rig.poller.poll_feed(added.feed.id)
    await rig.sender.drain_once()
    (posted,) = rig.transport.sent
    assert "4/5" in posted.content
    rig.world.docs["/f"].items[0].body = review_body("Beta Lane", rating="2/5") + "<p>Update.</p>"
    report = await rig.poller.poll_feed(added.feed.id)
    assert (report.new, report.updated, report.announced) == (0, 1, 1)
    hits = await rig.store.search("Update")
    assert [r.headline for r in hits] == ["Review: Beta Lane"]
    await rig.sender.drain_once()
    assert len(rig.transport.sent) == 1  # edited, not posted again
    ((channel, message_id, content),) = rig.transport.edits
    assert channel == 10 and message_id == posted.message_id and "2/5" in content


async def test_failures_back_off_then_recover(tmp_path: Path) -> None:
    async with rig_for(tmp_path, pause_after_failures=10) as rig:
        url = rig.world.feed("/f", review("a", "Alpha House", 1))
        added = await rig.service.add(1, 10, url)
        rig.world.docs["/f"].status = 500
        delays = []
        for expected in (1, 2, 3):
            report = await rig.poller.poll_feed(added.feed.id)
            assert report.status == "failed" and "HTTP 500" in (report.error or "")
            feed = await rig.store.get_feed(added.feed.id)
            assert feed.failures == expected and "500" in (feed.last_error or "")
            assert feed.next_poll is not None
            delays.append(feed.next_poll.timestamp() - time.time())
        assert delays[0] > 100 and delays[1] > 1.8 * delays[0] and delays[2] > 1.8 * delays[1]
        rig.world.docs["/f"].status = 200
        report = await rig.poller.poll_feed(added.feed.id)
        assert report.status in ("ok", "not_modified")
        feed = await rig.store.get_feed(added.feed.id)
        assert feed.failures == 0 and feed.last_error is None and not feed.paused
        assert feed.next_poll is not None and feed.next_poll.timestamp() - time.time() < delays[0]


async def test_a_failing_feed_is_paused_and_every_server_told(rig: Rig) -> None:
    url = rig.world.feed("/f", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, url)
    await rig.service.add(2, 20, url)
    await rig.service.add(2, 21, url)
    rig.world.docs["/f"].status = 503
    statuses = [(await rig.poller.poll_feed(added.feed.id)).status for _ in range(3)]
    assert statuses == ["failed", "failed", "paused"]
    assert sorted((g, c) for g, c, _ in rig.notices) == [(1, 10), (2, 20)]  # once per server
    assert all(url in text and "feed resume" in text for _, _, text in rig.notices)
    assert (await rig.store.get_feed(added.feed.id)).paused
    assert await rig.store.pollable_feeds() == []
    hits = rig.world.hits["/f"]
    assert (await rig.poller.poll_feed(added.feed.id)).status == "paused"
    assert rig.world.hits["/f"] == hits  # a paused feed is not fetched
    rig.world.docs["/f"].status = 200
    status = await rig.service.resume(1, 1)
    assert not status.feed.paused and status.feed.failures == 0
    assert (await rig.poller.poll_feed(added.feed.id)).status in ("ok", "not_modified")
    assert len(rig.notices) == 2


async def test_a_slow_server_times_out_without_holding_up_others(tmp_path: Path) -> None:
    async with rig_for(tmp_path, timeout_total=0.5) as rig:
        slow = await rig.service.add(1, 10, rig.world.feed("/slow", review("a", "Alpha", 1)))
        fast = await rig.service.add(1, 10, rig.world.feed("/fast", review("b", "Beta", 1)))
        rig.world.docs["/slow"].delay = 3.0
        reports = await asyncio.gather(
            rig.poller.poll_feed(slow.feed.id), rig.poller.poll_feed(fast.feed.id)
        )
        assert reports[0].status == "failed" and "Timed out" in (reports[0].error or "")
        assert reports[1].status == "not_modified"
        feed = await rig.store.get_feed(slow.feed.id)
        assert feed.failures == 1 and "Timed out" in (feed.last_error or "")


async def test_retry_after_and_max_age_set_the_next_poll(rig: Rig) -> None:
    url = rig.world.feed("/f", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, url)
    doc = rig.world.docs["/f"]
    doc.status, doc.headers = 429, {"Retry-After": "7200"}
    report = await rig.poller.poll_feed(added.feed.id)
    assert report.status == "failed" and "rate-limiting" in (report.error or "")
    feed = await rig.store.get_feed(added.feed.id)
    assert feed.next_poll is not None and feed.next_poll.timestamp() >= time.time() + 7190
    doc.status, doc.headers = 200, {"Cache-Control": "max-age=5000"}
    doc.items.insert(0, review("b", "Beta Lane", 2))  # a new etag: a full answer
    assert (await rig.poller.poll_feed(added.feed.id)).status == "ok"
    feed = await rig.store.get_feed(added.feed.id)
    assert feed.next_poll is not None and feed.next_poll.timestamp() >= time.time() + 4990


async def test_guids_that_change_on_every_fetch_are_not_announced_again(rig: Rig) -> None:
    items = [
        review(s, t, d) for s, t, d in (("a", "Alpha", 4), ("b", "Beta", 3), ("c", "Gamma", 2))
    ]
    url = rig.world.feed("/f", *items, rotate_guids=True)
    added = await rig.service.add(1, 10, url)
    for _ in range(3):
        report = await rig.poller.poll_feed(added.feed.id)
        assert report.status == "ok" and report.announced == 0
    state = await rig.store.feed_state(added.feed.id)
    assert not state.use_guid  # keyed by link from now on
    rig.world.docs["/f"].items.insert(0, review("d", "Delta Night", 5))
    report = await rig.poller.poll_feed(added.feed.id)
    assert report.announced == 1
    await rig.sender.drain_once()
    assert [("Delta Night" in s.content) for s in rig.transport.sent] == [True]


async def test_one_review_through_two_feeds_is_announced_once_per_channel(rig: Rig) -> None:
    feed_a = rig.world.feed("/a", review("old-a", "Old A", 1))
    feed_b = rig.world.feed("/b", review("old-b", "Old B", 1))
    a = await rig.service.add(1, 10, feed_a)
    b = await rig.service.add(1, 10, feed_b)
    await rig.service.add(1, 20, feed_b)
    rig.world.docs["/a"].items.insert(0, review("shared", "Shared Film", 2))
    rig.world.docs["/b"].items.insert(0, review("shared", "Shared Film", 2, guid="b:shared"))
    await rig.poller.poll_feed(a.feed.id)
    await rig.poller.poll_feed(b.feed.id)
    await rig.sender.drain_once()
    assert len(rig.transport.in_channel(10)) == 1
    assert len(rig.transport.in_channel(20)) == 1


async def test_filters_choose_what_each_channel_announces(rig: Rig) -> None:
    url = rig.world.feed("/f", review("old", "Old One", 1))
    subs = {}
    for channel, spec in (
        (10, "reviews-only"),
        (11, "include:korean"),
        (12, "exclude:trailer"),
        (13, ""),
    ):
        added = await rig.service.add(1, channel, url)
        subs[channel] = added
        await rig.service.set_filter(1, f"#{added.subscription.id}", spec)
    rig.world.docs["/f"].items[:0] = [
        review("moving", "Moving", 2, categories=("Korean drama",)),
        Item("trailer", "Trailer: Kingdom season 3 teaser released",
             "<p>Netflix released a trailer.</p>", day=3, categories=("Korean drama",)),
        Item("casting", "Kim Tae-ri joins new Netflix thriller, casting confirmed",
             "<p>Kim Tae-ri has been cast in a new thriller.</p>", day=4, categories=("Casting",)),
    ]  # fmt: skip
    report = await rig.poller.poll_feed(subs[10].feed.id)
    assert report.new == 3
    await rig.sender.drain_once()

    def got(channel: int) -> list[str]:
        words = ("Moving", "Trailer", "Kim Tae-ri")
        return [w for s in rig.transport.in_channel(channel) for w in words if w in s.content[:80]]

    assert got(10) == ["Moving"]
    assert sorted(got(11)) == ["Moving", "Trailer"]
    assert sorted(got(12)) == ["Kim Tae-ri", "Moving"]
    assert len(rig.transport.in_channel(13)) == 3


async def test_per_host_and_global_limits_hold_at_the_server(tmp_path: Path) -> None:
    hosts = ("127.0.0.1", "a.test", "b.test")
    async with rig_for(
        tmp_path, allowed_hosts=hosts, per_host_concurrency=2, max_concurrency=3
    ) as rig:
        ids = []
        for host in ("a.test", "b.test"):
            for n in range(5):
                rig.world.feed(f"/{host}/{n}", review(f"{host}-{n}", f"Film {n}", 1))
                added = await rig.service.add(1, 10, rig.world.url(f"/{host}/{n}", host))
                ids.append(added.feed.id)
        for doc in rig.world.docs.values():
            doc.delay = 0.15
        reports = await asyncio.gather(*(rig.poller.poll_feed(i) for i in ids))
        assert {r.status for r in reports} == {"not_modified"}
        assert rig.world.max_in_flight["a.test"] == 2 and rig.world.max_in_flight["b.test"] == 2
        assert rig.world.max_total == 3


async def test_run_polls_due_feeds_and_persists_the_schedule(rig: Rig) -> None:
    url = rig.world.feed("/f", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, url)
    rig.world.docs["/f"].items.insert(0, review("b", "Beta Lane", 2))
    await rig.service.resume(1, 1)  # due now
    sender_task = asyncio.create_task(rig.sender.run())
    task = asyncio.create_task(rig.poller.run())
    await until(lambda: len(rig.transport.sent) == 1)
    await rig.poller.stop()
    await rig.sender.stop()
    await asyncio.wait_for(asyncio.gather(task, sender_task), 5)
    feed = await rig.store.get_feed(added.feed.id)
    assert feed.next_poll is not None and feed.next_poll.timestamp() > time.time() + 30
    assert "Beta Lane" in rig.transport.sent[0].content


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def test_run_polls_a_feed_again_when_it_is_due_again(tmp_path: Path) -> None:
    async with rig_for(tmp_path, default_interval=1, min_interval=1) as rig:
        url = rig.world.feed("/f", review("a", "Alpha House", 1))
        await rig.service.add(1, 10, url)
        task = asyncio.create_task(rig.poller.run())
        await until(lambda: rig.world.hits["/f"] >= 2)  # the first scheduled poll
        rig.world.docs["/f"].items.insert(0, review("b", "Beta Lane", 2))
        await until(lambda: rig.world.hits["/f"] >= 4)  # and the ones after it, unprompted
        await rig.poller.stop()
        await asyncio.wait_for(task, 5)
        assert (await rig.store.outbox_counts())["pending"] == 1


async def test_feeds_finishing_together_share_one_write_and_announce_once(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cycle's new items go to storage in group commits (several feeds per transaction); the
    same review arriving through two feeds in one group is still announced once per channel."""
    urls = [rig.world.feed(f"/g{n}", review(f"old-{n}", f"Old {n}", 1)) for n in range(6)]
    for url in urls:
        await rig.service.add(1, 10, url)
    for n in range(6):
        rig.world.docs[f"/g{n}"].items.insert(0, review(f"new-{n}", f"Fresh Title {n}", 2))
    for path in ("/g0", "/g1"):  # one more review, carried by two of the feeds
        rig.world.docs[path].items.insert(0, review("shared", "Shared Film", 3, guid=path))
    groups: list[list[str]] = []
    write = rig.store.ingest_and_enqueue_many

    async def recording(batch):  # type: ignore[no-untyped-def]
        groups.append([feed_key for feed_key, _, _ in batch])
        return await write(batch)

    monkeypatch.setattr(rig.store, "ingest_and_enqueue_many", recording)
    later = time.time() + 10**7  # every feed is due
    poller = Poller(rig.store, rig.fetcher, Ingestor(rig.store, workers=0), rig.config,
                    clock=lambda: later)  # fmt: skip
    reports = await poller.poll_due()
    assert sorted(r.status for r in reports) == ["ok"] * 6
    assert sum(r.new for r in reports) == 7  # six new items and the shared review, once
    assert sorted(k for group in groups for k in group) == sorted(urls)  # every feed written once
    assert len(groups) < len(urls) and max(map(len, groups)) > 1  # at least one group commit
    await rig.sender.drain_once()
    posted = [s.content for s in rig.transport.in_channel(10)]
    assert len(posted) == 7 and sum("Shared Film" in p for p in posted) == 1


# ---------------------------------------------------------------------- feeds that move


def move(world: FeedWorld, path: str, hops: list[tuple[int, str]]) -> None:
    """Serve redirects from ``path`` through ``hops`` ((status, next path) each), the last one
    onto the feed ``path`` served until now (its Doc, unchanged)."""
    doc = world.docs[path]
    for status, target in hops:
        world.feed(path, status=status, headers={"Location": world.url(target)})
        path = target
    world.docs[path] = doc


@pytest.mark.parametrize("status", [301, 308])
async def test_a_permanent_redirect_moves_the_feed(
    rig: Rig, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    old = rig.world.feed("/old", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, old)
    move(rig.world, "/old", [(status, "/new")])
    new = rig.world.url("/new")
    with caplog.at_level(logging.INFO, logger="reviewbot.poller"):
        report = await rig.poller.poll_feed(added.feed.id)
    assert report.status == "not_modified"  # the validators went along the redirect
    assert rig.world.validators["/new"] == [rig.world.validators["/old"][-1]]
    assert f"feed {old} moved permanently to {new}" in caplog.text
    state = await rig.store.feed_state(added.feed.id)
    assert state.url == new and state.feed_key == old
    assert [s.feed.url for s in await rig.service.list(1)] == [new]
    old_hits = rig.world.hits["/old"]
    rig.world.docs["/new"].items.insert(0, review("b", "Beta Lane", 2))
    report = await rig.poller.poll_feed(added.feed.id)
    assert (report.status, report.new, report.announced) == ("ok", 1, 1)
    again = await rig.poller.poll_feed(added.feed.id)
    assert again.status == "not_modified"
    assert rig.world.hits["/old"] == old_hits  # fetched at its new address directly
    assert rig.world.hits["/new"] == 3 and all(rig.world.validators["/new"])
    await rig.sender.drain_once()
    assert [("Beta Lane" in s.content) for s in rig.transport.in_channel(10)] == [True]


@pytest.mark.parametrize(
    "hops",
    [
        [(302, "/new")],
        [(303, "/new")],
        [(307, "/new")],
        [(301, "/hop"), (302, "/new")],  # a temporary hop anywhere: the old address stays
        [(302, "/hop"), (308, "/new")],
    ],
)
async def test_a_temporary_redirect_changes_nothing(
    rig: Rig, hops: list[tuple[int, str]], caplog: pytest.LogCaptureFixture
) -> None:
    old = rig.world.feed("/old", review("a", "Alpha House", 1))
    added = await rig.service.add(1, 10, old)
    move(rig.world, "/old", hops)
    with caplog.at_level(logging.INFO, logger="reviewbot.poller"):
        assert (await rig.poller.poll_feed(added.feed.id)).status == "not_modified"
    rig.world.docs["/new"].items.insert(0, review("b", "Beta Lane", 2))
    report = await rig.poller.poll_feed(added.feed.id)
    assert (report.status, report.new, report.announced) == ("ok", 1, 1)
    assert rig.world.hits["/old"] == 3 and rig.world.hits["/new"] == 2  # every poll via /old
    assert (await rig.store.feed_state(added.feed.id)).url == old
    assert [s.feed.url for s in await rig.service.list(1)] == [old]
    assert "moved permanently" not in caplog.text
    await rig.sender.drain_once()
    assert len(rig.transport.in_channel(10)) == 1


async def test_a_feed_moving_onto_a_followed_address_merges_into_it(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    old = rig.world.feed("/old", review("a", "Alpha House", 1))
    new = rig.world.feed("/new", review("a", "Alpha House", 1))
    moving = await rig.service.add(1, 10, old)
    moved_sub = await rig.service.add(3, 30, old)
    there = await rig.service.add(1, 10, new)  # channel 10 follows both addresses
    await rig.service.add(2, 20, new)
    rig.world.docs["/new"].items.insert(0, review("b", "Beta Lane", 2))
    rig.world.feed("/old", status=301, headers={"Location": new})
    with caplog.at_level(logging.INFO, logger="reviewbot.poller"):
        report = await rig.poller.poll_feed(moving.feed.id)
    # the moved feed saw Beta Lane first and queued it for channels 10 and 30
    assert (report.status, report.new, report.announced) == ("ok", 1, 2)
    assert f"moved permanently to {new}" in caplog.text and "merged" in caplog.text
    with pytest.raises(NotFound):
        await rig.store.get_feed(moving.feed.id)
    subs = await rig.store.feed_subscriptions(there.feed.id)
    assert sorted(s.channel_id for s in subs) == [10, 20, 30]  # exactly one per channel
    assert moved_sub.subscription.id in {s.id for s in subs}
    for guild in (1, 3):
        assert [s.feed.url for s in await rig.service.list(guild)] == [new]
    old_hits = rig.world.hits["/old"]
    report = await rig.poller.poll_feed(there.feed.id)
    # Beta Lane is new to this feed (not a new review): queued for channel 20 only
    assert (report.status, report.new, report.announced) == ("ok", 0, 1)
    rig.world.docs["/new"].items.insert(0, review("c", "Gamma Road", 3))
    report = await rig.poller.poll_feed(there.feed.id)
    assert (report.new, report.announced) == (1, 3)
    assert rig.world.hits["/old"] == old_hits
    assert (await rig.sender.drain_once()).sent == 6
    for channel in (10, 20, 30):
        posted = [s.content for s in rig.transport.in_channel(channel)]
        assert len(posted) == 2 and "Beta Lane" in posted[0] and "Gamma Road" in posted[1]
    assert (await rig.poller.poll_feed(there.feed.id)).status == "not_modified"
    assert (await rig.sender.drain_once()).sent == 0


async def test_a_merge_waits_while_the_address_s_own_feed_is_being_polled(rig: Rig) -> None:
    old = rig.world.feed("/old", review("a", "Alpha House", 1))
    new = rig.world.feed("/new", review("a", "Alpha House", 1))
    moving = await rig.service.add(1, 10, old)
    there = await rig.service.add(2, 20, new)
    rig.world.feed("/old", status=308, headers={"Location": new})
    rig.poller._polling.add(there.feed.id)  # its poll read its subscriptions before the merge
    assert (await rig.poller.poll_feed(moving.feed.id)).status == "not_modified"
    assert (await rig.store.get_feed(moving.feed.id)).url == old  # not yet
    rig.poller._polling.discard(there.feed.id)
    await rig.poller.poll_feed(moving.feed.id)
    with pytest.raises(NotFound):
        await rig.store.get_feed(moving.feed.id)
    assert sorted(s.channel_id for s in await rig.store.feed_subscriptions(there.feed.id)) == [
        10,
        20,
    ]


async def test_run_merges_a_moved_feed_and_keeps_polling_the_address(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with rig_for(tmp_path, default_interval=1, min_interval=1) as rig:
        old = rig.world.feed("/old", review("a", "Alpha House", 1))
        new = rig.world.feed("/new", review("a", "Alpha House", 1))
        moving = await rig.service.add(1, 10, old)
        there = await rig.service.add(2, 20, new)
        rig.world.feed("/old", status=301, headers={"Location": new})
        task = asyncio.create_task(rig.poller.run())
        try:
            for _ in range(500):
                if [f.feed_id for f in await rig.store.pollable_feeds()] == [there.feed.id]:
                    break
                await asyncio.sleep(0.02)
            else:
                pytest.fail("the moved feed was not merged")
            hits = rig.world.hits["/new"]
            rig.world.docs["/new"].items.insert(0, review("b", "Beta Lane", 2))
            await until(lambda: rig.world.hits["/new"] >= hits + 2)  # polled on, unprompted
        finally:
            await rig.poller.stop()
            await asyncio.wait_for(task, 5)
        with pytest.raises(NotFound):
            await rig.store.get_feed(moving.feed.id)
        assert "failed" not in caplog.text and "crashed" not in caplog.text
        assert (await rig.sender.drain_once()).sent == 2
        assert [len(rig.transport.in_channel(c)) for c in (10, 20)] == [1, 1]
