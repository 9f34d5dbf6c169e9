"""Ingest: one feed item and its extracted facts -> reviews, works, people, credits, mentions.

Everything here is synchronous and runs on the storage connection's own thread, inside a transaction
opened by the caller (``bot.storage.sqlite``): a failure anywhere leaves no trace.
"""

from __future__ import annotations

import json
import sqlite3

from bot.models import Extraction, FeedEntry, IngestResult, MentionKind
from bot.storage.resolve import (
    Context,
    alias_owner,
    clean_kind,
    collect_orphans,
    find_person,
    resolve_person,
    resolve_work,
)
from bot.storage.rows import now_iso, to_iso, url_key
from bot.text import norm_name


def unchanged_result(
    conn: sqlite3.Connection, feed_key: str, item_key: str, content_hash: str
) -> IngestResult | None:
    """The "unchanged" result when the item is stored with this hash (a read, no transaction)."""
    row = conn.execute(
        "SELECT i.review_id, r.title, r.is_review FROM items i JOIN reviews r ON r.id = i.review_id"
        " WHERE i.feed_key = ? AND i.item_key = ? AND i.content_hash = ?",
        (feed_key, item_key, content_hash),
    ).fetchone()
    if row is None:
        return None
    return IngestResult("unchanged", review_id=row[0], title=row[1], is_review=bool(row[2]))


def ingest_item(
    conn: sqlite3.Connection,
    feed_key: str,
    item_key: str,
    content_hash: str,
    entry: FeedEntry,
    extraction: Extraction,
) -> IngestResult:
    """Store one item; the caller holds the write transaction (see ``Storage.ingest``)."""
    ctx = Context(now=now_iso())
    item = conn.execute(
        "SELECT content_hash, review_id FROM items WHERE feed_key = ? AND item_key = ?",
        (feed_key, item_key),
    ).fetchone()
    if item is not None:
        review_id = int(item[1])
        if item[0] == content_hash:
            return _result("unchanged", review_id, extraction)
        conn.execute(
            "UPDATE items SET content_hash = ?, last_seen = ? WHERE feed_key = ? AND item_key = ?",
            (content_hash, ctx.now, feed_key, item_key),
        )
        _replace_review(conn, ctx, review_id, content_hash, entry, extraction)
        return _result("updated", review_id, extraction)

    key = url_key(extraction.url or entry.link)
    same = None
    if key is not None:
        same = conn.execute(
            "SELECT id, content_hash FROM reviews WHERE url_key = ? ORDER BY id LIMIT 1", (key,)
        ).fetchone()
    if same is not None:
        review_id = int(same[0])
        conn.execute(
            "INSERT INTO items(feed_key, item_key, content_hash, review_id, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (feed_key, item_key, content_hash, review_id, ctx.now, ctx.now),
        )
        if same[1] == content_hash:
            return _result("unchanged", review_id, extraction)
        _replace_review(conn, ctx, review_id, content_hash, entry, extraction)
        return _result("updated", review_id, extraction)

    work_id = resolve_work(conn, ctx, extraction.title, extraction.kind)
    cur = conn.execute(
        "INSERT INTO reviews(work_id, kind, title, headline, summary, body, rating, is_review, source,"
        " url, published, categories, director, url_key, content_hash, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            work_id,
            clean_kind(extraction.kind),
            *_review_values(entry, extraction),
            key,
            content_hash,
            ctx.now,
            ctx.now,
        ),
    )
    review_id = int(cur.lastrowid or 0)
    _index_text(conn, review_id)
    conn.execute(
        "INSERT INTO items(feed_key, item_key, content_hash, review_id, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (feed_key, item_key, content_hash, review_id, ctx.now, ctx.now),
    )
    _write_facts(conn, ctx, review_id, work_id, extraction)
    _bump_version(conn)
    return _result("new", review_id, extraction)


def _result(status: str, review_id: int, extraction: Extraction) -> IngestResult:
    return IngestResult(
        status, review_id=review_id, title=extraction.title, is_review=extraction.is_review
    )


def _review_values(
    entry: FeedEntry, ex: Extraction
) -> tuple[
    str | None,
    str,
    str,
    str,
    float | None,
    int,
    str | None,
    str | None,
    str | None,
    str,
    str | None,
]:
    """(title, headline, summary, body, rating, is_review, source, url, published, categories, director)."""
    url = (ex.url or entry.link or "").strip() or None
    published = ex.published or entry.published or entry.updated
    categories = list(ex.categories or entry.categories)
    return (
        ex.title,
        ex.headline or entry.title or "",
        ex.summary or "",
        ex.text or "",
        ex.rating,
        1 if ex.is_review else 0,
        ex.source or entry.source,
        url,
        to_iso(published),
        json.dumps(categories, ensure_ascii=False),
        ex.director,
    )


