"""The storage interface: every question the core asks of the database.

Services and front ends only ever see this interface; the SQL lives in ``bot/storage/sqlite.py`` (and a
PostgreSQL backend could implement the same class later without touching services or cogs). Every method
raises ``bot.errors.StorageError`` (never a driver exception) when the database cannot be used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.errors import StorageError
from bot.models import (
    CastEntry,
    Extraction,
    Feed,
    FeedEntry,
    IngestResult,
    Person,
    PersonCredit,
    ReviewInfo,
    SettingChange,
    StoredItem,
    Subscription,
    SubscriptionStatus,
    Work,
)
from bot.storage.records import (
    EnqueueOutcome,
    FeedState,
    NewSubscription,
    OutboxRow,
    Planner,
    PollRecord,
    QueuedAnnouncement,
    QueuedItem,
)


@dataclass(frozen=True, slots=True)
class RelatedSignal:
    """One reason another work is related to the one asked about.

    ``kind`` is one of: ``"franchise"`` (same franchise key or a franchise mention either way),
    ``"also_read"`` (an article about one links the other), ``"mentioned"`` (named in passing either way),
    ``"shared_cast"`` (``detail`` names the shared person), ``"shared_director"`` (``detail`` names them),
    ``"similar_text"`` (``weight`` is a 0..1 text similarity).
    """

    work_id: int
    kind: str
    detail: str | None = None
    weight: float = 1.0


IngestItem = tuple[str, str, str, FeedEntry, Extraction]
"""(feed_key, item_key, content_hash, entry, extraction), as ``Storage.ingest_many`` takes."""


@dataclass(frozen=True, slots=True)
class NameRow:
    """An entry of a title or name index: the id it resolves to, the text shown, its lookup key."""

    id: int
    text: str
    key: str
    is_alias: bool = False


class Storage(ABC):
    """Async storage of works, reviews, people and credits (and, later, feeds and settings)."""

    # ------------------------------------------------------------------ lifecycle
    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    async def upgrade(self) -> list[int]:
        """Apply pending numbered migrations in order; return the numbers applied."""

    @abstractmethod
    async def stats(self) -> dict[str, int]:
        """Row counts: works, reviews, news, people, credits, mentions, feeds ..."""

    @abstractmethod
    async def data_version(self) -> int:
        """A number that changes whenever works or people change (lets callers cache indexes)."""

    # ------------------------------------------------------------------ ingest
    @abstractmethod
    async def ingest(
        self,
        feed_key: str,
        item_key: str,
        content_hash: str,
        entry: FeedEntry,
        extraction: Extraction,
    ) -> IngestResult:
        """Store one item and its extracted facts in one transaction.

        ``(feed_key, item_key)`` identifies the item. Same key and same ``content_hash``: nothing changes
        (status ``"unchanged"``). Same key, other hash: the item's review and everything derived from it
        (credits, mentions, aliases it introduced, search text) is replaced (``"updated"``). New key:
        ``"new"``. Any failure rolls back completely: never half a record.
        """

    async def ingest_many(self, items: Sequence[IngestItem]) -> list[IngestResult]:
        """Store many items; each is all-or-nothing, a failed one comes back as status "failed".

        Backends override this to use one transaction for the batch; this default stores them one by
        one through ``ingest``.
        """
        results = []
        for feed_key, item_key, content_hash, entry, extraction in items:
            try:
                results.append(
                    await self.ingest(feed_key, item_key, content_hash, entry, extraction)
                )
            except StorageError as exc:
                results.append(IngestResult("failed", title=extraction.title, error=str(exc)))
        return results

    @abstractmethod
    async def item_hash(self, feed_key: str, item_key: str) -> str | None:
        """The content hash stored for an item, or None if it is not stored."""

    # ------------------------------------------------------------------ works and people
    @abstractmethod
    async def get_work(self, work_id: int) -> Work: ...

    @abstractmethod
    async def get_works(self, work_ids: list[int]) -> dict[int, Work]:
        """Several works by id in one round trip (ids that do not exist are left out)."""

    @abstractmethod
    async def works_by_key(self, key: str) -> list[Work]:
        """Works whose normalised title (or title alias) equals ``key`` (see ``bot.text.norm_title``)."""

    @abstractmethod
    async def title_index(self) -> list[NameRow]:
        """Every work title and title alias, for fuzzy matching and autocomplete."""

    @abstractmethod
    async def people_by_key(self, key: str) -> list[Person]:
        """People whose normalised name or alias equals ``key`` (see ``bot.text.norm_name``)."""

    @abstractmethod
    async def person_index(self) -> list[NameRow]:
        """Every person name and alias."""

    @abstractmethod
    async def known_people(self) -> dict[str, list[str]]:
        """Canonical name -> aliases, for every person (helps extraction recognise names)."""

    @abstractmethod
    async def known_titles(self) -> list[str]:
        """Every known work title (helps extraction recognise mentioned works)."""

    # ------------------------------------------------------------------ answers
    @abstractmethod
    async def reviews_for_work(self, work_id: int, limit: int = 10) -> list[ReviewInfo]:
        """The work's reviews, newest first."""

    @abstractmethod
    async def cast_for_work(self, work_id: int) -> list[CastEntry]:
        """Merged cast across the work's articles, in billing order; directors included (role)."""

    @abstractmethod
    async def credits_for_person(self, person_id: int) -> list[PersonCredit]:
        """The person's works (as actor or director), newest work first."""

    @abstractmethod
    async def related_signals(
        self, work_id: int, *, text_below: int | None = None
    ) -> list[RelatedSignal]:
        """Every reason any other work is related to this one (services rank them).

        Similar text, the weakest and costliest reason, is looked for only when the other reasons
        name fewer than ``text_below`` works (always when it is None).
        """

    @abstractmethod
    async def search(self, query: str, limit: int = 10) -> list[ReviewInfo]:
        """Full-text search over headlines, titles and text (FTS5), best match first."""

    @abstractmethod
    async def latest(self, limit: int = 10, reviews_only: bool = True) -> list[ReviewInfo]:
        """The newest items by publication date."""

    # ------------------------------------------------------------------ per-server settings
    @abstractmethod
    async def load_guild_settings(self, guild_id: int) -> str | None:
        """The stored settings JSON of a server, or None when it never changed anything."""

    @abstractmethod
    async def save_guild_setting(
        self, guild_id: int, settings_json: str, change: SettingChange
    ) -> None:
        """Store a server's new settings and append ``change`` to its log, in one transaction."""

    @abstractmethod
    async def guild_settings_log(self, guild_id: int, limit: int = 10) -> list[SettingChange]:
        """The server's latest setting changes, newest first."""

    # ------------------------------------------------------------------ facts about the bot
    @abstractmethod
    async def get_meta(self, key: str) -> str | None:
        """A stored fact about the bot itself (e.g. the synced command hash), or None."""

    @abstractmethod
    async def set_meta(self, key: str, value: str) -> None:
        """Store a fact about the bot itself."""

    # ------------------------------------------------------------------ feeds and subscriptions
    # (SQL in bot/storage/feeds.py; the records they take and return are in bot/storage/records.py)
    @abstractmethod
    async def feed_by_url(self, url: str) -> Feed | None:
        """The followed feed with exactly this URL, or None."""

    @abstractmethod
    async def get_feed(self, feed_id: int) -> Feed:
        """A feed by id (NotFound when there is none)."""

    @abstractmethod
    async def feed_state(self, feed_id: int) -> FeedState:
        """What the poller needs to poll one feed (NotFound when there is none)."""

    @abstractmethod
    async def pollable_feeds(self) -> list[FeedState]:
        """Feeds to poll: not paused and followed by at least one active subscription."""

    @abstractmethod
    async def record_poll(self, feed_id: int, record: PollRecord) -> bool:
        """Store the outcome of one poll; True when it paused the feed (it was not paused before)."""

    @abstractmethod
    async def record_polls(self, records: Sequence[tuple[int, PollRecord]]) -> set[int]:
        """Store several polls' outcomes in one transaction; the ids of the feeds they paused."""

    @abstractmethod
    async def move_feed(self, feed_id: int, new_url: str) -> int | None:
        """Give a feed the address it permanently moved to, in one transaction.

        The feed keeps its ``feed_key`` (its items stay known: nothing looks new). When another
        feed already has ``new_url`` the two merge into that one: the subscriptions move to it
        (one per channel is kept, with the other's announcements, pending ones included), linkless
        items it lacks are copied to its key, it is resumed if paused, and the moved feed's row is
        deleted. Returns the id of the feed at ``new_url`` afterwards (``feed_id`` or the one it
        merged into); None when the feed no longer exists.
        """

    @abstractmethod
    async def active_subscriptions(self, feed_ids: Sequence[int]) -> dict[int, list[Subscription]]:
        """The active (not paused) subscriptions of these feeds, oldest first, by feed id."""

    @abstractmethod
    async def known_items(self, feed_key: str) -> dict[str, str]:
        """Item key -> content hash of every item stored from one feed."""

    @abstractmethod
    async def feed_items(self, feed_key: str, limit: int) -> list[StoredItem]:
        """The feed's stored items, newest first (by publication date, then by when first seen)."""

    @abstractmethod
    async def add_subscription(self, new: NewSubscription) -> SubscriptionStatus:
        """Follow ``new.url`` in a channel (creating the feed row if needed), in one transaction.

        Raises UsageError when that channel already follows that feed.
        """

    @abstractmethod
    async def get_subscription(self, subscription_id: int) -> SubscriptionStatus:
        """A subscription and its feed (NotFound when there is none)."""

    @abstractmethod
    async def guild_subscriptions(self, guild_id: int) -> list[SubscriptionStatus]:
        """A server's subscriptions in ``feed list`` order (oldest first)."""

    @abstractmethod
    async def feed_subscriptions(self, feed_id: int) -> list[Subscription]:
        """Every subscription of a feed (paused ones too), oldest first."""

    @abstractmethod
    async def remove_subscription(self, subscription_id: int) -> None:
        """Stop following: the subscription and its unsent announcements are deleted."""

    @abstractmethod
    async def set_subscription_paused(self, subscription_id: int, paused: bool) -> bool:
        """Pause or resume one subscription; True when that changed anything."""

    @abstractmethod
    async def resume_subscription(self, subscription_id: int, next_poll: datetime) -> None:
        """Un-pause a subscription and its feed, reset the feed's failures, poll it at ``next_poll``."""

    @abstractmethod
    async def set_subscription_template(self, subscription_id: int, template: str | None) -> None:
        """Store a (checked) template text; None goes back to the default."""

    @abstractmethod
    async def set_subscription_filter(self, subscription_id: int, spec: str | None) -> None:
        """Store a (checked) filter in chat syntax; None removes the filter."""

    # ------------------------------------------------------------------ the outbox
    # (SQL in bot/storage/outbox.py)
    @abstractmethod
    async def ingest_and_enqueue(
        self, feed_key: str, items: Sequence[QueuedItem], planner: Planner | None = None
    ) -> list[EnqueueOutcome]:
        """Store items of one feed and their announcements, normally in ONE transaction.

        Each item is ingested as ``ingest`` does. An item whose review is new to this feed (no other
        item of the feed points at it) gets the announcements ``planner`` returns for it, inserted
        once per (channel, review): a review already announced in a channel is never queued there
        again. An edited item ("updated") updates the queued text of announcements not sent yet and
        queues an edit of posted ones whose text changes. If anything fails the batch is rolled back
        and redone one item (with its announcements) per transaction; the failing item is reported
        with status "failed". ``planner=None`` stores the items and announces nothing.
        """

    async def ingest_and_enqueue_many(
        self, groups: Sequence[tuple[str, Sequence[QueuedItem], Planner | None]]
    ) -> list[list[EnqueueOutcome]]:
        """``ingest_and_enqueue`` for several feeds' items (feed_key, items, planner), normally all
        in ONE transaction (a group commit); the outcomes per group, in order.

        If anything fails, each group is redone as ``ingest_and_enqueue`` would do it alone, so a
        bad item loses nothing of the other items or feeds. This default writes group by group.
        """
        return [
            await self.ingest_and_enqueue(key, items, planner) for key, items, planner in groups
        ]

    @abstractmethod
    async def enqueue_announcements(self, rows: Sequence[QueuedAnnouncement]) -> int:
        """Queue announcements of stored reviews (a backfill); returns how many were new."""

    @abstractmethod
    async def announced_reviews(self, channel_id: int, review_ids: Sequence[int]) -> set[int]:
        """Which of these reviews are already queued or posted in the channel."""

    @abstractmethod
    async def claim_outbox(
        self, now: datetime, limit: int, exclude: Collection[int] = ()
    ) -> list[OutboxRow]:
        """Due work, oldest first: pending sends and pending edits of active subscriptions.

        Nothing is written: rows stay pending until marked, so after a crash they are sent again
        (with the same nonce). ``exclude`` holds the ids already in flight in this process.
        """

    @abstractmethod
    async def mark_sent(self, outbox_id: int, message_id: int, sent_payload: str) -> None:
        """The transport posted the row (or its edit) with ``sent_payload``.

        If the row's payload changed meanwhile (the item was edited), an edit is queued.
        """

    @abstractmethod
    async def mark_trying(self, outbox_ids: Sequence[int], at: datetime) -> None:
        """Sends of these rows start now: set their ``tried_at`` unless it is set already.

        A row claimed again later with ``tried_at`` set may already be posted (the process died
        before ``mark_sent``, or the request failed after reaching the platform); the sender then
        looks for the message before sending it again.
        """

    @abstractmethod
    async def clear_trying(self, outbox_ids: Sequence[int]) -> None:
        """Forget the ``tried_at`` of these rows if they are still pending (the sender stopped
        before it started sending them)."""

    @abstractmethod
    async def mark_retry(
        self, outbox_id: int, error: str, next_attempt: datetime, *, edit: bool = False
    ) -> int:
        """A transient failure: count the attempt and retry at ``next_attempt``; returns attempts."""

    @abstractmethod
    async def mark_failed(
        self, outbox_id: int, error: str, *, pause: bool, edit: bool = False
    ) -> bool:
        """A send that cannot succeed: the row is failed (an edit is dropped instead).

        ``pause`` pauses the row's subscription; returns True when it was active before.
        """

    @abstractmethod
    async def outbox_counts(self) -> dict[str, int]:
        """Rows per state ("pending", "sent", "failed") and pending edits ("edits")."""
