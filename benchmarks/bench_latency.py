"""Announcement latency: from an item appearing on a feed to its message arriving at Discord.

    python benchmarks/bench_latency.py [--items 30] [--interval 1] [--channels 3] [--seed 1]

The real bot runs against the fake Discord on 127.0.0.1 (no rate limits) and follows one feed on
127.0.0.1, polled every ``--interval`` seconds (the shortest the config allows is 1 s), in ``--channels``
channels. Items are published one at a time at random moments; the latency of an item is the time from
its publication on the feed server to the fake receiving the announcement POST in each channel. Prints
p50/p90/p99/max over every (item, channel), next to the poll interval, which bounds the waiting part:
an item waits on average half an interval for the next poll.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_fanout import FEEDS, OPTIONS, build_world, running, sends, subscribe  # noqa: E402

from tests.discord.feedsite import FeedSite  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def main_async(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    feeds = replace(FEEDS, default_interval=args.interval, min_interval=args.interval)
    world, pairs = build_world(args.channels)
    channel_ids = [cid for _, cid in pairs]
    wanted = set(channel_ids)
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        db = Path(tmp) / "latency.db"
        async with FakeDiscord(world=world) as fake, FeedSite() as site:
            site.add_review("Warm Up Show")
            await subscribe(db, pairs, site.url)
            async with running(fake, db, OPTIONS, feeds):
                await asyncio.sleep(args.interval * 1.5)
                for n in range(args.items):
                    await asyncio.sleep(rng.uniform(0, args.interval))  # a random poll phase
                    marker = f"Latency Show {n:03d} review"
                    published = time.time()
                    site.add_review(f"Latency Show {n:03d}")
                    await fake.wait_for(
                        lambda m=marker: len(sends(fake, wanted, m)) >= args.channels,
                        timeout=args.interval * 10 + 10,
                        what=f"announcements of item {n}",
                    )
                    latencies += [(r.time - published) * 1000 for r in sends(fake, wanted, marker)]
    ms = latencies
    print(
        f"{args.items} items x {args.channels} channels, poll interval {args.interval} s "
        f"(mean wait for the next poll: {args.interval * 500:.0f} ms)"
    )
    print(
        f"publish -> announcement at Discord: p50 {percentile(ms, 50):.0f} ms, p90 "
        f"{percentile(ms, 90):.0f} ms, p99 {percentile(ms, 99):.0f} ms, max {max(ms):.0f} ms, "
        f"mean {statistics.fmean(ms):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--interval", type=int, default=1, help="poll interval in whole seconds")
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
