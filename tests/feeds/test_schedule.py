"""The scheduler's pure parts (bot.feeds.schedule), driven by a fake clock."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.feeds.schedule import (
    JITTER_MAX,
    MAX_AGE_CAP,
    MAX_BACKOFF,
    RETRY_AFTER_CAP,
    DueQueue,
    backoff_delay,
    first_poll_time,
    next_poll_time,
    poll_offset,
    should_pause,
)

NOW = 1_700_000_000.0


def test_backoff_curve_doubles_and_caps() -> None:
    delays = [backoff_delay(1800, n) for n in range(8)]
    assert delays[:6] == [1800, 3600, 7200, 14400, 28800, 57600]
    assert delays[6] == delays[7] == MAX_BACKOFF
    assert backoff_delay(1800, 10_000) == MAX_BACKOFF  # no overflow
    assert backoff_delay(2 * 86_400, 3) == 2 * 86_400  # the cap never shortens a long interval


def test_next_poll_time_success_and_failures() -> None:
    assert next_poll_time(NOW, interval=1800, min_interval=300) == NOW + 1800
    assert next_poll_time(NOW, interval=1800, min_interval=300, failures=2) == NOW + 7200
    far = next_poll_time(NOW, interval=1800, min_interval=300, failures=30)
    assert far == NOW + MAX_BACKOFF


def test_min_interval_is_a_floor() -> None:
    assert next_poll_time(NOW, interval=10, min_interval=300) == NOW + 300
    assert next_poll_time(NOW, interval=0, min_interval=300, max_age=5) == NOW + 300


def test_cache_control_max_age_is_honoured_and_capped() -> None:
    assert next_poll_time(NOW, interval=1800, min_interval=300, max_age=7200) == NOW + 7200
    assert next_poll_time(NOW, interval=1800, min_interval=300, max_age=60) == NOW + 1800
    capped = next_poll_time(NOW, interval=1800, min_interval=300, max_age=30 * 86_400)
    assert capped == NOW + MAX_AGE_CAP


def test_retry_after_is_honoured_and_capped() -> None:
    assert next_poll_time(NOW, interval=1800, min_interval=300, retry_after=5000) == NOW + 5000
    assert next_poll_time(NOW, interval=1800, min_interval=300, retry_after=30) == NOW + 1800
    # Retry-After outranks the backoff cap, up to its own cap
    waited = next_poll_time(
        NOW, interval=1800, min_interval=300, retry_after=3 * 86_400, failures=1
    )
    assert waited == NOW + 3 * 86_400
    assert (
        next_poll_time(NOW, interval=60, min_interval=60, retry_after=1e9) == NOW + RETRY_AFTER_CAP
    )


def test_jitter_only_delays_and_is_deterministic() -> None:
    plain = next_poll_time(NOW, interval=1800, min_interval=300, retry_after=4000)
    results = set()
    for n in range(200):
        t = next_poll_time(NOW, interval=1800, min_interval=300, retry_after=4000, jitter_seed=n)
        assert plain <= t <= plain + min(0.1 * 4000, JITTER_MAX)
        assert t == next_poll_time(NOW, interval=1800, min_interval=300, retry_after=4000,
                                   jitter_seed=n)  # fmt: skip
        results.add(t)
    assert len(results) > 150  # different feeds get different jitter
    huge = next_poll_time(NOW, interval=1800, min_interval=300, failures=20, jitter_seed="x")
    assert NOW + MAX_BACKOFF <= huge <= NOW + MAX_BACKOFF + JITTER_MAX


@settings(max_examples=300, deadline=None)
@given(
    interval=st.floats(0, 10 * 86_400),
    min_interval=st.floats(0, 86_400),
    max_age=st.one_of(st.none(), st.floats(-10, 1e8)),
    retry_after=st.one_of(st.none(), st.floats(-10, 1e8)),
    failures=st.integers(0, 1000),
    seed=st.one_of(st.none(), st.text(max_size=20)),
)
def test_next_poll_time_floors_hold(
    interval: float,
    min_interval: float,
    max_age: float | None,
    retry_after: float | None,
    failures: int,
    seed: str | None,
) -> None:
    t = next_poll_time(NOW, interval=interval, min_interval=min_interval, max_age=max_age,
                       retry_after=retry_after, failures=failures, jitter_seed=seed)  # fmt: skip
    assert t >= NOW + min_interval
    if retry_after and retry_after > 0:
        assert t >= NOW + min(retry_after, RETRY_AFTER_CAP)
    if max_age and max_age > 0:
        assert t >= NOW + min(max_age, MAX_AGE_CAP)
    ceiling = max(interval, MAX_BACKOFF, min_interval, min(retry_after or 0, RETRY_AFTER_CAP))
    assert t <= NOW + ceiling + JITTER_MAX


def test_should_pause() -> None:
    assert not should_pause(9, 10)
    assert should_pause(10, 10) and should_pause(11, 10)
    assert not should_pause(1000, 0)  # 0 disables pausing


def test_poll_offset_is_stable_and_in_range() -> None:
    url = "https://dramanotes.example/feed/"
    assert poll_offset(url, 1800) == poll_offset(url, 1800)
    assert 0 <= poll_offset(url, 1800) < 1800
    assert poll_offset(url, 0) == 0
    assert first_poll_time(NOW, url, 1800) == NOW + poll_offset(url, 1800)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), interval=st.sampled_from([300.0, 1800.0, 3600.0, 86_400.0]))
def test_offsets_of_many_urls_spread_over_the_interval(seed: int, interval: float) -> None:
    rng = random.Random(seed)
    urls = {f"https://site{rng.randrange(10**9)}.example/feed/{n}" for n in range(1000)}
    offsets = [poll_offset(u, interval) for u in urls]
    assert all(0 <= o < interval for o in offsets)
    buckets = [0] * 10
    for o in offsets:
        buckets[int(o / interval * 10)] += 1
    expected = len(offsets) / 10
    assert all(0.6 * expected < b < 1.4 * expected for b in buckets), buckets


# --------------------------------------------------------------------------- DueQueue


def test_due_queue_orders_and_pops_due() -> None:
    q = DueQueue()
    assert q.next_due() is None and q.pop_due(NOW) == [] and len(q) == 0
    q.push(3, NOW + 30)
    q.push(1, NOW + 10)
    q.push(2, NOW + 20)
    q.push(4, NOW + 10)  # same time as feed 1: comes after it
    assert q.next_due() == NOW + 10
    assert q.pop_due(NOW + 5) == []
    assert q.pop_due(NOW + 20) == [1, 4, 2]
    assert q.pop_due(NOW + 100) == [3]
    assert len(q) == 0 and q.next_due() is None


def test_due_queue_reschedule_remove_and_limit() -> None:
    q = DueQueue()
    for fid in range(5):
        q.push(fid, NOW + fid)
    q.reschedule(0, NOW + 100)  # moves feed 0 to the back
    q.push(4, NOW - 1)  # pushing again replaces the old time
    assert len(q) == 5 and q.due_time(4) == NOW - 1 and 4 in q
    assert q.remove(2) and not q.remove(2) and 2 not in q
    assert list(q) == [(NOW - 1, 4), (NOW + 1, 1), (NOW + 3, 3), (NOW + 100, 0)]
    assert q.pop_due(NOW + 50, limit=2) == [4, 1]
    assert q.pop_due(NOW + 50) == [3]
    assert q.next_due() == NOW + 100 and q.due_time(2) is None


def test_due_queue_with_fake_clock_simulation() -> None:
    """A poller loop on a fake clock: every feed is polled on time, never twice at once."""
    q = DueQueue()
    intervals = {fid: 300.0 * (1 + fid % 4) for fid in range(40)}
    for fid, interval in intervals.items():
        q.push(fid, first_poll_time(0.0, f"https://f{fid}.example/", interval))
    polls: dict[int, list[float]] = {fid: [] for fid in intervals}
    clock = 0.0
    while (due := q.next_due()) is not None and due <= 6 * 3600:
        clock = due
        for fid in q.pop_due(clock):
            polls[fid].append(clock)
            q.push(fid, next_poll_time(clock, interval=intervals[fid], min_interval=300))
    for fid, times in polls.items():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert gaps and all(g == pytest.approx(intervals[fid]) for g in gaps)


def test_due_queue_stays_compact_under_churn() -> None:
    q = DueQueue()
    for n in range(10_000):
        q.push(n % 10, NOW + n)
    assert len(q) == 10
    assert len(q._heap) <= 2 * 64  # stale entries are dropped as they pile up
    assert q.pop_due(NOW + 10_000) == list(range(10))
