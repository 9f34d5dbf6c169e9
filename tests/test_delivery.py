"""The Sender over a real SQLite outbox and an in-process transport (bot/delivery.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.delivery import Sender, SendError, SlidingWindow
from bot.models import Announcement, StoredItem
from bot.storage import SQLiteStorage, open_storage
from bot.storage.records import NewSubscription, PlannedAnnouncement, QueuedItem
from tests.feeds.feedworld import RecordingTransport
from tests.storage.conftest import article

NOW = datetime(2024, 6, 1, tzinfo=UTC)


class FakeClock:
    """Monotonic time that only moves when the sender sleeps. Sleeps that overlap overlap here too
    (the clock moves to the latest wake-up asked for, it does not add them up), so the simulated
    time of concurrent workers does not depend on how the event loop interleaves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, wake)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    storage = await open_storage(tmp_path / "bot.db")
    try:
        yield storage
    finally:
        await storage.close()


async def follow(store: SQLiteStorage, guild: int, channel: int) -> int:
    status = await store.add_subscription(
        NewSubscription(
            url=f"https://feeds.example/{channel}",
            guild_id=guild,
            channel_id=channel,
            interval_s=600,
            next_poll=NOW,
        )
    )
    return status.subscription.id


async def queue_reviews(
    store: SQLiteStorage, subs: dict[int, int], count: int, tag: str = ""
) -> None:
    """``count`` new reviews, each announced in every channel of ``subs`` (channel -> sub id)."""
    items = []
    for n in range(count):
        url = f"https://site.example/{tag}review-{n}"
        entry, extraction = article(f"Review {tag}{n}", url=url, text=f"Body {n}.")
        items.append(QueuedItem("link:" + url, f"h{tag}{n}", entry, extraction))

    def plan(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        return [
            PlannedAnnouncement(sub, channel, Announcement(f"{stored.headline} in {channel}", (5,)))
            for channel, sub in subs.items()
        ]

    await store.ingest_and_enqueue("https://feeds.example/all", items, plan)


def max_in_window(times: list[float], per: float) -> int:
    """The most events in any half-open window of ``per`` seconds."""
    best = 0
    for i, start in enumerate(times):
        best = max(best, sum(1 for t in times[i:] if t < start + per))
    return best


async def test_sends_every_row_once_with_its_nonce(store: SQLiteStorage) -> None:
    subs = {10: await follow(store, 1, 10), 11: await follow(store, 1, 11)}
    await queue_reviews(store, subs, 3)
    transport = RecordingTransport()
    sender = Sender(store, transport)
    report = await sender.drain_once()
    assert report.sent == 6 and report.failed == 0
    assert len(transport.in_channel(10)) == 3 and len(transport.in_channel(11)) == 3
    assert [s.content for s in transport.in_channel(10)] == [
        f"Review {n} review in 10" for n in range(3)
    ]  # in the order they were queued
    assert all(s.role_ids == (5,) for s in transport.sent)
    assert len({s.nonce for s in transport.sent}) == 6
    assert (await sender.drain_once()).sent == 0  # nothing is sent twice
    assert (await store.outbox_counts())["sent"] == 6
    assert transport.lookups == 0  # rows sent on their first try are never looked for


async def test_pacing_under_the_channel_and_global_limits(store: SQLiteStorage) -> None:
    subs = {c: await follow(store, 1, c) for c in (21, 22, 23)}
    await queue_reviews(store, subs, 12)
    clock = FakeClock()
    transport = RecordingTransport(clock)
    sender = Sender(
        store, transport, rate_per_s=4.0, per_channel=(5, 5.0), clock=clock, sleep=clock.sleep
    )
    assert (await sender.drain_once()).sent == 36
    everything = sorted(s.at for s in transport.sent)
    assert max_in_window(everything, 1.0) <= 4
    for channel in subs:
        times = [s.at for s in transport.in_channel(channel)]
        assert max_in_window(times, 5.0) == 5  # the channel limit is used, never exceeded
    # and no slower than it must be: 12 per channel at 5 per 5 s needs a little over 10 s
    assert everything[-1] - everything[0] < 12.0


def test_sliding_window_never_allows_more_than_its_limit() -> None:
    window = SlidingWindow(3, 1.0)
    slots = [window.reserve(0.0) for _ in range(10)]
    assert slots == sorted(slots)
    assert max_in_window(slots, 1.0) == 3
    window.block_until(50.0)
    assert window.reserve(0.0) == 50.0


async def test_permanent_error_pauses_the_subscription_and_tells_moderators_once(
    store: SQLiteStorage,
) -> None:
    subs = {30: await follow(store, 3, 30), 31: await follow(store, 3, 31)}
    await queue_reviews(store, subs, 3)
    transport = RecordingTransport()
    transport.permanent[30] = "Missing Permissions (50013)"
    sender = Sender(store, transport)
    report = await sender.drain_once()
    assert report.sent == 3 and report.failed == 1  # channel 31 is unaffected
    assert len(transport.notices) == 1
    guild, channel, text = transport.notices[0]
    assert guild == 3 and channel is None and "<#30>" in text and "resume" in text
    status = await store.get_subscription(subs[30])
    assert status.subscription.paused
    assert (await store.outbox_counts()) == {"pending": 2, "sent": 3, "failed": 1, "edits": 0}
    # fixed and resumed: the two held announcements go out, the failed one stays failed
    del transport.permanent[30]
    await store.set_subscription_paused(subs[30], False)
    assert (await sender.drain_once()).sent == 2
    assert len(transport.in_channel(30)) == 2 and len(transport.notices) == 1


async def test_transient_errors_retry_with_backoff_then_succeed(store: SQLiteStorage) -> None:
    subs = {40: await follow(store, 4, 40)}
    await queue_reviews(store, subs, 1)
    transport = RecordingTransport()
    transport.transient[40] = 2
    sender = Sender(store, transport, retry_base=0.05)
    assert (await sender.drain_once()).retried == 1
    assert (await sender.drain_once()).sent == 0  # not due yet: backing off
    for _ in range(50):
        await asyncio.sleep(0.05)
        if (await sender.drain_once()).sent:
            break
    assert len(transport.in_channel(40)) == 1
    (row,) = await store.claim_outbox(datetime(2100, 1, 1, tzinfo=UTC), 10) or [None]  # none due
    assert row is None
    assert sender.totals.retried == 2 and sender.totals.sent == 1


async def test_retry_after_is_honoured(store: SQLiteStorage) -> None:
    subs = {41: await follow(store, 4, 41)}
    await queue_reviews(store, subs, 1)
    transport = RecordingTransport()
    transport.retry_after[41] = 30.0
    sender = Sender(store, transport)
    assert (await sender.drain_once()).retried == 1
    assert await store.claim_outbox(datetime.now(UTC), 10) == []
    (row,) = await store.claim_outbox(datetime.now(UTC).replace(year=2100), 10)
    assert row.attempts == 1


async def test_give_up_after_max_attempts(store: SQLiteStorage) -> None:
    subs = {42: await follow(store, 4, 42)}
    await queue_reviews(store, subs, 1)
    transport = RecordingTransport()
    transport.transient[42] = 99
    sender = Sender(store, transport, retry_base=0.0, max_attempts=3)
    for _ in range(3):
        await sender.drain_once()
    assert (await store.outbox_counts())["failed"] == 1
    assert not (await store.get_subscription(subs[42])).subscription.paused  # not a permanent error
    assert transport.notices == []


async def test_pending_rows_survive_a_crash_and_are_posted_once(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await open_storage(path)
    subs = {50: await follow(store, 5, 50)}
    await queue_reviews(store, subs, 2)
    transport = RecordingTransport()
    transport.crash_after_send = True  # posted, then the process dies before recording it
    await Sender(store, transport).drain_once()
    assert len(transport.sent) == 1  # the first post went out, then the "process" died
    assert (await store.outbox_counts())["pending"] == 2
    await store.close()

    store = await open_storage(path)  # the restart
    try:
        transport.crash_after_send = False
        sender = Sender(store, transport)
        report = await sender.drain_once()
        assert report.sent == 2
        # both rows were taken on before the crash, so both were looked for: the posted one was
        # found (and not sent again), the other was sent
        assert (transport.lookups, sender.found_posted, transport.dedups) == (2, 1, 0)
        assert len(transport.in_channel(50)) == 2
        assert (await store.outbox_counts())["sent"] == 2
    finally:
        await store.close()


async def test_after_an_outage_longer_than_the_nonce_window_nothing_is_posted_twice(
    tmp_path: Path,
) -> None:
    """The platform forgets nonces after a few minutes; a row posted just before a crash and sent
    again after that would be a second message, so the sender looks in the channel first."""
    path = tmp_path / "bot.db"
    store = await open_storage(path)
    subs = {70: await follow(store, 7, 70), 71: await follow(store, 7, 71)}
    await queue_reviews(store, subs, 3)
    transport = RecordingTransport()
    transport.crash_after_send = True
    await Sender(store, transport, concurrency=1).drain_once()
    posted_before = len(transport.sent)
    assert posted_before >= 1 and (await store.outbox_counts())["pending"] == 6
    await store.close()

    transport.crash_after_send = False
    transport.forget_nonces()  # a long outage: the same nonce would post again
    store = await open_storage(path)
    try:
        sender = Sender(store, transport)
        assert (await sender.drain_once()).sent == 6
        assert sender.found_posted == posted_before
        for channel in (70, 71):
            contents = [s.content for s in transport.in_channel(channel)]
            assert len(contents) == len(set(contents)) == 3  # every review once per channel
        assert (await store.outbox_counts())["sent"] == 6
        assert transport.lookups == 6  # each row taken on before the crash, once
    finally:
        await store.close()


async def test_a_row_tried_before_but_not_posted_is_sent_after_the_look(
    store: SQLiteStorage,
) -> None:
    subs = {80: await follow(store, 8, 80)}
    await queue_reviews(store, subs, 1)
    transport = RecordingTransport()
    transport.transient[80] = 1  # the first try fails before anything is posted
    sender = Sender(store, transport, retry_base=0.0)
    assert (await sender.drain_once()).retried == 1
    assert (await sender.drain_once()).sent == 1
    assert transport.lookups == 1 and sender.found_posted == 0
    assert len(transport.in_channel(80)) == 1


async def test_an_unreadable_history_sends_anyway_and_a_flaky_one_retries(
    store: SQLiteStorage,
) -> None:
    subs = {90: await follow(store, 9, 90)}
    await queue_reviews(store, subs, 1)
    transport = RecordingTransport()
    transport.transient[90] = 1
    sender = Sender(store, transport, retry_base=0.0)
    await sender.drain_once()  # tried once, failed: the row is now "tried"
    transport.history_error = SendError("Discord answered 503", permanent=False)
    assert (await sender.drain_once()).retried == 1  # cannot look now: try again later
    transport.history_error = RuntimeError("a bug in the transport")
    assert (await sender.drain_once()).retried == 1  # a bug does not stop delivery either
    assert transport.sent == []
    transport.history_error = SendError("Missing Access", permanent=True)
    assert (await sender.drain_once()).sent == 1  # may not read history: the nonce must do
    assert len(transport.in_channel(90)) == 1


async def test_queued_edits_edit_the_posted_message(store: SQLiteStorage) -> None:
    subs = {60: await follow(store, 6, 60)}
    url = "https://site.example/edited"
    entry, extraction = article("Edited", url=url, text="One.")
    item = QueuedItem("link:" + url, "v1", entry, extraction)

    def plan(text: str):  # type: ignore[no-untyped-def]
        def inner(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
            return [PlannedAnnouncement(subs[60], 60, Announcement(text))]

        return inner

    await store.ingest_and_enqueue("f", [item], plan("first"))
    transport = RecordingTransport()
    sender = Sender(store, transport)
    await sender.drain_once()
    entry2, extraction2 = article("Edited", url=url, text="Two.")
    await store.ingest_and_enqueue(
        "f", [QueuedItem(item.item_key, "v2", entry2, extraction2)], plan("second")
    )
    assert (await sender.drain_once()).sent == 1
    message_id = transport.sent[0].message_id
    assert transport.edits == [(60, message_id, "second")]
    assert len(transport.sent) == 1


async def test_run_wakes_on_kick_and_stops(store: SQLiteStorage) -> None:
    subs = {70: await follow(store, 7, 70)}
    transport = RecordingTransport()
    sender = Sender(store, transport)
    task = asyncio.create_task(sender.run())
    await asyncio.sleep(0.05)
    await queue_reviews(store, subs, 2, tag="k")
    sender.kick()
    for _ in range(100):
        if len(transport.sent) == 2:
            break
        await asyncio.sleep(0.02)
    await sender.stop()
    await asyncio.wait_for(task, 2)
    assert len(transport.in_channel(70)) == 2


class HeldTransport(RecordingTransport):
    """Sends wait until released (a send in flight when the sender stops)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.started = 0

    async def send(self, channel_id: int, announcement: Announcement, nonce: str) -> int:
        self.started += 1
        await self.release.wait()
        return await super().send(channel_id, announcement, nonce)


async def test_a_stop_unmarks_rows_it_never_started_so_a_restart_reads_no_history(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    store = await open_storage(path)
    subs = {c: await follow(store, 3, c) for c in (31, 32, 33, 34)}
    await queue_reviews(store, subs, 1)
    transport = HeldTransport()
    sender = Sender(store, transport, concurrency=1)
    running = asyncio.create_task(sender.run())
    for _ in range(200):  # until the first send is in flight
        await asyncio.sleep(0.01)
        if transport.started:
            break
    await sender.stop()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert transport.started == 1 and transport.sent == []
    await store.close()

    with sqlite3.connect(path) as conn:
        marked = conn.execute("SELECT COUNT(*) FROM outbox WHERE tried_at IS NOT NULL").fetchone()
    assert marked == (1,)  # only the row whose send had started keeps its mark

    store = await open_storage(path)
    try:
        again = RecordingTransport()
        assert (await Sender(store, again).drain_once()).sent == 4
        assert again.lookups == 1
    finally:
        await store.close()
