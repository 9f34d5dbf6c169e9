"""FakeDiscord: a local Discord (REST + gateway) for end-to-end tests of a discord.py bot.

Start it, point discord.py at ``api_base``/``gateway_url`` (see ``fixtures.point_discord_at``), run the
bot, then drive it with the scenario helpers (``say``, ``slash``, ``autocomplete``, ``click``,
``drop_connection``, ``fail_next``) and check what it did with the records (``requests``,
``messages``, interaction records) and the polling ``wait_for_*`` helpers.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .builders import base_interaction, command_data, component_data
from .gateway import Gateway, message_transform
from .interactions import InteractionRecord
from .payloads import JSON, gateway_message, message_payload
from .ratelimit import FailRule, Limiter
from .server import RecordedRequest, build_app
from .state import Channel, Guild, User, World

POLL = 0.01


class FakeDiscord:
    """A fake Discord server on ``host:port`` (port 0 picks a free one).

    ``channel_rate_limit=(5, 5.0)`` (or True for that default) emulates per-channel message buckets
    with X-RateLimit headers; ``global_rate_limit=50`` a global requests-per-second limit; both are off
    by default. With ``message_content_intent_granted=False`` an IDENTIFY asking for the privileged
    MESSAGE_CONTENT intent is closed with 4014, as Discord does when the intent is not enabled.
    ``expected_token`` (default: any token) makes other tokens fail with 401 / close 4004.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        message_content_intent_granted: bool = True,
        channel_rate_limit: tuple[int, float] | bool | None = None,
        global_rate_limit: int | None = None,
        heartbeat_interval: float = 41.25,
        expected_token: str | None = None,
        nonce_window: float = 300.0,
        world: World | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.message_content_intent_granted = message_content_intent_granted
        self.expected_token = expected_token
        self.nonce_window = nonce_window
        self.world = world or World.default()
        self.gateway = Gateway(self, heartbeat_interval)
        rate = (5, 5.0) if channel_rate_limit is True else (channel_rate_limit or None)
        self.limiter = Limiter(rate, global_rate_limit)
        self.requests: list[RecordedRequest] = []
        self.messages: defaultdict[int, list[JSON]] = defaultdict(list)
        self.history: defaultdict[int, list[JSON]] = defaultdict(list)
        self.message_index: dict[int, JSON] = {}
        self.user_messages: list[JSON] = []
        self.deleted: list[JSON] = []
        self.edits: list[tuple[int, JSON]] = []
        self.nonces: dict[tuple[int, int, str], tuple[float, JSON]] = {}
        self.nonce_dedups = 0
        self.fail_rules: list[FailRule] = []
        self.rate_limit_hits: list[RecordedRequest] = []
        self.commands: dict[int | None, list[JSON]] = {}
        self.command_syncs: list[tuple[int | None, int]] = []
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self._runner: web.AppRunner | None = None

    # --- life cycle --------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        """Bind and serve; afterwards ``port``, ``api_base`` and ``gateway_url`` are final."""
        runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Close every gateway connection and stop serving."""
        if self._runner is not None:
            await self.gateway.close_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """``http://HOST:PORT/api/v10`` (discord.py's ``Route.BASE``)."""
        return f"http://{self.host}:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """``ws://HOST:PORT/gateway`` (also sent as READY's resume_gateway_url)."""
        return f"ws://{self.host}:{self.port}/gateway"

    # --- records -----------------------------------------------------------------------------

    @property
    def identifies(self) -> list[JSON]:
        """Every IDENTIFY payload received (``d``), token included."""
        return self.gateway.identifies

    @property
    def resumes(self) -> list[JSON]:
        """Every successful RESUME payload received."""
        return self.gateway.resumes

    @property
    def identify_count(self) -> int:
        return len(self.gateway.identifies)

    @property
    def resume_count(self) -> int:
        return len(self.gateway.resumes)

    @property
    def intents(self) -> int | None:
        """Intents of the latest IDENTIFY, or None before any."""
        return int(self.identifies[-1].get("intents", 0)) if self.identifies else None

    def requests_to(self, substr: str, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose path contains ``substr`` (and method matches)."""
        return [r for r in self.requests if substr in r.path and method in (None, r.method)]

    def store_message(self, channel_id: int, message: JSON, *, bot_send: bool) -> None:
        """Keep a message visible in a channel (``bot_send``: also in ``messages``)."""
        self.history[channel_id].append(message)
        self.message_index[int(message["id"])] = message
        if bot_send:
            self.messages[channel_id].append(message)

    def forget_message(self, message: JSON) -> None:
        """Remove a deleted message from every list (kept in ``deleted``)."""
        channel_id = int(message["channel_id"])
        for store in (self.history[channel_id], self.messages[channel_id]):
            if message in store:
                store.remove(message)
        self.message_index.pop(int(message["id"]), None)
        self.deleted.append(message)

    # --- world shortcuts -------------------------------------------------------------------------

    def channel(
        self, ref: Channel | str | int = "general", guild: Guild | str | int | None = None
    ) -> Channel:
        """A channel by name (in the first guild unless ``guild``), id or object."""
        return self.world.channel(ref, guild)

    def user(self, ref: User | str | int) -> User:
        """A user by alias ("owner", "moderator", "member", "bot"), username, id or object."""
        return self.world.user(ref)

    def mention(self, ref: User | str | int) -> str:
        """``<@id>`` for a user (e.g. ``fake.mention("bot")``)."""
        return f"<@{self.world.user(ref).id}>"

    def deny_send(self, channel: Channel | str | int = "general") -> Channel:
        """Take Send Messages from the bot in ``channel``: sends then get 403 code 50013."""
        target = self.channel(channel)
        self.world.deny_bot(target)
        return target

    def fail_next(
        self,
        route_substr: str = "/messages",
        status: int = 429,
        retry_after: float = 0.2,
        global_: bool = False,
        *,
        method: str | None = None,
        times: int = 1,
    ) -> FailRule:
        """Make the next ``times`` matching REST requests fail with ``status`` (429 by default,
        with a Via header and a JSON ``retry_after`` as Discord sends). Hits are recorded in
        ``requests`` (status set) and, for 429, in ``rate_limit_hits``."""
        rule = FailRule(route_substr, status, retry_after, global_, method, times)
        self.fail_rules.append(rule)
        return rule

    # --- scenario: events the bot receives ----------------------------------------------------

    def _where(self, author: Any, channel: Any, guild: Any, dm: bool) -> tuple[User, Channel]:
        user = self.world.user(author)
        return user, (self.world.dm_channel(user) if dm else self.world.channel(channel, guild))

    async def say(
        self,
        content: str,
        *,
        channel: Channel | str | int = "general",
        author: User | str | int = "member",
        guild: Guild | str | int | None = None,
        dm: bool = False,
        reply_to: JSON | None = None,
    ) -> JSON:
        """A user posts ``content`` (MESSAGE_CREATE with member object; ``dm=True`` posts in the
        author's DM with the bot, without guild_id). Returns the message dict."""
        user, where = self._where(author, channel, guild, dm)
        if where.guild_id is not None and user.id not in self.world.guilds[where.guild_id].members:
            raise KeyError(f"{user.username} is not a member of that guild")
        body: JSON = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": reply_to["id"],
                "channel_id": reply_to["channel_id"],
            }
        message = message_payload(self.world, where, user, body, referenced=reply_to)
        self.store_message(where.id, message, bot_send=False)
        self.user_messages.append(message)
        event = gateway_message(self.world, message)
        await self.gateway.dispatch(
            "MESSAGE_CREATE", event, message_transform(self.world.bot_user.id)
        )
        return message

    async def _interact(
        self, payload: JSON, channel: Channel, source: JSON | None = None
    ) -> InteractionRecord:
        rec = InteractionRecord(
            int(payload["id"]), payload["token"], payload["type"], payload, channel.id, source
        )
        self.interactions[rec.id] = rec
        self.interactions_by_token[rec.token] = rec
        if await self.gateway.dispatch("INTERACTION_CREATE", payload) == 0:
            raise RuntimeError(
                "no bot session on the fake gateway: start the bot and wait_until_ready() first"
            )
        return rec

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        author: User | str | int = "member",
        channel: Channel | str | int = "general",
        guild: Guild | str | int | None = None,
        dm: bool = False,
    ) -> InteractionRecord:
        """Invoke slash command ``name`` (a space-separated path for subcommands: "config set")
        with ``options`` as plain values, typed from the synced command definition. Returns the
        interaction record; ``wait_for_interaction_response`` waits for the answer."""
        user, where = self._where(author, channel, guild, dm)
        payload = base_interaction(self.world, 2, user, where)
        g = self.world.guilds.get(where.guild_id or 0)
        payload["data"] = command_data(self.world, self.commands, name, options, g)
        return await self._interact(payload, where)

    async def autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        *,
        focused: str | None = None,
        author: User | str | int = "member",
        channel: Channel | str | int = "general",
        guild: Guild | str | int | None = None,
        dm: bool = False,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """Send an autocomplete interaction (type 4) with ``focused`` (default: the last option)
        being typed, wait for the type 8 callback and return its choices."""
        user, where = self._where(author, channel, guild, dm)
        payload = base_interaction(self.world, 4, user, where)
        g = self.world.guilds.get(where.guild_id or 0)
        focus = focused or list(options)[-1]
        payload["data"] = command_data(self.world, self.commands, name, options, g, focused=focus)
        rec = await self._interact(payload, where)
        await self.wait_for(
            lambda: rec.callback is not None, timeout, f"autocomplete answer for /{name}"
        )
        if rec.response_type != 8:
            raise AssertionError(
                f"autocomplete was answered with callback type {rec.response_type}, not 8"
            )
        return rec.choices

    async def click(
        self,
        message: JSON | int,
        custom_id: str,
        *,
        values: list[str] | None = None,
        author: User | str | int = "member",
    ) -> InteractionRecord:
        """Press a button or pick ``values`` in a select of ``message`` (type 3 interaction)."""
        if isinstance(message, int):
            message = self.message_index[message]
        where = self.world.channels[int(message["channel_id"])]
        user = self.world.user(author)
        payload = base_interaction(self.world, 3, user, where)
        payload["data"] = component_data(message, custom_id, values)
        payload["message"] = message
        return await self._interact(payload, where, source=message)

    async def drop_connection(
        self, code: int = 4000, *, abrupt: bool = False, wait: bool = True, timeout: float = 5.0
    ) -> str:
        """Close the bot's gateway socket (with ``code``, or without a close frame when ``abrupt``).
        With ``wait``, wait until it reconnects; returns "resumed", "identified" or "dropped"."""
        resumed, ready = self.gateway.resumed_count, self.gateway.ready_count
        await self.gateway.drop(None if abrupt else code)
        if not wait:
            return "dropped"
        await self.wait_for(
            lambda: self.gateway.resumed_count > resumed or self.gateway.ready_count > ready,
            timeout,
            "the bot to reconnect",
        )
        return "resumed" if self.gateway.resumed_count > resumed else "identified"

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client should reconnect and RESUME."""
        await self.gateway.send_op(7, None)

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION (``d=resumable``)."""
        await self.gateway.invalidate(resumable)

    # --- waiting -------------------------------------------------------------------------------

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 5.0, what: str = "a condition"
    ) -> None:
        """Poll ``predicate`` every 10 ms until true; TimeoutError naming ``what`` after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"fake Discord: no {what} within {timeout} s")
            await asyncio.sleep(POLL)

    async def wait_until_ready(self, timeout: float = 5.0) -> None:
        """Until a bot has identified and been sent READY and every GUILD_CREATE."""
        await self.wait_for(lambda: self.gateway.ready_count > 0, timeout, "IDENTIFY + READY")

    async def wait_for_messages(
        self,
        channel: Channel | str | int = "general",
        n: int = 1,
        timeout: float = 5.0,
        *,
        after: JSON | int | None = None,
    ) -> list[JSON]:
        """Until the bot has posted ``n`` messages in ``channel`` through POST /channels/{id}/messages
        (only those newer than ``after``, a message or id, when given). Returns them, oldest first."""
        cid = self.channel(channel).id if not isinstance(channel, int) else channel
        floor = int(after["id"]) if isinstance(after, dict) else int(after or 0)

        def found() -> list[JSON]:
            return [m for m in self.messages[cid] if int(m["id"]) > floor]

        await self.wait_for(
            lambda: len(found()) >= n, timeout, f"{n} bot message(s) in channel {cid}"
        )
        return found()

    async def wait_for_interaction_response(
        self, interaction: InteractionRecord, timeout: float = 5.0, *, settled: bool = True
    ) -> InteractionRecord:
        """Until the bot answered ``interaction``; with ``settled`` a bare defer is not enough (it
        waits for the edit or follow-up). Returns the record (callback, original, follow-ups, edits)."""

        def done() -> bool:
            return interaction.settled() if settled else interaction.callback is not None

        await self.wait_for(done, timeout, f"answer to interaction {interaction.id}")
        return interaction
