"""SQL for the durable outbox: announcements to post, written with the items they announce.

A row is one announcement of one review in one channel (``UNIQUE(channel_id, review_id)``), so a
review reaching a channel through two feeds, a retried poll or a backfill is posted there once. Its
``nonce`` (``announcement_nonce(channel_id, review_id)``) is the same in every process, so a row sent
again after a crash cannot post twice. Rows are only ever marked after the transport answered.

Times in ``next_attempt`` are ISO 8601 UTC with milliseconds, so due rows are found by comparing text.
``OutboxMixin`` gives ``SQLiteStorage`` the async methods of the Storage interface.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.announce.policy import announcement_nonce
from bot.errors import ReviewBotError
from bot.models import Announcement, IngestResult
from bot.storage.feeds import UnitRunner, stored_item
from bot.storage.ingest import ingest_item
from bot.storage.records import (
    EnqueueOutcome,
    OutboxRow,
    Planner,
    QueuedAnnouncement,
    QueuedItem,
)
from bot.storage.rows import now_iso, placeholders

log = logging.getLogger(__name__)

ERROR_MAX = 500


def stamp(when: datetime) -> str:
    """A time as the outbox stores it (UTC, milliseconds)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_stamp(value: object) -> datetime | None:
    """A stored outbox time back as an aware datetime (None when unset or unreadable)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _now() -> str:
    return stamp(datetime.now(UTC))


# ---------------------------------------------------------------------- writing announcements


def _insert(
    conn: sqlite3.Connection,
    subscription_id: int,
    channel_id: int,
    review_id: int,
    announcement: Announcement,
    now: str,
) -> int:
    """Queue one announcement unless the review is already queued or posted in the channel."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO outbox(subscription_id, review_id, channel_id, nonce, payload, state,"
        " attempts, next_attempt, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        (
            subscription_id, review_id, channel_id, announcement_nonce(channel_id, review_id),
            announcement.to_json(), now, now_iso(),
        ),
    )  # fmt: skip
    return cur.rowcount


def _queue_edit(
    conn: sqlite3.Connection, channel_id: int, review_id: int, announcement: Announcement, now: str
) -> int:
    """An edited item's new text: replace a queued text, or queue an edit of a posted message
    whose text changes. Returns 1 when something was queued or replaced."""
    row = conn.execute(
        "SELECT id, state, payload, sent_payload, message_id, edit_pending FROM outbox"
        " WHERE channel_id = ? AND review_id = ?",
        (channel_id, review_id),
    ).fetchone()
    if row is None:
        return 0  # never announced in this channel: an edit does not announce it
    outbox_id, state, payload, sent_payload, message_id, pending = row
    text = announcement.to_json()
    if state == "pending":
        if text == payload:
            return 0
        conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (text, outbox_id))
        return 1
    if state != "sent" or message_id is None:
        return 0
    if text == sent_payload:  # back to what is posted: nothing to edit
        if pending:
            conn.execute(
                "UPDATE outbox SET payload = ?, edit_pending = 0 WHERE id = ?", (text, outbox_id)
            )
        return 0
    if text == payload and pending:
        return 0
    conn.execute(
        "UPDATE outbox SET payload = ?, edit_pending = 1, next_attempt = ? WHERE id = ?",
        (text, now, outbox_id),
    )
    return 1


