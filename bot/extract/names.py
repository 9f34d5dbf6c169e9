"""Recognising people's names and known titles in clean text.

Names are runs of capitalised words (with initials, hyphens and a few lower-case particles); the cue
patterns in :mod:`bot.extract.people` decide which runs are actors, characters or directors. Known names
and titles are indexed in :mod:`bot.extract.known`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text import norm_name as _norm_name
from bot.text import norm_title as _norm_title

norm_name = lru_cache(maxsize=65536)(_norm_name)
norm_title = lru_cache(maxsize=65536)(_norm_title)

UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĨĪĮİĴĶĹĻĽĿŁŃŅŇŌŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
# one capitalised word or an initial ("K." / "S.S."); apostrophes and hyphens stay inside words
TOKEN = (
    rf"(?:[{UP}]\.(?:\s?[{UP}]\.){{0,2}}|[{UP}][a-z]\.(?=[ ][{UP}][a-z])|[{UP}][\w'\-]*\w|[{UP}])"
)
PARTICLE = r"(?:de|da|di|du|del|der|van|von|bin|binti|al|el|dos|das|la|le)"
NICK = rf"'[{UP}][\w\-]*\w'"  # a quoted nickname inside a name: Carmen 'Carmy' Berzatto
NAME = rf"{TOKEN}(?:[ ](?:{PARTICLE}[ ]|{NICK}[ ])?{TOKEN}){{0,4}}"
NAME_RE = re.compile(NAME)
NAME_AT = re.compile(rf"[ ]?({NAME})")
NAME_END = re.compile(rf"({NAME})[ ]?$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are never part of a person's name.
STOP = _words(
    """
    the a an this that these those it its he she they his her their hers them him we our you
    your i in on at of for with without by from into onto to over under about after before
    during since until and but or nor yet so as if when while though although because unless
    whether than then now here there what who whom whose why how where which both each every
    all some many most more much few several any also even still just only not no yes very too
    well again once however meanwhile moreover besides furthermore overall finally ultimately
    perhaps maybe sure indeed instead otherwise thus hence one two three four five six seven
    eight nine ten first second third last next new old mr mrs ms dr sir madam miss monday
    tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december netflix prime video amazon disney hotstar
    jiohotstar jiocinema zee5 sonyliv sony liv apple hbo hulu peacock paramount mubi youtube
    instagram twitter facebook tiktok imdb tvn jtbc sbs kbs mbc ena coupang tving wavve viki
    kocowa rakuten crunchyroll korean south north indian hindi tamil telugu malayalam kannada
    marathi bengali punjabi gujarati english japanese chinese american british french spanish
    german italian bollywood hollywood tollywood kollywood mollywood sandalwood k-drama kdrama
    k-dramas drama dramas film films movie movies series show shows season seasons episode
    episodes part chapter volume review reviews verdict rating ratings cast crew director
    directors writer writers producer producers music story plot screenplay direction
    performances performance dialogues cinematography editing read watch trailer teaser box
    office collection release ott platform runtime genre language actor actress actors
    actresses star stars co-star newcomer veteran superstar filmmaker critics what's here's
    creator creators showrunner showrunners helmer
    there's it's that's let's don't doesn't isn't can't won't didn't oh ah wow okay ok hmm
    """
)

# Stop words that are also syllables of (mostly Korean) names: they do not cut a capitalised run.
NAME_SYLLABLES = _words(
    """
    so do an no ha oh go ma na in on he i min ye ji ah ae more may long young will well best little love
    hope ten sun
    """
)

# Capitalised words that may start a sentence but end a name run when they follow it.
VERBISH = _words(
    """
    is was are were has had have will would could should can may might does did plays played
    stars starred returns
    """
)

_NAME_ABBR = frozenset(["mr", "ms", "dr", "st", "jr", "sr", "lt", "co"])
_POSSESSIVE = re.compile(r"'s?$")
# a hyphenated Korean given name ("Choong-hwan", "Ae-sun"): a syllable before it is a family name
_KOREAN_GIVEN = re.compile(r"[A-Z][a-z]{1,5}-[a-z]{1,5}(?:'s)?$")


def _syllable(part: str) -> bool:
    """A capitalised stop word that may be a name syllable ("On" in "Han Da On", "I" in "Jae I")."""
    return part[:1].isupper() and part.casefold() in NAME_SYLLABLES


def _lead_syllable(parts: list[str]) -> bool:
    """True when a leading syllable is a family name: "Oh Jung Se", "Do Hyeon Seo", "Oh Choong-hwan"."""
    return _syllable(parts[0]) and (
        len(parts) == 3 or (len(parts) == 2 and bool(_KOREAN_GIVEN.match(parts[1])))
    )


def strip_possessive(name: str) -> str:
    """``"Han So Hee's"`` -> ``"Han So Hee"``."""
    return _POSSESSIVE.sub("", name) if name.endswith(("'s", "s'")) else name


_LIKENESS = ("-alike", "-type", "-esque", "-lookalike", "-like")


def clean_name(run: str) -> str | None:
    """Trim a capitalised run to a plausible person/character name, or None.

    Leading and trailing stop words are dropped; a stop word inside the run cuts it (the part before
    the stop word is kept only if no part follows).
    """
    run = run.strip(" ,.;:-")
    if not run:
        return None
    parts = run.split(" ")
    # "Su." after a name ends a sentence ("played by Oh Dal Su. And ..."); "Jr." and "Dr." do not
    for i, p in enumerate(parts[1:], 1):
        if len(p) == 3 and p[2] == "." and p[:2].casefold() not in _NAME_ABBR:
            parts = parts[: i + 1]
            parts[i] = p[:2]
            break
    # "Maxine Peake-alike Deborah Finnegan", "a Sheila Hancock-type Margaret Ellory": the words
    # up to a comparison like that describe the person named after it
    for i in range(len(parts) - 2, -1, -1):
        if parts[i].casefold().endswith(_LIKENESS):
            parts = parts[i + 1 :]
            break
    # a possessive ends a name: "Kapoor's Vicky" -> "Kapoor's"
    for i, p in enumerate(parts[:-1]):
        if p.endswith(("'s", "s'")):
            parts = parts[: i + 1]
            break
    parts[-1] = strip_possessive(parts[-1])
    # drop leading stop words ("Also Noh Sang Hyun" -> "Noh Sang Hyun"), but keep a short
    # syllable that starts a three-part Korean name ("Do Hyeon Seo")
    while parts and parts[0].casefold().rstrip(".") in STOP:
        if _lead_syllable(parts):
            break  # "Do Hyeon Seo", "Oh Choong-hwan": a family name, not a stop word
        parts.pop(0)
    # cut at the first stop word inside (syllables like "So" in "Han So Hee", "On" in "Han Da On"
    # do not cut: a capitalised function word inside a name run belongs to the name)
    for i, p in enumerate(parts):
        low = p.casefold()
        if p == "A" and 0 < i < len(parts) - 1 and parts[i + 1][:1].isupper():
            continue  # an initial without a dot: "Rajesh A Krishnan"
        if i and low in STOP and not _syllable(p):
            parts = parts[:i]
            # Title Case prose: "Park Shin Hye On Her New Role" -> "Park Shin Hye"
            while len(parts) > 1 and parts[-1].casefold() in STOP:
                parts.pop()
            break
    while parts and parts[-1].islower():
        parts.pop()
    if not parts:
        return None
    name = " ".join(parts).rstrip(".")
    if len(parts) == 1 and len(name) > 5 and name.endswith("ing"):
        return None  # "Flying", "Casting": a sentence-initial word, not a name
    return name if any(ch.isalpha() for ch in name) else None


def clean_name_backward(run: str) -> str | None:
    """Like :func:`clean_name`, but for a run that ends at a cue: keep the part after a stop word."""
    run = strip_possessive(run.strip(" ,.;:-"))
    parts = run.split(" ")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i].endswith(("'s", "s'")):
            parts = parts[i + 1 :]
            break
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].casefold().rstrip(".") in STOP:
            after_name = i > 0 and parts[i - 1].casefold() not in STOP
            if after_name and (_syllable(parts[i]) or (parts[i] == "A" and i < len(parts) - 1)):
                continue  # "Kim In Kwon", "Han Da On": a syllable inside the name
            if _lead_syllable(parts[i:]):
                parts = parts[i:]  # "Director Oh Choong-hwan": "Oh" is the family name
                break
            parts = parts[i + 1 :]
            break
    return clean_name(" ".join(parts)) if parts else None


def name_after(text: str, pos: int) -> tuple[str, int] | None:
    """The cleaned name run starting at ``pos`` (after optional space) and where it ends."""
    m = NAME_AT.match(text, pos)
    if not m:
        return None
    name = clean_name(m.group(1))
    if not name:
        return None
    start = m.start(1)
    # the cleaned name may be shorter than the run; find where it ends
    idx = text.find(name, start, m.end(1) + 1)
    end = idx + len(name) if idx >= 0 else m.end(1)
    return name, end


_TOKEN_FULL = re.compile(TOKEN)
_NICK_FULL = re.compile(NICK)
_PARTICLES = frozenset(PARTICLE[3:-1].split("|"))
_OPENERS = "\"'([{"


def name_before(text: str, pos: int) -> tuple[str, int] | None:
    """The cleaned name run ending right at ``pos`` (before optional space) and where it starts.

    Scans words backwards (no regex search over the window: this runs for every cue).
    """
    lo = max(0, pos - 90)
    chunk = text[lo:pos]
    if chunk.endswith(" "):
        chunk = chunk[:-1]
    nl = chunk.rfind("\n")
    if nl >= 0:
        chunk = chunk[nl + 1 :]
    end = lo + (nl + 1 if nl >= 0 else 0) + len(chunk)
    taken: list[str] = []
    tokens = 0
    for tok in reversed(chunk.split(" ")):
        core = tok.lstrip(_OPENERS)
        if taken and _NICK_FULL.fullmatch(tok):
            taken.append(tok)
            continue
        if core and _TOKEN_FULL.fullmatch(core):
            taken.append(core)
            tokens += 1
            if core != tok or tokens >= 5:
                break
        elif taken and tok in _PARTICLES:
            taken.append(tok)
        else:
            break
    while taken and (taken[-1] in _PARTICLES or taken[-1].startswith("'")):
        taken.pop()
    if not taken:
        return None
    run = " ".join(reversed(taken))
    start = end - len(run)
    name = clean_name_backward(run)
    if not name:
        return None
    idx = text.rfind(name, start, pos)
    return name, (idx if idx >= 0 else start)
