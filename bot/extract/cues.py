"""Prose cues for cast members that reviews use deep in their paragraphs (round 3).

* "<Actor>'s [description] <Character> returns ..." (a possessive pair: "Josh Brolin's Gurney Halleck");
* "<Character> (the veteran <Actor>)" / "<Character> (<Actor>, making the most of ...)";
* "<Actor> shines / is hilarious / sizzles in ..." (a performance verb right after a full name).

Every cue is anchored on literal text (``'s``, ``(``, the verbs) so no pattern scans the whole text.
"""

from __future__ import annotations

import re

from bot.extract.lists import list_after, list_before
from bot.extract.names import NAME, NAME_RE, STOP, clean_name, name_after, name_before
from bot.extract.people import HEADLINE_VERBS, Credit, _crew_before
from bot.extract.roles import character
from bot.extract.scan import hits, lower, near
from bot.extract.subjects import clause_start

_WORK_WORDS = frozenset(
    """
    film films movie movies series show shows drama dramas sequel prequel debut directorial direction
    thriller comedy romance epic saga franchise season seasons episode episodes production banner
    adaptation remake documentary biopic anthology novel book music score songs song album studio
    company channel platform version take world universe career filmography credits credit
    works projects oeuvre resume include includes included
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
    r"(?P<tail>,[^()\n]{1,160}|[ ](?:in|doing|giving|who|back|on)[ ][a-z][^()\n]{1,120})?\)"
)
_CREW_PAREN = re.compile(
    r"\((?:the|a|an|his|her)?[ ]?(?:[a-z\-]+[ ]){0,2}?(?:writer|director|maker|producer|composer|"
    r"creator|showrunner|author|editor|cinematographer|screenwriter)s?[ ](?:of|behind)[ ]"
)
_PERF = re.compile(
    r"[ ](?:is|was)?[ ]?(?:shines|sizzles|impresses|excels|dazzles|sparkles|stands out|steals|"
    r"shoulders|carries|anchors|nails|hams|chews|provides|makes the most|turns in|puts in|"
    r"makes (?:a|an) (?:strong|lasting|solid|big|real|memorable|vivid) (?:impression|mark)|"
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


_POSS_NEXT = re.compile(r"[A-Z][\w\-]*(?:[ ][A-Z][\w\-]*){0,3}'s[ ][A-Z]")


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
        if nxt[:1] in (",", ";", ".", ")") or nxt[:2] in (" \u2014", " \u2013") or nxt[:3] == " - ":
            pass
        elif nxt[:1] == " " and nxt[1:2].islower():
            word = nxt[1:].split(" ", 1)[0].strip(",.;")
            if word == "and" and _POSS_NEXT.match(text, end + 5):
                pass  # "A's Ghost and B's Taskmaster": a list of actor-role pairs
            elif word in _PREPOSITIONS or word in _WORK_WORDS:
                continue
        else:
            continue
        if any(w.casefold() in _ORG_WORDS for w in f"{actor[0]} {char}".split()):
            continue
        prev = text[max(0, actor[1] - 12) : actor[1]].rstrip().rsplit(" ", 1)[-1].casefold()
        if prev in _WORK_PREPS:
            continue  # "his debut in Hansal Mehta's Faraaz": a work
        if prev[:1].isdigit() and prev[-1:].isalnum() and text[actor[1] - 1 : actor[1]] == " ":
            continue  # "21st Century Grand Prince's Wife": a title, not an actor
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
        if tail.lstrip().startswith(",") and not any(
            w[:1].islower() and w not in ("and", "of", "the", "in") for w in tail.split()
        ):
            continue  # "(Hotel Del Luna, Start-Up)": a list of works, not an actor
        if _CREW_PAREN.match(text, h):
            continue  # "Shahi Kabir (the writer of Ela Veezha Poonchira)": a credit, not a role
        before = name_before(text, h)
        if before and _crew_before(text, before[1]):
            continue  # "Director Oh Choong-hwan (Hotel Del Luna, ...)": a filmography
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


_ENSEMBLE_LEAD = (
    "newcomers", "actors", "actresses", "cast", "ensemble", "who play", "kids", "children",
    "youngsters", "players", "stars", "co-stars", "supporting",
)  # fmt: skip


def ensemble_lists(text: str) -> list[Credit]:
    """ "the ten newcomers who play the team: A, B, C and D", "the kids - A, B, C - are ...": an
    ensemble introduced by a cast noun before a colon or a dash (three or more names)."""
    out: list[Credit] = []
    low = lower(text)
    for h in hits(low, (": ", " - ", " \u2014 ")):
        lead = low[max(0, h - 90) : h]
        cut = max(lead.rfind(". "), lead.rfind("\n"))
        lead = lead[cut + 1 :]
        if not any(w in lead for w in _ENSEMBLE_LEAD):
            continue
        start = h + (2 if low[h] == ":" else 3)
        names = list_after(text, start, limit=16)
        if len(names) < 3:
            continue
        for name, pos, char in names:
            out.append(Credit(name, pos, character(char) if char else None, False, 2, "starring"))
    return out


def headline_performers(headline: str) -> list[Credit]:
    """News headlines that judge a performance: "... : <A> goes feral in ..., but it's <B> who
    steals the show" -> A, B (two-word names or longer, followed by a performance verb)."""
    out: list[Credit] = []
    for m in NAME_RE.finditer(headline):
        name = clean_name(m.group())
        if not name or " " not in name:
            continue
        after = headline[m.end() :].lstrip(" ,")
        if after.startswith("who "):
            after = after[4:]
        verb = after.split(" ", 1)[0].casefold().strip(",")
        if verb in HEADLINE_VERBS or verb in ("goes", "turns", "looks", "roars", "rages"):
            out.append(Credit(name, m.start() + m.group().find(name), strength=2, cue="headline"))
    return out


_ROLE_NOUN = re.compile(
    rf"(?P<a>{NAME})[ ](?:is|was|plays)[ ](?:the|his|her|their)[ ](?:[a-z\-]+[ ]){{0,2}}?"
    r"(?:villain|antagonist|hero|heroine|protagonist|lead|mother|father|wife|husband|brother|"
    r"sister|daughter|son|boss|mentor|rival|girlfriend|boyfriend|killer|cop|detective|tycoon|"
    r"gangster|don|mastermind|prosecutor|lawyer|advocate|judge|inspector|officer|teacher|doctor|"
    r"neighbour|neighbor|landlord|journalist|senior|junior|friend|partner|colleague|assistant|"
    rf"sidekick|deputy|superior),?[ ](?P<c>{NAME})(?=[,.;])"
)
_RESPECTIVELY = re.compile(rf"[ ]as[ ](?P<c1>{NAME})[ ]and[ ](?P<c2>{NAME})(?:,)?[ ]respectively\b")


def role_noun_pairs(text: str) -> list[Credit]:
    """ "<Actor> is the villain, <Character>." and "<A> and <B> ... as <X> and <Y> respectively"."""
    out: list[Credit] = []
    for m in near(_ROLE_NOUN, text, (" is the ", " is his ", " is her ", " was the ", " plays the",
                                     " plays his ", " plays her "), before=60, after=80):  # fmt: skip
        actor = name_after(m.group("a"), 0)
        char = name_after(m.group("c"), 0)
        if actor and char and " " in actor[0] and actor[1] == len(m.group("a")):
            start = m.start("a") + m.group("a").find(actor[0])
            if clause_start(text, start):
                out.append(Credit(actor[0], start, character(char[0]), False, 3, "copula"))
    for m in near(_RESPECTIVELY, text, ("respectively",), before=120, after=20):
        actors = list_before(text, m.start())
        if len(actors) != 2:
            # "<A> and <B> reprise their roles as X and Y respectively": names before the verb
            lead = text[max(0, m.start() - 120) : m.start()]
            k = lead.rfind(" and ")
            actors = []
            if k >= 0:
                j = max(0, m.start() - 120) + k
                second = name_after(text, j + 5)
                first = name_before(text, j)
                if first and second:
                    actors = [first, (second[0], second[1] - len(second[0]))]
        chars = [name_after(m.group("c1"), 0), name_after(m.group("c2"), 0)]
        if len(actors) == 2 and all(chars):
            for (name, pos), c in zip(actors, chars, strict=True):
                out.append(Credit(name, pos, character(c[0]) if c else None, False, 3, "as"))
    return out


def possessive_starrers(text: str, title: str) -> list[Credit]:
    """ "Dhanush, Nagarjuna and Rashmika Mandanna's Kuberaa": two or more names owning the work
    are its leads (one name alone may be the director, so it is left to other cues)."""
    out: list[Credit] = []
    if not title or len(title) < 2:
        return out
    for sep in ("'s ", "s' "):
        needle = f"{sep}{title}"
        i = text.find(needle)
        seen = 0
        while i >= 0 and seen < 20:
            seen += 1
            end = i + len(needle)
            if end >= len(text) or not text[end].isalnum():
                cut = i + (0 if sep == "'s " else 1)
                names = list_before(text, cut)
                if len(names) >= 2 and names[-1][1] + len(names[-1][0]) == cut:
                    out.extend(Credit(n, p, None, False, 2, "starring") for n, p in names)
            i = text.find(needle, end)
    return out


_HYPHEN_STARRER = re.compile(
    r"(?<![\w\-])(?P<a>[A-Z][a-z]{2,20})-(?P<b>[A-Z][a-z]{2,20})(?:'s)?[ ]"
    r"(?:starrer|film|movie|drama|series|show|thriller|comedy|romance)\b"
)


_NOT_LEADS = frozenset(
    """
    indo anglo sino franco afro euro pan korean indian american british japanese chinese hindi
    tamil telugu malayalam kannada marathi bengali punjabi gujarati english french spanish
    german italian russian thai filipino nepali pakistani south north
    """.split()  # noqa: SIM905
)


def hyphen_starrers(text: str) -> list[Credit]:
    """ "Sasikumar-Simran film", "Varun-Janhvi starrer": two leads joined by a hyphen."""
    out: list[Credit] = []
    for m in near(_HYPHEN_STARRER, text, ("starrer", "film", "movie", "drama", "series", "show",
                                          "thriller", "comedy", "romance"), before=50, after=20):  # fmt: skip
        if {m.group("a").casefold(), m.group("b").casefold()} & _NOT_LEADS:
            continue  # "Indo-Korean film", "Hindi-Tamil film": languages and nations
        for g in ("a", "b"):
            name = m.group(g)
            if name.casefold() not in STOP:
                out.append(Credit(name, m.start(g), None, False, 2, "starring"))
    return out
