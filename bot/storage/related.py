"""Full-text search and the signals that relate works to each other (synchronous)."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

from bot.errors import NotFound
from bot.models import ReviewInfo
from bot.storage.base import RelatedSignal
from bot.storage.rows import REVIEW_COLUMNS, review_info
from bot.text import fold

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_QUERY_TOKENS = 16
_RANKED_MAX = 300
_MENTION_KIND = {"also_read": "also_read", "franchise": "franchise", "passing": "mentioned"}
_SIGNAL_CAP = 150  # per signal family, so a huge franchise or prolific actor stays cheap

# similar_text: how much of a work's own text is read, and how many rare terms are searched for
_SIMILAR_REVIEWS = 3
_SIMILAR_CHARS = 6000
_SIMILAR_TERMS = 5
_SIMILAR_HITS = 16
_COMMON_SHARE = 0.05
_SIMILAR_CANDIDATES = 6
_SIMILAR_MAX_DOCS = 60  # a term in more articles is not used (bounds the work)
_STOPWORDS_TEXT = """
    about after again also although always among another around because been before being
    between both cannot could does doing down during each even every first from further have
    having here into itself just last later least less made make many more most much must never
    only other over same should since some such than that their them then there these they this
    those though through under until very were what when where which while whom whose will with
    would your film films movie movies series drama dramas show story stories episode episodes
    review reviews season cast character characters director directed watch watching scene scenes
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def query_tokens(text: str) -> list[str]:
    """The distinct word tokens of user text (case and accents folded), at most 16."""
    return list(dict.fromkeys(_WORD.findall(_fold(text))))[:_MAX_QUERY_TOKENS]


def fts_query(tokens: list[str], operator: str = " ") -> str:
    """Tokens as a safe FTS5 query: each quoted (so FTS5 syntax in user text is never syntax)."""
    return operator.join(f'"{token}"' for token in tokens)


def capped_counts(conn: sqlite3.Connection, tokens: list[str], cap: int) -> list[int]:
    """How many articles contain each token, counted only up to ``cap + 1`` (so cheaply)."""
    if not tokens:
        return []
    sql = " UNION ALL ".join(
        f"SELECT {i}, (SELECT COUNT(*) FROM (SELECT rowid FROM reviews_fts"
        " WHERE reviews_fts MATCH ? LIMIT ?))"
        for i in range(len(tokens))
    )
    params: list[object] = []
    for token in tokens:
        params += [fts_query([token]), cap + 1]
    counts = [0] * len(tokens)
    for i, count in conn.execute(sql, params):
        counts[i] = int(count)
    return counts


def search(conn: sqlite3.Connection, text: str, limit: int) -> list[ReviewInfo]:
    """Reviews and news matching every word (or, failing that, any rare word), best bm25 first.

    User text is only ever words: FTS5 syntax in it (quotes, ``AND``/``OR``/``NOT``, ``*``, ``:``,
    parentheses) is read as plain words or dropped. When more than ``_RANKED_MAX`` articles match,
    the best of the newest ``_RANKED_MAX`` are returned: ranking every match of a very common word
    would take too long on a large database. Words found in more than ``_RANKED_MAX`` articles are
    left out when the query has rarer ones (they narrow nothing and are slow to intersect).
    """
    tokens = query_tokens(text)
    if limit <= 0 or not tokens:
        return []
    try:
        if len(tokens) > 1:
            # a word in very many articles narrows nothing and makes FTS5 walk its whole list
            counts = capped_counts(conn, tokens, _RANKED_MAX)
            if 0 in counts:  # a word found nowhere: no article has them all
                tokens = [t for t, n in zip(tokens, counts, strict=True) if n > 0]
                rows = []
            else:
                tokens = [
                    t for t, n in zip(tokens, counts, strict=True) if n <= _RANKED_MAX
                ] or tokens
                rows = _ranked(conn, fts_query(tokens), limit)
            if not rows and len(tokens) > 1:
                rows = _ranked(conn, fts_query(tokens, " OR "), limit)
            elif not rows and tokens:
                rows = _ranked(conn, fts_query(tokens), limit)
        else:
            rows = _ranked(conn, fts_query(tokens), limit)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
            return []
        raise
    return [review_info(r) for r in rows]


def _ranked(conn: sqlite3.Connection, query: str, limit: int) -> list[sqlite3.Row]:
    # bm25 must score every match, so only the newest _RANKED_MAX matches are ranked (finding
    # where they start walks the index in rowid order, without scoring)
    cutoff = conn.execute(
        "SELECT rowid FROM reviews_fts WHERE reviews_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (query, _RANKED_MAX - 1),
    ).fetchone()
    rows: list[sqlite3.Row] = conn.execute(
        f"SELECT {REVIEW_COLUMNS} FROM ("
        "  SELECT rowid AS id, bm25(reviews_fts, 8.0, 4.0, 1.0) AS score"
        "  FROM reviews_fts WHERE reviews_fts MATCH ? AND rowid >= ?"
        "  ORDER BY score LIMIT ?"
        ") hit JOIN reviews r ON r.id = hit.id LEFT JOIN works w ON w.id = r.work_id"
        " ORDER BY hit.score, r.id DESC",
        (query, cutoff[0] if cutoff else 0, limit),
    ).fetchall()
    return rows


