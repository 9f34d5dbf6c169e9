"""The "which one did you mean?" select, persistent like the page buttons (see ``cogs.paging``).

An ambiguous or unknown title is answered with a select of candidates. Its custom_id
(``rb:pick:<owner>:<command>``) says who asked and which command to answer, and each option's value
carries the candidate itself (``cogs.ui.select_options``), so a pick is answered from the message alone:
after a restart too. The command's cog (a ``ChoiceResponder``) answers in place of the question. The
select never times out; only the person who asked may pick.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import discord

from bot.text import truncate
from cogs.ui import APOLOGY, answer_privately, only_owner, option_choice, select_options

log = logging.getLogger("reviewbot.choices")

CHOICE_TEMPLATE = re.compile(r"rb:pick:(?P<owner>\d{1,20}):(?P<command>[a-z]{1,32})")
PLACEHOLDER_MAX = 150
NOT_YOURS = "Only the person who asked can use this. Ask your own question to get yours."
STALE = "I can't answer that choice any more. Ask the question again."


@runtime_checkable
class ChoiceResponder(Protocol):
    """A cog that can answer a command for a candidate picked from a "did you mean" select."""

    async def answer_choice(
        self, interaction: discord.Interaction, command: str, choice: str
    ) -> None: ...


def responder_for(client: discord.Client, command: str) -> ChoiceResponder | None:
    """The loaded cog that answers ``command`` picks, if any."""
    get_command = getattr(client, "get_command", None)
    found = get_command(command) if get_command is not None else None
    cog = getattr(found, "cog", None)
    return cog if isinstance(cog, ChoiceResponder) else None


class ChoiceSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=CHOICE_TEMPLATE
):
    """The candidates select; its state is its custom_id and its options' values."""

    def __init__(
        self,
        owner: int,
        command: str,
        *,
        options: list[discord.SelectOption],
        placeholder: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"rb:pick:{owner}:{command}",
                placeholder=truncate(placeholder, PLACEHOLDER_MAX) if placeholder else None,
                options=options,
            )
        )
        self.owner = owner
        self.command = command

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ChoiceSelect:
        options = list(getattr(item, "options", []))
        return cls(
            int(match["owner"]),
            match["command"],
            options=options,
            placeholder=getattr(item, "placeholder", None),
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await only_owner(interaction, self.owner, NOT_YOURS)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = self.item.values
        choice = option_choice(values[0]) if values else None
        responder = responder_for(interaction.client, self.command)
        if choice is None or responder is None:
            await answer_privately(interaction, STALE)
            return
        try:
            await responder.answer_choice(interaction, self.command, choice)
        except Exception:
            log.exception("answering a pick failed: command=%s user=%s", self.command, self.owner)
            await answer_privately(interaction, APOLOGY)


def choice_view(
    choices: Sequence[str], *, command: str, owner: int, placeholder: str = "Pick one…"
) -> discord.ui.View:
    """A view holding the candidates select (no timeout: it is answered from its custom_id)."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        ChoiceSelect(owner, command, options=select_options(choices), placeholder=placeholder)
    )
    return view
