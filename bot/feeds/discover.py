"""Recognising documents by their first bytes, and finding the feeds an HTML page links to.

Pure functions, no I/O. ``sniff`` tells a feed from an HTML page, JSON, an image or random bytes by
looking only at the start of the document, so it costs the same for a 20 MB body as for a 2 KB one.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urljoin, urlsplit

__all__ = ["Kind", "decode_head", "discover_feed_links", "looks_like_html", "sniff"]

Kind = Literal["empty", "binary", "json", "html", "markup", "text"]

FEED_LINK_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
    }
)
_HEAD_BYTES = 4096
_MAX_SCAN_CHARS = 1_000_000  # feed links live in <head>; never scan more than this of a page

# File signatures of formats that are certainly not feeds, with a name for the error message.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"ID3", "an MP3 file"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
)
# (BOM or XML autodetection prefix, codec) — see Appendix F of the XML specification.
_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_PROLOG = re.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype\s+(html\b)?[^\[>]*(?:\[.*?\])?\s*>)", re.S | re.I
)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "script", "style", "div", "p", "table"})


def wide_codec(data: bytes) -> str | None:
    """The UTF-16/UTF-32/UTF-8-BOM codec the document's first bytes announce, if any."""
    for prefix, codec in _PREFIXES:
        if data.startswith(prefix):
            return codec
    return None


def decode_head(data: bytes, size: int = _HEAD_BYTES) -> str:
    """The start of ``data`` as text (BOM and UTF-16/32 honoured, bad bytes replaced)."""
    codec = wide_codec(data) or "utf-8"
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(data[:size])
    return text.lstrip("\ufeff")


def _html_start(head: str) -> bool:
    """Whether the document starts like an HTML page: an HTML root element, or an HTML doctype
    not followed by a feed root (some generators put ``<!DOCTYPE html>`` before ``<feed>``)."""
    pos, html_doctype = 0, False
    while match := _PROLOG.match(head, pos):
        html_doctype = html_doctype or match.group(1) is not None
        pos = match.end()
    tag = _FIRST_TAG.match(head[pos:].lstrip())
    name = tag.group(1).lower().rsplit(":", 1)[-1] if tag else None
    if name in _FEED_ROOTS:
        return False
    return name in _HTML_ROOTS or html_doctype


def looks_like_html(data: bytes) -> bool:
    """True when the document is an HTML page rather than a feed (judged from its first element)."""
    return _html_start(decode_head(data))


def sniff(data: bytes) -> tuple[Kind, str]:
    """Classify a document from its first bytes; the second item names it for error messages."""
    if not data.strip():
        return "empty", "empty"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return "binary", name
    head = decode_head(data).lstrip()
    if not head:
        return "empty", "empty"
    if head[0] in "{[":
        return "json", "JSON"
    if head[0] == "<":
        return ("html", "an HTML page") if _html_start(head) else ("markup", "XML")
    sample = head[:1024]
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f"))
    if odd > len(sample) // 10:
        return "binary", "not text"
    return "text", "plain text"


class _LinkCollector(HTMLParser):
    """Collects feed ``<link rel="alternate">`` hrefs and the page's ``<base href>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        elif tag == "link":
            rels = values.get("rel", "").lower().split()
            kind = values.get("type", "").split(";", 1)[0].strip().lower()
            href = values.get("href", "").strip()
            if "alternate" in rels and kind in FEED_LINK_TYPES and href:
                self.hrefs.append(href)
        elif tag == "body":
            self.done = True  # feed links belong in <head>; stop at the body

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def discover_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """The feed URLs an HTML page advertises, resolved against ``base_url``, in page order, deduped.

    Only ``<link rel="alternate">`` elements of an RSS, Atom, RDF or JSON Feed type count, and only
    http(s) results are returned. Never raises on malformed HTML.
    """
    text = decode_head(html, _MAX_SCAN_CHARS) if isinstance(html, bytes) else html
    collector = _LinkCollector()
    step = 8192
    try:
        for start in range(0, min(len(text), _MAX_SCAN_CHARS), step):
            collector.feed(text[start : start + step])
            if collector.done:
                break
        collector.close()
    except Exception:  # HTMLParser on hostile input: keep what was found so far
        pass
    base = urljoin(base_url, collector.base) if collector.base else base_url
    found: list[str] = []
    for href in collector.hrefs:
        url = urljoin(base, href)
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found
