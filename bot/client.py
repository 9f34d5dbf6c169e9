"""The Discord bot: the ``commands.Bot`` subclass and ``run_bot`` (the only module of bot/ importing discord).

``run_bot`` is the composition root for ``reviewbot run`` and ``reviewbot sync``: it builds the storage, the
``ReviewService``, the ``SettingsService`` and the bot, and passes them in (no globals). The bot loads the
cogs of ``cogs.EXTENSIONS`` and syncs its slash commands at start only when their definitions changed: the
SHA-256 of the command payload is kept in the ``bot_meta`` table (key ``command_hash:<application id>``,
``Storage.get_meta``/``set_meta``). SIGINT/SIGTERM close the bot and then the storage, and ``run_bot`` returns 0.

Feed following is wired here too (``build_feeds``): one ``Fetcher`` (guarded HTTP session), an
``Ingestor``, the announcement ``Sender`` over ``cogs.delivery.DiscordTransport``, the ``Poller`` and the
``FeedService`` the ``/feed`` commands call. The poller and the sender start as tasks once the bot is
ready (a crash is logged and the task restarted) and are stopped, before the bot disconnects, when it
closes: the poller first (nothing new is queued), then the sender (in-flight sends finish).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import discord
import yarl
from discord.ext import commands

from bot.config import Config, DiscordConfig, FeedsConfig
from bot.delivery import Sender
from bot.errors import ConfigError, ReviewBotError
from bot.feeds.fetch import Fetcher, FetchSettings
from bot.feeds.poller import Poller
from bot.feeds.service import FeedService
from bot.ingest import Ingestor
from bot.services import ReviewService
from bot.settings import SettingsService
from bot.storage import SQLiteStorage, open_storage
from cogs import EXTENSIONS
from cogs.components import DYNAMIC_ITEMS
from cogs.delivery import DiscordTransport

log = logging.getLogger("reviewbot.client")

COMMAND_HASH_KEY = "command_hash"


@dataclass(frozen=True, slots=True)
class BotOptions:
    """Behaviour knobs with production defaults (tests shorten the timers)."""

    cooldown_rate: int = 5  # question commands per user ...
    cooldown_per: float = 20.0  # ... per this many seconds
    sync_commands: bool = True  # sync slash commands at start when their definitions changed
    reidentify_delay: float = 5.0  # pause before a non-initial IDENTIFY (Discord's rate limit)
    feed_tasks: bool = True  # run the feed poller and the announcement sender once ready
    # announcement sends per second over all channels: the sender keeps at most this many in any
    # 1.05 s, so 48 leaves 2 of Discord's 50 requests/s for command replies (benchmarks/bench_fanout.py)
    send_rate_per_s: float = 48.0
    send_concurrency: int = 8  # announcement sends in flight at once
    stop_timeout: float = 10.0  # seconds the poller and sender get to finish when the bot closes


@dataclass(slots=True)
class FeedRuntime:
    """The feed-following parts a bot runs (built by ``build_feeds``; the bot closes the fetcher)."""

    fetcher: Fetcher
    ingestor: Ingestor
    sender: Sender
    poller: Poller
    service: FeedService


class MetaStore(Protocol):
    """Where the bot keeps facts about itself (the synced command hash)."""

    async def get_meta(self, key: str) -> str | None: ...

    async def set_meta(self, key: str, value: str) -> None: ...


def point_discord_at(api_base_url: str, gateway_url: str) -> None:
    """Send discord.py's REST calls and gateway connection to a Discord-compatible server.

    ``discord.http.Route.BASE`` is a plain string read for every request; the gateway default is a
    ``yarl.URL`` used for the first connection (later ones follow READY's ``resume_gateway_url``).
    """
    discord.http.Route.BASE = api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class ReviewBot(commands.Bot):
    """reviewbot on Discord: hybrid commands from ``cogs``, per-server prefixes, no mentions by default."""

    def __init__(
        self,
        *,
        review_service: ReviewService,
        settings_service: SettingsService,
        config: DiscordConfig,
        meta: MetaStore | None = None,
        options: BotOptions | None = None,
        sync_only: bool = False,
        extension_names: Sequence[str] = EXTENSIONS,
        **kwargs: Any,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = config.message_content
        super().__init__(
            command_prefix=ReviewBot._prefixes,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            case_insensitive=True,
            strip_after_prefix=True,
            owner_ids=set(config.owner_ids),
            **kwargs,
        )
        self.review_service = review_service
        self.settings_service = settings_service
        self.discord_config = config
        self.meta = meta
        self.options = options or BotOptions(sync_commands=config.sync_commands)
        self.sync_only = sync_only
        self.extension_names = tuple(extension_names)
        self.synced = False
        self._closing: asyncio.Task[None] | None = None
        self.feeds: FeedRuntime | None = None
        self._feed_tasks: list[asyncio.Task[None]] = []
        self._feeds_stopping = False

    @property
    def feed_service(self) -> FeedService | None:
        """What the ``/feed`` commands call (None when the bot was built without feeds)."""
        return self.feeds.service if self.feeds is not None else None

    def attach_feeds(self, feeds: FeedRuntime) -> None:
        """Give the bot its feed parts (before it starts: the feed cog is loaded at login)."""
        self.feeds = feeds

    async def _prefixes(self, message: discord.Message) -> list[str]:
        """The server's prefix (or the default in DMs), plus a mention of the bot."""
        prefix = await self.settings_service.prefix(message.guild.id if message.guild else None)
        return commands.when_mentioned_or(prefix)(self, message)

    async def setup_hook(self) -> None:
        """Register the persistent buttons and selects, load the cogs, warm the look-up indexes, and
        sync slash commands if they changed (always for ``reviewbot sync``)."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # clicks on messages posted before a restart work
        for name in self.extension_names:
            await self.load_extension(name)
        if not self.sync_only:
            try:  # build the title/name indexes now, so the first autocomplete is fast too
                await self.review_service.complete_titles("", 1)
            except ReviewBotError as exc:
                log.warning("could not warm the title index: %s", exc)
        if self.sync_only:
            await self.sync_commands(force=True)
        elif self.options.sync_commands:
            try:
                await self.sync_commands()
            except discord.HTTPException as exc:
                log.error("could not sync slash commands (chat commands still work): %s", exc)

    def command_hash(self) -> str:
        """SHA-256 of the slash-command payload that a sync would send."""
        payload = sorted(
            (command.to_dict(self.tree) for command in self.tree.get_commands()),
            key=lambda c: str(c.get("name")),
        )
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Register the slash commands with Discord unless the stored hash shows no change."""
        digest = self.command_hash()
        key = f"{COMMAND_HASH_KEY}:{self.application_id}"
        if not force and self.meta is not None and await self.meta.get_meta(key) == digest:
            log.info("slash commands unchanged; not syncing")
            return False
        synced = await self.tree.sync()
        if self.meta is not None:
            await self.meta.set_meta(key, digest)
        self.synced = True
        log.info("synced %d slash command(s)", len(synced))
        return True

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial and self.options.reidentify_delay > 0:
            await asyncio.sleep(self.options.reidentify_delay)

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "connected as %s (id %s) to %d server(s)",
            user,
            user.id if user else "?",
            len(self.guilds),
        )
        self.start_feed_tasks()

    # ------------------------------------------------------------------ feed tasks
    def start_feed_tasks(self) -> None:
        """Start the announcement sender and the feed poller (once; later READYs do nothing)."""
        feeds = self.feeds
        if feeds is None or self._feed_tasks or self._feeds_stopping or not self.options.feed_tasks:
            return
        loop = asyncio.get_running_loop()
        self._feed_tasks = [
            loop.create_task(self._supervise("sender", feeds.sender.run), name="feed-sender"),
            loop.create_task(self._supervise("poller", feeds.poller.run), name="feed-poller"),
        ]
        log.info("feed poller and announcement sender started")

    async def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        """Run ``run`` until it returns; an unexpected crash is logged and it is started again."""
        delay = 1.0
        while not self._feeds_stopping:
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "the feed %s stopped with an error; restarting in %.0f s", name, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def stop_feed_tasks(self) -> None:
        """Stop the poller (nothing new is queued), then the sender (in-flight sends finish)."""
        self._feeds_stopping = True
        tasks, self._feed_tasks = self._feed_tasks, []
        if self.feeds is None or not tasks:
            return
        for name, stop in (("poller", self.feeds.poller.stop), ("sender", self.feeds.sender.stop)):
            try:
                await asyncio.wait_for(stop(), self.options.stop_timeout)
            except Exception:
                log.exception("could not stop the feed %s cleanly", name)
        _, pending = await asyncio.wait(tasks, timeout=self.options.stop_timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        log.info("feed poller and announcement sender stopped")

    async def close(self) -> None:
        """Stop the feed tasks, disconnect, then close the feed fetcher's HTTP session."""
        await self.stop_feed_tasks()
        await super().close()
        if self.feeds is not None:
            await self.feeds.fetcher.close()

    def request_close(self, reason: str) -> None:
        """Start a graceful shutdown (idempotent; safe to call from a signal handler)."""
        if self._closing is None:
            log.info("%s: shutting down", reason)
            self._closing = asyncio.get_running_loop().create_task(self.close())


def fetch_settings(config: FeedsConfig) -> FetchSettings:
    """The fetcher's limits and address policy from the ``[feeds]`` config section."""
    return FetchSettings.from_config(config)


def build_feeds(
    config: FeedsConfig, storage: SQLiteStorage, bot: ReviewBot, options: BotOptions
) -> FeedRuntime:
    """Fetcher, Ingestor, Sender (over ``DiscordTransport``), Poller and FeedService for ``bot``."""
    transport = DiscordTransport(bot)
    fetcher = Fetcher(fetch_settings(config))
    ingestor = Ingestor(storage)
    sender = Sender(
        storage,
        transport,
        rate_per_s=options.send_rate_per_s,
        concurrency=options.send_concurrency,
    )
    poller = Poller(storage, fetcher, ingestor, config, sender=sender, notifier=transport.notify)
    service = FeedService(storage, fetcher, ingestor, config, poller=poller, sender=sender)
    return FeedRuntime(fetcher, ingestor, sender, poller, service)


def build_bot(
    config: Config,
    storage: SQLiteStorage,
    *,
    sync_only: bool = False,
    options: BotOptions | None = None,
    **kwargs: Any,
) -> ReviewBot:
    """Wire services over an open storage into a bot (used by ``run_bot`` and the tests)."""
    bot = ReviewBot(
        review_service=ReviewService(storage),
        settings_service=SettingsService(storage, default_prefix=config.discord.prefix),
        config=config.discord,
        meta=storage,
        options=options,
        sync_only=sync_only,
        **kwargs,
    )
    bot.attach_feeds(build_feeds(config.feeds, storage, bot, bot.options))
    return bot


async def run_bot(
    config: Config, db_path: Path, *, sync_only: bool = False, options: BotOptions | None = None
) -> int:
    """Run the bot until SIGINT/SIGTERM (or, with ``sync_only``, log in, sync and exit); 0 when clean.

    A missing or rejected token, a refused privileged intent, or an unreachable API is ``ConfigError``
    naming the fix.
    """
    token = config.discord.token.strip()
    if not token:
        raise ConfigError(
            "No Discord bot token is set.",
            hint="Set DISCORD_TOKEN (or [discord] token in the config file) to your bot's token "
            "from the Discord developer portal.",
        )
    point_discord_at(config.discord.api_base_url, config.discord.gateway_url)
    storage = await open_storage(db_path)
    try:
        if not isinstance(storage, SQLiteStorage):
            raise ConfigError("The Discord bot needs the SQLite storage.", hint="Use a .db file.")
        bot = build_bot(config, storage, sync_only=sync_only, options=options)
        await _drive(bot, token, config.discord)
    finally:
        await storage.close()
    return 0


async def _drive(bot: ReviewBot, token: str, config: DiscordConfig) -> None:
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, bot.request_close, f"received {sig.name}")
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or a platform without signal handlers
    try:
        async with bot:
            try:
                await bot.login(token)
                if not bot.sync_only:
                    await bot.connect(reconnect=True)
            except discord.LoginFailure:
                raise ConfigError(
                    "Discord rejected the token.",
                    hint="Reset it in the developer portal (Bot > Reset Token) and set DISCORD_TOKEN.",
                ) from None
            except discord.PrivilegedIntentsRequired:
                raise ConfigError(
                    "Discord refused the Message Content intent.",
                    hint="Enable it in the developer portal (Bot > Privileged Gateway Intents), "
                    "or set [discord] message_content = false (prefix commands then need @mention).",
                ) from None
            except (aiohttp.ClientConnectionError, OSError) as exc:
                raise ConfigError(
                    f"Cannot reach Discord at {config.api_base_url}: {exc}.",
                    hint="Check the network, or [discord] api_base_url / gateway_url in the config.",
                ) from None
            except discord.HTTPException as exc:
                raise ReviewBotError(
                    f"Discord answered {exc.status} while starting: {exc.text or exc}.",
                    hint="Try again later; if it persists, check the bot in the developer portal.",
                ) from None
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
