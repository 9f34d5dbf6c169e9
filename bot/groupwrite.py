"""Group commit: writes that arrive while one is in progress go to storage together in the next.

A poll cycle finishes hundreds of feeds within milliseconds of each other. Writing each feed's
outcome in its own transaction makes SQLite commit (and FTS5 flush its index) hundreds of times;
a :class:`GroupWriter` hands every write that is waiting to one call of its ``write`` function
instead, so a cycle of 1,000 feeds costs a few dozen commits. Nothing is delayed on purpose: the
first write starts at the next turn of the event loop, and later ones queue only while a write is
running.

Each caller still gets its own answer (``write`` returns one per argument, in order); if ``write``
raises, every caller of that group gets the exception. Exactly-once delivery is unaffected: what had
to share a transaction (a review and its announcements) still does; a group only makes the
transaction bigger.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")


class GroupWriter(Generic[A, R]):
    """Batches concurrent ``submit`` calls into calls of ``write`` (see the module docstring)."""

    def __init__(self, write: Callable[[list[A]], Awaitable[Sequence[R]]]) -> None:
        self._write = write
        self._waiting: list[tuple[A, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, arg: A) -> R:
        """Write ``arg`` with whatever else is waiting; its own result."""
        waiter: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((arg, waiter))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await waiter

    async def _drain(self) -> None:
        group: list[tuple[A, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                await asyncio.sleep(0)  # let the callers finishing now join this group
                group, self._waiting = self._waiting, []
                try:
                    results = await self._write([arg for arg, _ in group])
                    if len(results) != len(group):
                        raise RuntimeError(
                            f"a group write returned {len(results)} results for {len(group)}"
                        )
                except Exception as exc:
                    for _, waiter in group:
                        if not waiter.done():
                            waiter.set_exception(exc)
                    continue
                for (_, waiter), result in zip(group, results, strict=True):
                    if not waiter.done():
                        waiter.set_result(result)
                group = []
        except asyncio.CancelledError:
            for _, waiter in group + self._waiting:  # shutting down: nobody waits forever
                waiter.cancel()
            self._waiting = []
            raise
