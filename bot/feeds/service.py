"""What the moderators' ``feed`` commands do (framework-free; the Discord cog only adapts it).

Every method raises ``UsageError``, ``NotFound``, ``Ambiguous`` or ``FeedError`` with a message fit
to show the moderator. A subscription is named by a ``ref``: ``#12`` or ``id:12`` (subscription id
12), its feed URL, or a plain number N (the N-th line of ``feed list``; a number past the end of the
list is taken as an id).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.announce import FeedFilter, parse_filter_spec, parse_template, preview
from bot.config import FeedsConfig
from bot.delivery import Sender
from bot.errors import Ambiguous, FeedError, NotFound, UsageError
from bot.feeds.announcing import build_announcement, stored_extraction, subscription_filter
from bot.feeds.decide import canonical_url, decide
from bot.feeds.fetch import Fetcher, fetch_feed
from bot.feeds.poller import Poller
from bot.feeds.schedule import next_poll_time
from bot.ingest import Ingestor
from bot.models import Announcement, Feed, ParsedFeed, Subscription, SubscriptionStatus
from bot.settings import GuildSettings
from bot.storage.base import Storage
from bot.storage.records import NewSubscription, QueuedAnnouncement, QueuedItem

MAX_SUBSCRIPTIONS = 100  # per server
URL_MAX = 2000
_ID_REF = re.compile(r"(?:#|id:)\s*(\d{1,19})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add`` did: the new subscription, its feed, how many of the feed's items are stored,
    and the page URL the feed was discovered from (None when the URL given was the feed)."""

    subscription: Subscription
    feed: Feed
    stored: int
    discovered_from: str | None


def _clean_url(url: str) -> str:
    text = url.strip().strip("<>").strip()
    if not text:
        raise UsageError(
            "Give the address of a feed or of a site.",
            hint="e.g. feed add https://example.com/feed",
        )
    if "://" not in text:
        text = "https://" + text
    if len(text) > URL_MAX:
        raise UsageError(f"That address is longer than {URL_MAX} characters.")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{text[:100]} is not a web address.",
            hint="Give an http:// or https:// address of a feed or a site.",
        )
    return text


