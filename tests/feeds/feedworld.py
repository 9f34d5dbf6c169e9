"""A feed server the poller and feed-service tests drive: a real aiohttp server on 127.0.0.1.

Each path serves a ``Doc`` the test changes between polls (items, status, delay, guid mode). The
server answers conditional GETs with 304, records what it was asked (hits, If-None-Match headers)
and how many requests it held at once per Host header (for the per-host concurrency limit).
A ``RecordingTransport`` stands in for Discord: it records posts and edits and, like Discord with
``enforce_nonce``, answers a repeated nonce with the message it already posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.config import FeedsConfig
from bot.delivery import SendError
from bot.feeds.fetch import Fetcher, FetchSettings
from bot.models import Announcement

LOCAL = ("127.0.0.1",)


@dataclass
class Item:
    """One RSS item (WordPress-shaped)."""

    slug: str
    title: str
    body: str = ""
    day: int = 1
    guid: str | None = None  # None: the link
    categories: tuple[str, ...] = ()


def review_body(title: str, cast: str = "Kim Tae-ri, Nam Joo-hyuk", rating: str = "4/5") -> str:
    """A short review article body the extractor can read."""
    return (
        f"<p>{escape(title)} is a warm, funny drama about two friends. Starring {escape(cast)}, "
        f"the series follows their twenties.</p><p>Directed by Jung Ji-hyun.</p>"
        f"<p>Rating: {rating}</p>"
    )


@dataclass
class Doc:
    """What one path serves."""

    items: list[Item] = field(default_factory=list)
    title: str = "Drama Reviews"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    rotate_guids: bool = False  # a fresh guid on every request (a broken feed generator)
    conditional: bool = True
    base: str = "https://reviews.example"

    def render(self, serial: int) -> bytes:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
            f"<channel><title>{escape(self.title)}</title><link>{self.base}/</link>",
        ]
        for item in self.items:
            link = f"{self.base}/{item.slug}/"
            guid = item.guid or link
            if self.rotate_guids:
                guid = f"{guid}?v={serial}"
            when = datetime(2024, 5, 1, 9, tzinfo=UTC) + timedelta(days=item.day)
            cats = "".join(f"<category>{escape(c)}</category>" for c in item.categories)
            out.append(
                f"<item><title>{escape(item.title)}</title><link>{link}</link>"
                f'<guid isPermaLink="false">{escape(guid)}</guid>'
                f"<pubDate>{format_datetime(when)}</pubDate>{cats}"
                f"<description>{escape(item.body[:200])}</description>"
                f"<content:encoded><![CDATA[{item.body}]]></content:encoded></item>"
            )
        out.append("</channel></rss>")
        return "\n".join(out).encode()


@dataclass
class FeedWorld:
    base: str = ""
    port: int = 0
    docs: dict[str, Doc] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    validators: dict[str, list[str | None]] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    total_in_flight: int = 0
    max_total: int = 0
    serial: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def feed(self, path: str, *items: Item, **options: object) -> str:
        """Serve a feed at ``path``; returns its URL."""
        self.docs[path] = Doc(items=list(items), **options)  # type: ignore[arg-type]
        return self.url(path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        host = (request.host or "").split(":")[0]
        self.hits[path] = self.hits.get(path, 0) + 1
        self.validators.setdefault(path, []).append(request.headers.get("If-None-Match"))
        self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.total_in_flight += 1
        self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), self.in_flight[host])
        self.max_total = max(self.max_total, self.total_in_flight)
        try:
            return await self._answer(request, path)
        finally:
            self.in_flight[host] -= 1
            self.total_in_flight -= 1

    async def _answer(self, request: web.Request, path: str) -> web.StreamResponse:
        if path.startswith("/page/"):
            target = path.removeprefix("/page")
            html = (
                "<!DOCTYPE html><html><head><title>Site</title>"
                f'<link rel="alternate" type="application/rss+xml" href="{target}">'
                "</head><body>Hello</body></html>"
            )
            return web.Response(text=html, content_type="text/html")
        doc = self.docs.get(path)
        if doc is None:
            return web.Response(status=404)
        if doc.delay:
            await asyncio.sleep(doc.delay)
        if doc.status != 200:
            return web.Response(status=doc.status, headers=doc.headers, text="error")
        body = doc.render(next(self.serial))
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = dict(doc.headers)
        if doc.conditional and not doc.rotate_guids:
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag, **headers})
            headers["ETag"] = etag
        return web.Response(body=body, content_type="application/rss+xml", headers=headers)


@contextlib.asynccontextmanager
async def running_world() -> AsyncIterator[FeedWorld]:
    """Serve a FeedWorld on 127.0.0.1 (a random port) until the block ends."""
    server = FeedWorld()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    server.base = f"http://127.0.0.1:{server.port}"
    try:
        yield server
    finally:
        await runner.cleanup()


class StaticResolver(AbstractResolver):
    """Host names -> 127.0.0.1 (no DNS in tests), so one server can stand for several hosts."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.names:
            raise OSError(f"unknown host {host}")
        return [
            {"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
             "proto": 0, "flags": socket.AI_NUMERICHOST}
        ]  # fmt: skip

    async def close(self) -> None:
        return None


