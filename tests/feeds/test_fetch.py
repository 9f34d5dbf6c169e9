"""Fetcher and fetch_feed against a real aiohttp server on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import FeedError
from bot.feeds import (
    BlockedAddress,
    Fetcher,
    FetchError,
    FetchSettings,
    create_session,
    fetch_feed,
)

from .conftest import RSS, FeedServer

LOCAL = ("127.0.0.1",)


def settings(**overrides: object) -> FetchSettings:
    values: dict[str, object] = {"allowed_hosts": LOCAL, "timeout_total": 10}
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


class StaticResolver(AbstractResolver):
    """A fixed name -> addresses table standing in for DNS (no DNS server runs in tests)."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            {"hostname": host, "host": ip, "port": port, "family": socket.AF_INET,
             "proto": 0, "flags": socket.AI_NUMERICHOST}
            for ip in self.table[host]
        ]  # fmt: skip

    async def close(self) -> None:
        return None


async def test_fetches_rss_with_validators_and_max_age(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        result = await fetcher.fetch(feed_server.url("/conditional"))
    assert result.status == 200 and not result.not_modified
    assert result.body == RSS
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert result.max_age == 300
    assert result.final_url == result.url == feed_server.url("/conditional")
    assert result.elapsed >= 0


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
async def test_conditional_get_gives_304(feed_server: FeedServer, validator: str) -> None:
    kwargs = {"etag": '"v1"'} if validator == "etag" else {
        "last_modified": "Wed, 01 Jan 2025 00:00:00 GMT"}  # fmt: skip
    async with Fetcher(settings()) as fetcher:
        result, parsed = await fetch_feed(fetcher, feed_server.url("/conditional"), **kwargs)
    assert result.status == 304 and result.not_modified
    assert result.body is None and parsed is None
    assert result.etag == '"v1"'


@pytest.mark.parametrize(
    ("path", "fmt", "title"),
    [("/rss", "rss", "Review: Kingdom Season 2"), ("/atom", "atom", "Review: Parasite"),
     ("/json", "json", "Review: Stree 2"), ("/plain", "rss", "Review: Kingdom Season 2"),
     ("/gzip", "rss", "Review: Kingdom Season 2"), ("/deflate", "rss", "Review: Kingdom Season 2")],
)  # fmt: skip
async def test_fetch_feed_parses_every_format(
    feed_server: FeedServer, path: str, fmt: str, title: str
) -> None:
    async with Fetcher(settings()) as fetcher:
        result, parsed = await fetch_feed(fetcher, feed_server.url(path))
    assert parsed is not None
    assert parsed.format == fmt
    assert [e.title for e in parsed.entries] == [title]
    assert result.status == 200


async def test_plain_text_content_type_is_kept_but_not_fatal(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        result, parsed = await fetch_feed(fetcher, feed_server.url("/plain"))
    assert result.content_type is not None and result.content_type.startswith("text/plain")
    assert parsed is not None and parsed.entries[0].published == datetime(
        2020, 3, 9, 23, 0, tzinfo=UTC
    )


async def test_500_streak_is_transient_every_time(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        for attempt in range(3):
            with pytest.raises(FetchError) as caught:
                await fetcher.fetch(feed_server.url("/error500"))
            assert caught.value.status == 500 and caught.value.transient
            assert "HTTP 500" in str(caught.value)
            assert feed_server.hits["/error500"] == attempt + 1


async def test_slow_server_hits_read_timeout(feed_server: FeedServer) -> None:
    fast = settings(timeout_read=0.2, timeout_connect=1, timeout_total=2)
    async with Fetcher(fast) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url("/slow"))
    assert caught.value.transient and "Timed out" in str(caught.value)


async def test_gzip_bomb_is_stopped_at_the_cap(feed_server: FeedServer, gzip_bomb: bytes) -> None:
    assert len(gzip_bomb) < 2_000_000  # ~1 MB on the wire, 1 GB inflated
    async with Fetcher(settings(max_bytes=1_000_000)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url("/bomb"))
    assert "larger than 1 MB" in str(caught.value) and not caught.value.transient


@pytest.mark.parametrize("path", ["/big-stream", "/big-declared"])
async def test_50_mb_body_is_capped(feed_server: FeedServer, path: str) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url(path))
    assert "larger than 10 MB" in str(caught.value)


async def test_redirect_loop_is_refused(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url("/loop-a"))
    assert "loop" in str(caught.value) and not caught.value.transient
    assert feed_server.hits == {"/loop-a": 1, "/loop-b": 1}


async def test_too_many_redirects(feed_server: FeedServer) -> None:
    async with Fetcher(settings(max_redirects=3)) as fetcher:
        with pytest.raises(FetchError, match="more than 3 times"):
            await fetcher.fetch(feed_server.url("/chain"))
    assert feed_server.hits["/chain"] == 4


async def test_redirects_followed_and_permanence_reported(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        moved = await fetcher.fetch(feed_server.url("/moved"))
        temp = await fetcher.fetch(feed_server.url("/temp"))
    assert moved.final_url == feed_server.url("/rss") and moved.permanent_redirect
    assert temp.final_url == feed_server.url("/rss") and not temp.permanent_redirect
    assert moved.body == RSS == temp.body


@pytest.mark.parametrize(
    ("path", "address"), [("/to-private", "10.0.0.5"), ("/to-other-loopback", "127.0.0.2")]
)
async def test_redirect_to_non_allowed_address_is_refused(
    feed_server: FeedServer, path: str, address: str
) -> None:
    # The first hop (127.0.0.1) is allowed; the redirect target is not, so nothing is fetched there.
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(BlockedAddress) as caught:
            await fetcher.fetch(feed_server.url(path))
    assert address in str(caught.value) and "allow_private_addresses" in str(caught.value)
    assert not caught.value.transient


async def test_redirect_to_name_resolving_to_private_is_refused(feed_server: FeedServer) -> None:
    dns = StaticResolver({"evil.test": ["10.1.2.3"]})
    async with Fetcher(settings(), resolver=dns) as fetcher:
        with pytest.raises(BlockedAddress, match=r"10\.1\.2\.3 is a private address"):
            await fetcher.fetch(feed_server.url("/to-name?host=evil.test"))
    assert dns.asked == ["evil.test"]


async def test_name_is_connected_only_through_checked_addresses(feed_server: FeedServer) -> None:
    dns = StaticResolver(
        {"feeds.test": ["127.0.0.1"], "mixed.test": ["93.184.216.34", "127.0.0.1"]}
    )
    url = f"http://feeds.test:{feed_server.port}/rss"
    async with Fetcher(settings(allowed_hosts=()), resolver=dns) as fetcher:
        with pytest.raises(BlockedAddress, match="loopback"):
            await fetcher.fetch(url)
        with pytest.raises(BlockedAddress, match="loopback"):  # DNS rebinding: one bad address
            await fetcher.fetch(f"http://mixed.test:{feed_server.port}/rss")
    assert "/rss" not in feed_server.hits
    async with Fetcher(settings(), resolver=dns) as fetcher:  # 127.0.0.1 allowed: really fetched
        result = await fetcher.fetch(url)
    assert result.body == RSS and feed_server.hits["/rss"] == 1


async def test_local_server_refused_without_allowed_hosts(feed_server: FeedServer) -> None:
    async with Fetcher(settings(allowed_hosts=())) as fetcher:
        with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1 is a loopback address"):
            await fetcher.fetch(feed_server.url("/rss"))
    async with Fetcher(settings(allowed_hosts=(), allow_private=True)) as fetcher:
        assert (await fetcher.fetch(feed_server.url("/rss"))).body == RSS
    assert feed_server.hits == {"/rss": 1}


async def test_localhost_by_name_uses_the_real_resolver(feed_server: FeedServer) -> None:
    url = f"http://localhost:{feed_server.port}/rss"
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(BlockedAddress, match="local name"):
            await fetcher.fetch(url)
    async with Fetcher(settings(allowed_hosts=("localhost",))) as fetcher:
        assert (await fetcher.fetch(url)).body == RSS


async def test_html_page_leads_to_its_feed(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        result, parsed = await fetch_feed(fetcher, feed_server.url("/page"))
    assert result.url == feed_server.url("/rss")
    assert parsed is not None and parsed.title == "Drama Reviews"
    assert feed_server.hits == {"/page": 1, "/rss": 1}


async def test_html_page_without_feed_link(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FeedError, match="links to no feed"):
            await fetch_feed(fetcher, feed_server.url("/page-nofeed"))


async def test_429_carries_retry_after(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url("/ratelimit"))
    error = caught.value
    assert error.status == 429 and error.transient and error.retry_after == 120
    assert "rate-limiting" in str(error)


async def test_503_retry_after_http_date(feed_server: FeedServer) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url("/unavailable"))
    expected = (datetime(2100, 1, 1, tzinfo=UTC) - datetime.now(UTC)).total_seconds()
    assert caught.value.retry_after is not None
    assert abs(caught.value.retry_after - expected) < 60


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/gone", 410)])
async def test_client_errors_are_permanent(feed_server: FeedServer, path: str, status: int) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url(path))
    assert caught.value.status == status and not caught.value.transient
    assert caught.value.hint


async def test_connection_refused_is_transient(feed_server: FeedServer) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(settings(timeout_total=5)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(f"http://127.0.0.1:{port}/rss")
    assert caught.value.transient and not isinstance(caught.value, BlockedAddress)


async def test_session_must_be_guarded(feed_server: FeedServer) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as plain:
        with pytest.raises(TypeError):
            Fetcher(settings(), session=plain)
    session = create_session(settings())
    try:
        fetcher = Fetcher(settings(), session=session)
        assert (await fetcher.fetch(feed_server.url("/rss"))).body == RSS
        await fetcher.close()
        assert not session.closed  # a session passed in belongs to the caller
    finally:
        await session.close()
