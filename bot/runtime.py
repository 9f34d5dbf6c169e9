"""How reviewbot runs its event loop: uvloop where it is installed, asyncio's own loop otherwise.

uvloop (libuv under asyncio's API) roughly halves the event loop's share of a poll cycle: a cycle of
1,000 feeds answering 304 costs about 0.25 s of CPU on it against 0.45 s on the standard loop
(benchmarks/bench_poll.py). It is a dependency everywhere it builds (not on Windows). Set
``REVIEWBOT_EVENT_LOOP=asyncio`` to run on the standard loop, for example to rule uvloop out while
chasing a bug.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

ENV = "REVIEWBOT_EVENT_LOOP"


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop constructor to use (None: asyncio's default)."""
    choice = os.environ.get(ENV, "auto").strip().lower()
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise RuntimeError(
                f"{ENV}=uvloop, but uvloop is not installed: pip install uvloop, or unset {ENV}."
            ) from None
        return None
    return uvloop.new_event_loop


def loop_name() -> str:
    """'uvloop' or 'asyncio': what :func:`run` would use now."""
    return "asyncio" if loop_factory() is None else "uvloop"


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the chosen event loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
