"""Cast, characters and aliases from cue patterns.

Every cue yields :class:`Credit` records (who, as whom, where, how strongly); :mod:`bot.extract.core`
attributes each to the reviewed work or to another work the article mentions, and orders the cast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.lists import list_after, list_before
from bot.extract.names import name_after, name_before
from bot.extract.scan import near

CREW_WORDS = (
    r"music|songs?|score|background score|composer|composed|lyrics|lyricist|cinematography|"
    r"cinematographer|camera|dop|editor|editing|edited|writer|writers|written|screenplay|dialogues?|"
    r"story|produced|producer|producers|production|banner|choreography|choreographer|costumes?|"
    r"designer|design|vfx|action|stunts?|sound|created|creator|showrunner|director|directed|direction|"
    r"helmed|filmmaker|novel|book|author"
)
_CREW_WORD_LIST = (
    *tuple(CREW_WORDS.replace("?", "").split("|")),
    "song",
    "dialogue",
    "stunt",
    "costume",
)


@dataclass(slots=True)
class Credit:
    """One cue's claim that ``name`` acts (as ``character``) in some work."""

    name: str
    pos: int
    character: str | None = None
    voice: bool = False
    strength: int = 1  # 3: block/role pair, 2: starring list or "as", 1: weak
    cue: str = ""
    end: int = -1


_AKA = re.compile(
    r",?\s+\(?(?:aka|a\.k\.a\.?|also known as|better known as|popularly known as|fondly known as|"
    r"fondly called|who goes by)\s+",
    re.IGNORECASE,
)
_STARRER = re.compile(r"[Ss]tarrer\b")
_CAST_LINE = re.compile(
    r"(?:^|[|\u2022][ ]*)[ ]*(?:the[ ]+)?(?:main[ ]+|lead[ ]+|star[ ]+|principal[ ]+|voice[ ]+)?"
    r"(?:cast|starring|stars)(?:[ ]*(?:&|and)[ ]*characters)?[ ]*[:\-][ ]*(?P<items>[^\n|]*)(?=$|[ ]?\|)",
    re.IGNORECASE | re.MULTILINE,
)
_ITEM = re.compile(
    r"(?P<name>[^,;|•()\[\]\n]+?)\s*(?:[(\[](?P<char>[^()\[\]\n]{1,80})[)\]])?\s*(?:[,;|•]|\band\b|&|$)"
)
_NEWS_STAR = re.compile(
    r"\s(?:to (?=reunite|team up|come together)|)(?:to star in|to headline|to lead|to play|star in|stars in|join the cast|joins the cast|"
    r"joins|join|have been cast|has been cast|roped in|team up|reunite|come together|"
    r"are set to|is set to|will star|will be seen|to feature)\b",
    re.IGNORECASE,
)


_CAST_LINE_ANCHORS = ("cast", "starring", "stars", "characters")
# a heading alone on its line ("Characters", "Main Cast", "Jade Pavilion cast"): the list follows
_CAST_HEADING = re.compile(
    r"^[ ]*(?:[\w'’:.-]+[ ]+){0,5}?(?:the[ ]+)?(?:main[ ]+|lead[ ]+|principal[ ]+)?"
    r"(?:cast(?:[ ]*(?:&|and)[ ]*characters)?|characters)[ ]*:?[ ]*$",
    re.IGNORECASE | re.MULTILINE,
)
# "<Actor> as <Character> – what they are": the description after the dash is not part of the list
_DESCRIBED = re.compile(r"^(?P<head>[^\n]*?(?:\sas\s|\()[^\n]*?)\s+[–—-]\s+\S.*$")


def _line_head(line: str) -> str:
    """A cast list line without its description ("Ko Min Jae as Cha Do Yoon – an accountant")."""
    m = _DESCRIBED.match(line)
    return m.group("head") if m else line


_NEWS_STAR_ANCHORS = (
    "to star", "to headline", "to lead", "to play", "star in", "stars in", "join", "been cast",
    "roped in", "team up", "reunite", "come together", "set to", "will star", "will be seen",
    "to feature",
)  # fmt: skip


def _starrer_start(text: str, pos: int) -> int:
    """Where the names before "starrer" end ("A and B's starrer", "A-starrer")."""
    while pos > 0 and text[pos - 1] in " -":
        pos -= 1
    if text[max(0, pos - 2) : pos] == "'s":
        pos -= 2
    return pos


def find_aliases(text: str) -> list[tuple[str, str, int]]:
    """ "<A> aka <B>" -> [(A, B, position of A)]."""
    out: list[tuple[str, str, int]] = []
    for m in near(
        _AKA, text, ("aka", "a.k.a", "known as", "called", "goes by"), before=4, after=40
    ):
        a = name_before(text, m.start())
        b = name_after(text, m.end())
        if a and b and a[0] != b[0]:
            out.append((a[0], b[0], a[1]))
    return out


def _crew_before(text: str, start: int) -> bool:
    """True when a crew job ("music by", "Writer:") ends right before ``start``."""
    w = text[max(0, start - 40) : start].lower().rstrip()
    if w.endswith((":", "-")):
        w = w[:-1].rstrip()
    if w.endswith(" by"):
        w = w[:-3].rstrip()
    for word in _CREW_WORD_LIST:
        if w.endswith(word) and (len(w) == len(word) or not w[-len(word) - 1].isalnum()):
            return True
    return False


