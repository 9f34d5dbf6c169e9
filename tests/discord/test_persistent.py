"""Buttons and selects that survive a restart (``cogs.paging``, ``cogs.choices``).

Each end-to-end test posts an answer with one bot instance, closes it, starts a new one on the same
database file and the same fake Discord, and clicks: the new instance knows nothing but the custom_id and
the database. The custom_id codec and the answer rebuilding are also checked directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.client import ReviewBot
from bot.commands import run_command
from bot.errors import NotFound
from bot.render import render
from bot.services import ReviewService
from bot.storage import open_storage
from cogs.components import DYNAMIC_ITEMS
from cogs.paging import (
    CUSTOM_ID_MAX,
    EXPIRED,
    AnswerRef,
    id_length,
    page_custom_id,
    parse_page_id,
    text_room,
)
from cogs.reviews import answer_ref, rebuild_answer
from tests.discord.conftest import start_bot
from tests.discord.feedsite import FeedSite
from tests.discord.helpers import (
    ask_one,
    choice_id,
    component,
    embed_of,
    option_value,
    page_button,
    page_buttons,
    same_embed,
    slash,
    turn,
)
from tests.discord.test_feeds import feed_bot
from tests.fakediscord import FakeDiscord
from tests.fakediscord.payloads import message_payload

JSON = dict[str, Any]
EPHEMERAL = 1 << 6


def private_note(record: Any) -> str:
    """The text of an ephemeral message answering a click (asserting that it is one)."""
    assert record.response_type == 4, record.callback
    assert int(record.callback["data"]["flags"]) & EPHEMERAL
    return str(record.content)


def delete_work(db: Path, title: str) -> None:
    """Remove a work and its reviews from the database, as a cleanup of bad data would."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("PRAGMA foreign_keys = ON")
            (work_id,) = conn.execute("SELECT id FROM works WHERE title = ?", (title,)).fetchone()
            conn.execute(
                "DELETE FROM mentions WHERE from_work_id = ? OR to_work_id = ?", (work_id, work_id)
            )
            conn.execute("DELETE FROM credits WHERE work_id = ?", (work_id,))
            conn.execute("DELETE FROM reviews WHERE work_id = ?", (work_id,))
            conn.execute("DELETE FROM works WHERE id = ?", (work_id,))
    finally:
        conn.close()


# --------------------------------------------------------------------------- end to end


async def test_buttons_and_selects_work_after_a_restart(fake: FakeDiscord, db_path: Path) -> None:
    async with start_bot(fake, db_path):
        typed = await ask_one(fake, "!cast Ensemble Stroy")  # a typo, corrected
        slashed = (await slash(fake, "cast", {"query": "Ensemble Story"})).messages[0]
        ambiguous = await ask_one(fake, "!review Animal")
    assert page_buttons(typed) == ["prev", "pos", "next"]

    async with start_bot(fake, db_path) as second:  # a new process would know no more than this
        corrected = render(await second.review_service.cast("Ensemble Stroy"))
        plain = render(await second.review_service.cast("Ensemble Story"))
        assert "closest match" in corrected[1].description  # the typed words matter on page 2

        turned = await turn(fake, typed, "next")
        assert turned.response_type == 7
        shown = turned.original or {}
        assert same_embed(embed_of(shown), corrected[1])
        assert component(shown, page_button(shown, "pos"))["label"] == f"2/{len(corrected)}"
        again = await turn(fake, typed, "next")
        assert same_embed(embed_of(again.original or {}), corrected[2])
        back = await turn(fake, typed, "prev")
        assert same_embed(embed_of(back.original or {}), corrected[1])

        other = await turn(fake, slashed, "next", author="moderator")  # still only the asker
        assert "Only the person who asked" in private_note(other)
        mine = await turn(fake, slashed, "next")
        assert same_embed(embed_of(mine.original or {}), plain[1])

        select = component(ambiguous, choice_id(ambiguous))
        label = str(select["options"][1]["label"])
        pick = await fake.click(ambiguous, choice_id(ambiguous), values=[option_value(select, 1)])
        await fake.wait_for_interaction_response(pick)
        assert pick.response_type == 7
        answer = render(await run_command(second.review_service, "review", label))[0]
        assert same_embed(embed_of(pick.original or {}), answer)


