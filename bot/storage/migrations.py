"""Numbered schema migrations for the SQLite backend.

``MIGRATIONS`` is an ordered list of ``Migration(number, description, step)`` where ``step`` is either a
SQL script or a callable taking the ``sqlite3.Connection``. ``apply_pending`` runs each pending step in its
own transaction and records it in ``schema_migrations(version, description, applied_at)``. Numbers only
ever grow; a released migration is never edited, a fix is a new number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: applied once, in order, inside one transaction."""

    number: int
    description: str
    step: str | Callable[[sqlite3.Connection], None]


# Migration 1: the whole first schema. Timestamps are ISO 8601 UTC text; JSON columns are TEXT.
_SCHEMA_1 = """
-- Key/value counters (data_version lives here).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('data_version', 0);

-- A film or series. key = bot.text.norm_title(title); franchise = bot.text.franchise_key(title).
CREATE TABLE works (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    key        TEXT NOT NULL,
    franchise  TEXT NOT NULL,
    kind       TEXT CHECK (kind IN ('film', 'series')),
    year       INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX works_key ON works(key);
CREATE INDEX works_franchise ON works(franchise);

-- Other titles a work is known by (key = norm_title(title)).
CREATE TABLE work_titles (
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    title   TEXT NOT NULL,
    key     TEXT NOT NULL,
    PRIMARY KEY (work_id, key)
) WITHOUT ROWID;
CREATE INDEX work_titles_key ON work_titles(key);

-- One article (a review, or news when is_review = 0). work_id is NULL when no title was found.
-- title and kind are the reviewed work as the article gave them (works.kind is derived from the
-- kinds its articles state); url_key is the
-- normalised url used to recognise the same article arriving through two feeds; content_hash is
-- the hash of the content last written to the row.
CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    work_id      INTEGER REFERENCES works(id),
    title        TEXT,
    kind         TEXT CHECK (kind IN ('film', 'series')),
    headline     TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    rating       REAL CHECK (rating IS NULL OR (rating >= 0 AND rating <= 5)),
    is_review    INTEGER NOT NULL CHECK (is_review IN (0, 1)),
    source       TEXT,
    url          TEXT,
    url_key      TEXT,
    published    TEXT,
    categories   TEXT NOT NULL DEFAULT '[]',
    director     TEXT,
    content_hash TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX reviews_work ON reviews(work_id, is_review, published);
CREATE INDEX reviews_published ON reviews(published, id);
CREATE INDEX reviews_review_published ON reviews(is_review, published, id);
CREATE INDEX reviews_url_key ON reviews(url_key) WHERE url_key IS NOT NULL;

-- A feed item: (feed_key, item_key) -> the review it produced. first_seen: when it was first
-- stored; last_seen: when its content was last (re)written.
CREATE TABLE items (
    feed_key     TEXT NOT NULL,
    item_key     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    review_id    INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    PRIMARY KEY (feed_key, item_key)
) WITHOUT ROWID;
CREATE INDEX items_review ON items(review_id);

-- People (key = bot.text.norm_name(name)) and the other names they go by. One row per review that
-- states an alias (review_id NULL: added by hand), so editing one review withdraws only its claim;
-- every row with a given key names the same person (the first claim wins; enforced by ingest.py).
CREATE TABLE people (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key  TEXT NOT NULL UNIQUE
);
CREATE TABLE person_aliases (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    key       TEXT NOT NULL,
    review_id INTEGER REFERENCES reviews(id) ON DELETE CASCADE,
    UNIQUE (key, review_id)
);
CREATE INDEX person_aliases_person ON person_aliases(person_id);
CREATE INDEX person_aliases_review ON person_aliases(review_id);

-- Who did what in which work, as stated by one article (review_id). Replacing the article
-- replaces its credits. billing is 0-based cast order; directors have billing 0.
CREATE TABLE credits (
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    work_id   INTEGER NOT NULL REFERENCES works(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role      TEXT NOT NULL CHECK (role IN ('actor', 'director')),
    billing   INTEGER NOT NULL,
    character TEXT,
    voice     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (review_id, work_id, person_id, role)
);
CREATE INDEX credits_work ON credits(work_id, role, person_id);
CREATE INDEX credits_person ON credits(person_id, role, work_id);

-- Another work an article names (from the article's own work, when it has one).
CREATE TABLE mentions (
    review_id    INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    from_work_id INTEGER REFERENCES works(id),
    to_work_id   INTEGER NOT NULL REFERENCES works(id),
    kind         TEXT NOT NULL CHECK (kind IN ('also_read', 'franchise', 'passing')),
    url          TEXT
);
CREATE INDEX mentions_review ON mentions(review_id);
CREATE INDEX mentions_from ON mentions(from_work_id);
CREATE INDEX mentions_to ON mentions(to_work_id);

-- Full-text index over reviews (external content: the text lives once, in reviews). It is kept in
-- sync by bot/storage/ingest.py in the same transaction as the review row, not by triggers: a
-- trigger runs inside a statement savepoint, which makes FTS5 flush its pending terms to a new
-- segment on every row (about 7x slower ingest). Diacritics are folded ("Pokemon" finds "Pokémon").
CREATE VIRTUAL TABLE reviews_fts USING fts5(
    title, headline, body,
    content = 'reviews', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- ---------------------------------------------------------------- for later issues (no methods yet)
-- A followed feed and its polling state (HTTP caching headers, back-off after failures).
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    site_url      TEXT,
    etag          TEXT,
    last_modified TEXT,
    interval_s    INTEGER NOT NULL DEFAULT 900,
    next_poll     TEXT,
    last_success  TEXT,
    last_error    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    paused        INTEGER NOT NULL DEFAULT 0,
    added_at      TEXT NOT NULL
);
CREATE INDEX feeds_next_poll ON feeds(paused, next_poll);

-- A Discord channel following a feed (optional role to mention, message template, JSON filters).
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    feed_id         INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    mention_role_id INTEGER,
    template        TEXT,
    filters         TEXT,
    paused          INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER,
    created_at      TEXT NOT NULL,
    UNIQUE (feed_id, channel_id)
);
CREATE INDEX subscriptions_guild ON subscriptions(guild_id);

-- Per-guild settings as one JSON document, and an audit log of changes.
CREATE TABLE guild_settings (
    guild_id   INTEGER PRIMARY KEY,
    settings   TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
CREATE TABLE settings_log (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER,
    key      TEXT NOT NULL,
    old      TEXT,
    new      TEXT,
    at       TEXT NOT NULL
);
CREATE INDEX settings_log_guild ON settings_log(guild_id, at);

-- Messages to post: one per (channel, review); nonce makes a retried send idempotent on Discord.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER REFERENCES subscriptions(id) ON DELETE SET NULL,
    review_id       INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    nonce           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt    TEXT,
    last_error      TEXT,
    message_id      INTEGER,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (channel_id, review_id)
);
CREATE INDEX outbox_due ON outbox(state, next_attempt);
"""

