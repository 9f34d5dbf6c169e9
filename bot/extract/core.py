"""``extract()``: one feed entry in, the extracted facts out (pure, never raises)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence

from bot.extract import attribution as attr
from bot.extract.bodytitle import title_from_body
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
from bot.extract.known import KnownNames, KnownTitles, known_names, known_titles_index
from bot.extract.lists import list_after
from bot.extract.mentions import Mention, also_read, passing
from bot.extract.names import norm_name, norm_title
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
from bot.extract.topic import on_topic
from bot.extract.works import cue_titles, list_items, quoted_titles
from bot.models import Extraction, FeedEntry, MentionedWork, MentionKind
from bot.text import franchise_key

log = logging.getLogger(__name__)

MAX_INPUT = (
    400_000  # characters of body analysed (longer items are cut: nobody writes such reviews)
)
_INTERVIEW = re.compile(
    r"\b(?:interview|exclusive|in conversation|opens up|speaks|talks|chats?)\b", re.IGNORECASE
)


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
        # a possessive in a linked headline is as often a character ("Bablu's second cup") as an
        # actor: only starrer names are credited to the linked work
        people = (
            [c.name for c in headline_people(hp.rest) if c.cue != "headline-poss"]
            if hp.review_shape
            else []
        )
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
        title = title_from_body(body, titles, persons | elsewhere, headline, need=need)
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
        if c.character and c.character not in body:
            # a Title Case headline's "<Actor>'s Double Act Powers ...": a character the body
            # never names is a phrase, not a role
            c.character = None
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

    mentions = attr.dedupe_mentions(mentions, title, source, person_keys, body)
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
