"""One poll cycle of many feeds: reviewbot's Poller.poll_due against the ``reader`` library.

A feed server runs in a child process on 127.0.0.1 and serves N WordPress-shaped RSS feeds (10
items each, ETag/If-None-Match). Each side first follows every feed (the cold fetch, reported but
not the goal), then, ``--cycles`` times, the server adds one new item to a fraction of the feeds
(5% by default) and one full cycle over all N feeds is timed: wall time and this process's CPU time
(time.process_time, which counts worker threads too; extraction runs in a thread here so that it
is counted). The figures are the median cycle (min-max beside it): single cycles on a shared
2-core machine vary by +-15%. Both sides use the same concurrency (``--workers``); reviewbot runs
on the event loop ``reviewbot run`` uses (uvloop where installed, see bot/runtime.py).

reviewbot's cycle does more than reader's: it also extracts the new reviews, stores their facts
and search text, and queues their announcements in the same transaction.

    python benchmarks/bench_poll.py [--feeds 1000] [--changed 0.05] [--workers 16] [--cycles 3]

Needs ``reader`` (pip install -e '.[bench]') only for the comparison; without it only reviewbot runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import runtime

ITEMS = 10
SITES = ("dramanotes", "filmcompanion", "seoulscreen", "bollyview", "cinecritic")
ACTORS = ("Kim Tae-ri", "Nam Joo-hyuk", "Park Seo-joon", "IU", "Song Kang", "Alia Bhatt",
          "Rajkummar Rao", "Tabu", "Fahadh Faasil", "Nayanthara")  # fmt: skip


# ---------------------------------------------------------------------- the feed server (child)


def _item(feed: int, n: int) -> str:
    site = SITES[feed % len(SITES)]
    title = f"Show {feed}-{n}"
    cast = ", ".join(random.Random(feed * 1000 + n).sample(ACTORS, 3))
    when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=feed + 7 * n)
    body = (
        f"<p>{title} is a slow-burning drama that earns its twists. Starring {cast}, the series "
        f"follows a family over three decades.</p><p>The writing is sharp and the direction "
        f"confident; the middle episodes sag a little.</p><p>Directed by Lee Min-ho.</p>"
        f"<p>Rating: {3 + n % 3}/5</p><p>Also Read: <a href='https://{site}.example/other'>"
        f"Another review</a></p>"
    )
    return (
        f"<item><title>Review: {title}</title><link>https://{site}.example/{feed}/{n}/</link>"
        f"<dc:creator><![CDATA[Staff Writer]]></dc:creator>"
        f"<pubDate>{format_datetime(when)}</pubDate><category><![CDATA[Reviews]]></category>"
        f"<category><![CDATA[K-Drama]]></category>"
        f'<guid isPermaLink="false">https://{site}.example/?p={feed * 1000 + n}</guid>'
        f"<description><![CDATA[{title} is a slow-burning drama [&#8230;]]]></description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<comments>https://{site}.example/{feed}/{n}/#respond</comments></item>"
    )


def _document(feed: int, version: int) -> bytes:
    newest = ITEMS + version
    items = "".join(_item(feed, n) for n in range(newest - 1, newest - 1 - ITEMS, -1))
    site = SITES[feed % len(SITES)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{site} feed {feed}</title><link>https://{site}.example/</link>"
        "<description>Reviews</description><language>en-US</language>"
        f"<generator>https://wordpress.org/?v=6.4</generator>{items}</channel></rss>"
    ).encode()


def _serve(feeds: int, ready: mp.Queue) -> None:  # type: ignore[type-arg]
    from aiohttp import web

    versions = [0] * feeds
    cache: dict[tuple[int, int], bytes] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/_bump":
            rng = random.Random(int(request.query["seed"]))
            chosen = rng.sample(range(feeds), int(request.query["n"]))
            for i in chosen:
                versions[i] += 1
            return web.json_response(chosen)
        feed = int(request.match_info["n"])
        version = versions[feed]
        etag = f'"{feed}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = cache.get((feed, version))
        if body is None:
            body = cache[(feed, version)] = _document(feed, version)
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{n}.xml", handle)
        app.router.add_get("/_bump", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ready.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def bump(base: str, count: int, seed: int) -> list[int]:
    with urllib.request.urlopen(f"{base}/_bump?n={count}&seed={seed}", timeout=10) as answer:
        return list(json.loads(answer.read()))


# ---------------------------------------------------------------------- the two sides


@dataclass
class Figures:
    name: str
    cold_wall: float
    walls: list[float]
    cpus: list[float]
    detail: str

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def spread(self) -> str:
        return f"{min(self.walls):.2f}-{max(self.walls):.2f}"


async def run_reviewbot(
    base: str, feeds: int, changed: int, workers: int, cycles: int, tmp: Path
) -> Figures:
    from bot.config import FeedsConfig
    from bot.feeds.fetch import Fetcher, FetchSettings
    from bot.feeds.poller import Poller
    from bot.feeds.service import FeedService
    from bot.ingest import Ingestor
    from bot.storage import open_storage

    config = FeedsConfig(
        allowed_hosts=("127.0.0.1",), max_concurrency=workers, per_host_concurrency=workers
    )
    store = await open_storage(tmp / "reviewbot.db")
    ingestor = Ingestor(store, workers=0)  # extraction in a thread: counted by process_time
    walls: list[float] = []
    cpus: list[float] = []
    statuses: dict[str, int] = {}
    new = 0
    async with Fetcher(FetchSettings(allowed_hosts=("127.0.0.1",))) as fetcher:
        service = FeedService(store, fetcher, ingestor, config)
        gate = asyncio.Semaphore(workers)

        async def follow(i: int) -> None:
            async with gate:
                await service.add(1 + i // 50, 10_000 + i, f"{base}/f/{i}.xml")

        started = time.perf_counter()
        await asyncio.gather(*(follow(i) for i in range(feeds)))
        cold = time.perf_counter() - started
        for cycle in range(cycles):
            await asyncio.to_thread(bump, base, changed, 1 + cycle)
            later = time.time() + 10**7 * (cycle + 1)  # every feed is due
            poller = Poller(store, fetcher, ingestor, config, clock=lambda t=later: t)
            wall0, cpu0 = time.perf_counter(), time.process_time()
            reports = await poller.poll_due()
            walls.append(time.perf_counter() - wall0)
            cpus.append(time.process_time() - cpu0)
            for report in reports:
                statuses[report.status] = statuses.get(report.status, 0) + 1
            new += sum(r.new for r in reports)
    counts = await store.outbox_counts()
    await store.close()
    detail = f"{statuses}, {new} new reviews, {counts['pending']} announcements queued"
    return Figures("reviewbot Poller.poll_due", cold, walls, cpus, detail)


def run_reader(
    base: str, feeds: int, changed: int, workers: int, cycles: int, tmp: Path
) -> Figures | None:
    try:
        from reader import make_reader
    except ImportError:
        return None
    reader = make_reader(str(tmp / "reader.sqlite"))
    for i in range(feeds):
        reader.add_feed(f"{base}/f/{i}.xml")
    started = time.perf_counter()
    reader.update_feeds(workers=workers)
    cold = time.perf_counter() - started
    before = reader.get_entry_counts().total
    walls: list[float] = []
    cpus: list[float] = []
    for cycle in range(cycles):
        bump(base, changed, 1001 + cycle)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        reader.update_feeds(workers=workers, scheduled=False)
        walls.append(time.perf_counter() - wall0)
        cpus.append(time.process_time() - cpu0)
    after = reader.get_entry_counts().total
    reader.close()
    return Figures("reader.update_feeds", cold, walls, cpus, f"{after - before} new entries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--changed", type=float, default=0.05, help="fraction with a new item")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--cycles", type=int, default=3, help="timed cycles per side (median)")
    args = parser.parse_args()
    changed = max(1, round(args.feeds * args.changed))
    ready: mp.Queue[int] = mp.get_context("spawn").Queue()
    server = mp.get_context("spawn").Process(target=_serve, args=(args.feeds, ready), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ready.get(timeout=30)}"
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            # on the event loop `reviewbot run` uses (uvloop where installed; see bot/runtime.py)
            run = (base, args.feeds, changed, args.workers, args.cycles, tmp)
            ours = runtime.run(run_reviewbot(*run))
            theirs = run_reader(*run)
    finally:
        server.terminate()
        server.join(5)
    print(
        f"\nOne poll cycle of {args.feeds} feeds ({changed} with a new item, the rest 304), "
        f"{args.workers} workers, server on 127.0.0.1 in another process; median of "
        f"{args.cycles} cycles per side\n"
    )
    print(f"reviewbot's event loop: {runtime.loop_name()}\n")
    print(
        f"{'':28} {'cycle wall s':>12} {'(min-max)':>11} {'cycle CPU s':>12} {'feeds/s':>9}"
        "   cold follow s"
    )
    rows = [ours] + ([theirs] if theirs else [])
    for f in rows:
        print(
            f"{f.name:28} {f.wall:12.2f} {f.spread():>11} {f.cpu:12.2f} "
            f"{args.feeds / f.wall:9.0f}   {f.cold_wall:10.1f}   {f.detail}"
        )
    if theirs:
        print(
            f"\nreviewbot vs reader: {theirs.wall / ours.wall:.1f}x less wall time, "
            f"{theirs.cpu / ours.cpu:.1f}x less CPU time (goal: 5x)"
        )
    else:
        print("\n(reader is not installed: pip install -e '.[bench]' to compare)")
    print(
        f"command: python benchmarks/bench_poll.py --feeds {args.feeds} "
        f"--changed {args.changed} --workers {args.workers} --cycles {args.cycles}"
    )


if __name__ == "__main__":
    main()
