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

from bot.errors import NotFound, UsageError
from bot.models import Feed, StoredItem, Subscription, SubscriptionStatus
from bot.storage.records import FeedState, NewSubscription, PollRecord
from bot.storage.rows import from_iso, now_iso, to_iso

T = TypeVar("T")

FEED_COLUMNS = (
    "f.id, f.url, f.title, f.site_url, f.interval_s, f.paused, f.failures, f.last_success, "
    "f.last_error, f.next_poll, (SELECT COUNT(*) FROM items i WHERE i.feed_key = f.feed_key)"
)
SUB_COLUMNS = (
    "s.id, s.feed_id, s.guild_id, s.channel_id, s.mention_role_id, s.template, s.filters, "
    "s.paused, s.created_by"
)
STATE_COLUMNS = (
    "f.id, f.url, COALESCE(f.feed_key, f.url), f.etag, f.last_modified, f.interval_s, f.failures, "
    "f.paused, f.use_guid, f.next_poll"
)
ERROR_MAX = 500  # characters of a poll error kept


# ---------------------------------------------------------------------- rows -> models


def _feed(row: Sequence[Any]) -> Feed:
    return Feed(
        id=int(row[0]),
        url=str(row[1]),
        title=row[2],
        site_url=row[3],
        interval_s=int(row[4]),
        paused=bool(row[5]),
        failures=int(row[6]),
        last_success=from_iso(row[7]),
        last_error=row[8],
        next_poll=from_iso(row[9]),
        items=int(row[10]),
    )


def _subscription(row: Sequence[Any]) -> Subscription:
    return Subscription(
        id=int(row[0]),
        feed_id=int(row[1]),
        guild_id=int(row[2]),
        channel_id=int(row[3]),
        mention_role_id=row[4],
        template=row[5],
        filter_spec=row[6],
        paused=bool(row[7]),
        created_by=row[8],
    )


def _state(row: Sequence[Any]) -> FeedState:
    return FeedState(
        feed_id=int(row[0]),
        url=str(row[1]),
        feed_key=str(row[2]),
        etag=row[3],
        last_modified=row[4],
        interval_s=int(row[5]),
        failures=int(row[6]),
        paused=bool(row[7]),
        use_guid=bool(row[8]),
        next_poll=from_iso(row[9]),
    )


def _status(row: Sequence[Any]) -> SubscriptionStatus:
    return SubscriptionStatus(_subscription(row[:9]), _feed(row[9:]))


_STATUS_SQL = (
    f"SELECT {SUB_COLUMNS}, {FEED_COLUMNS} FROM subscriptions s JOIN feeds f ON f.id = s.feed_id"
)


def _no_subscription(subscription_id: int) -> NotFound:
    return NotFound(
        f"There is no feed subscription #{subscription_id}.",
        hint="Use feed list to see this server's subscriptions.",
    )


# ---------------------------------------------------------------------- feeds


def feed_by_url(conn: sqlite3.Connection, url: str) -> Feed | None:
    """The feed with exactly this URL, or None."""
    row = conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (url,)).fetchone()
    return None if row is None else _feed(row)


def get_feed(conn: sqlite3.Connection, feed_id: int) -> Feed:
    """A feed by id (NotFound when there is none)."""
    row = conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no feed #{feed_id}.", hint="Use feed list to see the feeds.")
    return _feed(row)


def feed_state(conn: sqlite3.Connection, feed_id: int) -> FeedState:
    """The polling state of one feed (NotFound when there is none)."""
    row = conn.execute(f"SELECT {STATE_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no feed #{feed_id}.", hint="Use feed list to see the feeds.")
    return _state(row)


def pollable_feeds(conn: sqlite3.Connection) -> list[FeedState]:
    """Feeds not paused that at least one active subscription follows."""
    rows = conn.execute(
        f"SELECT {STATE_COLUMNS} FROM feeds f WHERE f.paused = 0 AND EXISTS "
        "(SELECT 1 FROM subscriptions s WHERE s.feed_id = f.id AND s.paused = 0) ORDER BY f.id"
    ).fetchall()
    return [_state(r) for r in rows]


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
            out[int(row[1])].append(_subscription(row))
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


