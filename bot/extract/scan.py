"""Cheap pre-filters for cue patterns: find literal anchors with ``str.find`` on a lower-cased copy,
then run the (unchanged) pattern only in small windows around them.

``str.find`` scans at memory speed, while a pattern that starts with a large alternation is tried at
every position of the text; most cues occur a handful of times per article, so scanning only the
windows around their anchor words gives the same matches for a fraction of the cost. The anchors of a
pattern must cover every way it can match (each alternative contains one of them, lower-cased).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache

_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})


@lru_cache(maxsize=16)
def lower(text: str) -> str:
    """``text`` lower-cased with every offset preserved (same length as ``text``)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


_LOCAL = threading.local()  # per thread: the texts analysed last and their anchor offsets
_MEMO_TEXTS = 8


def _offsets(low: str, a: str) -> list[int]:
    """Offsets of anchor ``a`` in ``low`` (memoised for the text being analysed: many cues share
    anchors such as "'s " or " is ")."""
    memo: dict[str, dict[str, list[int]]] | None = getattr(_LOCAL, "memo", None)
    if memo is None:
        memo = _LOCAL.memo = {}
    found = memo.get(low)  # a str caches its hash: a look-up costs little after the first
    if found is None:
        if len(memo) >= _MEMO_TEXTS:
            del memo[next(iter(memo))]  # the oldest text
        found = memo[low] = {}
    got = found.get(a)
    if got is None:
        got = []
        i = low.find(a)
        while i >= 0:
            got.append(i)
            i = low.find(a, i + 1)
        found[a] = got
    return got


def hits(low: str, anchors: Iterable[str]) -> list[int]:
    """Sorted offsets of every occurrence of each anchor in the lower-cased text ``low``."""
    out: list[int] = []
    for a in anchors:
        out.extend(_offsets(low, a))
    out.sort()
    return out


def cue_hits(low: str, anchors: Iterable[str]) -> list[tuple[int, str]]:
    """Every (offset, anchor) occurrence in ``low``, in text order."""
    out: list[tuple[int, str]] = []
    for a in anchors:
        i = low.find(a)
        while i >= 0:
            out.append((i, a))
            i = low.find(a, i + 1)
    out.sort()
    return out


def windows(text: str, anchors: Iterable[str], before: int, after: int) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` windows around the anchors' occurrences in ``text``."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for h in hits(lower(text), anchors):
        a, b = max(0, h - before), min(n, h + after)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def near(
    rx: re.Pattern[str], text: str, anchors: Iterable[str], *, before: int = 40, after: int = 200
) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` restricted to windows around the anchors (same matches when every
    match contains an anchor that starts at most ``before`` characters after the match start and
    the match ends within ``after`` characters of it)."""
    for a, b in windows(text, anchors, before, after):
        yield from rx.finditer(text, a, b)


def has_any(text: str, anchors: Iterable[str]) -> bool:
    """True when the lower-cased ``text`` contains one of the anchors."""
    low = lower(text)
    return any(a in low for a in anchors)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_all(text: str, needle: str) -> list[int]:
    """Offsets where ``needle`` occurs in ``text`` as whole words, ignoring case (no regex built)."""
    needle = " ".join(needle.split())
    if not needle:
        return []
    low, key = lower(text), lower(needle)
    n, k = len(text), len(key)
    out: list[int] = []
    i = low.find(key)
    while i >= 0:
        j = i + k
        if (i == 0 or not _wordish(text[i - 1])) and (j >= n or not _wordish(text[j])):
            out.append(i)
        i = low.find(key, i + 1)
    return out
