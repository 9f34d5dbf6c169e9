"""Feed bytes -> ``ParsedFeed``: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1.

Pure and synchronous; callers run :func:`parse_feed` off the event loop (``asyncio.to_thread``).

XML goes to fastfeedparser first (lxml, about 100x faster than feedparser on real feeds) and to
feedparser when fastfeedparser raises or finds no entries (CDF, Atom 0.3 without a namespace, bare
entries, UTF-16/32 documents, ...). JSON Feed is read here with :mod:`json`.

Safety: both libraries are only ever handed bytes or a byte stream, never a ``str`` (fastfeedparser
fetches a ``str`` that starts with ``http``; feedparser opens a ``str`` *or* ``bytes`` naming an existing
file, so it gets an ``io.BytesIO``). fastfeedparser's lxml parsers run with ``resolve_entities=False``
and lxml's default ``no_network=True``; feedparser strips the DOCTYPE and disables external entities
in expat. Neither reads the filesystem or the network for a document (tests/feeds prove it).
"""

from __future__ import annotations

import codecs
import html
import html.entities
import io
import json
import re
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin

import fastfeedparser
import feedparser
from dateutil import parser as dateparser

from bot.errors import FeedError
from bot.feeds.discover import sniff, wide_codec
from bot.models import FeedEntry, ParsedFeed

__all__ = ["MAX_DOCUMENT_BYTES", "parse_date", "parse_feed"]

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# feedparser (pure Python) takes seconds per 100 KB on deeply nested markup: it only gets
# documents up to this size. Every corpus document that needed it is under 2 KB.
FALLBACK_MAX_BYTES = 256 * 1024

_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--[^<>]*-->")
_SPACE = re.compile(r"\s+")
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+(?:\d\d|1[89]\d\d|2[01]\d\d)\s+\d{1,2}:\d\d"
)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", re.I)
_XML_REF = rb"amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}"
_BAD_AMP = re.compile(rb"&(?!(?:" + _XML_REF + rb");)")  # an '&' that starts no XML reference
_BARE_AMP = re.compile(rb"&(?!(?:" + _XML_REF + rb"|[A-Za-z][A-Za-z0-9]{1,31});)")
_NAMED_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z][A-Za-z0-9]{1,31};")
_HTML_REFS = {
    f"&{name}".encode(): "".join(f"&#{ord(c)};" for c in chars).encode()
    for name, chars in html.entities.html5.items()
    if name.endswith(";")
}
_MAX_REPAIRS = 100_000
_DECL = re.compile(r"^\s*<\?xml[^>]*?\?>")
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF|channel)\b")
_FP_FORMATS = (
    ("atom", "atom"),
    ("rss090", "rdf"),
    ("rss10", "rdf"),
    ("rss", "rss"),
    ("cdf", "rss"),
)
_TZINFOS = {"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
            "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
            "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200,
            "IST": 19800, "JST": 9 * 3600, "KST": 9 * 3600}  # fmt: skip


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read each undecodable byte as Windows-1252 (Latin-1 where undefined)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="ignore") or bad.decode("latin-1"), error.end


codecs.register_error("reviewbot-cp1252", _cp1252_fallback)


def _where(url: str | None) -> str:
    return url if url else "the document"


