"""``reviewbot run`` killed with SIGKILL in the middle of a fan-out, then restarted: every announcement is
posted exactly once.

The bot runs as a separate process against the fake Discord in this process (per-channel buckets of 5
messages per 5 s and a global 50 requests/s, so delivering the fan-out takes several seconds). One feed is
followed in 40 channels; the subscriptions are created through ``FeedService`` on the SQLite file before
the bot starts. New items appear on the feed, the bot starts announcing them, and it is killed when some
but not all announcements have arrived. After a restart on the same database, each (channel, review) pair
must be present at the fake exactly once: rows stay pending in the outbox until the transport answered,
and a row sent again carries the same nonce (with ``enforce_nonce``), which the fake, like Discord, answers
with the message it already created. Discord forgets nonces after a few minutes; the second run of the
test has the fake forget them at once, and the bot must still post nothing twice (it looks for a row taken
on before the crash in the channel's history before sending it again).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.client import fetch_settings
from bot.config import FeedsConfig
from bot.feeds.fetch import Fetcher
from bot.feeds.service import FeedService
from bot.ingest import Ingestor
from bot.storage import open_storage
from tests.discord.feedsite import FeedSite
from tests.fakediscord import FakeDiscord, World

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = 40
NEW_ITEMS = 6  # 240 announcements; 6 per channel is more than one 5-per-5-s bucket holds
FEEDS = FeedsConfig(default_interval=1, min_interval=1, allowed_hosts=("127.0.0.1",))
FRESH = re.compile(r"Fresh Show (\d+) review")


def write_config(path: Path, fake: FakeDiscord) -> None:
    path.write_text(
        "[discord]\n"
        f'api_base_url = "{fake.api_base}"\n'
        f'gateway_url = "{fake.gateway_url}"\n'
        "[feeds]\n"
        'allowed_hosts = ["127.0.0.1"]\n'
        "min_interval = 1\n"
        "default_interval = 1\n"
        "[logging]\n"
        'level = "INFO"\n',
        encoding="utf-8",
    )


async def start(config: Path, db: Path, log: Path) -> asyncio.subprocess.Process:
    """``reviewbot run`` as a child process, its log appended to ``log``."""
    env = dict(os.environ, DISCORD_TOKEN="kill-test-token", PYTHONPATH=str(ROOT))
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--config", str(config), "--db", str(db), "run",
            cwd=ROOT, env=env, stdout=out, stderr=out,
        )  # fmt: skip


def announcements(fake: FakeDiscord, channel_ids: list[int]) -> list[tuple[int, int, str]]:
    """(channel, fresh item number, nonce) of every announcement of a new item at the fake."""
    found = []
    for cid in channel_ids:
        for message in fake.messages[cid]:
            match = FRESH.search(str(message.get("content")))
            if match:
                found.append((cid, int(match.group(1)), str(message.get("nonce"))))
    return found


def outbox_states(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(state for (state,) in conn.execute("SELECT state FROM outbox"))


async def subscribe_all(db: Path, guild_id: int, channel_ids: list[int], url: str) -> None:
    """Follow ``url`` in every channel, through the service, before the bot runs."""
    storage = await open_storage(db)
    fetcher = Fetcher(fetch_settings(FEEDS))
    try:
        service = FeedService(storage, fetcher, Ingestor(storage), FEEDS)
        for cid in channel_ids:
            await service.add(guild_id, cid, url)
    finally:
        await fetcher.close()
        await storage.close()


@pytest.mark.parametrize(
    "nonce_window",
    [300.0, 0.0],
    ids=["restart-within-the-nonce-window", "restart-after-discord-forgot-the-nonces"],
)
async def test_sigkill_mid_fanout_then_restart_posts_every_announcement_exactly_once(
    tmp_path: Path, nonce_window: float
) -> None:
    """With ``nonce_window`` 0 the fake forgets nonces at once, as Discord does after a few
    minutes: then only the sender's look at the channel history keeps a re-sent row single."""
    world = World.default()
    guild = world.guild()
    channel_ids = [world.add_channel(guild, f"feed-{i:02d}").id for i in range(CHANNELS)]
    db, config, log = tmp_path / "kill.db", tmp_path / "bot.toml", tmp_path / "bot.log"
    total = CHANNELS * NEW_ITEMS
    async with (
        FakeDiscord(
            world=world, channel_rate_limit=True, global_rate_limit=50, nonce_window=nonce_window
        ) as fake,
        FeedSite() as site,
    ):
        for i in range(2):
            site.add_review(f"Old Show {i}")
        await subscribe_all(db, guild.id, channel_ids, site.url)
        write_config(config, fake)
        for i in range(NEW_ITEMS):
            site.add_review(f"Fresh Show {i}")

        first = await start(config, db, log)
        try:
            await fake.wait_for(
                lambda: len(announcements(fake, channel_ids)) >= total // 4, 20, "a quarter"
            )
            first.send_signal(signal.SIGKILL)
            assert await asyncio.wait_for(first.wait(), 10) == -signal.SIGKILL
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()
        at_kill = len(announcements(fake, channel_ids))
        pending_at_kill = outbox_states(db)["pending"]
        assert 0 < at_kill < total, f"kill came too late to test anything: {at_kill}/{total}"
        assert pending_at_kill > 0

        ready_before = fake.gateway.ready_count
        second = await start(config, db, log)
        try:
            await fake.wait_for(lambda: fake.gateway.ready_count > ready_before, 20, "a restart")
            await fake.wait_for(
                lambda: len(announcements(fake, channel_ids)) >= total, 25, "every announcement"
            )
            await fake.wait_for(lambda: outbox_states(db)["pending"] == 0, 10, "an empty outbox")
            second.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(second.wait(), 15)
        finally:
            if second.returncode is None:
                second.kill()
                await second.wait()
        found = announcements(fake, channel_ids)
        dedups = fake.nonce_dedups

    text = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, text[-3000:]
    # each run started the feed tasks once ready; the second stopped them on SIGTERM, cleanly
    assert text.count("feed poller and announcement sender started") == 2
    assert text.index("connected as") < text.index("feed poller and announcement sender started")
    assert "received SIGTERM: shutting down" in text
    assert "feed poller and announcement sender stopped" in text and "Traceback" not in text
    pairs = Counter((cid, number) for cid, number, _ in found)
    expected = {(cid, n) for cid in channel_ids for n in range(NEW_ITEMS)}
    assert set(pairs) == expected  # every (channel, review) announced ...
    assert max(pairs.values()) == 1  # ... exactly once
    nonces = Counter((cid, nonce) for cid, _, nonce in found)
    assert max(nonces.values()) == 1 and len(nonces) == total  # one nonce per (channel, review)
    assert outbox_states(db) == Counter({"sent": total})
    print(
        f"\nkill test: {at_kill}/{total} announced before SIGKILL ({pending_at_kill} pending rows), "
        f"{total} after restart, duplicates dropped by nonce at the fake: {dedups}"
    )
