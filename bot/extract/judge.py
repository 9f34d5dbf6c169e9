"""Review-or-news decision, kind (film/series), summary, and sentence splitting."""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.extract.headline import HeadlineInfo
from bot.extract.scan import lower, near

_SPLIT = re.compile(r"[.!?][\"')\]]*[ ]+(?=[\"'(\[]?[A-Z0-9])|\n+")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|No|Vol|Ep|Prof|Capt|Lt|Col|Gen|Rev)|\b[A-Z])\.$"
)

_NEWS_HEADLINE = re.compile(
    r"\b(?:box[\s-]office|collection|crore|trailer|teaser|first[\s-]look|poster|motion poster|"
    r"release date|releases? on|to release|set to release|ott release|ott debut|premieres? on|"
    r"to premiere|streaming date|to stream|to star|to headline|to lead|to play|joins? the cast|"
    r"roped in|cast as|signs|wraps|wrapped|shooting|begins shoot|announces?|announced|"
    r"interview|exclusive|in conversation|opens up|reveals|recalls|says|said|speaks|talks|"
    r"reacts?|reaction|reviews pour|twitter review|x review|public review|audience review|"
    r"netizens|fans react|fans review|first reviews?|early reviews?|mixed reviews|positive reviews|"
    r"negative reviews|rave reviews|glowing reviews|good reviews|bad reviews|review[\s-]bomb\w*|"
    r"reviews|praises|lauds|hails|heaps praise|is all praise|what to watch|watch this weekend|"
    r"this week(?:end)?|new on|ott releases|releases this|best\b|top \d+|top ten|must[\s-]watch|"
    r"ranked|ranking|list|binge|birthday|wedding|dating|controversy|slams|trolled|backlash|"
    r"boycott|lawsuit|petition|nominations?|awards?|wins|sequel confirmed|renewed|cancelled|"
    r"everything we know|explained|ending explained|recap|where to watch|how to watch|cast list|"
    r"behind the scenes|bts|song|music video|advance booking|day \d+|week \d+|weekend)\b",
    re.IGNORECASE,
)
_LIST_HEADLINE = re.compile(
    r"^\s*(?:\d{1,2}|ten|five|seven)\s+(?:[\w-]+\s+){0,3}(?:best|top|must|k-?dramas?|films|movies|"
    r"shows|series)|\bwhat to watch\b|\bwatch ?list\b|\bott releases\b|\breleases this week|"
    r"\band more\b|\bbest (?:k-?dramas|films|movies|shows|series)\b|\bround-?up\b",
    re.IGNORECASE,
)
_VERDICT = re.compile(
    r"^[ ]*(?:the[ ]+)?(?:final[ ]+|our[ ]+|bottom[ ]+line[ ]*|the[ ]+)?(?:verdict|final word|"
    r"bottom line|conclusion|the last word|final thoughts|call|take|takeaway)[ ]*[:\-][ ]*"
    r"(?P<v>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)
_SCAN = 60_000  # characters of body weighed (reviews are far shorter)
_WORDS = re.compile(r"[a-z][a-z'\-]*")


def _eval_terms(body: str) -> set[str]:
    """Distinct evaluative terms in ``body``: a word-set intersection plus phrase look-ups."""
    low = lower(body[:_SCAN])
    n = len(low)
    found: set[str] = set()
    for w in _EVAL_WORD_LIST:
        i = low.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or low[i - 1] not in _INWORD) and (j == n or low[j] not in _INWORD):
                found.add(w)
                break
            i = low.find(w, j)
        if len(found) >= _ENOUGH:
            return found  # the score is capped: more terms change nothing
    for p in _EVAL_PHRASES:
        if p in low:
            found.add(p)
            if len(found) >= _ENOUGH:
                break
    return found


_ENOUGH = 6
_INWORD = frozenset("abcdefghijklmnopqrstuvwxyz-")