async def test_the_bot_keeps_nothing_per_message(fake: FakeDiscord, bot: ReviewBot) -> None:
    message = await ask_one(fake, "!cast Ensemble Story")
    await turn(fake, message, "next")
    await ask_one(fake, "!review Animal")
    # discord.py's view store (private, but it is where per-message views would pile up): only the
    # dynamic item classes are registered; no view is held for any message
    store = bot._connection._view_store
    assert not store._views and not store._synced_message_views
    assert set(store._dynamic_items.values()) == set(DYNAMIC_ITEMS)


async def test_an_answer_that_is_gone_gets_a_private_note(fake: FakeDiscord, db_path: Path) -> None:
    async with start_bot(fake, db_path):
        message = await ask_one(fake, "!cast Ensemble Story")
    before = embed_of(message)
    delete_work(db_path, "Ensemble Story")
    async with start_bot(fake, db_path):
        click = await turn(fake, message, "next")
        note = private_note(click)
        assert "can't rebuild that answer" in note and "Ask the question again" in note
        stored = fake.message_index[int(message["id"])]
        assert embed_of(stored) == before  # the message is left as it was
        assert page_buttons(stored) == ["prev", "pos", "next"]


async def test_an_old_message_shows_the_answer_as_it_is_now(
    fake: FakeDiscord, db_path: Path
) -> None:
    async with start_bot(fake, db_path):
        message = await ask_one(fake, "!cast Ensemble Story")
    conn = sqlite3.connect(db_path)
    try:
        with conn:  # the cast shrinks to one page while the bot is down
            conn.execute(
                "DELETE FROM credits WHERE work_id = (SELECT id FROM works WHERE title = ?)"
                " AND billing > 3",
                ("Ensemble Story",),
            )
    finally:
        conn.close()
    async with start_bot(fake, db_path) as bot:
        now = render(await bot.review_service.cast("Ensemble Story"))
        assert len(now) == 1
        click = await turn(fake, message, "next")  # page 2 no longer exists
        assert click.response_type == 7
        assert same_embed(embed_of(click.original or {}), now[0])
        assert page_buttons(click.original or {}) == []  # one page: no buttons


async def test_buttons_from_older_versions_say_they_expired(
    fake: FakeDiscord, db_path: Path
) -> None:
    async with start_bot(fake, db_path):
        channel = fake.world.channel("general")
        button = {"type": 2, "style": 2, "label": "Next ▶", "custom_id": "rb:next"}
        select = {"type": 3, "custom_id": "rb:choice", "options": [{"label": "A", "value": "0"}]}
        old = message_payload(
            fake.world,
            channel,
            fake.world.bot_user,
            {
                "embeds": [{"title": "Cast of Something"}],
                "components": [
                    {"type": 1, "components": [button]},
                    {"type": 1, "components": [select]},
                ],
            },
        )
        fake.store_message(channel.id, old, bot_send=True)
        press = await fake.click(old, "rb:next")
        pick = await fake.click(old, "rb:choice", values=["0"])
        for record in (press, pick):
            await fake.wait_for_interaction_response(record)
            assert private_note(record) == EXPIRED
        assert fake.message_index[int(old["id"])]["components"] == old["components"]


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    async with FeedSite() as server:
        server.add_review("Moonlit Harbour")
        yield server


