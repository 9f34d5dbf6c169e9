"""Parse throughput over the corpus speed subset: fastfeedparser, feedparser and parse_feed.

Usage: python benchmarks/bench_parse.py [--subset speed.txt] [--repeat 1]
Reads ../shared/corpora/feeds (relative to the project root) and prints figures; writes nothing.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import warnings
from collections.abc import Callable

import fastfeedparser
import feedparser
from corpus import CORPUS, subset

from bot.errors import FeedError
from bot.feeds import parse_feed


def _time(label: str, docs: list[bytes], parse: Callable[[bytes], int], repeat: int) -> None:
    best = float("inf")
    entries = failures = 0
    for _ in range(repeat):
        entries = failures = 0
        started = time.perf_counter()
        for data in docs:
            try:
                entries += parse(data)
            except Exception:
                failures += 1
        best = min(best, time.perf_counter() - started)
    total_mb = sum(len(d) for d in docs) / 1e6
    print(
        f"{label:<16} {best:8.3f} s  {total_mb / best:8.1f} MB/s  {entries / best:10.0f} entries/s"
        f"  entries={entries} failures={failures}"
    )


def main() -> int:
    """Run the benchmark and print one line per parser."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subset", default="speed.txt")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    names = subset(args.subset)
    if names is None:
        print(f"corpus absent: {CORPUS / 'subsets' / args.subset}")
        return 1
    docs = [(CORPUS / name).read_bytes() for name in names]
    print(f"{args.subset}: {len(docs)} files, {sum(map(len, docs)) / 1e6:.1f} MB")
    warnings.simplefilter("ignore")

    def ours(data: bytes) -> int:
        try:
            return len(parse_feed(data, max_entries=10**9).entries)
        except FeedError:
            raise

    _time("fastfeedparser", docs, lambda d: len(fastfeedparser.parse(d).entries), args.repeat)
    _time("parse_feed", docs, ours, args.repeat)
    _time("feedparser", docs, lambda d: len(feedparser.parse(io.BytesIO(d)).entries), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
