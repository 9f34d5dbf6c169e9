"""Deciding which work each credit belongs to, and tidying cast and mention lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.extract.judge import sentence_at
from bot.extract.known import KnownNames
from bot.extract.lists import list_before
from bot.extract.mentions import Mention
from bot.extract.names import NAME, STOP, norm_name, norm_title
from bot.extract.people import Credit
from bot.extract.scan import find_all
from bot.extract.works import STUDIOS
from bot.models import CastMember, MentionKind
from bot.text import franchise_key

_KIND_RANK = {MentionKind.ALSO_READ: 0, MentionKind.FRANCHISE: 1, MentionKind.PASSING: 2}
_LINK_WORDS = re.compile(r"^[\s,]*(?:in|from|of)\s+(?:the\s+)?$")
_ACTORISH_CUES = frozenset({"block", "starring", "starrer", "plays", "as", "as-role", "played-by",
                            "headline", "noun", "known", "paren-role", "headline-poss"})  # fmt: skip


_find_all = find_all


@dataclass
class Context:
    """Where the reviewed work and the other works are named in the body."""

    body: str
    starts: list[int]
    title: str | None
    mentions: list[Mention]
    main_pos: list[int] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, mention index

    def __post_init__(self) -> None:
        if self.title:
            self.main_pos = _find_all(self.body, self.title)
        for i, m in enumerate(self.mentions):
            for p in _find_all(self.body, m.title):
                self.spans.append((p, p + len(m.title), i))
        self.spans.sort()

    def other_work(self, pos: int, end: int, *, pair: bool = False) -> Mention | None:
        """The other work a cue at ``pos..end`` is about, or None for the reviewed work.

        A role pair ("<Character> (<Actor>)") moves to another work only when that work's title
        follows it directly ("... in Swades"); looser cues also follow an earlier title in the
        same sentence ("Soundtrack #1 starred actors A and B").
        """
        s, _e = sentence_at(self.starts, self.body, pos)
        best = None
        for a, b, i in self.spans:
            if a >= end and a - end <= 30 and _LINK_WORDS.match(self.body[end:a]):
                return self.mentions[i]
            if not pair and s <= a and b <= pos and not any(b <= p < pos for p in self.main_pos):
                best = self.mentions[i]
        return best

    def other_work_near(self, pos: int) -> bool:
        """True when a director cue at ``pos`` sits after another work's title in its sentence."""
        s, _e = sentence_at(self.starts, self.body, pos)
        return any(
            s <= a
            and b <= pos
            and not any(b <= p < pos for p in self.main_pos)
            and not _SOURCE_BEFORE.search(self.body, max(s, a - 50), a)
            for a, b, _i in self.spans
        )


# "adapted from the web novel <T> by X, and directed by Y": the source is no other production
_SOURCE_BEFORE = re.compile(
    r"(?:adapted from|based on|inspired by|adaptation of)[ ](?:(?:the|a|an|his|her|their)[ ])?"
    r"(?:[\w\-]+[ ]){0,3}$"
)


def title_possessor(headline: str, body: str, title: str | None) -> str | None:
    """ "<Name>'s <Title>" in the headline or body: the possessor (often the director)."""
    if not title:
        return None
    short = title.split(":", 1)[0].strip()
    for text, t in ((headline, title), (body, title), (body, short)):
        for p in _find_all(text, t):
            lead = _LOWER_LEAD.search(text, max(0, p - 40), p)  # "'s historical epic <T>"
            q = lead.start() if lead else p
            before = text[max(0, q - 3) : q]
            cut = 3 if before.endswith("'s ") else 2 if before.endswith("s' ") else 0
            p = q
            if cut:
                names = list_before(text, p - cut)
                if names and _possessor_ok(names[-1][0]):
                    return names[-1][0]
    for text in (headline, body[:_POSSESSOR_SCAN]):
        for m in _HEADLINE_POSSESSOR.finditer(text):
            got = list_before(text, m.start() + len(m.group("n")))
            if got and _CREW_BEFORE.search(text, max(0, got[-1][1] - 30), got[-1][1]):
                continue  # "composer Gustavo Santaolalla's guitar ... the show": crew
            if got and _possessor_ok(got[-1][0]) and (text is headline or " " in got[-1][0]):
                return got[-1][0]
    return None


_CREW_BEFORE = re.compile(
    r"\b(?:composer|music director|cinematographer|editor|lyricist|producer|writer|"
    r"screenwriter|dop|choreographer|designer)[ ]+$",
    re.IGNORECASE,
)
_POSSESSOR_SCAN = 3000  # "Kiran Rao's second feature ..." comes early in a review
_LOWER_LEAD = re.compile(
    r"(?<=[A-Za-z]'s )(?:[a-z][\w\-]*[ ]){1,3}$|(?<=s' )(?:[a-z][\w\-]*[ ]){1,3}$"
)


