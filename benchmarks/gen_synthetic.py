"""Build a realistic synthetic reviewbot database through the Storage API (for benchmarks).

    python benchmarks/gen_synthetic.py [PATH] [--reviews N] [--seed S]

Shape for N reviews: ~0.4 N works (about a sixth of them in franchises of 2-4 numbered entries),
~0.3 N people, 3-8 billed cast per review from each work's stable cast (some with characters),
a director, ratings, ~10% news items, 0-3 mentions per article (franchise siblings, "Also Read"
links, passing mentions with cast), and ~150 words of text drawn from a Zipf-like vocabulary so that
the search index has realistic common and rare terms. Popular works get many reviews.
Items go in through ``SQLiteStorage.ingest_many`` (the batched form of ``ingest``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.models import CastMember, Extraction, FeedEntry, MentionedWork, MentionKind
from bot.storage import IngestItem, SQLiteStorage, open_storage


def _words(text: str) -> list[str]:
    return text.split()


_SYLLABLES = _words(
    "ka ri mo na su jin ho ae so ra de vi an ya lu te mi ko ne sa yu bo ha ji da el ar is on "
    "ul ve ta ro shi kum pal ran dev ash ni ma lo sen tor gra bel fin cas wen dor"
)
_SURNAMES = _words(
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong "
    "Kapoor Khan Sharma Singh Rao Reddy Nair Menon Iyer Das Smith Jones Brown Taylor Wilson Evans "
    "Walker Wright Hughes Green Hall Wood Moore Clark Lewis Young Allen King Scott Baker"
)
_ADJECTIVES = _words(
    "Silent Crimson Hidden Broken Golden Endless Midnight Lonely Burning Secret Frozen Wild Last "
    "Little Dark Bright Hollow Savage Gentle Lost Eternal Scarlet Distant Quiet Restless Fallen "
    "Sweet Bitter Electric Velvet Iron Paper Glass Stone Silver Shadow Summer Winter Spring Autumn"
)
_NOUNS = _words(
    "Garden River Kingdom Signal Mirror Harbor Empire Promise Letter Witness Summer Crown Bridge "
    "Forest Ocean Tower Station Hunter Doctor Lawyer Queen Prince Detective Village City Island "
    "Road Storm Flame Moon Star Heart Soul Dream Song Dance Game Code Circle Line Door Window Street"
)
_COMMON = _words(
    "the a and of to in is that it with as for his her this on at by an be are from its their "
    "but not which who has have was were one all more when story performance screenplay episode "
    "film series character actor plot scene direction music camera tension ending twist drama"
)
_KINDS = ("film", "series", None)


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


class _World:
    """The synthetic catalogue: works with stable casts, people, a vocabulary."""

    def __init__(self, rng: random.Random, n_reviews: int) -> None:
        self.rng = rng
        n_works = max(10, int(n_reviews * 0.4))
        n_people = max(20, int(n_reviews * 0.3))
        given = _pseudo_words(rng, 900)
        people: set[str] = set()
        while len(people) < n_people:
            first = rng.choice(given).capitalize()
            second = rng.choice(given)
            people.add(f"{rng.choice(_SURNAMES)} {first}-{second}")
        self.people = sorted(people)
        rng.shuffle(self.people)
        self.vocab = _COMMON + _pseudo_words(rng, 6000)
        self.vocab_weights = list(
            itertools.accumulate(1.0 / (rank + 1) ** 1.05 for rank in range(len(self.vocab)))
        )
        extra = [w.capitalize() for w in _pseudo_words(rng, 1000)]
        heads = (
            [f"{a} {n}" for a in _ADJECTIVES for n in _NOUNS]
            + [f"The {w} {n}" for w in extra for n in _NOUNS]
            + [f"{a} {w}" for a in _ADJECTIVES for w in extra]
        )
        rng.shuffle(heads)
        self.titles: list[str] = []
        self.franchise_of: dict[int, list[int]] = {}
        self.kind: list[str | None] = []
        head_iter = iter(heads)
        while len(self.titles) < n_works:
            head = next(head_iter)
            kind = rng.choice(_KINDS)
            if rng.random() < 0.07:  # a franchise of 2-4 numbered entries
                size = rng.randint(2, 4)
                ids = list(range(len(self.titles), len(self.titles) + size))
                for number in range(1, size + 1):
                    if kind == "series":
                        title = head if number == 1 else f"{head} Season {number}"
                    else:
                        title = head if number == 1 else f"{head} {number}"
                    self.titles.append(title)
                    self.kind.append(kind)
                for i in ids:
                    self.franchise_of[i] = ids
            else:
                self.titles.append(head)
                self.kind.append(kind)
        # each work has a stable billed cast and director; popular people appear more often
        person_weights = list(
            itertools.accumulate(1.0 / (rank + 1) ** 0.6 for rank in range(len(self.people)))
        )
        self.cast: list[list[str]] = []
        self.director: list[str] = []
        for i in range(len(self.titles)):
            siblings = self.franchise_of.get(i)
            if siblings and siblings[0] != i:  # sequels keep most of the first entry's cast
                base = self.cast[siblings[0]]
                fresh = rng.choices(self.people, cum_weights=person_weights, k=3)
                self.cast.append(list(dict.fromkeys(base[:5] + fresh)))
                self.director.append(self.director[siblings[0]])
            else:
                self.cast.append(
                    list(dict.fromkeys(rng.choices(self.people, cum_weights=person_weights, k=9)))
                )
                self.director.append(rng.choice(self.people))
        self.work_weights = list(
            itertools.accumulate(1.0 / (rank + 1) ** 0.5 for rank in range(len(self.titles)))
        )
        self.characters = _pseudo_words(rng, 2000)

    def text(self, words: int) -> str:
        picked = self.rng.choices(self.vocab, cum_weights=self.vocab_weights, k=words)
        sentences = []
        for start in range(0, len(picked), 15):
            chunk = picked[start : start + 15]
            sentences.append(" ".join(chunk).capitalize() + ".")
        return " ".join(sentences)

    def item(self, number: int, published: datetime) -> IngestItem:
        rng = self.rng
        work = rng.choices(range(len(self.titles)), cum_weights=self.work_weights)[0]
        title = self.titles[work]
        is_review = rng.random() >= 0.1
        cast_names = self.cast[work][: rng.randint(3, 8)]
        cast = tuple(
            CastMember(
                name,
                character=self.characters[(work * 7 + i) % len(self.characters)].capitalize()
                if rng.random() < 0.5
                else None,
                voice=rng.random() < 0.02,
            )
            for i, name in enumerate(cast_names)
        )
        mentions: list[MentionedWork] = []
        for sibling in self.franchise_of.get(work, []):
            if sibling != work and rng.random() < 0.5:
                mentions.append(MentionedWork(self.titles[sibling], MentionKind.FRANCHISE))
        if rng.random() < 0.4:
            other = rng.randrange(len(self.titles))
            mentions.append(
                MentionedWork(
                    self.titles[other],
                    MentionKind.ALSO_READ,
                    url=f"https://reviews.example/{other}-review",
                )
            )
        if rng.random() < 0.3:
            other = rng.randrange(len(self.titles))
            mentions.append(
                MentionedWork(
                    self.titles[other], MentionKind.PASSING, cast=tuple(self.cast[other][:2])
                )
            )
        headline = (
            f"{title} review: {self.text(6).rstrip('.')}"
            if is_review
            else (f"{cast_names[0]} joins {title} as {self.text(4).rstrip('.')}")
        )
        body = self.text(rng.randint(120, 180))
        url = f"https://site{number % 7}.example/{number}"
        extraction = Extraction(
            headline=headline,
            is_review=is_review,
            title=title,
            cast=cast,
            director=self.director[work] if is_review else None,
            rating=round(rng.uniform(1, 5) * 2) / 2 if is_review else None,
            mentions=tuple(mentions),
            summary=body[:160],
            text=body,
            source=f"Site {number % 7}",
            url=url,
            published=published,
            kind=self.kind[work],
        )
        entry = FeedEntry(title=headline, content=body, link=url, guid=url, published=published)
        return (f"feed-{number % 7}", url, f"h{number}", entry, extraction)


async def build_synthetic_db(
    path: str | Path, n_reviews: int = 100_000, seed: int = 0, batch: int = 500
) -> SQLiteStorage:
    """Create a synthetic database of ``n_reviews`` articles at ``path``; returns it open."""
    rng = random.Random(seed)
    world = _World(rng, n_reviews)
    storage = await open_storage(path)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    step = timedelta(minutes=(7 * 365 * 24 * 60) // max(1, n_reviews))
    for first in range(0, n_reviews, batch):
        items = [
            world.item(n, start + step * n) for n in range(first, min(n_reviews, first + batch))
        ]
        results = await storage.ingest_many(items)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise RuntimeError(f"synthetic ingest failed: {failed[0].error}")
    return storage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", nargs="?", default="/tmp/reviewbot-synthetic.db")
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    target = Path(args.path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)

    async def run() -> None:
        began = time.perf_counter()
        storage = await build_synthetic_db(target, args.reviews, args.seed)
        try:
            elapsed = time.perf_counter() - began
            stats = await storage.stats()
        finally:
            await storage.close()
        size = target.stat().st_size / 1e6
        print(f"built {target} ({size:.0f} MB) with {args.reviews} articles in {elapsed:.1f} s")
        print(", ".join(f"{k}={v}" for k, v in stats.items()))

    asyncio.run(run())


if __name__ == "__main__":
    main()
