"""Answer latency of !review, !cast and !related through Discord, against the service call alone.

    python benchmarks/bench_discord.py [--db PATH] [--reviews 100000] [--queries 200] [--seed 1]

Runs the real bot (discord.py, cogs, storage) against the fake Discord on 127.0.0.1 over a synthetic
database (built with benchmarks/gen_synthetic.py when PATH does not exist yet). The Discord latency of
one question is the time from the user's message being sent by the fake (MESSAGE_CREATE) to the fake
receiving the bot's reply (POST /channels/{id}/messages), so it includes the gateway hop, discord.py's
parsing, prefix look-up, command dispatch, the service call, rendering, embed building and the REST
call. The service latency is ``run_command(service, ...)`` alone on the same titles. Prints p50/p99
and their ratio. Needs the tests/ tree (the fake server) beside it; writes nothing but the database.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bot.client import BotOptions, build_bot  # noqa: E402
from bot.commands import run_command  # noqa: E402
from bot.config import Config, DiscordConfig  # noqa: E402
from bot.errors import ReviewBotError  # noqa: E402
from bot.services import ReviewService  # noqa: E402
from bot.storage import SQLiteStorage, open_storage  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402
from tests.fakediscord.fixtures import running_bot  # noqa: E402

COMMANDS = ("review", "cast", "related")
OPTIONS = BotOptions(cooldown_rate=10**9, cooldown_per=1.0, reidentify_delay=0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def ensure_db(path: Path, n_reviews: int) -> None:
    if path.exists():
        return
    from gen_synthetic import build_synthetic_db

    print(f"building a {n_reviews}-review database at {path} ...", flush=True)
    began = time.perf_counter()
    storage = await build_synthetic_db(path, n_reviews)
    await storage.close()
    print(f"built in {time.perf_counter() - began:.1f} s", flush=True)


async def pick_titles(
    service: ReviewService, storage: SQLiteStorage, n: int, seed: int
) -> list[str]:
    """``n`` titles that resolve to one work (so every command answers, not asks back)."""
    rng = random.Random(seed)
    rows = await storage.title_index()
    rng.shuffle(rows)
    titles: list[str] = []
    for row in rows:
        if len(titles) >= n:
            break
        try:
            await service.resolve_work(row.text)
        except ReviewBotError:
            continue
        titles.append(row.text)
    return titles


async def time_service(service: ReviewService, titles: list[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for command in COMMANDS:
        samples = []
        for title in titles:
            began = time.perf_counter_ns()
            await run_command(service, command, title)
            samples.append((time.perf_counter_ns() - began) / 1e6)
        out[command] = samples
    return out


async def time_discord(fake: FakeDiscord, titles: list[str]) -> dict[str, list[float]]:
    channel = fake.channel("general").id
    out: dict[str, list[float]] = {}
    for command in COMMANDS:
        samples = []
        for title in titles:
            sent = time.time()
            message = await fake.say(f"!{command} {title}")
            replies = await fake.wait_for_messages(channel, 1, after=message, timeout=30)
            wanted = str(replies[0]["nonce"])
            answered = next(
                r.time
                for r in reversed(fake.requests)
                if r.method == "POST"
                and isinstance(r.json, dict)
                and str(r.json.get("nonce")) == wanted
            )
            samples.append((answered - sent) * 1000)
        out[command] = samples
    return out


async def main_async(args: argparse.Namespace) -> None:
    db = Path(args.db)
    await ensure_db(db, args.reviews)
    storage = await open_storage(db)
    assert isinstance(storage, SQLiteStorage)
    try:
        stats = await storage.stats()
        print(
            f"database: {db} ({stats['reviews']} reviews, {stats['works']} works, {stats['people']} people)"
        )
        service = ReviewService(storage)
        titles = await pick_titles(service, storage, args.queries, args.seed)
        print(f"{len(titles)} titles x {len(COMMANDS)} commands; times in ms\n")
        await time_service(service, titles)  # warm caches and indexes on every title first
        alone = await time_service(service, titles)
        async with FakeDiscord() as fake:
            config = Config(
                discord=DiscordConfig(
                    token="bench", api_base_url=fake.api_base, gateway_url=fake.gateway_url
                )
            )
            bot = build_bot(config, storage, options=OPTIONS)
            async with running_bot(fake, bot, token="bench"):
                await time_discord(fake, titles[:5])  # warm-up
                fake.requests.clear()
                through = await time_discord(fake, titles)
    finally:
        await storage.close()
    print(
        f"{'command':<10}{'discord p50':>13}{'p99':>9}{'service p50':>13}{'p99':>9}{'ratio p50':>11}"
    )
    for command in COMMANDS:
        d50, d99 = percentile(through[command], 50), percentile(through[command], 99)
        s50, s99 = percentile(alone[command], 50), percentile(alone[command], 99)
        print(
            f"!{command:<9}{d50:>13.2f}{d99:>9.2f}{s50:>13.2f}{s99:>9.2f}{d50 / max(s50, 1e-6):>10.1f}x"
        )
    every_d = [v for c in COMMANDS for v in through[c]]
    every_s = [v for c in COMMANDS for v in alone[c]]
    print(
        f"\nall: discord mean {statistics.fmean(every_d):.2f} ms, service mean "
        f"{statistics.fmean(every_s):.2f} ms, discord overhead p50 "
        f"{percentile(every_d, 50) - percentile(every_s, 50):.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="/tmp/reviewbot-synthetic.db")
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
