"""Rate limits of the fake: injected failures, per-channel message buckets and a global limit.

Discord answers a rate-limited request with 429, a JSON body holding ``retry_after`` (seconds, the
value clients must wait), ``global`` and ``message``, plus ``X-RateLimit-*`` headers; requests that
reach Discord carry a ``Via`` header, and discord.py treats a 429 without it as a Cloudflare ban.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

BUCKET_HASH = "fake-messages-bucket"


@dataclass
class FailRule:
    """Fail the next ``times`` requests whose path contains ``route_substr`` (and method matches)."""

    route_substr: str
    status: int = 429
    retry_after: float = 0.2
    global_: bool = False
    method: str | None = None
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to a request."""
        return self.route_substr in path and (self.method is None or self.method == method)

    def body(self) -> dict[str, Any]:
        """The JSON body Discord sends for this status."""
        if self.status == 429:
            return {
                "message": "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.global_,
                "code": 0,
            }
        return {"message": f"{self.status}: injected failure", "code": 0}

    def headers(self) -> dict[str, str]:
        """Headers for the failure response."""
        headers = {"Via": "1.1 google"}
        if self.status == 429:
            headers["Retry-After"] = str(max(1, round(self.retry_after)))
            headers["X-RateLimit-Scope"] = "global" if self.global_ else "user"
            if self.global_:
                headers["X-RateLimit-Global"] = "true"
        return headers


def rate_limited(
    retry_after: float, *, global_: bool, scope: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Body and headers of a 429 produced by bucket emulation."""
    body = {
        "message": "You are being rate limited.",
        "retry_after": round(retry_after, 3),
        "global": global_,
        "code": 0,
    }
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, round(retry_after + 0.5))),
        "X-RateLimit-Scope": scope,
    }
    if global_:
        headers["X-RateLimit-Global"] = "true"
    return body, headers


@dataclass
class Window:
    """A fixed window: ``limit`` requests per ``per`` seconds, starting at the first request."""

    limit: int
    per: float
    start: float = 0.0
    used: int = 0

    def take(self, now: float | None = None) -> tuple[bool, int, float]:
        """Try to take one request. Returns (allowed, remaining, reset_after seconds)."""
        now = time.monotonic() if now is None else now
        if self.used == 0 or now - self.start >= self.per:
            self.start, self.used = now, 0
        reset_after = max(0.0, self.start + self.per - now)
        if self.used >= self.limit:
            return False, 0, reset_after
        self.used += 1
        return True, self.limit - self.used, reset_after


@dataclass
class Limiter:
    """Per-channel message buckets and a global per-second limit, both optional."""

    channel_rate: tuple[int, float] | None = None
    global_rate: int | None = None
    channels: dict[int, Window] = field(default_factory=dict)
    global_window: Window | None = None

    def check_global(self) -> tuple[dict[str, Any], dict[str, str]] | None:
        """None if the request may pass, else the 429 body and headers."""
        if self.global_rate is None:
            return None
        if self.global_window is None:
            self.global_window = Window(self.global_rate, 1.0)
        ok, _, reset_after = self.global_window.take()
        return None if ok else rate_limited(reset_after, global_=True, scope="global")

    def take_message(self, channel_id: int) -> tuple[bool, dict[str, str], float]:
        """Take from a channel's message bucket: (allowed, X-RateLimit headers, retry_after)."""
        if self.channel_rate is None:
            return True, {}, 0.0
        limit, per = self.channel_rate
        window = self.channels.setdefault(channel_id, Window(limit, per))
        ok, remaining, reset_after = window.take()
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": BUCKET_HASH,
        }
        return ok, headers, reset_after
