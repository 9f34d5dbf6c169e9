"""Other works an article names: "Also Read" headlines, franchise siblings and passing mentions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.extract.headline import parse_headline, tidy_title, title_run
from bot.extract.names import STOP, KnownTitles, norm_title
from bot.models import MentionKind
from bot.text import franchise_key

_ALSO_READ = re.compile(
    r"^[ ]*(?:also read|read also|also see|also watch|read more|related|must read|don't miss|"
    r"recommended|see also)[ ]*[:\-|>»][ ]*(?P<h>[^\n]{3,300})$",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(r"https?://\S+")
_NUMBERED = re.compile(
    r"^(?P<base>.+?)(?:\s*#\s*(?P<hash>\d{1,2})|\s+(?P<word>Season|Part|Chapter|Vol\.?|Volume|Book)"
    r"\s+(?P<wn>\d{1,2})|\s+(?P<num>\d{1,2})|\s+(?P<roman>II|III|IV|V|VI))(?P<tail>\s*:.*)?$",
    re.IGNORECASE,
)
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
    for m in _ALSO_READ.finditer(text):
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


def siblings(text: str, title: str) -> list[tuple[int, int, str]]:
    """Franchise siblings of ``title`` named in ``text``: (start, end, sibling title)."""
    m = _NUMBERED.match(title)
    if m and m.group("base").strip():
        base = m.group("base").strip()
        current = m.group("hash") or m.group("wn") or m.group("num") or m.group("roman")
        style = "hash" if m.group("hash") else ("word" if m.group("word") else "num")
        word = (m.group("word") or "Season").capitalize()
    else:
        base, current, style, word = title, None, "word", "Season"
    if len(base) < 2:
        return []
    out: list[tuple[int, int, str]] = []
    rx = re.compile(
        re.escape(base).replace(r"\ ", r"\s+")
        + r"(?:\s*#\s*(?P<hash>\d{1,2})|\s+(?P<word>Season|Part|Chapter|Volume|Book)\s+(?P<wn>\d{1,2})"
        r"|\s+(?P<num>\d{1,2})(?![\d,.]|\s*(?:years?|days?|episodes?|minutes?|hours?|crore|%))"
        r"|(?P<year>\s?\((?:19|20)\d{2}\)))?",
        re.IGNORECASE,
    )
    for sm in rx.finditer(text):
        if not text[sm.start() : sm.start() + 1].isupper():
            continue
        number = sm.group("hash") or sm.group("wn") or sm.group("num")
        if number is None:
            if sm.group("year") and current is not None:
                out.append((sm.start(), sm.end(), base))
            continue
        if current is not None and current.isdigit() and int(number) == int(current):
            continue
        out.append((sm.start(), sm.end(), text[sm.start() : sm.end()].strip()))
    # "Season 4" / "season 1" with no base, when the reviewed title is numbered
    if current is not None:
        srx = re.compile(r"\b(?P<w>[Ss]eason|[Pp]art)\s+(?P<n>\d{1,2})\b")
        for sm in srx.finditer(text):
            if (
                text[max(0, sm.start() - len(base) - 2) : sm.start()]
                .strip()
                .casefold()
                .endswith(base.casefold())
            ):
                continue
            n = sm.group("n")
            if n == current:
                continue
            if style == "hash":
                sib = f"{base} #{n}"
            elif style == "num":
                sib = f"{base} {n}" if n != "1" else base
            else:
                sib = f"{base} {word} {n}"
            out.append((sm.start(), sm.end(), sib))
    return out


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
    for m in _YEAR_MARK.finditer(text):
        run = _title_before(text, m.start())
        if run:
            out.append((m.start() - len(run), run, []))
    for m in _BEFORE_TITLE.finditer(text):
        out.extend(_title_list(text, m.end(), is_person))
    for m in _THE_TITLE_FILMS.finditer(text):
        t = m.group("t").strip()
        if t.split()[0].casefold() not in STOP:
            out.append((m.start("t"), tidy_title(t)[0], []))
    for m in _ROLE_FROM.finditer(text):
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
