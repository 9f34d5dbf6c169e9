"""The ingest pipeline (entries -> extraction -> storage) over real SQLite files."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

import aiosqlite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.demo import DEMO_FEED_KEY, demo_feed_bytes
from bot.feeds.parse import parse_feed
from bot.ingest import Ingestor, item_key
from bot.models import FeedEntry, IngestResult
from bot.storage import IngestItem, SQLiteStorage, open_storage


def dump(path: Path) -> list[tuple[object, ...]]:
    """Every row of every table (FTS shadow tables included), for exact before/after comparisons."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows: list[tuple[object, ...]] = []
        for table in sorted(tables):
            rows.extend((table, *row) for row in conn.execute(f'SELECT * FROM "{table}"'))
    return sorted(rows, key=repr)


def test_item_key_prefers_guid_then_link_then_content() -> None:
    assert item_key(FeedEntry("t", guid=" g1 ", link="https://x")) == "guid:g1"
    assert item_key(FeedEntry("t", link="https://x/1")) == "link:https://x/1"
    a, b = FeedEntry("t", content="one"), FeedEntry("t", content="two")
    assert item_key(a).startswith("hash:") and item_key(a) != item_key(b)
    assert item_key(a) == item_key(FeedEntry("t", content="one"))


async def test_demo_feed_counts_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    entries = parse_feed(demo_feed_bytes()).entries
    db = tmp_path / "demo.db"
    storage = await open_storage(db)
    try:
        first = await Ingestor(storage).ingest_entries(DEMO_FEED_KEY, entries)
        assert (first.new, first.failed) == (len(entries), 0)
        assert first.not_reviews == 2  # the demo's two news items
        second = await Ingestor(storage).ingest_entries(DEMO_FEED_KEY, entries)
        assert (second.new, second.updated, second.unchanged) == (0, 0, len(entries))
        stats = await storage.stats()
        assert stats["reviews"] == len(entries) - 2 and stats["news"] == 2
    finally:
        await storage.close()
    before = dump(db)
    storage = await open_storage(db)
    try:
        await Ingestor(storage).ingest_entries(DEMO_FEED_KEY, entries)
    finally:
        await storage.close()
    assert dump(db) == before


async def test_an_edited_item_is_updated_in_place(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "e.db")
    try:
        ingestor = Ingestor(storage)
        text = "Glass Orchard Review: a cold case\n\nKabir Sen plays Inspector Vale. Rating: 3/5"
        entry = FeedEntry(
            "Glass Orchard Review: a cold case", text.split("\n\n", 1)[1], guid="go", link="u"
        )
        first = await ingestor.ingest_entries("f", [entry])
        edited = FeedEntry(entry.title, entry.content.replace("3/5", "4/5"), guid="go", link="u")
        second = await ingestor.ingest_entries("f", [edited])
        assert first.new == 1 and second.updated == 1
        assert first.results[0].review_id == second.results[0].review_id
        reviews = await storage.latest(5)
        assert [r.rating for r in reviews] == [4.0]
    finally:
        await storage.close()


class _RefusingStorage(SQLiteStorage):
    """The real storage, refusing items whose headline says BROKEN (a stand-in for a bad row)."""

    async def ingest_many(self, items: Sequence[IngestItem]) -> list[IngestResult]:
        good = [i for i in items if "BROKEN" not in i[3].title]
        stored = iter(await super().ingest_many(good))
        return [
            IngestResult("failed", error="refused") if "BROKEN" in i[3].title else next(stored)
            for i in items
        ]


async def test_one_bad_item_loses_nothing_else(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    storage = await open_storage(db)
    await storage.close()
    conn = await aiosqlite.connect(db, isolation_level=None)
    storage = _RefusingStorage(conn, str(db))
    try:
        entries = [
            FeedEntry(f"Film {n} Review: fine", f"Actor {n} plays Hero.", guid=f"g{n}")
            for n in range(3)
        ]
        entries.insert(1, FeedEntry("BROKEN Review: x", "body", guid="bad"))
        summary = await Ingestor(storage).ingest_entries("f", entries)
        assert (summary.new, summary.failed) == (3, 1)
        assert summary.errors == ["BROKEN Review: x: refused"]
        assert await storage.item_hash("f", "guid:bad") is None
    finally:
        await storage.close()


_words = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=80
)
# a poll: entries with distinct guids (as a feed has), some edited between polls
_poll = st.dictionaries(
    keys=st.sampled_from(["a", "b", "c", "d", "e"]),
    values=st.tuples(_words, _words),
    max_size=5,
).map(
    lambda items: [
        FeedEntry(title, content, guid=guid, link=f"https://x.test/{guid}")
        for guid, (title, content) in sorted(items.items())
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polls=st.lists(_poll, min_size=1, max_size=4))
async def test_replaying_the_last_poll_changes_nothing(polls: list[list[FeedEntry]]) -> None:
    """Ingest is idempotent: after any history of polls, the last poll again is a byte-equal no-op."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "p.db"
        storage = await open_storage(db)
        try:
            ingestor = Ingestor(storage)
            for poll in polls:
                summary = await ingestor.ingest_entries("feed", poll)
                assert summary.failed == 0, summary.errors
            before = dump(db)
            again = await ingestor.ingest_entries("feed", polls[-1])
            assert (again.new, again.updated, again.failed) == (0, 0, 0)
            assert again.unchanged == len(polls[-1])
            assert dump(db) == before
        finally:
            await storage.close()
