"""The director (and the crew names that must never become cast)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.extract.lists import list_after, list_before
from bot.extract.names import NAME, name_after

_DIR_LINE = re.compile(
    r"^[ ]*(?:film[ ]+|series[ ]+)?(?:director|directors|directed by|direction|creator and director|"
    r"directed and written by|written and directed by|showrunner and director)[ ]*[:\-][ ]*"
    r"(?P<n>[^\n]{2,120})$",
    re.IGNORECASE | re.MULTILINE,
)
_DIRECTED_BY = re.compile(
    r"\b(?:directed|helmed|co-directed|co-helmed|directed and written|written and directed|"
    r"directed and co-written|written and helmed|directed and produced|mounted)\s+by\s+",
    re.IGNORECASE,
)
_X_DIRECTS = re.compile(
    rf"(?P<n>{NAME})(?:,\s+who)?\s+(?:directs|helms|co-directs|directed|helmed)\b"
)
_DIRECTOR_X = re.compile(
    r"(?:[Dd]irector|[Ff]ilmmaker|[Hh]elmer|[Dd]irector-writer|[Ww]riter-director|[Dd]ebutant director|"
    r"[Dd]ebut director)\s+(?=[A-Z])"
)
_NOT_THE_DIRECTOR = re.compile(
    r"(?:music|art|casting|action|dance|assistant|creative|photography|music-|associate|second unit)"
    r"[ ]?$",
    re.IGNORECASE,
)
_DIRECTORIAL = re.compile(
    rf"(?P<n>{NAME})'s?\s+(?:directorial|(?:second|third|first|latest|new)\s+directorial)",
)
_CREW = re.compile(
    r"\b(?:music(?:\s+director)?|music\s+composer|composer|lyrics|lyricist|cinematographer|"
    r"cinematography|DOP|DoP|editor|edited|editing|writer|writers|written|writing|screenplay|dialogues|"
    r"story|produced|producer|producers|co-producer|choreographer|choreography|costume designer|"
    r"production designer|background score|score|songs|created|creator|showrunner|adapted)"
    r"(?:\s+(?:is|are|was|were))?(?:\s+by)?\s*[:\-]?\s+(?=[A-Z])",
)
_CREW_LINE = re.compile(
    r"^[ ]*(?:writer|writers|written by|music|music director|composer|cinematography|cinematographer|"
    r"dop|editor|editing|producer|producers|produced by|screenplay|story|dialogues|lyrics|"
    r"background score|creator|created by|showrunner|choreography|production|banner)[ ]*[:\-][ ]*"
    r"(?P<n>[^\n]{2,200})$",
    re.IGNORECASE | re.MULTILINE,
)


def _names_from(line: str) -> list[str]:
    return [n for n, _p, _c in list_after(line, 0)]


def crew_names(text: str) -> set[str]:
    """Names the text credits with crew jobs (music, writing, camera, production ...)."""
    out: set[str] = set()
    for m in _CREW_LINE.finditer(text):
        out.update(_names_from(m.group("n")))
    for m in _CREW.finditer(text):
        out.update(n for n, _p, _c in list_after(text, m.end(), limit=4))
    return out


def find_director(
    text: str,
    *,
    other_work_near: Callable[[int], bool],
) -> tuple[str | None, int]:
    """The director the text names and the cue strength (3 line/"directed by", 2 other, 0 none).

    ``other_work_near(pos)`` says when a cue at ``pos`` is about another work (it is then skipped).
    """
    for m in _DIR_LINE.finditer(text):
        names = _names_from(m.group("n"))
        if names:
            return _join(names), 3
    low = text.casefold()
    if (
        "direct" not in low
        and "helm" not in low
        and "filmmaker" not in low
        and "mounted" not in low
    ):
        return None, 0
    for m in _DIRECTED_BY.finditer(text):
        if other_work_near(m.start()):
            continue
        names = [n for n, _p, _c in list_after(text, m.end(), limit=3)]
        if names:
            return _join(names), 3
    for m in _DIRECTORIAL.finditer(text):
        if other_work_near(m.start()):
            continue
        names = [n for n, _p in list_before(text, m.start("n") + len(m.group("n")))]
        if names:
            return _join(names), 2
    for m in _DIRECTOR_X.finditer(text):
        if text[m.start() - 1 : m.start()].isalnum() or other_work_near(m.start()):
            continue
        if _NOT_THE_DIRECTOR.search(text, max(0, m.start() - 20), m.start()):
            continue
        got = name_after(text, m.end())
        if got:
            return got[0], 2
    for m in _X_DIRECTS.finditer(text):
        if other_work_near(m.start()):
            continue
        got = name_after(m.group("n"), 0)
        if got and got[1] >= len(m.group("n")) - 1:
            return got[0], 2
    return None, 0


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(names))[:3]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
