"""The address guard: URL checks for every blocked range, and resolved-address checks."""

from __future__ import annotations

import pytest

from bot.errors import FeedError
from bot.feeds import BlockedAddress, check_url, resolve_and_check
from bot.feeds.netguard import address_problem, parse_ip

BLOCKED = [
    ("http://10.0.0.5/feed", "a private address"),
    ("http://172.16.0.1/", "a private address"),
    ("http://172.31.255.255/", "a private address"),
    ("http://192.168.1.1/", "a private address"),
    ("http://127.0.0.1/", "a loopback address"),
    ("http://127.8.9.10:8080/", "a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://100.127.255.254/", "carrier-grade NAT"),
    ("http://0.0.0.0/", "an unspecified address"),
    ("http://224.0.0.1/", "a multicast address"),
    ("http://240.0.0.1/", "a reserved address"),
    ("http://255.255.255.255/", "a reserved address"),
    ("http://[::1]/", "a loopback address"),
    ("http://[::]/", "an unspecified address"),
    ("http://[fe80::1]/", "a link-local address"),
    ("http://[fc00::1]/", "a private address"),
    ("http://[fd12:3456::1]/", "a private address"),
    ("http://[ff02::1]/", "a multicast address"),
    ("http://[::ffff:10.0.0.1]/", "a private address (IPv4 in IPv6)"),
    ("http://[::ffff:127.0.0.1]/", "a loopback address (IPv4 in IPv6)"),
    ("http://[::ffff:169.254.169.254]/", "metadata services live there; IPv4 in IPv6)"),
    ("http://[2002:a00:1::]/", "a private address (IPv4 in IPv6)"),  # 6to4 of 10.0.0.1
    ("http://[64:ff9b::7f00:1]/", "a loopback address (IPv4 in IPv6)"),  # NAT64 of 127.0.0.1
    ("http://2130706433/", "a loopback address"),  # decimal 127.0.0.1
    ("http://0x7f000001/", "a loopback address"),
    ("http://0177.0.0.1/", "a loopback address"),  # octal
    ("http://127.1/", "a loopback address"),
    ("http://192.0.2.10/", "a reserved address"),  # documentation range, not global
    ("http://198.18.0.1/", "a reserved address"),  # benchmarking range
]


@pytest.mark.parametrize(("url", "why"), BLOCKED)
def test_blocked_addresses(url: str, why: str) -> None:
    with pytest.raises(BlockedAddress) as caught:
        check_url(url)
    message = str(caught.value)
    assert why in message
    assert message.startswith(f"Refusing to fetch {url}: ")
    assert message.endswith(
        "Set [feeds] allow_private_addresses = true (or list the host in allowed_hosts) to allow it."
    )
    assert isinstance(caught.value, FeedError) and not caught.value.transient
    check_url(url, allow_private=True)  # the switch turns every address check off


def test_message_matches_the_documented_wording() -> None:
    with pytest.raises(BlockedAddress) as caught:
        check_url("http://10.0.0.5/feed")
    assert str(caught.value) == (
        "Refusing to fetch http://10.0.0.5/feed: 10.0.0.5 is a private address. Set [feeds] "
        "allow_private_addresses = true (or list the host in allowed_hosts) to allow it."
    )


@pytest.mark.parametrize(
    "url",
    ["http://localhost/", "http://LOCALHOST./feed", "http://api.localhost:8080/",
     "http://metadata.google.internal/computeMetadata/v1/"],
)  # fmt: skip
def test_blocked_names(url: str) -> None:
    with pytest.raises(BlockedAddress, match="is a local name"):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/feed", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)",
     "feed://example.com/rss", "data:text/xml,<rss/>", "//example.com/rss", "example.com/rss"],
)  # fmt: skip
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedAddress, match="only http:// and https://"):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["http:///feed", "http://[::1/", "http://example.com:99999/"])
def test_malformed_urls(url: str) -> None:
    with pytest.raises(BlockedAddress):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    ["http://example.com/feed", "https://reviews.example.org:8443/rss?x=1", "http://93.184.216.34/",
     "http://[2606:2800:220:1:248:1893:25c8:1946]/", "http://[::ffff:93.184.216.34]/",
     "http://1.1.1.1/", "https://xn--bcher-kva.example/"],
)  # fmt: skip
def test_public_urls_pass(url: str) -> None:
    check_url(url)


def test_allowed_hosts_by_ip_and_by_name() -> None:
    check_url("http://127.0.0.1:8080/feed", allowed_hosts=["127.0.0.1"])
    check_url("http://[::1]/", allowed_hosts=["[::1]"])
    check_url("http://2130706433/", allowed_hosts=["127.0.0.1"])  # same address, other spelling
    check_url("http://rss-bridge.lan/", allowed_hosts=["RSS-Bridge.lan"])
    check_url("http://localhost:8000/", allowed_hosts=["localhost"])
    with pytest.raises(BlockedAddress):
        check_url("http://127.0.0.2/", allowed_hosts=["127.0.0.1"])
    with pytest.raises(BlockedAddress):  # allowing addresses never allows other schemes
        check_url("file:///etc/passwd", allowed_hosts=["127.0.0.1"], allow_private=True)


def test_parse_ip_and_problems() -> None:
    assert str(parse_ip("0x7f.1")) == "127.0.0.1"
    assert parse_ip("example.com") is None
    assert parse_ip("cafe.be") is None
    ip = parse_ip("8.8.8.8")
    assert ip is not None and address_problem(ip) is None


async def test_resolve_and_check_with_the_real_resolver() -> None:
    # "localhost" comes from /etc/hosts: a real resolution to a loopback address.
    with pytest.raises(BlockedAddress, match="it resolves to"):
        await resolve_and_check("localhost", 80)
    results = await resolve_and_check("localhost", 80, allowed_hosts=["localhost"])
    assert results and all(r["port"] == 80 for r in results)
    results = await resolve_and_check("localhost", 443, allow_private=True)
    assert {r["host"] for r in results} <= {"127.0.0.1", "::1"}


def test_remembered_verdicts_stay_exact_for_every_policy() -> None:
    url = "http://10.0.0.7/feed"
    first = second = None
    for _ in range(2):  # the second verdict comes from the cache: same words, a new exception
        with pytest.raises(BlockedAddress) as caught:
            check_url(url)
        first, second = second, caught.value
    assert first is not None and second is not None and first is not second
    assert str(first) == str(second) and second.url == url and second.__cause__ is None
    # the policy is part of the verdict: allowing the host (as a list, a set or a tuple) lets it
    for hosts in (["10.0.0.7"], {"10.0.0.7"}, ("10.0.0.7",)):
        check_url(url, allowed_hosts=hosts)
    check_url(url, allow_private=True)
    with pytest.raises(BlockedAddress):
        check_url(url, allowed_hosts=("10.0.0.8",))
