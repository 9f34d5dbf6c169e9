"""Refusing to fetch from private, loopback, link-local and other non-public addresses (SSRF guard).

Two layers, both needed:

* :func:`check_url` looks at the URL alone: scheme, forbidden host names and IP literals (including
  the legacy forms ``2130706433``, ``0x7f.1`` and ``127.1`` that ``inet_aton`` accepts).
* :class:`GuardedResolver` checks every address a host name resolves to, and aiohttp connects only
  to the addresses it returned, so a name that resolves (or re-resolves, "DNS rebinding") to a
  private address is refused. :class:`GuardedConnector` runs :func:`check_url` before every
  connection too, because aiohttp never asks the resolver about IP literals.

Policy: if *any* address of a name is not public the name is refused (a record mixing public and
private addresses is an attack, not a misconfiguration). ``allow_private`` turns the address checks
off (never the scheme check); ``allowed_hosts`` lists host names or IP addresses that may be used.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from aiohttp import TCPConnector
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.errors import FeedError

__all__ = [
    "BlockedAddress",
    "FetchError",
    "GuardedConnector",
    "GuardedResolver",
    "check_address",
    "check_url",
    "resolve_and_check",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_HINT = (
    "Set [feeds] allow_private_addresses = true (or list the host in allowed_hosts) to allow it."
)
_BLOCKED_NAMES = frozenset({"localhost", "metadata.google.internal", "metadata"})
_V4_RANGES: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/32", "an unspecified address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address (cloud metadata services live there)"),
    ("10.0.0.0/8", "a private address"),
    ("172.16.0.0/12", "a private address"),
    ("192.168.0.0/16", "a private address"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
    ("0.0.0.0/8", "a reserved address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
)
_V6_RANGES: tuple[tuple[str, str], ...] = (
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("fe80::/10", "a link-local address"),
    ("fc00::/7", "a private address"),
    ("fec0::/10", "a private (site-local) address"),
    ("ff00::/8", "a multicast address"),
)
_V4_NETS = tuple((ipaddress.IPv4Network(net), why) for net, why in _V4_RANGES)
_V6_NETS = tuple((ipaddress.IPv6Network(net), why) for net, why in _V6_RANGES)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LEGACY_V4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$", re.I)


class FetchError(FeedError):
    """A feed could not be fetched. ``transient`` says whether trying again later may help.

    ``status`` is the HTTP status when there was one; ``retry_after`` the seconds the server asked
    to wait (429/503). Defined here so that :class:`BlockedAddress` can be one; import it from
    ``bot.feeds``.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.url = url
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


class BlockedAddress(FetchError):
    """The URL, or an address its host resolves to, may not be fetched (permanent)."""

    def __init__(self, url: str, message: str, *, hint: str | None = _HINT) -> None:
        super().__init__(message, url=url, transient=False, hint=hint)


