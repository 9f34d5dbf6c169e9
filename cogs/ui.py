"""Discord widgets: neutral cards -> embeds (within every limit), a paginator, and a choice select.

Cards from ``bot.render`` already respect Discord's limits; ``fit_card`` checks again (and repairs) so that
nothing a feed or a user wrote can make a send fail with a 400. Text is cut only between words, and a link
is dropped whole rather than cut.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
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
VIEW_TIMEOUT = 180.0

PickHandler = Callable[[discord.Interaction, str], Awaitable[None]]


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


# --------------------------------------------------------------------------- views


class OwnedView(discord.ui.View):
    """A view only its invoker may use; disables itself (and edits its message) when it times out."""

    def __init__(self, *, owner_id: int, timeout: float | None = VIEW_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can use these buttons. Ask your own question to get yours.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        return False

    def disable(self) -> None:
        """Grey out every component."""
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True

    async def on_timeout(self) -> None:
        self.disable()
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:
                log.debug("could not disable an expired view: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[OwnedView]
    ) -> None:
        log.error(
            "view error: item=%s guild=%s user=%s",
            getattr(item, "custom_id", item),
            interaction.guild_id,
            interaction.user.id,
            exc_info=error,
        )
        text = "Sorry, something went wrong on my side. Please try again."
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)


class Paginator(OwnedView):
    """Previous/next buttons over a list of embeds; only the invoker may turn pages."""

    def __init__(
        self, pages: Sequence[discord.Embed], *, owner_id: int, timeout: float | None = VIEW_TIMEOUT
    ) -> None:
        super().__init__(owner_id=owner_id, timeout=timeout)
        if not pages:
            raise ValueError("a paginator needs at least one page")
        self.pages = list(pages)
        self.index = 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1}/{len(self.pages)}"

    @property
    def current(self) -> discord.Embed:
        return self.pages[self.index]

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync()
        await interaction.response.edit_message(embed=self.current, view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary, custom_id="rb:prev")
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]
    ) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(
        label="1/1", style=discord.ButtonStyle.secondary, custom_id="rb:pos", disabled=True
    )
    async def position(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]
    ) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.primary, custom_id="rb:next")
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]
    ) -> None:
        await self._show(interaction, self.index + 1)


def select_options(choices: Sequence[str]) -> list[discord.SelectOption]:
    """Select options for up to 25 choices; labels cut to 100 characters, values are indexes."""
    return [
        discord.SelectOption(label=truncate(choice, SELECT_TEXT_MAX) or "?", value=str(i))
        for i, choice in enumerate(choices[:SELECT_OPTIONS_MAX])
    ]


class ChoiceView(OwnedView):
    """A select of candidates ("which one did you mean?"); picking one calls ``on_pick``."""

    def __init__(
        self,
        choices: Sequence[str],
        on_pick: PickHandler,
        *,
        owner_id: int,
        placeholder: str = "Pick one…",
        timeout: float | None = VIEW_TIMEOUT,
    ) -> None:
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.choices = list(choices[:SELECT_OPTIONS_MAX])
        self.on_pick = on_pick
        select: discord.ui.Select[ChoiceView] = discord.ui.Select(
            custom_id="rb:choice",
            placeholder=truncate(placeholder, 150),
            options=select_options(self.choices),
        )
        select.callback = self._picked  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def _picked(self, interaction: discord.Interaction) -> None:
        values = self.select.values
        if not values or not values[0].isdigit() or int(values[0]) >= len(self.choices):
            await interaction.response.send_message("That choice has expired.", ephemeral=True)
            return
        self.stop()
        await self.on_pick(interaction, self.choices[int(values[0])])


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


async def send_cards(
    ctx: commands.Context[commands.Bot],
    cards: Sequence[Card],
    *,
    timeout: float | None = VIEW_TIMEOUT,
    ephemeral: bool = False,
) -> discord.Message:
    """Send an answer: one embed, with page buttons when there are several cards."""
    embeds = [card_to_embed(c) for c in cards] or [discord.Embed(description="Nothing to show.")]
    if len(embeds) == 1:
        return await reply(ctx, embed=embeds[0], ephemeral=ephemeral)
    view = Paginator(embeds, owner_id=ctx.author.id, timeout=timeout)
    view.message = await reply(ctx, embed=view.current, view=view, ephemeral=ephemeral)
    return view.message


async def show_cards_in_place(
    interaction: discord.Interaction,
    cards: Sequence[Card],
    *,
    timeout: float | None = VIEW_TIMEOUT,
) -> None:
    """Replace the message a component sits on with an answer (and page buttons if needed)."""
    embeds = [card_to_embed(c) for c in cards] or [discord.Embed(description="Nothing to show.")]
    if len(embeds) == 1:
        await interaction.response.edit_message(content=None, embed=embeds[0], view=None)
        return
    view = Paginator(embeds, owner_id=interaction.user.id, timeout=timeout)
    await interaction.response.edit_message(content=None, embed=view.current, view=view)
    view.message = interaction.message
