"""Reading headlines: the reviewed title, whether the headline is shaped like a review, the kind.

Handles "<T> Review: ...", "<T> Movie Review: ...", "<T> Season 2 review", "Movie Review: <T>",
"Review: <T>", "'<T>' review", "<T> Review | ...", "<T> review – ...", "<T> (2024) review",
"<T> Web Series Review", "<T> Netflix review", "<T> Ep 1-4 review", and the news shapes
("<T> box office ...", "<A> and <B> to star in <T>", "<Actor> reviews <T>", "<T> trailer ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.names import STOP
from bot.extract.runs import (
    _FOREIGN_PAREN,
    _SEASON_WORD,
    _YEAR_PAREN,
    tidy_title,
    title_run,
)
from bot.extract.titlecase import (
    longest_in_body,
    quoted_title_like,
    shrink_to_body,
    title_like,
)

_DASHES = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2018": "'", "\u2019": "'",
     "\u201c": '"', "\u201d": '"'}
)  # fmt: skip

# words describing the work (stripped from the end of "<T> ... review" prefixes)
_DESCRIPTOR = re.compile(
    r"(?:(?:^|[\s,:(\-]+)(?:"
    r"(?:hindi|tamil|telugu|malayalam|kannada|marathi|bengali|punjabi|korean|japanese|chinese|english"
    r"|spanish|french)(?:[\s-]+(?:dubbed|language))?"
    r"|(?:web|tv|limited|mini|docu|k|c|j)[\s-]*(?:series|show|drama|film|movie)"
    r"|(?:ott|netflix|prime video|amazon prime video|disney\+? hotstar"
    r"|jiohotstar|jio ?cinema|zee5|sonyliv|sony liv|apple tv\+?|mx player|hulu|hbo max|hbo"
    r"|peacock|paramount\+?|mubi|viki|tving|wavve|coupang play|disney\+?)(?:[\s-]*(?:series|show|drama|"
    r"original|film|movie|documentary))?"
    r"|movie|film|series|show|drama|kdrama|documentary|docuseries|miniseries|anime|sitcom"
    r"|(?:ep|eps|episodes?)\.?\s*\d{1,2}(?:\s*(?:-|to|&|and)\s*\d{1,2})?"
    r"|finale|premiere|pilot|honest|detailed|quick|spoiler[\s-]?free|non[\s-]?spoiler|spoilers?"
    r"|in brief|\(\s*\d{4}\s*\)"
    r")[\s,:)]*)+$",
    re.IGNORECASE,
)
# reaction/news words that make "<X> ... review" a news item (a trailer review, a Twitter review ...)
_REACTION = re.compile(
    r"(?:^|[\s(])(?:trailer|teaser|first[\s-]look|song|twitter|x|netizens?'?|public|audience|fans?'?"
    r"|celebrity|celeb|celebs|early|first|critics'?|box[\s-]office|music|album|soundtrack|social media"
    r"|reddit|live|poster|promo|glimpse|bts|reaction|imdb|users?'?|viewers'?)$",
    re.IGNORECASE,
)
# "review" at the title position: followed by a separator or the end
_REVIEW_AFTER_TITLE = re.compile(
    r"\breview(?!\s*-?\s*bomb)(?=\s*(?:[:|\-,;!.(]|$|\s+-\s))", re.IGNORECASE
)
_REVIEW_FIRST = re.compile(
    r"^(?:(?:[\w+\-]+\s+){0,3})?review(?!\s*-?\s*bomb)\s*(?:[:|\-]|\s+-\s)\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_QUOTED = re.compile(
    r"(?:^|(?<=[\s(\[:|]))(?P<q>['\"])(?P<t>(?:(?!(?P=q))[^\n]|(?<=\w)'(?=\w)){1,100}?)(?P=q)"
    r"(?=[\s:,.!?;)|\-]|$|'s\b)"
)
_NEWS_AFTER_TITLE = re.compile(
    r"\s+(?:first reviews?|early reviews?|reviews? (?:are )?out|(?:episodes?|ep\.?)[ ]?\d{1,3}\b|recap|"
    r"ending explained|box[\s-]office|trailer|teaser|first[\s-]look|release date|ott release|to release|"
    r"twitter review|x review|public review|audience review|song|collection|advance booking|day \d+|"
    r"star cast|cast|shooting|shoot|sequel|poster|bts|promo|glimpse|fans|netizens|music|"
    r"review[\s-]bombing|row|controversy|hit by|reviews are in|reviews|critics|"
    r"officially confirmed|confirmed|announced|greenlit|renewed)\b",
    re.IGNORECASE,
)
_PERSON_CONFIRMED = re.compile(r"[ ]+(?:for|as|to|in|opposite)[ ]", re.IGNORECASE)
# "Behind the scenes of <T>: ...", "The making of <T>", "On the sets of <T>"
_MAKING_OF = re.compile(
    r"^(?:behind the scenes (?:of|on)|(?:the )?making of|on the sets? of|inside the making of)"
    r"[ ]+(?P<t>[^:|]+?)(?:[ ]*[:|]|[ ]-[ ]|$)",
    re.IGNORECASE,
)
_TO_STAR_IN = re.compile(
    r"\b(?:to star in|to headline|to lead|starring in|(?:to )?reunite in|(?:to )?appear in|join(?:s|ed)? the cast of|cast in|roped in for|"
    r"signs? on for|signed for|boards?|team up for|reunite for|to play [^,]{1,40} in|in talks for)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
_PRAISE = re.compile(
    r"\b(?:reviews|praises|lauds|hails|calls|watches|reacts to|applauds|heaps praise on|"
    r"is all praise for|showers praise on|gushes over|slams|criticises|criticizes|defends)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
_WHY = re.compile(
    r"^(?:why|how|here's why|here is why)\s+(?P<t>.{1,80}?)\s+(?:got|gets|received|receives|is getting|"
    r"has|drew|draws|earned|earns|divided|failed|worked|works|became|bombed)\b",
    re.IGNORECASE,
)
_FANS_REVIEW = re.compile(
    r"^(?:fans|netizens|audiences?|viewers|twitter|critics|celebs|celebrities)\s+(?:review|react to|"
    r"reacts to|call|hail|praise|slam|are loving|love)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class HeadlineInfo:
    """What a headline says."""

    title: str | None = None
    review_shape: bool = False  # "review" in the title position
    reaction: bool = False  # a reaction/trailer/Twitter "review", i.e. news
    kind: str | None = None
    year: int | None = None
    rest: str = ""  # the headline without the title part (where starrer names live)


def normalise_headline(headline: str) -> str:
    """Single-line headline with straight dashes and collapsed spaces."""
    return " ".join(headline.translate(_DASHES).split())


def kind_from_words(text: str) -> str | None:
    """ "film" or "series" from descriptor words ("web series", "season 2", "movie" ...)."""
    low = text.casefold()
    if re.search(
        r"\b(?:series|season|episodes?|ep|eps|show|k-?drama|drama|docuseries|sitcom)\b", low
    ):
        return "series"
    if re.search(r"\b(?:movie|film|documentary)\b", low):
        return "film"
    return None


def _strip_possessor(prefix: str) -> tuple[str, str | None]:
    """ "Amar Kaushik's Stree 2" -> ("Stree 2", "Amar Kaushik")."""
    m = re.match(r"^(?P<who>[^']{2,60}?)'s?\s+(?P<t>.+)$", prefix)
    if m and not re.search(r"\s'", m.group("t")):
        who = m.group("who")
        if all(w[:1].isupper() for w in who.split()) and len(who.split()) <= 4:
            return m.group("t"), who
    return prefix, None


def _possessor_words(words: list[str]) -> int:
    """How many leading words form a capitalised possessor ("Ahn Gil-ho's"), else 0."""
    for k, w in enumerate(words[:4]):
        if not w[:1].isupper():
            return 0
        if w.endswith(("'s", "s'")) and k + 1 < len(words):
            return k + 1
    return 0


def _count_not_review(phrase: str, body: str) -> int:
    """Occurrences of ``phrase`` in ``body`` not followed by "review" (a repeated
    "<T> Movie Review Rating:" line does not make "Movie" part of the title)."""
    if not phrase:
        return 0
    n = 0
    i = body.find(phrase)
    while i >= 0:
        j = i + len(phrase)
        if not body[j : j + 8].lstrip().lower().startswith("review"):
            n += 1
        i = body.find(phrase, j)
    return n


def _quoted_titles(headline: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _QUOTED.finditer(headline):
        t = m.group("t").strip()
        if (t and t[0].isupper()) or t[:1].isdigit():
            out.append((m.start(), m.end(), t))
    return out


def parse_headline(raw: str, body: str = "") -> HeadlineInfo:
    """Find the reviewed (or news) title and the review shape of a headline.

    ``body`` (optional) settles titles that end in a descriptor word ("The Morning Show").
    """
    h = normalise_headline(raw)
    if not h:
        return HeadlineInfo()
    if "(" in h:
        h = _FOREIGN_PAREN.sub("", h)  # "<T> (우리들의 꽃피는 약국): ..." -> the Latin title
    bm = _BRACKET_REVIEW.match(h)
    if bm:  # "[Review] <T> ..." reads as "Review: <T> ..."
        h = f"{bm.group('lead') or ''}Review: {h[bm.end() :]}"
    quoted = _quoted_titles(h)
    # 1. "<T> ... review" with review in the title position
    for m in _REVIEW_AFTER_TITLE.finditer(h):
        prefix = h[: m.start()].rstrip()
        rest = h[m.end() :].lstrip(" :|-,;!.")
        if not prefix:
            continue
        q = next(
            (t for s, e, t in quoted if e <= m.start() and h[e : m.start()].strip(" -:") == ""),
            None,
        )
        core = _DESCRIPTOR.sub("", prefix)
        if core != prefix and body:
            # "The Morning Show" is a title, "Stree 2 Movie" is not: ask the body
            full = tidy_title(prefix)[0]
            n_full = _count_not_review(full, body)
            if full and n_full and n_full >= body.count(tidy_title(core)[0]) / 2:
                core = full
        reaction = bool(_REACTION.search(core.rstrip(" :-")))
        kind = kind_from_words(prefix[len(core) :])
        if q is not None:
            title, year = tidy_title(q)
            ym = _YEAR_PAREN.search(h[: m.start()])
            year = year or (int(ym.group(1)) if ym else None)
            return HeadlineInfo(title, True, reaction, kind, year, rest)
        if reaction:
            core = _REACTION_TAIL.sub("", core)
        core, _who = _strip_possessor(core)
        title, year = tidy_title(core)
        ym = _YEAR_PAREN.search(prefix)
        year = year or (int(ym.group(1)) if ym else None)
        if title and not rest.strip(_GLYPH_CHARS) and not title_like(title):
            # "<Actor>'s <T> is a quietly furious film about ... - review": the sentence's subject
            title = _subject_title(title, body) or ""
        if title and len(title.split()) <= 12:
            if kind is None and _SEASON_WORD.search(title):
                kind = "series"
            return HeadlineInfo(title, True, reaction, kind, year, rest)
    # 2. "Movie Review: <T> ..." / "Review: <T>"
    m2 = _REVIEW_FIRST.match(h)
    if m2:
        lead = h[: m2.start("rest")]
        rest = m2.group("rest")
        kind = kind_from_words(lead)
        reaction = bool(_REACTION.search(re.sub(r"\s*review.*$", "", lead, flags=re.I)))
        q = next(
            (t for s, _e, t in quoted if s >= m2.start("rest") and s - m2.start("rest") < 3), None
        )
        if q:
            title, year = tidy_title(q)
        else:
            part = re.split(r"\s*(?:[:|]|\s-\s|--)\s*", rest, maxsplit=1)[0]
            run = title_run(part, max_words=12)
            if run and len(run.split()) < len(part.split()) and part.startswith(run):
                part = run  # "Review: Grand Hotel Kismet checks in with charm" -> the title run
            part = _title_after_subject(rest, part, body) or part
            part = longest_in_body(rest, part, body)
            part = shrink_to_body(part, body)
            title, year = tidy_title(part)
        return HeadlineInfo(title or None, True, reaction, kind, year, rest)
    # 3. news shapes
    return HeadlineInfo(news_title(h), False, False, kind_from_words(h), None, h)


_SUBJECT_VERBS = frozenset(
    [
        "anchors",
        "leads",
        "carries",
        "elevates",
        "delivers",
        "impresses",
        "dazzles",
        "stuns",
        "owns",
        "steals",
        "rescues",
        "saves",
        "shines",
        "lights",
        "sparkles",
        "soars",
        "excels",
        "powers",
        "headlines",
        "fronts",
    ]
)
_GENRE_THEN_TITLE = re.compile(
    r"\b(?:drama|k-drama|thriller|series|film|movie|romance|comedy|show|saga|procedural|mystery|"
    r"horror|biopic|sitcom|docuseries|miniseries|epic|actioner|caper)[ ]+(?P<t>[A-Z0-9][^,:;|]*?)"
    r"[ .!]*$"
)


def _title_after_subject(rest: str, run: str, body: str) -> str | None:
    """ "Review: <Actor> anchors JTBC's bleak thriller <T>": the run before the verb is a person;
    the title is the one after the genre word at the end, when the body names it."""
    after = rest[len(run) :].split()
    if not run or not after or after[0].casefold() not in _SUBJECT_VERBS:
        return None
    m = _GENRE_THEN_TITLE.search(rest)
    if not m or not body or m.group("t") not in body:
        return None
    return m.group("t")


_REACTION_TAIL = re.compile(
    r"[\s(]+(?:trailer|teaser|first[\s-]look|song|twitter|x|netizens?'?|public|audience|fans?'?|"
    r"celebrity|celeb|celebs|early|first|critics'?|box[\s-]office|music|album|social media|reddit|"
    r"live|poster|promo|glimpse|bts|reaction|imdb|users?'?|viewers'?)$",
    re.IGNORECASE,
)


_BRACKET_REVIEW = re.compile(
    r"^[\[(](?P<lead>(?:movie|film|series|drama|k-?drama|web series|tv)[ ])?review[\])][ ]*[:|\-]?[ ]*",
    re.IGNORECASE,
)
_GLYPH_CHARS = " \u2605\u2606\u2b50\u00bd*()/0123456789.|-"
_SUBJECT_CUT = re.compile(
    r"[ ](?:is|was|are|were|isn't|has|gets|makes|offers|feels|turns|remains)[ ]"
)


def _subject_title(sentence: str, body: str) -> str | None:
    """The title that opens a verdict sentence ("Mrs is a quietly furious film ...")."""
    cut = _SUBJECT_CUT.search(sentence)
    head = sentence[: cut.start()] if cut else sentence
    run = title_run(head, max_words=10)
    if not run or run != head.strip(" \"'") or run.casefold() in ("the", "a", "an", "this"):
        return None
    return run if not body or run in body else None


def news_title(h: str) -> str | None:
    """The work a news headline is about, when its shape makes that clear."""
    h = normalise_headline(h)
    if _ROUNDUP.search(h):
        return None  # a lineup, nominations, a tribute: no single work
    m = _TO_STAR_IN.search(h)
    if m:
        rest = m.group("rest")
        for s, _e, q in _quoted_titles(rest):
            if quoted_title_like(q) and not re.search(r"[;:|]", rest[:s]):
                return tidy_title(q)[
                    0
                ]  # "... to reunite in <writer>'s romance 'Genie, Make a Wish'"
        # skip descriptors: "new romance drama", "Netflix's upcoming thriller", "K-drama"
        words = rest.split()
        i = _possessor_words(words)  # "Ahn Gil-ho's new thriller <T>": the maker, not the title
        while i < len(words) and (
            words[i][:1].islower()
            or words[i].endswith("'s")
            or (words[i].casefold() in STOP and words[i].casefold() not in ("the", "a", "an"))
        ):
            i += 1
        run = title_run(" ".join(words[i:]))
        if run:
            return tidy_title(run)[0]
    m = _FANS_REVIEW.match(h) or _PRAISE.search(h)
    if m:
        run = title_run(m.group("rest"))
        if run:
            return tidy_title(_strip_possessor(run)[0])[0]
    m = _WHY.match(h)
    if m:
        return tidy_title(_strip_possessor(m.group("t"))[0])[0]
    for _s, _e, q in _quoted_titles(h):
        if quoted_title_like(q):
            return tidy_title(q)[0]
    m = _MAKING_OF.match(h)
    if m and title_like(m.group("t")):
        return tidy_title(m.group("t"))[0]
    m = _NEWS_AFTER_TITLE.search(h)
    if m and _PERSON_CONFIRMED.match(h, m.end()):
        m = None  # "<Actor> confirmed for <T>": the name before is a person's
    if m and m.start() > 0:
        prefix = h[: m.start()]
        for cand in (prefix, re.split(r"\s*(?:[:|;]|\s-\s)\s*", prefix)[-1]):
            cand, _ = _strip_possessor(cand.strip())
            if title_like(cand):
                return tidy_title(cand)[0]
    m = _ABOUT.search(h)
    if m and _INTERVIEWISH.search(h):
        run = title_run(m.group("rest"))
        if run and run.split()[0].casefold() not in STOP:
            return tidy_title(run)[0]
    # "<T>: ..." where the part before the colon is a short title-like run
    head, *tail = re.split(r"\s*(?:[:|]|\s-\s)\s*", h, maxsplit=1)
    if head != h and title_like(head) and len(head.split()) <= 6 and not _INTERVIEWISH.search(head):
        if head[-1:].isdigit() and tail and h[len(head) : len(head) + 1] == ":":
            sub = title_run(tail[0], max_words=5)
            if sub and len(sub.split()) < len(tail[0].split()):
                return tidy_title(f"{head}: {sub}")[0]  # "Commando 3: Final Brew announced"
        return tidy_title(head)[0]
    return None


_ROUNDUP = re.compile(
    r"\b(?:line-?up|nominations|nominees|winners(?: list)?|remembering|tribute|death anniversary|"
    r"birth anniversary|\d{1,3} (?:films|movies|shows|series|dramas|k-dramas|performances|roles|titles)"
    r"|(?:film )?festival \d{4}|awards \d{4})\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"\s(?:on|about|talks|discusses)\s+(?P<rest>[A-Z0-9].+)$")
_INTERVIEWISH = re.compile(
    r"\b(?:interview|exclusive|in conversation|opens up|speaks|talks|chat|box office)\b", re.I
)