_EVAL = re.compile(
    r"\b(?:performances?|screenplay|the writing|the direction|direction is|pacing|cinematography|"
    r"what works|what doesn't|what does not|what doesn't work|worth (?:a|your|the) (?:watch|time)|"
    r"watch it|skip it|falters|shines|disappoints?|underwhelm\w*|gripping|engaging|tedious|"
    r"predictable|stands out|steals the show|the film is|the series is|the show is|the season is|"
    r"the drama is|the movie is|this film|this series|this season|narrative|climax|second half|"
    r"first half|storytelling|character arcs?|writing|editing|background score|verdict|"
    r"overall|at its best|at its worst|feels|works because|doesn't work|does not work|weakness(?:es)?|"
    r"strengths?|soars|ambitious|ambition|uneven|overlong|bloated|too long|drags|sags|pays? off|"
    r"masterpiece|magnificent|terrific|brilliant|stunning|flawed|mediocre|the acting|well acted|"
    r"chemistry|visual effects|vfx|cgi|watchable|unwatchable|disappointing|bland|fails|succeeds|"
    r"compelling|riveting|boring|charming|delightful|heartfelt|restraint|nuanced|earnest|clunky|"
    r"self-indulgent|gorgeous|breathtaking|exhausting|tedious|slow-burn|slow|tense|gripping)\b",
    re.IGNORECASE,
)
_EVAL_TERMS = [t.replace("\\", "") for t in _EVAL.pattern[6:-3].split("|")]
_EVAL_WORDS = frozenset(t for t in _EVAL_TERMS if " " not in t and "(" not in t and "?" not in t)
_EVAL_WORD_LIST = sorted(_EVAL_WORDS)
_EVAL_PHRASES = (
    *(t for t in _EVAL_TERMS if " " in t and "(" not in t and "?" not in t),
    "worth a watch", "worth your time", "performance", "weakness", "strength", "pays off", "pay off",
    "disappoint", "underwhelm", "character arc", "what doesn't work",
)  # fmt: skip
_NEWS_BODY = re.compile(
    r"(?:box office|crore|collections?|took to (?:instagram|twitter|x|social media)|in an interview|"
    r"told (?:us|reporters|the media)|said in a statement|announced|announcement|"
    r"the trailer|the teaser|release date|will release|is set to release|slated|netizens|"
    r"fans (?:are|have|took|flooded|called)|tweeted|wrote on|shared a post|reportedly|sources|"
    r"according to)\b"
)


def _count(rx: re.Pattern[str], low: str) -> int:
    """Matches of ``rx`` in lower-cased ``low`` that start at a word boundary."""
    if rx is _NEWS_BODY:
        low = low.casefold()
    anchors = _COUNT_ANCHORS.get(id(rx))
    found = near(rx, low, anchors, before=0, after=40) if anchors else rx.finditer(low)
    return sum(1 for m in found if not low[m.start() - 1 : m.start()].isalnum())


_TRADE_CREDITS = re.compile(
    r"^(?:running[ ]time|run[ ]?time|distributor|screenplay|director)[ ]*:[^\n]{1,80}\n"
    r"(?:[^\n]{0,120}\n){0,4}(?:cast|starring|running[ ]time|run[ ]?time|distributor)[ ]*:",
    re.IGNORECASE | re.MULTILINE,
)
_RATING_LINE = re.compile(r"^(?:our |the )?rating\s*:", re.IGNORECASE | re.MULTILINE)
_FILM_WORDS = re.compile(r"(?:film|movie|films|movies|the film's|documentary|feature)\b")
_SERIES_WORDS = re.compile(
    r"(?:series|season|seasons|episodes?|the show|this show|drama|k-drama|kdrama|web series|"
    r"finale|showrunner)\b"
)


_NEWS_ANCHORS = (
    "box office", "crore", "collection", "took to", "in an interview", "told", "said in",
    "announc", "the trailer", "the teaser", "release date", "will release", "set to release",
    "slated", "netizens", "fans ", "tweeted", "wrote on", "shared a post", "reportedly", "sources",
    "according to",
)  # fmt: skip
_COUNT_ANCHORS = {
    id(_NEWS_BODY): _NEWS_ANCHORS,
    id(_FILM_WORDS): ("film", "movie", "documentary", "feature"),
    id(_SERIES_WORDS): ("series", "season", "episode", "show", "drama", "finale", "showrunner"),
}
_NEWS_HEADLINE_LOW = re.compile(_NEWS_HEADLINE.pattern.replace(r"\b(?:", "(?:", 1))


def news_headline_words(headline: str) -> list[str]:
    """The news words of a headline ("box office", "trailer", "reviews" ...), lower-cased."""
    low = lower(headline)
    return [
        m.group()
        for m in _NEWS_HEADLINE_LOW.finditer(low)
        if not low[m.start() - 1 : m.start()].isalnum()
        and not _surname_use(headline, m.start(), m.end())
    ]


_SURNAME_WORDS = frozenset({"song"})  # news words that are also family names (Celine Song)
_CAP_WORD = re.compile(r"[A-Z][\w'\-]*")


