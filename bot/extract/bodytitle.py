"""The reviewed work named in the body, for items whose headline does not name it.

Cues such as "review of <T>", "the film <T>" and "<T>, FX's ... series" weigh most; known titles,
quoted titles and repeated capitalised runs that are not people add to the count.
"""

from __future__ import annotations

import re

from bot.extract.headline import tidy_title, title_run
from bot.extract.known import KnownTitles
from bot.extract.names import STOP, norm_title

_REVIEW_OF = re.compile(r"\breview of\s+(?:the\s+(?:film|movie|series|show|drama)\s+)?", re.I)
_THE_WORK = re.compile(r"\b(?:the|this) (?:film|movie|series|show|drama|season),?\s+(?=[A-Z\"'])")
_QUOTED_TITLE = re.compile(r"\"([A-Z0-9][^\"\n]{0,60})\"")


_BODY_TITLE_CHARS = 8000


def title_from_body(
    body: str, titles: KnownTitles, persons: set[str], headline: str = "", *, need: int = 3
) -> str | None:
    """When the headline does not name the work: "review of <T>", "<T>, FX's ... series",
    "the film <T>", and the most repeated Capitalised run that is not a person."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    where: dict[str, int] = {}
    head_words = {w for w in norm_title(headline).split() if len(w) >= 5 and w not in STOP}
    body = body[:_BODY_TITLE_CHARS]  # a work the article is about is named early and often
    people_by_word: dict[str, list[str]] = {}
    for p in persons:
        if len(p) > 5:
            people_by_word.setdefault(p.split(" ", 1)[0], []).append(p)

    def names_person(key: str) -> bool:
        """Whether a person's name stands in ``key`` (checked only where its first word does)."""
        return any(p in key for w in set(key.split()) for p in people_by_word.get(w, ()))

    def add(t: str | None, weight: int, pos: int = 1 << 30) -> None:
        if not t:
            return
        t = tidy_title(t)[0]
        key = norm_title(t)
        if not key or key in persons or t.split()[0].casefold() in _NOT_TITLE_START:
            return
        if names_person(key):
            return
        counts[key] = counts.get(key, 0) + weight
        first.setdefault(key, t)
        where[key] = min(where.get(key, pos), pos)

    for m in _REVIEW_OF.finditer(body):
        add(title_run(body[m.end() : m.end() + 100]), 3)
    for m in _THE_WORK.finditer(body):
        add(title_run(body[m.end() : m.end() + 100]), 2)
    for m in _APPOSITIVE_WORK.finditer(body):
        add(m.group("t"), 4)
    for m in _QUOTED_TITLE.finditer(body):
        t = m.group(1)
        if len(t.split()) <= 8 and title_run(t) == t:
            add(t, 1)
    for _pos, t in titles.find_in(body):
        add(t, 1)
    for m in _CAP_RUN.finditer(body):
        if _RUN_GOES_ON.search(body, max(0, m.start() - 40), m.start()):
            continue  # not the start of a capitalised run
        if _INFO_LINE.match(body, body.rfind("\n", 0, m.start()) + 1):
            continue  # "Streaming on: Disney+ and Hulu"
        add(title_run(body[m.start() : m.start() + 100], max_words=8), 1, m.start())
    for key in list(counts):
        if "the " + key in counts:
            counts["the " + key] += counts.pop(key)
    if not counts:
        return None
    for key in counts:
        if head_words & set(key.split()):
            counts[key] += 2
    best = min(counts, key=lambda k: (-counts[k], where.get(k, 1 << 30)))
    rivals = sum(1 for v in counts.values() if v >= 2)
    if counts[best] == need - 1 and counts[best] >= 2 and rivals == 1:
        return first[best]  # one clear candidate named twice, no rival named more than once
    return first[best] if counts[best] >= need else None


_INFO_LINE = re.compile(r"[A-Za-z][\w ]{0,24}:")
_RUN_GOES_ON = re.compile(r"[A-Z][\w'\-]*[ ]$")


_NOT_TITLE_START = STOP - {"the", "a", "an"}
_CAP_RUN = re.compile(r"(?<![\w'\-])[A-Z][\w'\-]*")
_APPOSITIVE_WORK = re.compile(
    r"(?P<t>[A-Z][^,.;\n]{0,60}?),\s+(?:[A-Z][\w+]*'s\s+|his\s+|her\s+|their\s+|the\s+|a\s+|an\s+)"
    r"(?:[\w\-]+\s+){0,3}(?:series|film|movie|drama|show|adaptation|thriller|comedy|documentary|"
    r"sequel|prequel|anthology)\b"
)
