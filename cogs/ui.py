"""Discord drawing: neutral cards -> embeds (within every limit), select options, and replies.

Cards from ``bot.render`` already respect Discord's limits; ``fit_card`` checks again (and repairs) so that
nothing a feed or a user wrote can make a send fail with a 400. Text is cut only between words, and a link
is dropped whole rather than cut. The buttons and selects on answers live in ``cogs.paging`` and
``cogs.choices`` (persistent: their state is in their custom_id, so they work after a restart).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import discord
from discord.ext import commands

from bot.render import (
    DESCRIPTION_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    TOTAL_MAX,
    Card,
    Field,
)
from bot.text import truncate

log = logging.getLogger("reviewbot.ui")

URL_MAX = 2048
SELECT_OPTIONS_MAX = 25
SELECT_TEXT_MAX = 100
CONTENT_MAX = 2000
APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again later."


# --------------------------------------------------------------------------- cards -> embeds


def safe_url(url: str | None) -> str | None:
    """The URL if Discord will accept it as an embed link (http/https, no spaces), else None."""
    if not url or len(url) > URL_MAX or any(ch.isspace() for ch in url):
        return None
    return url if url.startswith(("http://", "https://")) else None


def fit_card(card: Card) -> Card:
    """The card cut to fit every embed limit (title 256, description 4,096, 25 fields of 256/1,024,
    footer 2,048, 6,000 in all), cutting only between words and never inside a link."""
    fields = tuple(
        Field(
            truncate(f.name, FIELD_NAME_MAX) or "\u200b",
            truncate(f.value, FIELD_VALUE_MAX) or "\u200b",
            f.inline,
        )
        for f in card.fields[:FIELDS_MAX]
    )
    fitted = replace(
        card,
        title=truncate(card.title, TITLE_MAX),
        description=truncate(card.description, DESCRIPTION_MAX),
        footer=truncate(card.footer, FOOTER_MAX) if card.footer else None,
        url=safe_url(card.url),
        fields=fields,
    )
    while fitted.size() > TOTAL_MAX and fitted.fields:
        fitted = replace(fitted, fields=fitted.fields[:-1])
    excess = fitted.size() - TOTAL_MAX
    if excess > 0:
        room = max(len(fitted.description) - excess, 0)
        fitted = replace(fitted, description=truncate(fitted.description, room))
    return fitted


def card_to_embed(card: Card) -> discord.Embed:
    """One card as a Discord embed (after ``fit_card``)."""
    card = fit_card(card)
    embed = discord.Embed(
        title=card.title or None,
        description=card.description or None,
        url=card.url,
        colour=discord.Colour(card.color),
    )
    for f in card.fields:
        embed.add_field(name=f.name, value=f.value, inline=f.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def fit_content(text: str) -> str:
    """Plain message text cut to Discord's 2,000 characters between words."""
    return truncate(text, CONTENT_MAX)


# --------------------------------------------------------------------------- components


def select_options(choices: Sequence[str]) -> list[discord.SelectOption]:
    """Select options for up to 25 choices: labels cut to 100 characters between words; values
    ``"<index>:<choice>"`` cut to 100 characters, so they are unique and carry the choice itself
    (a pick can be answered without remembering the list, e.g. after a restart)."""
    return [
        discord.SelectOption(
            label=truncate(choice, SELECT_TEXT_MAX) or "?",
            value=f"{i}:{choice}"[:SELECT_TEXT_MAX],
        )
        for i, choice in enumerate(choices[:SELECT_OPTIONS_MAX])
    ]


def option_choice(value: str) -> str | None:
    """The choice carried by a ``select_options`` value, or None when the value is not one."""
    index, sep, choice = value.partition(":")
    if not sep or not index.isdigit() or not choice.strip():
        return None
    return choice


# --------------------------------------------------------------------------- replies


async def reply(
    ctx: commands.Context[commands.Bot],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> discord.Message:
    """Answer a command: a reply to the message (prefix) or the interaction response (slash).

    Mentions are never parsed; ``ephemeral`` applies to slash commands only.
    """
    kwargs: dict[str, Any] = {
        "content": fit_content(content) if content else None,
        "embed": embed,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if view is not None:
        kwargs["view"] = view
    if ctx.interaction is None:
        kwargs["reference"] = ctx.message.to_reference(fail_if_not_exists=False)
        kwargs["mention_author"] = False
    else:
        kwargs["ephemeral"] = ephemeral
    return await ctx.send(**kwargs)


async def answer_privately(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral message to whoever used a component, whether or not it was answered yet."""
    kwargs: dict[str, Any] = {
        "ephemeral": True,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    try:
        if interaction.response.is_done():
            await interaction.followup.send(fit_content(text), **kwargs)
        else:
            await interaction.response.send_message(fit_content(text), **kwargs)
    except discord.HTTPException as exc:
        log.warning("could not send a private note to user %s: %s", interaction.user.id, exc)


async def only_owner(interaction: discord.Interaction, owner: int, refusal: str) -> bool:
    """A component's interaction check: True for the user who asked (``owner``); anyone else gets
    ``refusal`` privately and False."""
    if interaction.user.id == owner:
        return True
    await answer_privately(interaction, refusal)
    return False
