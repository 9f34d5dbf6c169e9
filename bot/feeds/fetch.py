"""Fetching feed documents over HTTP: conditional GET, size caps, guarded redirects, clear errors.

One :class:`Fetcher` per process holds one aiohttp session whose connector refuses non-public
addresses (see :mod:`bot.feeds.netguard`). Redirects are followed here, one hop at a time, so every
hop is checked. Bodies are read in chunks and decompressed here with a bounded output size, so a
gzip bomb is stopped as soon as it passes ``max_bytes``.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from bot import __version__
from bot.config import FeedsConfig
from bot.errors import FeedError
from bot.feeds.discover import discover_feed_links, looks_like_html
from bot.feeds.netguard import FetchError, GuardedConnector, check_url
from bot.feeds.parse import parse_feed
from bot.models import ParsedFeed

__all__ = ["FetchError", "FetchResult", "FetchSettings", "Fetcher", "create_session"]

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)
_CHUNK = 65536
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_BASE_HEADERS = {"Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
_RETRY_LATER = "This is usually temporary; the bot will try again later."


@dataclass
class FetchSettings:
    """Timeouts (seconds), the body size cap (bytes, after decompression) and the address policy."""

    timeout_connect: float = 10
    timeout_read: float = 20
    timeout_total: float = 30
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = f"reviewbot/{__version__} (+https://github.com/reviewbot; feed reader)"
    allow_private: bool = False
    allowed_hosts: Collection[str] = ()
    # kept-alive connections to one host and in all. Politeness to a host is the poller's
    # per-host limit; this one must not be below it, or polls queue inside aiohttp while holding
    # their concurrency slots.
    connections_per_host: int = 16
    connections: int = 100
    dns_cache_seconds: float = 10  # the guarded resolver's checked answers are reused this long

    @classmethod
    def from_config(cls, config: FeedsConfig) -> FetchSettings:
        """The limits and address policy of the ``[feeds]`` config section."""
        settings = cls(
            timeout_connect=config.timeout_connect,
            timeout_read=config.timeout_read,
            timeout_total=config.timeout_total,
            max_bytes=config.max_bytes,
            max_redirects=config.max_redirects,
            allow_private=config.allow_private_addresses,
            allowed_hosts=tuple(config.allowed_hosts),
            connections_per_host=max(16, config.per_host_concurrency),
            connections=max(100, config.max_concurrency),
        )
        if config.user_agent:
            settings.user_agent = config.user_agent
        return settings


@dataclass(frozen=True)
class FetchResult:
    """What one fetch returned. ``body`` is None when ``not_modified`` (HTTP 304)."""

    url: str
    final_url: str
    status: int
    body: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    not_modified: bool
    retry_after: float | None
    max_age: float | None
    elapsed: float
    permanent_redirect: bool = False  # a 301/308 was followed: callers may store final_url


def create_session(
    settings: FetchSettings | None = None, *, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """A session whose connector applies the address guard; the only kind :class:`Fetcher` uses.

    ``resolver`` replaces the system DNS resolver (every address it returns is still checked).
    """
    settings = settings or FetchSettings()
    connector = GuardedConnector(
        allow_private=settings.allow_private,
        allowed_hosts=settings.allowed_hosts,
        resolver=resolver,
        limit=max(1, settings.connections),
        limit_per_host=max(1, settings.connections_per_host),
        ttl_dns_cache=settings.dns_cache_seconds,
    )
    return aiohttp.ClientSession(
        connector=connector,
        auto_decompress=False,
        trust_env=False,
        cookie_jar=aiohttp.DummyCookieJar(),  # feeds need no cookies, and none follow us around
        headers={"User-Agent": settings.user_agent},
    )


def _seconds_until(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _max_age(value: str | None) -> float | None:
    """The ``max-age`` of a Cache-Control header, in seconds."""
    for directive in (value or "").split(","):
        name, _, arg = directive.strip().partition("=")
        if name.lower() == "max-age":
            try:
                return max(0.0, float(arg.strip().strip('"')))
            except ValueError:
                return None
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def _join(url: str, current: str, location: str) -> str:
    try:
        return str(URL(current).join(URL(location)))
    except (ValueError, TypeError):
        message = f"{url} redirects to an invalid address ({location[:100]!r})."
        raise FetchError(message, url=url, transient=False, hint="Tell the site's owner.") from None


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0


class _Inflater:
    """Decompresses gzip/deflate bodies without ever producing more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS}.get(
            encoding, zlib.MAX_WBITS
        )
        self.deflate = encoding == "deflate"
        self.limit = limit
        self.produced = 0
        self.decoder: Any = zlib.decompressobj(self.wbits)
        self.started = False

    def feed(self, chunk: bytes) -> list[bytes]:
        """Decompress ``chunk``; raises OverflowError past the limit, zlib.error on bad data."""
        out: list[bytes] = []
        data = chunk
        while data:
            if not self.started and self.deflate and not _zlib_header(data):
                self.wbits = -zlib.MAX_WBITS  # "deflate" sent raw, without the zlib header
                self.decoder = zlib.decompressobj(self.wbits)
            self.started = True
            piece = self.decoder.decompress(data, self.limit - self.produced + 1)
            self.produced += len(piece)
            out.append(piece)
            if self.produced > self.limit:
                raise OverflowError
            if self.decoder.unconsumed_tail:
                data = self.decoder.unconsumed_tail
            elif self.decoder.eof and self.decoder.unused_data.startswith(b"\x1f\x8b"):
                data = self.decoder.unused_data  # another gzip member follows
                self.decoder = zlib.decompressobj(self.wbits)
            else:
                data = b""
        return out


