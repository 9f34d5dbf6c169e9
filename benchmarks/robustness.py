"""Parse every corpus document through asyncio.to_thread while measuring event-loop stalls.

Usage: python benchmarks/robustness.py [--subset robustness-all.txt] [--concurrency 4] [--extract]
Prints files, parsed, FeedError, crashes (must be 0), the slowest file and the longest stall
that a 5 ms ticker task saw. With ``--extract`` every entry is also run through the extractor in
the same worker thread (an exception there is a crash too) and the slowest entry is printed.
Exit status 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from corpus import CORPUS, subset

from bot.errors import FeedError
from bot.extract import extract
from bot.feeds import parse_feed
from bot.models import ParsedFeed

TICK = 0.005


async def _ticker(stop: asyncio.Event, worst: list[float]) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(TICK)
        worst[0] = max(worst[0], time.perf_counter() - before - TICK)


def _parse_and_extract(data: bytes, slowest: list[tuple[float, str]]) -> ParsedFeed:
    """Parse, then extract every entry (the slowest extraction is kept in ``slowest[0]``)."""
    feed = parse_feed(data)
    for entry in feed.entries:
        started = time.perf_counter()
        extract(entry)
        took = time.perf_counter() - started
        if took > slowest[0][0]:
            slowest[0] = (took, entry.title[:60])
    return feed


async def run(names: list[str], concurrency: int, with_extract: bool = False) -> int:
    """Parse all files with ``concurrency`` workers; print the figures; return the crash count."""
    counts = {"parsed": 0, "feed_error": 0, "crash": 0, "entries": 0}
    slowest = (0.0, "")
    slowest_entry = [(0.0, "")]
    crashes: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for name in names:
        queue.put_nowait(name)

    async def worker() -> None:
        nonlocal slowest
        while not queue.empty():
            name = queue.get_nowait()
            data = (CORPUS / name).read_bytes()
            started = time.perf_counter()
            try:
                if with_extract:
                    feed = await asyncio.to_thread(_parse_and_extract, data, slowest_entry)
                else:
                    feed = await asyncio.to_thread(parse_feed, data)
            except FeedError:
                counts["feed_error"] += 1
            except Exception as error:
                counts["crash"] += 1
                crashes.append(f"{name}: {error!r}")
            else:
                counts["parsed"] += 1
                counts["entries"] += len(feed.entries)
            took = time.perf_counter() - started
            if took > slowest[0]:
                slowest = (took, name)

    stop = asyncio.Event()
    worst = [0.0]
    ticker = asyncio.create_task(_ticker(stop, worst))
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    stop.set()
    await ticker
    print(
        f"files={len(names)} parsed={counts['parsed']} FeedError={counts['feed_error']} "
        f"crashes={counts['crash']} entries={counts['entries']} total={elapsed:.2f} s"
    )
    print(f"slowest file: {slowest[1]} ({slowest[0] * 1000:.0f} ms, includes queueing)")
    print(f"longest event-loop stall: {worst[0] * 1000:.1f} ms (ticker every {TICK * 1000:.0f} ms)")
    if with_extract:
        took, title = slowest_entry[0]
        print(f"every entry extracted; slowest: {took * 1000:.0f} ms ({title!r})")
    for line in crashes:
        print("CRASH", line)
    return counts["crash"]


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subset", default="robustness-all.txt")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--extract", action="store_true", help="also extract every entry")
    args = parser.parse_args()
    names = subset(args.subset)
    if names is None:
        print(f"corpus absent: {CORPUS / 'subsets' / args.subset}")
        return 1
    return 1 if asyncio.run(run(names, args.concurrency, args.extract)) else 0


if __name__ == "__main__":
    sys.exit(main())
