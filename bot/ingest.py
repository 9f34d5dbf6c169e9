"""The ingest pipeline: feed entries -> extraction (off the event loop) -> storage.

Used by ``reviewbot ingest``, the demo builder and (later) the feed poller. Items already stored with the
same content hash are skipped before extraction, so re-reading a feed costs almost nothing.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context

from bot.errors import ReviewBotError
from bot.extract import KnownNames, KnownTitles, content_hash, extract
from bot.models import Extraction, FeedEntry, IngestResult
from bot.storage.base import IngestItem, Storage

log = logging.getLogger(__name__)

BATCH = 64  # entries extracted per hop off the loop; names they add are learned between batches
KNOWN_REBUILD_FACTOR = 10  # see Ingestor._known
KNOWN_REFRESH_S = 30.0  # see Ingestor._known
POOL_MIN = 48  # a batch at least this large is shared among the extraction processes

Progress = Callable[[int, int], None]


def item_key(entry: FeedEntry) -> str:
    """How an item is told apart within its feed: guid/id, then link, then a hash of its content."""
    if entry.guid and entry.guid.strip():
        return "guid:" + entry.guid.strip()
    if entry.link and entry.link.strip():
        return "link:" + entry.link.strip()
    digest = hashlib.sha256(
        f"{entry.title}\n{entry.content}".encode("utf-8", "replace")
    ).hexdigest()
    return "hash:" + digest[:32]


@dataclass(slots=True)
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_reviews: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    results: list[IngestResult] = field(default_factory=list)

    def add(self, result: IngestResult) -> None:
        self.results.append(result)
        if result.status == "failed":
            self.failed += 1
            if result.error:
                self.errors.append(result.error)
            return
        if result.status == "new":
            self.new += 1
        elif result.status == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
        if result.status != "unchanged" and not result.is_review:
            self.not_reviews += 1

    def merge(self, other: IngestSummary) -> None:
        for result in other.results:
            self.add(result)

    def fail(self, message: str) -> None:
        self.add(IngestResult("failed", error=message))

    def line(self) -> str:
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.not_reviews} not reviews, {self.failed} failed"
        )


def _extract_batch(
    entries: Sequence[FeedEntry], names: KnownNames, titles: KnownTitles
) -> list[Extraction]:
    return [extract(e, known_people=names, known_titles=titles) for e in entries]


@dataclass(slots=True)
class _Known:
    """A snapshot of what the database knows, with the extraction indexes built from it, plus
    what this process stored since (``learn``; ``generation`` counts those additions)."""

    version: int
    names: KnownNames
    titles: KnownTitles
    built_at: float
    cost: float  # seconds the snapshot took to read and index
    generation: int = 0

    def learn(self, extraction: Extraction) -> None:
        """Add the titles and people storing ``extraction`` records (as bot.storage.ingest
        creates them: people only for an article whose work is known)."""
        titles = [extraction.title] if extraction.title else []
        titles += [m.title for m in extraction.mentions]
        people: list[tuple[str, tuple[str, ...]]] = list(extraction.aliases)
        if extraction.title:
            people += [(c.name, ()) for c in extraction.cast]
            people += [(extraction.director, ())] if extraction.director else []
        people += [(name, ()) for m in extraction.mentions for name in m.cast]
        for title in titles:
            self.titles.add(title)
        for name, aliases in people:
            self.names.add(name, aliases)
        self.generation += 1


# In an extraction worker process: the known-name indexes of the last data version seen, so that a
# worker builds them once per version rather than once per batch.
_WORKER_KNOWN: tuple[tuple[int, int], KnownNames, KnownTitles] | None = None


def _extract_in_worker(
    entries: Sequence[FeedEntry],
    version: tuple[int, int],
    known_people: Mapping[str, Sequence[str]],
    known_titles: Sequence[str],
) -> list[Extraction]:
    global _WORKER_KNOWN
    if _WORKER_KNOWN is None or _WORKER_KNOWN[0] != version:
        _WORKER_KNOWN = (version, KnownNames(known_people), KnownTitles(known_titles))
    _, names, titles = _WORKER_KNOWN
    return [extract(e, known_people=names, known_titles=titles) for e in entries]


_POOL: ProcessPoolExecutor | None = None  # shared by every Ingestor of the process


def _pool(workers: int) -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        # spawn, not fork: the parent runs threads (the database connection, the event loop)
        _POOL = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    return _POOL


async def shutdown_extraction_pool() -> None:
    """Stop the extraction processes, if any were started (at the end of a run)."""
    global _POOL
    if _POOL is not None:
        pool, _POOL = _POOL, None
        await asyncio.to_thread(pool.shutdown)


def default_workers() -> int:
    """Extraction processes for large batches: one per core, at most 4 (0 on a single core)."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, 4)


