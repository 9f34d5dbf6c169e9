"""Read queries: works, people, indexes, reviews, merged cast, filmographies, counts (synchronous)."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.errors import NotFound
from bot.models import CastEntry, Person, PersonCredit, ReviewInfo, Role, Work
from bot.storage.base import NameRow
from bot.storage.rows import REVIEW_COLUMNS, WORK_COLUMNS, placeholders, review_info, work
from bot.text import norm_title

# several reviews may state the same alias: each alias key is shown once, as first written
_FIRST_CLAIM = (
    "rowid = (SELECT MIN(a2.rowid) FROM person_aliases a2 WHERE a2.key = person_aliases.key)"
)


def get_work(conn: sqlite3.Connection, work_id: int) -> Work:
    """The work with this id (NotFound when there is none)."""
    row = conn.execute(f"SELECT {WORK_COLUMNS} FROM works w WHERE w.id = ?", (work_id,)).fetchone()
    if row is None:
        raise NotFound(
            f"There is no work with id {work_id}.",
            hint="Look the title up again: the database may have changed.",
        )
    return work(row)


def works_by_ids(conn: sqlite3.Connection, ids: list[int]) -> dict[int, Work]:
    """Works by id (missing ids are left out)."""
    out: dict[int, Work] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = f"SELECT {WORK_COLUMNS} FROM works w WHERE w.id IN ({placeholders(len(chunk))})"
        for row in conn.execute(sql, chunk):
            out[row[0]] = work(row)
    return out


def works_by_key(conn: sqlite3.Connection, key: str) -> list[Work]:
    """Works whose title key or title alias key is ``key``, most reviewed first."""
    rows = conn.execute(
        f"SELECT {WORK_COLUMNS} FROM works w WHERE w.key = ?"
        f" UNION SELECT {WORK_COLUMNS} FROM work_titles t JOIN works w ON w.id = t.work_id"
        " WHERE t.key = ?",
        (key, key),
    ).fetchall()
    return sorted((work(r) for r in rows), key=lambda w: (-w.review_count, w.id))


def title_index(conn: sqlite3.Connection) -> list[NameRow]:
    """Every work title, then every title alias."""
    rows = [NameRow(r[0], r[1], r[2]) for r in conn.execute("SELECT id, title, key FROM works")]
    rows.extend(
        NameRow(r[0], r[1], r[2], is_alias=True)
        for r in conn.execute("SELECT work_id, title, key FROM work_titles")
    )
    return rows


def people_by_key(conn: sqlite3.Connection, key: str) -> list[Person]:
    """People whose name key or alias key is ``key``."""
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM people WHERE key = ? UNION SELECT person_id FROM person_aliases"
            " WHERE key = ?",
            (key, key),
        )
    ]
    return people_by_ids(conn, sorted(ids))


def people_by_ids(conn: sqlite3.Connection, ids: list[int]) -> list[Person]:
    """People (with their aliases) in the order of ``ids``."""
    if not ids:
        return []
    marks = placeholders(len(ids))
    names = dict(conn.execute(f"SELECT id, name FROM people WHERE id IN ({marks})", ids).fetchall())
    aliases: dict[int, list[str]] = defaultdict(list)
    for person_id, alias in conn.execute(
        f"SELECT person_id, alias FROM person_aliases WHERE person_id IN ({marks})"
        f" AND {_FIRST_CLAIM} ORDER BY rowid",
        ids,
    ):
        aliases[person_id].append(alias)
    return [Person(i, names[i], tuple(aliases[i])) for i in ids if i in names]


def person_index(conn: sqlite3.Connection) -> list[NameRow]:
    """Every person name, then every alias."""
    rows = [NameRow(r[0], r[1], r[2]) for r in conn.execute("SELECT id, name, key FROM people")]
    rows.extend(
        NameRow(r[0], r[1], r[2], is_alias=True)
        for r in conn.execute(
            f"SELECT person_id, alias, key FROM person_aliases WHERE {_FIRST_CLAIM}"
        )
    )
    return rows


def known_people(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Canonical name -> aliases for every person (two people with one name share an entry)."""
    out: dict[str, list[str]] = {}
    names: dict[int, str] = {}
    for person_id, name in conn.execute("SELECT id, name FROM people ORDER BY id"):
        names[person_id] = name
        out.setdefault(name, [])
    for person_id, alias in conn.execute(
        f"SELECT person_id, alias FROM person_aliases WHERE {_FIRST_CLAIM} ORDER BY rowid"
    ):
        out[names[person_id]].append(alias)
    return out


