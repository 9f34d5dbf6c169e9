"""The feed poller: one scheduler for every followed feed.

``Poller.run`` keeps a ``DueQueue`` of feed ids by due time (loaded from ``feeds.next_poll``, which
every poll persists), polls what is due under a global and a per-host concurrency limit, and
re-reads the schedule when woken (``wake``: a feed was added or resumed) and every minute.

One poll: a conditional GET (ETag/Last-Modified kept per feed; Cache-Control max-age and
Retry-After respected through ``next_poll_time``) -> parse and sort the items off the event loop
(``decide``; feeds whose guids change on every fetch are keyed by link from then on) -> extract the
new and changed items (the Ingestor's workers; the names they add are learned) -> ONE storage
transaction that stores them and queues their announcements (``ingest_and_enqueue_many``: feeds
finishing together share it, a group commit) -> kick the sender. Failures back off exponentially;
after ``pause_after_failures`` in a row the feed is paused and every server following it is told
(``notifier``). A fetch that followed only permanent redirects (301/308) moves the feed to the new
address (``_follow_move``; merged into a feed already there).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.config import FeedsConfig
from bot.delivery import Sender
from bot.errors import FeedError, ReviewBotError
from bot.feeds.announcing import make_planner
from bot.feeds.decide import Decision, decide, guids_unstable
from bot.feeds.fetch import Fetcher, FetchResult, fetch_feed
from bot.feeds.netguard import FetchError
from bot.feeds.schedule import DueQueue, first_poll_time, next_poll_time, should_pause
from bot.groupwrite import GroupWriter
from bot.ingest import Ingestor
from bot.models import Extraction, FeedEntry, ParsedFeed, Subscription
from bot.settings import GuildSettings
from bot.storage.base import Storage
from bot.storage.records import (
    EnqueueOutcome,
    FeedState,
    Planner,
    PollRecord,
    QueuedItem,
)

log = logging.getLogger("reviewbot.poller")

Notifier = Callable[[int, int | None, str], Awaitable[None]]
_StoreArgs = tuple[str, Sequence[QueuedItem], Planner | None]
RELOAD_EVERY = 60.0  # seconds between re-reads of the schedule (new feeds also wake the poller)


@dataclass(frozen=True, slots=True)
class PollReport:
    """One poll: ``status`` is "ok", "not_modified", "failed", "paused" (this poll paused the feed,
    or it was paused) or "skipped" (nobody follows it, or it is already being polled)."""

    status: str
    new: int = 0
    updated: int = 0
    announced: int = 0
    error: str | None = None
    feed_id: int = 0


@functools.lru_cache(maxsize=8192)
def _host(url: str) -> str:
    """The lower-case host of a feed URL (the key of the per-host limit)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def moved_to(state: FeedState, result: FetchResult) -> str | None:
    """The feed's new address when this fetch of its stored URL followed only permanent
    redirects (every hop 301 or 308) to another URL; None otherwise (no redirect, a temporary
    one anywhere in the chain, or a page whose feed link was followed instead)."""
    if result.permanent_redirect and result.url == state.url and result.final_url != state.url:
        return result.final_url
    return None


def _sort_items(
    entries: Sequence[FeedEntry], known: dict[str, str], use_guid: bool
) -> tuple[bool, Decision]:
    """(use_guid, decision): the CPU part of a poll, run in a worker thread."""
    if use_guid and guids_unstable(known, entries):
        use_guid = False
    return use_guid, decide(entries, known, use_guid=use_guid)