def parse_feed(data: bytes, *, url: str | None = None, max_entries: int = 500) -> ParsedFeed:
    """Parse a feed document into entries (at most ``max_entries``, in document order).

    ``url`` is where the bytes came from: it names the document in errors and resolves relative
    links. Raises :class:`FeedError` for empty, binary, HTML, oversized or otherwise non-feed input;
    never raises anything else for any ``bytes``.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_feed() takes the document as bytes, never a str (a URL or a path)")
    data = bytes(data)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FeedError(
            f"Not a feed: {_where(url)} is {len(data) / 1e6:.1f} MB, over the 20 MB limit.",
            hint="Follow a shorter feed (most sites offer one per category).",
        )
    kind, name = sniff(data)
    if kind == "empty":
        raise FeedError(f"Not a feed: {_where(url)} is empty.", hint="Check the feed address.")
    if kind == "binary":
        what = "is not text" if name == "not text" else f"is not text (it looks like {name})"
        raise FeedError(f"Not a feed: {_where(url)} {what}.", hint="Check the feed address.")
    if kind == "html":
        raise FeedError(
            f"Not a feed: {_where(url)} is an HTML page.", hint="Try the page's feed link instead."
        )
    if kind == "json":
        return _parse_json_feed(data, url, max_entries)
    return _parse_xml(data, url, max_entries)


# --------------------------------------------------------------------------- helpers


def clean_text(value: object) -> str:
    """Plain text: tags stripped, HTML entities decoded, whitespace collapsed."""
    if not isinstance(value, str) or not value:
        return ""
    if "<" in value:
        value = _TAG.sub(" ", value)
    if "&" in value:
        value = html.unescape(value)
    return _SPACE.sub(" ", value).strip()


def _as_utc(moment: datetime) -> datetime | None:
    if not 1800 <= moment.year <= 2200:
        return None
    try:
        if moment.tzinfo is None or moment.utcoffset() is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_date(value: object) -> datetime | None:
    """An aware UTC datetime from an RFC 822, ISO 8601 or odder date string; None if unreadable."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    try:
        return _as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    if _RFC822.match(text):
        try:
            return _as_utc(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateparser.parse(text, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError, LookupError, AttributeError):
        return None
    return _as_utc(parsed) if isinstance(parsed, datetime) else None


def _struct_date(value: Any) -> datetime | None:
    """A datetime from one of feedparser's ``*_parsed`` UTC struct_time values."""
    try:
        year, month, day, hour, minute, second = value[:6]
        return _as_utc(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _richest(*candidates: object) -> str:
    texts = [c for c in candidates if isinstance(c, str) and c.strip()]
    return max(texts, key=len).strip() if texts else ""


def _link(entry: Mapping[str, Any], base: str | None) -> str | None:
    link = _text(entry.get("link")) or _text(entry.get("url"))
    if link is None:
        for item in entry.get("links") or ():
            if isinstance(item, Mapping) and item.get("rel", "alternate") == "alternate":
                link = _text(item.get("href"))
                if link:
                    break
    if link and base and "://" not in link:
        link = urljoin(base, link)
    return link


def _categories(tags: object) -> tuple[str, ...]:
    found: list[str] = []
    for tag in tags if isinstance(tags, list | tuple) else ():
        term = tag.get("term") or tag.get("label") if isinstance(tag, Mapping) else tag
        term = clean_text(term)
        if term and term not in found:
            found.append(term)
    return tuple(found)


def _content_values(entry: Mapping[str, Any]) -> list[Any]:
    return [c.get("value") for c in entry.get("content") or () if isinstance(c, Mapping)]


def _make_entry(
    entry: Mapping[str, Any], *, summary: object, published: datetime | None,
    updated: datetime | None, base: str | None, source: str | None,
) -> FeedEntry | None:  # fmt: skip
    summary_text = summary.strip() if isinstance(summary, str) else ""
    made = FeedEntry(
        title=clean_text(entry.get("title")),
        content=_richest(*_content_values(entry), summary_text),
        link=_link(entry, base),
        guid=_text(entry.get("id")) or _text(entry.get("guid")),
        published=published or updated,
        updated=updated,
        summary=summary_text,
        author=clean_text(entry.get("author")) or None,
        categories=_categories(entry.get("tags")),
        source=source,
    )
    return made if made.title or made.content or made.link or made.guid else None


def _build(
    feed: Mapping[str, Any], entries: Iterable[FeedEntry | None], fmt: str, parser: str,
    base: str | None, max_entries: int,
) -> ParsedFeed:  # fmt: skip
    kept = tuple(islice((e for e in entries if e is not None), max(max_entries, 0)))
    link = _link(feed, base)
    return ParsedFeed(clean_text(feed.get("title")) or None, link, kept, fmt, parser)


# --------------------------------------------------------------------------- XML


def _prepare_xml(data: bytes) -> bytes:
    """Repair what lxml's recovery would lose text on; a no-op for well-formed UTF-8.

    UTF-16/32 documents become UTF-8. Bytes that are not UTF-8 in a document that claims (or
    defaults to) UTF-8 are read as Windows-1252. An ``&`` that starts no XML reference becomes
    ``&amp;`` and HTML named entities (``&eacute;``, ``&colon;``) become character references,
    outside CDATA sections and comments.
    """
    codec = wide_codec(data)
    if codec not in (None, "utf-8-sig"):
        text = data.decode(codec, errors="replace").lstrip("\ufeff")
        return _DECL.sub("", text, count=1).encode("utf-8")
    declared = _XML_DECL_ENCODING.match(data[:512])
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="reviewbot-cp1252").encode("utf-8")
    if not _BAD_AMP.search(data):
        return data
    good = sum(data.count(ref) for ref in (b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&#"))
    if data.count(b"&") - good > _MAX_REPAIRS:
        return data  # hostile or hopeless: leave it to lxml's recovery rather than spend seconds
    return _fix_ampersands(data)


def _fix_ampersands(data: bytes) -> bytes:
    """Escape stray ``&`` and decode HTML entity names outside CDATA and comments (linear time)."""
    out: list[bytes] = []
    pos, size = 0, len(data)
    next_cdata = next_comment = -2  # cached find() results, refreshed only once passed
    while pos < size:
        if next_cdata != -1 and next_cdata < pos:
            next_cdata = data.find(b"<![CDATA[", pos)
        if next_comment != -1 and next_comment < pos:
            next_comment = data.find(b"<!--", pos)
        starts = [i for i in (next_cdata, next_comment) if i >= 0]
        skip = min(starts) if starts else size
        plain = _BARE_AMP.sub(b"&amp;", data[pos:skip])
        out.append(_NAMED_REF.sub(lambda m: _HTML_REFS.get(m.group(), m.group()), plain))
        if skip == size:
            break
        close = data.find(b"]]>" if skip == next_cdata else b"-->", skip + 4)
        if close < 0:
            out.append(data[skip:])
            break
        out.append(data[skip : close + 3])
        pos = close + 3
    return b"".join(out)


def _xml_format(data: bytes) -> str:
    found = _ROOT.search(data[:65536])
    if not found:
        return "unknown"
    return {b"rss": "rss", b"feed": "atom", b"RDF": "rdf", b"channel": "rss"}[found.group(1)]


def _reason(error: Exception | None) -> str:
    return str(error).split("\n", 1)[0][:120] or "no entries found"


def _parse_xml(data: bytes, url: str | None, max_entries: int) -> ParsedFeed:
    prepared = _prepare_xml(data)
    fast: ParsedFeed | None = None
    try:
        fast = _from_fastfeedparser(
            fastfeedparser.parse(prepared), _xml_format(prepared), url, max_entries
        )
    except Exception as exc:  # any failure of the fast path means "try the robust one"
        fast_error: Exception | None = exc
    else:
        fast_error = None
        if fast.entries:
            return fast
    if len(data) > FALLBACK_MAX_BYTES:  # feedparser is too slow on large hostile documents
        if fast is not None:
            return fast
        raise FeedError(
            f"Not a feed: {_where(url)} is not RSS, Atom or JSON Feed ({_reason(fast_error)}).",
            hint="Check that the address is the site's feed, not a page.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            slow = feedparser.parse(io.BytesIO(data), sanitize_html=False)
    except Exception as exc:  # feedparser should never raise; if it does, the input is at fault
        raise FeedError(f"Not a feed: {_where(url)} could not be read ({exc}).") from exc
    version = str(slow.get("version") or "")
    robust = _from_feedparser(slow, version, url, max_entries)
    if robust.entries:
        return robust
    if fast is not None:
        return fast  # a well-formed feed that has no entries yet
    if version:
        return robust
    raise FeedError(
        f"Not a feed: {_where(url)} is not RSS, Atom or JSON Feed ({_reason(fast_error)}).",
        hint="Check that the address is the site's feed, not a page.",
    )


def _from_fastfeedparser(
    result: Mapping[str, Any], fmt: str, url: str | None, max_entries: int
) -> ParsedFeed:
    feed = result.get("feed") or {}
    base = _text(feed.get("link")) or url
    source = clean_text(feed.get("title")) or None
    entries = (
        _make_entry(
            e,
            summary=e.get("description"),
            published=parse_date(e.get("published")),
            updated=parse_date(e.get("updated")),
            base=base,
            source=source,
        )
        for e in result.get("entries") or ()
    )
    return _build(feed, entries, fmt, "fastfeedparser", url, max_entries)


def _from_feedparser(
    result: Mapping[str, Any], version: str, url: str | None, max_entries: int
) -> ParsedFeed:
    feed = result.get("feed") or {}
    base = _text(feed.get("link")) or url
    source = clean_text(feed.get("title")) or None
    fmt = next((name for prefix, name in _FP_FORMATS if version.startswith(prefix)), "unknown")
    entries = (
        _make_entry(
            e,
            summary=e.get("summary"),
            published=_struct_date(dict.get(e, "published_parsed"))
            or parse_date(dict.get(e, "published")),
            updated=_struct_date(dict.get(e, "updated_parsed"))
            or parse_date(dict.get(e, "updated")),
            base=base,
            source=source,
        )
        for e in result.get("entries") or ()
    )
    return _build(feed, entries, fmt, "feedparser", url, max_entries)


# --------------------------------------------------------------------------- JSON Feed


def _parse_json_feed(data: bytes, url: str | None, max_entries: int) -> ParsedFeed:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise FeedError(
            f"Not a feed: {_where(url)} is not valid JSON.", hint="Check the feed address."
        ) from exc
    items = doc.get("items") if isinstance(doc, dict) else None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not (
        (isinstance(version, str) and "jsonfeed.org" in version) or "title" in doc
    ):
        raise FeedError(
            f"Not a feed: {_where(url)} is JSON but not a JSON Feed (no version and items).",
            hint="Check the feed address.",
        )
    base = _text(doc.get("home_page_url")) or url
    source = clean_text(doc.get("title")) or None
    feed = {"title": doc.get("title"), "link": doc.get("home_page_url")}
    entries = (_json_item(item, base, source) for item in items if isinstance(item, dict))
    return _build(feed, entries, "json", "json", url, max_entries)


def _json_item(item: dict[str, Any], base: str | None, source: str | None) -> FeedEntry | None:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")]
    names = [clean_text(a.get("name")) for a in authors if isinstance(a, dict)]
    guid = item.get("id")
    mapped = {
        "title": item.get("title"),
        "content": [{"value": item.get("content_html")}, {"value": item.get("content_text")}],
        "url": item.get("url") or item.get("external_url"),
        "id": str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else None,
        "author": ", ".join(n for n in names if n) or None,
        "tags": [t for t in item.get("tags") or () if isinstance(t, str)]
        if isinstance(item.get("tags"), list)
        else [],
    }
    return _make_entry(
        mapped,
        summary=item.get("summary"),
        published=parse_date(item.get("date_published")),
        updated=parse_date(item.get("date_modified")),
        base=base,
        source=source,
    )
