"""Page buttons and the ambiguity / "did you mean" select, clicked through the fake Discord."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.client import ReviewBot
from bot.commands import run_command
from bot.errors import Ambiguous, NotFound, ReviewBotError
from bot.render import render
from tests.discord.conftest import TEST_OPTIONS, start_bot
from tests.discord.helpers import ask_one, component, custom_ids, embed_of, same_embed, slash
from tests.fakediscord import FakeDiscord

EPHEMERAL = 1 << 6


async def test_paging_buttons_only_for_the_invoker(fake: FakeDiscord, bot: ReviewBot) -> None:
    cards = render(await bot.review_service.cast("Ensemble Story"))
    assert len(cards) > 2
    message = await ask_one(fake, "!cast Ensemble Story")
    assert same_embed(embed_of(message), cards[0])
    assert custom_ids(message) == ["rb:prev", "rb:pos", "rb:next"]
    assert component(message, "rb:prev")["disabled"] is True

    turn = await fake.click(message, "rb:next")
    await fake.wait_for_interaction_response(turn)
    assert turn.response_type == 7  # the message itself is updated
    assert same_embed(embed_of(turn.original or {}), cards[1])
    assert component(turn.original or {}, "rb:prev")["disabled"] is False

    other = await fake.click(message, "rb:next", author="moderator")
    await fake.wait_for_interaction_response(other)
    assert other.response_type == 4 and int(other.callback["data"]["flags"]) & EPHEMERAL  # type: ignore[index]
    assert "Only the person who asked" in str(other.content)
    assert same_embed(embed_of(fake.message_index[int(message["id"])]), cards[1])  # unchanged

    for _ in range(len(cards) + 2):  # pressing past the end stays on the last page
        press = await fake.click(message, "rb:next")
        await fake.wait_for_interaction_response(press)
    last = fake.message_index[int(message["id"])]
    assert same_embed(embed_of(last), cards[-1])
    assert component(last, "rb:next")["disabled"] is True
    back = await fake.click(message, "rb:prev")
    await fake.wait_for_interaction_response(back)
    assert same_embed(embed_of(back.original or {}), cards[-2])


async def test_slash_answer_pages_too(fake: FakeDiscord, bot: ReviewBot) -> None:
    cards = render(await bot.review_service.cast("Ensemble Story"))
    record = await slash(fake, "cast", {"query": "Ensemble Story"})
    shown = record.messages[0]
    assert same_embed(embed_of(shown), cards[0])
    turn = await fake.click(shown, "rb:next")
    await fake.wait_for_interaction_response(turn)
    assert same_embed(embed_of(turn.original or {}), cards[1])


async def test_buttons_are_disabled_when_the_view_times_out(
    fake: FakeDiscord, db_path: Path
) -> None:
    options = dataclasses.replace(TEST_OPTIONS, view_timeout=0.3)
    async with start_bot(fake, db_path, options=options):
        message = await ask_one(fake, "!cast Ensemble Story")
        await fake.wait_for(
            lambda: any(mid == int(message["id"]) for mid, _ in fake.edits), 5, "the timeout edit"
        )
        edited = fake.message_index[int(message["id"])]
        assert custom_ids(edited) == ["rb:prev", "rb:pos", "rb:next"]
        assert all(component(edited, cid)["disabled"] for cid in custom_ids(edited))


async def expected_choices(bot: ReviewBot, command: str, argument: str) -> list[str]:
    with pytest.raises(ReviewBotError) as info:
        await run_command(bot.review_service, command, argument)
    error = info.value
    assert isinstance(error, Ambiguous | NotFound)
    return error.choices if isinstance(error, Ambiguous) else error.suggestions


async def test_ambiguous_title_offers_a_select_that_answers(
    fake: FakeDiscord, bot: ReviewBot
) -> None:
    choices = await expected_choices(bot, "review", "Animal")
    assert len(choices) == 2
    message = await ask_one(fake, "!review Animal")
    select = component(message, "rb:choice")
    assert [o["label"] for o in select["options"]] == choices

    stranger = await fake.click(message, "rb:choice", values=["1"], author="moderator")
    await fake.wait_for_interaction_response(stranger)
    assert stranger.response_type == 4 and "Only the person who asked" in str(stranger.content)

    pick = await fake.click(message, "rb:choice", values=["1"])
    await fake.wait_for_interaction_response(pick)
    assert pick.response_type == 7
    answer = render(await run_command(bot.review_service, "review", choices[1]))[0]
    assert same_embed(embed_of(pick.original or {}), answer)
    assert custom_ids(pick.original or {}) == []  # the select is gone once answered


async def test_slash_ambiguity_and_did_you_mean(fake: FakeDiscord, bot: ReviewBot) -> None:
    choices = await expected_choices(bot, "related", "Animal")
    record = await slash(fake, "related", {"title": "Animal"})
    shown = record.messages[0]
    assert [o["label"] for o in component(shown, "rb:choice")["options"]] == choices
    pick = await fake.click(shown, "rb:choice", values=["0"])
    await fake.wait_for_interaction_response(pick)
    answer = render(await run_command(bot.review_service, "related", choices[0]))[0]
    assert same_embed(embed_of(pick.original or {}), answer)

    typo = "Ensembel"  # a miss: "did you mean" suggestions, offered as a select
    suggestions = await expected_choices(bot, "review", typo)
    assert suggestions
    message = await ask_one(fake, f"!review {typo}")
    select = component(message, "rb:choice")
    assert select["placeholder"] == "Did you mean…"
    assert [o["label"] for o in select["options"]] == suggestions[:25]
    pick = await fake.click(message, "rb:choice", values=["0"])
    await fake.wait_for_interaction_response(pick)
    answer = render(await run_command(bot.review_service, "review", suggestions[0]))[0]
    assert same_embed(embed_of(pick.original or {}), answer)
