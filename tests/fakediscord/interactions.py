"""Interactions: the record of one interaction, the callback endpoint, and the follow-up webhooks.

Callback types (Discord): 4 message, 5 deferred message ("thinking"), 6 deferred update, 7 update
message, 8 autocomplete result, 9 modal. ``?with_response=1`` answers an Interaction Callback Response
object ``{"interaction": {...}, "resource": {"type", "message"}}``; without it, 204. As on Discord, the
first follow-up after a type 5 defer edits the loading message instead of creating one, keeping the
defer's ephemeral state (the follow-up's EPHEMERAL flag is ignored); later follow-ups are new messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from .gateway import message_transform
from .payloads import JSON, apply_edit, gateway_message, message_payload
from .web_util import BODY_KEY, error, json_response, no_content, validate_message

if TYPE_CHECKING:
    from .fake import FakeDiscord

EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class InteractionRecord:
    """One interaction the fake sent, and everything the bot did to answer it.

    ``original`` is the response message as the user now sees it (edits applied; for component
    interactions answered with type 6/7 it is the clicked message). ``followups`` are the
    follow-up messages, ``edits`` the PATCH bodies applied to ``original``."""

    id: int
    token: str
    type: int
    payload: JSON
    channel_id: int
    source_message: JSON | None = None
    callback: JSON | None = None
    original: JSON | None = None
    followups: list[JSON] = field(default_factory=list)
    edits: list[JSON] = field(default_factory=list)
    deleted_original: bool = False

    @property
    def response_type(self) -> int | None:
        """The callback type (4, 5, 6, 7, 8, 9) or None before the bot answered."""
        return None if self.callback is None else int(self.callback["type"])

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices (callback type 8)."""
        if self.callback is None:
            return []
        return list((self.callback.get("data") or {}).get("choices", []))

    @property
    def messages(self) -> list[JSON]:
        """Every message the user sees: the original response (if any) then the follow-ups."""
        first = [] if self.original is None or self.deleted_original else [self.original]
        return first + self.followups

    @property
    def content(self) -> str | None:
        """Content of the original response message, or of the first follow-up."""
        messages = self.messages
        return str(messages[0]["content"]) if messages else None

    @property
    def ephemeral(self) -> bool:
        """Whether the original response is ephemeral (only the user sees it)."""
        return bool(self.original and int(self.original.get("flags", 0)) & EPHEMERAL)

    def settled(self) -> bool:
        """Answered with something the user can read: a callback that is not a bare defer, or a
        defer followed by an edit of the original or a follow-up."""
        kind = self.response_type
        if kind is None:
            return False
        if kind in (5, 6):
            return bool(self.edits or self.followups or self.deleted_original)
        return True


def add_routes(app: web.Application, fake: FakeDiscord, api: str) -> None:
    """Register the callback and webhook routes."""
    handlers = InteractionHandlers(fake)
    add = app.router.add_route
    add("POST", api + "/interactions/{id}/{token}/callback", handlers.callback)
    add("POST", api + "/webhooks/{app}/{token}", handlers.followup)
    for target in ("@original", "{message:\\d+}"):
        path = api + "/webhooks/{app}/{token}/messages/" + target
        add("GET", path, handlers.get_message)
        add("PATCH", path, handlers.edit_message)
        add("DELETE", path, handlers.delete_message)