def _replace_review(
    conn: sqlite3.Connection,
    ctx: Context,
    review_id: int,
    content_hash: str,
    entry: FeedEntry,
    extraction: Extraction,
) -> None:
    """Drop what the review stated before, rewrite its row in place and store the new facts."""
    old = conn.execute("SELECT work_id FROM reviews WHERE id = ?", (review_id,)).fetchone()
    if old is not None and old[0] is not None:
        ctx.old_works.add(int(old[0]))
    for (work_id,) in conn.execute(
        "SELECT DISTINCT to_work_id FROM mentions WHERE review_id = ?", (review_id,)
    ):
        ctx.old_works.add(int(work_id))
    for work_id, person_id in conn.execute(
        "SELECT DISTINCT work_id, person_id FROM credits WHERE review_id = ?", (review_id,)
    ):
        ctx.old_works.add(int(work_id))
        ctx.old_people.add(int(person_id))
    for (person_id,) in conn.execute(
        "SELECT person_id FROM person_aliases WHERE review_id = ?", (review_id,)
    ):
        ctx.old_people.add(int(person_id))
    conn.execute("DELETE FROM credits WHERE review_id = ?", (review_id,))
    conn.execute("DELETE FROM mentions WHERE review_id = ?", (review_id,))
    conn.execute("DELETE FROM person_aliases WHERE review_id = ?", (review_id,))

    _unindex_text(conn, review_id)
    work_id = resolve_work(conn, ctx, extraction.title, extraction.kind)
    (
        title, headline, summary, body, rating, is_review, source, url, published, categories,
        director,
    ) = _review_values(entry, extraction)  # fmt: skip
    conn.execute(
        "UPDATE reviews SET work_id = ?, kind = ?, title = ?, headline = ?, summary = ?, body = ?,"
        " rating = ?, is_review = ?, source = ?, url = ?, url_key = ?, published = ?, categories = ?,"
        " director = ?, content_hash = ?, updated_at = ? WHERE id = ?",
        (
            work_id,
            clean_kind(extraction.kind), title, headline, summary, body, rating, is_review, source, url,
            url_key(url), published, categories, director, content_hash, ctx.now, review_id,
        ),
    )  # fmt: skip
    _index_text(conn, review_id)
    _write_facts(conn, ctx, review_id, work_id, extraction)
    collect_orphans(conn, ctx)
    _bump_version(conn)


def _write_facts(
    conn: sqlite3.Connection,
    ctx: Context,
    review_id: int,
    work_id: int | None,
    ex: Extraction,
) -> None:
    """Aliases, cast, director and mentions of one review (the review row already exists)."""
    for canonical, others in ex.aliases:
        own_key = norm_name(canonical)
        if not own_key:
            continue
        person_id = find_person(conn, ctx, own_key)
        claims: dict[str, str] = {}
        for alias in others:
            key = norm_name(alias)
            if not key or key == own_key or key in claims:
                continue
            owner = alias_owner(conn, key)
            # an alias already meaning someone else is left to them (the first claim wins)
            if owner is None or owner == person_id:
                claims[key] = " ".join(alias.split())
        if not claims:
            # the canonical person is then not created either, so everything a review creates
            # is traceable to it (its credits, its alias claims) and collected when it is edited
            continue
        if person_id is None:
            person_id = resolve_person(conn, ctx, canonical)
        if person_id is None:
            continue
        conn.executemany(
            "INSERT OR IGNORE INTO person_aliases(person_id, alias, key, review_id)"
            " VALUES (?, ?, ?, ?)",
            [(person_id, alias, key, review_id) for key, alias in claims.items()],
        )
        for key in claims:
            ctx.people[key] = person_id

    if work_id is not None:
        rows: list[tuple[int, int, int, str, int, str | None, int]] = []
        for billing, member in enumerate(ex.cast):
            person_id = resolve_person(conn, ctx, member.name)
            if person_id is not None:
                character = (member.character or "").strip() or None
                rows.append(
                    (review_id, work_id, person_id, "actor", billing, character, int(member.voice))
                )
        if ex.director:
            person_id = resolve_person(conn, ctx, ex.director)
            if person_id is not None:
                rows.append((review_id, work_id, person_id, "director", 0, None, 0))
        _insert_credits(conn, rows)

    for mention in ex.mentions:
        to_work = resolve_work(conn, ctx, mention.title, None)
        if to_work is None or to_work == work_id:
            continue
        kind = MentionKind(mention.kind).value
        conn.execute(
            "INSERT INTO mentions(review_id, from_work_id, to_work_id, kind, url)"
            " VALUES (?, ?, ?, ?, ?)",
            (review_id, work_id, to_work, kind, (mention.url or "").strip() or None),
        )
        cast_rows: list[tuple[int, int, int, str, int, str | None, int]] = []
        for billing, name in enumerate(mention.cast):
            person_id = resolve_person(conn, ctx, name)
            if person_id is not None:
                cast_rows.append((review_id, to_work, person_id, "actor", billing, None, 0))
        _insert_credits(conn, cast_rows)


def _insert_credits(
    conn: sqlite3.Connection, rows: list[tuple[int, int, int, str, int, str | None, int]]
) -> None:
    # a person listed twice for the same work keeps the first (best billed) line
    conn.executemany(
        "INSERT OR IGNORE INTO credits(review_id, work_id, person_id, role, billing, character,"
        " voice) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _index_text(conn: sqlite3.Connection, review_id: int) -> None:
    """Add the review's stored text to the search index (external content: copy it from the row).

    The text is read first and bound as values: ``INSERT ... SELECT`` would run in a statement
    savepoint, which makes FTS5 flush a segment per row.
    """
    row = conn.execute(
        "SELECT title, headline, body FROM reviews WHERE id = ?", (review_id,)
    ).fetchone()
    conn.execute(
        "INSERT INTO reviews_fts(rowid, title, headline, body) VALUES (?, ?, ?, ?)",
        (review_id, *row),
    )


def _unindex_text(conn: sqlite3.Connection, review_id: int) -> None:
    """Remove the review's text from the search index; call before the row's text changes."""
    row = conn.execute(
        "SELECT title, headline, body FROM reviews WHERE id = ?", (review_id,)
    ).fetchone()
    conn.execute(
        "INSERT INTO reviews_fts(reviews_fts, rowid, title, headline, body)"
        " VALUES ('delete', ?, ?, ?, ?)",
        (review_id, *row),
    )


def _bump_version(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
