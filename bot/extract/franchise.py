"""Franchise siblings of the reviewed title: "Pushpa: The Rise" / "Pushpa 3: The Rampage" for
"Pushpa 2: The Rule", "the first season" -> "<T> Season 1", "the first film" -> the bare base title.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.extract.runs import tidy_title, title_run
from bot.extract.scan import hits, lower

IsPerson = Callable[[str], bool]

_NUMBER_TAIL = re.compile(
    r"(?:[ ]*#[ ]*\d{1,2}|[ ]+(?:Season|Part|Chapter|Volume|Vol\.|Book)[ ]+(?:\d{1,2}|[A-Z][a-z]+)"
    r"|[ ]+\d{1,2}|[ ]+(?:II|III|IV|V|VI))$"
)
_SIB_TAIL = re.compile(
    r"(?:[ ]*#[ ]*(?P<hash>\d{1,2})|[ ]+(?P<word>Season|Part|Chapter|Volume|Book)[ ]+(?P<wn>\d{1,2})"
    r"|[ ]+(?P<num>\d{1,2})(?![\d,.%]|[ ]*(?:years?|days?|episodes?|minutes?|hours?|crore|million)))?"
    r"(?P<sub>:[ ]+[A-Z0-9][^\n,.;()]{0,50})?",
    re.IGNORECASE,
)
_ORDINAL_SEASON = re.compile(
    r"(?:the[ ]+)?(?P<o>first|second|third|fourth|fifth|previous|last|earlier)[ ]+season"
    r"|season[ ]+(?P<w>one|two|three|four|five|\d{1,2})\b(?![./]\d)",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "one": 1, "two": 2,
             "three": 3, "four": 4, "five": 5}  # fmt: skip


_FIRST_FILM = (
    "the first film", "the first movie", "the original film", "the original movie",
    "the first instalment", "the first installment", "the first part", "the first chapter",
)  # fmt: skip


def _number(title: str) -> int | None:
    m = re.search(r"(?:#|\b)(\d{1,2})\b(?!.*\d)", title.split(":", 1)[0])
    return int(m.group(1)) if m else None


def franchise_base(title: str) -> str:
    """ "Pushpa 2: The Rule" -> "Pushpa"; "Kingdom Season 2" -> "Kingdom"; "Dune: Part Two" -> "Dune"."""
    base = title.split(":", 1)[0].strip() if ":" in title else title
    base = _NUMBER_TAIL.sub("", base).strip()
    return base if len(base) >= 2 else title


def _sibling_at(text: str, i: int, j: int, base: str) -> str:
    """The sibling title that starts with ``base`` at ``i`` (number and subtitle included)."""
    m = _SIB_TAIL.match(text, j)
    if not m:
        return base
    sib = text[i : m.end()].strip()
    if m.group("sub"):
        sub = title_run(m.group("sub")[1:].strip(), max_words=6)
        numbered = m.group("hash") or m.group("wn") or m.group("num")
        head = text[i : m.start("sub")].strip() if numbered else base
        sib = f"{head}: {sub}" if sub else head
    return tidy_title(sib)[0]


def franchise_siblings(text: str, title: str, is_person: IsPerson) -> list[tuple[int, str]]:
    """Other instalments of the reviewed title's franchise named in ``text``."""
    base = franchise_base(title)
    if len(base) < 2:
        return []
    seasonal = re.search(r"\bSeason \d", title, re.IGNORECASE) is not None
    current = _number(title)
    out: list[tuple[int, str]] = []
    low = lower(text)
    key = lower(base)
    n = len(text)
    i = low.find(key)
    while i >= 0:
        j = i + len(key)
        bounded = (i == 0 or not text[i - 1].isalnum()) and (j >= n or not text[j].isalnum())
        if bounded and (text[i : i + 1].isupper() or text[i : i + 1].isdigit()):
            sib = _sibling_at(text, i, j, base)
            bare = lower(sib) == key
            if bare and (seasonal or is_person(sib) or lower(title) == key):
                pass  # "Panchayat" in a Season 3 review is the show itself
            elif not bare and current is not None and _number(sib) == current:
                pass  # "Squid Game 2" for "Squid Game Season 2"
            else:
                out.append((i, sib))
        i = low.find(key, j)
    # "the first film" of a numbered film franchise -> the bare base title
    if current is not None and not seasonal and current >= 2:
        for h in hits(low, _FIRST_FILM):
            out.append((h, base))
    # "the first season", "season one", "Season 1" -> "<base> Season 1" when seasons are numbered
    sm = re.search(r"\bSeason (\d{1,2})\b", title, re.IGNORECASE)
    if sm:
        current = int(sm.group(1))
        for h in hits(low, ("season",)):
            start = max(0, h - 12)
            for m in _ORDINAL_SEASON.finditer(text, start, h + 12):
                word = (m.group("o") or m.group("w") or "").casefold()
                num = _ORDINALS.get(word) or (int(word) if word.isdigit() else None)
                if word in ("previous", "last", "earlier") and current > 1:
                    num = current - 1
                if num and num != current:
                    prev = text[max(0, m.start() - 30) : m.start()].split()
                    if m.group("w") and prev and (prev[-1][:1].isupper() or prev[-1][:1].isdigit()):
                        break  # "Kota Factory Season 3": another show's season (or found above)
                    out.append((m.start(), f"{base} Season {num}"))
                break
    return out
