"""Role cues in running text: "<A> plays <C>", "<C> (<A>)", "<A> as <C>", "<C>, played by <A>" ...

Each cue yields :class:`~bot.extract.people.Credit` records; attribution to a work happens later.
"""

from __future__ import annotations

import re

from bot.extract.charnames import RANKS
from bot.extract.described import described_name_after, lower_words_before
from bot.extract.lists import list_after, list_before
from bot.extract.names import NAME, STOP, name_after, name_before
from bot.extract.people import _STARRER, Credit, _crew_before, _starrer_start
from bot.extract.rolepatterns import (
    _ARTICLE_NEXT,
    _AS,
    _AS_BAD_MID,
    _AS_BAD_PREV,
    _CASTISH,
    _LIST_VERB_ANCHORS,
    _NOUN_ANCHORS,
    _PAREN,
    _PERSON_NOUN,
    _PLAYED_BY,
    _PLAYED_BY_ANCHORS,
    _PLAYED_LEAD,
    _PLAYS,
    _PLAYS_ANCHORS,
    _STARRING,
    _STARRING_ANCHORS,
)
from bot.extract.scan import hits, lower, near
from bot.extract.subjects import aka_subject, subject_before

_RANKS = re.compile(
    r"^(?:crown prince|chief state councillor|state councillor|councillor|physician|doctor|dr\.?|"
    r"inspector|sub-inspector|detective|general|lord|officer|constable|sergeant|captain|commander|"
    r"colonel|lieutenant|professor|prof\.?|judge|minister|commissioner|agent|acp|head constable|"
    r"mla|mp|sp|dsp|dcp|sho|si|ips|ias|cm|pm|sarpanch|pradhan|pradhan-ji|master|officer|doctor)\s+"
    r"(?=[A-Z])",
    re.IGNORECASE,
)
_APPOSITIVE_OPEN = re.compile(rf"({NAME}),\s+(?:the|a|an|his|her|their)\s[^,.;()]{{1,60}}?\s*$")
_LIST_VERB = re.compile(
    r"\s(?:all\s+|also\s+)?(?:pop up|pops up|turn up|turns up|show up|shows up|round out|rounds out|"
    r"complete the|completes the|co-star|co-stars|appear in|appears in|feature in|features in|"
    r"make up the|makes up the|(?:have|has|get|gets|are given|is given)\s+(?:[a-z\-]+\s+){0,4}"
    r"(?:parts?|roles?|cameos?|turns?)\b|appear(?=[.,;])|appears(?=[.,;])|"
    r"are among the (?:others|rest|supporting cast|ensemble|cast|other actors)\b)"
)
_TALKS = re.compile(
    r"\s(?:are|is)\s+(?:also\s+)?(?:reportedly\s+|said to be\s+)?in\s+"
    r"(?:talks|discussions|negotiations)[ ]for[ ](?:the[ ])?(?:[a-z\-]+[ ])?(?:roles?|parts?)\b"
)
_POSSESSIVE_PAIR = re.compile(rf"({NAME})(?=\s+(?:is|was|remains|gets|goes|has|steals)\b)")


_LABEL = re.compile(r"[A-Z][a-z]{1,12}:[ ]")
_PRONOUN_AFTER = re.compile(r",?[ ](?:he|she)[ ]")


def sentence_as_credits(text: str) -> list[Credit]:
    """ "<Actor>, who ... . As <Character> he is unrecognisable": a sentence opening with "As
    <Name> he/she" credits the actor who opened the sentence before it."""
    out: list[Credit] = []
    for h in hits(text, (". As ", "\nAs ")):
        start = h + (2 if text[h] == "." else 1)
        got = _previous_subject(text, start, start + 3)
        char = name_after(text, start + 3)
        if got and char:
            out.append(Credit(got[0][0], got[0][1], character(char[0]), False, 2, "as"))
    return out


