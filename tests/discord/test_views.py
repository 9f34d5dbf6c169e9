"""Page buttons and the ambiguity / "did you mean" select, clicked through the fake Discord."""

from __future__ import annotations

import pytest

from bot.client import ReviewBot
from bot.commands import run_command
from bot.errors import Ambiguous, NotFound, ReviewBotError
from bot.render import render
from tests.discord.helpers import (
    ask_one,
    choice_id,
    component,
    custom_ids,
    embed_of,
    option_value,
    page_button,
    page_buttons,
    same_embed,
    slash,
    turn,
)
from tests.fakediscord import FakeDiscord

EPHEMERAL = 1 << 6


async def test_paging_buttons_only_for_the_invoker(fake: FakeDiscord, bot: ReviewBot) -> None:
    cards = render(await bot.review_service.cast("Ensemble Story"))
    assert len(cards) > 2
    message = await ask_one(fake, "!cast Ensemble Story")
    assert same_embed(embed_of(message), cards[0])
    assert page_buttons(message) == ["prev", "pos", "next"]
    assert component(message, page_button(message, "prev"))["disabled"] is True
    assert component(message, page_button(message, "pos"))["label"] == f"1/{len(cards)}"

    turned = await turn(fake, message, "next")
    assert turned.response_type == 7  # the message itself is updated
    shown = turned.original or {}
    assert same_embed(embed_of(shown), cards[1])
    assert component(shown, page_button(shown, "prev"))["disabled"] is False
    assert component(shown, page_button(shown, "pos"))["label"] == f"2/{len(cards)}"

    other = await turn(fake, message, "next", author="moderator")
    assert other.response_type == 4 and int(other.callback["data"]["flags"]) & EPHEMERAL  # type: ignore[index]
    assert "Only the person who asked" in str(other.content)
    assert same_embed(embed_of(fake.message_index[int(message["id"])]), cards[1])  # unchanged

    for _ in range(len(cards) - 2):
        await turn(fake, message, "next")
    last = fake.message_index[int(message["id"])]
    assert same_embed(embed_of(last), cards[-1])
    assert component(last, page_button(last, "next"))["disabled"] is True
    pressed = await fake.click(last, page_button(last, "next"))  # a stale client presses it anyway
    await fake.wait_for_interaction_response(pressed)
    assert same_embed(embed_of(pressed.original or {}), cards[-1])  # stays on the last page
    back = await turn(fake, message, "prev")
    assert same_embed(embed_of(back.original or {}), cards[-2])


async def test_slash_answer_pages_too(fake: FakeDiscord, bot: ReviewBot) -> None:
    cards = render(await bot.review_service.cast("Ensemble Story"))
    record = await slash(fake, "cast", {"query": "Ensemble Story"})
    shown = record.messages[0]
    assert same_embed(embed_of(shown), cards[0])
    turned = await turn(fake, shown, "next")
    assert same_embed(embed_of(turned.original or {}), cards[1])


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
    pick_id = choice_id(message)
    select = component(message, pick_id)
    assert [o["label"] for o in select["options"]] == choices

    stranger = await fake.click(
        message, pick_id, values=[option_value(select, 1)], author="moderator"
    )
    await fake.wait_for_interaction_response(stranger)
    assert stranger.response_type == 4 and "Only the person who asked" in str(stranger.content)

    pick = await fake.click(message, pick_id, values=[option_value(select, 1)])
    await fake.wait_for_interaction_response(pick)
    assert pick.response_type == 7
    answer = render(await run_command(bot.review_service, "review", choices[1]))[0]
    assert same_embed(embed_of(pick.original or {}), answer)
    assert custom_ids(pick.original or {}) == []  # the select is gone once answered


async def test_slash_ambiguity_and_did_you_mean(fake: FakeDiscord, bot: ReviewBot) -> None:
    choices = await expected_choices(bot, "related", "Animal")
    record = await slash(fake, "related", {"title": "Animal"})
    shown = record.messages[0]
    select = component(shown, choice_id(shown))
    assert [o["label"] for o in select["options"]] == choices
    pick = await fake.click(shown, choice_id(shown), values=[option_value(select, 0)])
    await fake.wait_for_interaction_response(pick)
    answer = render(await run_command(bot.review_service, "related", choices[0]))[0]
    assert same_embed(embed_of(pick.original or {}), answer)

    typo = "Ensembel"  # a miss: "did you mean" suggestions, offered as a select
    suggestions = await expected_choices(bot, "review", typo)
    assert suggestions
    message = await ask_one(fake, f"!review {typo}")
    select = component(message, choice_id(message))
    assert select["placeholder"] == "Did you mean…"
    assert [o["label"] for o in select["options"]] == suggestions[:25]
    pick = await fake.click(message, choice_id(message), values=[option_value(select, 0)])
    await fake.wait_for_interaction_response(pick)
    answer = render(await run_command(bot.review_service, "review", suggestions[0]))[0]
    assert same_embed(embed_of(pick.original or {}), answer)