def _surname_use(headline: str, start: int, end: int) -> bool:
    """Is the news word at ``start:end`` a capitalised name part ("Celine Song's", "Song Kang")?"""
    word = headline[start:end]
    if word.casefold() not in _SURNAME_WORDS or not word[:1].isupper() or word.isupper():
        return False
    before = headline[max(0, start - 30) : start].split()
    after = headline[end : end + 30].split()
    prev_cap = bool(before) and _CAP_WORD.fullmatch(before[-1]) is not None
    next_word = after[0] if after and not headline[end : end + 1].isalnum() else ""
    next_cap = (
        bool(next_word)
        and headline[end : end + 1] == " "
        and (_CAP_WORD.fullmatch(next_word) is not None and "-" in next_word)
    )
    possessive = headline[end : end + 2] in ("'s", "s'")
    return (prev_cap and possessive) or next_cap


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (initials and "Mr." do not end sentences)."""
    starts = [0]
    for m in _SPLIT.finditer(text):
        end = m.start() + 1  # just after the full stop
        if m.group().startswith("\n") or not _ABBREV.search(text, max(0, end - 6), end):
            starts.append(m.end())
    return starts


def sentence_at(starts: list[int], text: str, pos: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding ``pos``."""
    i = bisect_right(starts, pos) - 1
    start = starts[max(i, 0)]
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    return start, end


def decide_review(
    head: HeadlineInfo, headline: str, body: str, *, rating: float | None, verdict: bool
) -> bool:
    """Weigh headline and body evidence: is this item a review of a work?"""
    return review_score(head, headline, body, rating=rating, verdict=verdict) >= 3


def review_score(
    head: HeadlineInfo, headline: str, body: str, *, rating: float | None, verdict: bool
) -> int:
    """The evidence score behind :func:`decide_review` (3 or more: a review)."""
    score = 0
    h = headline
    if head.review_shape and head.title and not head.reaction:
        score += 4
    if head.reaction:
        score -= 5
    news_words = news_headline_words(h)
    news_hits = len(news_words)
    if head.review_shape and not head.reaction:
        # "reviews" or "review" already counted as the title-position word
        news_hits = len([x for x in news_words if x != "reviews"])
    if news_hits:
        score -= 3 if not head.review_shape else 2
    if _LIST_HEADLINE.search(h):
        score -= 4
    if rating is not None:
        score += 2
        if _RATING_LINE.search(body):
            score += 1
    if verdict:
        score += 2
    if head.review_shape and not head.reaction and _TRADE_CREDITS.search(body):
        score += 1  # a trade review's credit block: "Director: ...", "Running time: ..."
    evals = _eval_terms(body)
    score += min(3, len(evals) // 2)
    news = _count(_NEWS_BODY, body[:_SCAN])
    score -= min(3, news // 2 if head.review_shape else news)
    return score


def verdict_text(text: str) -> str | None:
    """The text of a "Verdict: ..." style line, if the article has one."""
    for m in near(_VERDICT, text, _VERDICT_ANCHORS, before=30, after=2000):
        return m.group("v").strip()
    return None


_VERDICT_ANCHORS = (
    "verdict", "final word", "bottom line", "conclusion", "last word", "thoughts", "call", "take",
)  # fmt: skip


def guess_kind(head: HeadlineInfo, body: str) -> str | None:
    """ "film" or "series" from the headline's words, else the body's vocabulary."""
    if head.kind:
        return head.kind
    low = lower(body[:_SCAN])
    films = _count(_FILM_WORDS, low)
    series = _count(_SERIES_WORDS, low)
    if films == series == 0:
        return None
    if series > films:
        return "series"
    if films > series:
        return "film"
    return None


_SKIP_PARA = re.compile(
    r"^(?:rating|our rating|verdict|cast|director|directed by|writer|music|platform|streaming|"
    r"episodes|runtime|genre|language|also read|read more|release|certificate|duration)\b|^[★☆*]",
    re.IGNORECASE,
)


def _sentences(par: str) -> list[str]:
    starts = sentence_starts(par)
    return [par[a:b].strip() for a, b in zip(starts, [*starts[1:], len(par)], strict=True)]


def _fit(sentences: list[str], limit: int = 300) -> str:
    out = ""
    for s in sentences:
        if not s:
            continue
        cand = f"{out} {s}".strip()
        if len(cand) > limit:
            break
        out = cand
    if not out and sentences:
        first = sentences[0]
        out = first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


def summarise(text: str) -> str:
    """The verdict, an "Overall, ..." sentence, the last paragraph's first sentence, or the opening."""
    v = verdict_text(text)
    if v:
        return _fit(_sentences(v))
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    for p in paras:
        m = re.search(
            r"(?:^|(?<=[.!?] ))(?:Overall|All in all|In all|To sum up|In the end|On the whole),", p
        )
        if m:
            return _fit(_sentences(p[m.start() :])[:2])
    body = [p for p in paras if len(p) > 80 and not _SKIP_PARA.match(p)]
    if len(body) >= 3:
        return _fit(_sentences(body[-1])[:1])
    if body:
        return _fit(_sentences(body[0])[:2])
    return _fit(_sentences(text)[:2]) if text else ""
