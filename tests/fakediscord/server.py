"""REST side of the fake Discord (``/api/v10``): users, application, commands, channels, messages,
guilds and DMs. Interaction callbacks and webhooks live in ``interactions.py``.

A middleware records every request, applies injected failures (``fail_next``), the optional global
rate limit, and the bot-token check, before the route handler runs.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import interactions
from .gateway import message_transform
from .payloads import (
    JSON,
    application_payload,
    apply_edit,
    attachment_payload,
    channel_payload,
    gateway_message,
    guild_payload,
    member_payload,
    message_payload,
    role_payload,
    user_payload,
)
from .ratelimit import rate_limited
from .state import Channel, Perm, new_snowflake
from .web_util import BODY_KEY, error, json_response, no_content, read_body, validate_message

if TYPE_CHECKING:
    from .fake import FakeDiscord

API = "/api/v{version:\\d+}"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it; ``path`` is relative to the API base."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    time: float
    files: list[JSON] = field(default_factory=list)
    status: int | None = None


def build_app(fake: FakeDiscord) -> web.Application:
    """The aiohttp application: REST routes under /api/v{n}, the gateway at /gateway."""
    rest = Rest(fake)
    app = web.Application(middlewares=[rest.middleware], client_max_size=64 * 1024 * 1024)
    add = app.router.add_route
    add("GET", "/gateway", fake.gateway.handle)
    add("GET", API + "/gateway", rest.get_gateway)
    add("GET", API + "/gateway/bot", rest.get_gateway)
    add("GET", API + "/users/@me", rest.get_me)
    add("GET", API + "/users/{user_id:\\d+}", rest.get_user)
    add("POST", API + "/users/@me/channels", rest.create_dm)
    add("GET", API + "/oauth2/applications/@me", rest.get_application)
    add("GET", API + "/applications/@me", rest.get_application)
    for path in ("/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands"):
        add("GET", API + path, rest.get_commands)
        add("PUT", API + path, rest.put_commands)
    add("GET", API + "/channels/{channel}", rest.get_channel)
    add("GET", API + "/channels/{channel}/messages", rest.list_messages)
    add("POST", API + "/channels/{channel}/messages", rest.create_message)
    add("GET", API + "/channels/{channel}/messages/{message}", rest.get_message)
    add("PATCH", API + "/channels/{channel}/messages/{message}", rest.edit_message)
    add("DELETE", API + "/channels/{channel}/messages/{message}", rest.delete_message)
    add("POST", API + "/channels/{channel}/typing", rest.typing)
    add("GET", API + "/guilds/{guild}", rest.get_guild)
    add("GET", API + "/guilds/{guild}/channels", rest.get_guild_channels)
    add("GET", API + "/guilds/{guild}/roles", rest.get_guild_roles)
    add("GET", API + "/guilds/{guild}/members", rest.list_members)
    add("GET", API + "/guilds/{guild}/members/{user}", rest.get_member)
    interactions.add_routes(app, fake, API)
    return app


def _int(value: str) -> int:
    return int(value) if value.isdigit() else -1


class Rest:
    """Route handlers bound to one FakeDiscord."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    # --- middleware ------------------------------------------------------------------------

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record, then apply injected failures, the global limit and the token check."""
        fake = self.fake
        if request.path == "/gateway":
            return await handler(request)
        body = await read_body(request)
        request[BODY_KEY] = body
        path = request.path
        if path.startswith("/api/v"):
            path = "/" + path.split("/", 3)[3]
        record = RecordedRequest(
            request.method,
            path,
            dict(request.query),
            dict(request.headers),
            body.json,
            time.time(),
            body.files,
        )
        fake.requests.append(record)
        response = self._intercept(request, record)
        if response is None:
            response = await handler(request)
        record.status = response.status
        if response.status == 429:
            fake.rate_limit_hits.append(record)
        return response

    def _intercept(
        self, request: web.Request, record: RecordedRequest
    ) -> web.StreamResponse | None:
        fake = self.fake
        for rule in fake.fail_rules:
            if rule.matches(record.method, record.path):
                rule.times -= 1
                if rule.times <= 0:
                    fake.fail_rules.remove(rule)
                return json_response(rule.body(), rule.status, rule.headers())
        limited = fake.limiter.check_global()
        if limited is not None:
            return json_response(limited[0], 429, limited[1])
        needs_auth = not record.path.startswith(("/interactions/", "/webhooks/"))
        auth = request.headers.get("Authorization", "")
        expected = fake.expected_token
        if needs_auth and (
            not auth.startswith("Bot ") or (expected is not None and auth != f"Bot {expected}")
        ):
            return error(401, 0, "401: Unauthorized")
        return None

    # --- users and application -------------------------------------------------------------

    async def get_gateway(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limit}
        )

    async def get_me(self, request: web.Request) -> web.Response:
        data = user_payload(self.world.bot_user)
        data.update({"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None})
        return json_response(data)

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.world.users.get(int(request.match_info["user_id"]))
        return json_response(user_payload(user)) if user else error(404, 10013, "Unknown User")

    async def get_application(self, request: web.Request) -> web.Response:
        return json_response(application_payload(self.world))

    async def create_dm(self, request: web.Request) -> web.Response:
        body = request[BODY_KEY]
        user = self.world.users.get(_int(str((body.json or {}).get("recipient_id", ""))))
        if user is None:
            return error(
                400,
                50035,
                "Invalid Form Body",
                {
                    "recipient_id": {
                        "_errors": [{"code": "USER_UNKNOWN", "message": "Unknown user"}]
                    }
                },
            )
        return json_response(channel_payload(self.world, self.world.dm_channel(user)))

    # --- application commands --------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> int | None:
        guild = request.match_info.get("guild")
        return int(guild) if guild else None

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.fake.commands.get(self._command_scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite: keep ids of commands with the same (name, type), echo them back."""
        scope = self._command_scope(request)
        body = request[BODY_KEY]
        if scope is not None and scope not in self.world.guilds:
            return error(404, 10004, "Unknown Guild")
        old = {(c["name"], c.get("type", 1)): c["id"] for c in self.fake.commands.get(scope, [])}
        stored = []
        for cmd in body.json or []:
            kind = cmd.get("type", 1)
            item = dict(cmd)
            item.update(
                {
                    "id": old.get((cmd["name"], kind)) or str(new_snowflake()),
                    "application_id": str(self.world.application_id),
                    "version": str(new_snowflake()),
                    "type": kind,
                    "default_member_permissions": cmd.get("default_member_permissions"),
                    "nsfw": cmd.get("nsfw", False),
                    "description": cmd.get("description", ""),
                    "options": cmd.get("options", []),
                }
            )
            if scope is not None:
                item["guild_id"] = str(scope)
            stored.append(item)
        self.fake.commands[scope] = stored
        self.fake.command_syncs.append((scope, len(stored)))
        return json_response(stored)

    # --- channels and messages ---------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel | None:
        return self.world.channels.get(_int(request.match_info["channel"]))

    def _denied(self, channel: Channel, needed: int) -> web.Response | None:
        perms = self.world.permissions_for(channel, self.world.bot_user.id)
        if not perms & Perm.VIEW_CHANNEL:
            return error(403, 50001, "Missing Access")
        if perms & needed != needed:
            return error(403, 50013, "Missing Permissions")
        return None

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        return json_response(channel_payload(self.world, channel))

    async def typing(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        return self._denied(channel, Perm.SEND_MESSAGES) or no_content()

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        query = request.query
        limit = max(1, min(100, int(query.get("limit", "50"))))
        history = self.fake.history[channel.id]  # oldest first
        if "after" in query:
            # the ``limit`` messages right after the id, answered newest first as Discord does
            after = int(query["after"])
            chosen = [m for m in history if int(m["id"]) > after][:limit]
            return json_response(list(reversed(chosen)))
        if "before" in query:
            before = int(query["before"])
            history = [m for m in history if int(m["id"]) < before]
        return json_response(list(reversed(history))[:limit])

    async def create_message(self, request: web.Request) -> web.Response:
        """POST a message: permission, validation, nonce dedup, bucket, store, MESSAGE_CREATE."""
        fake, world = self.fake, self.world
        channel = self._channel(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        denied = self._denied(channel, Perm.SEND_MESSAGES)
        if denied:
            return denied
        body = request[BODY_KEY]
        data: JSON = body.json if isinstance(body.json, dict) else {}
        invalid = validate_message(data, body.files)
        if invalid:
            return invalid
        nonce = data.get("nonce")
        key = (channel.id, world.bot_user.id, str(nonce))
        if nonce is not None and data.get("enforce_nonce"):
            seen = fake.nonces.get(key)
            if seen and time.monotonic() - seen[0] <= fake.nonce_window:
                fake.nonce_dedups += 1
                return json_response(seen[1])
        ok, headers, retry_after = fake.limiter.take_message(channel.id)
        if not ok:
            body429, extra = rate_limited(retry_after, global_=False, scope="user")
            headers.update(extra)
            return json_response(body429, 429, headers)
        referenced = None
        ref = data.get("message_reference")
        if ref and ref.get("message_id"):
            referenced = fake.message_index.get(int(ref["message_id"]))
            if referenced is None and ref.get("fail_if_not_exists", True):
                return error(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [
                                {
                                    "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                    "message": "Unknown message",
                                }
                            ]
                        }
                    },
                )
        message = message_payload(world, channel, world.bot_user, data, referenced=referenced)
        message["attachments"] = [attachment_payload(f) for f in body.files]
        fake.store_message(channel.id, message, bot_send=True)
        if nonce is not None:
            fake.nonces[key] = (time.monotonic(), message)
        await fake.gateway.dispatch(
            "MESSAGE_CREATE", gateway_message(world, message), message_transform(world.bot_user.id)
        )
        return json_response(message, headers=headers)

    def _message(self, request: web.Request) -> tuple[Channel | None, JSON | None]:
        channel = self._channel(request)
        message = self.fake.message_index.get(_int(request.match_info["message"]))
        if channel is None or message is None or message["channel_id"] != str(channel.id):
            return channel, None
        return channel, message

    async def get_message(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        return json_response(message) if message else error(404, 10008, "Unknown Message")

    async def edit_message(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        if message is None:
            return error(404, 10008, "Unknown Message")
        if message["author"]["id"] != str(self.world.bot_user.id):
            return error(403, 50005, "Cannot edit a message authored by another user")
        body = request[BODY_KEY]
        data: JSON = body.json if isinstance(body.json, dict) else {}
        invalid = validate_message(data, body.files, partial=True)
        if invalid:
            return invalid
        apply_edit(self.world, channel, message, data, body.files)
        self.fake.edits.append((int(message["id"]), data))
        await self.fake.gateway.dispatch(
            "MESSAGE_UPDATE",
            gateway_message(self.world, message),
            message_transform(self.world.bot_user.id),
        )
        return json_response(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        if message is None:
            return error(404, 10008, "Unknown Message")
        self.fake.forget_message(message)
        event = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            event["guild_id"] = message["guild_id"]
        await self.fake.gateway.dispatch("MESSAGE_DELETE", event)
        return no_content()

    # --- guilds ----------------------------------------------------------------------------

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(_int(request.match_info["guild"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        data = guild_payload(guild)
        if request.query.get("with_counts") in ("true", "1", "True"):
            data.update(
                {"approximate_member_count": len(guild.members), "approximate_presence_count": 0}
            )
        return json_response(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(_int(request.match_info["guild"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response([channel_payload(self.world, c) for c in guild.channels.values()])

    async def get_guild_roles(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(_int(request.match_info["guild"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response([role_payload(r) for r in guild.roles.values()])

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(_int(request.match_info["guild"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        limit = int(request.query.get("limit", "1"))
        return json_response([member_payload(m) for m in list(guild.members.values())[:limit]])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(_int(request.match_info["guild"]))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        member = guild.members.get(_int(request.match_info["user"]))
        return (
            json_response(member_payload(member)) if member else error(404, 10007, "Unknown Member")
        )
