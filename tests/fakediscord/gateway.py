"""The fake gateway: an aiohttp websocket speaking Discord's gateway protocol in TEXT JSON frames.

HELLO -> heartbeats (op 1 -> op 11) -> IDENTIFY (READY + one GUILD_CREATE per guild) or RESUME (replay
of missed events, then RESUMED; op 9 d=false for an unknown session). Each connection has one send lock,
and each session keeps a log of its events so that a resumed client receives what it missed.
"""

from __future__ import annotations

import asyncio
import asyncio.transports
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .payloads import JSON, guild_create_payload, member_payload, user_payload

if TYPE_CHECKING:
    from .fake import FakeDiscord

INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | INTENT_MESSAGE_CONTENT


class Connection:
    """One websocket: every send goes through ``lock`` so frames never interleave."""

    def __init__(self, ws: web.WebSocketResponse, transport: asyncio.BaseTransport | None) -> None:
        self.ws = ws
        self.transport = transport
        self.lock = asyncio.Lock()
        self.session: Session | None = None

    async def send(self, payload: JSON) -> None:
        """Send one frame, serialised with every other send on this connection."""
        async with self.lock:
            await self._send_locked(payload)

    async def _send_locked(self, payload: JSON) -> None:
        if self.ws.closed:
            return
        try:
            await self.ws.send_str(json.dumps(payload))
        except (ConnectionError, RuntimeError):
            # The peer vanished (abrupt drop): the frame stays in the session log for RESUME.
            if self.session is not None and self.session.conn is self:
                self.session.conn = None


@dataclass
class Session:
    """A gateway session: survives its connection so that RESUME can replay missed events."""

    id: str
    identify: JSON
    seq: int = 0
    log: list[JSON] = field(default_factory=list)
    conn: Connection | None = None
    invalid: bool = False

    @property
    def intents(self) -> int:
        return int(self.identify.get("intents", 0))

    def frame(self, event: str, data: JSON) -> JSON:
        """Number and log a dispatch frame."""
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.log.append(frame)
        return frame


Transform = Callable[[Session, JSON], JSON | None]


