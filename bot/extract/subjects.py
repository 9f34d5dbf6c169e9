"""The subject of a role cue: which name(s) a "plays" / "as" / "is" cue speaks of.

A name counts as a subject only where it opens a clause; appositives ("<A>, the former rapper,")
and "<A> aka <B>" are looked through to the name before them.
"""

from __future__ import annotations

import re

from bot.extract.lists import list_before
from bot.extract.names import NAME, name_before

_APPOSITIVE = re.compile(
    rf"({NAME}),\s+(?:[a-z][^,.;()]{{0,90}}|[A-Z][^,.;()]{{0,40}}'s[^,.;()]{{1,60}}),\s*$"
)
# "<Actor>, who plays ...": a relative clause right before the verb
_WHO_BEFORE = re.compile(
    r",[ ]who(?:[ ](?:also|now|here|once|memorably|brilliantly|superbly|deftly|convincingly))?[ ]*$"
)
_CLAUSE_WORDS = frozenset(
    [
        "and",
        "but",
        "while",
        "with",
        "also",
        "meanwhile",
        "then",
        "plus",
        "whereas",
        "actor",
        "actress",
        "actors",
        "actresses",
        "veteran",
        "newcomer",
        "newcomers",
        "star",
        "stars",
        "superstar",
        "debutant",
        "co-star",
        "legend",
        "icon",
        "singer",
        "rapper",
        "comedian",
        "youtuber",
        "influencer",
        "idol",
        "model",
        "cricketer",
        "finally",
        "is",
        "was",
        "are",
        "were",
        "including",
    ]
)


def aka_subject(text: str, pos: int) -> list[tuple[str, int]]:
    """ "<Actor> aka <X>, the former rapper," ending at ``pos``: the actor."""
    m = _APPOSITIVE.search(text, max(0, pos - 160), pos)
    if not m:
        return []
    alias = name_before(text, m.end(1))
    if not alias:
        return []
    lead = text[max(0, alias[1] - 12) : alias[1]]
    k = lead.rfind(" aka ")
    if k < 0:
        return []
    got = name_before(text, alias[1] - (len(lead) - k))
    return [got] if got and clause_start(text, got[1]) else []


def subject_before(text: str, pos: int, *, clause: bool = True) -> list[tuple[str, int]]:
    """The name(s) ending at ``pos``, allowing a trailing comma or an appositive clause between.

    With ``clause`` the first name must open a clause ("sent to Nagaland as ..." has no subject).
    """
    names = list_before(text, pos)
    if names:
        if clause and _after_preposition(text, names[0][1]):
            return []  # "across Brooklyn and Coney Island as ...": objects, not subjects
        for i, (_n, start) in enumerate(names):
            if not clause or clause_start(text, start):
                return names[i:]
        return []
    w = _WHO_BEFORE.search(text, max(0, pos - 40), pos)
    if w:
        got = name_before(text, w.start())
        if got and (not clause or clause_start(text, got[1])):
            return [got]
    m = _APPOSITIVE.search(text, max(0, pos - 160), pos)
    if m:
        got = name_before(text, m.end(1))
        if got and clause_start(text, got[1]):
            return [got]
    chunk = text[max(0, pos - 3) : pos]
    if chunk.rstrip().endswith(","):
        cut = pos - (len(chunk) - len(chunk.rstrip().rstrip(",")))
        names = list_before(text, cut)
        for i, (_n, start) in enumerate(names):
            if clause_start(text, start):
                return names[i:]
    return []


_PREPS = frozenset("in on at across through into from to of with by between among near".split())  # noqa: SIM905


def _after_preposition(text: str, start: int) -> bool:
    """True when the word right before ``start`` is a preposition."""
    if _credit_to(text, start):
        return False
    before = text[max(0, start - 12) : start].rstrip().rsplit(" ", 1)[-1]
    return before.casefold() in _PREPS


_CREDIT_TO = frozenset("belong belongs belonged kudos".split())  # noqa: SIM905


def _credit_to(text: str, start: int) -> bool:
    """ "... passages belong to <Actor> as <Character>": the name after "belong to" is credited."""
    words = text[max(0, start - 24) : start].split()
    return len(words) >= 2 and words[-1] == "to" and words[-2].casefold() in _CREDIT_TO


def clause_start(text: str, start: int) -> bool:
    """True when a name at ``start`` opens a clause (so it can be the subject of a cue)."""
    before = text[max(0, start - 40) : start].rstrip()
    if not before or before[-1] in ".,;:!?(\n-\"'|":
        return True
    last = before.rsplit(None, 1)[-1].casefold()
    return last in _CLAUSE_WORDS or _credit_to(text, start)
