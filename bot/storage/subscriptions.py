"""SQL for the channels following feeds (table ``subscriptions``): add, look up, list, remove,
pause and resume, and the per-subscription template and filter. Run by ``FeedsMixin``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.errors import UsageError
from bot.models import Subscription, SubscriptionStatus
from bot.storage.feedrows import (
    STATUS_SQL,
    SUB_COLUMNS,
    no_subscription,
    status_row,
    subscription_row,
)
from bot.storage.records import NewSubscription
from bot.storage.rows import now_iso, to_iso


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
    row = conn.execute(f"{STATUS_SQL} WHERE s.id = ?", (subscription_id,)).fetchone()
    if row is None:
        raise no_subscription(subscription_id)
    return status_row(row)


def guild_subscriptions(conn: sqlite3.Connection, guild_id: int) -> list[SubscriptionStatus]:
    """A server's subscriptions, oldest first."""
    rows = conn.execute(f"{STATUS_SQL} WHERE s.guild_id = ? ORDER BY s.id", (guild_id,))
    return [status_row(r) for r in rows.fetchall()]


def feed_subscriptions(conn: sqlite3.Connection, feed_id: int) -> list[Subscription]:
    """Every subscription of a feed, oldest first."""
    rows = conn.execute(
        f"SELECT {SUB_COLUMNS} FROM subscriptions s WHERE s.feed_id = ? ORDER BY s.id", (feed_id,)
    ).fetchall()
    return [subscription_row(r) for r in rows]


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
