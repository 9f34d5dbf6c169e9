"""The ingest pipeline: feed entries -> extraction (off the event loop) -> storage.

Used by ``reviewbot ingest``, the demo builder and (later) the feed poller. Items already stored with the
same content hash are skipped before extraction, so re-reading a feed costs almost nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from bot.errors import ReviewBotError
from bot.extract import content_hash, extract
from bot.models import Extraction, FeedEntry, IngestResult
from bot.storage.base import IngestItem, Storage

log = logging.getLogger(__name__)

BATCH = 64  # entries extracted per worker-thread hop; known names refresh between batches

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
    entries: Sequence[FeedEntry],
    known_people: Mapping[str, Sequence[str]],
    known_titles: Iterable[str],
) -> list[Extraction]:
    titles = list(known_titles)
    return [extract(e, known_people=known_people, known_titles=titles) for e in entries]


class Ingestor:
    """Stores feed entries with their extracted facts; one per storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._known_version: int | None = None
        self._known_people: dict[str, list[str]] = {}
        self._known_titles: list[str] = []

    async def _known(self) -> tuple[dict[str, list[str]], list[str]]:
        version = await self.storage.data_version()
        if version != self._known_version:
            self._known_people = await self.storage.known_people()
            self._known_titles = await self.storage.known_titles()
            self._known_version = version
        return self._known_people, self._known_titles

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
                people, titles = await self._known()
                extractions = await asyncio.to_thread(
                    _extract_batch, [t[0] for t in todo], people, titles
                )
                items = [
                    (feed_key, key, digest, entry, extraction)
                    for (entry, key, digest), extraction in zip(todo, extractions, strict=True)
                ]
                for result, item in zip(await self._store(items), items, strict=True):
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
