"""One new review announced in many channels, under Discord's rate limits: how close to the minimum?

    python benchmarks/bench_fanout.py [--channels 500] [--rate 45] [--concurrency 8] [--runs 1]

The real bot (discord.py, ``DiscordTransport``, the ``Sender``, the ``Poller``, SQLite) runs against the
fake Discord on 127.0.0.1 with per-channel buckets of 5 messages per 5 s and a global limit of 50
requests per second, and a feed on 127.0.0.1 followed in ``--channels`` channels, 100 per server (the
per-server limit of subscriptions; created through ``FeedService`` before the bot starts). One new item is published; the script measures the time
from the first announcement request the fake receives to the last one it accepts, and from the item's
publication to the last announcement. The floor those limits allow is channels / 50 s (10 s for 500).
Also printed: 429 answers the fake gave (the sender paces itself so there should be none) and nonce
duplicates it dropped. Writes only to a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.client import BotOptions, ReviewBot, build_bot, fetch_settings  # noqa: E402
from bot.config import Config, DiscordConfig, FeedsConfig  # noqa: E402
from bot.feeds.fetch import Fetcher  # noqa: E402
from bot.feeds.service import MAX_SUBSCRIPTIONS, FeedService  # noqa: E402
from bot.ingest import Ingestor  # noqa: E402
from bot.storage import SQLiteStorage, open_storage  # noqa: E402
from tests.discord.feedsite import FeedSite  # noqa: E402
from tests.fakediscord import FakeDiscord, RecordedRequest, World  # noqa: E402
from tests.fakediscord.fixtures import running_bot  # noqa: E402

TOKEN = "bench-token"
GLOBAL_LIMIT = 50  # requests per second at the fake (Discord's global limit)
PER_GUILD = min(100, MAX_SUBSCRIPTIONS)  # channels following the feed in each fake server
FEEDS = FeedsConfig(default_interval=1, min_interval=1, allowed_hosts=("127.0.0.1",))
OPTIONS = BotOptions(cooldown_rate=10**9, cooldown_per=1.0, reidentify_delay=0, sync_commands=False)


def build_world(channels: int, per_guild: int = PER_GUILD) -> tuple[World, list[tuple[int, int]]]:
    """The standard fake world plus ``channels`` text channels, ``per_guild`` per server (a server
    may follow at most ``MAX_SUBSCRIPTIONS`` feeds); returns (guild id, channel id) pairs."""
    world = World.default()
    pairs: list[tuple[int, int]] = []
    guild = world.guild()
    for i in range(channels):
        if i and i % per_guild == 0:
            guild = world.add_guild(f"Fan Server {i // per_guild + 1}")
        pairs.append((guild.id, world.add_channel(guild, f"fan-{i:03d}").id))
    return world, pairs


async def subscribe(db: Path, pairs: list[tuple[int, int]], url: str) -> None:
    """Follow ``url`` in every channel through ``FeedService`` (stores the current items, announces none)."""
    storage = await open_storage(db)
    fetcher = Fetcher(fetch_settings(FEEDS))
    try:
        service = FeedService(storage, fetcher, Ingestor(storage), FEEDS)
        for guild_id, channel_id in pairs:
            await service.add(guild_id, channel_id, url)
    finally:
        await fetcher.close()
        await storage.close()


@asynccontextmanager
async def running(
    fake: FakeDiscord, db: Path, options: BotOptions, feeds: FeedsConfig = FEEDS
) -> AsyncIterator[ReviewBot]:
    """The bot built as ``run_bot`` builds it, running against ``fake``."""
    storage = await open_storage(db)
    assert isinstance(storage, SQLiteStorage)
    config = Config(
        discord=DiscordConfig(
            token=TOKEN, api_base_url=fake.api_base, gateway_url=fake.gateway_url
        ),
        feeds=feeds,
    )
    try:
        bot = build_bot(config, storage, options=options)
        async with running_bot(fake, bot, token=TOKEN, timeout=30):
            yield bot
    finally:
        await storage.close()


def sends(fake: FakeDiscord, channel_ids: set[int], marker: str) -> list[RecordedRequest]:
    """Recorded announcement POSTs (any status) into ``channel_ids`` whose content has ``marker``."""
    out = []
    for request in fake.requests:
        if request.method != "POST" or not request.path.endswith("/messages"):
            continue
        body = request.json
        cid = int(request.path.split("/")[2])
        if cid in channel_ids and isinstance(body, dict) and marker in str(body.get("content")):
            out.append(request)
    return out


async def one_run(channels: int, rate: float, concurrency: int, work: Path) -> dict[str, float]:
    world, pairs = build_world(channels)
    channel_ids = [cid for _, cid in pairs]
    wanted = set(channel_ids)
    db = work / f"fanout-{channels}-{rate:g}-{time.monotonic_ns()}.db"
    options = replace(OPTIONS, send_rate_per_s=rate, send_concurrency=concurrency)
    async with (
        FakeDiscord(
            world=world, channel_rate_limit=(5, 5.0), global_rate_limit=GLOBAL_LIMIT
        ) as fake,
        FeedSite() as site,
    ):
        site.add_review("Warm Up Show")
        began = time.perf_counter()
        await subscribe(db, pairs, site.url)
        setup = time.perf_counter() - began
        async with running(fake, db, options):
            await asyncio.sleep(1.5)  # past the first poll of the old items
            published = time.time()
            site.add_review("Fanout Show")
            await fake.wait_for(
                lambda: all(any("Fanout Show" in str(m.get("content")) for m in fake.messages[c])
                            for c in channel_ids),
                timeout=max(120.0, channels / 10),
                what="every announcement",
            )  # fmt: skip
            done = time.time()
        attempts = sends(fake, wanted, "Fanout Show")
        accepted = [r for r in attempts if r.status == 200]
        first, last = min(r.time for r in attempts), max(r.time for r in accepted)
        delivered = sum(
            1
            for c in channel_ids
            for m in fake.messages[c]
            if "Fanout Show" in str(m.get("content"))
        )
        return {
            "setup": setup,
            "span": last - first,
            "from_publish": last - published,
            "detected": first - published,
            "observed": done - published,
            "delivered": float(delivered),
            "attempts": float(len(attempts)),
            "429": float(len(fake.rate_limit_hits)),
            "dedups": float(fake.nonce_dedups),
        }


async def main_async(args: argparse.Namespace) -> None:
    floor = args.channels / GLOBAL_LIMIT
    print(
        f"fan-out of one review to {args.channels} channels; fake limits: 5 msgs/5 s per channel, "
        f"{GLOBAL_LIMIT} req/s global; sender rate {args.rate:g}/s, concurrency {args.concurrency}"
    )
    print(f"floor allowed by the limits: {args.channels} / {GLOBAL_LIMIT} = {floor:.2f} s\n")
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        for run in range(1, args.runs + 1):
            r = await one_run(args.channels, args.rate, args.concurrency, Path(tmp))
            print(
                f"run {run}: delivered {r['delivered']:.0f}/{args.channels} "
                f"(setup {r['setup']:.1f} s) | first->last send {r['span']:.2f} s "
                f"({100 * (r['span'] / floor - 1):+.1f}% vs floor) | publish->first send "
                f"{r['detected']:.2f} s | publish->last {r['from_publish']:.2f} s "
                f"({100 * (r['from_publish'] / floor - 1):+.1f}%) | POSTs {r['attempts']:.0f}, "
                f"429s {r['429']:.0f}, nonce dedups {r['dedups']:.0f}"
            )
    print("\ngoal: first->last send within 10% of the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--rate", type=float, default=BotOptions().send_rate_per_s)
    parser.add_argument("--concurrency", type=int, default=BotOptions().send_concurrency)
    parser.add_argument("--runs", type=int, default=1)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
