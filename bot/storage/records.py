"""Records the feed and outbox parts of the storage interface take and return (plain data).

They live apart from ``bot.models`` because only the poller, the sender and the feed service use them;
the API models (``Feed``, ``Subscription``, ``Announcement`` ...) are in ``bot.models``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.models import Announcement, Extraction, FeedEntry, IngestResult, StoredItem


@dataclass(frozen=True, slots=True)
class FeedState:
    """One feed as the poller sees it. ``feed_key`` is the ``items.feed_key`` of its items (fixed at
    creation); ``use_guid`` is False once its guids were found to change on every fetch."""

    feed_id: int
    url: str
    feed_key: str
    etag: str | None
    last_modified: str | None
    interval_s: int
    failures: int
    paused: bool
    use_guid: bool
    next_poll: datetime | None


@dataclass(frozen=True, slots=True)
class PollRecord:
    """The outcome of one poll. On success the failures reset to 0 and the validators, title and
    site are replaced (None keeps what is stored); on failure ``error`` is kept and ``failures``
    stored as given; ``pause`` pauses the feed."""

    ok: bool
    next_poll: datetime
    failures: int = 0
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    site_url: str | None = None
    use_guid: bool | None = None
    error: str | None = None
    pause: bool = False


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """What ``add_subscription`` stores (the feed fields are used only when the feed is new)."""

    url: str
    guild_id: int
    channel_id: int
    interval_s: int
    next_poll: datetime
    feed_key: str | None = None  # defaults to url
    title: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    mention_role_id: int | None = None
    created_by: int | None = None


@dataclass(frozen=True, slots=True)
class QueuedItem:
    """One new or changed item of a fetched feed, extracted, for ``ingest_and_enqueue``."""

    item_key: str
    content_hash: str
    entry: FeedEntry
    extraction: Extraction


@dataclass(frozen=True, slots=True)
class PlannedAnnouncement:
    """An announcement the planner wants for one item in one channel."""

    subscription_id: int
    channel_id: int
    announcement: Announcement


Planner = Callable[[QueuedItem, StoredItem], Sequence[PlannedAnnouncement]]
"""Called inside the ingest transaction (on the storage thread: pure and fast) for an item that is
new to its feed or edited, with the review as stored; returns the announcements to queue."""


@dataclass(frozen=True, slots=True)
class QueuedAnnouncement:
    """An announcement of an already stored review (backfill)."""

    subscription_id: int
    channel_id: int
    review_id: int
    announcement: Announcement


@dataclass(frozen=True, slots=True)
class EnqueueOutcome:
    """What ``ingest_and_enqueue`` did with one item: the ingest result, announcements queued, edits
    queued (or queued texts updated)."""

    result: IngestResult
    announced: int = 0
    edits: int = 0


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A due piece of delivery work. ``kind`` is "send" (post ``announcement`` with ``nonce``) or
    "edit" (replace the text of ``message_id``); ``payload`` is the stored announcement JSON."""

    id: int
    kind: str
    subscription_id: int
    guild_id: int
    channel_id: int
    review_id: int
    nonce: str
    payload: str
    announcement: Announcement
    attempts: int
    message_id: int | None
    # when a send of this row was first started; set on a row still pending, the message may
    # already be posted (a crash, or an error after the request reached the platform)
    tried_at: datetime | None = None
