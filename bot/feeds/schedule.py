"""When to poll each feed: the pure parts of the scheduler (no clock, no I/O; times are float seconds).

* ``poll_offset`` spreads feeds over their interval by a hash of the URL, so a hundred feeds added at
  once are not all fetched in the same second; ``first_poll_time`` uses it for a feed's first poll.
* ``next_poll_time`` picks the next poll after a fetch: the feed's interval, doubled for each failure in a
  row (capped at a day), never sooner than ``min_interval``, than the server's ``Retry-After`` or than its
  ``Cache-Control: max-age``, plus a small deterministic jitter that only ever makes it later.
* ``should_pause`` says when a feed that keeps failing is paused for a moderator to look at.
* ``DueQueue`` holds (due time, feed id) pairs in a heap: the poller pops what is due against any clock.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections.abc import Iterator

MAX_BACKOFF = 86_400.0  # failures never push a poll more than a day away
MAX_AGE_CAP = 86_400.0  # a Cache-Control max-age counts for at most a day
RETRY_AFTER_CAP = 7 * 86_400.0  # a Retry-After is honoured up to a week
JITTER_FRACTION = 0.1  # jitter adds up to 10% of the delay...
JITTER_MAX = 900.0  # ...and at most 15 minutes


def _fraction(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts`` (the same in every process: no Python ``hash``)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def poll_offset(feed_url: str, interval: float) -> float:
    """Where in ``[0, interval)`` this feed's polls fall, from a hash of its URL."""
    if interval <= 0:
        return 0.0
    return _fraction("offset", feed_url.strip()) * interval


def first_poll_time(now: float, feed_url: str, interval: float) -> float:
    """When to poll a feed first: spread over the next interval (by ``poll_offset``)."""
    return now + poll_offset(feed_url, interval)


def backoff_delay(interval: float, failures: int) -> float:
    """The interval doubled for each failure in a row, capped at ``MAX_BACKOFF``.

    The cap never shortens a feed's own interval: a feed polled daily or less often keeps it.
    """
    interval = max(float(interval), 0.0)
    if failures <= 0:
        return interval
    doubled = interval * 2.0 ** min(failures, 40)
    return max(interval, min(doubled, MAX_BACKOFF))


def next_poll_time(
    now: float,
    *,
    interval: float,
    min_interval: float,
    max_age: float | None = None,
    retry_after: float | None = None,
    failures: int = 0,
    jitter_seed: str | int | None = None,
) -> float:
    """The time of the next poll after one at ``now``.

    ``failures`` is the number of failed polls in a row (0 after a success); ``max_age`` the seconds of a
    Cache-Control max-age (the feed is not polled more often than it asks, up to ``MAX_AGE_CAP``);
    ``retry_after`` the seconds a 429/503 asked to wait (honoured up to ``RETRY_AFTER_CAP``). The result is
    never sooner than ``now + min_interval``. With a ``jitter_seed`` (the feed's URL or id) up to 10% of
    the delay (at most 15 minutes) is added, fixed by the seed and the failure count; jitter only ever
    delays, so every floor above still holds.
    """
    delay = backoff_delay(interval, failures)
    if max_age is not None and max_age > 0:
        delay = max(delay, min(float(max_age), MAX_AGE_CAP))
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(float(retry_after), RETRY_AFTER_CAP))
    delay = max(delay, float(min_interval), 0.0)
    if jitter_seed is not None:
        delay += min(delay * JITTER_FRACTION, JITTER_MAX) * _fraction(
            "jitter", jitter_seed, failures
        )
    return now + delay


def should_pause(failures: int, pause_after: int) -> bool:
    """Whether a feed that failed ``failures`` times in a row is paused (``pause_after`` <= 0: never)."""
    return pause_after > 0 and failures >= pause_after


class DueQueue:
    """Feeds ordered by when they are due: a heap of (due time, order, feed id) with lazy removal.

    Each feed is in the queue at most once: pushing a feed that is already queued reschedules it. Feeds
    due at the same time come out in the order they were pushed.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, int]] = []
        self._live: dict[int, tuple[float, int]] = {}
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, feed_id: object) -> bool:
        return feed_id in self._live

    def __iter__(self) -> Iterator[tuple[float, int]]:
        """(due time, feed id) pairs in due order (a snapshot; the queue is unchanged)."""
        return iter(sorted((due, fid) for fid, (due, _seq) in self._live.items()))

    def push(self, feed_id: int, due: float) -> None:
        """Queue ``feed_id`` to be due at ``due`` (replacing any earlier due time)."""
        seq = next(self._order)
        self._live[feed_id] = (float(due), seq)
        heapq.heappush(self._heap, (float(due), seq, feed_id))
        if len(self._heap) > 64 and len(self._heap) > 2 * len(self._live):
            self._compact()

    reschedule = push

    def remove(self, feed_id: int) -> bool:
        """Take a feed out of the queue; False if it was not queued."""
        return self._live.pop(feed_id, None) is not None

    def due_time(self, feed_id: int) -> float | None:
        """When ``feed_id`` is due, or None if it is not queued."""
        entry = self._live.get(feed_id)
        return entry[0] if entry else None

    def _drop_stale(self) -> None:
        heap = self._heap
        while heap and self._live.get(heap[0][2], (None, None))[1] != heap[0][1]:
            heapq.heappop(heap)

    def next_due(self) -> float | None:
        """The earliest due time, or None when the queue is empty."""
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float, limit: int | None = None) -> list[int]:
        """Remove and return the feeds due at or before ``now``, earliest first (at most ``limit``)."""
        out: list[int] = []
        while limit is None or len(out) < limit:
            self._drop_stale()
            if not self._heap or self._heap[0][0] > now:
                break
            _due, _seq, feed_id = heapq.heappop(self._heap)
            del self._live[feed_id]
            out.append(feed_id)
        return out

    def _compact(self) -> None:
        self._heap = [(due, seq, fid) for fid, (due, seq) in self._live.items()]
        heapq.heapify(self._heap)