class Fetcher:
    """Fetches feeds with one guarded aiohttp session. Use ``async with Fetcher(settings) as f``.

    A session passed in must come from :func:`create_session` (its connector does the address
    checks); the caller then closes it. Otherwise the Fetcher makes and closes its own.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        session: aiohttp.ClientSession | None = None,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        if session is not None and not isinstance(session.connector, GuardedConnector):
            raise TypeError("Fetcher needs a session made by bot.feeds.create_session()")
        self._session = session
        self._owns_session = session is None
        self._resolver = resolver
        # made once, not per request (the settings are read here: change them before use)
        # the total is enforced around the whole fetch, redirects included (``fetch``); aiohttp
        # keeps the per-socket ones
        self._timeout = aiohttp.ClientTimeout(
            sock_connect=self.settings.timeout_connect, sock_read=self.settings.timeout_read
        )
        self._policy = (self.settings.allow_private, tuple(self.settings.allowed_hosts))

    @property
    def session(self) -> aiohttp.ClientSession:
        """The session (created on first use inside the event loop)."""
        if self._session is None:
            self._session = create_session(self.settings, resolver=self._resolver)
        return self._session

    async def __aenter__(self) -> Fetcher:
        _ = self.session
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this Fetcher made it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` (conditionally when ``etag``/``last_modified`` are given), following redirects.

        Raises :class:`FetchError` (``.transient``, ``.status``, ``.retry_after``) for HTTP
        errors, timeouts, connection failures, oversized bodies and redirect loops, and
        :class:`BlockedAddress` (a FetchError) for refused addresses.
        """
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.timeout_total):
                return await self._follow(url, etag, last_modified, started)
        except TimeoutError:
            raise FetchError(
                f"Timed out fetching {url} (no complete answer within "
                f"{self.settings.timeout_total:g} s).",
                url=url,
                transient=True,
                hint=_RETRY_LATER,
            ) from None

    async def _follow(
        self, url: str, etag: str | None, last_modified: str | None, started: float
    ) -> FetchResult:
        headers = _BASE_HEADERS.copy()
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        current, permanent = url, True
        while True:
            check_url(current, allow_private=self._policy[0], allowed_hosts=self._policy[1])
            seen.append(current)
            async with self._request(current, headers) as response:
                status = response.status
                if status in _REDIRECTS and "Location" in response.headers:
                    target = _join(url, current, response.headers["Location"])
                    permanent = permanent and status in (301, 308)
                    self._check_redirect(url, target, seen)
                    current = target
                    continue
                permanent = permanent and len(seen) > 1
                validators = (etag, last_modified)
                return await self._result(url, current, response, started, permanent, validators)

    def _check_redirect(self, url: str, target: str, seen: list[str]) -> None:
        if target in seen:
            raise FetchError(
                f"{url} redirects in a loop (back to {target}).",
                url=url,
                transient=False,
                hint="The site is misconfigured; tell its owner or use another feed address.",
            )
        if len(seen) > self.settings.max_redirects:
            raise FetchError(
                f"{url} redirects more than {self.settings.max_redirects} times.",
                url=url,
                transient=False,
                hint="Subscribe to the address the redirects end at, or tell the site's owner.",
            )

    @asynccontextmanager
    async def _request(
        self, url: str, headers: dict[str, str]
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        request = self.session.get(
            url, headers=headers, allow_redirects=False, timeout=self._timeout
        )
        try:
            async with request as response:
                yield response
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _network_error(url, exc) from exc

    async def _result(
        self,
        url: str,
        final_url: str,
        response: aiohttp.ClientResponse,
        started: float,
        permanent: bool,
        validators: tuple[str | None, str | None],
    ) -> FetchResult:
        status = response.status
        retry_after = _seconds_until(response.headers.get("Retry-After"))
        if not (200 <= status < 300 or status == 304):
            raise _status_error(url, status, retry_after)
        body = None if status == 304 else await self._read_body(url, response)
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            body=body,
            etag=response.headers.get("ETag") or (validators[0] if status == 304 else None),
            last_modified=response.headers.get("Last-Modified")
            or (validators[1] if status == 304 else None),
            content_type=response.headers.get("Content-Type"),
            not_modified=status == 304,
            retry_after=retry_after,
            max_age=_max_age(response.headers.get("Cache-Control")),
            elapsed=time.monotonic() - started,
            permanent_redirect=permanent,
        )

    async def _read_body(self, url: str, response: aiohttp.ClientResponse) -> bytes:
        limit = self.settings.max_bytes
        too_large = FetchError(
            f"The feed at {url} is larger than {_megabytes(limit)} (the size limit).",
            url=url,
            transient=False,
            hint="Follow a smaller feed (one category or fewer items), or raise [feeds] max_bytes.",
        )
        if response.content_length is not None and response.content_length > limit + _CHUNK:
            raise too_large  # even compressed it cannot fit; do not download it
        coding = response.headers.get("Content-Encoding", "identity").strip().lower()
        inflater = _Inflater(coding, limit) if coding in ("gzip", "x-gzip", "deflate") else None
        if inflater is None and coding not in ("identity", ""):
            message = f"{url} was sent with an unsupported compression ({coding})."
            hint = "Tell the site's owner; feeds should be plain, gzip or deflate."
            raise FetchError(message, url=url, transient=False, hint=hint)
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in response.content.iter_chunked(_CHUNK):
                pieces = inflater.feed(chunk) if inflater else [chunk]
                size += sum(len(p) for p in pieces)
                if size > limit:
                    raise OverflowError
                parts.extend(pieces)
        except OverflowError:
            raise too_large from None
        except zlib.error as exc:
            message = f"{url} sent a corrupt compressed body ({exc})."
            raise FetchError(message, url=url, transient=True, hint=_RETRY_LATER) from None
        return b"".join(parts)