def parse_ip(host: str) -> IPAddress | None:
    """The IP address ``host`` denotes (standard or legacy IPv4 forms, IPv6), or None for a name."""
    text = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _LEGACY_V4.match(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be fetched from ("a private address" ...), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and ip.teredo:
            embedded = ip.teredo[1]
        if embedded is not None:
            inner = address_problem(embedded)
            if inner is None:
                return None
            return (
                f"{inner[:-1]}; IPv4 in IPv6)" if inner.endswith(")") else f"{inner} (IPv4 in IPv6)"
            )
        nets: tuple[tuple[Any, str], ...] = _V6_NETS
    else:
        nets = _V4_NETS
    for net, why in nets:
        if ip in net:
            return why
    return None if ip.is_global else "a reserved address"


def _allowed(name: str, allowed_hosts: Collection[str]) -> bool:
    if not allowed_hosts:
        return False
    wanted = {h.strip().strip("[]").rstrip(".").lower() for h in allowed_hosts}
    if name in wanted:
        return True
    ip = parse_ip(name)
    return ip is not None and any(parse_ip(h) == ip for h in wanted)


def check_address(
    ip: str,
    *,
    subject: str,
    allow_private: bool = False,
    allowed_hosts: Collection[str] = (),
) -> None:
    """Raise :class:`BlockedAddress` unless ``ip`` is public (or allowed).

    ``subject`` names what is being fetched in the message: a URL, or "host (resolves to ip)".
    """
    if allow_private or _allowed(ip, allowed_hosts):
        return
    parsed = parse_ip(ip)
    problem = "not an IP address" if parsed is None else address_problem(parsed)
    if problem:
        raise BlockedAddress(subject, f"Refusing to fetch {subject}: {ip} is {problem}.")


def check_url(
    url: str, *, allow_private: bool = False, allowed_hosts: Collection[str] = ()
) -> None:
    """Raise :class:`BlockedAddress` unless ``url`` is http(s) with a host that may be fetched.

    Only the URL is judged; host names are resolved and checked by :func:`resolve_and_check` (or
    :class:`GuardedResolver` at connection time). The verdict depends on nothing but the URL and
    the policy, so it is remembered (a poll cycle asks about the same URLs again and again).
    """
    hosts = allowed_hosts if isinstance(allowed_hosts, tuple) else tuple(allowed_hosts)
    problem = _url_problem(url, allow_private, hosts)
    if problem is not None:
        message, hint = problem
        raise BlockedAddress(url, message, hint=hint)


@functools.lru_cache(maxsize=8192)
def _url_problem(
    url: str, allow_private: bool, allowed_hosts: tuple[str, ...]
) -> tuple[str, str | None] | None:
    """(message, hint) of the BlockedAddress ``url`` gets under this policy, or None."""
    try:
        _judge_url(url, allow_private=allow_private, allowed_hosts=allowed_hosts)
    except BlockedAddress as exc:
        return exc.message, exc.hint
    return None


def _judge_url(url: str, *, allow_private: bool, allowed_hosts: Collection[str]) -> None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        message = f"Refusing to fetch {url}: it is not a valid URL."
        raise BlockedAddress(url, message, hint=None) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BlockedAddress(
            url,
            f"Refusing to fetch {url}: only http:// and https:// feeds can be followed.",
            hint="Use the feed's web address.",
        )
    if not host:
        raise BlockedAddress(url, f"Refusing to fetch {url}: it has no host name.", hint=None)
    if allow_private or _allowed(host, allowed_hosts):
        return
    if host in _BLOCKED_NAMES or host.endswith(".localhost"):
        raise BlockedAddress(url, f"Refusing to fetch {url}: {host} is a local name.")
    ip = parse_ip(host)
    if ip is not None:
        check_address(str(ip), subject=url, allowed_hosts=allowed_hosts)


async def resolve_and_check(
    host: str,
    port: int,
    *,
    allow_private: bool = False,
    allowed_hosts: Collection[str] = (),
    resolver: AbstractResolver | None = None,
    family: socket.AddressFamily = socket.AF_UNSPEC,
) -> list[ResolveResult]:
    """Resolve ``host`` and return its addresses, refusing all of them if any one is not public."""
    if resolver is None:
        resolver = DefaultResolver()
        try:
            results = await resolver.resolve(host, port, family=family)
        finally:
            await resolver.close()
    else:
        results = await resolver.resolve(host, port, family=family)
    name = host.rstrip(".").lower()
    if allow_private or _allowed(name, allowed_hosts):
        return results
    for result in results:
        check_address(
            result["host"], subject=f"{host} (it resolves to {result['host']})",
            allowed_hosts=allowed_hosts,
        )  # fmt: skip
    return results


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that only returns host names whose every address passes the guard."""

    def __init__(
        self,
        inner: AbstractResolver | None = None,
        *,
        allow_private: bool = False,
        allowed_hosts: Collection[str] = (),
    ) -> None:
        self._inner = inner
        self.allow_private = allow_private
        self.allowed_hosts = tuple(allowed_hosts)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve with the inner resolver and check every address (raises BlockedAddress)."""
        if self._inner is None:
            self._inner = DefaultResolver()
        return await resolve_and_check(
            host,
            port,
            allow_private=self.allow_private,
            allowed_hosts=self.allowed_hosts,
            resolver=self._inner,
            family=family,
        )

    async def close(self) -> None:
        """Close the inner resolver."""
        if self._inner is not None:
            await self._inner.close()


class GuardedConnector(TCPConnector):
    """A TCPConnector that checks each request URL and resolves names through GuardedResolver."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_hosts: Collection[str] = (),
        resolver: AbstractResolver | None = None,
        **kwargs: Any,
    ) -> None:
        self.allow_private = allow_private
        self.allowed_hosts = tuple(allowed_hosts)
        guarded = GuardedResolver(
            resolver, allow_private=allow_private, allowed_hosts=self.allowed_hosts
        )
        super().__init__(resolver=guarded, **kwargs)

    async def connect(self, req: Any, *args: Any, **kwargs: Any) -> Any:
        """Refuse the request's URL before any connection is made or reused."""
        check_url(str(req.url), allow_private=self.allow_private, allowed_hosts=self.allowed_hosts)
        return await super().connect(req, *args, **kwargs)
