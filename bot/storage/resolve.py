"""Finding (or creating) the works and people an article names, and collecting orphans after edits.

Synchronous helpers for ``bot.storage.ingest``; they run inside its transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from bot.storage.rows import placeholders
from bot.text import franchise_key, norm_name, norm_title


@dataclass(slots=True)
class Context:
    """Per-ingest caches and the ids whose rows may have become orphans."""

    now: str
    people: dict[str, int] = field(default_factory=dict)
    works: dict[tuple[str, str | None], int] = field(default_factory=dict)
    old_people: set[int] = field(default_factory=set)
    old_works: set[int] = field(default_factory=set)


def alias_owner(conn: sqlite3.Connection, key: str) -> int | None:
    """The person an alias key already means, if any."""
    row = conn.execute(
        "SELECT person_id FROM person_aliases WHERE key = ? LIMIT 1", (key,)
    ).fetchone()
    return None if row is None else int(row[0])


def find_person(conn: sqlite3.Connection, ctx: Context, key: str) -> int | None:
    """The person a name key means (by name, then by alias), without creating one."""
    cached = ctx.people.get(key)
    if cached is not None:
        return cached
    row = conn.execute("SELECT id FROM people WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return int(row[0])
    return alias_owner(conn, key)


def resolve_person(conn: sqlite3.Connection, ctx: Context, name: str) -> int | None:
    """The person called ``name`` (by name key, then alias key), created when unknown."""
    name = " ".join(name.split())
    key = norm_name(name)
    if not key:
        return None
    person_id = find_person(conn, ctx, key)
    if person_id is None:
        cur = conn.execute("INSERT INTO people(name, key) VALUES (?, ?)", (name, key))
        person_id = int(cur.lastrowid or 0)
    ctx.people[key] = person_id
    return person_id


def resolve_work(
    conn: sqlite3.Connection, ctx: Context, title: str | None, kind: str | None
) -> int | None:
    """The work a title names, created when unknown (see the ingest rules in the brief/README)."""
    if not title or not title.strip():
        return None
    title = " ".join(title.split())
    key = norm_title(title)
    if not key:
        return None
    kind = clean_kind(kind)
    cached = ctx.works.get((key, kind))
    if cached is not None:
        return cached
    rows = conn.execute(
        "SELECT w.id, w.kind,"
        " (SELECT COUNT(*) FROM reviews r WHERE r.work_id = w.id AND r.is_review = 1)"
        " FROM works w WHERE w.key = ?"
        " UNION SELECT w.id, w.kind,"
        " (SELECT COUNT(*) FROM reviews r WHERE r.work_id = w.id AND r.is_review = 1)"
        " FROM work_titles t JOIN works w ON w.id = t.work_id WHERE t.key = ?",
        (key, key),
    ).fetchall()
    chosen: int | None = None
    if rows:
        if kind is None:
            pool = rows
        else:
            pool = [r for r in rows if r[1] == kind] or [r for r in rows if r[1] is None]
        if pool:
            # most reviewed first, then the oldest
            chosen = int(min(pool, key=lambda r: (-r[2], r[0]))[0])
            if kind is not None and not any(r[1] == kind for r in pool):
                conn.execute("UPDATE works SET kind = ? WHERE id = ?", (kind, chosen))
    if chosen is None:
        cur = conn.execute(
            "INSERT INTO works(title, key, franchise, kind, created_at) VALUES (?, ?, ?, ?, ?)",
            (title, key, franchise_key(title), kind, ctx.now),
        )
        chosen = int(cur.lastrowid or 0)
    ctx.works[(key, kind)] = chosen
    return chosen


def collect_orphans(conn: sqlite3.Connection, ctx: Context) -> None:
    """Delete works and people an edit left with nothing pointing at them."""
    if ctx.old_works:
        ids = sorted(ctx.old_works)
        conn.execute(
            f"DELETE FROM works WHERE id IN ({placeholders(len(ids))})"
            " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.work_id = works.id)"
            " AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.work_id = works.id)"
            " AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.to_work_id = works.id)"
            " AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.from_work_id = works.id)"
            " AND NOT EXISTS (SELECT 1 FROM work_titles t WHERE t.work_id = works.id)",
            ids,
        )
        # a surviving work's kind is what its remaining articles say (an edit may withdraw it)
        conn.execute(
            f"UPDATE works SET kind = (SELECT r.kind FROM reviews r WHERE r.work_id = works.id"
            " AND r.kind IS NOT NULL GROUP BY r.kind ORDER BY COUNT(*) DESC, r.kind LIMIT 1)"
            f" WHERE id IN ({placeholders(len(ids))})",
            ids,
        )
    if ctx.old_people:
        ids = sorted(ctx.old_people)
        conn.execute(
            f"DELETE FROM people WHERE id IN ({placeholders(len(ids))})"
            " AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.person_id = people.id)"
            " AND NOT EXISTS (SELECT 1 FROM person_aliases a WHERE a.person_id = people.id)",
            ids,
        )


def clean_kind(kind: str | None) -> str | None:
    return kind if kind in ("film", "series") else None
