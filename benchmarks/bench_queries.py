"""Answer latency of review, cast and related through the services, on a 100,000-review database.

Builds the synthetic database with benchmarks/gen_synthetic.py if the file does not exist yet (about
two minutes), then times each question the way the console and the bot ask it (``ReviewService``), over
random titles and people, and prints p50/p99 and the run's peak memory (max RSS).

    python benchmarks/bench_queries.py [--db /tmp/reviewbot-synthetic.db] [--queries 500]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_synthetic import build_synthetic_db

from bot.services import ReviewService
from bot.storage import open_storage


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/reviewbot-synthetic.db"))
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    if not args.db.exists():
        print(f"building {args.db} with {args.reviews} reviews ...", flush=True)
        start = time.perf_counter()
        await build_synthetic_db(args.db, n_reviews=args.reviews)
        print(f"built in {time.perf_counter() - start:.0f} s")
    storage = await open_storage(args.db)
    try:
        stats = await storage.stats()
        print(
            f"database: {stats['reviews']} reviews, {stats['works']} works, {stats['people']} people"
        )
        service = ReviewService(storage)
        start = time.perf_counter()
        await service.complete_titles("", 1)  # what the bot does at start: build the look-up index
        print(f"index build at start: {(time.perf_counter() - start) * 1000:.0f} ms")
        rng = random.Random(7)
        titles = [r.text for r in await storage.title_index() if not r.is_alias]
        people = [r.text for r in await storage.person_index() if not r.is_alias]
        questions = {
            "review": (service.review, rng.sample(titles, args.queries)),
            "cast <title>": (service.cast, rng.sample(titles, args.queries)),
            "cast <person>": (service.cast, rng.sample(people, args.queries)),
            "related": (service.related, rng.sample(titles, args.queries)),
        }
        print(
            f"\n{'question':14} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}   ({args.queries} each)"
        )
        for name, (ask, inputs) in questions.items():
            times = []
            for text in inputs:
                t0 = time.perf_counter_ns()
                try:
                    await ask(text)
                except Exception as exc:  # an ambiguous synthetic title is still an answer
                    if type(exc).__name__ not in ("Ambiguous", "NotFound"):
                        raise
                times.append((time.perf_counter_ns() - t0) / 1e6)
            print(f"{name:14} {pct(times, 0.5):8.2f} {pct(times, 0.99):8.2f} {max(times):8.2f}")
    finally:
        await storage.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS) of this run: {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
