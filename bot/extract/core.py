"""``extract()``: one feed entry in, the extracted facts out (pure, never raises)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence

from bot.extract import attribution as attr
from bot.extract.charnames import org_or_phrase, refine_characters
from bot.extract.clean import clean, strip_furniture
from bot.extract.crew import crew_names, find_director
from bot.extract.cues import (
    ensemble_lists,
    headline_performers,
    hyphen_starrers,
    long_parens,
    performance_subjects,
    possessive_pairs,
    possessive_starrers,
    role_noun_pairs,
)
from bot.extract.franchise import franchise_siblings
from bot.extract.headline import (
    _ROUNDUP,
    news_title,
    normalise_headline,
    parse_headline,
    tidy_title,
    title_run,
)
from bot.extract.judge import (
    _LIST_HEADLINE,
    decide_review,
    guess_kind,
    sentence_at,
    sentence_starts,
    summarise,
    verdict_text,
)
from bot.extract.lists import list_after
from bot.extract.mentions import Mention, also_read, passing
from bot.extract.names import (
    STOP,
    KnownNames,
    KnownTitles,
    known_names,
    known_titles_index,
    norm_name,
    norm_title,
)
from bot.extract.people import (
    Credit,
    cast_block,
    find_aliases,
    headline_people,
    news_cast,
)
from bot.extract.rating import find_rating
from bot.extract.roles import find_credits
from bot.extract.scan import lower
from bot.extract.works import cue_titles, list_items, quoted_titles
from bot.models import Extraction, FeedEntry, MentionedWork, MentionKind
from bot.text import franchise_key

log = logging.getLogger(__name__)

MAX_INPUT = (
    400_000  # characters of body analysed (longer items are cut: nobody writes such reviews)
)
_REVIEW_OF = re.compile(r"\breview of\s+(?:the\s+(?:film|movie|series|show|drama)\s+)?", re.I)
_THE_WORK = re.compile(r"\b(?:the|this) (?:film|movie|series|show|drama|season),?\s+(?=[A-Z\"'])")
_INTERVIEW = re.compile(
    r"\b(?:interview|exclusive|in conversation|opens up|speaks|talks|chats?)\b", re.IGNORECASE
)
_QUOTED_TITLE = re.compile(r"\"([A-Z0-9][^\"\n]{0,60})\"")


def extract(
    entry: FeedEntry,
    *,
    known_people: Mapping[str, Sequence[str]] | None = None,
    known_titles: Iterable[str] | KnownTitles = (),
) -> Extraction:
    """Extract the facts of one feed entry; never raises.

    ``known_people`` maps canonical names to aliases of people already known (a :class:`KnownNames`
    built once is fastest for large maps; a plain dict is indexed once and cached on identity and
    size). ``known_titles`` are titles of works already known (a :class:`KnownTitles` or a
    list/tuple/set, which is cached the same way).
    """
    try:
        return _extract(entry, known_names(known_people), known_titles_index(known_titles))
    except Exception:  # never raise on any input: log and return the bare item
        log.exception("extraction failed for %r", getattr(entry, "link", None))
        return _fallback(entry)


def _fallback(entry: FeedEntry) -> Extraction:
    title = entry.title if isinstance(entry.title, str) else ""
    try:
        text = clean(entry.content if isinstance(entry.content, str) else "").text
    except Exception:
        text = ""
    return Extraction(
        headline=" ".join(title.split())[:500],
        is_review=False,
        title=None,
        text=text,
        source=entry.source if isinstance(entry.source, str) else None,
        url=entry.link if isinstance(entry.link, str) else None,
        published=entry.published,
        categories=tuple(c for c in entry.categories if isinstance(c, str)),
    )


# Words without one of which an item is not about a film or series (whole words, lower case).
# Erring towards "on topic" only costs time; an off-topic item is still stored and searchable.
_TOPIC_WORDS = frozenset(
    [
        "film",
        "films",
        "filmmaker",
        "filmmakers",
        "movie",
        "movies",
        "cinema",
        "cinemas",
        "series",
        "drama",
        "dramas",
        "k-drama",
        "kdrama",
        "sitcom",
        "anime",
        "cast",
        "actor",
        "actors",
        "actress",
        "actresses",
        "starring",
        "starrer",
        "starrers",
        "director",
        "directors",
        "directed",
        "directs",
        "directorial",
        "trailer",
        "teaser",
        "sequel",
        "prequel",
        "franchise",
        "biopic",
        "documentary",
        "screenplay",
        "premiere",
        "premiered",
        "episode",
        "episodes",
        "season",
        "seasons",
        "review",
        "reviews",
        "reviewed",
        "ott",
        "netflix",
        "hotstar",
        "jiohotstar",
        "zee5",
        "sonyliv",
        "hbo",
        "hulu",
        "disney",
        "bollywood",
        "hollywood",
        "tollywood",
        "kollywood",
        "tvn",
        "jtbc",
        "mbc",
        "kbs",
        "sbs",
        "showrunner",
        "miniseries",
        "box-office",
    ]
)
_TOPIC_PHRASES = ("box office", "prime video", "apple tv", "web series", "k-pop")
_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def on_topic(headline: str, text: str, categories: Sequence[str] = ()) -> bool:
    """Whether an item could be about a film or series at all (a cheap gate before extraction)."""
    low = " ".join((headline, " ".join(categories), text[:20000])).lower()
    if any(phrase in low for phrase in _TOPIC_PHRASES):
        return True
    return not _TOPIC_WORDS.isdisjoint(_WORDS.findall(low))


def _extract(entry: FeedEntry, known: KnownNames, titles: KnownTitles) -> Extraction:
    headline = normalise_headline(clean(entry.title or "").text)[:600]
    cleaned = clean((entry.content or entry.summary or "")[: MAX_INPUT * 2])
    text, site = strip_furniture(cleaned.text[:MAX_INPUT])
    source = site or entry.source
    if not on_topic(headline, text, entry.categories):
        # a feed's post about something else (a recipe, a gadget, a press note): stored and
        # searchable, but there is no work, cast or rating to look for
        return Extraction(
            headline=headline,
            is_review=False,
            title=None,
            summary=summarise(text) if text.strip() else "",
            text=text,
            source=source,
            url=entry.link,
            published=entry.published,
            categories=tuple(entry.categories),
        )
    head = parse_headline(headline, text)

    # the analysis body: "Also Read" lines blanked out (offsets kept)
    reads = also_read(text)
    body = text
    for start, end, _h, _u in reads:
        body = body[:start] + " " * (end - start) + body[end:]
    block_credits, block_spans = cast_block(body)

    # aliases: "<A> aka <B>"
    aliases: dict[str, list[str]] = {}
    alias_of: dict[str, str] = {}
    for a, b, _pos in find_aliases(f"{headline}\n{body}"):
        canon = known.canonical(a) or a
        if norm_name(b) not in {norm_name(x) for x in aliases.get(canon, [])}:
            aliases.setdefault(canon, []).append(b)
        alias_of[norm_name(b)] = canon
        alias_of.setdefault(norm_name(a), canon)

    # mentions with strong markers first (they steer attribution)
    mentions: list[Mention] = []
    for start, _end, h, url in reads:
        t = parse_headline(h).title or news_title(h)
        if not t:
            continue
        hp = parse_headline(h)
        people = [c.name for c in headline_people(hp.rest)] if hp.review_shape else []
        people = people or [n for n, _p in news_cast(h)]
        mentions.append(Mention(t, MentionKind.ALSO_READ, start, people, url, h))
    credits = [*block_credits, *find_credits(body, skip=block_spans)]
    credits += [*possessive_pairs(body), *long_parens(body), *performance_subjects(body)]
    credits += [*ensemble_lists(body), *role_noun_pairs(body)]
    crew_display = crew_names(body)
    crew = {norm_name(n) for n in crew_display}
    persons = {norm_name(c.name) for c in credits} | crew
    persons |= {norm_name(c.character) for c in credits if c.character}
    persons |= {norm_name(canon) for _s, _e, canon in known.find_in(body)}
    persons |= {norm_name(n) for n, _p, _c in list_after(head.rest or headline, 0, limit=4)}
    title = head.title
    is_review_rating = find_rating(body, headline)
    verdict = verdict_text(body)
    is_review = decide_review(
        head, headline, body, rating=is_review_rating, verdict=verdict is not None
    )
    body_title_ok = is_review or (
        _INTERVIEW.search(headline) is not None and _ROUNDUP.search(headline) is None
    )  # a news item names its work in the headline; an interview may name it only in the body
    if title is None and body_title_ok and not _LIST_HEADLINE.search(headline):
        need = 2 if is_review_rating is not None else 3
        elsewhere = {norm_title(t) for _p, t in cue_titles(body, lambda r: norm_name(r) in persons)}
        title = _title_from_body(body, titles, persons | elsewhere, headline, need=need)
    if title:
        for start, t in franchise_siblings(body, title, lambda r: norm_name(r) in persons):
            mentions.append(Mention(t, MentionKind.FRANCHISE, start))
        credits += possessive_starrers(body, title)

    hp_credits = headline_people(head.rest) if head.review_shape else []
    if not head.review_shape:
        hp_credits = [Credit(n, p, strength=2, cue="headline") for n, p in news_cast(headline)]
        if not hp_credits and head.title:
            hp_credits = headline_performers(headline)
    hp_credits += [
        c
        for c in hyphen_starrers(headline)
        if norm_name(c.name) not in {norm_name(h.name) for h in hp_credits}
    ]
    body_acted = {norm_name(c.name) for c in credits if c.character}
    hp_credits = [
        c
        for c in hp_credits
        if not (norm_name(c.name) in crew and norm_name(c.name) not in body_acted)
    ]  # "<Director>'s Follow-Up to ...": a credited maker, not a performer
    for c in hp_credits:
        c.pos = -10_000 + c.pos
        if c.cue != "headline-poss":
            c.cue = "headline"
    credits = [c for c in hp_credits + credits if not org_or_phrase(c.name, body)]
    starts = sentence_starts(body)
    credited = [c for c in credits if c.cue not in ("paren-rev",)]
    for start, end, canon in known.find_in(body):
        if _castlike(body, starts, start, end, credited):
            credits.append(Credit(canon, start, strength=1, cue="known", end=end))

    person_keys = {norm_name(c.name) for c in credits} | crew
    for c in credits:
        if c.character:
            person_keys.add(norm_name(c.character))

    def is_person(run: str) -> bool:
        return norm_name(run) in person_keys or known.canonical(run) is not None

    for pos, t, their_cast in passing(body, cleaned.italics, titles, is_person):
        mentions.append(Mention(t, MentionKind.PASSING, pos, list(their_cast)))
    found = [*cue_titles(body, is_person), *list_items(body, is_person)]
    found += quoted_titles(body, is_person)
    if _LIST_HEADLINE.search(headline):
        found += [(len(body), t) for _p, t in cue_titles(_headline_list(headline), is_person)]
    for pos, t in found:
        mentions.append(Mention(t, MentionKind.PASSING, pos))

    mentions = attr.dedupe_mentions(mentions, title, source, person_keys)
    ctx = attr.Context(body, starts, title, mentions)

    director, _strength = find_director(body, other_work_near=ctx.other_work_near, title=title)
    possessor = attr.title_possessor(headline, body, title)

    title_keys = {norm_title(m.title) for m in mentions}
    if title:
        title_keys.update((norm_title(title), franchise_key(title)))
    bare_keys = {_bare_title(k) for k in title_keys}
    credits = [
        c
        for c in credits
        if norm_title(c.name) not in title_keys
        and not (
            c.character and _bare_title(norm_title(c.character)) in bare_keys and c.strength < 3
        )
    ]
    main, others = attr.attribute(credits, ctx, alias_of, known)
    cast = attr.order_cast(main, alias_of)
    cast_keys = {norm_name(m.name) for m in cast}
    if director is None and possessor and norm_name(possessor) not in cast_keys:
        director = possessor
    if director is None and head.review_shape:
        # "<T> review: <Name>'s road movie ...": a possessor the body never credits as an actor
        acted = {norm_name(c.name) for c in credits if c.cue not in ("headline-poss", "known")}
        poss = [c.name for c in main if c.cue == "headline-poss"]
        if len(poss) == 1 and norm_name(poss[0]) not in acted:
            director = poss[0]
    if title is None:
        director = None  # a list or roundup: no single work to credit
    drop = set(crew)
    if director:
        drop.update(norm_name(d) for d in re.split(r",\s*|\s+and\s+", director))
    cast = attr.final_cast(cast, drop, title, mentions, source)
    cast = attr.full_names(cast, [c.name for c in credits] + sorted(crew_display))
    cast = refine_characters(cast, body, [headline, *(m.title for m in mentions)])

    if not is_review and not head.review_shape:
        title = head.title or title
    rating = is_review_rating if is_review else None
    if not is_review and title is None:
        cast = []  # a list or roundup: no single work to credit
    mentioned = attr.finish_mentions(mentions, others, title, alias_of)
    return Extraction(
        headline=headline,
        is_review=is_review,
        title=title,
        cast=tuple(cast),
        aliases=tuple((k, tuple(v)) for k, v in aliases.items()),
        director=director,
        rating=rating,
        mentions=tuple(MentionedWork(m.title, m.kind, tuple(m.cast), m.url) for m in mentioned),
        summary=summarise(body) if body.strip() else "",
        text=text,
        source=source,
        url=entry.link,
        published=entry.published,
        categories=tuple(entry.categories),
        kind=guess_kind(head, body),
    )


_ACTING = (
    " plays", " played", " as ", " stars", " starring", "starrer", " performance", " turn ",
    " role", " cast", " portray", " essay", " shines", " impresses", " delivers", " leads",
    " lead ", " opposite", " co-star", " returns", " is superb", " is excellent", " is terrific",
    " steals", " brings", " ensemble", " voices", " voiced", " in the role", " delight",
    " revelation", " superb", " excellent", " terrific", " brilliant", " convincing",
    " wonderful", " outstanding", " impressive", " memorable", " menacing", " charming",
    " scene-stealer", " effortless", " is good", " is great", " is fine", " is perfect",
    " is wasted", " is miscast", " is solid", " heartbreaking", " understated",
)  # fmt: skip
_COMPARISON = (
    " reminds", " like ", " compared", " recalls", " echoes", " reminiscent", " unlike ",
    " the way ", " once did", " in his prime", " in her prime", " did in ", " career",
    " interview", " told ", " said ", " tweeted", " posted", " praised", " congratulat",
)  # fmt: skip


def _bare_title(key: str) -> str:
    """A normalised title without a leading article ("the substance" -> "substance")."""
    first, _, rest = key.partition(" ")
    return rest if rest and first in ("the", "a", "an") else key


def _castlike(body: str, starts: list[int], start: int, end: int, credited: list[Credit]) -> bool:
    """True when a known name at ``start..end`` sits in a cast-like context: its sentence speaks of
    acting (and is no comparison or report of what someone said), or it is listed beside a name
    already credited by a cue ("A, B and <known>")."""
    s, e = sentence_at(starts, body, start)
    sentence = lower(body[s:e])
    if any(s <= c.pos < e and c.strength >= 2 for c in credited):
        near_list = body[max(s, start - 3) : start].strip() in (",", "and", "&") or body[
            end : end + 5
        ].lstrip().startswith((",", "and ", "&"))
        if near_list:
            return True
    if any(w in sentence for w in _COMPARISON):
        return False
    return any(w in sentence for w in _ACTING)


def _headline_list(headline: str) -> str:
    """A headline's list part as cue text: "What to watch: A, B and C" -> "like A, B and C"."""
    for sep in (": ", " - ", " | "):
        if sep in headline:
            part = headline.split(sep, 1)[1]
            if part[:5].casefold() == "from ":
                part = part[5:].replace(" to ", " and ")
            return "like " + part.replace(", ", " and ")
    return ""