def _ingest_one(
    conn: sqlite3.Connection, feed_key: str, item: QueuedItem, planner: Planner | None
) -> EnqueueOutcome:
    before = conn.execute(
        "SELECT 1 FROM items WHERE feed_key = ? AND item_key = ?", (feed_key, item.item_key)
    ).fetchone()
    result = ingest_item(
        conn, feed_key, item.item_key, item.content_hash, item.entry, item.extraction
    )
    review_id = result.review_id
    if planner is None or review_id is None:
        return EnqueueOutcome(result)
    now = _now()
    if before is None:
        # new to this feed by key; announced only if no other item of the feed is this review
        # (a feed whose guids change, or that re-keys its items, is not announced again)
        seen = conn.execute(
            "SELECT 1 FROM items WHERE feed_key = ? AND review_id = ? AND item_key <> ? LIMIT 1",
            (feed_key, review_id, item.item_key),
        ).fetchone()
        if seen is not None:
            return EnqueueOutcome(result)
        plans = planner(item, stored_item(conn, review_id))
        announced = sum(
            _insert(conn, p.subscription_id, p.channel_id, review_id, p.announcement, now)
            for p in plans
        )
        return EnqueueOutcome(result, announced=announced)
    if result.status == "updated":
        plans = planner(item, stored_item(conn, review_id))
        edits = sum(_queue_edit(conn, p.channel_id, review_id, p.announcement, now) for p in plans)
        return EnqueueOutcome(result, edits=edits)
    return EnqueueOutcome(result)


def ingest_batch(
    conn: sqlite3.Connection, feed_key: str, items: list[QueuedItem], planner: Planner | None
) -> list[EnqueueOutcome]:
    """Ingest items with their announcements (in the caller's transaction), in order."""
    return [_ingest_one(conn, feed_key, item, planner) for item in items]


def ingest_groups(
    conn: sqlite3.Connection, groups: list[tuple[str, list[QueuedItem], Planner | None]]
) -> list[list[EnqueueOutcome]]:
    """``ingest_batch`` for several feeds (in the caller's transaction), in order."""
    return [ingest_batch(conn, key, items, planner) for key, items, planner in groups]


def enqueue_announcements(conn: sqlite3.Connection, rows: Sequence[QueuedAnnouncement]) -> int:
    """Queue announcements of stored reviews; returns how many were not queued before."""
    now = _now()
    return sum(
        _insert(conn, r.subscription_id, r.channel_id, r.review_id, r.announcement, now)
        for r in rows
    )


def announced_reviews(
    conn: sqlite3.Connection, channel_id: int, review_ids: Sequence[int]
) -> set[int]:
    """The reviews among ``review_ids`` already queued or posted in the channel."""
    found: set[int] = set()
    ids = list(review_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT review_id FROM outbox WHERE channel_id = ? AND review_id IN"
            f" ({placeholders(len(chunk))})",
            (channel_id, *chunk),
        )
        found.update(int(r[0]) for r in rows)
    return found


# ---------------------------------------------------------------------- delivering


_CLAIM = (
    "SELECT o.id, ?, o.subscription_id, s.guild_id, o.channel_id, o.review_id, o.nonce,"
    " o.payload, o.attempts, o.message_id, o.tried_at FROM outbox o"
    " JOIN subscriptions s ON s.id = o.subscription_id"
)


def _row(row: Sequence[Any]) -> OutboxRow:
    try:
        announcement = Announcement.from_json(row[7])
    except (ValueError, TypeError):
        announcement = Announcement("")  # damaged: the sender fails it
    return OutboxRow(
        id=int(row[0]),
        kind=str(row[1]),
        subscription_id=int(row[2]),
        guild_id=int(row[3]),
        channel_id=int(row[4]),
        review_id=int(row[5]),
        nonce=str(row[6]),
        payload=str(row[7]),
        announcement=announcement,
        attempts=int(row[8]),
        message_id=row[9],
        tried_at=parse_stamp(row[10]),
    )


def claim_outbox(
    conn: sqlite3.Connection, now: datetime, limit: int, exclude: Collection[int]
) -> list[OutboxRow]:
    """Due sends and edits of active subscriptions, oldest first (nothing is written)."""
    when = stamp(now)
    size = limit + len(exclude)
    sends = conn.execute(
        f"{_CLAIM} WHERE o.state = 'pending' AND o.next_attempt <= ? AND s.paused = 0"
        " ORDER BY o.id LIMIT ?",
        ("send", when, size),
    ).fetchall()
    edits = conn.execute(
        f"{_CLAIM} WHERE o.edit_pending = 1 AND o.state = 'sent' AND o.next_attempt <= ?"
        " AND s.paused = 0 ORDER BY o.id LIMIT ?",
        ("edit", when, size),
    ).fetchall()
    rows = sorted((r for r in (*sends, *edits) if r[0] not in exclude), key=lambda r: r[0])
    return [_row(r) for r in rows[:limit]]


