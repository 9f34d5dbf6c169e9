"""Small helpers shared by the SQLite modules: time stamps, URL keys and row -> model conversion."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.models import ReviewInfo, Work

# Columns selected wherever a ReviewInfo is built (with works w LEFT JOINed as the reviewed work).
REVIEW_COLUMNS = (
    "r.id, r.headline, r.work_id, r.is_review, r.rating, r.summary, r.url, r.source, r.published, "
    "w.title"
)
# Columns selected wherever a Work is built (review_count counts its reviews, not its news).
WORK_COLUMNS = (
    "w.id, w.title, w.kind, w.year, "
    "(SELECT COUNT(*) FROM reviews r WHERE r.work_id = w.id AND r.is_review = 1)"
)

_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def now_iso() -> str:
    """The current time as ISO 8601 UTC text, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_iso(value: datetime | None) -> str | None:
    """An aware or naive (taken as UTC) datetime as ISO 8601 UTC text that sorts as time does."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    """The inverse of ``to_iso`` (None for NULL or unreadable text)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def url_key(url: str | None) -> str | None:
    """The form of an article URL used to spot one article arriving through two feeds.

    Scheme (http/https), host case, ``www.``, a trailing slash, the fragment and tracking parameters
    (``utm_*``, ``fbclid`` ...) do not matter. Returns None for an empty or non-http URL.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PARAMS)
    ]
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", host, path, urlencode(query), ""))


def review_info(row: Sequence[Any]) -> ReviewInfo:
    """A ``ReviewInfo`` from a row selected with ``REVIEW_COLUMNS``."""
    return ReviewInfo(
        id=row[0],
        headline=row[1],
        work_id=row[2],
        is_review=bool(row[3]),
        rating=row[4],
        summary=row[5] or "",
        url=row[6],
        source=row[7],
        published=from_iso(row[8]),
        work_title=row[9],
    )


def work(row: Sequence[Any]) -> Work:
    """A ``Work`` from a row selected with ``WORK_COLUMNS``."""
    return Work(id=row[0], title=row[1], kind=row[2], year=row[3], review_count=row[4])


def placeholders(count: int) -> str:
    """``?, ?, ?`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)