def known_titles(conn: sqlite3.Connection) -> list[str]:
    """Every distinct work title and title alias."""
    rows = conn.execute("SELECT title FROM works UNION SELECT title FROM work_titles").fetchall()
    return [r[0] for r in rows]


def reviews_for_work(conn: sqlite3.Connection, work_id: int, limit: int) -> list[ReviewInfo]:
    """The work's reviews (not its news), newest published first, undated last."""
    rows = conn.execute(
        f"SELECT {REVIEW_COLUMNS} FROM reviews r LEFT JOIN works w ON w.id = r.work_id"
        " WHERE r.work_id = ? AND r.is_review = 1"
        " ORDER BY r.published IS NULL, r.published DESC, r.id DESC LIMIT ?",
        (work_id, max(0, limit)),
    ).fetchall()
    return [review_info(r) for r in rows]


def latest(conn: sqlite3.Connection, limit: int, reviews_only: bool) -> list[ReviewInfo]:
    """The newest items by publication date (undated items after all dated ones)."""
    where = "WHERE r.is_review = 1" if reviews_only else ""
    dated = conn.execute(
        f"SELECT {REVIEW_COLUMNS} FROM reviews r LEFT JOIN works w ON w.id = r.work_id"
        f" {where} {'AND' if where else 'WHERE'} r.published IS NOT NULL"
        " ORDER BY r.published DESC, r.id DESC LIMIT ?",
        (max(0, limit),),
    ).fetchall()
    rows = list(dated)
    if len(rows) < limit:
        rows += conn.execute(
            f"SELECT {REVIEW_COLUMNS} FROM reviews r LEFT JOIN works w ON w.id = r.work_id"
            f" {where} {'AND' if where else 'WHERE'} r.published IS NULL ORDER BY r.id DESC LIMIT ?",
            (limit - len(rows),),
        ).fetchall()
    return [review_info(r) for r in rows]


@dataclass(slots=True)
class _Line:
    """What the articles say of one person in one role for one work."""

    name: str
    role: str
    tier: int = 3
    billing: int = 1 << 30
    articles: int = 0
    best_tier_billings: list[int] = field(default_factory=list)
    characters: Counter[str] = field(default_factory=Counter)
    first_character: dict[str, tuple[int, int]] = field(default_factory=dict)
    voiced: set[str | None] = field(default_factory=set)


def cast_for_work(conn: sqlite3.Connection, work_id: int) -> list[CastEntry]:
    """The work's cast merged over every article that credits it.

    One line per person and role. An actor's billing is their best (lowest) billing in the work's own
    reviews, else in its news, else in articles about other works; actors are ordered by that tier,
    then billing, then their mean billing in that tier, then how many articles credit them. The character is the most common one named
    (ties: the best billed). Directors follow the actors.
    """
    rows = conn.execute(
        "SELECT c.person_id, p.name, c.role, c.billing, c.character, c.voice,"
        " CASE WHEN r.work_id = c.work_id THEN (CASE WHEN r.is_review = 1 THEN 0 ELSE 1 END)"
        " ELSE 2 END"
        " FROM credits c JOIN people p ON p.id = c.person_id JOIN reviews r ON r.id = c.review_id"
        " WHERE c.work_id = ?",
        (work_id,),
    ).fetchall()
    lines: dict[tuple[int, str], _Line] = {}
    for person_id, name, role, billing, character, voice, tier in rows:
        line = lines.get((person_id, role))
        if line is None:
            line = lines[(person_id, role)] = _Line(name, role)
        line.articles += 1
        if tier < line.tier:
            line.best_tier_billings = []
        if tier <= line.tier:
            line.best_tier_billings.append(billing)
        if (tier, billing) < (line.tier, line.billing):
            line.tier, line.billing = tier, billing
        if character:
            line.characters[character] += 1
            rank = (tier, billing)
            if rank < line.first_character.get(character, (9, 1 << 30)):
                line.first_character[character] = rank
        if voice:
            line.voiced.add(character)

    def order(item: tuple[tuple[int, str], _Line]) -> tuple[bool, int, int, float, int, str]:
        (_, role), line = item
        mean = sum(line.best_tier_billings) / max(1, len(line.best_tier_billings))
        return (
            role != "actor",
            line.tier,
            line.billing,
            mean,
            -line.articles,
            line.name.casefold(),
        )

    cast: list[CastEntry] = []
    for (_, role), line in sorted(lines.items(), key=order):
        character = None
        if line.characters:
            character = min(
                line.characters,
                key=lambda c: (-line.characters[c], line.first_character[c], c),
            )
        cast.append(
            CastEntry(
                name=line.name,
                character=character,
                role=Role(role),
                billing=line.billing if role == "actor" else 0,
                voice=character in line.voiced if character else None in line.voiced,
            )
        )
    return cast