async def test_the_feed_list_pages_after_a_restart(
    fake: FakeDiscord, db_path: Path, site: FeedSite
) -> None:
    guild = fake.world.guild()
    channels = [fake.world.add_channel(guild, f"fans-{i}") for i in range(7)]
    async with feed_bot(fake, db_path) as first:
        for channel in channels:
            await first.feed_service.add(guild.id, channel.id, site.url)  # type: ignore[union-attr]
        message = await ask_one(fake, "!feed list", author="moderator")
    async with feed_bot(fake, db_path):
        stranger = await turn(fake, message, "next", author="member")
        assert "Only the person who asked" in private_note(stranger)
        turned = await turn(fake, message, "next", author="moderator")
        second = embed_of(turned.original or {})
        assert [f["name"][:2] for f in second["fields"]] == ["6.", "7."]
        assert f"<#{channels[6].id}>" in second["fields"][1]["value"]
        assert second["footer"]["text"] == "Page 2/2"


# --------------------------------------------------------------------------- rebuilding answers


@pytest.fixture
async def service(db_path: Path) -> AsyncIterator[ReviewService]:
    storage = await open_storage(db_path)
    try:
        yield ReviewService(storage)
    finally:
        await storage.close()


@pytest.mark.parametrize(
    ("command", "argument", "kind"),
    [
        ("cast", "Ensemble Stroy", "c"),
        ("cast", "Lee Min", "p"),
        ("review", "Animal (series)", "r"),
        ("related", "Ensemble Story", "l"),
        ("search", "quiet", "s"),
        ("latest", "7", "n"),
    ],
)
async def test_a_ref_finds_the_same_answer_again(
    service: ReviewService, command: str, argument: str, kind: str
) -> None:
    answer = await run_command(service, command, argument)
    ref = answer_ref(argument, answer)
    assert ref.kind == kind
    assert render(await rebuild_answer(service, ref)) == render(answer)


async def test_a_ref_never_finds_another_answer(service: ReviewService) -> None:
    story = await service.cast("Ensemble Story")
    ref = answer_ref("Ensemble Story", story)
    assert isinstance(ref.ident, int)
    with pytest.raises(NotFound):  # the words now lead to a different work: refused
        await rebuild_answer(service, AnswerRef("c", ref.ident + 10_000, ref.text))
    # words that no longer resolve: the work is found again by its id and label
    renamed = await rebuild_answer(service, AnswerRef("c", ref.ident, "No Such Title At All"))
    assert render(renamed)[0].title == render(story)[0].title
    for gone in (AnswerRef("s"), AnswerRef("p", 1), AnswerRef("u"), AnswerRef("r")):
        with pytest.raises(NotFound):
            await rebuild_answer(service, gone)


# --------------------------------------------------------------------------- custom ids


def test_custom_ids_carry_the_state_and_fit() -> None:
    ref = AnswerRef.of("c", 42, "Ensemble: Story: Director's Cut")  # colons survive
    custom_id = page_custom_id("n", 3, 223456789012345678, ref)
    assert parse_page_id(custom_id) == ("n", 3, 223456789012345678, ref)
    long = "word " * 40
    assert AnswerRef.of("p", 7, long, "Short Name").text == "Short Name"  # first that fits
    assert AnswerRef.of("s", None, long).text == ""  # none fits: no text
    assert parse_page_id("rb:next") is None and parse_page_id("rb:pg:q:1:2:c::x") is None


@settings(max_examples=200, deadline=None)
@given(
    slot=st.sampled_from("pxn"),
    page=st.integers(0, 9999),
    owner=st.integers(0, 2**64 - 1),
    kind=st.sampled_from("rcplsnf"),
    ident=st.none() | st.integers(0, 2**63 - 1),
    text=st.text(max_size=120),
)
def test_any_state_round_trips_within_100_characters(
    slot: str, page: int, owner: int, kind: str, ident: int | None, text: str
) -> None:
    ref = AnswerRef.of(kind, ident, text)
    custom_id = page_custom_id(slot, page, owner, ref)
    assert id_length(custom_id) <= CUSTOM_ID_MAX
    assert parse_page_id(custom_id) == (slot, page, owner, ref)
    collapsed = " ".join(text.split())
    assert ref.text == (collapsed if id_length(collapsed) <= text_room(ident) else "")
