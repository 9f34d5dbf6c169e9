"""Building :class:`FeedEntry` objects from article files and HTML pages, and content hashing."""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from datetime import UTC, datetime

from bot.extract.clean import clean
from bot.models import FeedEntry

_META = re.compile(r"<meta\b[^<>]*>", re.IGNORECASE)
_LINK = re.compile(r"<link\b[^<>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))""")
_H1 = re.compile(r"<h1\b[^<>]*>(.{0,2000}?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title\b[^<>]*>([^<]{0,2000})</title\s*>", re.IGNORECASE)
_TIME = re.compile(r"<time\b[^<>]*\bdatetime\s*=\s*[\"']([^\"'<>]{4,40})[\"']", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s+(?:[|\-–—:•·»]|::)\s+[^|\-–—:•·»]{2,60}$")


def entry_from_text(text: str, *, source_name: str | None = None) -> FeedEntry:
    """An article file: the first non-empty line is the headline, the rest is the body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    headline = lines[i].strip() if i < len(lines) else ""
    body = "\n".join(lines[i + 1 :]).strip("\n")
    return FeedEntry(title=headline, content=body, source=source_name)


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).casefold(): html_lib.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(tag)}  # fmt: skip


def _parse_date(value: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _section(src: str, tag: str) -> str | None:
    lower = src.lower()
    start = lower.find("<" + tag)
    while start >= 0 and lower[start + 1 + len(tag) : start + 2 + len(tag)] not in (
        ">",
        " ",
        "\n",
        "\t",
    ):
        start = lower.find("<" + tag, start + 1)
    if start < 0:
        return None
    end = lower.rfind("</" + tag)
    return src[start : end if end > start else len(src)]


def entry_from_html(html: str, *, url: str | None = None) -> FeedEntry:
    """An HTML article page: headline from og:title/<h1>/<title> (site suffix removed), body from
    <article> or <body>, published from article:published_time or <time datetime>, url from canonical.
    """
    meta: dict[str, str] = {}
    for m in _META.finditer(html):
        a = _attrs(m.group())
        key = (a.get("property") or a.get("name") or "").casefold()
        if key and "content" in a:
            meta.setdefault(key, a["content"])
    canonical = None
    for m in _LINK.finditer(html):
        a = _attrs(m.group())
        if "canonical" in a.get("rel", "").casefold().split() and a.get("href"):
            canonical = a["href"]
            break
    headline = meta.get("og:title", "")
    if not headline:
        h1 = _H1.search(html)
        headline = clean(h1.group(1)).text if h1 else ""
    if not headline:
        t = _TITLE.search(html)
        headline = html_lib.unescape(t.group(1)) if t else ""
    headline = " ".join(headline.split())
    site = meta.get("og:site_name")
    if (site and headline.endswith(site) and len(headline) > len(site) + 3) or (
        _SITE_SUFFIX.search(headline) and not meta.get("og:title")
    ):
        headline = _SITE_SUFFIX.sub("", headline)
    body_html = _section(html, "article") or _section(html, "body") or html
    published = None
    for key in ("article:published_time", "og:published_time", "date", "pubdate"):
        if key in meta:
            published = _parse_date(meta[key])
            if published:
                break
    if published is None:
        tm = _TIME.search(html)
        published = _parse_date(tm.group(1)) if tm else None
    return FeedEntry(
        title=headline,
        content=body_html,
        link=canonical or meta.get("og:url") or url,
        published=published,
        source=site,
        summary=meta.get("og:description") or meta.get("description") or "",
    )


def content_hash(entry: FeedEntry) -> str:
    """A stable hash of the item's content (headline + body + link), to tell an edit from a re-poll.

    It hashes the body as the feed sent it, with runs of white space folded: cleaning HTML here would
    cost more than everything else an unchanged item needs, and a feed that re-sends the same item sends
    the same bytes.
    """
    body = " ".join((entry.content or entry.summary or "").split())
    payload = "\x1f".join((" ".join((entry.title or "").split()), body, (entry.link or "").strip()))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
