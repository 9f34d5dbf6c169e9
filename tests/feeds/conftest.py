"""A real aiohttp server on 127.0.0.1 (random port) serving feeds and misbehaving in useful ways."""

from __future__ import annotations

import asyncio
import gzip
import struct
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "feeds"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Drama Reviews</title><link>https://reviews.example/</link>
<item><title>Review: Kingdom Season 2</title><link>https://reviews.example/kingdom-2</link>
<guid>kingdom-2</guid><pubDate>Tue, 10 Mar 2020 08:00:00 +0900</pubDate>
<description>Zombies again.</description></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Reviews</title>
<link href="https://atom.example/"/><id>urn:atom</id><updated>2024-01-02T03:04:05Z</updated>
<entry><title>Review: Parasite</title><id>urn:parasite</id><link href="https://atom.example/parasite"/>
<updated>2024-01-02T03:04:05Z</updated><summary>A family of grifters.</summary></entry>
</feed>"""
JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Reviews",
"home_page_url": "https://json.example/", "items": [{"id": "1", "url": "https://json.example/1",
"title": "Review: Stree 2", "content_html": "<p>Horror comedy.</p>",
"date_published": "2024-08-15T10:00:00+05:30"}]}"""


def build_gzip_bomb(size: int = 1 << 30) -> bytes:
    """A valid gzip stream of ``size`` zero bytes, about 1 KB per MB (1 GB -> ~1 MB)."""
    megabyte = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size >> 20
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(megabyte, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return header + block * count + compressor.flush() + trailer


@dataclass
class FeedServer:
    base: str
    port: int
    hits: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    return build_gzip_bomb()


@pytest.fixture
async def feed_server(gzip_bomb: bytes) -> AsyncIterator[FeedServer]:
    server = FeedServer(base="", port=0)
    etag, modified = '"v1"', "Wed, 01 Jan 2025 00:00:00 GMT"

    def counted(path: str) -> None:
        server.hits[path] = server.hits.get(path, 0) + 1

    async def handler(request: web.Request) -> web.StreamResponse:
        path = request.path
        counted(path)
        if path == "/rss":
            return web.Response(body=RSS, content_type="application/rss+xml")
        if path == "/atom":
            return web.Response(body=ATOM, content_type="application/atom+xml")
        if path == "/json":
            return web.Response(body=JSON_FEED, content_type="application/feed+json")
        if path == "/plain":
            return web.Response(body=RSS, content_type="text/plain")
        if path == "/conditional":
            if request.headers.get("If-None-Match") == etag or (
                request.headers.get("If-Modified-Since") == modified
            ):
                return web.Response(status=304, headers={"ETag": etag})
            headers = {
                "ETag": etag,
                "Last-Modified": modified,
                "Cache-Control": "public, max-age=300",
            }
            return web.Response(body=RSS, content_type="application/rss+xml", headers=headers)
        if path == "/error500":
            return web.Response(status=500, text="boom")
        if path == "/slow":
            await asyncio.sleep(3)
            return web.Response(body=RSS)
        if path == "/bomb":
            return web.Response(body=gzip_bomb, headers={"Content-Encoding": "gzip"})
        if path == "/gzip":
            return web.Response(body=gzip.compress(RSS), headers={"Content-Encoding": "gzip"})
        if path == "/deflate":
            raw = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = raw.compress(RSS) + raw.flush()
            return web.Response(body=body, headers={"Content-Encoding": "deflate"})
        if path in ("/big-stream", "/big-declared"):
            response = web.StreamResponse()
            if path == "/big-declared":
                response.content_length = 50 * 1_000_000
            await response.prepare(request)
            chunk = b"<!-- padding -->" * 4096
            try:
                for _ in range(50 * 1_000_000 // len(chunk)):
                    await response.write(chunk)
            except (ConnectionError, RuntimeError):
                pass
            return response
        if path == "/loop-a":
            raise web.HTTPFound("/loop-b")
        if path == "/loop-b":
            raise web.HTTPFound("/loop-a")
        if path == "/moved":
            raise web.HTTPMovedPermanently("/rss")
        if path == "/temp":
            raise web.HTTPTemporaryRedirect("/rss")
        if path == "/chain":
            hop = int(request.query.get("n", "0"))
            raise web.HTTPFound(f"/chain?n={hop + 1}" if hop < 10 else "/rss")
        if path == "/to-private":
            raise web.HTTPFound("http://10.0.0.5/feed")
        if path == "/to-other-loopback":
            raise web.HTTPFound(f"http://127.0.0.2:{server.port}/rss")
        if path == "/to-name":
            raise web.HTTPFound(f"http://{request.query['host']}:{server.port}/rss")
        if path == "/page":
            html = (
                "<!DOCTYPE html><html><head><title>Reviews</title>"
                '<link rel="stylesheet" href="/style.css">'
                '<link rel="alternate" type="application/rss+xml" href="/rss">'
                '<link rel="alternate" type="application/atom+xml" href="/atom">'
                "</head><body><p>Hello</p></body></html>"
            )
            return web.Response(text=html, content_type="text/html")
        if path == "/page-nofeed":
            return web.Response(text="<html><body>No feed</body></html>", content_type="text/html")
        if path == "/ratelimit":
            return web.Response(status=429, headers={"Retry-After": "120"})
        if path == "/unavailable":
            return web.Response(
                status=503, headers={"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"}
            )
        if path == "/gone":
            return web.Response(status=410)
        return web.Response(status=404)

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handler)
    runner = web.AppRunner(app, shutdown_timeout=0.5, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.port = port
    server.base = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
