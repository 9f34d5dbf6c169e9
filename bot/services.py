"""The questions users ask, answered from storage (framework-free).

Discord cogs and the console both call these; they return the answer models of ``bot.models`` and raise
``NotFound`` (with "did you mean" suggestions), ``Ambiguous`` (with choices that tell same-named works apart)
or ``UsageError`` for a malformed request.
"""

from __future__ import annotations

import gc
import re
import time

from rapidfuzz import fuzz

from bot.errors import Ambiguous, NotFound, UsageError
from bot.lookup import Match, NameIndex
from bot.models import (
    CastAnswer,
    LatestAnswer,
    Person,
    PersonAnswer,
    RelatedAnswer,
    RelatedWork,
    ReviewAnswer,
    SearchAnswer,
    Work,
)
from bot.storage.base import RelatedSignal, Storage
from bot.text import norm_name, norm_title, sequel_number

MAX_QUERY = 200  # longer arguments are a mistake or an attack, never a title
_QUALIFIER = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_KINDS = {"film": "film", "movie": "film", "series": "series", "show": "series", "drama": "series"}

# How much each kind of evidence counts towards "related" (see ``related``).
RELATED_WEIGHTS = {
    "franchise": 4.0,
    "also_read": 2.5,
    "mentioned": 1.5,
    "shared_cast": 1.0,
    "shared_director": 1.5,
    "similar_text": 1.0,
}
_SHARED_CAST_CAP = 4  # more shared people add nothing: an ensemble is not a franchise
INDEX_CHECK_EVERY = 0.5  # seconds between checks for new titles and names (see _refresh)
_FUZZY_BELOW = 3  # autocomplete falls back to typo matching below this many prefix matches