# Migration 3: what the poller and the sender need beyond the first schema.
_SCHEMA_3 = """
-- The items.feed_key of a feed's items: its first URL, kept when the URL changes later.
ALTER TABLE feeds ADD COLUMN feed_key TEXT;
UPDATE feeds SET feed_key = url;
-- 0 once the feed's guids were seen to change on every fetch (its items are then keyed by link).
ALTER TABLE feeds ADD COLUMN use_guid INTEGER NOT NULL DEFAULT 1;
ALTER TABLE feeds ADD COLUMN last_polled TEXT;
-- subscriptions.filters holds the filter in chat syntax (FeedFilter.to_spec()), NULL for none.
-- An edit of a posted announcement is queued on its row: payload is the new text, sent_payload what
-- was posted. next_attempt is always set (ISO 8601 UTC, milliseconds) so due rows compare as text.
ALTER TABLE outbox ADD COLUMN edit_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sent_payload TEXT;
UPDATE outbox SET next_attempt = created_at WHERE next_attempt IS NULL;
CREATE INDEX outbox_pending ON outbox(next_attempt, id) WHERE state = 'pending';
CREATE INDEX outbox_edits ON outbox(next_attempt, id) WHERE edit_pending = 1;
CREATE INDEX outbox_subscription ON outbox(subscription_id);
CREATE INDEX items_feed_review ON items(feed_key, review_id);
CREATE INDEX subscriptions_feed ON subscriptions(feed_id, paused);
"""

MIGRATIONS: list[Migration] = [
    Migration(
        1, "works, reviews, people, credits, mentions, search; feeds and settings", _SCHEMA_1
    ),
    Migration(
        2,
        "bot_meta: facts about the bot itself (e.g. the hash of the slash commands last synced)",
        "CREATE TABLE bot_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    ),
    Migration(
        3,
        "feed following: item keys per feed, guid mode, queued edits, delivery indexes",
        _SCHEMA_3,
    ),
    Migration(
        4,
        "outbox.tried_at: when a send of the row was first started (a row still pending with it"
        " set may already be posted, so the sender looks before sending it again)",
        "ALTER TABLE outbox ADD COLUMN tried_at TEXT;",
    ),
]

LATEST_VERSION = MIGRATIONS[-1].number

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)
"""


def split_script(script: str) -> list[str]:
    """Split a SQL script into complete statements (a trigger body stays one statement)."""
    statements: list[str] = []
    current = ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            text = "\n".join(
                line for line in current.splitlines() if not line.strip().startswith("--")
            ).strip()
            if text != ";":
                statements.append(text)
            current = ""
    if current.strip(" \n;"):
        raise ValueError(f"incomplete SQL statement in migration: {current[:80]!r}")
    return statements


def current_version(conn: sqlite3.Connection) -> int:
    """The highest applied migration number, 0 for a database without the migrations table."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def apply_pending(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply every migration newer than the database, each in its own transaction.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Returns the numbers applied.
    """
    steps = MIGRATIONS if migrations is None else migrations
    conn.execute(_BOOTSTRAP)
    applied: list[int] = []
    for migration in steps:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-read inside the write lock: another process may have upgraded meanwhile
            if migration.number <= current_version(conn):
                conn.execute("ROLLBACK")
                continue
            if callable(migration.step):
                migration.step(conn)
            else:
                for statement in split_script(migration.step):
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?, ?, ?)",
                (
                    migration.number,
                    migration.description,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(migration.number)
    return applied
