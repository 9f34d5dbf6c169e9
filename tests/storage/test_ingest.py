"""Ingest semantics: idempotence, in-place updates, cross-feed dedupe, atomicity, resolution."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.models import Extraction, FeedEntry, IngestResult, MentionedWork, MentionKind
from bot.storage import SQLiteStorage, open_storage
from bot.text import norm_name, norm_title

from .conftest import article, fts_ok, raw_dump, when

SOUNDTRACK = article(
    "Soundtrack #2",
    cast=(("Son Suk-ku", "Hyun-seo"), ("Kim Yoo-jung", "Seon-woo"), "Noh Sang-hyun"),
    director="Kim Hee-won",
    aliases=(("Noh Sang-hyun", ("Noh Sang Hyun", "Sang-hyun Noh")),),
    mentions=(MentionedWork("Soundtrack #1", MentionKind.FRANCHISE, cast=("Han So-hee",)),),
    text="A melancholy romance about two songwriters.",
    url="https://example.com/soundtrack-2-review",
    rating=4.0,
    published=when(5),
)


async def test_same_item_twice_changes_nothing(store: SQLiteStorage, db_path: Path) -> None:
    first = await store.ingest("feed-a", "item-1", "hash-1", *SOUNDTRACK)
    assert first.status == "new" and first.review_id is not None
    assert first.title == "Soundtrack #2" and first.is_review
    stats, version, dump = await store.stats(), await store.data_version(), raw_dump(db_path)
    again = await store.ingest("feed-a", "item-1", "hash-1", *SOUNDTRACK)
    assert again.status == "unchanged" and again.review_id == first.review_id
    assert await store.stats() == stats
    assert await store.data_version() == version
    assert raw_dump(db_path) == dump
    assert await store.item_hash("feed-a", "item-1") == "hash-1"
    assert await store.item_hash("feed-a", "other") is None


async def test_first_ingest_stores_every_fact(store: SQLiteStorage, db_path: Path) -> None:
    await store.ingest("feed-a", "item-1", "hash-1", *SOUNDTRACK)
    stats = await store.stats()
    assert stats["reviews"] == 1 and stats["news"] == 0 and stats["items"] == 1
    assert stats["works"] == 2  # the reviewed work and the mentioned one
    assert stats["people"] == 5  # three cast, the director, one cast member of the mentioned work
    assert stats["credits"] == 5 and stats["mentions"] == 1
    assert fts_ok(db_path)


async def test_edited_item_updates_in_place_and_drops_old_credits(
    store: SQLiteStorage, db_path: Path
) -> None:
    first = await store.ingest("feed-a", "item-1", "hash-1", *SOUNDTRACK)
    version = await store.data_version()
    edited = article(
        "Soundtrack #2",
        cast=(("Son Suk-ku", "Hyun-seo"), "Park Hyung-sik"),
        text="Rewritten: a bittersweet duet.",
        url="https://example.com/soundtrack-2-review",
        rating=3.5,
    )
    result = await store.ingest("feed-a", "item-1", "hash-2", *edited)
    assert result.status == "updated" and result.review_id == first.review_id
    assert await store.data_version() > version
    work = (await store.works_by_key(norm_title("Soundtrack #2")))[0]
    cast = await store.cast_for_work(work.id)
    assert [c.name for c in cast] == ["Son Suk-ku", "Park Hyung-sik"]  # no director any more
    assert (await store.reviews_for_work(work.id))[0].rating == 3.5
    # the old text is gone from the search index, the new one is there
    assert await store.search("melancholy") == []
    assert [r.id for r in await store.search("bittersweet duet")] == [first.review_id]
    # people and works only the old version mentioned are gone; aliases it introduced too
    assert await store.people_by_key(norm_name("Kim Yoo-jung")) == []
    assert await store.people_by_key(norm_name("Sang-hyun Noh")) == []
    assert await store.works_by_key(norm_title("Soundtrack #1")) == []
    stats = await store.stats()
    assert stats["reviews"] == 1 and stats["credits"] == 2 and stats["mentions"] == 0
    assert fts_ok(db_path)


async def test_same_url_through_two_feeds_is_one_review(store: SQLiteStorage) -> None:
    first = await store.ingest("wordpress", "guid-1", "hash-1", *SOUNDTRACK)
    via_relay = await store.ingest("ifttt", "relay-9", "hash-1", *SOUNDTRACK)
    assert via_relay.status == "unchanged" and via_relay.review_id == first.review_id
    stats = await store.stats()
    assert stats["reviews"] == 1 and stats["items"] == 2 and stats["credits"] == 5
    # the relay carries a slightly different text of the same article: same review, updated
    entry, extraction = article(
        "Soundtrack #2",
        cast=("Son Suk-ku",),
        text="Via the relay",
        url="http://www.example.com/soundtrack-2-review/?utm_source=ifttt#top",
    )
    third = await store.ingest("relay-2", "x", "hash-other", entry, extraction)
    assert third.status == "updated" and third.review_id == first.review_id
    assert (await store.stats())["reviews"] == 1


async def test_items_without_url_are_never_merged(store: SQLiteStorage) -> None:
    a = await store.ingest("f1", "1", "h", *article("Kingdom", url=None))
    b = await store.ingest("f2", "1", "h", *article("Kingdom", url=None))
    assert a.status == b.status == "new" and a.review_id != b.review_id


class FailingStorage(SQLiteStorage):
    """Fails after the item's facts have been written (like a crash half way through)."""

    def _ingest_one(self, conn: sqlite3.Connection, *item: object) -> IngestResult:
        result = super()._ingest_one(conn, *item)  # type: ignore[arg-type]
        conn.execute("INSERT INTO no_such_table VALUES (1)")
        return result


