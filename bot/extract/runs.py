"""Title-shaped runs of words: where a title starts and ends in running text, and tidying it."""

from __future__ import annotations

import re

from bot.extract.names import UP

_FOREIGN_PAREN = re.compile(r"[ ]?\([^()a-zA-Z0-9\n]{1,40}\)")
_YEAR_PAREN = re.compile(r"\(\s*((?:19|20)\d{2})\s*\)")
_SEASON_WORD = re.compile(
    r"\b(season|part|volume|vol\.?|chapter|book)\s+(\d{1,2}|[ivx]{1,4})\b", re.I
)
_CONNECT = frozenset(
    [
        "of",
        "the",
        "a",
        "an",
        "and",
        "in",
        "on",
        "to",
        "for",
        "with",
        "at",
        "from",
        "by",
        "ka",
        "ki",
        "ke",
        "kii",
        "aur",
        "se",
        "hai",
        "me",
        "mein",
        "na",
        "ni",
        "no",
        "ne",
        "vs",
        "vs.",
        "&",
        "de",
        "la",
        "le",
        "du",
        "da",
        "di",
        "ek",
        "do",
        "à",
        "des",
        "et",
        "les",
        "el",
        "y",
    ]
)
_ABBR = frozenset(["mr", "mrs", "ms", "dr", "st", "vol", "vs", "jr", "sr", "no"])
_TITLE_WORD = re.compile(rf"^(?:[{UP}0-9#&'\"(]|[a-z]+[{UP}])")


def tidy_title(raw: str) -> tuple[str, int | None]:
    """Strip quotes, a trailing year in parentheses and stray punctuation; Capitalise "Season N"."""
    t = raw.strip(" \"'-:|,;.!")
    while t.startswith("(") and t.endswith(")"):  # "(Untitled)": wrapped whole
        t = t[1:-1].strip(" \"'-:|,;.!")
    t = t.lstrip("(") if t.count("(") > t.count(")") and t.startswith("(") else t
    t = t.rstrip(")") if t.count(")") > t.count("(") else t
    if "(" in t:
        t = _FOREIGN_PAREN.sub("", t).strip()
    year = None
    m = _YEAR_PAREN.search(t)
    if m and t[m.end() :].strip(" )") == "":
        year = int(m.group(1))
        t = t[: m.start()]
    t = t.strip(" \"'-:|,;(")
    if t.count("(") > t.count(")"):  # "The Peripheral (Amazon": a note cut off, not the title
        t = t[: t.rfind("(")].rstrip(" -:|,;")
    if len(t) >= 2 and t[0] in "'\"" and t[-1] == t[0]:
        t = t[1:-1]
    t = _SEASON_WORD.sub(lambda mm: mm.group(1).capitalize() + " " + mm.group(2), t)
    return t.strip(), year


def title_run(text: str, *, max_words: int = 10) -> str | None:
    """The title-like run at the start of ``text``: Capitalised words, numbers and connectors."""
    words = text.split("\n", 1)[0].split()
    out: list[str] = []
    for w in words[:max_words]:
        bare = w.strip(',;:!?."')
        if not bare:
            break
        if _TITLE_WORD.match(bare) or (out and bare.casefold() in _CONNECT):
            out.append(bare)
            if w.endswith(":") and (bare[:1].isupper() or bare[:1].isdigit()):
                nxt = words[len(out)] if len(out) < len(words) else ""
                if nxt[:1].isupper() or nxt[:1].isdigit():
                    out[-1] = bare + ":"
                    continue
            if w.endswith((",", ";", ":", "!", "?", '"')):
                break
            if (
                w.endswith(".")
                and (len(bare) > 1 or bare.isdigit())
                and bare.casefold() not in _ABBR
            ):
                break
        else:
            break
    while out and (out[-1].casefold() in _CONNECT or out[-1].endswith(":")):
        if out[-1].endswith(":") and out[-1].casefold().rstrip(":") not in _CONNECT:
            out[-1] = out[-1].rstrip(":")
            break
        out.pop()
    if not out:
        return None
    t = " ".join(out).strip("\"' ")
    return t or None
