"""HTML/plain text cleaning and removal of relay furniture (pure, linear-time).

Every regular expression here is linear: no nested unbounded quantifiers, and tag patterns stop at the
next ``<`` so that a long run of unclosed ``<`` or ``(`` cannot make them backtrack.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Quotes and invisible characters normalised in the analysis text (letters are never touched).
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        "\r": "\n",
        "\t": " ",
        "\f": "\n",
        "\v": "\n",
    }
)

_HTML_HINT = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?|!--)>?")
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|thead|tbody|blockquote|section|article|header|"
    r"footer|aside|nav|figure|figcaption|hr|dl|dt|dd|pre|main|form|address|details|summary)\b[^<>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^<>]*>")
_ITALIC = re.compile(r"<(em|i|cite)\b[^<>]*>([^<>]{1,120})</\1\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ ]{2,}")
_MANY_BREAKS = re.compile(r"\n{3,}")

# Relay furniture ------------------------------------------------------------------------------------
_POST_APPEARED = re.compile(
    r"^The post\s.{0,600}?\sappeared first on\s+(?P<site>[^\n]{1,120}?)\s*\.?\s*$", re.IGNORECASE
)
_VIA_LINE = re.compile(r"^Via\s+(?P<site>[^\n]{1,120}?)\s*:?\s+(?:https?://\S+)\s*$", re.IGNORECASE)
_FROM_LINE = re.compile(r"^from\s+(?P<site>[^\n]{1,120}?)\s*:?\s+(?:https?://\S+)\s*$")
_BARE_URL = re.compile(r"^(?:https?://\S+)$")
_TRAILING_STUB = re.compile(
    r"^(?:comments?|\d+\s+comments?|leave a (?:comment|reply)|read more|read the full (?:review|story|article)"
    r"|continue reading|view (?:more|full)|\[(?:\.\.\.|…)\]|(?:\.\.\.|…)|share(?: this)?|"
    r"(?:read more|continue reading)\b[^\n]{0,120})\s*[»›→.:…]*\s*$",
    re.IGNORECASE,
)


_FURNITURE_STARTS = ("the post", "via", "from")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Clean text plus what only the HTML knew (italic spans: likely titles)."""

    text: str
    italics: tuple[str, ...] = ()


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains at least one HTML tag or comment."""
    return _HTML_HINT.search(text) is not None


def _drop_elements(src: str) -> str:
    """Remove comments and script-like elements with their content (find-based, linear)."""
    lower = src.lower()
    out: list[str] = []
    pos = 0
    n = len(src)
    while pos < n:
        lt = src.find("<", pos)
        if lt < 0:
            out.append(src[pos:])
            break
        if lower.startswith("<!--", lt):
            out.append(src[pos:lt])
            end = src.find("-->", lt + 4)
            pos = n if end < 0 else end + 3
            continue
        name = None
        for tag in _DROP_TAGS:
            if lower.startswith(tag, lt + 1):
                after = lower[lt + 1 + len(tag) : lt + 2 + len(tag)]
                if after in ("", ">", " ", "/", "\n", "\t"):
                    name = tag
                    break
        if name is None:
            out.append(src[pos : lt + 1])
            pos = lt + 1
            continue
        out.append(src[pos:lt])
        end = lower.find("</" + name, lt + 1)
        if end < 0:
            pos = n
            break
        close = src.find(">", end)
        pos = n if close < 0 else close + 1
    return "".join(out)


def _tidy(text: str) -> str:
    if "  " in text:
        text = _SPACES.sub(" ", text)
    out = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_BREAKS.sub("\n\n", out).strip() if "\n\n\n" in out else out.strip()


def clean(text_or_html: str) -> Cleaned:
    """Clean ``text_or_html`` and also return its italic/``<cite>`` spans (see :func:`clean_text`)."""
    if not text_or_html:
        return Cleaned("")
    src = text_or_html
    italics: tuple[str, ...] = ()
    if looks_like_html(src):
        src = _drop_elements(src)
        if _BLOCK_TAG.search(src):
            # in HTML with block structure a raw newline is only a space
            src = src.replace("\r", " ").replace("\n", " ")
        italics = tuple(
            dict.fromkeys(
                s
                for s in (
                    html.unescape(m.group(2)).translate(_CHAR_MAP).strip()
                    for m in _ITALIC.finditer(src)
                )
                if s
            )
        )
        src = _BLOCK_TAG.sub("\n", src)
        src = _ANY_TAG.sub("", src)
    src = html.unescape(src) if "&" in src else src
    return Cleaned(_tidy(src.translate(_CHAR_MAP)), italics)


def clean_text(text_or_html: str) -> str:
    """Turn HTML (or plain text) into clean analysis text.

    Entities are decoded, curly quotes become straight ones, tags are removed with block elements
    becoming line breaks, ``<script>``/``<style>``/``<noscript>`` are dropped with their content, and
    whitespace is tidied (single spaces, at most one blank line between paragraphs).
    """
    return clean(text_or_html).text


def strip_furniture(text: str) -> tuple[str, str | None]:
    """Remove relay furniture lines; return the clean body and the source site they name (if any).

    Handles WordPress "The post <headline> appeared first on <Site>.", IFTTT "Via <Site> https://...",
    "from <Feed> https://..." lines, bare trailing links and trailing "Comments"/"Read more" stubs.
    """
    lines = text.split("\n")
    source_post: str | None = None
    source_via: str | None = None
    source_from: str | None = None
    kept: list[str] = []
    for line in lines:
        if len(line) < 900 and line[:9].lower().startswith(_FURNITURE_STARTS):
            m = _POST_APPEARED.match(line)
            if m:
                source_post = source_post or m.group("site").strip()
                continue
            m = _VIA_LINE.match(line)
            if m:
                source_via = source_via or m.group("site").strip()
                continue
            m = _FROM_LINE.match(line)
            if m:
                source_from = source_from or m.group("site").strip()
                continue
        kept.append(line)
    # trailing stubs, bare links and empty lines
    while kept:
        last = kept[-1].strip()
        if not last or (len(last) < 140 and (_TRAILING_STUB.match(last) or _BARE_URL.match(last))):
            kept.pop()
            continue
        break
    body = "\n".join(kept)
    body = (_MANY_BREAKS.sub("\n\n", body) if "\n\n\n" in body else body).strip()
    return body, source_post or source_via or source_from
