"""The director (and the crew names that must never become cast)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.extract.lists import list_after, list_before
from bot.extract.names import NAME, name_after
from bot.extract.scan import lower, near

_DIR_LINE = re.compile(
    r"(?:^|[|\u2022][ ]*)[ ]*(?:film[ ]+|series[ ]+)?(?:director|directors|directed by|direction|"
    r"creator and director|directed and written by|written and directed by|showrunner and director)"
    r"[ ]*[:\-][ ]*(?P<n>[^\n|]{2,120})(?=$|[ ]?\|)",
    re.IGNORECASE | re.MULTILINE,
)
_DIRECTED_BY = re.compile(
    r"\b(?:directed|helmed|co-directed|co-helmed|directed and written|written and directed|"
    r"directed and co-written|written and helmed|directed and produced|mounted)\s+by\s+",
    re.IGNORECASE,
)
_X_DIRECTS = re.compile(
    r"(?:,[ ]+who(?:[ ]+is|[ ]+also|[ ]+wrote[ ]+and)?)?[ ]+(?:(?:directs|helms|co-directs|is[ ]+directing|"
    r"will(?:[ ]+once)?(?:[ ]+again|[ ]+also)?[ ]+direct)|(?P<past>directed|helmed))\b"
)
_DIRECTOR_X = re.compile(
    r"(?:[Dd]irectors?|[Ff]ilmmaker|[Hh]elmer|[Dd]irector-writer|[Ww]riter-director|"
    r"[Dd]ebutant director|[Dd]ebut director)(?:,)?\s+(?=[A-Z])"
)
_NOT_THE_DIRECTOR = re.compile(
    r"(?:music|art|casting|action|dance|assistant|creative|photography|music-|associate|second unit"
    # a character's job: "hospital director Kang Mu-yeol", "the museum director"
    r"|hospital|museum|school|company|managing|agency|bank|prison|orphanage|clinic|zoo|festival"
    r"|programme|program|news|theatre|theater|research|lab|project|funeral|choir)"
    r"[ ]?$",
    re.IGNORECASE,
)
_DIRECTORIAL = re.compile(
    rf"(?P<n>{NAME})'s?\s+(?:directorial|direction\b|(?:second|third|first|latest|new)\s+directorial)",
)
_CREW = re.compile(
    r"\b(?:music(?:\s+director)?|music\s+composer|composer|lyrics|lyricist|cinematographer|"
    r"cinematography|DOP|DoP|editor|edited|editing|writer|writers|written|writing|screenplay|dialogues|"
    r"story|produced|producer|producers|co-producer|choreographer|choreography|costume designer|"
    r"production designer|background score|score|songs|created|creator|showrunner|adapted|"
    r"Created|Written|Produced|Music|Created and written|Co-created)"
    r"(?:\s+(?:is|are|was|were))?(?:\s+by)?\s*[:\-]?\s+(?=[A-Z])",
)
_CREW_LINE = re.compile(
    r"^[ ]*(?:writer|writers|written by|music|music director|composer|cinematography|cinematographer|"
    r"dop|editor|editing|producer|producers|produced by|screenplay|story|dialogues|lyrics|"
    r"background score|creator|created by|showrunner|choreography|production|banner)[ ]*[:\-][ ]*"
    r"(?P<n>[^\n]{2,200})$",
    re.IGNORECASE | re.MULTILINE,
)


_CREW_ANCHORS = (
    "music", "composer", "lyric", "cinematograph", "dop", "edit", "writ", "screenplay", "dialogue",
    "story", "produc", "choreograph", "costume", "score", "songs", "created", "creator",
    "showrunner", "adapted", "creat",
)  # fmt: skip


def _names_from(line: str) -> list[str]:
    return [n for n, _p, _c in list_after(line, 0)]


def crew_names(text: str) -> set[str]:
    """Names the text credits with crew jobs (music, writing, camera, production ...)."""
    out: set[str] = set()
    for m in near(_CREW_LINE, text, (":", "-"), before=40, after=260):
        out.update(_names_from(m.group("n")))
    for m in near(_CREW, text, _CREW_ANCHORS, before=1, after=60):
        out.update(n for n, _p, _c in list_after(text, m.end(), limit=4))
    return out


def find_director(
    text: str,
    *,
    other_work_near: Callable[[int], bool],
    title: str | None = None,
) -> tuple[str | None, int]:
    """The director the text names and the cue strength (3 line/"directed by", 2 other, 1 creator,
    0 none). ``other_work_near(pos)`` says when a cue at ``pos`` is about another work (skipped);
    ``title`` (the reviewed work) lets "<Other Title>, directed by X" be told apart.
    """
    for m in near(_DIR_LINE, text, (":", "-"), before=50, after=200):
        names = _names_from(m.group("n").split("|", 1)[0])
        if names:
            return _join(names), 3
    low = lower(text)
    if not any(w in low for w in ("direct", "helm", "filmmaker", "mounted")):
        return None, 0
    for m in near(_DIRECTED_BY, text, _DIRECTED_BY_ANCHORS, before=5, after=60):
        if other_work_near(m.start()) or _elsewhere(low, m.start()):
            continue
        if _other_title_before(text, m.start(), title):
            continue
        names = _strict_list(text, m.end())
        if not names:
            dm = _DESCRIBED.match(text, m.end())  # "directed by first-timer Kelsey Mann"
            names = _strict_list(text, dm.end()) if dm else []
        if names:
            return _join(names), 3
    for m in near(_DIRECTORIAL, text, ("directorial", "direction"), before=120, after=20):
        if other_work_near(m.start()):
            continue
        names = [n for n, _p in list_before(text, m.start("n") + len(m.group("n")))]
        if names:
            return _join(names), 2
    for m in near(_DIRECTOR_X, text, _DIRECTOR_X_ANCHORS, before=10, after=40):
        if text[m.start() - 1 : m.start()].isalnum() or other_work_near(m.start()):
            continue
        if text[max(0, m.start() - 3) : m.start()] == "as ":
            continue  # "cast as Director Han": a character
        if _NOT_THE_DIRECTOR.search(text, max(0, m.start() - 20), m.start()):
            continue
        plural = m.group().rstrip(" ,").endswith("s")
        names = _strict_list(text, m.end()) if plural else []
        got = name_after(text, m.end())
        if names and len(names) > 1:
            return _join(names), 2
        if got:
            return got[0], 2
    for m in near(_X_DIRECTS, text, _X_DIRECTS_ANCHORS, before=30, after=40):
        if other_work_near(m.start()):
            continue
        if m.group("past") and _CAPITAL_NEXT.match(text, m.end()):
            continue  # "who directed Parinda": another work
        names = [n for n, _p in list_before(text, m.start())]
        if names:
            return _join(
                names[-2:] if " and " in text[m.start() - 60 : m.start()] else names[-1:]
            ), 2
    return None, 0


def _elsewhere(low: str, pos: int) -> bool:
    """True when the words just before a cue point at another work ("a spin-off directed by")."""
    return _OTHER_WORK_WORDS.search(low, max(0, pos - 40), pos) is not None


_TITLE_NUMBER = re.compile(r"[ ]\d{1,2}\b")
_TITLE_COMMA_BEFORE = re.compile(
    r"(?:^|[\s(])(?P<t>[A-Z][\w'\-:]*(?:[ ](?:[A-Z0-9][\w'\-:]*|of|the|and|a|in|on|to)){0,5}),[ ]*$"
)


def _other_title_before(text: str, pos: int, title: str | None) -> bool:
    """ "Rajinikanth is busy with Coolie, directed by ...": a capitalised work right before the cue
    that is not the reviewed title (nor a person's appositive the caller judges elsewhere)."""
    chunk = text[max(0, pos - 60) : pos]
    m = _TITLE_COMMA_BEFORE.search(chunk)
    if not m:
        return False
    run = m.group("t")
    lead = chunk[: m.start("t")].rstrip().rsplit(" ", 1)[-1].casefold()
    if lead not in ("with", "in", "of", "on", "and", "like", "including", "film", "movie"):
        return False  # only a work in an object position ("busy with <T>, directed by")
    return not (title and (title in run or run in title))


def _strict_list(text: str, pos: int) -> list[str]:
    """Names listed at ``pos``; a comma continues the list only when an "and" ends it
    ("directed by A, B and C"), so "Directed by Siva, Kanguva features ..." gives just "Siva"."""
    listed = list_after(text, pos, limit=4)
    if len(listed) < 2:
        return [n for n, _p, _c in listed]
    out = [listed[0][0]]
    for i in range(1, len(listed)):
        prev_end = listed[i - 1][1] + len(listed[i - 1][0])
        sep = text[prev_end : listed[i][1]]
        if "and" in sep or "&" in sep:
            if (i == 1 and "," in sep) or _TITLE_NUMBER.match(
                text, listed[i][1] + len(listed[i][0])
            ):
                break  # "directed by A, and Jailer 2 with ...": a new clause, a film title
            out.append(listed[i][0])
            break
        # a comma: keep going only if a later separator is "and"
        rest_seps = [
            text[listed[j - 1][1] + len(listed[j - 1][0]) : listed[j][1]]
            for j in range(i + 1, len(listed))
        ]
        if not any("and" in x or "&" in x for x in rest_seps):
            break
        out.append(listed[i][0])
    return out


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(names))[:3]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


_DIRECTED_BY_ANCHORS = ("directed", "helmed", "written and", "mounted")
_DIRECTOR_X_ANCHORS = ("director", "filmmaker", "helmer", "debut")
_X_DIRECTS_ANCHORS = ("directs", "helms", "directing", "direct ", "directed")
_DESCRIBED = re.compile(r"(?:(?:the|a|an)[ ])?(?:[a-z][a-z\-]+[ ]){1,2}(?=[A-Z])")
_CAPITAL_NEXT = re.compile(r"[ ]+(?:the[ ]+)?[A-Z0-9]")
_OTHER_WORK_WORDS = re.compile(
    r"(?:spin-?off|remake|original|first season|his next|her next|their next|upcoming|another|previous|earlier|"
    r"last film|debut film|original film|first film|(?:the|an|one|this|that|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|final|last|opening)[ ]episode(?!s))[^.;]*$"
)
