"""Reading a character name after a role cue, past a short description ("as the loyal bodyguard
Mu-yeong", "as Oz's mother, Francis Cobb"), and the lower-case words before a cue."""

from __future__ import annotations

import re

from bot.extract.names import name_after

_CLAUSE_END = re.compile(
    r",(?![ ][a-z])|[.;:!?()\[\]\n]| - | (?:who|whose|which|and|but|while|in|on|with|to)\b"
)
_DET = re.compile(r"(?:(?i:the|a|an|his|her|their|its)|[A-Z][\w\-]*'s)\s+")
_WORDISH = frozenset("_-'")


def lower_words_before(text: str, end: int, *, limit: int = 9, span: int = 90) -> str:
    """The run of up to ``limit`` lower-case words (each followed by spaces) that ends at ``end``."""
    lo = max(0, end - span)
    i = end
    taken = 0
    while taken < limit:
        j = i
        while j > lo and text[j - 1] == " ":
            j -= 1
        if j == i:
            break
        k = j
        while k > lo and (text[k - 1].isalnum() or text[k - 1] in _WORDISH):
            k -= 1
        if k == j or not ("a" <= text[k] <= "z"):
            break
        if k == lo and lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] in _WORDISH):
            break
        i = k
        taken += 1
    return text[i:end]


def described_name_after(text: str, pos: int) -> str | None:
    """The name after ``pos``, or after a short description ("the loyal bodyguard Mu-yeong")."""
    direct = name_after(text, pos)
    if direct and not text.startswith("'s ", direct[1]):
        return direct[0]
    dm = _DET.match(text, pos)
    if not dm:
        return None
    seg_end = _CLAUSE_END.search(text, dm.end(), dm.end() + 90)
    seg = text[dm.end() : seg_end.start() if seg_end else dm.end() + 90]
    comma = seg.find(",")
    if comma < 0 and seg_end and text[seg_end.start()] == ",":
        comma = len(seg)  # the clause ended at "mother, <Name>"
        seg = text[dm.end() : seg_end.start() + 1]
    if comma >= 0:
        desc = seg[:comma].split()
        if desc and desc[-1][:1].isupper():
            seg = seg[:comma]  # "as Gyeom's older brother Ko Jun, an actor ...": the name ends
        elif 0 < len(desc) <= 3 and all(w.islower() for w in desc):
            # "as Oz's mother, Francis Cobb, a ...": a short description, then the name
            got = name_after(text, dm.end() + comma + 1)
            if got and text[got[1] : got[1] + 1] in (",", ".", ";", ""):
                return got[0]
    words = seg.split()
    lead = 0
    while lead < min(len(words), 3) and words[lead].isalpha() and words[lead].islower():
        lead += 1
    if (
        0 < lead < len(words)
        and words[lead][:1].isupper()
        and dm.group().strip().casefold() not in ("a", "an")
    ):
        # "as the poet Kavi Kalash has one of ...": descriptor words, the name, then the clause
        run = []
        for w in words[lead:]:
            if not w[:1].isupper():
                break
            run.append(w)
        rest = words[lead + len(run) :]
        if run and rest and rest[0].isalpha() and rest[0].islower():
            got = name_after(" ".join(run), 0)
            if got and got[1] == len(" ".join(run)):
                return got[0]
    if not words or len(words) > 8:
        return None
    i = len(words)
    while i > 0 and words[i - 1][:1].isupper():
        i -= 1
    if i == len(words) or (i == 0 and len(words) > 4):
        return None
    if i == 0 and dm.group().strip().casefold() in ("a", "an"):
        return None  # "anointed as a Reverend Mother": a kind of person, not a character
    got = name_after(" ".join(words[i:]), 0)
    return got[0] if got else None