def credits_for_person(conn: sqlite3.Connection, person_id: int) -> list[PersonCredit]:
    """One line per (work, role) the person is credited with, newest work (latest review) first."""
    rows = conn.execute(
        "SELECT work_id, role, character FROM credits WHERE person_id = ?", (person_id,)
    ).fetchall()
    if not rows:
        return []
    characters: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for work_id, role, character in rows:
        counts = characters[(work_id, role)]
        if character:
            counts[character] += 1
    ids = sorted({r[0] for r in rows})
    works = works_by_ids(conn, ids)
    newest: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for work_id, published in conn.execute(
            f"SELECT work_id, MAX(published) FROM reviews WHERE work_id IN"
            f" ({placeholders(len(chunk))}) GROUP BY work_id",
            chunk,
        ):
            if published:
                newest[work_id] = published
    # newest work first (undated works last), then the most recently added work, actor first
    keys = sorted(characters, key=lambda k: (-k[0], k[1] != "actor"))
    keys.sort(key=lambda k: newest.get(k[0], ""), reverse=True)
    out: list[PersonCredit] = []
    for work_id, role in keys:
        if work_id not in works:
            continue
        counts = characters[(work_id, role)]
        character = min(counts, key=lambda c: (-counts[c], c)) if counts else None
        out.append(PersonCredit(works[work_id], character, Role(role)))
    return out


_STAT_QUERIES = {
    "works": "SELECT COUNT(*) FROM works",
    "reviews": "SELECT COUNT(*) FROM reviews WHERE is_review = 1",
    "news": "SELECT COUNT(*) FROM reviews WHERE is_review = 0",
    "people": "SELECT COUNT(*) FROM people",
    "aliases": "SELECT COUNT(DISTINCT key) FROM person_aliases",
    "credits": "SELECT COUNT(*) FROM credits",
    "mentions": "SELECT COUNT(*) FROM mentions",
    "feeds": "SELECT COUNT(*) FROM feeds",
    "subscriptions": "SELECT COUNT(*) FROM subscriptions",
    "items": "SELECT COUNT(*) FROM items",
}


def stats(conn: sqlite3.Connection) -> dict[str, int]:
    """Row counts per kind of thing stored."""
    return {name: int(conn.execute(sql).fetchone()[0]) for name, sql in _STAT_QUERIES.items()}


def data_version(conn: sqlite3.Connection) -> int:
    """The counter every changing ingest bumps."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def item_hash(conn: sqlite3.Connection, feed_key: str, item_key: str) -> str | None:
    """The content hash stored for a feed item (None when the item is unknown)."""
    row = conn.execute(
        "SELECT content_hash FROM items WHERE feed_key = ? AND item_key = ?", (feed_key, item_key)
    ).fetchone()
    return None if row is None else str(row[0])


def add_work_title(conn: sqlite3.Connection, work_id: int, title: str) -> None:
    """Record another title of a work (run inside a write transaction)."""
    get_work(conn, work_id)  # NotFound when there is no such work
    key = norm_title(title)
    if key:
        conn.execute(
            "INSERT OR IGNORE INTO work_titles(work_id, title, key) VALUES (?, ?, ?)",
            (work_id, " ".join(title.split()), key),
        )
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
