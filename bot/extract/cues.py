"""Prose cues for cast members that reviews use deep in their paragraphs (round 3).

* "<Actor>'s [description] <Character> returns ..." (a possessive pair: "Josh Brolin's Gurney Halleck");
* "<Character> (the veteran <Actor>)" / "<Character> (<Actor>, making the most of ...)";
* "<Actor> shines / is hilarious / sizzles in ..." (a performance verb right after a full name).

Every cue is anchored on literal text (``'s``, ``(``, the verbs) so no pattern scans the whole text.
"""

from __future__ import annotations

import re

from bot.extract.names import NAME, STOP, name_after, name_before
from bot.extract.people import Credit
from bot.extract.roles import clause_start
from bot.extract.scan import hits, lower

_WORK_WORDS = frozenset(
    """
    film films movie movies series show shows drama dramas sequel prequel debut directorial direction
    thriller comedy romance epic saga franchise season seasons episode episodes production banner
    adaptation remake documentary biopic anthology novel book music score songs song album studio
    company channel platform version take world universe career filmography
    """.split()  # noqa: SIM905
)
_PREPOSITIONS = frozenset(
    "in on at of and or to from for with by into onto as than".split()  # noqa: SIM905
)
_WORK_PREPS = frozenset(
    "in on at of to from for with by into as than like after before since".split()  # noqa: SIM905
)
_ORG_WORDS = frozenset(
    """
    festival awards award film films studios studio pictures international university
    entertainment productions media channel network academy society circle club times news
    institute council company foundation
    """.split()  # noqa: SIM905
)
_PAREN_LONG = re.compile(
    rf"\((?:(?:the|a|an|his|her|their)[ ])?(?:[a-z][\w\-]*[ ]){{0,4}}?(?P<in>{NAME})"
    r"(?P<tail>,[^()\n]{1,160})?\)"
)
_PERF = re.compile(
    r"[ ](?:is|was)?[ ]?(?:shines|sizzles|impresses|excels|dazzles|sparkles|stands out|steals|"
    r"shoulders|carries|anchors|nails|hams|chews|provides|makes the most|turns in|puts in|"
    r"holds (?:his|her|their) own|is (?:hilarious|superb|excellent|terrific|brilliant|wonderful|"
    r"outstanding|fantastic|effective|convincing|solid|a revelation|a delight|a hoot|riveting|"
    r"magnetic|menacing|charming|wasted|miscast|underused|compelling|affecting|heartbreaking|"
    r"impressive|believable|endearing|electric|quietly|reliably|very good|good|great|fine)|"
    r"was (?:hilarious|superb|excellent|terrific|brilliant|wonderful|outstanding|wasted))\b"
)
_PERF_ANCHORS = (
    "shines", "sizzles", "impresses", "excels", "dazzles", "sparkles", "stands out", "steals",
    "shoulders", "carries", "anchors", "nails", "hams", "chews", "provides", "makes the most",
    "turns in", "puts in", "holds ", " is ", " was ",
)  # fmt: skip


def _words_after(text: str, pos: int, limit: int = 3) -> int:
    """Skip up to ``limit`` lower-case descriptor words from ``pos``; return where the next starts,
    or -1 when a work word or a preposition comes first (the possessive is not of a role)."""
    i = pos
    for _ in range(limit + 1):
        if i < len(text) and (text[i].isupper()):
            return i
        j = text.find(" ", i, i + 30)
        if j < 0:
            return -1
        word = text[i:j].strip(",").casefold()
        if not word or not word[:1].isalpha() or not word[:1].islower():
            return -1
        if word in _WORK_WORDS or word in _PREPOSITIONS or text[j - 1] == ",":
            return -1
        i = j + 1
    return -1


def possessive_pairs(text: str) -> list[Credit]:
    """ "<Actor>'s [ex-marine] <Character> <verb>" -> the actor, playing the character."""
    out: list[Credit] = []
    for h in hits(lower(text), ("'s ",)):
        j = _words_after(text, h + 3)
        if j < 0:
            continue
        actor = name_before(text, h)
        if not actor or " " not in actor[0] or actor[1] + len(actor[0]) != h:
            continue
        got = name_after(text, j)
        if not got or got[0].count(" ") > 3:
            continue
        char, end = got
        if text.startswith("'s", end) or char.casefold() in STOP:
            continue
        nxt = text[end : end + 20]
        if nxt[:1] in (",", ";", "."):
            pass
        elif nxt[:1] == " " and nxt[1:2].islower():
            word = nxt[1:].split(" ", 1)[0].strip(",.;")
            if word in _PREPOSITIONS or word in _WORK_WORDS:
                continue
        else:
            continue
        if any(w.casefold() in _ORG_WORDS for w in f"{actor[0]} {char}".split()):
            continue
        prev = text[max(0, actor[1] - 12) : actor[1]].rstrip().rsplit(" ", 1)[-1].casefold()
        if prev in _WORK_PREPS:
            continue  # "his debut in Hansal Mehta's Faraaz": a work
        out.append(Credit(actor[0], actor[1], char, False, 1, "poss", end))
    return out


def long_parens(text: str) -> list[Credit]:
    """ "<Character> (the wonderful veteran <Actor>)", "<Character> (<Actor>, back for ...)"."""
    out: list[Credit] = []
    for h in hits(lower(text), ("(",)):
        m = _PAREN_LONG.match(text, h)
        if not m or (m.start("in") == h + 1 and not m.group("tail")):
            continue  # a bare "(<Name>)" is the classic cue, read elsewhere
        got = name_after(m.group("in"), 0)
        if not got or got[1] < len(m.group("in")) - 1:
            continue
        actor = got[0]
        tail = m.group("tail") or ""
        if " " not in actor or any(w.casefold() in _ORG_WORDS for w in actor.split()):
            continue
        if tail and not any(ch.isalpha() for ch in tail):
            continue  # "(Seoul Station, 1988)"
        before = name_before(text, h)
        if before and text[before[1] + len(before[0]) : h].strip() == "":
            if any(w.casefold() in _ORG_WORDS for w in before[0].split()):
                continue
            out.append(Credit(actor, m.start("in"), before[0], False, 3, "paren", m.end()))
        else:
            prev = text[max(0, h - 30) : h].rstrip()
            if prev[-1:].isalpha() and prev[-1:].islower():
                out.append(Credit(actor, m.start("in"), None, False, 2, "paren-role", m.end()))
    return out


def performance_subjects(text: str) -> list[Credit]:
    """ "<Full Name> shines ...", "<Full Name> is hilarious": an actor judged on a performance."""
    out: list[Credit] = []
    low = lower(text)
    seen: set[int] = set()
    for h in hits(low, _PERF_ANCHORS):
        start = h if low[h] == " " else h - 1
        if start in seen or start < 1:
            continue
        seen.add(start)
        m = _PERF.match(text, start)
        if not m:
            continue
        got = name_before(text, start)
        if not got or " " not in got[0] or got[1] + len(got[0]) != start:
            continue
        if not clause_start(text, got[1]):
            continue  # not the subject of its clause
        if any(w.casefold() in _ORG_WORDS for w in got[0].split()):
            continue
        out.append(Credit(got[0], got[1], None, False, 1, "perf"))
    return out
