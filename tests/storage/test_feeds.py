"""Feeds, subscriptions and the outbox in a real SQLite file (bot/storage/feeds.py, outbox.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import NotFound, UsageError
from bot.models import Announcement, StoredItem
from bot.storage import SQLiteStorage, open_storage
from bot.storage.records import (
    NewSubscription,
    PlannedAnnouncement,
    PollRecord,
    QueuedAnnouncement,
    QueuedItem,
)

from .conftest import article, when

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


def sub(url: str, guild: int, channel: int, **extra: object) -> NewSubscription:
    return NewSubscription(
        url=url,
        guild_id=guild,
        channel_id=channel,
        interval_s=600,
        next_poll=NOW,
        **extra,  # type: ignore[arg-type]
    )


def queued(title: str, url: str, key: str | None = None, text: str = "") -> QueuedItem:
    entry, extraction = article(title, url=url, text=text or f"{title} is good.", published=when(3))
    return QueuedItem(key or "link:" + url, "hash-" + title + text, entry, extraction)


def everyone(channels: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    """A planner announcing every item in each (subscription, channel)."""

    def plan(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        return [
            PlannedAnnouncement(s, c, Announcement(f"{stored.headline} @ {c}")) for s, c in channels
        ]

    return plan


def rows(path: Path) -> list[tuple[int, int, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT channel_id, review_id, state, payload FROM outbox ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


async def test_migration_three_and_subscriptions(store: SQLiteStorage) -> None:
    assert await store.schema_version() == 4
    first = await store.add_subscription(sub("https://a.example/feed", 1, 10, title="A"))
    assert first.feed.url == "https://a.example/feed" and first.feed.title == "A"
    assert first.subscription.guild_id == 1 and not first.subscription.paused
    second = await store.add_subscription(sub("https://a.example/feed", 2, 20))
    assert second.feed.id == first.feed.id  # one feed row, two subscriptions
    with pytest.raises(UsageError, match="already follows"):
        await store.add_subscription(sub("https://a.example/feed", 1, 10))
    other = await store.add_subscription(sub("https://b.example/rss", 1, 11))
    listed = await store.guild_subscriptions(1)
    assert [s.subscription.id for s in listed] == [first.subscription.id, other.subscription.id]
    assert [s.id for s in await store.feed_subscriptions(first.feed.id)] == [
        first.subscription.id,
        second.subscription.id,
    ]
    state = await store.feed_state(first.feed.id)
    assert state.feed_key == "https://a.example/feed" and state.use_guid and state.interval_s == 600
    with pytest.raises(NotFound):
        await store.get_subscription(999)


async def test_pollable_feeds_follow_pauses(store: SQLiteStorage) -> None:
    a = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    b = await store.add_subscription(sub("https://b.example/feed", 1, 11))
    assert {s.feed_id for s in await store.pollable_feeds()} == {a.feed.id, b.feed.id}
    assert await store.set_subscription_paused(b.subscription.id, True)
    assert not await store.set_subscription_paused(b.subscription.id, True)  # no change
    assert {s.feed_id for s in await store.pollable_feeds()} == {a.feed.id}
    record = PollRecord(ok=False, next_poll=NOW, failures=5, error="HTTP 500", pause=True)
    assert await store.record_poll(a.feed.id, record) is True
    assert await store.record_poll(a.feed.id, record) is False  # already paused
    feed = await store.get_feed(a.feed.id)
    assert feed.paused and feed.failures == 5 and feed.last_error == "HTTP 500"
    assert await store.pollable_feeds() == []
    await store.resume_subscription(a.subscription.id, NOW)
    feed = await store.get_feed(a.feed.id)
    assert not feed.paused and feed.failures == 0
    ok = PollRecord(ok=True, next_poll=NOW + timedelta(hours=1), etag='"x"', title="Feed A")
    await store.record_poll(a.feed.id, ok)
    state = await store.feed_state(a.feed.id)
    feed = await store.get_feed(a.feed.id)
    assert state.etag == '"x"' and feed.title == "Feed A" and feed.last_error is None
    assert feed.next_poll == NOW + timedelta(hours=1) and feed.last_success is not None


async def test_record_polls_in_one_batch(store: SQLiteStorage) -> None:
    a = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    b = await store.add_subscription(sub("https://b.example/feed", 1, 11))
    c = await store.add_subscription(sub("https://c.example/feed", 1, 12))
    already = PollRecord(ok=False, next_poll=NOW, failures=5, error="HTTP 500", pause=True)
    assert await store.record_polls([(c.feed.id, already)]) == {c.feed.id}
    ok = PollRecord(ok=True, next_poll=NOW + timedelta(hours=1), etag='"a1"', last_modified="x")
    failed = PollRecord(ok=False, next_poll=NOW, failures=5, error="HTTP 503", pause=True)
    again = PollRecord(ok=False, next_poll=NOW, failures=6, error="still down", pause=True)
    paused = await store.record_polls(
        [(a.feed.id, ok), (b.feed.id, failed), (c.feed.id, again), (999, failed)]
    )
    assert paused == {b.feed.id}  # c was paused before; 999 does not exist (removed meanwhile)
    state = await store.feed_state(a.feed.id)
    assert state.etag == '"a1"' and state.last_modified == "x" and state.failures == 0
    assert state.next_poll == NOW + timedelta(hours=1) and not state.paused
    feed_b, feed_c = await store.get_feed(b.feed.id), await store.get_feed(c.feed.id)
    assert feed_b.paused and feed_b.failures == 5 and feed_b.last_error == "HTTP 503"
    assert feed_c.paused and feed_c.failures == 6 and feed_c.last_error == "still down"
    # the same feed twice in one batch: recorded in order, the pause reported once
    await store.resume_subscription(b.subscription.id, NOW)
    twice = await store.record_polls([(b.feed.id, failed), (b.feed.id, again), (a.feed.id, ok)])
    assert twice == {b.feed.id}
    assert (await store.get_feed(b.feed.id)).last_error == "still down"


async def test_new_items_are_announced_once_per_channel(
    store: SQLiteStorage, db_path: Path
) -> None:
    a = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    b = await store.add_subscription(sub("https://b.example/feed", 1, 11))
    plan_a = everyone([(a.subscription.id, 10), (b.subscription.id, 11)])
    one = queued("Kingdom", "https://site.example/kingdom")
    outcomes = await store.ingest_and_enqueue("https://a.example/feed", [one], plan_a)
    assert outcomes[0].result.status == "new" and outcomes[0].announced == 2
    # the same review through feed b (another key, same article URL): nobody gets it twice
    again = queued("Kingdom", "https://www.site.example/kingdom/?utm_source=x", key="guid:b-1")
    outcomes = await store.ingest_and_enqueue("https://b.example/feed", [again], plan_a)
    assert outcomes[0].announced == 0
    assert [(r[0], r[2]) for r in rows(db_path)] == [(10, "pending"), (11, "pending")]
    # an item re-keyed inside the same feed (guids that change) is not announced again either
    rekeyed = queued("Kingdom", "https://site.example/kingdom", key="guid:rotated-7")
    outcomes = await store.ingest_and_enqueue("https://a.example/feed", [rekeyed], plan_a)
    assert outcomes[0].announced == 0 and len(rows(db_path)) == 2
    known = await store.known_items("https://a.example/feed")
    assert set(known) == {"link:https://site.example/kingdom", "guid:rotated-7"}


async def test_planner_none_stores_without_announcing(store: SQLiteStorage, db_path: Path) -> None:
    items = [queued(t, f"https://s.example/{t}") for t in ("Alpha", "Beta", "Gamma")]
    outcomes = await store.ingest_and_enqueue("feed", items, None)
    assert [o.result.status for o in outcomes] == ["new"] * 3
    assert rows(db_path) == []
    newest = await store.feed_items("feed", 2)
    assert len(newest) == 2 and all(isinstance(i.review_id, int) for i in newest)


async def test_edits_replace_queued_text_and_queue_edits_of_posts(
    store: SQLiteStorage, db_path: Path
) -> None:
    s = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    plan = everyone([(s.subscription.id, 10)])
    first = queued("Kingdom", "https://s.example/k", text="First text.")
    await store.ingest_and_enqueue("https://a.example/feed", [first], plan)
    edited = queued("Kingdom", "https://s.example/k", text="Second text.")
    edited = QueuedItem(first.item_key, "changed-hash", edited.entry, edited.extraction)
    out = await store.ingest_and_enqueue("https://a.example/feed", [edited], everyone([]))
    assert out[0].result.status == "updated" and out[0].edits == 0  # planner gave nothing
    # posted, then edited with another text: an edit is queued on the same row
    (row,) = await store.claim_outbox(datetime.now(UTC), 10)
    await store.mark_sent(row.id, 555, row.payload)

    def changed(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        return [PlannedAnnouncement(s.subscription.id, 10, Announcement("new words"))]

    third = QueuedItem(first.item_key, "third-hash", edited.entry, edited.extraction)
    out = await store.ingest_and_enqueue("https://a.example/feed", [third], changed)
    assert out[0].edits == 1
    (edit,) = await store.claim_outbox(datetime.now(UTC), 10)
    assert edit.kind == "edit" and edit.message_id == 555
    assert edit.announcement.content == "new words"
    await store.mark_sent(edit.id, 555, edit.payload)
    assert await store.claim_outbox(datetime.now(UTC), 10) == []
    assert (await store.outbox_counts())["edits"] == 0


async def test_a_failing_item_rolls_back_alone(store: SQLiteStorage, db_path: Path) -> None:
    s = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    items = [queued(t, f"https://s.example/{t}") for t in ("Alpha", "Boom", "Gamma")]

    def plan(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        if stored.title == "Boom":
            raise NotFound("planner failure")  # anything a planner raises aborts the item
        return [PlannedAnnouncement(s.subscription.id, 10, Announcement(stored.headline))]

    outcomes = await store.ingest_and_enqueue("https://a.example/feed", items, plan)
    assert [o.result.status for o in outcomes] == ["new", "failed", "new"]
    assert "planner failure" in (outcomes[1].result.error or "")
    assert len(rows(db_path)) == 2
    assert set(await store.known_items("https://a.example/feed")) == {
        "link:https://s.example/Alpha",
        "link:https://s.example/Gamma",
    }  # the failing item left no review, no item and no announcement


async def test_claim_mark_retry_fail_and_pause(store: SQLiteStorage) -> None:
    s = await store.add_subscription(sub("https://a.example/feed", 7, 70))
    await store.ingest_and_enqueue(
        "https://a.example/feed",
        [queued(t, f"https://s.example/{t}") for t in ("A1", "A2", "A3")],
        everyone([(s.subscription.id, 70)]),
    )
    first, second, third = await store.claim_outbox(datetime.now(UTC), 10)
    assert first.guild_id == 7 and first.kind == "send" and len(first.nonce) <= 25
    assert await store.claim_outbox(datetime.now(UTC), 10, exclude={first.id}) == [second, third]
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert await store.mark_retry(first.id, "503", later) == 1
    assert [r.id for r in await store.claim_outbox(datetime.now(UTC), 10)] == [second.id, third.id]
    assert first.id in [r.id for r in await store.claim_outbox(later, 10)]
    assert await store.mark_failed(second.id, "Missing Access", pause=True) is True
    assert await store.mark_failed(third.id, "Missing Access", pause=True) is False  # once
    assert (await store.get_subscription(s.subscription.id)).subscription.paused
    assert await store.claim_outbox(later, 10) == []  # a paused subscription's rows wait
    counts = await store.outbox_counts()
    assert counts["failed"] == 2 and counts["pending"] == 1


async def test_remove_drops_pending_keeps_posted(store: SQLiteStorage, db_path: Path) -> None:
    s = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    plan = everyone([(s.subscription.id, 10)])
    await store.ingest_and_enqueue(
        "https://a.example/feed",
        [queued(t, f"https://s.example/{t}") for t in ("P1", "P2")],
        plan,
    )
    posted, _ = await store.claim_outbox(datetime.now(UTC), 10)
    await store.mark_sent(posted.id, 1, posted.payload)
    await store.remove_subscription(s.subscription.id)
    assert [(r[1], r[2]) for r in rows(db_path)] == [(posted.review_id, "sent")]
    # followed again later: the posted review is not queued in that channel again
    again = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    backfill = [QueuedAnnouncement(again.subscription.id, 10, posted.review_id, Announcement("x"))]
    assert await store.enqueue_announcements(backfill) == 0
    assert await store.announced_reviews(10, [posted.review_id, 12345]) == {posted.review_id}


async def test_outbox_survives_reopening(db_path: Path) -> None:
    store = await open_storage(db_path)
    s = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    await store.ingest_and_enqueue(
        "https://a.example/feed",
        [queued("Kept", "https://s.example/kept")],
        everyone([(s.subscription.id, 10)]),
    )
    await store.close()
    store = await open_storage(db_path)
    try:
        (row,) = await store.claim_outbox(datetime.now(UTC), 10)
        assert row.announcement.content.startswith("Kept")
    finally:
        await store.close()


async def test_several_feeds_in_one_write_and_a_failure_loses_only_its_item(
    store: SQLiteStorage, db_path: Path
) -> None:
    s = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    plan = everyone([(s.subscription.id, 10)])
    groups = [
        (
            "https://a.example/feed",
            [queued(t, f"https://s.example/{t}") for t in ("A1", "A2")],
            plan,
        ),
        ("https://b.example/feed", [], plan),  # a feed with nothing new
        ("https://c.example/feed", [queued("C1", "https://s.example/C1")], None),
    ]
    outcomes = await store.ingest_and_enqueue_many(groups)
    assert [[o.result.status for o in group] for group in outcomes] == [["new", "new"], [], ["new"]]
    assert [o.announced for o in outcomes[0]] == [1, 1] and outcomes[2][0].announced == 0

    def boom(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        if stored.title == "Bad":
            raise NotFound("planner failure")
        return plan(item, stored)

    # the same article through two feeds of one group, and a failing item in another
    groups = [
        ("https://a.example/feed", [queued("Shared", "https://s.example/shared")], plan),
        (
            "https://b.example/feed",
            [queued("Bad", "https://s.example/bad"), queued("B2", "https://s.example/B2")],
            boom,
        ),
        ("https://c.example/feed", [queued("Shared", "https://s.example/shared")], plan),
    ]
    outcomes = await store.ingest_and_enqueue_many(groups)
    assert [[o.result.status for o in group] for group in outcomes] == [
        ["new"],
        ["failed", "new"],
        ["unchanged"],
    ]
    assert "planner failure" in (outcomes[1][0].result.error or "")
    headlines = [payload for _, _, _, payload in rows(db_path)]
    assert len(headlines) == 4 and sum("Shared" in h for h in headlines) == 1
    assert "https://s.example/bad" not in str(await store.known_items("https://b.example/feed"))


# ---------------------------------------------------------------------- a feed that moved (301/308)


def outbox_subs(path: Path) -> dict[int, int | None]:
    """channel -> subscription_id of every outbox row (one row per channel in these tests)."""
    conn = sqlite3.connect(path)
    try:
        return {
            int(c): s for c, s in conn.execute("SELECT channel_id, subscription_id FROM outbox")
        }
    finally:
        conn.close()


def linkless(title: str) -> QueuedItem:
    entry, extraction = article(title, text=f"{title} has no link.", published=when(4))
    return QueuedItem("hash:" + title, "hash-" + title, entry, extraction)


async def test_move_feed_changes_only_the_address(store: SQLiteStorage) -> None:
    old, new = "https://old.example/feed", "https://new.example/feed"
    a = await store.add_subscription(sub(old, 1, 10))
    b = await store.add_subscription(sub(old, 2, 20))
    items = [queued("Kingdom", "https://s.example/k"), linkless("Notes")]
    await store.ingest_and_enqueue(old, items, None)
    known = await store.known_items(old)
    assert await store.move_feed(a.feed.id, new) == a.feed.id
    feed = await store.get_feed(a.feed.id)
    assert feed.url == new and feed.items == 2
    state = await store.feed_state(a.feed.id)
    assert state.url == new and state.feed_key == old  # items stay keyed (and known) as before
    assert await store.known_items(state.feed_key) == known
    assert await store.feed_by_url(old) is None
    assert (await store.feed_by_url(new)) == feed
    assert [s.feed.url for s in await store.guild_subscriptions(1)] == [new]  # feed list
    assert [s.id for s in await store.feed_subscriptions(a.feed.id)] == [
        a.subscription.id,
        b.subscription.id,
    ]
    assert await store.move_feed(a.feed.id, new) == a.feed.id  # already there: nothing to do
    assert await store.move_feed(9999, "https://x.example/") is None  # removed meanwhile


async def test_a_move_onto_a_followed_address_merges_the_feeds(
    store: SQLiteStorage, db_path: Path
) -> None:
    old, new = "https://old.example/feed", "https://new.example/feed"
    a10 = await store.add_subscription(sub(old, 1, 10))
    a30 = await store.add_subscription(sub(old, 3, 30))
    b10 = await store.add_subscription(sub(new, 1, 10))  # channel 10 follows both addresses
    b20 = await store.add_subscription(sub(new, 2, 20))
    shared = queued("Kingdom", "https://s.example/k")
    notes = linkless("Notes")
    plan_a = everyone([(a10.subscription.id, 10), (a30.subscription.id, 30)])
    outcomes = await store.ingest_and_enqueue(old, [shared], plan_a)
    assert outcomes[0].announced == 2
    (posted,) = [r for r in await store.claim_outbox(datetime.now(UTC), 10) if r.channel_id == 30]
    await store.mark_sent(posted.id, 777, posted.payload)  # 30 posted, 10 still pending
    await store.ingest_and_enqueue(old, [notes], None)

    assert await store.move_feed(a10.feed.id, new) == b10.feed.id
    with pytest.raises(NotFound):
        await store.get_feed(a10.feed.id)
    subs = await store.feed_subscriptions(b10.feed.id)
    assert sorted((s.channel_id, s.id) for s in subs) == [
        (10, b10.subscription.id),  # the address's own subscription stays; the duplicate goes
        (20, b20.subscription.id),
        (30, a30.subscription.id),  # moved, keeping its id
    ]
    with pytest.raises(NotFound):
        await store.get_subscription(a10.subscription.id)
    # the dropped duplicate's pending announcement went to the kept subscription: not lost
    assert outbox_subs(db_path) == {10: b10.subscription.id, 30: a30.subscription.id}
    pending = await store.claim_outbox(datetime.now(UTC), 10)
    assert [(r.channel_id, r.subscription_id) for r in pending] == [(10, b10.subscription.id)]
    # the address's next poll meets both items: nobody gets either again
    key = (await store.feed_state(b10.feed.id)).feed_key
    assert key == new and "hash:Notes" in await store.known_items(key)
    plan_b = everyone([(s.id, s.channel_id) for s in subs])
    again = await store.ingest_and_enqueue(key, [shared, notes], plan_b)
    assert [o.announced for o in again] == [1, 0]  # only channel 20 had not got "Kingdom"
    assert sorted(r[0] for r in rows(db_path)) == [10, 20, 30]


async def test_a_merge_keeps_the_active_duplicate_and_resumes_a_paused_address(
    store: SQLiteStorage, db_path: Path
) -> None:
    old, new = "https://old.example/feed", "https://new.example/feed"
    a10 = await store.add_subscription(sub(old, 1, 10))
    b10 = await store.add_subscription(sub(new, 1, 10))
    await store.ingest_and_enqueue(
        new, [queued("Kingdom", "https://s.example/k")], everyone([(b10.subscription.id, 10)])
    )
    await store.set_subscription_paused(b10.subscription.id, True)
    down = PollRecord(ok=False, next_poll=NOW, failures=5, error="HTTP 503", pause=True)
    assert await store.record_poll(b10.feed.id, down)
    due = NOW + timedelta(minutes=7)
    await store.record_poll(a10.feed.id, PollRecord(ok=True, next_poll=due))

    assert await store.move_feed(a10.feed.id, new) == b10.feed.id
    (kept,) = await store.feed_subscriptions(b10.feed.id)
    assert kept.id == a10.subscription.id and not kept.paused  # the active one of the two
    assert outbox_subs(db_path) == {10: a10.subscription.id}  # the paused one's row handed over
    feed = await store.get_feed(b10.feed.id)
    assert not feed.paused and feed.failures == 0 and feed.last_error is None
    assert feed.next_poll == due  # polled when the moved feed would have been
    assert [s.feed_id for s in await store.pollable_feeds()] == [b10.feed.id]


async def test_a_buggy_planner_fails_only_its_own_feed_in_a_group_write(
    store: SQLiteStorage, db_path: Path
) -> None:
    s = await store.add_subscription(sub("https://a.example/feed", 1, 10))
    plan = everyone([(s.subscription.id, 10)])

    def buggy(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        raise TypeError("a bug in a template")

    groups = [
        ("https://a.example/feed", [queued("Good", "https://s.example/good")], plan),
        ("https://b.example/feed", [queued("Doomed", "https://s.example/doomed")], buggy),
        ("https://c.example/feed", [queued("Fine", "https://s.example/fine")], plan),
    ]
    outcomes = await store.ingest_and_enqueue_many(groups)
    assert [[o.result.status for o in group] for group in outcomes] == [
        ["new"],
        ["failed"],
        ["new"],
    ]
    assert "a bug in a template" in (outcomes[1][0].result.error or "")
    assert await store.known_items("https://b.example/feed") == {}  # retried at the next poll
    assert len(rows(db_path)) == 2
