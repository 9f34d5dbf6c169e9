"""``SQLiteStorage``: the Storage interface over one long-lived aiosqlite connection.

Each public method runs one synchronous unit of work (functions in ``ingest``/``resolve``,
``queries`` and ``related``) on the connection's own thread, so an ingest is one hop off the event loop rather than
one per statement, and units never interleave. Writes use ``BEGIN IMMEDIATE`` ... ``COMMIT`` and roll
back on any error. Every sqlite3/aiosqlite error leaves as ``StorageError`` with a message a user can
act on.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.errors import ReviewBotError, StorageError
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
from bot.storage import guilds, queries, related
from bot.storage import ingest as _ingest
from bot.storage.base import IngestItem, NameRow, RelatedSignal, Storage
from bot.storage.failures import check_not_newer, storage_error
from bot.storage.feeds import FeedsMixin
from bot.storage.migrations import LATEST_VERSION, apply_pending, current_version
from bot.storage.outbox import OutboxMixin

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000


class SQLiteStorage(FeedsMixin, OutboxMixin, Storage):
    """Storage in one SQLite file (WAL mode). Create it with ``open_storage``.

    The feed, subscription and outbox methods come from ``FeedsMixin`` (bot/storage/feeds.py) and
    ``OutboxMixin`` (bot/storage/outbox.py).
    """

    def __init__(self, db: aiosqlite.Connection, path: str, *, readonly: bool = False) -> None:
        self._db = db
        self.path = path
        self.readonly = readonly
        self._closed = False

    # ------------------------------------------------------------------ plumbing
    async def _run(self, action: str, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` on the connection thread; driver errors become StorageError."""
        if self._closed:
            raise StorageError(
                f"The database {self.path} is closed.", hint="This is a bug: report it."
            )
        try:
            # aiosqlite's queue runs callables on its connection thread (the same way it runs
            # its own execute calls); this is the one place the storage relies on it.
            return await self._db._execute(fn, self._db._conn, *args)
        except ReviewBotError:
            raise
        except (sqlite3.Error, ValueError) as exc:
            raise storage_error(self.path, action, exc) from exc

    async def _write(self, action: str, fn: Callable[..., T], *args: Any) -> T:
        """Like ``_run`` but inside ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any error)."""
        if self.readonly:
            raise StorageError(
                f"The database {self.path} was opened read-only, so {action} is not possible.",
                hint="Open it without --readonly.",
            )
        return await self._run(action, _in_transaction, fn, *args)

    # ------------------------------------------------------------------ lifecycle
    async def close(self) -> None:
        """Close the connection (checkpointing the WAL); calling it twice is harmless."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self.readonly:
                await self._db.execute("PRAGMA optimize")
        except (sqlite3.Error, ValueError):
            pass
        try:
            await self._db.close()
        except (sqlite3.Error, ValueError) as exc:
            raise storage_error(self.path, "closing the database", exc) from exc

    async def schema_version(self) -> int:
        """The highest migration applied to this database (0 for an empty one)."""
        return await self._run("reading the schema version", current_version)

    async def upgrade(self) -> list[int]:
        """Apply pending numbered migrations in order; return the numbers applied."""
        if self.readonly:
            raise StorageError(
                f"The database {self.path} was opened read-only, so it cannot be upgraded.",
                hint="Open it without --readonly to upgrade it.",
            )
        return await self._run("upgrading the schema", _upgrade, self.path)

    async def stats(self) -> dict[str, int]:
        """Row counts: works, reviews, news, people, credits, mentions, feeds, subscriptions, items."""
        return await self._run("counting rows", queries.stats)

    async def data_version(self) -> int:
        """A counter bumped by every ingest that changes anything."""
        return await self._run("reading the data version", queries.data_version)

    # ------------------------------------------------------------------ ingest
    async def ingest(
        self,
        feed_key: str,
        item_key: str,
        content_hash: str,
        entry: FeedEntry,
        extraction: Extraction,
    ) -> IngestResult:
        """Store one item and its facts in one transaction (see ``Storage.ingest``).

        Raises StorageError (after rolling everything back) when the item cannot be stored.
        """
        item = (feed_key, item_key, content_hash, entry, extraction)
        result = (await self._ingest_batch([item]))[0]
        if result.status == "failed":
            raise StorageError(
                f"Could not store item {item_key!r} of {feed_key!r}: {result.error}",
                hint="Nothing of it was saved; the next poll will try again.",
            )
        return result

    async def ingest_many(self, items: Sequence[IngestItem]) -> list[IngestResult]:
        """Store many items, normally in one transaction (one commit); results in input order.

        Same rules as ``ingest`` per item, and each item is still all-or-nothing: if any item fails,
        the batch is rolled back and redone one transaction per item, so the failing item is reported
        as ``IngestResult("failed", error=...)`` and the others are kept. Much faster than one
        ``ingest`` per item for a feed poll or a bulk import.
        """
        return await self._ingest_batch(list(items))

    async def _ingest_batch(self, items: list[IngestItem]) -> list[IngestResult]:
        if self.readonly:
            raise StorageError(
                f"The database {self.path} was opened read-only, so items cannot be stored.",
                hint="Open it without --readonly.",
            )
        return await self._run("storing feed items", self._ingest_all, items)

    def _ingest_all(self, conn: sqlite3.Connection, items: list[IngestItem]) -> list[IngestResult]:
        """Answer unchanged items with a plain read; store the others in one write transaction.

        No savepoints per item: a savepoint makes FTS5 flush its pending terms, which costs more
        than the rest of the ingest. A failure instead replays the batch one item per transaction.
        """
        repeated = Counter((item[0], item[1]) for item in items)
        known: list[IngestResult | None] = [
            None
            if repeated[(feed_key, item_key)] > 1  # an earlier copy may change it: store in order
            else _ingest.unchanged_result(conn, feed_key, item_key, content_hash)
            for feed_key, item_key, content_hash, _, _ in items
        ]
        todo = [item for item, result in zip(items, known, strict=True) if result is None]
        stored: list[IngestResult] = []
        if len(todo) == 1:
            stored = [self._ingest_alone(conn, todo[0])]
        elif todo:
            try:
                stored = _in_transaction(conn, self._ingest_each, todo)
            except (sqlite3.Error, ValueError):
                stored = [self._ingest_alone(conn, item) for item in todo]
        fresh = iter(stored)
        return [result if result is not None else next(fresh) for result in known]

    def _ingest_each(self, conn: sqlite3.Connection, items: list[IngestItem]) -> list[IngestResult]:
        return [self._ingest_one(conn, *item) for item in items]

    def _ingest_alone(self, conn: sqlite3.Connection, item: IngestItem) -> IngestResult:
        """One item in its own transaction; a storage failure becomes a "failed" result."""
        try:
            return _in_transaction(conn, self._ingest_one, *item)
        except (sqlite3.Error, ValueError) as exc:
            error = storage_error(self.path, "storing a feed item", exc).message
            return IngestResult("failed", title=item[4].title, error=error)

    def _ingest_one(
        self,
        conn: sqlite3.Connection,
        feed_key: str,
        item_key: str,
        content_hash: str,
        entry: FeedEntry,
        extraction: Extraction,
    ) -> IngestResult:
        """Store one item (in the caller's transaction); a subclass may wrap it to inject faults."""
        return _ingest.ingest_item(conn, feed_key, item_key, content_hash, entry, extraction)

    async def item_hash(self, feed_key: str, item_key: str) -> str | None:
        """The content hash stored for an item, or None if it is not stored."""
        return await self._run("reading an item", queries.item_hash, feed_key, item_key)

    # ------------------------------------------------------------------ works and people
    async def get_work(self, work_id: int) -> Work:
        """The work with this id, with its review count (NotFound when there is none)."""
        return await self._run("reading a work", queries.get_work, work_id)

    async def get_works(self, work_ids: list[int]) -> dict[int, Work]:
        """Several works by id in one round trip (missing ids left out)."""
        return await self._run("reading works", queries.works_by_ids, list(work_ids))

    async def works_by_key(self, key: str) -> list[Work]:
        """Works whose title key or title alias key equals ``key``, most reviewed first."""
        return await self._run("looking up a title", queries.works_by_key, key)

    async def title_index(self) -> list[NameRow]:
        """Every work title and title alias."""
        return await self._run("reading the title index", queries.title_index)

    async def people_by_key(self, key: str) -> list[Person]:
        """People whose name key or alias key equals ``key``."""
        return await self._run("looking up a name", queries.people_by_key, key)

    async def person_index(self) -> list[NameRow]:
        """Every person name and alias."""
        return await self._run("reading the name index", queries.person_index)

    async def known_people(self) -> dict[str, list[str]]:
        """Canonical name -> aliases for every person."""
        return await self._run("reading known people", queries.known_people)

    async def known_titles(self) -> list[str]:
        """Every known work title and title alias."""
        return await self._run("reading known titles", queries.known_titles)

    async def add_work_title(self, work_id: int, title: str) -> None:
        """Record another title a work is known by (found by ``works_by_key`` from then on)."""
        await self._write("adding a title", queries.add_work_title, work_id, title)

    # ------------------------------------------------------------------ answers
    async def reviews_for_work(self, work_id: int, limit: int = 10) -> list[ReviewInfo]:
        """The work's reviews (not news), newest published first, undated last."""
        return await self._run("reading reviews", queries.reviews_for_work, work_id, limit)

    async def cast_for_work(self, work_id: int) -> list[CastEntry]:
        """Merged cast across the work's articles: actors in billing order, then directors."""
        return await self._run("reading a cast", queries.cast_for_work, work_id)

    async def credits_for_person(self, person_id: int) -> list[PersonCredit]:
        """One line per (work, role) of the person, newest work first."""
        return await self._run("reading credits", queries.credits_for_person, person_id)

    async def related_signals(
        self, work_id: int, *, text_below: int | None = None
    ) -> list[RelatedSignal]:
        """Every reason another work relates to this one (services rank them)."""
        return await self._run(
            "finding related works", related.related_signals, work_id, text_below
        )

    async def search(self, query: str, limit: int = 10) -> list[ReviewInfo]:
        """Full-text search (any user text is safe), best bm25 match first."""
        return await self._run("searching", related.search, query, limit)

    async def latest(self, limit: int = 10, reviews_only: bool = True) -> list[ReviewInfo]:
        """The newest items by publication date (undated ones last)."""
        return await self._run("reading the latest items", queries.latest, limit, reviews_only)

    # ------------------------------------------------------------------ per-server settings
    async def load_guild_settings(self, guild_id: int) -> str | None:
        """The stored settings JSON of a server, or None."""
        return await self._run("reading server settings", guilds.load_settings, guild_id)

    async def save_guild_setting(
        self, guild_id: int, settings_json: str, change: SettingChange
    ) -> None:
        """Store new settings and their log row in one transaction."""
        await self._write(
            "saving server settings", guilds.save_setting, guild_id, settings_json, change
        )

    async def guild_settings_log(self, guild_id: int, limit: int = 10) -> list[SettingChange]:
        """The server's latest setting changes, newest first."""
        return await self._run("reading the settings log", guilds.settings_log, guild_id, limit)

    # ------------------------------------------------------------------ facts about the bot
    async def get_meta(self, key: str) -> str | None:
        """A bot fact (e.g. ``command_hash``), or None."""
        return await self._run("reading bot facts", guilds.get_meta, key)

    async def set_meta(self, key: str, value: str) -> None:
        """Store a bot fact."""
        await self._write("saving bot facts", guilds.set_meta, key, value)


# ---------------------------------------------------------------------- opening


async def open_storage(
    path: str | Path, *, readonly: bool = False, migrate: bool = True
) -> SQLiteStorage:
    """Open (creating if needed) the SQLite database at ``path`` and bring its schema up to date.

    One long-lived connection in WAL mode with foreign keys on. ``migrate=False`` leaves pending
    migrations for an explicit ``upgrade()`` (the ``db upgrade`` command). ``readonly=True`` opens an
    existing, up-to-date database without ever writing to it. Raises StorageError when the file
    cannot be opened, is not a SQLite database, or has a newer schema than this code knows.
    """
    shown = str(path)
    target, uri = shown, False
    if readonly and shown != ":memory:":
        file = Path(path)
        if not file.is_file():
            raise StorageError(
                f"Cannot open database {shown} read-only: the file does not exist.",
                hint="Check the path, or open it once without --readonly to create it.",
            )
        target, uri = file.resolve().as_uri() + "?mode=ro", True
    elif shown != ":memory:" and not Path(path).parent.is_dir():
        # checked here because a failed connect leaves aiosqlite's worker thread to die noisily
        raise StorageError(
            f"Cannot open database {shown}: unable to open database file (the folder "
            f"{Path(path).parent} does not exist).",
            hint="Check the path exists and is writable.",
        )
    try:
        db = await aiosqlite.connect(target, isolation_level=None, uri=uri)
    except sqlite3.Error as exc:
        raise storage_error(shown, "opening the database", exc) from exc
    storage = SQLiteStorage(db, shown, readonly=readonly)
    try:
        await storage._run("opening the database", _prepare, shown, readonly, migrate)
    except BaseException:
        await storage.close()
        raise
    return storage


def _prepare(conn: sqlite3.Connection, path: str, readonly: bool, migrate: bool) -> list[int]:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # fails on a non-database file
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
    version = check_not_newer(conn, path)
    if readonly:
        if version < LATEST_VERSION:
            raise StorageError(
                f"The database {path} has schema version {version}, older than this reviewbot "
                f"needs ({LATEST_VERSION}), and it was opened read-only.",
                hint="Open it once without --readonly (or run the upgrade command) to upgrade it.",
            )
        return []
    return apply_pending(conn) if migrate else []


# ---------------------------------------------------------------------- sync units of work


def _in_transaction(conn: sqlite3.Connection, fn: Callable[..., T], *args: Any) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _upgrade(conn: sqlite3.Connection, path: str) -> list[int]:
    check_not_newer(conn, path)
    return apply_pending(conn)