def _possessor_ok(name: str) -> bool:
    """A possessor that can be a person (not a stop word nor an all-capitals channel like "FX")."""
    return (
        name.casefold() not in STOP
        and name.casefold() not in STUDIOS
        and any(ch.islower() for ch in name)
    )


_HEADLINE_POSSESSOR = re.compile(
    rf"(?P<n>{NAME})'s?[ ]+(?:(?:[a-z\-]+|TV|OTT)[ ]+){{0,3}}(?:film|movie|series|web series|drama|show|farewell|"
    r"debut|directorial|thriller|comedy|epic|satire|fable|horror|musical|sequel|adaptation|"
    r"documentary|biopic|feature|saga)\b"
)


def _canon(name: str, alias_of: dict[str, str], known: KnownNames) -> str:
    key = norm_name(name)
    return alias_of.get(key) or known.canonical(name) or name


def attribute(
    credits: list[Credit], ctx: Context, alias_of: dict[str, str], known: KnownNames
) -> tuple[list[Credit], dict[int, list[str]]]:
    """Split credits into the reviewed work's and other works' (by mention index)."""
    for c in credits:
        c.name = _canon(c.name, alias_of, known)
    actorish = {norm_name(c.name) for c in credits if c.cue in _ACTORISH_CUES}
    actorish |= {k for k in (norm_name(c.name) for c in credits) if known.canonical(k)}
    charish = {
        norm_name(c.character)
        for c in credits
        if c.character and c.cue not in ("paren", "paren-rev")
    }
    # "<X> (<Y>)": who is the actor? Keep one reading per parenthesis.
    by_end: dict[int, list[Credit]] = {}
    for c in credits:
        if c.cue in ("paren", "paren-rev"):
            by_end.setdefault(c.end, []).append(c)
    drop: set[int] = set()
    for group in by_end.values():
        fwd = next((c for c in group if c.cue == "paren"), None)
        rev = next((c for c in group if c.cue == "paren-rev"), None)
        if fwd is None or rev is None:
            continue
        inside, outside = norm_name(fwd.name), norm_name(rev.name)
        reverse = (outside in actorish and inside not in actorish) or (
            inside in charish and outside not in charish
        )
        if reverse:
            rev.strength = 3
            drop.add(id(fwd))
        else:
            drop.add(id(rev))
    main: list[Credit] = []
    others: dict[int, list[str]] = {}
    for c in credits:
        if id(c) in drop:
            continue
        if c.cue in ("block", "headline", "headline-poss"):
            main.append(c)
            continue
        end = c.end if c.end > c.pos else c.pos + len(c.name)
        w = ctx.other_work(c.pos, end, pair=bool(c.character) and c.strength >= 3)
        if w is None:
            main.append(c)
        else:
            others.setdefault(ctx.mentions.index(w), []).append(c.name)
    return main, others


def order_cast(main: list[Credit], alias_of: dict[str, str]) -> list[CastMember]:
    """Merge credits per person and order them: headline names first, then first mention."""
    merged: dict[str, dict[str, object]] = {}
    for c in sorted(main, key=lambda c: c.pos):
        key = norm_name(c.name)
        if not key:
            continue
        slot = merged.setdefault(key, {"name": c.name, "pos": c.pos, "char": None, "cs": -1,
                                       "voice": False, "strength": 0})  # fmt: skip
        if c.character and c.strength > int(slot["cs"]):  # type: ignore[call-overload]
            slot["char"], slot["cs"] = c.character, c.strength
        slot["voice"] = bool(slot["voice"]) or c.voice
        slot["strength"] = max(int(slot["strength"]), c.strength)  # type: ignore[call-overload]
    # a one-word name that is the first/last word of a fuller name is that person
    keys = list(merged)
    for k in keys:
        if " " in k:
            continue
        full = [o for o in keys if o != k and " " in o and k in (o.split()[0], o.split()[-1])]
        if len(full) == 1 and full[0] in merged and k in merged:
            src = merged.pop(k)
            dst = merged[full[0]]
            if dst["char"] is None and src["char"]:
                dst["char"] = src["char"]
            dst["pos"] = min(int(dst["pos"]), int(src["pos"]))  # type: ignore[call-overload]
    ordered = sorted(merged.values(), key=lambda s: int(s["pos"]))  # type: ignore[call-overload]
    out = []
    for s in ordered:
        if int(s["strength"]) < 1:  # type: ignore[call-overload]
            continue
        char = str(s["char"]) if s["char"] else None
        out.append(CastMember(str(s["name"]), char, bool(s["voice"])))
    return out