class Ingestor:
    """Stores feed entries with their extracted facts; one per storage."""

    def __init__(self, storage: Storage, *, workers: int | None = None) -> None:
        """``workers``: processes that extract large batches in parallel (None: one per core; 0:
        extract in a thread). Extraction is pure CPU work, so processes also keep it from holding
        the event loop's interpreter lock; small batches (a typical poll) stay in a thread."""
        self.storage = storage
        self.workers = default_workers() if workers is None else workers
        self._known_cache: _Known | None = None
        self._known_lock = asyncio.Lock()

    async def extract_entries(self, entries: list[FeedEntry]) -> list[Extraction]:
        """Extract ``entries`` off the event loop (worker processes for large batches)."""
        known = await self._known()
        if self.workers < 2 or len(entries) < POOL_MIN:
            return await asyncio.to_thread(_extract_batch, entries, known.names, known.titles)
        pool = _pool(self.workers)
        loop = asyncio.get_running_loop()
        size = -(-len(entries) // self.workers)
        chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
        version = (known.version, known.generation)
        # copies (the indexes' own contents): the pool pickles its arguments in a thread of its
        # own, while ``learn`` may grow the indexes on this one
        people, titles = dict(known.names), list(known.titles.titles.values())
        try:
            parts = await asyncio.gather(
                *(
                    loop.run_in_executor(pool, _extract_in_worker, chunk, version, people, titles)
                    for chunk in chunks
                )
            )
        except BrokenProcessPool:
            log.warning("an extraction process died; extracting this batch in a thread instead")
            await shutdown_extraction_pool()
            return await asyncio.to_thread(_extract_batch, entries, known.names, known.titles)
        return [extraction for part in parts for extraction in part]

    def known_snapshot(self) -> _Known | None:
        """The known-name indexes extraction uses now (None before the first extraction)."""
        return self._known_cache

    def learn(self, stored: Iterable[tuple[Extraction, IngestResult]]) -> None:
        """Add what the items just stored (or updated) name to the known-name indexes at once, so
        the next item can use them without re-reading every name from the database. Takes each
        item's extraction with the result of storing it; unchanged and failed items add nothing."""
        known = self._known_cache
        if known is not None:
            for extraction, result in stored:
                if result.changed:
                    known.learn(extraction)

    async def _known(self) -> _Known:
        """The names and titles already known, as extraction indexes.

        Read from the database once, then kept current by ``learn`` for what this process stores.
        Re-read when the data changed, but no more often than every ``KNOWN_REFRESH_S`` seconds and
        ten times the last read took: that picks up what other processes stored and what edits
        removed, without a poll cycle spending its time re-reading tens of thousands of names.
        """
        async with self._known_lock:
            known = self._known_cache
            now = time.monotonic()
            wait = max(KNOWN_REFRESH_S, KNOWN_REBUILD_FACTOR * known.cost) if known else 0.0
            if known is not None and now - known.built_at < wait:
                return known
            version = await self.storage.data_version()
            if known is not None and version == known.version:
                return known
            people = await self.storage.known_people()
            titles = await self.storage.known_titles()
            start = time.monotonic()
            names, title_index = await asyncio.to_thread(
                lambda: (KnownNames(people), KnownTitles(titles))
            )
            cost = time.monotonic() - start + (start - now)
            self._known_cache = _Known(version, names, title_index, start, cost)
            # the indexes are large and live until the next re-read (30 s or more): keep them out
            # of the garbage collector's full scans, as ReviewService does with its own indexes
            gc.freeze()
            return self._known_cache

    async def ingest_entries(
        self,
        feed_key: str,
        entries: Sequence[FeedEntry],
        *,
        progress: Progress | None = None,
    ) -> IngestSummary:
        """Ingest ``entries`` of one feed; each item is its own transaction (one bad item loses nothing)."""
        summary = IngestSummary()
        done = 0
        for start in range(0, len(entries), BATCH):
            batch = entries[start : start + BATCH]
            todo: list[tuple[FeedEntry, str, str]] = []
            for entry in batch:
                key, digest = item_key(entry), content_hash(entry)
                if await self.storage.item_hash(feed_key, key) == digest:
                    summary.add(IngestResult("unchanged", title=None))
                else:
                    todo.append((entry, key, digest))
            if todo:
                extractions = await self.extract_entries([t[0] for t in todo])
                items = [
                    (feed_key, key, digest, entry, extraction)
                    for (entry, key, digest), extraction in zip(todo, extractions, strict=True)
                ]
                results = await self._store(items)
                self.learn((item[4], result) for item, result in zip(items, results, strict=True))
                for result, item in zip(results, items, strict=True):
                    if result.status == "failed":
                        headline = item[3].title[:80]
                        log.warning(
                            "could not store %r from %s: %s", headline, feed_key, result.error
                        )
                        result = replace(result, error=f"{headline}: {result.error}")
                    summary.add(result)
            done += len(batch)
            if progress:
                progress(done, len(entries))
        return summary

    async def _store(self, items: list[IngestItem]) -> list[IngestResult]:
        """One batch write; a storage that cannot be used at all fails every item, loudly."""
        try:
            return await self.storage.ingest_many(items)
        except ReviewBotError as exc:
            return [IngestResult("failed", title=item[4].title, error=str(exc)) for item in items]