class Poller:
    """Polls every followed feed on its own schedule (see the module docstring)."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        ingestor: Ingestor,
        settings: FeedsConfig,
        *,
        sender: Sender | None = None,
        notifier: Notifier | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.storage = storage
        self.fetcher = fetcher
        self.ingestor = ingestor
        self.settings = settings
        self.sender = sender
        self.notifier = notifier
        self.clock = clock
        self._global = asyncio.Semaphore(max(1, settings.max_concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._host_waiters: dict[str, int] = {}
        self._polling: set[int] = set()
        self._queue = DueQueue()
        self._woken = asyncio.Event()
        self._reload_wanted = False
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        # group commits: polls finishing together share one transaction (bot/groupwrite.py)
        self._records: GroupWriter[tuple[int, PollRecord], bool] = GroupWriter(self._write_records)
        self._stores: GroupWriter[_StoreArgs, list[EnqueueOutcome]] = GroupWriter(
            storage.ingest_and_enqueue_many
        )

    # ------------------------------------------------------------------ the scheduler
    def wake(self) -> None:
        """Re-read the schedule now (a feed was added, resumed or removed)."""
        self._reload_wanted = True
        self._woken.set()

    async def stop(self) -> None:
        """Stop scheduling and cancel the polls in flight (what they stored stays stored)."""
        self._stopping = True
        self._woken.set()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def run(self) -> None:
        """Poll every feed when it is due until ``stop`` is called."""
        last_reload = float("-inf")
        while not self._stopping:
            self._woken.clear()  # set again by wake() or by a poll re-queueing its feed
            now = self.clock()
            if self._reload_wanted or now - last_reload >= RELOAD_EVERY:
                self._reload_wanted = False
                try:
                    await self._reload()
                except ReviewBotError as exc:
                    log.warning("could not read the feed schedule: %s", exc)
                last_reload = now = self.clock()
            for feed_id in self._queue.pop_due(now):
                task = asyncio.create_task(self._scheduled(feed_id), name=f"poll-{feed_id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            due = self._queue.next_due()
            timeout = RELOAD_EVERY if due is None else min(max(due - now, 0.0), RELOAD_EVERY)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), timeout=max(timeout, 0.01))

    async def _reload(self) -> None:
        now = self.clock()
        states = await self.storage.pollable_feeds()
        wanted = {s.feed_id for s in states}
        for _due, feed_id in list(self._queue):
            if feed_id not in wanted:
                self._queue.remove(feed_id)
        for state in states:
            if state.feed_id in self._polling:
                continue
            due = (
                state.next_poll.timestamp()
                if state.next_poll is not None
                else first_poll_time(now, state.url, state.interval_s)
            )
            self._queue.push(state.feed_id, due)

    async def _scheduled(self, feed_id: int) -> None:
        try:
            report, due = await self._poll(feed_id)
        except ReviewBotError as exc:  # storage trouble: try again after the minimum interval
            log.warning("poll of feed %s failed: %s", feed_id, exc)
            report, due = None, self.clock() + max(self.settings.min_interval, 60)
        except Exception:
            log.exception("poll of feed %s crashed", feed_id)
            report, due = None, self.clock() + max(self.settings.min_interval, 60)
        if report is not None and report.status == "skipped":
            return
        if due is not None and not self._stopping:
            self._queue.push(feed_id, due)
            self._woken.set()  # the scheduler may be asleep until a later due time

    async def poll_due(self) -> list[PollReport]:
        """Poll every feed due now (at once, within the concurrency limits); their reports."""
        now = self.clock()
        due = [
            s
            for s in await self.storage.pollable_feeds()
            if s.next_poll is None or s.next_poll.timestamp() <= now
        ]
        subs = await self.storage.active_subscriptions([s.feed_id for s in due])
        polls = (self._poll(s.feed_id, s, subs.get(s.feed_id, [])) for s in due)
        return [report for report, _due in await asyncio.gather(*polls)]

    # ------------------------------------------------------------------ one feed
    async def poll_feed(self, feed_id: int) -> PollReport:
        """Poll one feed now, whatever its schedule (it must be followed and not paused)."""
        report, _due = await self._poll(feed_id)
        return report

    async def _poll(
        self,
        feed_id: int,
        state: FeedState | None = None,
        active: list[Subscription] | None = None,
    ) -> tuple[PollReport, float | None]:
        if feed_id in self._polling:
            return PollReport("skipped", error="already being polled", feed_id=feed_id), None
        self._polling.add(feed_id)
        try:
            if state is None:
                state = await self.storage.feed_state(feed_id)
            if state.paused:
                return PollReport("paused", error="the feed is paused", feed_id=feed_id), None
            if active is None:
                active = await self.storage.feed_subscriptions(feed_id)
            subs = [s for s in active if not s.paused]
            if not subs:
                return PollReport("skipped", error="no active subscription", feed_id=feed_id), None
            try:
                async with self._limits(state.url):
                    result, parsed = await fetch_feed(
                        self.fetcher, state.url, etag=state.etag, last_modified=state.last_modified
                    )
            except FeedError as exc:
                return await self._failed(state, subs, exc)
            return await self._fetched(state, subs, result, parsed)
        finally:
            self._polling.discard(feed_id)

    @contextlib.asynccontextmanager
    async def _limits(self, url: str) -> AsyncIterator[None]:
        host = _host(url)
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(max(1, self.settings.per_host_concurrency))
        self._host_waiters[host] = self._host_waiters.get(host, 0) + 1
        try:
            async with sem, self._global:
                yield
        finally:
            self._host_waiters[host] -= 1
            if not self._host_waiters[host]:  # nobody waits for this host: forget it
                del self._host_waiters[host]
                self._hosts.pop(host, None)

    async def _failed(
        self, state: FeedState, subs: list[Subscription], exc: FeedError
    ) -> tuple[PollReport, float | None]:
        failures = state.failures + 1
        retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        due = next_poll_time(
            self.clock(),
            interval=state.interval_s,
            min_interval=self.settings.min_interval,
            retry_after=retry_after,
            failures=failures,
            jitter_seed=state.url,
        )
        pause = should_pause(failures, self.settings.pause_after_failures)
        record = PollRecord(
            ok=False, next_poll=_when(due), failures=failures, error=str(exc), pause=pause
        )
        paused_now = await self._record(state.feed_id, record)
        log.info("feed %s failed (%s in a row): %s", state.url, failures, exc)
        if paused_now:
            await self._tell_paused(state, subs, exc, failures)
        status = "paused" if pause else "failed"
        return PollReport(status, error=str(exc), feed_id=state.feed_id), None if pause else due

    async def _tell_paused(
        self, state: FeedState, subs: list[Subscription], exc: FeedError, failures: int
    ) -> None:
        if self.notifier is None:
            return
        by_guild: dict[int, list[Subscription]] = {}
        for sub in subs:
            by_guild.setdefault(sub.guild_id, []).append(sub)
        for guild_id, own in by_guild.items():
            refs = ", ".join(f"#{s.id}" for s in own)
            text = (
                f"I paused the feed {state.url} after {failures} failed polls in a row. "
                f"Last error: {exc} When it works again, run `feed resume {refs.split(', ')[0]}`"
                f" (subscriptions {refs})."
            )
            try:
                await self.notifier(guild_id, own[0].channel_id, text)
            except Exception:
                log.exception("could not tell server %s that feed %s paused", guild_id, state.url)

    async def _fetched(
        self,
        state: FeedState,
        subs: list[Subscription],
        result: FetchResult,
        parsed: ParsedFeed | None,
    ) -> tuple[PollReport, float | None]:
        due = next_poll_time(
            self.clock(),
            interval=state.interval_s,
            min_interval=self.settings.min_interval,
            max_age=result.max_age,
            jitter_seed=state.url,
        )
        record = PollRecord(
            ok=True,
            next_poll=_when(due),
            etag=result.etag or (state.etag if result.not_modified else None),
            last_modified=result.last_modified
            or (state.last_modified if result.not_modified else None),
        )
        if parsed is None:
            await self._record(state.feed_id, record)
            return await self._follow_move(
                state, result, PollReport("not_modified", feed_id=state.feed_id), due
            )
        known = await self.storage.known_items(state.feed_key)
        use_guid, decision = await asyncio.to_thread(
            _sort_items, parsed.entries, known, state.use_guid
        )
        if use_guid != state.use_guid:
            log.info("feed %s changes its guids on every fetch: keying it by link", state.url)
        todo = list(reversed(decision.to_store))  # oldest first: announced in reading order
        new = updated = announced = 0
        if todo:
            extractions = await self._extract([item.entry for item in todo])
            queued = [
                QueuedItem(item.key, item.content_hash, item.entry, extraction)
                for item, extraction in zip(todo, extractions, strict=True)
            ]
            planner = await self.planner(subs)
            outcomes = await self._stores.submit((state.feed_key, queued, planner))
            self.ingestor.learn(
                (q.extraction, o.result) for q, o in zip(queued, outcomes, strict=True)
            )
            for outcome in outcomes:
                new += outcome.result.status == "new"
                updated += outcome.result.status == "updated"
                announced += outcome.announced + outcome.edits
        record = PollRecord(
            ok=True,
            next_poll=record.next_poll,
            etag=record.etag,
            last_modified=record.last_modified,
            title=parsed.title,
            site_url=parsed.link,
            use_guid=use_guid,
        )
        await self._record(state.feed_id, record)
        if announced and self.sender is not None:
            self.sender.kick()
        report = PollReport("ok", new, updated, announced, feed_id=state.feed_id)
        return await self._follow_move(state, result, report, due)

    async def _follow_move(
        self, state: FeedState, result: FetchResult, report: PollReport, due: float
    ) -> tuple[PollReport, float | None]:
        """After a poll whose fetch followed only permanent redirects (301/308), store the new
        address (``Storage.move_feed``: the feed keeps its items; a feed already there absorbs it).

        The feed already at that address is held (``_polling``) while they merge, so no poll of it
        plans announcements without the subscriptions arriving; if it is being polled right now,
        the move waits for this feed's next poll. Returns the report and the next due time (None
        when this feed no longer exists).
        """
        new_url = moved_to(state, result)
        if new_url is None:
            return report, due
        target = await self.storage.feed_by_url(new_url)
        held = None if target is None else target.id
        if held is not None:
            if held in self._polling:
                return report, due
            self._polling.add(held)
        try:
            now_id = await self.storage.move_feed(state.feed_id, new_url)
        finally:
            if held is not None:  # a poll of it skipped meanwhile left the queue: re-read it
                self._polling.discard(held)
                self.wake()
        if now_id == state.feed_id:
            log.info("feed %s moved permanently to %s", state.url, new_url)
            return report, due
        if now_id is not None:
            log.info(
                "feed %s moved permanently to %s, which feed #%s already had: merged into it",
                state.url, new_url, now_id,
            )  # fmt: skip
            self.wake()  # that feed gained subscriptions (and was resumed if it was paused)
        return report, None

    async def _record(self, feed_id: int, record: PollRecord) -> bool:
        """Store a poll's outcome (a group commit: 1,000 feeds answering 304 cost a few dozen
        commits, not 1,000). True when it paused the feed."""
        return await self._records.submit((feed_id, record))

    async def _write_records(self, batch: list[tuple[int, PollRecord]]) -> list[bool]:
        paused = await self.storage.record_polls(batch)
        return [feed_id in paused for feed_id, _ in batch]

    async def _extract(self, entries: list[FeedEntry]) -> list[Extraction]:
        """Extract a poll's new items off the loop, with the Ingestor's shared snapshot of known
        names and titles (see ``Ingestor._known``)."""
        return await self.ingestor.extract_entries(entries)

    async def planner(self, subs: Sequence[Subscription]) -> Planner:
        """The announcements of an item for these subscriptions (see ``make_planner``)."""
        settings = {
            guild_id: GuildSettings.from_json(await self.storage.load_guild_settings(guild_id))
            for guild_id in {s.guild_id for s in subs}
        }
        return make_planner(subs, settings)
