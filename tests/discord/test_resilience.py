"""Rate limits, gateway drops, command sync, tokens, and ``reviewbot run`` as a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest

from bot.client import run_bot
from bot.errors import ConfigError
from tests.discord.conftest import TEST_OPTIONS, bot_config, start_bot
from tests.discord.helpers import ask_one, embed_of, slash
from tests.fakediscord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_discord_urls() -> Iterator[None]:
    """run_bot points discord.py at the configured server; put the defaults back afterwards."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


async def test_a_429_on_send_is_retried_and_answered(fake: FakeDiscord, db_path: Path) -> None:
    async with start_bot(fake, db_path):
        fake.fail_next("/messages", status=429, retry_after=0.2, method="POST")
        reply = await ask_one(fake, "!review Animal (film)")
        assert "Animal" in embed_of(reply)["title"]
        assert len(fake.rate_limit_hits) == 1 and fake.rate_limit_hits[0].status == 429
        assert len(fake.messages[fake.channel("general").id]) == 1  # answered once, not twice


async def test_dropped_gateway_is_resumed_and_next_command_answered(
    fake: FakeDiscord, db_path: Path
) -> None:
    async with start_bot(fake, db_path):
        assert await fake.drop_connection(4000) == "resumed"
        reply = await ask_one(fake, "!cast Mira Sol")
        assert "Mira Sol" in embed_of(reply)["title"]
        assert await fake.drop_connection(abrupt=True) == "resumed"
        record = await slash(fake, "review", {"title": "Animal (series)"})
        assert "Animal" in embed_of(record.messages[0])["title"]
        assert fake.resume_count == 2 and fake.identify_count == 1


async def test_commands_sync_only_when_their_definitions_change(
    fake: FakeDiscord, db_path: Path
) -> None:
    async with start_bot(fake, db_path) as first:
        assert first.synced
        digest = first.command_hash()
    assert len(fake.command_syncs) == 1
    async with start_bot(fake, db_path) as second:  # same definitions: no sync
        assert not second.synced and second.command_hash() == digest
        record = await slash(fake, "review", {"title": "Animal (film)"})  # still served
        assert record.messages
    assert len(fake.command_syncs) == 1
    async with start_bot(fake, db_path) as third:
        third.tree.remove_command("help")  # a changed definition ...
        assert third.command_hash() != digest
        assert await third.sync_commands()  # ... is synced
    assert len(fake.command_syncs) == 2
    assert "help" not in {c["name"] for c in fake.commands[None]}


async def test_reviewbot_sync_always_syncs_then_exits(
    fake: FakeDiscord, db_path: Path, restore_discord_urls: None
) -> None:
    config = bot_config(fake)
    assert await run_bot(config, db_path, sync_only=True, options=TEST_OPTIONS) == 0
    assert await run_bot(config, db_path, sync_only=True, options=TEST_OPTIONS) == 0
    assert len(fake.command_syncs) == 2
    assert fake.identify_count == 0  # logged in over REST only, never connected


async def test_missing_and_rejected_tokens_are_config_errors(
    db_path: Path, restore_discord_urls: None
) -> None:
    async with FakeDiscord(expected_token="the-right-token") as fake:
        with pytest.raises(ConfigError) as missing:
            await run_bot(bot_config(fake, token=""), db_path)
        assert "DISCORD_TOKEN" in str(missing.value)
        with pytest.raises(ConfigError) as rejected:
            await run_bot(bot_config(fake, token="wrong"), db_path)
        assert "rejected the token" in str(rejected.value) and "DISCORD_TOKEN" in str(
            rejected.value
        )
        assert "\n" not in str(rejected.value)


async def test_reviewbot_run_as_a_process_answers_then_exits_cleanly_on_sigterm(
    fake: FakeDiscord, db_path: Path, tmp_path: Path
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        "[discord]\n"
        f'api_base_url = "{fake.api_base}"\n'
        f'gateway_url = "{fake.gateway_url}"\n'
        "[logging]\n"
        'level = "INFO"\n',
        encoding="utf-8",
    )
    env = dict(os.environ, DISCORD_TOKEN="process-token", PYTHONPATH=str(ROOT))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "--config", str(config), "--db", str(db_path), "run",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_until_ready(timeout=20)
        assert fake.identifies[-1]["token"] == "process-token"
        reply = await ask_one(fake, "!review Animal (film)")
        assert "Animal" in embed_of(reply)["title"]
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode() if process.stderr else ""
    assert code == 0, stderr
    assert "received SIGTERM: shutting down" in stderr
    assert "Traceback" not in stderr
