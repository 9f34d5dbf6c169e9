"""A review site on 127.0.0.1 whose RSS feed a test changes while the bot follows it.

``FeedSite`` serves ``/feed.xml`` (RSS 2.0, newest item first, no caching headers so every poll sees the
current items) and ``/`` (an HTML page whose ``<link rel="alternate">`` points at the feed, for discovery).
Shared by the feed end-to-end tests, the kill test and the delivery benchmarks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from xml.sax.saxutils import escape

from aiohttp import web


@dataclass(frozen=True, slots=True)
class SiteItem:
    guid: str
    title: str
    body: str
    link: str
    published: datetime


@dataclass
class FeedSite:
    """A feed server bound to 127.0.0.1 on a free port; ``add`` publishes a new item."""

    title: str = "Drama Reviews Daily"
    items: list[SiteItem] = field(default_factory=list)
    hits: int = 0
    base: str = ""
    _runner: web.AppRunner | None = None
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        """The feed's address."""
        return f"{self.base}/feed.xml"

    @property
    def page_url(self) -> str:
        """The site's home page (feed discovery finds ``url`` from it)."""
        return f"{self.base}/"

    def add(self, title: str, body: str = "", *, guid: str | None = None) -> SiteItem:
        """Publish an item (it becomes the newest); returns it."""
        number = next(self._numbers)
        published = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=number)
        item = SiteItem(
            guid=guid or f"item-{number}",
            title=title,
            body=body or f"{title}. A calm, well acted drama; rating 4/5.",
            link=f"https://reviews.example/{number}",
            published=published,
        )
        self.items.append(item)
        return item

    def add_review(self, name: str, *, extra: str = "") -> SiteItem:
        """Publish a plausible review of ``name``."""
        return self.add(
            f"{name} review: a quiet, moving drama",
            f"Our review of {name}. The lead actors are superb and the direction is patient. "
            f"Rating: 4/5. {extra}".strip(),
        )

    def rss(self) -> bytes:
        """The feed document with every item, newest first."""
        entries = "".join(
            "<item>"
            f"<title>{escape(i.title)}</title><link>{escape(i.link)}</link>"
            f'<guid isPermaLink="false">{escape(i.guid)}</guid>'
            f"<pubDate>{i.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            f"<description>{escape(i.body)}</description>"
            "<category>Reviews</category>"
            "</item>"
            for i in reversed(self.items)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.title)}</title><link>{escape(self.page_url)}</link>"
            f"<description>Reviews</description>{entries}</channel></rss>"
        ).encode()

    async def _feed(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(body=self.rss(), content_type="application/rss+xml")

    async def _page(self, request: web.Request) -> web.Response:
        html = (
            f"<!DOCTYPE html><html><head><title>{escape(self.title)}</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
            "</head><body><h1>Reviews</h1></body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    async def start(self) -> FeedSite:
        """Bind 127.0.0.1 on a free port and serve."""
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_get("/", self._page)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FeedSite:
        return await self.start()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