def _status_error(url: str, status: int, retry_after: float | None) -> FetchError:
    wait = f" It asked us to wait {retry_after:.0f} s." if retry_after is not None else ""
    if status in (429, 503):
        what = "is rate-limiting the bot" if status == 429 else "is temporarily unavailable"
        return FetchError(
            f"The site at {url} {what} (HTTP {status}).{wait}",
            url=url, status=status, retry_after=retry_after, transient=True, hint=_RETRY_LATER,
        )  # fmt: skip
    if status == 408 or status >= 500:
        return FetchError(
            f"The site at {url} failed to answer (HTTP {status}).{wait}",
            url=url, status=status, retry_after=retry_after, transient=True, hint=_RETRY_LATER,
        )  # fmt: skip
    hints = {
        401: "The feed needs a login; the bot can only follow public feeds.",
        403: "The site refuses the bot; the feed may be private or block feed readers.",
        404: "Check the address: the site may have moved or removed its feed.",
        410: "The site has removed this feed for good; unsubscribe from it.",
    }
    reason = "answered with an unusable redirect" if status < 400 else "refused the request"
    return FetchError(
        f"The site at {url} {reason} (HTTP {status}).",
        url=url, status=status, transient=False,
        hint=hints.get(status, "Check the feed address."),
    )  # fmt: skip


def _network_error(url: str, exc: BaseException) -> FetchError:
    host = URL(url).host or url
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        message = f"Timed out waiting for {host} (fetching {url})."
    elif isinstance(exc, aiohttp.ClientConnectorDNSError):
        message = f"Could not find the host {host} (DNS lookup failed)."
        return FetchError(message, url=url, transient=True, hint="Check the address for typos.")
    elif isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        message = f"The secure connection to {host} failed ({exc.__class__.__name__})."
        return FetchError(message, url=url, transient=False, hint="The site's certificate is bad.")
    elif isinstance(exc, aiohttp.InvalidURL):
        return FetchError(f"{url} is not a valid URL.", url=url, transient=False)
    else:
        message = f"Could not fetch {url}: {exc.__class__.__name__} ({exc})."
    return FetchError(message, url=url, transient=True, hint=_RETRY_LATER)


async def fetch_feed(
    fetcher: Fetcher,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_entries: int = 500,
) -> tuple[FetchResult, ParsedFeed | None]:
    """Fetch and parse a feed; an HTML page is searched for its feed link and that is fetched.

    Returns the result of the fetch whose body was parsed (its ``url`` is the discovered feed's
    address when a page was followed) and the parsed feed, or None when the server said 304.
    """
    result = await fetcher.fetch(url, etag=etag, last_modified=last_modified)
    if result.body is not None and looks_like_html(result.body):
        links = discover_feed_links(result.body, result.final_url)
        if not links:
            raise FeedError(
                f"Not a feed: {url} is an HTML page that links to no feed.",
                hint="Find the site's RSS or Atom link and subscribe to that address.",
            )
        result = await fetcher.fetch(links[0])
    body = result.body
    if result.not_modified or body is None:
        return result, None
    parsed = await asyncio.to_thread(
        parse_feed, body, url=result.final_url, max_entries=max_entries
    )
    return result, parsed