def final_cast(
    cast: list[CastMember],
    drop: set[str],
    title: str | None,
    mentions: list[Mention],
    source: str | None,
) -> list[CastMember]:
    """Remove crew, titles, the site and characters wrongly read as actors."""
    titles = {norm_title(m.title) for m in mentions}
    if title:
        titles |= {norm_title(title), franchise_key(title)}
    if source:
        titles.add(norm_title(source))
    chars = {norm_name(c.character) for c in cast if c.character}
    played: dict[str, set[str]] = {}
    for c in cast:
        if c.character:
            played.setdefault(norm_name(c.character), set()).add(norm_name(c.name))
    out: list[CastMember] = []
    seen_chars: set[str] = set()
    for c in cast:
        key = norm_name(c.name)
        if key in drop and not c.character:
            continue
        if played.get(key, set()) - {key}:
            continue  # "Xiao Qiao's elder sister Da Qiao": another actor's character, not an actor
        if norm_title(c.name) in titles:
            continue
        if not c.character and (key in chars or any(key in ch.split() for ch in chars)):
            continue  # a character read as an actor ("Bablu" for "Bablu Tiwari")
        if c.character and norm_name(c.character) in seen_chars:
            c = CastMember(c.name, None, c.voice)
        if c.character:
            seen_chars.add(norm_name(c.character))
        out.append(c)
    return out


def dedupe_mentions(
    mentions: list[Mention],
    title: str | None,
    source: str | None,
    persons: set[str],
    text: str = "",
) -> list[Mention]:
    """One mention per work (the strongest kind wins), never the reviewed title, the site or a
    person, nor a passing one the ``text`` only writes inside a longer title."""
    main = norm_title(title) if title else None
    base = franchise_key(title) if title else None
    best: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: (_KIND_RANK[m.kind], m.pos)):
        key = norm_title(m.title)
        if not key or key == main or (source and key == norm_title(source)):
            continue
        if m.kind is MentionKind.PASSING:
            if key == base or norm_name(m.title) in persons or key in STOP:
                continue
            if len(key) < 3:
                continue
        if key in best:
            prev = best[key]
            prev.pos = min(prev.pos, m.pos)
            prev.cast.extend(x for x in m.cast if x not in prev.cast)
            continue
        best[key] = m
    kept = [m for m in best.values() if not _only_inside_others(m, best.values(), title, text)]
    return sorted(kept, key=lambda m: m.pos)


def _only_inside_others(
    m: Mention, mentions: Iterable[Mention], title: str | None, text: str
) -> bool:
    """True for a passing mention that the text only ever writes as part of a longer title it
    names ("Trek" only inside "Star Trek", "Eyes Only" only inside "For Your Eyes Only")."""
    if m.kind is not MentionKind.PASSING or not text:
        return False
    key = f" {norm_title(m.title)} "
    longer = [x.title for x in mentions if x is not m] + ([title] if title else [])
    longer = [
        t
        for t in longer
        if key in f" {norm_title(t)} "
        and len(t) > len(m.title)
        # a run like "Jaane Jaan and Maharaj" is two titles, not a longer one
        and key.strip() not in norm_title(t).split(" and ")
    ]
    if not longer:
        return False
    own = find_all(text, m.title)
    if not own:
        return False  # written otherwise in the text: nothing to compare
    spans = [(s, s + len(t)) for t in longer for s in find_all(text, t)]
    return all(any(a <= o and o + len(m.title) <= b for a, b in spans) for o in own)


def finish_mentions(
    mentions: list[Mention],
    others: dict[int, list[str]],
    title: str | None,
    alias_of: dict[str, str],
) -> list[Mention]:
    """Attach the people credited to each mentioned work and drop the reviewed title."""
    main = norm_title(title) if title else None
    for i, names in others.items():
        m = mentions[i]
        for n in names:
            if norm_name(n) not in {norm_name(x) for x in m.cast}:
                m.cast.append(n)
    out = []
    for m in mentions:
        if norm_title(m.title) == main:
            continue
        m.cast = list(dict.fromkeys(alias_of.get(norm_name(n), n) for n in m.cast))
        out.append(m)
    return out


def full_names(cast: list[CastMember], seen: list[str]) -> list[CastMember]:
    """A one-word cast name that is the surname (or first name) of exactly one fuller name the
    article gives elsewhere ("Glover" beside "Donald Glover") becomes that name."""
    fuller: dict[str, set[str]] = {}
    for name in seen:
        parts = name.split()
        if len(parts) >= 2:
            for p in (parts[0], parts[-1]):
                fuller.setdefault(norm_name(p), set()).add(name)
    have = {norm_name(c.name) for c in cast}
    out: list[CastMember] = []
    for c in cast:
        if " " not in c.name:
            options = {norm_name(n): n for n in fuller.get(norm_name(c.name), ())}
            if len(options) == 1:
                key, name = next(iter(options.items()))
                if key in have:
                    continue  # already listed under the full name
                c = CastMember(name, c.character, c.voice)
                have.add(key)
        out.append(c)
    return out
