"""Group commits (bot/groupwrite.py): concurrent writes share one call of the write function."""

from __future__ import annotations

import asyncio

import pytest

from bot.groupwrite import GroupWriter


class Store:
    """A write function that records each group and can be held open."""

    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail_on: int | None = None

    async def write(self, batch: list[int]) -> list[int]:
        self.groups.append(batch)
        await self.gate.wait()
        if self.fail_on in batch:
            raise ValueError(f"cannot write {self.fail_on}")
        return [n * 10 for n in batch]


async def test_writes_arriving_together_share_one_call_and_get_their_own_answers() -> None:
    store = Store()
    writer = GroupWriter(store.write)
    answers = await asyncio.gather(*(writer.submit(n) for n in range(5)))
    assert answers == [0, 10, 20, 30, 40]
    assert store.groups == [[0, 1, 2, 3, 4]]


async def test_writes_arriving_during_a_write_go_together_in_the_next() -> None:
    store = Store()
    store.gate.clear()
    writer = GroupWriter(store.write)
    first = asyncio.ensure_future(writer.submit(1))
    await asyncio.sleep(0.01)  # the first write is now running (and held)
    later = [asyncio.ensure_future(writer.submit(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0.01)
    assert store.groups == [[1]]
    store.gate.set()
    assert await first == 10 and await asyncio.gather(*later) == [20, 30, 40]
    assert store.groups == [[1], [2, 3, 4]]


async def test_a_failed_write_fails_its_whole_group_and_the_writer_goes_on() -> None:
    store = Store()
    store.fail_on = 2
    writer = GroupWriter(store.write)
    results = await asyncio.gather(*(writer.submit(n) for n in (1, 2, 3)), return_exceptions=True)
    assert all(isinstance(r, ValueError) and "cannot write 2" in str(r) for r in results)
    assert await writer.submit(5) == 50  # the next group is written normally


async def test_a_write_answering_the_wrong_number_of_results_is_an_error() -> None:
    async def short(batch: list[int]) -> list[int]:
        return batch[:1]

    writer = GroupWriter(short)
    with pytest.raises(RuntimeError, match="returned 1 results for 2"):
        await asyncio.gather(writer.submit(1), writer.submit(2))


async def test_a_caller_that_gives_up_does_not_disturb_the_others() -> None:
    store = Store()
    store.gate.clear()
    writer = GroupWriter(store.write)
    keep = asyncio.ensure_future(writer.submit(1))
    drop = asyncio.ensure_future(writer.submit(2))
    await asyncio.sleep(0.01)
    drop.cancel()
    store.gate.set()
    assert await keep == 10
    with pytest.raises(asyncio.CancelledError):
        await drop
