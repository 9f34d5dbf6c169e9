"""End-to-end ingest rate (parse + extract + store) against feedparser's parse alone.

For each feed file, in the same run: the time ``feedparser.parse`` takes to parse it, and the time our
whole pipeline takes to read it into a fresh SQLite database (``parse_feed`` + extraction + storage).
The ratio pipeline/feedparser is the figure of merit: below 1 means storing and understanding a feed
costs less than merely parsing it with feedparser.

    python benchmarks/bench_ingest.py                 # the 43 WordPress feeds of ../shared (if present)
    python benchmarks/bench_ingest.py FILE [FILE ...] # any feed files

Reads the shared corpus in place (never copies it); prints a table and the totals.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

import feedparser
from corpus import CORPUS, subset

from bot.feeds.parse import parse_feed
from bot.ingest import Ingestor, default_workers, shutdown_extraction_pool
from bot.storage import open_storage


def default_files() -> list[Path]:
    names = subset("wordpress-benchmark.txt")
    if names is None:
        sys.exit(f"the shared feed corpus is absent ({CORPUS}); pass feed files instead")
    return [CORPUS / name for name in names]


async def pipeline(ingestor: Ingestor, data: bytes, key: str) -> int:
    """Parse, extract and store one feed; return the items stored."""
    parsed = await asyncio.to_thread(parse_feed, data)
    summary = await ingestor.ingest_entries(key, parsed.entries)
    return summary.new


def best_of(rounds: int, fn: object) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3, help="best of N for each side")
    parser.add_argument(
        "--workers", type=int, default=None, help="extraction processes (default: one per core)"
    )
    args = parser.parse_args()
    files = args.files or default_files()
    total_fp = total_ours = 0.0
    total_items = 0
    print(f"{'feed':44} {'items':>5} {'feedparser ms':>14} {'pipeline ms':>12} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        # one database per round, opened before the clock starts, as `reviewbot ingest FILE...` does
        storages = [await open_storage(Path(tmp) / f"round{r}.db") for r in range(args.rounds)]
        ingestors = [Ingestor(s, workers=args.workers) for s in storages]
        for path in files:
            data = path.read_bytes()
            fp = best_of(args.rounds, lambda data=data: feedparser.parse(io.BytesIO(data)))
            ours = float("inf")
            items = 0
            for ingestor in ingestors:
                start = time.perf_counter()
                items = await pipeline(ingestor, data, f"file:{path}")
                ours = min(ours, time.perf_counter() - start)
            total_fp += fp
            total_ours += ours
            total_items += items
            name = str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else path.name
            print(
                f"{name[-44:]:44} {items:5d} {fp * 1000:14.1f} {ours * 1000:12.1f} {ours / fp:6.2f}"
            )
        for storage in storages:
            await storage.close()
    print()
    print(f"feeds: {len(files)}, items stored: {total_items}")
    print(f"feedparser parse alone: {total_fp:.3f} s")
    print(f"our pipeline (parse + extract + store in one SQLite file): {total_ours:.3f} s")
    print(f"ratio pipeline / feedparser: {total_ours / total_fp:.2f} (goal < 1)")
    print(f"pipeline rate: {total_items / total_ours:.0f} items/s")
    workers = default_workers() if args.workers is None else args.workers
    print(f"extraction processes: {workers} (started once, before the first feed)")
    await shutdown_extraction_pool()


if __name__ == "__main__":
    asyncio.run(main())