class Gateway:
    """Sessions, connections and counters of the fake gateway."""

    def __init__(self, fake: FakeDiscord, heartbeat_interval: float) -> None:
        self.fake = fake
        self.heartbeat_interval_ms = int(heartbeat_interval * 1000)
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.identifies: list[JSON] = []
        self.resumes: list[JSON] = []
        self.invalid_resumes: list[JSON] = []
        self.presence_updates: list[JSON] = []
        self.member_requests: list[JSON] = []
        self.heartbeats = 0
        self.ready_count = 0
        self.resumed_count = 0

    # --- connection handling -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for GET /gateway."""
        transport = request.transport
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, transport)
        self.connections.append(conn)
        await conn.send(
            {
                "op": 10,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                "s": None,
                "t": None,
            }
        )
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
        finally:
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            self.connections.remove(conn)
        return ws

    async def _on_frame(self, conn: Connection, frame: JSON) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            self.heartbeats += 1
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data or {})
        elif op == 6:
            await self._resume(conn, data or {})
        elif op == 3:
            self.presence_updates.append(data or {})
        elif op == 8:
            await self._request_members(conn, data or {})

    async def _identify(self, conn: Connection, data: JSON) -> None:
        self.identifies.append(data)
        expected = self.fake.expected_token
        if expected is not None and data.get("token") != expected:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & INTENT_MESSAGE_CONTENT and not self.fake.message_content_intent_granted:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        world = self.fake.world
        session = Session(secrets.token_hex(16), data)
        self.sessions[session.id] = session
        async with conn.lock:
            conn.session = session
            session.conn = conn
            ready = {
                "v": 10,
                "user": user_payload(world.bot_user),
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.fake.gateway_url,
                "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "user_settings": {},
                "geo_ordered_rtc_regions": [],
                "_trace": ["fake-discord"],
            }
            if data.get("shard"):
                ready["shard"] = data["shard"]
            await conn._send_locked(session.frame("READY", ready))
            for guild in list(world.guilds.values()):
                payload = guild_create_payload(world, guild)
                await conn._send_locked(session.frame("GUILD_CREATE", payload))
        self.ready_count += 1

    async def _resume(self, conn: Connection, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalid:
            self.invalid_resumes.append(data)
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        self.resumes.append(data)
        last = int(data.get("seq") or 0)
        async with conn.lock:
            conn.session = session
            session.conn = conn
            missed = [f for f in session.log if f["s"] > last]
            for frame in missed:
                await conn._send_locked(frame)
            await conn._send_locked(session.frame("RESUMED", {"_trace": ["fake-discord"]}))
        self.resumed_count += 1

    async def _request_members(self, conn: Connection, data: JSON) -> None:
        self.member_requests.append(data)
        world = self.fake.world
        guild = world.guilds.get(int(data.get("guild_id") or 0))
        if guild is None or conn.session is None:
            return
        query = str(data.get("query") or "").lower()
        ids = {int(u) for u in data.get("user_ids") or []}
        if ids:
            members = [m for m in guild.members.values() if m.user.id in ids]
        else:
            members = [
                m for m in guild.members.values() if m.user.username.lower().startswith(query)
            ]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [member_payload(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self.send_to(conn.session, "GUILD_MEMBERS_CHUNK", chunk)

    # --- sending ---------------------------------------------------------------------------

    async def send_to(self, session: Session, event: str, data: JSON) -> None:
        """Log an event in ``session`` and send it now if the session is connected."""
        frame = session.frame(event, data)
        conn = session.conn
        if conn is not None:
            await conn.send(frame)

    async def dispatch(self, event: str, data: JSON, transform: Transform | None = None) -> int:
        """Send ``event`` to every valid session (``transform`` may adapt or drop it per session).

        Sessions whose connection is down log the event for replay on RESUME. Returns how many
        sessions received it."""
        count = 0
        for session in list(self.sessions.values()):
            if session.invalid:
                continue
            body = transform(session, data) if transform else data
            if body is None:
                continue
            await self.send_to(session, event, body)
            count += 1
        return count

    async def drop(self, code: int | None = 4000) -> int:
        """Close every live connection: with ``code``, or abruptly (no close frame) when None."""
        conns = list(self.connections)
        for conn in conns:
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            if code is None:
                if conn.transport is not None:
                    conn.transport.abort()  # type: ignore[attr-defined]
            else:
                await conn.ws.close(code=code, message=b"fake-discord dropped the connection")
        return len(conns)

    async def send_op(self, op: int, d: Any) -> None:
        """Send a non-dispatch opcode (7 RECONNECT, 9 INVALID_SESSION ...) on every connection."""
        for conn in list(self.connections):
            await conn.send({"op": op, "d": d, "s": None, "t": None})

    async def invalidate(self, resumable: bool = False) -> None:
        """Send op 9; a non-resumable invalidation also forgets the sessions."""
        if not resumable:
            for session in self.sessions.values():
                session.invalid = True
        await self.send_op(9, resumable)

    async def close_all(self) -> None:
        """Close every connection (server shutdown)."""
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"fake-discord stopping")


def message_transform(bot_id: int) -> Transform:
    """Per-session MESSAGE_CREATE/UPDATE filter: intents gate delivery, and without the
    MESSAGE_CONTENT intent content, embeds, attachments and components are blanked unless the
    message is the bot's own, a DM, or mentions the bot (Discord's documented rule)."""

    def transform(session: Session, data: JSON) -> JSON | None:
        intents = session.intents
        is_dm = "guild_id" not in data
        needed = INTENT_DIRECT_MESSAGES if is_dm else INTENT_GUILD_MESSAGES
        if not intents & needed:
            return None
        if intents & INTENT_MESSAGE_CONTENT:
            return data
        author = int((data.get("author") or {}).get("id") or 0)
        mentioned = any(int(m["id"]) == bot_id for m in data.get("mentions", []))
        if is_dm or author == bot_id or mentioned:
            return data
        blank = dict(data)
        blank.update({"content": "", "embeds": [], "attachments": [], "components": []})
        return blank

    return transform