def _clean_query(text: str, what: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise UsageError(f"Tell me which {what}.", hint="For example: !review Soundtrack #2")
    if len(text) > MAX_QUERY:
        raise UsageError(
            f"That {what} is {len(text)} characters long; titles and names are under {MAX_QUERY}.",
            hint="Check what you pasted.",
        )
    return text


def _split_qualifier(query: str) -> tuple[str, int | None, str | None]:
    """``"Animal (2023, film)"`` -> ("Animal", 2023, "film"): the labels our choices carry."""
    m = _QUALIFIER.search(query)
    if not m:
        return query, None, None
    year: int | None = None
    kind: str | None = None
    for part in re.split(r"[,\s]+", m.group("inner").strip().lower()):
        if part.isdigit() and len(part) == 4:
            year = int(part)
        elif part in _KINDS:
            kind = _KINDS[part]
        elif part:
            return query, None, None  # a parenthesis that is part of the title
    return query[: m.start()].strip() or query, year, kind


class ReviewService:
    """Answers review, cast, related, search and latest, plus autocomplete."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._version: int | None = None
        self._checked_at = 0.0
        self._titles = NameIndex([])
        self._people = NameIndex([])

    # ------------------------------------------------------------------ indexes
    async def _refresh(self) -> None:
        """Rebuild the typo and autocomplete indexes when the data changed.

        The change check itself is a database round trip, so it runs at most every
        ``INDEX_CHECK_EVERY`` seconds; exact look-ups always ask the database, so only typo
        matching and autocomplete can lag a new title by that long.
        """
        now = time.monotonic()
        if self._version is not None and now - self._checked_at < INDEX_CHECK_EVERY:
            return
        version = await self.storage.data_version()
        self._checked_at = now
        if version != self._version:
            self._titles = NameIndex(await self.storage.title_index())
            self._people = NameIndex(await self.storage.person_index())
            self._version = version
            # The indexes are large (hundreds of thousands of objects on a big database) and live
            # until the next rebuild: move everything alive now out of the garbage collector's
            # scans, or every full collection walks them and a random answer pays milliseconds.
            gc.freeze()

    async def _works(self, ids: list[int]) -> list[Work]:
        found = await self.storage.get_works(list(dict.fromkeys(ids)))
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    # ------------------------------------------------------------------ resolution
    async def resolve_work(
        self, query: str, *, exact: list[Work] | None = None
    ) -> tuple[Work, str | None]:
        """The work a user means, and their words if a typo was corrected.

        Raises Ambiguous when several works fit equally well, NotFound with suggestions otherwise.
        ``exact``: the works whose key equals the query's, when the caller already looked them up.
        """
        query = _clean_query(query, "title")
        await self._refresh()
        title, year, kind = _split_qualifier(query)
        key = norm_title(title)
        if not key:
            raise UsageError(f"{query!r} has no letters or digits to look up.")
        works = exact if exact is not None else await self.storage.works_by_key(key)
        if year is not None or kind is not None:
            works = [
                w
                for w in works
                if (year is None or w.year == year) and (kind is None or w.kind == kind)
            ] or works
        if len(works) == 1:
            return works[0], None
        if len(works) > 1:
            raise Ambiguous(
                f"Several works are called {title!r}.",
                choices=[w.label for w in sorted(works, key=lambda w: -w.review_count)],
                hint="Pick one, or add the year: !review Title (2023)",
            )
        # a franchise name or the start of titles: "Soundtrack" -> Soundtrack #1, Soundtrack #2
        prefixed = [r for r in self._titles.prefixed(key, limit=10) if r.key.startswith(key + " ")]
        ids = list(dict.fromkeys(r.id for r in prefixed))
        if len(ids) == 1:
            return await self.storage.get_work(ids[0]), query
        if len(ids) > 1:
            works = await self._works(ids)
            raise Ambiguous(
                f"{title!r} could be several works.",
                choices=[w.label for w in works],
                hint="Pick one.",
            )
        matches = self._titles.fuzzy(key)
        chosen = self._confident(key, matches)
        if chosen is not None:
            return await self.storage.get_work(chosen), query
        suggestions = [w.label for w in await self._works([m.row.id for m in matches[:5]])]
        raise NotFound(
            f"I don't know a work called {title!r}.",
            suggestions=suggestions,
            hint="Did you mean one of these?" if suggestions else "Try !search with a few words.",
        )

    @staticmethod
    def _confident(key: str, matches: list[Match]) -> int | None:
        """Accept a typo correction only when one candidate is clearly the one meant."""
        if not matches:
            return None
        best = matches[0]
        if fuzz.ratio(key, best.row.key) < 85:
            return None
        runner_up = matches[1] if len(matches) > 1 else None
        if runner_up and runner_up.row.id != best.row.id and best.score - runner_up.score < 5:
            return None
        if sequel_number(key) != sequel_number(best.row.key):
            return None  # "Stree 3" is not a typo of "Stree 2"
        return best.row.id

    async def resolve_person(
        self, query: str, *, exact: list[Person] | None = None
    ) -> tuple[Person, str | None]:
        """The person a user means (name or alias), and their words if a typo was corrected.

        ``exact``: the people whose key equals the query's, when the caller already looked them up.
        """
        query = _clean_query(query, "name")
        await self._refresh()
        key = norm_name(query)
        people = exact if exact is not None else await self.storage.people_by_key(key)
        if len(people) == 1:
            return people[0], None
        if len(people) > 1:
            raise Ambiguous(
                f"Several people are called {query!r}.",
                choices=[p.name for p in people],
            )
        matches = self._people.fuzzy(key)
        chosen = self._confident(key, matches)
        if chosen is not None:
            found = await self.storage.people_by_key(
                next(m.row.key for m in matches if m.row.id == chosen)
            )
            if found:
                return found[0], query
        names = list(dict.fromkeys(m.row.text for m in matches[:5]))
        raise NotFound(f"I don't know anyone called {query!r}.", suggestions=names)

    # ------------------------------------------------------------------ questions
    async def review(self, title: str, limit: int = 5) -> ReviewAnswer:
        """The work's reviews, newest first, with its cast."""
        work, corrected = await self.resolve_work(title)
        reviews = await self.storage.reviews_for_work(work.id, limit=limit)
        cast = await self.storage.cast_for_work(work.id)
        return ReviewAnswer(work, tuple(reviews), tuple(cast), corrected)

    async def cast(self, query: str) -> CastAnswer | PersonAnswer:
        """A work's cast (``!cast <title>``) or a person's works (``!cast <person>``).

        An exact title wins over an exact name; otherwise the closer of the two fuzzy matches.
        """
        query = _clean_query(query, "title or name")
        await self._refresh()
        title, _, _ = _split_qualifier(query)
        works = await self.storage.works_by_key(norm_title(title))
        if works:
            return await self.cast_of_work(query, exact=works)
        people = await self.storage.people_by_key(norm_name(query))
        if people:
            return await self.works_of_person(query, exact=people)
        try:
            return await self.cast_of_work(query, exact=[])
        except NotFound as work_miss:
            try:
                return await self.works_of_person(query, exact=[])
            except NotFound as person_miss:
                raise NotFound(
                    f"I don't know a work or a person called {query!r}.",
                    suggestions=(work_miss.suggestions[:3] + person_miss.suggestions[:3]),
                ) from None

    async def cast_of_work(self, title: str, *, exact: list[Work] | None = None) -> CastAnswer:
        """The work's cast in billing order, with characters (directors last)."""
        work, corrected = await self.resolve_work(title, exact=exact)
        return CastAnswer(work, tuple(await self.storage.cast_for_work(work.id)), corrected)

    async def works_of_person(
        self, name: str, *, exact: list[Person] | None = None
    ) -> PersonAnswer:
        """The person's works with the characters they played."""
        person, corrected = await self.resolve_person(name, exact=exact)
        credits = await self.storage.credits_for_person(person.id)
        return PersonAnswer(person, tuple(credits), corrected)

    async def related(self, title: str, limit: int = 10) -> RelatedAnswer:
        """Related works ranked by the evidence for each, with the reasons in words."""
        work, corrected = await self.resolve_work(title)
        signals = await self.storage.related_signals(work.id, text_below=limit)
        ranked = rank_related(signals, limit)
        works = await self.storage.get_works([work_id for work_id, _, _ in ranked])
        related = tuple(
            RelatedWork(works[work_id], score, reasons)
            for work_id, score, reasons in ranked
            if work_id in works
        )
        return RelatedAnswer(work, related, corrected)

    async def search(self, words: str, limit: int = 10) -> SearchAnswer:
        """Full-text search over titles, headlines and review text."""
        words = _clean_query(words, "words to search for")
        return SearchAnswer(words, tuple(await self.storage.search(words, limit=limit)))

    async def latest(self, limit: int = 10) -> LatestAnswer:
        """The newest reviews."""
        if not 1 <= limit <= 50:
            raise UsageError(f"I can show 1 to 50 reviews, not {limit}.")
        return LatestAnswer(tuple(await self.storage.latest(limit=limit)))

    # ------------------------------------------------------------------ autocomplete
    async def complete_titles(self, prefix: str, limit: int = 25) -> list[str]:
        """Titles for autocomplete: prefix and word-start matches first, then typo matches."""
        await self._refresh()
        return self._complete(self._titles, norm_title(prefix[:MAX_QUERY]), limit)

    async def complete_people(self, prefix: str, limit: int = 25) -> list[str]:
        await self._refresh()
        return self._complete(self._people, norm_name(prefix[:MAX_QUERY]), limit)

    async def complete_any(self, prefix: str, limit: int = 25) -> list[str]:
        """Titles and names mixed (for ``/cast``)."""
        titles = await self.complete_titles(prefix, limit)
        people = self._complete(self._people, norm_name(prefix[:MAX_QUERY]), limit)
        out: list[str] = []
        for a, b in zip(titles + [""] * limit, people + [""] * limit, strict=False):
            out.extend(x for x in (a, b) if x and x not in out)
        return out[:limit]

    @staticmethod
    def _complete(index: NameIndex, key: str, limit: int) -> list[str]:
        out: list[str] = []
        for row in index.prefixed(key, limit=limit):
            if row.text not in out:
                out.append(row.text)
        if len(out) < _FUZZY_BELOW and len(key) >= 3:
            # typo-tolerant matches only when the prefix found (almost) nothing: the scan costs
            # milliseconds on a large index, and a prefix hit is what the member is typing anyway
            for m in index.fuzzy(key, limit=limit, cutoff=70):
                if m.row.text not in out:
                    out.append(m.row.text)
        return [t for t in out if len(t) <= 100][:limit]


def rank_related(
    signals: list[RelatedSignal], limit: int | None = None
) -> list[tuple[int, float, tuple[str, ...]]]:
    """Score each related work from its signals; best first, with human-readable reasons.

    Each kind of evidence counts once per work (shared people up to a cap); reasons are only put
    into words for the ``limit`` works returned.
    """
    kinds: dict[int, set[str]] = {}
    people: dict[tuple[int, str], dict[str, None]] = {}
    similar: dict[int, float] = {}
    for s in signals:
        found = kinds.get(s.work_id)
        if found is None:
            found = kinds[s.work_id] = set()
        found.add(s.kind)
        if s.detail and s.kind in ("shared_cast", "shared_director"):
            people.setdefault((s.work_id, s.kind), {})[s.detail] = None
        elif s.kind == "similar_text":
            weight = max(0.0, min(1.0, s.weight))
            similar[s.work_id] = max(similar.get(s.work_id, 0.0), weight)
    flat = {"franchise", "also_read", "mentioned"}
    scores: list[tuple[float, int]] = []
    for work_id, found in kinds.items():
        total = sum(RELATED_WEIGHTS[k] for k in found & flat)
        cast = people.get((work_id, "shared_cast"))
        if cast:
            total += RELATED_WEIGHTS["shared_cast"] * min(len(cast), _SHARED_CAST_CAP)
        if (work_id, "shared_director") in people:
            total += RELATED_WEIGHTS["shared_director"]
        total += RELATED_WEIGHTS["similar_text"] * similar.get(work_id, 0.0)
        scores.append((-total, work_id))
    scores.sort()
    out = []
    for negative, work_id in scores[:limit] if limit is not None else scores:
        found = kinds[work_id]
        reasons: list[str] = []
        if "franchise" in found:
            reasons.append("same franchise")
        if "also_read" in found:
            reasons.append("linked by an article (Also Read)")
        if "mentioned" in found:
            reasons.append("mentioned in a review")
        cast = people.get((work_id, "shared_cast"))
        if cast:
            reasons.append("shared cast: " + ", ".join(list(cast)[:_SHARED_CAST_CAP]))
        directors = people.get((work_id, "shared_director"))
        if directors:
            reasons.append("same director: " + ", ".join(directors))
        if "similar_text" in found:
            reasons.append("similar review text")
        out.append((work_id, round(-negative, 2), tuple(reasons)))
    return out