_BODY_TITLE_CHARS = 8000


def _title_from_body(
    body: str, titles: KnownTitles, persons: set[str], headline: str = "", *, need: int = 3
) -> str | None:
    """When the headline does not name the work: "review of <T>", "<T>, FX's ... series",
    "the film <T>", and the most repeated Capitalised run that is not a person."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    where: dict[str, int] = {}
    head_words = {w for w in norm_title(headline).split() if len(w) >= 5 and w not in STOP}
    body = body[:_BODY_TITLE_CHARS]  # a work the article is about is named early and often
    people_by_word: dict[str, list[str]] = {}
    for p in persons:
        if len(p) > 5:
            people_by_word.setdefault(p.split(" ", 1)[0], []).append(p)

    def names_person(key: str) -> bool:
        """Whether a person's name stands in ``key`` (checked only where its first word does)."""
        return any(p in key for w in set(key.split()) for p in people_by_word.get(w, ()))

    def add(t: str | None, weight: int, pos: int = 1 << 30) -> None:
        if not t:
            return
        t = tidy_title(t)[0]
        key = norm_title(t)
        if not key or key in persons or t.split()[0].casefold() in _NOT_TITLE_START:
            return
        if names_person(key):
            return
        counts[key] = counts.get(key, 0) + weight
        first.setdefault(key, t)
        where[key] = min(where.get(key, pos), pos)

    for m in _REVIEW_OF.finditer(body):
        add(title_run(body[m.end() : m.end() + 100]), 3)
    for m in _THE_WORK.finditer(body):
        add(title_run(body[m.end() : m.end() + 100]), 2)
    for m in _APPOSITIVE_WORK.finditer(body):
        add(m.group("t"), 4)
    for m in _QUOTED_TITLE.finditer(body):
        t = m.group(1)
        if len(t.split()) <= 8 and title_run(t) == t:
            add(t, 1)
    for _pos, t in titles.find_in(body):
        add(t, 1)
    for m in _CAP_RUN.finditer(body):
        if _RUN_GOES_ON.search(body, max(0, m.start() - 40), m.start()):
            continue  # not the start of a capitalised run
        if _INFO_LINE.match(body, body.rfind("\n", 0, m.start()) + 1):
            continue  # "Streaming on: Disney+ and Hulu"
        add(title_run(body[m.start() : m.start() + 100], max_words=8), 1, m.start())
    for key in list(counts):
        if "the " + key in counts:
            counts["the " + key] += counts.pop(key)
    if not counts:
        return None
    for key in counts:
        if head_words & set(key.split()):
            counts[key] += 2
    best = min(counts, key=lambda k: (-counts[k], where.get(k, 1 << 30)))
    rivals = sum(1 for v in counts.values() if v >= 2)
    if counts[best] == need - 1 and counts[best] >= 2 and rivals == 1:
        return first[best]  # one clear candidate named twice, no rival named more than once
    return first[best] if counts[best] >= need else None


_INFO_LINE = re.compile(r"[A-Za-z][\w ]{0,24}:")
_RUN_GOES_ON = re.compile(r"[A-Z][\w'\-]*[ ]$")


_NOT_TITLE_START = STOP - {"the", "a", "an"}
_CAP_RUN = re.compile(r"(?<![\w'\-])[A-Z][\w'\-]*")
_APPOSITIVE_WORK = re.compile(
    r"(?P<t>[A-Z][^,.;\n]{0,60}?),\s+(?:[A-Z][\w+]*'s\s+|his\s+|her\s+|their\s+|the\s+|a\s+|an\s+)"
    r"(?:[\w\-]+\s+){0,3}(?:series|film|movie|drama|show|adaptation|thriller|comedy|documentary|"
    r"sequel|prequel|anthology)\b"
)
