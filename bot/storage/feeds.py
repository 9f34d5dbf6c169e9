"""SQL for followed feeds and the channels following them (tables ``feeds`` and ``subscriptions``).

Like the rest of bot/storage, the SQL lives in plain synchronous functions taking a
``sqlite3.Connection``, one unit of work each; ``FeedsMixin`` gives ``SQLiteStorage`` the async methods
of the Storage interface that run them on the connection thread (writes inside one transaction).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from bot.errors import NotFound
from bot.models import Feed, StoredItem, Subscription, SubscriptionStatus
from bot.storage.feedmoves import move_feed
from bot.storage.feedrows import (
    FEED_COLUMNS,
    STATE_COLUMNS,
    SUB_COLUMNS,
    feed_row,
    state_row,
    subscription_row,
)
from bot.storage.records import FeedState, NewSubscription, PollRecord
from bot.storage.rows import from_iso, now_iso, to_iso
from bot.storage.subscriptions import (
    add_subscription,
    feed_subscriptions,
    get_subscription,
    guild_subscriptions,
    remove_subscription,
    resume_subscription,
    set_subscription_field,
    set_subscription_paused,
)

T = TypeVar("T")
ERROR_MAX = 500  # characters of a poll error kept

# ---------------------------------------------------------------------- feeds


def feed_by_url(conn: sqlite3.Connection, url: str) -> Feed | None:
    """The feed with exactly this URL, or None."""
    row = conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (url,)).fetchone()
    return None if row is None else feed_row(row)


def get_feed(conn: sqlite3.Connection, feed_id: int) -> Feed:
    """A feed by id (NotFound when there is none)."""
    row = conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no feed #{feed_id}.", hint="Use feed list to see the feeds.")
    return feed_row(row)


def feed_state(conn: sqlite3.Connection, feed_id: int) -> FeedState:
    """The polling state of one feed (NotFound when there is none)."""
    row = conn.execute(f"SELECT {STATE_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no feed #{feed_id}.", hint="Use feed list to see the feeds.")
    return state_row(row)


def pollable_feeds(conn: sqlite3.Connection) -> list[FeedState]:
    """Feeds not paused that at least one active subscription follows."""
    rows = conn.execute(
        f"SELECT {STATE_COLUMNS} FROM feeds f WHERE f.paused = 0 AND EXISTS "
        "(SELECT 1 FROM subscriptions s WHERE s.feed_id = f.id AND s.paused = 0) ORDER BY f.id"
    ).fetchall()
    return [state_row(r) for r in rows]


_OK_SQL = (
    "UPDATE feeds SET failures = 0, last_error = NULL, last_success = ?, last_polled = ?,"
    " next_poll = ?, etag = ?, last_modified = ?, title = COALESCE(?, title),"
    " site_url = COALESCE(?, site_url), use_guid = COALESCE(?, use_guid) WHERE id = ?"
)
_FAILED_SQL = (
    "UPDATE feeds SET failures = ?, last_error = ?, last_polled = ?, next_poll = ?,"
    " paused = CASE WHEN ? THEN 1 ELSE paused END WHERE id = ?"
)


def _ok_values(now: str, feed_id: int, record: PollRecord) -> tuple[Any, ...]:
    use_guid = None if record.use_guid is None else int(record.use_guid)
    return (
        now, now, to_iso(record.next_poll), record.etag, record.last_modified,
        record.title, record.site_url, use_guid, feed_id,
    )  # fmt: skip


def _failed_values(now: str, feed_id: int, record: PollRecord) -> tuple[Any, ...]:
    error = (record.error or "unknown error")[:ERROR_MAX]
    return (record.failures, error, now, to_iso(record.next_poll), int(record.pause), feed_id)


def record_poll(conn: sqlite3.Connection, feed_id: int, record: PollRecord) -> bool:
    """Store one poll's outcome (in the caller's transaction); True when it paused the feed."""
    row = conn.execute("SELECT paused FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    if row is None:
        return False  # removed while it was being polled
    now = now_iso()
    if record.ok:
        conn.execute(_OK_SQL, _ok_values(now, feed_id, record))
        return False
    conn.execute(_FAILED_SQL, _failed_values(now, feed_id, record))
    return record.pause and not row[0]


def record_polls(conn: sqlite3.Connection, records: list[tuple[int, PollRecord]]) -> set[int]:
    """Store several polls' outcomes (in the caller's transaction); the feeds they paused.

    One SELECT per 500 feeds and one ``executemany`` per kind of outcome, not two statements per
    feed (a poll cycle of 1,000 feeds answering 304 records them in a few batches).
    """
    ids = [feed_id for feed_id, _ in records]
    if len(set(ids)) != len(ids):  # the same feed twice: keep the one-by-one order exactly
        return {feed_id for feed_id, record in records if record_poll(conn, feed_id, record)}
    paused_before: dict[int, bool] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT id, paused FROM feeds WHERE id IN ({', '.join('?' * len(chunk))})", chunk
        )
        paused_before.update((int(r[0]), bool(r[1])) for r in rows)
    now = now_iso()
    ok: list[tuple[Any, ...]] = []
    failed: list[tuple[Any, ...]] = []
    paused: set[int] = set()
    for feed_id, record in records:
        if feed_id not in paused_before:
            continue  # removed while it was being polled
        if record.ok:
            ok.append(_ok_values(now, feed_id, record))
            continue
        failed.append(_failed_values(now, feed_id, record))
        if record.pause and not paused_before[feed_id]:
            paused.add(feed_id)
    if ok:
        conn.executemany(_OK_SQL, ok)
    if failed:
        conn.executemany(_FAILED_SQL, failed)
    return paused


def active_subscriptions(
    conn: sqlite3.Connection, feed_ids: list[int]
) -> dict[int, list[Subscription]]:
    """The active (not paused) subscriptions of these feeds, oldest first, by feed id."""
    out: dict[int, list[Subscription]] = {feed_id: [] for feed_id in feed_ids}
    for start in range(0, len(feed_ids), 500):
        chunk = feed_ids[start : start + 500]
        rows = conn.execute(
            f"SELECT {SUB_COLUMNS} FROM subscriptions s WHERE s.paused = 0 AND s.feed_id IN"
            f" ({', '.join('?' * len(chunk))}) ORDER BY s.id",
            chunk,
        )
        for row in rows:
            out[int(row[1])].append(subscription_row(row))
    return out


def known_items(conn: sqlite3.Connection, feed_key: str) -> dict[str, str]:
    """Item key -> content hash for every stored item of one feed."""
    rows = conn.execute(
        "SELECT item_key, content_hash FROM items WHERE feed_key = ?", (feed_key,)
    ).fetchall()
    return {str(k): str(h) for k, h in rows}


def stored_item(conn: sqlite3.Connection, review_id: int) -> StoredItem:
    """A stored review as announcements show it (its own work's actors in billing order)."""
    row = conn.execute(
        "SELECT id, headline, title, kind, url, rating, director, summary, source, published,"
        " is_review, categories, work_id FROM reviews WHERE id = ?",
        (review_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no stored item #{review_id}.", hint="It may have been removed.")
    cast = [
        str(name)
        for (name,) in conn.execute(
            "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id WHERE c.review_id = ?"
            " AND c.work_id = ? AND c.role = 'actor' ORDER BY c.billing",
            (review_id, row[12]),
        )
    ]
    try:
        categories = tuple(str(c) for c in json.loads(row[11] or "[]"))
    except (ValueError, TypeError):
        categories = ()
    return StoredItem(
        review_id=int(row[0]),
        headline=str(row[1]),
        title=row[2],
        kind=row[3],
        url=row[4],
        rating=row[5],
        cast=tuple(cast),
        director=row[6],
        summary=row[7] or "",
        source=row[8],
        published=from_iso(row[9]),
        is_review=bool(row[10]),
        categories=categories,
    )


def feed_items(conn: sqlite3.Connection, feed_key: str, limit: int) -> list[StoredItem]:
    """The feed's stored reviews, newest first (publication date, else when first seen)."""
    rows = conn.execute(
        "SELECT r.id FROM items i JOIN reviews r ON r.id = i.review_id WHERE i.feed_key = ?"
        " GROUP BY r.id ORDER BY COALESCE(r.published, MIN(i.first_seen)) DESC, r.id DESC LIMIT ?",
        (feed_key, limit),
    ).fetchall()
    return [stored_item(conn, int(r[0])) for r in rows]


# ---------------------------------------------------------------------- subscriptions


class UnitRunner:
    """What the storage mixins need from ``SQLiteStorage``: running units on its connection."""

    async def _run(self, action: str, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def _write(self, action: str, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError


class FeedsMixin(UnitRunner):
    """The feed and subscription methods of ``SQLiteStorage`` (see ``Storage`` for each)."""

    async def feed_by_url(self, url: str) -> Feed | None:
        """The followed feed with exactly this URL, or None."""
        return await self._run("reading a feed", feed_by_url, url)

    async def get_feed(self, feed_id: int) -> Feed:
        """A feed by id (NotFound when there is none)."""
        return await self._run("reading a feed", get_feed, feed_id)

    async def feed_state(self, feed_id: int) -> FeedState:
        """The polling state of one feed."""
        return await self._run("reading a feed", feed_state, feed_id)

    async def pollable_feeds(self) -> list[FeedState]:
        """Feeds to poll (not paused, followed by an active subscription)."""
        return await self._run("reading the feeds to poll", pollable_feeds)

    async def record_poll(self, feed_id: int, record: PollRecord) -> bool:
        """Store one poll's outcome; True when it paused the feed."""
        return await self._write("saving a feed's poll", record_poll, feed_id, record)

    async def record_polls(self, records: Sequence[tuple[int, PollRecord]]) -> set[int]:
        """Store several polls' outcomes in one transaction; the ids of the feeds they paused."""
        return await self._write("saving feeds' polls", record_polls, list(records))

    async def move_feed(self, feed_id: int, new_url: str) -> int | None:
        """Give a feed the address it moved to for good, merging it into a feed already there;
        the id of the feed at ``new_url`` afterwards (None: the feed is gone)."""
        return await self._write("moving a feed", move_feed, feed_id, new_url)

    async def active_subscriptions(self, feed_ids: Sequence[int]) -> dict[int, list[Subscription]]:
        """The active subscriptions of these feeds, by feed id."""
        return await self._run("reading subscriptions", active_subscriptions, list(feed_ids))

    async def known_items(self, feed_key: str) -> dict[str, str]:
        """Item key -> content hash of the feed's stored items."""
        return await self._run("reading a feed's items", known_items, feed_key)

    async def feed_items(self, feed_key: str, limit: int) -> list[StoredItem]:
        """The feed's stored items, newest first."""
        return await self._run("reading a feed's items", feed_items, feed_key, limit)

    async def add_subscription(self, new: NewSubscription) -> SubscriptionStatus:
        """Follow a feed in a channel (UsageError when it already does)."""
        return await self._write("adding a feed", add_subscription, new)

    async def get_subscription(self, subscription_id: int) -> SubscriptionStatus:
        """A subscription and its feed."""
        return await self._run("reading a subscription", get_subscription, subscription_id)

    async def guild_subscriptions(self, guild_id: int) -> list[SubscriptionStatus]:
        """A server's subscriptions, oldest first."""
        return await self._run("reading the server's feeds", guild_subscriptions, guild_id)

    async def feed_subscriptions(self, feed_id: int) -> list[Subscription]:
        """Every subscription of a feed."""
        return await self._run("reading a feed's subscriptions", feed_subscriptions, feed_id)

    async def remove_subscription(self, subscription_id: int) -> None:
        """Delete a subscription and its unsent announcements."""
        await self._write("removing a feed", remove_subscription, subscription_id)

    async def set_subscription_paused(self, subscription_id: int, paused: bool) -> bool:
        """Pause or resume one subscription; True when that changed anything."""
        return await self._write("pausing a feed", set_subscription_paused, subscription_id, paused)

    async def resume_subscription(self, subscription_id: int, next_poll: datetime) -> None:
        """Un-pause a subscription and its feed and reset the feed's failures."""
        await self._write("resuming a feed", resume_subscription, subscription_id, next_poll)

    async def set_subscription_template(self, subscription_id: int, template: str | None) -> None:
        """Store a checked template text (None: the default)."""
        await self._write(
            "saving a template", set_subscription_field, subscription_id, "template", template
        )

    async def set_subscription_filter(self, subscription_id: int, spec: str | None) -> None:
        """Store a checked filter in chat syntax (None: no filter)."""
        await self._write(
            "saving a filter", set_subscription_field, subscription_id, "filters", spec
        )