def mark_sent(conn: sqlite3.Connection, outbox_id: int, message_id: int, sent_payload: str) -> None:
    """Record a post (or an edit); an edit is queued if the text changed while it was in flight."""
    row = conn.execute("SELECT payload FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    if row is None:
        return  # the subscription was removed meanwhile
    changed = int(row[0] != sent_payload)
    conn.execute(
        "UPDATE outbox SET state = 'sent', message_id = ?, sent_payload = ?, attempts = attempts + 1,"
        " sent_at = COALESCE(sent_at, ?), last_error = NULL, edit_pending = ?, next_attempt = ?"
        " WHERE id = ?",
        (message_id, sent_payload, now_iso(), changed, _now(), outbox_id),
    )


def mark_trying(conn: sqlite3.Connection, outbox_ids: Sequence[int], at: datetime) -> None:
    """Note that sends of these rows start now (the first time counts; see OutboxRow.tried_at)."""
    ids = list(outbox_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(
            f"UPDATE outbox SET tried_at = COALESCE(tried_at, ?) WHERE id IN"
            f" ({placeholders(len(chunk))})",
            (stamp(at), *chunk),
        )


def clear_trying(conn: sqlite3.Connection, outbox_ids: Sequence[int]) -> None:
    """Forget the ``tried_at`` of pending rows that were never sent after all."""
    ids = list(outbox_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(
            f"UPDATE outbox SET tried_at = NULL WHERE state = 'pending' AND id IN"
            f" ({placeholders(len(chunk))})",
            chunk,
        )


def mark_retry(
    conn: sqlite3.Connection, outbox_id: int, error: str, next_attempt: datetime, edit: bool
) -> int:
    """Count a transient failure and set the next attempt; returns the attempts so far."""
    del edit  # sends and edits share the row's attempt counter and next attempt
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?",
        (error[:ERROR_MAX], stamp(next_attempt), outbox_id),
    )
    row = conn.execute("SELECT attempts FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    return 0 if row is None else int(row[0])


def mark_failed(
    conn: sqlite3.Connection, outbox_id: int, error: str, pause: bool, edit: bool
) -> bool:
    """Give up on a row (an edit is dropped, a send is failed); maybe pause its subscription.

    Returns True when the subscription was active and is now paused.
    """
    row = conn.execute("SELECT subscription_id FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    if row is None:
        return False
    if edit:
        conn.execute(
            "UPDATE outbox SET edit_pending = 0, last_error = ? WHERE id = ?",
            (error[:ERROR_MAX], outbox_id),
        )
    else:
        conn.execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE id = ?",
            (error[:ERROR_MAX], outbox_id),
        )
    if not pause or row[0] is None:
        return False
    cur = conn.execute("UPDATE subscriptions SET paused = 1 WHERE id = ? AND paused = 0", (row[0],))
    return cur.rowcount > 0


def outbox_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per state, and pending edits."""
    counts = {"pending": 0, "sent": 0, "failed": 0}
    for state, count in conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state"):
        counts[str(state)] = int(count)
    row = conn.execute("SELECT COUNT(*) FROM outbox WHERE edit_pending = 1").fetchone()
    counts["edits"] = int(row[0])
    return counts


# ---------------------------------------------------------------------- async methods


def _failed(item: QueuedItem, error: BaseException) -> EnqueueOutcome:
    message = f"{item.entry.title[:80]}: {error}"
    return EnqueueOutcome(IngestResult("failed", title=item.extraction.title, error=message))


class OutboxMixin(UnitRunner):
    """The outbox methods of ``SQLiteStorage`` (see ``Storage`` for each)."""

    async def ingest_and_enqueue(
        self, feed_key: str, items: Sequence[QueuedItem], planner: Planner | None = None
    ) -> list[EnqueueOutcome]:
        """Store items and their announcements in one transaction (one per item on a failure)."""
        todo = list(items)
        if not todo:
            return []
        try:
            return await self._write("storing feed items", ingest_batch, feed_key, todo, planner)
        except ReviewBotError as exc:
            if len(todo) == 1:
                log.warning("could not store an item of %s: %s", feed_key, exc)
                return [_failed(todo[0], exc)]
        out: list[EnqueueOutcome] = []
        for item in todo:  # replay one item per transaction: keep all but the failing ones
            try:
                out += await self._write(
                    "storing a feed item", ingest_batch, feed_key, [item], planner
                )
            except ReviewBotError as exc:
                log.warning("could not store an item of %s: %s", feed_key, exc)
                out.append(_failed(item, exc))
        return out

    async def ingest_and_enqueue_many(
        self, groups: Sequence[tuple[str, Sequence[QueuedItem], Planner | None]]
    ) -> list[list[EnqueueOutcome]]:
        """Several feeds' items in one transaction; on a failure, each group on its own (and a
        group that fails even alone reports its items as failed: the other feeds lose nothing)."""
        todo = [(key, list(items), planner) for key, items, planner in groups]
        if sum(1 for _, items, _ in todo if items) > 1:
            try:
                return await self._write("storing feed items", ingest_groups, todo)
            except Exception as exc:  # a storage error or a planner's bug: find the culprit
                log.warning("a group of %s feeds' items failed (%s): storing feed by feed",
                            len(todo), exc)  # fmt: skip
        out: list[list[EnqueueOutcome]] = []
        for key, items, planner in todo:
            try:
                out.append(await self.ingest_and_enqueue(key, items, planner))
            except Exception as exc:
                log.exception("could not store the items of %s", key)
                out.append([_failed(item, exc) for item in items])
        return out

    async def enqueue_announcements(self, rows: Sequence[QueuedAnnouncement]) -> int:
        """Queue announcements of stored reviews; returns how many were new."""
        return await self._write("queueing announcements", enqueue_announcements, list(rows))

    async def announced_reviews(self, channel_id: int, review_ids: Sequence[int]) -> set[int]:
        """Which reviews are already queued or posted in the channel."""
        return await self._run(
            "reading announcements", announced_reviews, channel_id, list(review_ids)
        )

    async def claim_outbox(
        self, now: datetime, limit: int, exclude: Collection[int] = ()
    ) -> list[OutboxRow]:
        """Due sends and edits, oldest first (rows stay pending until marked)."""
        return await self._run("reading the outbox", claim_outbox, now, limit, frozenset(exclude))

    async def mark_sent(self, outbox_id: int, message_id: int, sent_payload: str) -> None:
        """Record that the transport posted (or edited) the row."""
        await self._write(
            "recording a sent message", mark_sent, outbox_id, message_id, sent_payload
        )

    async def mark_trying(self, outbox_ids: Sequence[int], at: datetime) -> None:
        """Note that sends of these rows start now."""
        await self._write("recording sends about to start", mark_trying, list(outbox_ids), at)

    async def clear_trying(self, outbox_ids: Sequence[int]) -> None:
        """Forget that sends of these pending rows were about to start."""
        await self._write("unmarking unsent rows", clear_trying, list(outbox_ids))

    async def mark_retry(
        self, outbox_id: int, error: str, next_attempt: datetime, *, edit: bool = False
    ) -> int:
        """Count a transient failure; returns the attempts so far."""
        return await self._write(
            "recording a failed send", mark_retry, outbox_id, error, next_attempt, edit
        )

    async def mark_failed(
        self, outbox_id: int, error: str, *, pause: bool, edit: bool = False
    ) -> bool:
        """Give up on a row; True when this paused its (active) subscription."""
        return await self._write(
            "recording a failed send", mark_failed, outbox_id, error, pause, edit
        )

    async def outbox_counts(self) -> dict[str, int]:
        """Rows per state and pending edits."""
        return await self._run("counting the outbox", outbox_counts)
