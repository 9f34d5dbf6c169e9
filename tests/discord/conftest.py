"""Fixtures for the Discord end-to-end tests: a review database, the fake Discord, and a running bot.

The database is the bundled demo feed (fictional reviews, ingested through the normal pipeline) plus a
few items stored through ``Storage.ingest`` to set up situations on purpose: two works called "Animal"
(ambiguity), a 40-person cast (paging), and feed text full of mentions (mention safety).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.client import BotOptions, ReviewBot, build_bot
from bot.config import Config, DiscordConfig
from bot.demo import build_demo_db
from bot.models import CastMember, Extraction, FeedEntry
from bot.storage import SQLiteStorage, open_storage
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import running_bot

TOKEN = "fake-bot-token"
TEST_OPTIONS = BotOptions(cooldown_rate=1000, cooldown_per=1.0, reidentify_delay=0)
MENTION_TEXT = "Fans @everyone and @here, also <@&{role}> and <@{user}> — **bold** `code`"
BIG_CAST = [f"Actor Number{i:02d} Lastname" for i in range(1, 41)]


def _entry(title: str, n: int) -> FeedEntry:
    return FeedEntry(
        title=title,
        content=title,
        link=f"https://example.invalid/{n}",
        guid=f"test-{n}",
        published=datetime(2024, 1, n, tzinfo=UTC),
        categories=("Reviews",),
    )


def extra_items() -> list[tuple[FeedEntry, Extraction]]:
    """Hand-made extractions that set up ambiguity, paging and mention injection."""
    items = []
    animal_film = Extraction(
        headline="Animal review: a loud film", is_review=True, title="Animal", kind="film",
        cast=(CastMember("Rana Kapoor", "Vijay"),), director="Sandeep Roy", rating=2.5, summary="Loud and long.",
    )  # fmt: skip
    animal_series = Extraction(
        headline="Animal review: a quiet series", is_review=True, title="Animal", kind="series",
        cast=(CastMember("Mira Sol", "Dr. Han"),), director="Ana Park", rating=4.0, summary="Quiet and kind.",
    )  # fmt: skip
    ensemble = Extraction(
        headline="Ensemble Story review: everybody is in it", is_review=True, title="Ensemble Story",
        kind="series", cast=tuple(CastMember(name, f"Role {i}") for i, name in enumerate(BIG_CAST)),
        rating=3.0, summary="A crowded show.", director="Lee Min",
    )  # fmt: skip
    trap = Extraction(
        headline="Mention Trap review @everyone",
        is_review=True,
        title="Mention Trap",
        kind="film",
        cast=(CastMember("@everyone", "@here"),),
        rating=1.0,
        director="@here",
        summary=MENTION_TEXT.format(role=123456789012345678, user=223456789012345678),
    )
    for n, extraction in enumerate((animal_film, animal_series, ensemble, trap), start=1):
        entry = _entry(extraction.headline, n)
        items.append(
            (
                entry,
                replace(
                    extraction,
                    url=entry.link,
                    published=entry.published,
                    categories=entry.categories,
                ),
            )
        )
    return items


async def build_test_db(path: Path) -> None:
    """The demo database plus ``extra_items``."""
    await build_demo_db(path)
    storage = await open_storage(path)
    try:
        for entry, extraction in extra_items():
            assert entry.guid is not None
            await storage.ingest("test:extra", entry.guid, entry.guid, entry, extraction)
    finally:
        await storage.close()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("discord-db") / "template.db"
    asyncio.run(build_test_db(path))
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A private copy of the test database."""
    target = tmp_path / "reviews.db"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


def bot_config(fake: FakeDiscord, **discord: Any) -> Config:
    """A config pointing the bot at ``fake``."""
    settings = {"token": TOKEN, "api_base_url": fake.api_base, "gateway_url": fake.gateway_url}
    settings.update(discord)
    return Config(discord=DiscordConfig(**settings))


@asynccontextmanager
async def start_bot(
    fake: FakeDiscord,
    db_path: Path,
    *,
    options: BotOptions = TEST_OPTIONS,
    **discord: Any,
) -> AsyncIterator[ReviewBot]:
    """Open the database, build the bot the way ``run_bot`` does, run it against ``fake``."""
    storage = await open_storage(db_path)
    assert isinstance(storage, SQLiteStorage)
    try:
        bot = build_bot(bot_config(fake, **discord), storage, options=options)
        async with running_bot(fake, bot, token=TOKEN):
            yield bot
    finally:
        await storage.close()


@pytest.fixture
async def bot(fake: FakeDiscord, db_path: Path) -> AsyncIterator[ReviewBot]:
    async with start_bot(fake, db_path) as running:
        yield running