def _previous_subject(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """The name opening the sentence before ``start`` when ``end`` starts "<Name> he/she"."""
    got = name_after(text, end)
    if not got or not _PRONOUN_AFTER.match(text, got[1]):
        return []
    k = text.rfind(". ", max(0, start - 600), start - 2)
    n = text.rfind("\n", max(0, start - 600), start - 2)
    s0 = max(k + 2 if k >= 0 else 0, n + 1 if n >= 0 else 0)
    label = _LABEL.match(text, s0)  # "Review: <Actor>, who ..."
    if label:
        s0 = label.end()
    first = name_after(text, s0)
    if not first or " " not in first[0] or not text.startswith(first[0], s0):
        return []
    return [(first[0], s0)]


_PERF_POSS = re.compile(
    r"\w's[ ](?:[a-z\-]+[ ]){0,2}(?:performance|turn|act|portrayal|role|work)[ ]+$"
)
_AKA_SEP = re.compile(r"[ ]+(?:aka|a\.k\.a\.?)[ ]+")
_AKA_TAIL = re.compile(r"[ ]+(?:aka|a\.k\.a\.?)[ ]+[^,]{1,30},")


def _copulas(text: str) -> list[tuple[int, int]]:
    """ "<A> is <C>" cue spans: (position of the space before the verb, where the next word starts)."""
    out = []
    for h in hits(lower(text), (" is ", " was ")):
        j = h + (4 if text[h + 1] == "i" or text[h + 1] == "I" else 5)
        if text.startswith("the ", j):
            j += 4
        if "A" <= text[j : j + 1] <= "Z":
            out.append((h, j))
    return out


def character(name: str | None) -> str | None:
    """A character name without a rank or job title ("Inspector Karan Anand" -> "Karan Anand")."""
    if not name:
        return None
    if name.casefold().rstrip(".") in RANKS:
        return None  # "plays a retired DSP": a rank, no name
    stripped = _RANKS.sub("", name, count=1)
    return stripped if stripped and stripped != name and stripped[:1].isupper() else name


def find_credits(text: str, *, skip: list[tuple[int, int]] = ()) -> list[Credit]:  # type: ignore[assignment]
    """All acting credits the cue patterns find in ``text`` (not yet attributed to a work)."""

    def skipped(pos: int) -> bool:
        return any(a <= pos < b for a, b in skip)

    out: list[Credit] = []
    for m in near(_STARRER, text, ("starrer",), before=1, after=10):
        for name, pos in list_before(text, _starrer_start(text, m.start())):
            out.append(Credit(name, pos, strength=2, cue="starrer"))
    for m in near(_STARRING, text, _STARRING_ANCHORS, before=12, after=60):
        if text[m.start() - 1 : m.start()].isalnum() or skipped(m.start()):
            continue
        for name, pos, char in list_after(text, m.end()):
            out.append(Credit(name, pos, character(char), strength=2, cue="starring"))
    for m in near(_PERSON_NOUN, text, _NOUN_ANCHORS, before=4, after=30):
        if skipped(m.start()):
            continue
        for name, pos, char in list_after(text, m.end(), limit=6):
            out.append(Credit(name, pos, character(char), strength=1, cue="noun"))
    for m in near(_LIST_VERB, text, _LIST_VERB_ANCHORS, before=8, after=60):
        for name, pos in list_before(text, m.start()):
            out.append(Credit(name, pos, strength=2, cue="list-verb"))
    talks = ("in talks", "in discussions", "in negotiations")
    for m in near(_TALKS, text, talks, before=40, after=60):
        for name, pos in list_before(text, m.start()):
            out.append(Credit(name, pos, strength=2, cue="list-verb"))  # a casting report
    # "<Character> (<Actor>)" / "<Character> [<Actor>]" / "(played by <Actor>)"
    for m in near(_PAREN, text, ("(", "["), before=0, after=120):
        if skipped(m.start()):
            continue
        inner = name_after(m.group("in"), 0)
        if not inner or inner[1] < len(m.group("in")) - 1:
            continue
        actor = inner[0]
        before = name_before(text, m.start())
        voice = m.group("by") == "voiced"
        if before and text[before[1] + len(before[0]) : m.start()].strip() in ("", "'s"):
            if _crew_before(text, before[1]):
                continue
            out.append(
                Credit(actor, m.start("in"), character(before[0]), voice, 3, "paren", m.end())
            )
            # remember the reverse reading too (resolved later): outside name as the actor
            out.append(
                Credit(before[0], before[1], character(actor), voice, 0, "paren-rev", m.end())
            )
        else:
            if _crew_before(text, m.start()) or text[max(0, m.start() - 1) : m.start()].isdigit():
                continue
            prev = text[max(0, m.start() - 30) : m.start()].rstrip()
            if not prev or not prev[-1:].isalpha() or not prev[-1:].islower():
                continue
            out.append(Credit(actor, m.start("in"), None, voice, 2, "paren-role", m.end()))
    # "<Character>, played by <Actor>"
    for m in near(_PLAYED_BY, text, _PLAYED_BY_ANCHORS, before=1, after=150):
        if text[m.start() - 1 : m.start()].isalnum():
            continue
        listed = list_after(text, m.end(), limit=6)
        if not listed:
            continue
        lead = _PLAYED_LEAD.search(text, max(0, m.start() - 30), m.start())
        start = lead.start() if lead else m.start()
        chars = subject_before(text, start, clause=False)
        if not chars:
            om = _APPOSITIVE_OPEN.search(text, max(0, start - 120), start)
            if om:
                got = name_before(text, om.end(1))
                chars = [got] if got else []
        voice = m.group("v").casefold() == "voiced"
        if len(chars) == len(listed) > 1:
            for (a_name, a_pos, _c), (c_name, _cp) in zip(listed, chars, strict=True):
                out.append(Credit(a_name, a_pos, character(c_name), voice, 3, "played-by"))
            continue
        char_name = character(chars[-1][0]) if chars else None
        out.append(Credit(listed[0][0], m.end(), char_name, voice, 3, "played-by"))
    # "<Actor> plays <Character>" / "<Actor> voices <Character>"
    for m in near(_PLAYS, text, _PLAYS_ANCHORS, before=16, after=80):
        voice = "voice" in m.group("v")
        actors = subject_before(text, m.start())
        if not actors:
            continue
        if len(actors) == 2 and _AKA_SEP.fullmatch(
            text, actors[0][1] + len(actors[0][0]), actors[1][1]
        ):
            actors = actors[:1]  # "<Actor> aka <Alias> plays <Character>": one person
        char = described_name_after(text, m.end()) if len(actors) == 1 else None
        for name, pos in actors:
            out.append(Credit(name, pos, character(char), voice, 3 if char else 2, "plays"))
    # "<Actor> is <Character>," (a copula with a name on both sides)
    for start, after in _copulas(text):
        a_hit = name_before(text, start)
        c_hit = name_after(text, after)
        if text[start - 1 : start] == ",":
            # "<Actor> [aka <X>], the former rapper, is <Character>": the appositive's subject
            subj = subject_before(text, start) or aka_subject(text, start)
            a_hit = subj[-1] if len(subj) == 1 else None
            after_a = a_hit[1] + len(a_hit[0]) if a_hit else 0
            if a_hit and not (text[after_a : after_a + 1] == "," or _AKA_TAIL.match(text, after_a)):
                a_hit = None
        elif a_hit and text[a_hit[1] + len(a_hit[0]) : start].strip():
            continue
        if not a_hit or not c_hit or " " not in a_hit[0]:
            continue
        if (
            text[c_hit[1] : c_hit[1] + 1] not in (",", ".", ";", " ")
            or text[c_hit[1] : c_hit[1] + 3] == " is"
        ):
            continue
        pm = _PAREN.match(text, c_hit[1] + 1) if text[c_hit[1] : c_hit[1] + 2] == " (" else None
        if pm and " " in pm.group("in"):
            continue  # "<X> is <Character> (<Actor>)": the parenthesis names the actor
        out.append(Credit(a_hit[0], a_hit[1], character(c_hit[0]), False, 2, "copula"))
    # "<Actor> (<few words>) as <Character>"
    for m in near(_AS, text, (" as", "\nas"), before=0, after=20):
        if skipped(m.start()):
            continue
        mid = lower_words_before(text, m.start())
        words = mid.split()
        phrasal = "it up" in mid  # "hams it up delightfully as <Character>"
        if words and (
            words[-1].casefold() in _AS_BAD_PREV
            or (not phrasal and any(w in _AS_BAD_MID for w in words))
        ):
            continue
        if text[max(0, m.start() - 6) : m.start()].casefold().strip() in ("so", "just"):
            continue
        actors = subject_before(text, m.start() - len(mid))
        if not actors and _PERF_POSS.search(text, max(0, m.start() - 40), m.start()):
            # "fans singled out <Actor>'s performance as <Character>": the possessive credits
            actors = subject_before(text, m.start() - len(mid), clause=False)[-1:]
        if not actors:
            continue
        char = described_name_after(text, m.end())
        if (
            len(actors) > 1
            and words
            and (
                words[0] in ("is", "was", "has")
                or (words[0].endswith("s") and not words[0].endswith("ss"))
            )
        ):
            actors = actors[-1:]  # a singular verb: only the last name is its subject
        if char:
            if len(actors) > 1 and not words:
                actors = actors[-1:]
            for name, pos in actors:
                pair = character(char) if len(actors) == 1 else None
                out.append(Credit(name, pos, pair, False, 3 if pair else 2, "as"))
        elif (not words or words[0] in _CASTISH) and (
            _ARTICLE_NEXT.match(text, m.end()) or (words and words[0] in _CASTISH)
        ):
            for name, pos in actors:
                out.append(Credit(name, pos, None, False, 2, "as-role"))
    # "<Actor>'s <Character> is ..."
    for h in hits(lower(text), ("'s ",)):
        if not text[h + 3 : h + 4].isupper():
            continue
        pm = _POSSESSIVE_PAIR.match(text, h + 3)
        a_hit = name_before(text, h) if pm else None
        if pm and a_hit and " " in a_hit[0] and a_hit[1] + len(a_hit[0]) == h:
            c_hit = name_after(pm.group(1), 0)
            if c_hit and c_hit[0] == pm.group(1):
                out.append(Credit(a_hit[0], a_hit[1], character(c_hit[0]), False, 1, "poss"))
    out.extend(sentence_as_credits(text))
    return [c for c in out if c.name.casefold() not in STOP]
