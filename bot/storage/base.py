"""The storage interface: every question the core asks of the database.

Services and front ends only ever see this interface; the SQL lives in ``bot/storage/sqlite.py`` (and a
PostgreSQL backend could implement the same class later without touching services or cogs). Every method
raises ``bot.errors.StorageError`` (never a driver exception) when the database cannot be used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import StorageError
from bot.models import (
    CastEntry,
    Extraction,
    FeedEntry,
    IngestResult,
    Person,
    PersonCredit,
    ReviewInfo,
    SettingChange,
    Work,
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
    async def related_signals(self, work_id: int) -> list[RelatedSignal]:
        """Every reason any other work is related to this one (services rank them)."""

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