async def _failing(db_path: Path) -> FailingStorage:
    plain = await open_storage(db_path)
    failing = FailingStorage(plain._db, plain.path)
    return failing


async def test_failure_mid_ingest_leaves_database_as_before(db_path: Path) -> None:
    storage = await open_storage(db_path)
    await storage.ingest("f", "1", "h1", *SOUNDTRACK)
    await storage.close()
    before = raw_dump(db_path)
    failing = await _failing(db_path)
    try:
        with pytest.raises(StorageError, match="no_such_table") as info:
            await failing.ingest("f", "2", "h2", *article("Kingdom", cast=("Ju Ji-hoon",)))
        assert "Nothing of it was saved" in str(info.value)
        with pytest.raises(StorageError):  # an update fails just as cleanly
            await failing.ingest("f", "1", "h9", *article("Soundtrack #2", cast=("Other",)))
        results = await failing.ingest_many(
            [("f", "3", "h3", *article("Signal")), ("f", "4", "h4", *article("Stranger"))]
        )
        assert [r.status for r in results] == ["failed", "failed"]
    finally:
        await failing.close()
    assert raw_dump(db_path) == before
    assert fts_ok(db_path)


async def test_constraint_failure_on_update_rolls_back(store: SQLiteStorage, db_path: Path) -> None:
    await store.ingest("f", "1", "h1", *SOUNDTRACK)
    before = raw_dump(db_path)
    # a rating outside 0..5 violates a CHECK after the old credits were already deleted
    broken = article("Soundtrack #2", cast=("Someone New",), rating=9.0)
    with pytest.raises(StorageError, match="CHECK constraint"):
        await store.ingest("f", "1", "h2", *broken)
    assert raw_dump(db_path) == before
    assert fts_ok(db_path)


async def test_ingest_many_keeps_good_items_when_one_fails(
    store: SQLiteStorage, db_path: Path
) -> None:
    items = [
        ("f", "1", "h1", *article("Kingdom", cast=("Ju Ji-hoon",), text="zombie plague")),
        ("f", "2", "h2", *article("Signal", rating=7.5)),  # out of range: cannot be stored
        ("f", "3", "h3", *article("Stranger", cast=("Cho Seung-woo",))),
        ("f", "1", "h1", *article("Kingdom", cast=("Ju Ji-hoon",), text="zombie plague")),
    ]
    results = await store.ingest_many(items)
    assert [r.status for r in results] == ["new", "failed", "new", "unchanged"]
    assert results[1].error and "CHECK constraint" in results[1].error
    stats = await store.stats()
    assert stats["reviews"] == 2 and stats["items"] == 2
    again = await store.ingest_many(items)
    assert [r.status for r in again] == ["unchanged", "failed", "unchanged", "unchanged"]
    assert fts_ok(db_path)