def related_signals(
    conn: sqlite3.Connection, work_id: int, text_below: int | None = None
) -> list[RelatedSignal]:
    """Every reason another work relates to this one (see ``Storage.related_signals``)."""
    row = conn.execute("SELECT key, franchise FROM works WHERE id = ?", (work_id,)).fetchone()
    if row is None:
        raise NotFound(
            f"There is no work with id {work_id}.",
            hint="Look the title up again: the database may have changed.",
        )
    key, franchise = row
    signals: list[RelatedSignal] = []

    # numbered siblings share the franchise key; identical titles of unrelated works do not count
    signals.extend(
        RelatedSignal(other, "franchise")
        for (other,) in conn.execute(
            "SELECT id FROM works WHERE franchise = ? AND id != ? AND key != ?"
            " AND (? OR key != franchise) ORDER BY id LIMIT ?",
            (franchise, work_id, key, int(key != franchise), _SIGNAL_CAP),
        )
    )
    signals.extend(
        RelatedSignal(other, _MENTION_KIND.get(kind, "mentioned"))
        for other, kind in conn.execute(
            "SELECT to_work_id, kind FROM mentions WHERE from_work_id = ?"
            " UNION SELECT from_work_id, kind FROM mentions"
            " WHERE to_work_id = ? AND from_work_id IS NOT NULL LIMIT ?",
            (work_id, work_id, _SIGNAL_CAP),
        )
        if other != work_id
    )
    for role, kind in (("actor", "shared_cast"), ("director", "shared_director")):
        signals.extend(
            RelatedSignal(other, kind, detail=name)
            for other, name in conn.execute(
                "SELECT DISTINCT c2.work_id, p.name"
                " FROM (SELECT DISTINCT person_id FROM credits WHERE work_id = ? AND role = ?) mine"
                " JOIN credits c2 ON c2.person_id = mine.person_id AND c2.role = ?"
                " JOIN people p ON p.id = mine.person_id"
                " WHERE c2.work_id != ? LIMIT ?",
                (work_id, role, role, work_id, _SIGNAL_CAP),
            )
        )
    # similar text is the weakest reason and the costliest to find: only look for it when the
    # other reasons leave room among the answers
    if text_below is None or len({s.work_id for s in signals}) < text_below:
        signals.extend(similar_text(conn, work_id))
    return signals


def _fold(text: str) -> str:
    """``bot.text.fold``, with a fast path for plain ASCII text."""
    return text.lower() if text.isascii() else fold(text)


def similar_text(conn: sqlite3.Connection, work_id: int) -> list[RelatedSignal]:
    """Works whose articles share this work's rarest meaningful words (weight 0..1).

    Reads at most the work's newest few reviews, picks the handful of their words that the fewest
    other articles use (at least one, at most 5% of all articles), and searches for any of them. The weight is a hit's
    bm25 score relative to the work's own best review's score for the same query. About a dozen
    index look-ups and one bounded search: a few milliseconds on 100,000 articles.
    """
    own = conn.execute(
        "SELECT id, title, body FROM reviews WHERE work_id = ? ORDER BY is_review DESC, id DESC"
        " LIMIT ?",
        (work_id, _SIMILAR_REVIEWS),
    ).fetchall()
    if not own:
        return []
    title_words = {w for r in own for w in _WORD.findall(_fold(r[1] or ""))}
    counts: Counter[str] = Counter()
    for _, _, body in own:
        counts.update(_WORD.findall(_fold((body or "")[:_SIMILAR_CHARS])))
    # Looking a term's document count up costs time in proportion to that count, so only words
    # that look rare are looked up: used once in the work's text, not a stop word, longest first.
    candidates = sorted(
        (
            w
            for w, n in counts.items()
            if n == 1
            and len(w) >= 4
            and not w.isdigit()
            and w not in _STOPWORDS
            and w not in title_words
        ),
        key=lambda w: (-len(w), w),
    )[:_SIMILAR_CANDIDATES]
    if not candidates:
        return []
    own_count = conn.execute(
        "SELECT COUNT(*) FROM reviews WHERE work_id = ?", (work_id,)
    ).fetchone()[0]
    # a term in more than 5% of all articles says little (MAX(id) is a cheap upper bound of the count)
    total = conn.execute("SELECT MAX(id) FROM reviews").fetchone()[0] or 0
    common = max(2, min(_SIMILAR_MAX_DOCS, int(total * _COMMON_SHARE)))
    # document counts, each capped at common + 1 so that a common word costs no more than a rare one
    # (fts5vocab would walk a term's whole posting list)
    freq = [
        (doc, term)
        for term, doc in zip(candidates, capped_counts(conn, candidates, common), strict=True)
        if min(own_count, _SIMILAR_REVIEWS) < doc <= common
    ]
    if not freq:
        return []
    query = fts_query([term for _, term in sorted(freq)[:_SIMILAR_TERMS]], " OR ")
    # the work's own reviews contain every chosen term, so they normally rank first: their score
    # is the yardstick for the others' weights (the best other hit stands in when they do not)
    hits = conn.execute(
        "SELECT r.work_id, hit.score FROM ("
        "  SELECT rowid AS id, bm25(reviews_fts) AS score FROM reviews_fts"
        "  WHERE reviews_fts MATCH ? ORDER BY score LIMIT ?"
        ") hit JOIN reviews r ON r.id = hit.id WHERE r.work_id IS NOT NULL ORDER BY hit.score",
        (query, _SIMILAR_HITS),
    ).fetchall()
    others = [(other, score) for other, score in hits if other != work_id]
    if not others:
        return []
    own_scores = [score for other, score in hits if other == work_id]
    best = own_scores[0] if own_scores else others[0][1]
    seen: set[int] = set()
    out: list[RelatedSignal] = []
    for other, score in others:
        if other in seen:
            continue
        seen.add(other)
        weight = max(0.0, min(1.0, score / best)) if best else 0.0
        out.append(RelatedSignal(other, "similar_text", weight=round(weight, 3)))
    return out
