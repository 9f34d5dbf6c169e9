"""Other works named in passing: cue-led title runs, list items and quoted titles.

A title is a run of Capitalised words, numbers and connectors ("Crash Landing on You") that starts
right after a cue which makes a *work* likely ("films like", "fans of", "who made", "a role in",
"<Studio>'s", "1. <T> (Netflix)", "'<T>'" ...). Runs that name a person, a character or the site are
dropped by the caller. Every search is anchored on literal words (see :mod:`bot.extract.scan`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.extract.names import STOP
from bot.extract.runs import tidy_title, title_run
from bot.extract.scan import cue_hits, hits, lower

IsPerson = Callable[[str], bool]

# cue phrase (lower case, ends right before the title) -> the title follows it
_LIST_CUES = (
    "films like ", "movies like ", "shows like ", "dramas like ", "series like ", "thrillers like ",
    "classics like ", "k-dramas like ", "titles like ", "hits like ", "such as ", "fans of ",
    "echoes of ", "shades of ", "reminiscent of ", "recalls ", "compared to ", "compared with ",
    "comparisons with ", "comparisons to ", "sequel to ", "prequel to ", "remake of ",
    "follow-up to ", "the star of ", "known for ", "remembered for ", "who made ", "who directed ",
    "wrote and directed ", "previously made ", "also made ", "the director of ", "the makers of ",
    "the maker of ", "the creator of ", "the hitmaker behind ", "the team behind ", "starting with ",
    "ever since ", "since ", "fan since ", " from ", "like ", "watched ", "rewatched ",
    "cousin of ", "and produced ", "who also made ", "a sequel to ", "this is not ",
    "in the vein of ", "the likes of ", "debut ", "feature was the ", "mentions: ",
    " novel ", " film ", " movie ", " series ", " show ", " shows ", " drama ", " dramas ",
    " bestseller ", " favourite ", " favourite, ", " hit ", " thriller ", " comedy ", " films, ",
    "instalments of the ", "chapter, ", "to set up ", "impatient for ", "a trailer for ",
    "a film, ", "a series, ", "season of ", "seasons of ", "episode of ", "spin-off of ",
    "to make ", "whose ", "recent shows ", "after ", "same week as ", "same world as ",
    "nominated for ", "than ", "success of ", "records of ", "followed by ",
    "release was ",
)  # fmt: skip
# "<performance word> ... in <T>": an actor's earlier work
_IN_AFTER = frozenset(
    """
    role roles turn turns part parts playing played good lovable seen actor actress work
    starred appeared performance cameo hated loved excellent brilliant fine obvious gangster
    remember remembered famous known lead debut breakout iconic memorable
    """.split()  # noqa: SIM905
)
STUDIOS = frozenset(
    """
    netflix disney disney+ hbo fx amazon prime apple hulu zee5 sonyliv jiocinema jiohotstar
    hotstar tvf maddock yrf dharma marvel sony pixar dreamworks a24 amc bbc itv tvn jtbc mbc
    sbs kbs ena coupang tving viki wavve mubi peacock paramount universal warner lionsgate
    excel t-series aha
    """.split()  # noqa: SIM905
)
_LIST_ITEM = re.compile(
    r"^(?:\d{1,2}[.)][ ]+)?(?P<t>[A-Z0-9][^\n|()\-–\[]{0,70}?)[ ]*(?:\([^()\n]{2,40}\)|[-–|][ ]+"
    r"[A-Z][\w+ ]{1,30}(?:[ ]\([a-z]+\))?)[ ]*(?:\[[^\]\n]{0,20}\][ ]*)?$",
    re.MULTILINE,
)
_QUOTE = re.compile(r"(?<![\w'])'([A-Z0-9][^'\n]{0,60}?)'(?![\w])|\"([A-Z0-9][^\"\n]{0,60}?)\"")


_NEVER_FIRST = frozenset(
    """
    and but or so if when while though although because as then now here there this that these
    those he she they we you his her their its our your also even still just only not no yes
    very too well however meanwhile
    """.split()  # noqa: SIM905
) - frozenset(["when", "my", "it's", "your", "our", "her", "his"])


def _split_list(run: str, seps: tuple[str, ...] = (" and ", " or ")) -> list[str]:
    """ "Stree and Bhediya" -> both; "Love Between Fairy and Devil" stays one title."""
    if ":" in run:
        head, _, tail = run.partition(":")
        parts = _split_list(head, seps)
        left, sep, right = tail.partition(" and ")
        if sep and any(ch.isdigit() for ch in right) and right[:1].isupper():
            parts[-1] = f"{parts[-1]}:{left}"
            return [*parts, *_split_list(right, seps)]
        parts[-1] = f"{parts[-1]}:{tail}"
        return parts
    for sep in seps:
        if sep in run:
            left, _, right = run.partition(sep)
            first, _, rest = right.partition(" ")
            if first in ("to", "in", "and") and rest:
                right = rest
            lw = left.split()
            if len(lw) >= 3 and len(right.split()) == 1 and not any(c.isdigit() for c in left):
                continue
            if not right[:1].isupper() and not right[:1].isdigit():
                continue
            return [*_split_list(left, seps), *_split_list(right, seps)]
    return [run]


_LABELS = frozenset(
    """
    writer writers director directors cast film movie rating platform music producer producers
    episodes runtime genre language verdict based where creator creators series show streaming
    release certificate duration stars starring
    """.split()  # noqa: SIM905
)
_WORK_NEAR = (
    "film", "movie", "series", "show", "drama", "season", "sequel", "franchise", "trailer",
    "release", "episode", "novel", "book", "song", "album", "documentary", "remake", "title",
)  # fmt: skip


def _run_at(text: str, pos: int) -> str | None:
    run = title_run(text[pos : pos + 160], max_words=12)
    if not run:
        return None
    return run


def _good(run: str, is_person: IsPerson) -> str | None:
    run = run.split(" (", 1)[0]
    if "'s " in run and run.rsplit("'s ", 1)[0].split()[-1].casefold() not in _NOT_POSSESSIVE:
        run = run.rsplit("'s ", 1)[1]  # "David Lynch's Dune" -> "Dune"
    if " in " in run:
        left, _, right = run.partition(" in ")
        if is_person(left) or 2 <= len(left.split()) <= 3:
            run = right  # "Gong Hyo-jin in When the Camellia Blooms"
    words = run.split()
    while words and "-" in words[0] and words[0].split("-", 1)[1][:1].islower():
        words.pop(0)  # "Mumbai-set Dhobi Ghat", "12-episode"
    while len(words) >= 2 and words[-1].casefold() in STOP and words[-2].casefold() in _TAIL_LINKS:
        words = words[:-2]  # "... Season 3 on Netflix"
    if not words or words[-1].endswith("'s") or words[0].rstrip(":").casefold() in _LABELS:
        return None
    run = " ".join(words)
    if not any(w[:1].isupper() for w in words):
        return None
    t = tidy_title(run)[0]
    if not t or len(t) < 2:
        return None
    words = t.split()
    first = words[0].casefold()
    if (
        first in STOP
        and first not in ("the", "a", "an")
        and (len(words) < 3 or first in _NEVER_FIRST)
    ):
        return None
    if len(words) == 1 and (t.casefold() in STOP or t.isdigit()):
        return None
    if words[-1].casefold() in STOP and len(words) > 1 and not words[-1][:1].isupper():
        return None
    if is_person(t):
        return None
    return t


_NOT_POSSESSIVE = frozenset(["it", "that", "what", "there", "here", "let", "who", "he", "she"])
_TAIL_LINKS = frozenset(["on", "in", "at", "for", "from", "via", "and"])
_ON_AFTER = frozenset(
    "work worked working television directors director set sets collaborated together".split()  # noqa: SIM905
)
_LIST_NEXT = re.compile(r",[ ]+(?:and[ ]+|or[ ]+)?(?=[A-Z0-9])")


def cue_titles(text: str, is_person: IsPerson) -> list[tuple[int, str]]:
    """Titles that follow a work cue: (position, title)."""
    low = lower(text)
    out: list[tuple[int, str]] = []
    done: set[int] = set()
    for h, cue in cue_hits(low, _LIST_CUES):
        cue_end = h + len(cue)
        if cue_end in done or cue_end >= len(text):
            continue
        if not (text[cue_end].isupper() or text[cue_end].isdigit()):
            continue
        done.add(cue_end)
        if low[h] != " " and h > 0 and low[h - 1].isalnum():
            continue
        c0 = h + (1 if low[h] == " " else 0)
        if not text[c0].islower() and text[max(0, c0 - 4) : c0].rstrip(" ")[-1:] not in (
            "",
            ".",
            "!",
            "?",
            "\n",
        ):
            continue  # "Mythri Movie Makers": the cue word is part of a name
        run = _run_at(text, cue_end)
        seps: tuple[str, ...] = (" and ", " or ")
        if run and low.startswith(" from ", h):
            prev = low[max(0, h - 30) : h].split()[-3:]
            after_comma = low[max(0, h - 1) : h] in (",", "") or (prev and prev[-1].endswith(","))
            if not after_comma and not any(
                w.startswith(("remember", "known", "famil", "recogn", "fame")) for w in prev
            ):
                continue
            seps = (" and ", " or ", " to ")
        pos = cue_end
        for _ in range(8):  # "A, B and C": follow the list
            if not run:
                break
            for part in _split_list(run, seps):
                t = _good(part, is_person)
                if t:
                    out.append((pos, t))
            end = text.find(run, pos) + len(run) if text.find(run, pos) >= 0 else -1
            lm = _LIST_NEXT.match(text, end) if end > 0 else None
            if not lm:
                break
            pos = lm.end()
            run = _run_at(text, pos)
    # "<performance word> in <T>", "worked ... on <T>"
    for h in hits(low, (" in ", " on ")):
        j = h + 4
        if j >= len(text) or not (text[j].isupper() or text[j].isdigit()):
            continue
        prev = low[max(0, h - 50) : h].replace(",", " ").split()[-4:]
        if not any(w in (_IN_AFTER if low[h + 1] == "i" else _ON_AFTER) for w in prev):
            continue
        poss = text[j : j + 40].split(" ", 1)
        if poss and poss[0].endswith("'s") and poss[0][:-2].casefold() in STUDIOS:
            j += len(poss[0]) + 1  # "in ZEE5's Dhoop Chhaon"
        run = _run_at(text, j)
        if run:
            for part in _split_list(run):
                t = _good(part, is_person)
                if t:
                    out.append((j, t))
    # "<Studio>'s <T>" / "<Director>'s <T>"
    for h in hits(low, ("'s ",)):
        j = h + 3
        if j >= len(text) or not text[j].isupper():
            continue
        k = h
        while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "+-"):
            k -= 1
        if low[k:h] not in STUDIOS:
            continue
        run = _run_at(text, j)
        if run:
            t = _good(run, is_person)
            if t:
                out.append((j, t))
    return out


def list_items(text: str, is_person: IsPerson) -> list[tuple[int, str]]:
    """Roundup items: "1. <T> (Netflix)", "<T> - Prime Video" lines."""
    out: list[tuple[int, str]] = []
    for h in hits(lower(text), ("(", " - ", " – ", " | ")):
        ls = text.rfind("\n", 0, h) + 1
        if h - ls > 80:
            continue
        m = _LIST_ITEM.match(text, ls)
        if not m or (out and out[-1][0] == m.start("t")):
            continue
        t = _good(m.group("t").strip(), is_person)
        if t and title_run(t, max_words=12) == t and len(t.split()) <= 8:
            out.append((m.start("t"), t))
    return out


def quoted_titles(text: str, is_person: IsPerson) -> list[tuple[int, str]]:
    """Short title-like runs in quotes: 'Munjya', "Moonlit Letters"."""
    if "'" not in text and '"' not in text:
        return []
    out: list[tuple[int, str]] = []
    for h in hits(lower(text), ("'", '"')):
        m = _QUOTE.match(text, h)
        if not m:
            continue
        q = m.group(1) or m.group(2)
        near_text = lower(text[max(0, h - 30) : m.end() + 30])
        if not any(w in near_text for w in _WORK_NEAR):
            continue  # a nickname or a slogan, not a work
        if len(q.split()) <= 8 and title_run(q, max_words=12) == q:
            t = _good(q, is_person)
            if t:
                out.append((h + 1, t))
    return out
