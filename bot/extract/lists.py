"""Reading lists of names around a cue ("A, B and C starrer", "starring A, B and C")."""

from __future__ import annotations

import re

from bot.extract.names import name_after, name_before

_SEP_AFTER = re.compile(r"(?:\s*,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*)(?=\S)")
_SEP_BEFORE = re.compile(
    r"(?:,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*|,?\s+(?:aka|a\.k\.a\.?|also known as)\s+)$"
)
_PAREN_AFTER = re.compile(r"\s*[(\[](?P<c>[^()\[\]\n]{1,60})[)\]]")
_AS_AFTER = re.compile(r"\s+as\s+")


def list_after(text: str, pos: int, *, limit: int = 12) -> list[tuple[str, int, str | None]]:
    """Names listed from ``pos``: [(name, start, character or None)], e.g. "A (Char), B and C"."""
    out: list[tuple[str, int, str | None]] = []
    while len(out) < limit:
        got = name_after(text, pos)
        if not got:
            break
        name, end = got
        start = end - len(name)
        char = None
        pm = _PAREN_AFTER.match(text, end)
        if pm:
            inner = name_after(pm.group("c"), 0)
            if inner and inner[1] == len(pm.group("c").strip()):
                char = inner[0]
            end = pm.end()
        else:
            am = _AS_AFTER.match(text, end)
            if am:
                c = name_after(text, am.end())
                if c:
                    char, end = c
        out.append((name, start, char))
        sm = _SEP_AFTER.match(text, end)
        if not sm:
            break
        pos = sm.end()
    return out


def list_before(text: str, pos: int, *, limit: int = 12) -> list[tuple[str, int]]:
    """Names listed up to ``pos`` (in text order): [(name, start)], e.g. "A, B and C" + " starrer"."""
    out: list[tuple[str, int]] = []
    while len(out) < limit:
        got = name_before(text, pos)
        if not got:
            break
        name, start = got
        if text[start + len(name) : pos].strip(" '") not in ("", "s"):
            break
        out.append((name, start))
        window = text[max(0, start - 24) : start]
        sm = _SEP_BEFORE.search(window)
        if not sm:
            break
        pos = start - (len(window) - sm.start())
    out.reverse()
    return out
