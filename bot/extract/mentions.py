"""Other works an article names: "Also Read" headlines, franchise siblings and passing mentions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.extract.headline import parse_headline
from bot.extract.known import KnownTitles
from bot.extract.names import STOP, norm_title
from bot.extract.runs import tidy_title, title_run
from bot.extract.scan import near
from bot.models import MentionKind
from bot.text import franchise_key

_ALSO_READ = re.compile(
    r"^[ ]*(?:also read|read also|also see|also watch|read more|related|must read|don't miss|"
    r"recommended|see also)[ ]*[:\-|>»][ ]*(?P<h>[^\n]{3,300})$",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(r"https?://\S+")
_YEAR_MARK = re.compile(r"\s?\((?:19|20)\d{2}\)")
_WORK_NOUN = (
    r"(?:film|movie|series|show|drama|k-drama|web series|documentary|thriller|comedy|sitcom)"
)
_BEFORE_TITLE = re.compile(
    rf"\b(?:the {_WORK_NOUN}|(?:his|her|their|its) (?:debut )?{_WORK_NOUN}|fans of|nods? to|echoes of|"
    r"shades of|reminiscent of|remind(?:s|ed)? (?:one|us|you|me) of|compared (?:to|with)|"
    r"comparisons? (?:to|with)|in the vein of|a la|the likes of|(?:films|movies|shows|dramas|series)"
    r" like|this is not|this isn't|sequel to|prequel to|spin-off of|spinoff of|follow-up to|"
    r"remake of|successor to|predecessor,?|another [\w-]+ favourite,|the world of)\s+(?=[A-Z0-9\"'])",
)
_AFTER_TITLE = re.compile(
    rf"^\s*(?:{_WORK_NOUN}s?|films|movies|franchise|universe|fame|saga|trilogy)\b", re.IGNORECASE
)
_THE_TITLE_FILMS = re.compile(
    r"\bthe\s+(?P<t>(?:[A-Z0-9][\w'\-:#]*\s+){1,5}?)(?:films|movies|franchise|universe|saga|trilogy|"
    r"series)\b"
)
_ROLE_FROM = re.compile(
    r"(?:\bas\s+[A-Z][\w'\-]*(?:\s[A-Z][\w'\-]*){0,3}(?:\s+ji)?|\b(?:his|her|their)\s+[a-z]+)\s+from\s+"
    r"(?:the\s+)?(?=[A-Z0-9])"
)
_NAME_IN_TITLE = re.compile(r"\s+in\s+(?=[A-Z0-9])")
_LIST_SEP = re.compile(r"^(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)")


_ALSO_READ_ANCHORS = (
    "also", "read", "related", "don't miss", "recommended",
)  # fmt: skip
_BEFORE_TITLE_ANCHORS = (
    "film", "movie", "series", "show", "drama", "documentary", "thriller", "comedy", "sitcom",
    "fans of", "nod", "echoes of", "shades of", "reminiscent", "remind", "compar", "vein",
    "a la", "likes of", "like", "this is", "sequel", "prequel", "spin", "follow-up", "remake",
    "successor", "predecessor", "another", "world of",
)  # fmt: skip
_FILMS_ANCHORS = ("films", "movies", "franchise", "universe", "saga", "trilogy", "series")


@dataclass(slots=True)
class Mention:
    """A mention found so far (position for ordering and attribution)."""

    title: str
    kind: MentionKind
    pos: int
    cast: list[str] = field(default_factory=list)
    url: str | None = None
    headline: str = ""


def also_read(text: str) -> list[tuple[int, int, str, str | None]]:
    """ "Also Read: <headline>" lines: (start, end, headline, url)."""
    out = []
    for m in near(_ALSO_READ, text, _ALSO_READ_ANCHORS, before=30, after=400):
        h = m.group("h")
        url = None
        um = _URL.search(h)
        if um:
            url = um.group().rstrip(".,)")
            h = (h[: um.start()] + h[um.end() :]).strip(" -|")
        out.append((m.start(), m.end(), h.strip(), url))
    return out


def also_read_title(headline: str) -> str | None:
    """The work an "Also Read" headline is about."""
    return parse_headline(headline).title


def passing(
    text: str,
    italics: Iterable[str],
    known: KnownTitles,
    is_person: Callable[[str], bool],
) -> list[tuple[int, str, list[str]]]:
    """Titles named in passing: (position, title, people the text credits to it)."""
    out: list[tuple[int, str, list[str]]] = []
    for pos, t in known.find_in(text):
        out.append((pos, t, []))
    for it in italics:
        pos = text.find(it)
        if pos >= 0 and it[:1].isupper() and len(it.split()) <= 8:
            out.append((pos, tidy_title(it)[0], []))
    for m in near(_YEAR_MARK, text, ("(19", "(20"), before=1, after=8):
        run = _title_before(text, m.start())
        if run:
            out.append((m.start() - len(run), run, []))
    for m in near(_BEFORE_TITLE, text, _BEFORE_TITLE_ANCHORS, before=16, after=60):
        # only "<Person> in <Title>" readings here (other titles come from bot.extract.works)
        out.extend(x for x in _title_list(text, m.end(), is_person) if x[2])
    for m in near(_THE_TITLE_FILMS, text, _FILMS_ANCHORS, before=130, after=20):
        t = m.group("t").strip()
        if t.split()[0].casefold() not in STOP and any(w[:1].isupper() for w in t.split()):
            out.append((m.start("t"), tidy_title(t)[0], []))
    for m in near(_ROLE_FROM, text, (" from ",), before=80, after=20):
        run = title_run(text[m.end() : m.end() + 80], max_words=6)
        if run and not is_person(run) and run.split()[0].casefold() not in STOP:
            out.append((m.end(), tidy_title(run)[0], []))
    return out


def _title_before(text: str, end: int) -> str | None:
    """The Capitalised title run that ends right at ``end`` ("... Stree" + " (2018)")."""
    start = max(0, end - 80)
    chunk = text[start:end]
    words = chunk.split(" ")
    picked: list[str] = []
    for w in reversed(words):
        if not w:
            break
        if (
            w[:1].isupper()
            or w[:1].isdigit()
            or w.startswith("#")
            or (
                picked
                and w.casefold() in ("of", "the", "and", "a", "an", "in", "to", "ka", "ki", "ke")
            )
        ):
            picked.append(w)
            if w.endswith((".", ",", ";", ":", ")", "(")) and len(picked) > 1:
                picked.pop()
                break
        else:
            break
    while picked and picked[-1].casefold() in STOP:
        picked.pop()
    if not picked:
        return None
    run = " ".join(reversed(picked)).strip(" \"'(")
    return run or None


def _title_list(
    text: str, pos: int, is_person: Callable[[str], bool]
) -> list[tuple[int, str, list[str]]]:
    """Titles listed from ``pos`` ("Stree and Bhediya"); "<Person> in <Title>" credits the person."""
    out: list[tuple[int, str, list[str]]] = []
    for _ in range(6):
        chunk = text[pos : pos + 120]
        quoted = re.match(r"\"([^\"\n]{1,80})\"|'([^'\n]{1,80})'", chunk)
        run = (quoted.group(1) or quoted.group(2)) if quoted else title_run(chunk, max_words=8)
        if not run:
            break
        if not quoted and " in " in run:
            # "Shah Rukh Khan in Swades": a person, then the work
            who, _, work = run.partition(" in ")
            if is_person(who) or (
                len(who.split()) >= 2 and all(w[:1].isupper() for w in who.split())
            ):
                out.append((pos + len(who) + 4, tidy_title(work)[0], [who]))
                consumed = chunk.find(run) + len(run)
                sm = _LIST_SEP.match(text[pos + consumed :])
                if not sm:
                    break
                pos = pos + consumed + sm.end()
                continue
        consumed = len(quoted.group(0)) if quoted else chunk.find(run) + len(run)
        after = text[pos + consumed :]
        inm = _NAME_IN_TITLE.match(after)
        if inm and not quoted:
            t = title_run(after[inm.end() : inm.end() + 100], max_words=8)
            if t:
                out.append((pos + consumed + inm.end(), tidy_title(t)[0], [run]))
                consumed += inm.end() + after[inm.end() :].find(t) + len(t)
        elif not is_person(run) and run.split()[0].casefold() not in STOP:
            out.append((pos, tidy_title(run)[0], []))
        rest = text[pos + consumed :]
        sm = _LIST_SEP.match(rest)
        if not sm:
            break
        pos = pos + consumed + sm.end()
    return out


def same_work(a: str, b: str) -> bool:
    """True when two titles name the same work (normalised equality)."""
    return norm_title(a) == norm_title(b)


def is_franchise_base(candidate: str, title: str | None) -> bool:
    """True when ``candidate`` is the bare franchise name of ``title`` ("Kota Factory")."""
    if not title:
        return False
    return norm_title(candidate) == franchise_key(title) and norm_title(candidate) != norm_title(
        title
    )
