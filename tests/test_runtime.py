"""The event loop reviewbot runs on (bot/runtime.py): uvloop where installed, asyncio's otherwise."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot import runtime


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_run_uses_uvloop_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop", reason="uvloop does not build on this platform")
    monkeypatch.delenv(runtime.ENV, raising=False)
    assert runtime.loop_name() == "uvloop"
    assert runtime.run(_loop_module()).startswith("uvloop")


def test_the_environment_can_choose_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runtime.ENV, "asyncio")
    assert runtime.loop_name() == "asyncio"
    assert runtime.run(_loop_module()).startswith("asyncio")


def test_without_uvloop_auto_falls_back_and_a_demand_for_it_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # importing it now raises ImportError
    monkeypatch.delenv(runtime.ENV, raising=False)
    assert runtime.loop_name() == "asyncio"
    assert runtime.run(_loop_module()).startswith("asyncio")
    monkeypatch.setenv(runtime.ENV, "uvloop")
    with pytest.raises(RuntimeError, match="pip install uvloop"):
        runtime.loop_factory()
