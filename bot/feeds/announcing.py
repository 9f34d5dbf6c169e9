"""One way to turn a stored review into a subscription's announcement (poller, test and backfill).

Announcements are rendered from the review *as stored* (``StoredItem``), so ``feed test`` shows
exactly what the poller posts. Pure functions: they also run inside the ingest transaction.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import UTC, tzinfo

from bot.announce import (
    AnnouncementData,
    FeedFilter,
    announcement_mentions,
    parse_filter_spec,
    render_announcement,
)
from bot.errors import UsageError
from bot.models import Announcement, CastMember, Extraction, StoredItem, Subscription
from bot.settings import GuildSettings
from bot.storage.records import PlannedAnnouncement, Planner, QueuedItem

log = logging.getLogger(__name__)


def _zone(name: str) -> tzinfo:
    try:
        return zoneinfo.ZoneInfo(name) if name else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def announcement_data(
    item: StoredItem, *, timezone: str = "UTC", mention: str = ""
) -> AnnouncementData:
    """The template data of a stored review, its date in the server's time zone."""
    published = item.published
    if published is not None:
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        published = published.astimezone(_zone(timezone))
    return AnnouncementData(
        headline=item.headline,
        title=item.title,
        kind=item.kind,
        url=item.url,
        rating=item.rating,
        cast=item.cast,
        director=item.director,
        summary=item.summary,
        source=item.source,
        published=published,
        mention=mention,
    )


def build_announcement(
    item: StoredItem, subscription: Subscription, settings: GuildSettings
) -> Announcement:
    """The message a subscription posts for a review: its template (or the default), the server's
    time zone, and a role ping only when the subscription asks for a role moderators allowed."""
    mention, role_ids = announcement_mentions(
        settings.mention_role_ids, subscription.mention_role_id, guild_id=subscription.guild_id
    )
    data = announcement_data(item, timezone=settings.timezone, mention=mention)
    return Announcement(render_announcement(subscription.template, data), role_ids)


def stored_extraction(item: StoredItem) -> Extraction:
    """A stored review in the shape filters read (for items no longer in the feed)."""
    return Extraction(
        headline=item.headline,
        is_review=item.is_review,
        title=item.title,
        cast=tuple(CastMember(name) for name in item.cast),
        director=item.director,
        rating=item.rating,
        summary=item.summary,
        source=item.source,
        url=item.url,
        published=item.published,
        categories=item.categories,
        kind=item.kind,
    )


def subscription_filter(subscription: Subscription) -> FeedFilter | None:
    """The subscription's filter (empty when it has none); None when the stored one no longer
    parses, in which case nothing is announced (and it is logged) rather than everything."""
    if not subscription.filter_spec:
        return FeedFilter()
    try:
        return parse_filter_spec(subscription.filter_spec)
    except UsageError as exc:
        log.warning(
            "subscription #%s has a filter that no longer parses (%s); announcing nothing",
            subscription.id,
            exc,
        )
        return None


def make_planner(subs: Sequence[Subscription], settings: Mapping[int, GuildSettings]) -> Planner:
    """The announcements of an item for these subscriptions: each active one whose filter lets the
    item through gets one, rendered with its template and its server's ``settings`` (by guild id).
    The planner runs inside the ingest transaction, on the storage's thread: it only computes."""
    chosen = [(s, subscription_filter(s)) for s in subs if not s.paused]

    def plan(item: QueuedItem, stored: StoredItem) -> list[PlannedAnnouncement]:
        return [
            PlannedAnnouncement(
                sub.id, sub.channel_id, build_announcement(stored, sub, settings[sub.guild_id])
            )
            for sub, flt in chosen
            if flt is not None and flt.matches(item.extraction, item.entry)
        ]

    return plan