async def test_aliases_resolve_to_the_canonical_person(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *SOUNDTRACK)
    canonical = await store.people_by_key(norm_name("Noh Sang-hyun"))
    by_alias = await store.people_by_key(norm_name("Sang-hyun Noh"))
    assert len(canonical) == 1 and by_alias == canonical
    # "Noh Sang Hyun" has the canonical name's own key, so it is not stored as an alias
    assert canonical[0].aliases == ("Sang-hyun Noh",)
    # a later article naming him by the alias credits the same person
    await store.ingest("f", "2", "h", *article("Love in Contract", cast=("Sang-hyun Noh",)))
    credits = await store.credits_for_person(canonical[0].id)
    assert {c.work.title for c in credits} == {"Soundtrack #2", "Love in Contract"}
    known = await store.known_people()
    assert known["Noh Sang-hyun"] == ["Sang-hyun Noh"]


async def test_same_title_different_kinds_are_two_works(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *article("Animal", kind="film", cast=("Ranbir Kapoor",)))
    await store.ingest("f", "2", "h", *article("Animal", kind="series", cast=("Someone Else",)))
    await store.ingest("f", "3", "h", *article("ANIMAL!", kind="film", cast=("Bobby Deol",)))
    await store.ingest("f", "4", "h", *article("Animal", kind=None))
    works = await store.works_by_key("animal")
    assert sorted(w.kind or "" for w in works) == ["film", "series"]
    film = next(w for w in works if w.kind == "film")
    assert film.review_count == 3  # the unknown-kind article joins the most reviewed one
    assert {c.name for c in await store.cast_for_work(film.id)} == {"Ranbir Kapoor", "Bobby Deol"}


async def test_unknown_kind_work_takes_the_kind_learned_later(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *article("Kingdom"))
    await store.ingest("f", "2", "h", *article("Kingdom", kind="series"))
    works = await store.works_by_key("kingdom")
    assert [(w.kind, w.review_count) for w in works] == [("series", 2)]


async def test_news_without_title_is_stored_as_news(store: SQLiteStorage) -> None:
    entry, extraction = article(None, is_review=False, cast=("Kim Soo-hyun",), text="casting")
    result = await store.ingest("f", "n1", "h", entry, extraction)
    assert result.status == "new" and not result.is_review and result.title is None
    stats = await store.stats()
    assert stats["news"] == 1 and stats["reviews"] == 0 and stats["works"] == 0
    assert stats["credits"] == 0  # credits need a work
    latest = await store.latest(10, reviews_only=False)
    assert [r.headline for r in latest] == ["Casting news"] and latest[0].work_id is None
    assert await store.latest(10) == []


async def test_mention_cast_credits_the_mentioned_work(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *SOUNDTRACK)
    first = (await store.works_by_key(norm_title("Soundtrack #1")))[0]
    assert first.review_count == 0
    cast = await store.cast_for_work(first.id)
    assert [(c.name, c.character) for c in cast] == [("Han So-hee", None)]


def _entry(url: str) -> tuple[FeedEntry, Extraction]:
    return article("Kingdom", url=url)


@pytest.mark.parametrize(
    "other",
    [
        "https://EXAMPLE.com/a/",
        "http://www.example.com/a?utm_medium=rss",
        "https://example.com/a#c",
    ],
)
async def test_url_variants_count_as_the_same_article(store: SQLiteStorage, other: str) -> None:
    a = await store.ingest("f1", "1", "h", *_entry("https://example.com/a"))
    b = await store.ingest("f2", "1", "h", *_entry(other))
    assert b.review_id == a.review_id and b.status == "unchanged"
