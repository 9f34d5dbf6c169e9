"""Reading what ``reviewbot ingest`` and ``extract`` are given: feed files, feed URLs, article files.

Every problem becomes an ``InputError``/``FeedError`` whose one-line message names the file and the fix;
nothing here touches the database.
"""

from __future__ import annotations

import asyncio
import codecs
import json
from dataclasses import dataclass
from pathlib import Path

from bot.config import FeedsConfig
from bot.errors import FeedError, InputError
from bot.extract import entry_from_html, entry_from_text
from bot.feeds.parse import parse_feed
from bot.models import FeedEntry

MAX_FILE_BYTES = 20 * 1024 * 1024
_FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".feed", ".json"}
_TEXT_SUFFIXES = {".txt", ".text", ".md"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass(frozen=True, slots=True)
class Source:
    """Entries read from one source, and the key that identifies their feed."""

    key: str  # "file:<absolute path>" or the feed URL
    label: str
    entries: tuple[FeedEntry, ...]
    kind: str  # "feed", "article" or "url"


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _size_mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what cannot be an article or a feed."""
    try:
        if path.is_dir():
            raise InputError(
                f"{path} is a folder.", hint="Give the feed or article files inside it."
            )
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path} is {_size_mb(size)}; reviewbot reads files up to {_size_mb(MAX_FILE_BYTES)}.",
                hint="Split it into smaller feed files.",
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"No such file: {path}.", hint="Check the path and try again.") from None
    except PermissionError:
        raise InputError(
            f"Cannot read {path}: permission denied.", hint="Check the file's permissions."
        ) from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if not data.strip():
        raise InputError(
            f"{path} is empty.", hint="Give a feed file or an article with a headline."
        )
    return data


def _is_utf16(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16 text; anything else is an error, not a guess."""
    if _is_utf16(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:8192]:
        raise InputError(
            f"{path} is a binary file, not an article or a feed.",
            hint="Give a .txt/.html article or an RSS/Atom/JSON feed file.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"{path} is not UTF-8 text (byte 0x{bad} at position {exc.start}).",
            hint="Re-save the file as UTF-8 and try again.",
        ) from None


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "json"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith(b"<"):
        return "html" if b"<html" in head and b"<rss" not in head else "feed"
    return "text"


def read_file_source(path: Path) -> Source:
    """A feed file (RSS, Atom, JSON Feed) or an article file (.txt: first line is the headline; .html)."""
    data = read_bytes(path)
    suffix = path.suffix.lower()
    kind = (
        "feed" if suffix in _FEED_SUFFIXES
        else "text" if suffix in _TEXT_SUFFIXES
        else "html" if suffix in _HTML_SUFFIXES
        else _sniff(data)
    )  # fmt: skip
    key = f"file:{path.resolve()}"
    if kind in ("feed", "json"):
        if b"\x00" in data[:8192] and not _is_utf16(data):
            raise InputError(
                f"{path} is a binary file, not a feed.", hint="Give an RSS, Atom or JSON Feed file."
            )
        if suffix == ".json":
            _check_json(data, path)
        try:
            parsed = parse_feed(data)
        except FeedError as exc:
            raise FeedError(f"{path}: {exc.message}", hint=exc.hint) from None
        return Source(key, str(path), parsed.entries, "feed")
    text = decode_text(data, path)
    entry = entry_from_html(text) if kind == "html" else entry_from_text(text)
    if not entry.title.strip():
        raise InputError(f"{path} has no headline.", hint="Put the headline on the first line.")
    return Source(key, str(path), (entry,), "article")


def _check_json(data: bytes, path: Path) -> None:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path} is not valid JSON ({exc}).", hint="Check the file.") from None
    if not isinstance(doc, dict) or "items" not in doc:
        raise InputError(
            f"{path} is JSON but not a JSON Feed (no 'items').",
            hint="Give a JSON Feed (https://jsonfeed.org) or an RSS/Atom file.",
        )


async def read_url_source(url: str, settings: FeedsConfig) -> Source:
    """Fetch a feed URL (or a page with a feed link) within the configured limits."""
    from bot.feeds.fetch import Fetcher, FetchSettings, fetch_feed

    async with Fetcher(FetchSettings.from_config(settings)) as fetcher:
        result, parsed = await fetch_feed(fetcher, url)
    if parsed is None:
        raise FeedError(f"{url} returned no feed (HTTP {result.status}).")
    return Source(result.final_url or url, url, parsed.entries, "url")


async def read_source(source: str, settings: FeedsConfig) -> Source:
    if is_url(source):
        return await read_url_source(source, settings)
    return await asyncio.to_thread(read_file_source, Path(source))
