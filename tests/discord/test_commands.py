"""Every question command, as a prefix command and as a slash command, against the fake Discord."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.client import ReviewBot
from bot.commands import COMMANDS, help_text, run_command
from bot.render import Card, render
from tests.discord.conftest import start_bot
from tests.discord.helpers import ask_one, embed_of, same_embed, slash
from tests.fakediscord import FakeDiscord

# (command, argument) pairs covering every question command; answers are computed by the service
QUESTIONS = [
    ("review", "Animal (film)"),
    ("cast", "Ensemble Story"),
    ("cast", "Mira Sol"),
    ("related", "Chaiwala Commando 2"),
    ("search", "Animal"),
    ("latest", "3"),
]
NAME_RE = re.compile(r"^[-_\w]{1,32}$")


async def expected_first_card(bot: ReviewBot, command: str, argument: str) -> Card:
    return render(await run_command(bot.review_service, command, argument))[0]


async def test_every_question_command_as_prefix_command(fake: FakeDiscord, bot: ReviewBot) -> None:
    for command, argument in QUESTIONS:
        reply = await ask_one(fake, f"!{command} {argument}")
        card = await expected_first_card(bot, command, argument)
        assert same_embed(embed_of(reply), card), (command, argument, reply["embeds"])
        assert reply["message_reference"]["message_id"]  # a reply to the question


async def test_every_question_command_as_slash_command(fake: FakeDiscord, bot: ReviewBot) -> None:
    for command, argument in QUESTIONS:
        option = COMMANDS[command].argument
        assert option is not None
        value: Any = int(argument) if command == "latest" else argument
        record = await slash(fake, command, {option: value})
        assert record.response_type == 4
        card = await expected_first_card(bot, command, argument)
        assert same_embed(embed_of(record.messages[0]), card), (command, record.messages)
        assert not record.ephemeral  # answers are for everyone


async def test_aliases_answer_like_the_command(fake: FakeDiscord, bot: ReviewBot) -> None:
    for command, argument in (("review", "Animal (series)"), ("cast", "Mira Sol")):
        card = await expected_first_card(bot, command, argument)
        for alias in COMMANDS[command].aliases:
            reply = await ask_one(fake, f"!{alias} {argument}")
            assert same_embed(embed_of(reply), card), alias
    shouting = await ask_one(fake, "!REVIEW   Animal (series)")
    assert same_embed(
        embed_of(shouting), await expected_first_card(bot, "review", "Animal (series)")
    )


async def test_help_both_forms(fake: FakeDiscord, bot: ReviewBot) -> None:
    reply = await ask_one(fake, "!help")
    assert embed_of(reply)["description"] == help_text("!")
    record = await slash(fake, "help", {"command": "cast"})
    assert embed_of(record.messages[0])["description"] == help_text("!", "cast")
    for name in COMMANDS:
        assert f"!{COMMANDS[name].usage}" in help_text("!")


async def test_latest_default_and_range(fake: FakeDiscord, bot: ReviewBot) -> None:
    reply = await ask_one(fake, "!latest")
    assert same_embed(embed_of(reply), render(await bot.review_service.latest(10))[0])
    too_many = await ask_one(fake, "!latest 9999")
    assert "1 to 50" in too_many["content"]
    not_number = await ask_one(fake, "!latest lots")
    assert "Usage: !latest" in not_number["content"]


async def test_autocomplete_titles_people_and_help(fake: FakeDiscord, bot: ReviewBot) -> None:
    service = bot.review_service
    choices = await fake.autocomplete("review", {"title": "Anim"})
    assert [c["value"] for c in choices] == await service.complete_titles("Anim", 25)
    assert "Animal" in [c["value"] for c in choices]
    related = await fake.autocomplete("related", {"title": "chaiwala"})
    assert [c["value"] for c in related] == (await service.complete_titles("chaiwala", 25))[:25]
    people = await fake.autocomplete("cast", {"query": "Mira"})
    assert "Mira Sol" in [c["value"] for c in people]
    everything = await fake.autocomplete("review", {"title": ""})
    huge = await fake.autocomplete("cast", {"query": "x" * 4000})
    commands = await fake.autocomplete("help", {"command": "re"})
    assert {c["value"] for c in commands} == {"review", "related"}
    for answer in (choices, related, people, everything, huge, commands):
        assert len(answer) <= 25
        assert all(0 < len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in answer)


async def test_command_definitions_within_discord_limits(fake: FakeDiscord, bot: ReviewBot) -> None:
    synced = fake.commands[None]  # what Discord received
    assert {c["name"] for c in synced} >= set(COMMANDS) | {"config"}

    def check(command: dict[str, Any], depth: int = 0) -> None:
        assert NAME_RE.match(command["name"]) and command["name"] == command["name"].lower()
        assert 1 <= len(command["description"]) <= 100, command["name"]
        options = command.get("options", [])
        assert len(options) <= 25
        assert len({o["name"] for o in options}) == len(options)
        for option in options:
            if option["type"] in (1, 2):  # subcommand (group)
                check(option, depth + 1)
                continue
            assert NAME_RE.match(option["name"]) and option["name"] == option["name"].lower()
            assert 1 <= len(option["description"]) <= 100, (command["name"], option["name"])
            assert len(option.get("choices", [])) <= 25

    for command in synced:
        check(command)
    for name, spec in COMMANDS.items():
        slash_command = next(c for c in synced if c["name"] == name)
        assert slash_command["description"] == spec.description
        if spec.argument:
            option = slash_command["options"][0]
            assert (option["name"], option["description"]) == (
                spec.argument,
                spec.argument_description,
            )
            assert option["required"] == spec.required
    # prefix side: every name and alias is unique across all commands
    seen: list[str] = []
    for command in bot.walk_commands():
        seen += [
            command.qualified_name,
            *(f"{command.full_parent_name} {a}".strip() for a in command.aliases),
        ]
    assert len(seen) == len(set(seen))
    for name, spec in COMMANDS.items():
        command = bot.get_command(name)
        assert command is not None and tuple(command.aliases) == spec.aliases


async def test_unknown_prefix_commands_are_ignored(fake: FakeDiscord, bot: ReviewBot) -> None:
    for text in ("!nosuchcommand Animal", "!", "!!!", "!revie Animal", "!config2", "hello !review"):
        await fake.say(text)
    reply = await ask_one(fake, "!help")  # the first bot message after all of them answers this
    assert embed_of(reply)["description"] == help_text("!")
    assert len(fake.messages[fake.channel("general").id]) == 1  # only the answer to !help


async def test_without_message_content_mentions_still_work(
    fake: FakeDiscord, db_path: Path
) -> None:
    async with start_bot(fake, db_path, message_content=False) as bot:
        assert not bot.intents.message_content
        assert fake.intents is not None and not fake.intents & (1 << 15)
        await fake.say("!review Animal (film)")  # content blanked by Discord: not seen
        reply = await ask_one(fake, f"{fake.mention('bot')} review Animal (film)")
        assert same_embed(
            embed_of(reply), await expected_first_card(bot, "review", "Animal (film)")
        )
        assert len(fake.messages[fake.channel("general").id]) == 1  # the blanked one got nothing
        record = await slash(fake, "cast", {"query": "Mira Sol"})
        assert same_embed(
            embed_of(record.messages[0]), await expected_first_card(bot, "cast", "Mira Sol")
        )
