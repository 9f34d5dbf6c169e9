"""Rows of the ``feeds`` and ``subscriptions`` tables as models, and the SQL column lists they read
(shared by bot/storage/feeds.py and bot/storage/subscriptions.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.errors import NotFound
from bot.models import Feed, Subscription, SubscriptionStatus
from bot.storage.records import FeedState
from bot.storage.rows import from_iso

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


# ---------------------------------------------------------------------- rows -> models


def feed_row(row: Sequence[Any]) -> Feed:
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


def subscription_row(row: Sequence[Any]) -> Subscription:
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


def state_row(row: Sequence[Any]) -> FeedState:
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


def status_row(row: Sequence[Any]) -> SubscriptionStatus:
    return SubscriptionStatus(subscription_row(row[:9]), feed_row(row[9:]))


STATUS_SQL = (
    f"SELECT {SUB_COLUMNS}, {FEED_COLUMNS} FROM subscriptions s JOIN feeds f ON f.id = s.feed_id"
)


def no_subscription(subscription_id: int) -> NotFound:
    return NotFound(
        f"There is no feed subscription #{subscription_id}.",
        hint="Use feed list to see this server's subscriptions.",
    )
