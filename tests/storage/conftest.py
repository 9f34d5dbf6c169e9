"""Fixtures and helpers for the storage tests: real SQLite files in tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.models import CastMember, Extraction, FeedEntry, MentionedWork
from bot.storage import SQLiteStorage, open_storage

TABLES = (
    "works",
    "work_titles",
    "reviews",
    "items",
    "people",
    "person_aliases",
    "credits",
    "mentions",
    "meta",
    "schema_migrations",
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reviews.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SQLiteStorage]:
    storage = await open_storage(db_path)
    try:
        yield storage
    finally:
        await storage.close()


def article(
    title: str | None,
    *,
    headline: str | None = None,
    cast: tuple[tuple[str, str | None] | str, ...] = (),
    director: str | None = None,
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = (),
    mentions: tuple[MentionedWork, ...] = (),
    text: str = "",
    url: str | None = None,
    kind: str | None = None,
    is_review: bool = True,
    rating: float | None = None,
    published: datetime | None = None,
) -> tuple[FeedEntry, Extraction]:
    """A feed entry and its extraction, written the way the extractor would."""
    members = tuple(
        CastMember(c) if isinstance(c, str) else CastMember(c[0], character=c[1]) for c in cast
    )
    head = headline or (f"{title} review" if title else "Casting news")
    entry = FeedEntry(title=head, content=text, link=url, published=published)
    extraction = Extraction(
        headline=head,
        is_review=is_review,
        title=title,
        cast=members,
        aliases=aliases,
        director=director,
        rating=rating,
        mentions=mentions,
        text=text,
        url=url,
        published=published,
        kind=kind,
    )
    return entry, extraction


def when(day: int) -> datetime:
    return datetime(2024, 1, day, 12, 0, tzinfo=UTC)


def raw_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ids and time stamps included (read with a separate connection)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        conn.close()


def fts_ok(path: Path) -> bool:
    """FTS5's own check that the search index matches the reviews table exactly."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO reviews_fts(reviews_fts, rank) VALUES ('integrity-check', 1)")
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def semantic_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The stored facts by lookup key rather than by id or first-seen spelling.

    A work or person deleted by an edit and created again by a replay gets a new id, and is shown
    with whichever spelling created it, so both are left out of the comparison.
    """
    conn = sqlite3.connect(path)
    q = conn.execute
    try:
        return {
            "works": sorted(q("SELECT key, franchise, kind FROM works").fetchall(), key=repr),
            "reviews": sorted(
                q(
                    "SELECT r.title, r.headline, r.body, r.rating, r.is_review, r.url,"
                    " r.published, w.key, w.kind, r.content_hash FROM reviews r"
                    " LEFT JOIN works w ON w.id = r.work_id"
                ).fetchall(),
                key=repr,
            ),
            "items": sorted(
                q(
                    "SELECT i.feed_key, i.item_key, i.content_hash, r.headline FROM items i"
                    " JOIN reviews r ON r.id = i.review_id"
                ).fetchall(),
                key=repr,
            ),
            "people": sorted(q("SELECT key FROM people").fetchall(), key=repr),
            "aliases": sorted(
                q(
                    "SELECT p.key, a.alias FROM person_aliases a JOIN people p ON p.id = a.person_id"
                ).fetchall(),
                key=repr,
            ),
            "credits": sorted(
                q(
                    "SELECT r.headline, w.key, w.kind, p.key, c.role, c.billing, c.character,"
                    " c.voice FROM credits c JOIN reviews r ON r.id = c.review_id"
                    " JOIN works w ON w.id = c.work_id JOIN people p ON p.id = c.person_id"
                ).fetchall(),
                key=repr,
            ),
            "mentions": sorted(
                q(
                    "SELECT r.headline, f.key, t.key, m.kind, m.url FROM mentions m"
                    " JOIN reviews r ON r.id = m.review_id LEFT JOIN works f ON f.id = m.from_work_id"
                    " JOIN works t ON t.id = m.to_work_id"
                ).fetchall(),
                key=repr,
            ),
        }
    finally:
        conn.close()
