"""Extraction speed over the golden articles and the seed: prints articles/second.

Usage: python benchmarks/bench_extract.py [--rounds N] [--known N]
(--known builds a KnownNames of N synthetic people to show the cost of a large people index).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot.extract import KnownNames, entry_from_text, extract

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles"
SEED = ROOT.parent / "shared" / "seeds" / "000_35bc6159f6db620b.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--known", type=int, default=0, help="synthetic known people to index")
    args = parser.parse_args()
    files = sorted(ARTICLES.glob("*.txt")) if ARTICLES.is_dir() else []
    if SEED.is_file():
        files.append(SEED)
    if not files:
        raise SystemExit("no articles found (tests/data/articles and the seed are absent)")
    entries = [entry_from_text(f.read_text(encoding="utf-8")) for f in files]
    words = sum(len((e.title + " " + e.content).split()) for e in entries)
    known = None
    if args.known:
        t0 = time.perf_counter()
        known = KnownNames(
            {f"Person{i} Surname{i % 977}": [f"Alias{i}"] for i in range(args.known)}
        )
        print(f"KnownNames index of {args.known} people built in {time.perf_counter() - t0:.3f} s")
    for e in entries:  # warm up (regex compilation, caches)
        extract(e, known_people=known)
    per_round = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for e in entries:
            extract(e, known_people=known)
        per_round.append(time.perf_counter() - t0)
    best, median = min(per_round), statistics.median(per_round)
    n = len(entries)
    print(f"{n} articles, {words / n:.0f} words on average, {args.rounds} rounds")
    print(f"median {n / median:,.0f} articles/s ({median / n * 1000:.3f} ms/article)")
    print(f"best   {n / best:,.0f} articles/s ({best / n * 1000:.3f} ms/article)")


if __name__ == "__main__":
    main()