class FeedService:
    """Add, remove, list, pause, resume, test, backfill, filter and template feed subscriptions."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        ingestor: Ingestor,
        settings: FeedsConfig,
        *,
        poller: Poller | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.storage = storage
        self.fetcher = fetcher
        self.ingestor = ingestor
        self.settings = settings
        self.poller = poller
        self.sender = sender

    # ------------------------------------------------------------------ helpers
    async def _guild_settings(self, guild_id: int) -> GuildSettings:
        return GuildSettings.from_json(await self.storage.load_guild_settings(guild_id))

    async def resolve(self, guild_id: int, ref: str | int) -> SubscriptionStatus:
        """The server's subscription a moderator named (see the module docstring)."""
        subs = await self.storage.guild_subscriptions(guild_id)
        if not subs:
            raise NotFound("This server follows no feeds.", hint="Add one with feed add <address>.")
        text = str(ref).strip().strip("<>").strip()
        by_id = _ID_REF.fullmatch(text)
        if by_id or text.isdigit():
            number = int(by_id.group(1) if by_id else text)
            if not by_id and 1 <= number <= len(subs):
                return subs[number - 1]
            for status in subs:
                if status.subscription.id == number:
                    return status
            raise NotFound(
                f"This server has no feed subscription {text}.",
                hint=f"Use a number from 1 to {len(subs)} as shown by feed list, or #id.",
            )
        matches = [s for s in subs if s.feed.url == text]
        if not matches:
            wanted = canonical_url(text)
            matches = [s for s in subs if canonical_url(s.feed.url) == wanted]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise Ambiguous(
                f"Several channels follow {text}.",
                choices=[
                    f"#{s.subscription.id} in <#{s.subscription.channel_id}>" for s in matches
                ],
                hint="Name one by its #id.",
            )
        raise NotFound(
            f"This server follows no feed called {text[:100]}.",
            suggestions=[s.feed.url for s in subs[:5]],
            hint="Use the number or #id shown by feed list.",
        )

    def _schedule_changed(self) -> None:
        if self.poller is not None:
            self.poller.wake()

    # ------------------------------------------------------------------ commands
    async def add(
        self,
        guild_id: int,
        channel_id: int,
        url: str,
        *,
        mention_role_id: int | None = None,
        user_id: int | None = None,
    ) -> AddResult:
        """Follow a feed (or the feed a page links to) in a channel.

        Every current item is stored at once (searchable right away) and none is announced; only
        items appearing later are. Raises UsageError when the channel already follows the feed or
        the role may not be pinged, FeedError when the address gives no feed.
        """
        wanted = _clean_url(url)
        current = await self.storage.guild_subscriptions(guild_id)
        if len(current) >= MAX_SUBSCRIPTIONS:
            raise UsageError(
                f"This server already follows {MAX_SUBSCRIPTIONS} feeds, the limit.",
                hint="Remove one with feed remove first.",
            )
        if mention_role_id is not None:
            allowed = (await self._guild_settings(guild_id)).mention_role_ids
            if mention_role_id not in allowed:
                raise UsageError(
                    "Announcements may not ping that role.",
                    hint="A moderator can allow it with config mentions, then add the feed again.",
                )
        self._check_new(current, wanted, channel_id)
        feed = await self.storage.feed_by_url(wanted)
        discovered: str | None = None
        stored = 0
        now = time.time()
        if feed is None:
            result, parsed = await fetch_feed(self.fetcher, wanted)
            if parsed is None:
                raise FeedError(f"{wanted} answered without a feed (HTTP {result.status}).")
            feed_url = result.final_url if result.permanent_redirect else result.url
            if result.url != wanted:
                discovered = wanted
            self._check_new(current, feed_url, channel_id)
            feed = await self.storage.feed_by_url(feed_url)
            if feed is None:
                stored = await self._store_all(feed_url, parsed)
                interval = self.settings.default_interval
                due = next_poll_time(
                    now,
                    interval=interval,
                    min_interval=self.settings.min_interval,
                    max_age=result.max_age,
                    jitter_seed=feed_url,
                )
                new = NewSubscription(
                    url=feed_url,
                    guild_id=guild_id,
                    channel_id=channel_id,
                    interval_s=interval,
                    next_poll=datetime.fromtimestamp(due, UTC),
                    title=parsed.title,
                    site_url=parsed.link,
                    etag=result.etag,
                    last_modified=result.last_modified,
                    mention_role_id=mention_role_id,
                    created_by=user_id,
                )
        if feed is not None:  # already followed elsewhere: its items are stored and current
            stored = feed.items
            new = NewSubscription(
                url=feed.url,
                guild_id=guild_id,
                channel_id=channel_id,
                interval_s=feed.interval_s,
                next_poll=datetime.fromtimestamp(now, UTC),
                mention_role_id=mention_role_id,
                created_by=user_id,
            )
        status = await self.storage.add_subscription(new)
        self._schedule_changed()
        return AddResult(status.subscription, status.feed, stored, discovered)

    @staticmethod
    def _check_new(current: list[SubscriptionStatus], url: str, channel_id: int) -> None:
        for status in current:
            if status.subscription.channel_id == channel_id and status.feed.url == url:
                raise UsageError(
                    f"That channel already follows {url} (#{status.subscription.id}).",
                    hint="Use feed list to see it, or feed remove to stop it first.",
                )

    async def _store_all(self, feed_key: str, parsed: ParsedFeed) -> int:
        known = await self.storage.known_items(feed_key)
        decision = await asyncio.to_thread(decide, parsed.entries, known)
        todo = list(reversed(decision.to_store))
        stored = len(decision.unchanged)
        if todo:
            extractions = await self.ingestor.extract_entries([item.entry for item in todo])
            queued = [
                QueuedItem(item.key, item.content_hash, item.entry, extraction)
                for item, extraction in zip(todo, extractions, strict=True)
            ]
            outcomes = await self.storage.ingest_and_enqueue(feed_key, queued, None)
            self.ingestor.learn(
                (q.extraction, o.result) for q, o in zip(queued, outcomes, strict=True)
            )
            stored += sum(1 for o in outcomes if o.result.status != "failed")
        return stored

    async def remove(self, guild_id: int, ref: str | int) -> SubscriptionStatus:
        """Stop following a feed in a channel; its unsent announcements are dropped."""
        status = await self.resolve(guild_id, ref)
        await self.storage.remove_subscription(status.subscription.id)
        self._schedule_changed()
        return status

    async def list(self, guild_id: int) -> list[SubscriptionStatus]:
        """The server's subscriptions with their feeds' state, in ``ref`` number order."""
        return await self.storage.guild_subscriptions(guild_id)

    async def pause(self, guild_id: int, ref: str | int) -> SubscriptionStatus:
        """Stop announcing in that channel until ``resume`` (the feed keeps being read if others
        follow it)."""
        status = await self.resolve(guild_id, ref)
        await self.storage.set_subscription_paused(status.subscription.id, True)
        self._schedule_changed()
        return await self.storage.get_subscription(status.subscription.id)

    async def resume(self, guild_id: int, ref: str | int) -> SubscriptionStatus:
        """Announce again; also un-pauses a feed paused after failures (its failures reset) and
        polls it soon. Announcements held while paused are posted."""
        status = await self.resolve(guild_id, ref)
        await self.storage.resume_subscription(status.subscription.id, datetime.now(UTC))
        self._schedule_changed()
        if self.sender is not None:
            self.sender.kick()
        return await self.storage.get_subscription(status.subscription.id)

    async def test(self, guild_id: int, ref: str | int) -> Announcement:
        """The newest stored item of the feed exactly as this subscription would post it."""
        status = await self.resolve(guild_id, ref)
        state = await self.storage.feed_state(status.feed.id)
        items = await self.storage.feed_items(state.feed_key, 1)
        if not items:
            raise NotFound(
                f"No item of {status.feed.url} is stored yet.",
                hint="Wait for the feed's next poll, then try again.",
            )
        settings = await self._guild_settings(guild_id)
        return build_announcement(items[0], status.subscription, settings)

    async def backfill(self, guild_id: int, ref: str | int, n: int) -> int:
        """Post the last ``n`` items (capped by ``backfill_cap``) that pass the subscription's
        filter and were not posted in that channel yet, oldest first; returns how many were queued."""
        cap = self.settings.backfill_cap
        if cap <= 0:
            raise UsageError("Backfill is turned off on this bot ([feeds] backfill_cap = 0).")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise UsageError(f"Say how many items to post again, from 1 to {cap}.")
        n = min(n, cap)
        status = await self.resolve(guild_id, ref)
        sub = status.subscription
        flt = subscription_filter(sub)
        if flt is None:
            raise UsageError(
                "This subscription's stored filter is no longer valid.",
                hint="Set it again with feed filter, then backfill.",
            )
        state = await self.storage.feed_state(status.feed.id)
        items = await self.storage.feed_items(state.feed_key, max(50, 5 * n))
        posted = await self.storage.announced_reviews(sub.channel_id, [i.review_id for i in items])
        chosen = [
            item
            for item in items
            if item.review_id not in posted and flt.matches(stored_extraction(item), None)
        ][:n]
        settings = await self._guild_settings(guild_id)
        rows = [
            QueuedAnnouncement(
                sub.id, sub.channel_id, item.review_id, build_announcement(item, sub, settings)
            )
            for item in reversed(chosen)
        ]
        queued = await self.storage.enqueue_announcements(rows) if rows else 0
        if queued and self.sender is not None:
            self.sender.kick()
        return queued

    async def set_filter(self, guild_id: int, ref: str | int, spec: str) -> FeedFilter:
        """Set which items the subscription announces ("" or "none" clears the filter)."""
        status = await self.resolve(guild_id, ref)
        text = spec.strip()
        flt = FeedFilter() if text.lower() in ("", "none") else parse_filter_spec(text)
        stored = None if flt.is_empty else flt.to_spec()
        await self.storage.set_subscription_filter(status.subscription.id, stored)
        return flt

    async def set_template(self, guild_id: int, ref: str | int, text: str) -> str:
        """Set the subscription's message template ("" or "default" resets it); returns a preview
        over a made-up review (UsageError for an unknown placeholder and other mistakes)."""
        status = await self.resolve(guild_id, ref)
        if text.strip().lower() in ("", "default"):
            await self.storage.set_subscription_template(status.subscription.id, None)
            return preview(None)
        template = parse_template(text)
        await self.storage.set_subscription_template(status.subscription.id, template.source)
        return preview(template)