def feeds_config(**overrides: object) -> FeedsConfig:
    values: dict[str, object] = {
        "default_interval": 60,
        "min_interval": 1,
        "allowed_hosts": LOCAL,
        "timeout_total": 5.0,
        "pause_after_failures": 3,
        "backfill_cap": 5,
    }
    values.update(overrides)
    return FeedsConfig(**values)  # type: ignore[arg-type]


def make_fetcher(config: FeedsConfig, resolver: AbstractResolver | None = None) -> Fetcher:
    settings = FetchSettings(
        timeout_connect=config.timeout_connect,
        timeout_read=config.timeout_read,
        timeout_total=config.timeout_total,
        allowed_hosts=config.allowed_hosts,
    )
    return Fetcher(settings, resolver=resolver)


@dataclass
class Sent:
    channel_id: int
    content: str
    role_ids: tuple[int, ...]
    nonce: str
    message_id: int
    at: float


class RecordingTransport:
    """An in-process Transport: records posts, edits and notices; de-duplicates nonces the way
    Discord does with enforce_nonce; fails channels on request."""

    def __init__(self, clock: object = None) -> None:
        self.sent: list[Sent] = []
        self.edits: list[tuple[int, int, str]] = []
        self.notices: list[tuple[int, int | None, str]] = []
        self.by_nonce: dict[tuple[int, str], int] = {}
        self.dedups = 0
        self.permanent: dict[int, str] = {}  # channel -> error
        self.transient: dict[int, int] = {}  # channel -> failures left
        self.retry_after: dict[int, float] = {}  # channel -> seconds (once)
        self.crash_after_send = False  # record the post, then die before answering
        self.lookups = 0  # find_posted calls
        self.history_error: Exception | None = None  # find_posted raises it when set
        self.clock = clock
        self._ids = itertools.count(1000)

    def _now(self) -> float:
        return self.clock() if callable(self.clock) else asyncio.get_running_loop().time()

    async def send(self, channel_id: int, announcement: Announcement, nonce: str) -> int:
        if channel_id in self.permanent:
            raise SendError(self.permanent[channel_id], permanent=True)
        if self.transient.get(channel_id, 0) > 0:
            self.transient[channel_id] -= 1
            raise SendError("Discord answered 503", permanent=False)
        if channel_id in self.retry_after:
            raise SendError("rate limited", retry_after=self.retry_after.pop(channel_id))
        key = (channel_id, nonce)
        if key in self.by_nonce:
            self.dedups += 1
            return self.by_nonce[key]
        message_id = next(self._ids)
        self.by_nonce[key] = message_id
        self.sent.append(
            Sent(
                channel_id,
                announcement.content,
                announcement.role_ids,
                nonce,
                message_id,
                self._now(),
            )
        )
        if self.crash_after_send:
            raise asyncio.CancelledError  # the process died before it could record the send
        return message_id

    async def edit(self, channel_id: int, message_id: int, announcement: Announcement) -> None:
        self.edits.append((channel_id, message_id, announcement.content))

    async def notify(self, guild_id: int, channel_id: int | None, text: str) -> None:
        self.notices.append((guild_id, channel_id, text))

    async def find_posted(
        self, channel_id: int, announcement: Announcement, since: datetime
    ) -> int | None:
        """Look through what was posted in the channel (``history_error``: fail instead)."""
        self.lookups += 1
        if self.history_error is not None:
            raise self.history_error
        for sent in self.sent:
            if sent.channel_id == channel_id and sent.content == announcement.content:
                return sent.message_id
        return None

    def forget_nonces(self) -> None:
        """Time passes beyond the platform's nonce window: a repeated nonce posts again."""
        self.by_nonce.clear()

    def in_channel(self, channel_id: int) -> list[Sent]:
        return [s for s in self.sent if s.channel_id == channel_id]
