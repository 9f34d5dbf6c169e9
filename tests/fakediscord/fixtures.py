"""Helpers and pytest fixtures for running a discord.py bot against FakeDiscord.

discord.py has no official setting for its endpoints, so tests of a plain ``commands.Bot`` redirect
it by class attributes (``point_discord_at``). reviewbot itself does not need that: its config takes
``api_base_url`` and ``gateway_url`` (the same values, ``fake.api_base`` and ``fake.gateway_url``), which
also serve Discord-compatible servers; end-to-end tests of reviewbot pass them through its config.

The two start-up pitfalls are handled by ``prepare_bot``: on_ready otherwise waits
``guild_ready_timeout`` (2 s) after the last GUILD_CREATE, and every re-IDENTIFY sleeps 5 s in
``before_identify_hook``.

Import the fixtures in a conftest: ``from tests.fakediscord.fixtures import fake_discord``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
import discord.gateway
import discord.http
import pytest
import yarl
from discord.ext import commands

from .fake import FakeDiscord

DEFAULT_TOKEN = "fake-bot-token"


def point_discord_at(fake: FakeDiscord) -> Callable[[], None]:
    """Redirect discord.py (REST, webhooks, interaction callbacks and gateway) to ``fake``.

    ``Route.BASE`` is a str read for every request; ``DEFAULT_GATEWAY`` must be a ``yarl.URL``
    (discord.py calls ``.with_query`` on it). Returns a function restoring the previous values."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)

    def restore() -> None:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    return restore


async def _identify_now(shard_id: int | None, *, initial: bool = False) -> None:
    """A before_identify_hook that does not sleep 5 s before re-identifying."""


def prepare_bot(bot: discord.Client, *, guild_ready_timeout: float = 0.05) -> None:
    """Make ``bot`` quick to start against the fake: short guild_ready_timeout, no identify wait."""
    state = bot._connection
    state.guild_ready_timeout = min(state.guild_ready_timeout, guild_ready_timeout)
    bot.before_identify_hook = _identify_now  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, bot: discord.Client, *, token: str = DEFAULT_TOKEN, timeout: float = 10.0
) -> AsyncIterator[discord.Client]:
    """Start ``bot`` against ``fake``, wait for on_ready, yield it, then close it.

    A failure during start-up (bad token, disallowed intents ...) is raised here, not hidden."""
    restore = point_discord_at(fake)
    prepare_bot(bot)
    task = asyncio.create_task(bot.start(token), name="bot-under-test")
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if task in done:
            task.result()
            raise RuntimeError("the bot stopped before it was ready")
        if ready not in done:
            raise TimeoutError(f"the bot was not ready within {timeout} s")
        yield bot
    finally:
        ready.cancel()
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=5)
        restore()


def make_bot(**kwargs: Any) -> commands.Bot:
    """A ``commands.Bot`` with prefix "!", default intents plus message content, and a short
    guild_ready_timeout; keyword arguments override these."""
    intents = discord.Intents.default()
    intents.message_content = True
    options: dict[str, Any] = {
        "command_prefix": "!",
        "intents": intents,
        "guild_ready_timeout": 0.05,
    }
    options.update(kwargs)
    return commands.Bot(**options)


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord with discord.py pointed at it (restored afterwards)."""
    async with FakeDiscord() as fake:
        restore = point_discord_at(fake)
        try:
            yield fake
        finally:
            restore()