class InteractionHandlers:
    """Handlers bound to one FakeDiscord."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def _response_message(self, rec: InteractionRecord, data: JSON, *, flags: int) -> JSON:
        channel = self.world.channels[rec.channel_id]
        body = dict(data)
        body["flags"] = flags
        kind = 20 if rec.type == 2 else 0
        message = message_payload(self.world, channel, self.world.bot_user, body, message_type=kind)
        user = rec.payload.get("member", {}).get("user") or rec.payload.get("user")
        message["webhook_id"] = str(self.world.application_id)
        message["application_id"] = str(self.world.application_id)
        message["interaction_metadata"] = {
            "id": str(rec.id),
            "type": rec.type,
            "user": user,
            "authorizing_integration_owners": rec.payload.get("authorizing_integration_owners", {}),
        }
        return message

    async def _publish(self, message: JSON, event: str = "MESSAGE_CREATE") -> None:
        if int(message.get("flags", 0)) & EPHEMERAL:
            return
        if event == "MESSAGE_CREATE":
            self.fake.store_message(int(message["channel_id"]), message, bot_send=False)
        await self.fake.gateway.dispatch(
            event, gateway_message(self.world, message), message_transform(self.world.bot_user.id)
        )

    async def callback(self, request: web.Request) -> web.Response:
        """POST /interactions/{id}/{token}/callback."""
        rec = self.fake.interactions.get(int(request.match_info["id"]))
        if rec is None or rec.token != request.match_info["token"]:
            return error(404, 10062, "Unknown interaction")
        if rec.callback is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        body = request[BODY_KEY]
        cb: JSON = body.json if isinstance(body.json, dict) else {}
        kind = int(cb.get("type", 0))
        data: JSON = cb.get("data") or {}
        if kind in (4, 7):
            invalid = validate_message(data, body.files, partial=kind == 7)
            if invalid:
                return invalid
        if kind == 8 and (rec.type != 4 or len(data.get("choices", [])) > 25):
            return error(
                400,
                50035,
                "Invalid Form Body",
                {
                    "data": {
                        "choices": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_BAD_LENGTH",
                                    "message": "Must be 25 or fewer in length.",
                                }
                            ]
                        }
                    }
                },
            )
        if kind in (6, 7) and rec.source_message is None:
            return error(400, 40004, "Interaction callback type 6/7 needs a component interaction")
        flags = int(data.get("flags") or 0)
        message: JSON | None = None
        if kind == 4:
            message = self._response_message(rec, data, flags=flags)
        elif kind == 5:
            message = self._response_message(
                rec, {"content": ""}, flags=(flags & EPHEMERAL) | LOADING
            )
        elif kind in (6, 7):
            message = rec.source_message
        rec.callback = cb
        rec.original = message
        if kind in (4, 5) and message is not None:
            await self._publish(message)
        if kind == 7 and message is not None:
            apply_edit(self.world, self.world.channels[rec.channel_id], message, data, body.files)
            await self._publish(message, "MESSAGE_UPDATE")
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        info: JSON = {
            "id": str(rec.id),
            "type": rec.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & EPHEMERAL),
        }
        answer: JSON = {"interaction": info}
        if message is not None:
            info["response_message_id"] = message["id"]
        if kind in (4, 5, 7) and message is not None:
            answer["resource"] = {"type": kind, "message": message}
        elif kind in (6, 9):
            answer["resource"] = {"type": kind}
        return json_response(answer)

    def _record(self, request: web.Request) -> InteractionRecord | None:
        rec = self.fake.interactions_by_token.get(request.match_info["token"])
        if rec is None or request.match_info["app"] != str(self.world.application_id):
            return None
        return rec

    def _target(self, rec: InteractionRecord, request: web.Request) -> JSON | None:
        wanted = request.match_info.get("message")
        if wanted is None:
            return None if rec.deleted_original else rec.original
        for msg in rec.followups:
            if msg["id"] == wanted:
                return msg
        if rec.original is not None and rec.original["id"] == wanted:
            return rec.original
        return None

    async def followup(self, request: web.Request) -> web.Response:
        """POST /webhooks/{app}/{token}: a follow-up message."""
        rec = self._record(request)
        if rec is None:
            return error(404, 10015, "Unknown Webhook")
        if rec.callback is None:
            return error(400, 40060, "Interaction has not been acknowledged yet; answer it first")
        body = request[BODY_KEY]
        data: JSON = body.json if isinstance(body.json, dict) else {}
        invalid = validate_message(data, body.files)
        if invalid:
            return invalid
        loading = rec.original
        if (
            rec.response_type == 5
            and loading is not None
            and not rec.deleted_original
            and int(loading.get("flags", 0)) & LOADING
        ):
            # Discord: the first follow-up after a type 5 defer acts as Edit Original Interaction
            # Response. No new message; the loading message is edited, and its ephemeral state
            # (set by the defer) is kept: the follow-up's EPHEMERAL flag is ignored.
            edit = {k: v for k, v in data.items() if k != "flags"}
            apply_edit(self.world, self.world.channels[rec.channel_id], loading, edit, body.files)
            loading["flags"] = int(loading.get("flags", 0)) & ~LOADING
            rec.edits.append(edit)
            self.fake.edits.append((int(loading["id"]), edit))
            await self._publish(loading, "MESSAGE_UPDATE")
            if request.query.get("wait") in ("1", "true", "True"):
                return json_response(loading)
            return no_content()
        message = self._response_message(rec, data, flags=int(data.get("flags") or 0))
        message["type"] = 0
        rec.followups.append(message)
        await self._publish(message)
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(message)
        return no_content()

    async def get_message(self, request: web.Request) -> web.Response:
        """GET an interaction's original response or a follow-up."""
        rec = self._record(request)
        if rec is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._target(rec, request)
        return json_response(message) if message else error(404, 10008, "Unknown Message")

    async def edit_message(self, request: web.Request) -> web.Response:
        """PATCH the original response (clears the 'thinking' state) or a follow-up."""

        rec = self._record(request)
        if rec is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._target(rec, request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        body = request[BODY_KEY]
        data: JSON = body.json if isinstance(body.json, dict) else {}
        invalid = validate_message(data, body.files, partial=True)
        if invalid:
            return invalid
        apply_edit(self.world, self.world.channels[rec.channel_id], message, data, body.files)
        message["flags"] = int(message.get("flags", 0)) & ~LOADING
        if message is rec.original:
            rec.edits.append(data)
        self.fake.edits.append((int(message["id"]), data))
        await self._publish(message, "MESSAGE_UPDATE")
        return json_response(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        """DELETE the original response or a follow-up."""
        rec = self._record(request)
        if rec is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._target(rec, request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if message is rec.original:
            rec.deleted_original = True
        else:
            rec.followups.remove(message)
        self.fake.forget_message(message)
        return no_content()


__all__ = ["InteractionRecord", "add_routes"]
