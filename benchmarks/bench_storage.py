"""Latency of the storage queries on a large synthetic database (prints p50/p99 per query).

    python benchmarks/bench_storage.py [PATH] [--reviews N] [--rounds R]

Uses the database at PATH (default /tmp/reviewbot-synthetic.db), building it first with
``gen_synthetic.build_synthetic_db`` when it does not exist. Each query runs R times on a sample of
real keys/ids from the database (through the async Storage API, so the figures include the hop to
the connection thread); times come from ``time.perf_counter_ns``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_synthetic import build_synthetic_db

from bot.storage import SQLiteStorage, open_storage


def _sample(path: Path, rounds: int, seed: int) -> dict[str, list[Any]]:
    """Keys and ids to query, read straight from the file (popular and obscure ones alike)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    try:
        works = conn.execute("SELECT id, key, title FROM works").fetchall()
        people = [r[0] for r in conn.execute("SELECT id FROM people")]
        reviewed = [r[0] for r in conn.execute("SELECT DISTINCT work_id FROM reviews LIMIT 50000")]
        heads = [
            r[0] for r in conn.execute("SELECT headline FROM reviews ORDER BY random() LIMIT 200")
        ]
    finally:
        conn.close()
    picked = [rng.choice(works) for _ in range(rounds)]
    words = [w for h in heads for w in h.split() if len(w) > 3]
    queries = [" ".join(rng.sample(words, rng.choice((1, 2, 3)))) for _ in range(rounds)]
    queries += [rng.choice(works)[2] for _ in range(rounds // 2)]
    return {
        "keys": [w[1] for w in picked],
        "works": [rng.choice(reviewed) for _ in range(rounds)],
        "people": [rng.choice(people) for _ in range(rounds)],
        "search": queries[:rounds],
    }


async def _time(label: str, calls: list[Callable[[], Awaitable[Any]]]) -> None:
    for call in calls[:5]:  # warm the page cache a little
        await call()
    samples: list[float] = []
    for call in calls:
        start = time.perf_counter_ns()
        await call()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"{label:<18} n={len(samples):<5} p50={p50:6.2f} ms  p99={p99:6.2f} ms  max={samples[-1]:6.2f} ms"
    )


async def run(path: Path, n_reviews: int, rounds: int, seed: int) -> None:
    """Build the database if needed, then time each query."""
    if not path.exists():
        began = time.perf_counter()
        storage: SQLiteStorage = await build_synthetic_db(path, n_reviews, seed)
        await storage.close()
        print(f"built {path} with {n_reviews} articles in {time.perf_counter() - began:.1f} s")
    sample = _sample(path, rounds, seed)
    storage = await open_storage(path)
    try:
        stats = await storage.stats()
        print(", ".join(f"{k}={v}" for k, v in stats.items()))
        await _time("works_by_key", [lambda k=k: storage.works_by_key(k) for k in sample["keys"]])
        await _time("get_work", [lambda w=w: storage.get_work(w) for w in sample["works"]])
        await _time(
            "cast_for_work", [lambda w=w: storage.cast_for_work(w) for w in sample["works"]]
        )
        await _time(
            "reviews_for_work", [lambda w=w: storage.reviews_for_work(w) for w in sample["works"]]
        )
        await _time(
            "credits_for_person",
            [lambda p=p: storage.credits_for_person(p) for p in sample["people"]],
        )
        await _time(
            "related_signals", [lambda w=w: storage.related_signals(w) for w in sample["works"]]
        )
        await _time("search", [lambda q=q: storage.search(q) for q in sample["search"]])
        await _time("latest", [lambda: storage.latest(10)] * rounds)
        await _time("data_version", [storage.data_version] * rounds)
        began = time.perf_counter()
        await storage.title_index()
        await storage.person_index()
        print(f"title_index + person_index: {(time.perf_counter() - began) * 1e3:.0f} ms")
    finally:
        await storage.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", nargs="?", default="/tmp/reviewbot-synthetic.db")
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(run(Path(args.path), args.reviews, args.rounds, args.seed))


if __name__ == "__main__":
    main()