def add_subscription(conn: sqlite3.Connection, new: NewSubscription) -> SubscriptionStatus:
    """Create the feed if needed and the subscription (in the caller's transaction)."""
    now = now_iso()
    row = conn.execute("SELECT id, paused FROM feeds WHERE url = ?", (new.url,)).fetchone()
    if row is None:
        cur = conn.execute(
            "INSERT INTO feeds(url, feed_key, title, site_url, etag, last_modified, interval_s,"
            " next_poll, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.url, new.feed_key or new.url, new.title, new.site_url, new.etag,
                new.last_modified, new.interval_s, to_iso(new.next_poll), now,
            ),
        )  # fmt: skip
        feed_id = int(cur.lastrowid or 0)
    else:
        feed_id = int(row[0])
        dup = conn.execute(
            "SELECT id FROM subscriptions WHERE feed_id = ? AND channel_id = ?",
            (feed_id, new.channel_id),
        ).fetchone()
        if dup is not None:
            raise UsageError(
                f"That channel already follows {new.url} (subscription #{dup[0]}).",
                hint="Use feed list to see it, or feed remove to stop it first.",
            )
        if row[1]:  # a moderator asks for a paused feed again: give it another chance
            conn.execute(
                "UPDATE feeds SET paused = 0, failures = 0, next_poll = ? WHERE id = ?",
                (to_iso(new.next_poll), feed_id),
            )
    cur = conn.execute(
        "INSERT INTO subscriptions(feed_id, guild_id, channel_id, mention_role_id, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (feed_id, new.guild_id, new.channel_id, new.mention_role_id, new.created_by, now),
    )
    return get_subscription(conn, int(cur.lastrowid or 0))


def get_subscription(conn: sqlite3.Connection, subscription_id: int) -> SubscriptionStatus:
    """A subscription and its feed (NotFound when there is none)."""
    row = conn.execute(f"{_STATUS_SQL} WHERE s.id = ?", (subscription_id,)).fetchone()
    if row is None:
        raise _no_subscription(subscription_id)
    return _status(row)


def guild_subscriptions(conn: sqlite3.Connection, guild_id: int) -> list[SubscriptionStatus]:
    """A server's subscriptions, oldest first."""
    rows = conn.execute(f"{_STATUS_SQL} WHERE s.guild_id = ? ORDER BY s.id", (guild_id,))
    return [_status(r) for r in rows.fetchall()]


def feed_subscriptions(conn: sqlite3.Connection, feed_id: int) -> list[Subscription]:
    """Every subscription of a feed, oldest first."""
    rows = conn.execute(
        f"SELECT {SUB_COLUMNS} FROM subscriptions s WHERE s.feed_id = ? ORDER BY s.id", (feed_id,)
    ).fetchall()
    return [_subscription(r) for r in rows]


def remove_subscription(conn: sqlite3.Connection, subscription_id: int) -> None:
    """Delete a subscription and its unsent announcements (posted ones are kept: they stop a
    review from being announced twice in that channel if the feed is followed again)."""
    get_subscription(conn, subscription_id)
    conn.execute(
        "DELETE FROM outbox WHERE subscription_id = ? AND state = 'pending'", (subscription_id,)
    )
    conn.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))


def set_subscription_paused(conn: sqlite3.Connection, subscription_id: int, paused: bool) -> bool:
    """Pause or resume; True when the value changed."""
    get_subscription(conn, subscription_id)
    cur = conn.execute(
        "UPDATE subscriptions SET paused = ? WHERE id = ? AND paused <> ?",
        (int(paused), subscription_id, int(paused)),
    )
    return cur.rowcount > 0


def resume_subscription(
    conn: sqlite3.Connection, subscription_id: int, next_poll: datetime
) -> None:
    """Un-pause a subscription and its feed; the feed's failures reset and it is polled soon."""
    status = get_subscription(conn, subscription_id)
    conn.execute("UPDATE subscriptions SET paused = 0 WHERE id = ?", (subscription_id,))
    conn.execute(
        "UPDATE feeds SET paused = 0, failures = 0, next_poll = ? WHERE id = ?",
        (to_iso(next_poll), status.feed.id),
    )


def set_subscription_field(
    conn: sqlite3.Connection, subscription_id: int, column: str, value: str | None
) -> None:
    """Set the template or filters column of a subscription."""
    if column not in ("template", "filters"):
        raise ValueError(f"not a settable subscription column: {column}")
    get_subscription(conn, subscription_id)
    conn.execute(f"UPDATE subscriptions SET {column} = ? WHERE id = ?", (value, subscription_id))


# ---------------------------------------------------------------------- async methods


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
