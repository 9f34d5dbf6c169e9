"""Small text helpers shared by extraction, storage and services (pure, no I/O)."""

from __future__ import annotations

import re
import unicodedata

_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_SEQUEL_TAIL = re.compile(
    r"(?:\s+(?:season|series|part|chapter|vol|volume|book)\s+\w+"
    r"|\s+\d{1,2}"
    r"|\s+s\d{1,2}"
    r"|\s+(?:i{1,3}|iv|v|vi{1,3}|ix|x)"
    r")+$"
)


def fold(text: str) -> str:
    """Lower-case, strip accents, and unify quotes and dashes (for comparisons only)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return text.casefold()


def norm_title(title: str) -> str:
    """The key a title is looked up by: case, accents, punctuation and spacing folded.

    ``"Soundtrack #2"``, ``"soundtrack 2"`` and ``"SOUNDTRACK #2!"`` share a key. An ampersand reads as "and",
    and a leading article ("The", "A", "An") is kept: "The Crown" and "Crown" are not assumed the same.
    """
    text = fold(title).replace("&", " and ").replace("'", "")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def norm_name(name: str) -> str:
    """The key a person's name is looked up by (case, accents, punctuation and hyphens folded).

    ``"Noh Sang-hyun"`` and ``"Noh Sang Hyun"`` share a key.
    """
    text = fold(name).replace("-", " ").replace(".", " ").replace("'", "")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def franchise_key(title: str) -> str:
    """The title with sequel numbering removed, so siblings share it.

    ``"Soundtrack #2"`` and ``"Soundtrack #1"`` -> ``"soundtrack"``; ``"Kingdom Season 2"`` -> ``"kingdom"``;
    ``"Stree 2: Sarkate Ka Aatank"`` -> ``"stree"``. A title that is only a number keeps it.
    """
    base = fold(title)
    if ":" in base:
        head = base.split(":", 1)[0]
        if len(norm_title(head)) >= 3:
            base = head
    key = norm_title(base)
    stripped = _SEQUEL_TAIL.sub("", key).strip()
    return stripped if len(stripped) >= 3 else key


def sequel_number(title: str) -> int | None:
    """The sequel/season/part number a title carries, if any (``"Soundtrack #2"`` -> 2)."""
    key = norm_title(title)
    m = re.search(r"(?:season|series|part|chapter|vol|volume)\s+(\w+)$", key) or re.search(
        r"\s(?:s(?=\d))?(\d{1,2}|i{1,3}|iv|vi{0,3}|ix|x)$", key
    )
    if not m:
        return None
    token = m.group(1)
    if token.isdigit():
        return int(token)
    return _ROMAN.get(token) or _NUMBER_WORDS.get(token)


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, never inside a word or link."""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    if room <= 0:
        return ellipsis[:limit]
    cut = text[:room]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > room // 2:
        cut = cut[:space]
    elif text[room : room + 1] not in ("", " ", "\n"):
        # one long token (a URL, say): drop it whole rather than cut it
        space = cut.rfind(" ")
        cut = cut[:space] if space > 0 else ""
    return cut.rstrip(" ,;:-") + ellipsis