def cast_block(text: str) -> tuple[list[Credit], list[tuple[int, int]]]:
    """Credits from "Cast: A (Char), B as Char, C" lines, and the spans of those lines."""
    credits: list[Credit] = []
    spans: list[tuple[int, int]] = []
    found = list(near(_CAST_LINE, text, _CAST_LINE_ANCHORS, before=40, after=2000))
    starts = {m.start() for m in found}
    found += [
        h
        for h in near(_CAST_HEADING, text, _CAST_LINE_ANCHORS, before=40, after=40)
        if h.start() not in starts
    ]
    for m in found:
        items = m.groupdict().get("items") or ""
        base = m.start("items") if "items" in m.re.groupindex else m.end()
        if not items.strip():
            # the list may follow on the next lines, one per line
            nxt = text.find("\n", m.end())
            if nxt < 0:
                continue
            if text.startswith("\n", nxt + 1):  # a blank line after a heading: skip it
                nxt += 1
            block_end = text.find("\n\n", nxt + 1)
            block_end = len(text) if block_end < 0 else block_end
            lines = text[nxt + 1 : block_end].split("\n")
            if m.re is _CAST_HEADING and not all(" as " in ln or "(" in ln for ln in lines):
                continue  # a bare heading counts only over a list of "<A> as <C>" / "<C> (<A>)"
            # one line after another, each without its description, positions kept
            items = ", ".join(_line_head(line) for line in lines)
            base = nxt + 1
            spans.append((m.start(), block_end))
        else:
            spans.append((m.start(), m.end()))
        for im in _ITEM.finditer(items):
            raw = im.group("name").strip()
            if not raw:
                continue
            char = None
            parts = re.split(r"\s+(?:as|-|–|:|—)\s+", raw, maxsplit=1)
            got = name_after(parts[0], 0)
            if not got or got[1] < len(parts[0].rstrip(" .")) - 1:
                continue
            name = got[0]
            if len(parts) > 1:
                c = name_after(parts[1], 0)
                char = c[0] if c else None
            elif im.group("char"):
                inner = im.group("char").strip()
                inner = re.sub(r"^(?:as|voice(?: of)?)\s+", "", inner, flags=re.IGNORECASE)
                c = name_after(inner, 0)
                char = c[0] if c else None
            voice = (
                "voice" in (im.group("char") or "").casefold()
                or "voice" in m.group(0)[:12].casefold()
            )
            credits.append(Credit(name, base + im.start(), char, voice, 3, "block"))
    return credits, spans


def news_cast(text: str) -> list[tuple[str, int]]:
    """Names announced for a work: "<A>, <B> and <C> to star in ..." (news shapes)."""
    out: list[tuple[str, int]] = []
    for m in near(_NEWS_STAR, text, _NEWS_STAR_ANCHORS, before=5, after=40):
        out.extend(list_before(text, m.start()))
    return out


def headline_people(rest: str) -> list[Credit]:
    """Starrer names in the headline remainder: "<A> and <B> starrer ...", "<A>'s <Character> ..."."""
    out: list[Credit] = []
    for m in _STARRER.finditer(rest):
        out.extend(
            Credit(n, p, strength=3, cue="headline")
            for n, p in list_before(rest, _starrer_start(rest, m.start()))
        )
    if out:
        return out
    lead = list_after(rest, 0, limit=6)
    if not lead:
        return []
    last_name, last_pos, _ = lead[-1]
    after = rest[last_pos + len(last_name) :]
    if after.startswith(("'s ", "' ")):
        nxt = after.split(" ", 1)[1] if " " in after else ""
        if nxt[:1].islower():
            return [Credit(n, p, strength=3, cue="headline-poss") for n, p, _c in lead]
        if len(lead) == 1:
            char = name_after(nxt, 0)
            if char and _WORK_NOUN_AFTER.match(nxt, char[1]):
                # "<Director>'s Tihar jail drama is ...": a maker's work, not a character
                return [Credit(last_name, last_pos, strength=3, cue="headline-poss")]
            if char and any(w.casefold() in _CHAR_VERBS for w in char[0].split()):
                words = char[0].split()
                cut = next(i for i, w in enumerate(words) if w.casefold() in _CHAR_VERBS)
                char = (" ".join(words[:cut]), 0) if cut else None
            return [
                Credit(last_name, last_pos, char[0] if char else None, strength=2, cue="headline")
            ]
        return []
    verb = after.strip().split(" ", 1)[0].casefold().strip(",")
    if verb in HEADLINE_VERBS and len(lead) >= 1:
        return [Credit(n, p, strength=2, cue="headline") for n, p, _c in lead]
    return out


_WORK_NOUN_AFTER = re.compile(
    r"(?:[ ][a-z][\w\-]*){0,2}?[ ](?:drama|film|movie|series|show|thriller|saga|comedy|epic|"
    r"debut|biopic|docuseries|adaptation|sequel|prequel|procedural|horror|romance|musical)\b"
)
_CHAR_VERBS = frozenset("is are was were has have gets makes returns".split())  # noqa: SIM905
HEADLINE_VERBS = frozenset(
    [
        "shine",
        "shines",
        "impress",
        "impresses",
        "sparkle",
        "sparkles",
        "deliver",
        "delivers",
        "dazzle",
        "dazzles",
        "excel",
        "excels",
        "lead",
        "leads",
        "carry",
        "carries",
        "anchor",
        "anchors",
        "elevate",
        "elevates",
        "rescue",
        "rescues",
        "soar",
        "soars",
        "stun",
        "stuns",
        "steal",
        "steals",
        "own",
        "owns",
        "light",
        "lights",
        "save",
        "saves",
        "make",
        "makes",
        "are",
        "is",
        "bring",
        "brings",
    ]
)
