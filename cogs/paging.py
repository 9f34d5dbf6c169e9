"""Page buttons that keep working after a restart.

A multi-page answer carries three buttons: previous, the page number (always disabled) and next. They are
``discord.ui.DynamicItem`` buttons, and everything a click needs is in the custom_id (at most 100
characters)::

    rb:pg:<slot>:<page>:<owner>:<kind>:<id>:<text>

``slot`` is ``p``, ``x`` or ``n`` (previous, position, next), ``page`` the page the button shows (from 0),
``owner`` the user who asked (only they may turn the pages, as before), and kind/id/text the answer
(``AnswerRef``). A click asks the cog serving that kind (a ``PageSource``: ``Reviews`` for questions,
``Feeds`` for ``/feed list``) to rebuild the answer from the database, then shows the page. Nothing is
kept in memory, so a message posted before a restart pages exactly as a fresh one does.
``ReviewBot.setup_hook`` registers the classes of ``cogs.components.DYNAMIC_ITEMS``.

Buttons never time out. A click on an old message shows the answer as the database has it now, with the
page clamped to the pages that exist (one page left: the buttons go). When the answer cannot be rebuilt
(its work or person was deleted, the query did not fit the custom_id, the feed list's moderator lost the
role) the clicker gets a short ephemeral note and the message stays as it was. Buttons from versions
before this one (custom ids ``rb:prev``, ``rb:pos``, ``rb:next``, ``rb:choice``) carry no state: a click
gets an ephemeral "ask again" note (``ExpiredComponent``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

import discord
from discord.ext import commands

from bot.errors import NotFound, ReviewBotError
from bot.render import Card
from cogs.ui import APOLOGY, answer_privately, card_to_embed, only_owner, reply

log = logging.getLogger("reviewbot.paging")

CUSTOM_ID_MAX = 100
PAGE_TEMPLATE = re.compile(
    r"rb:pg:(?P<slot>[pxn]):(?P<page>\d{1,4}):(?P<owner>\d{1,20}):(?P<kind>[a-z])"
    r":(?P<ident>\d{0,20}):(?P<text>.*)",
    re.DOTALL,
)
LEGACY_TEMPLATE = re.compile(r"rb:(?:prev|pos|next|choice)")
MAX_PAGE = (
    9999  # pages shown as 4 digits at most; longer answers are cut (never happens in practice)
)
# the longest fixed part: slot, a 4-digit page, a 20-digit owner, the kind and the separators
_FIXED = len("rb:pg:n:9999:" + "9" * 20 + ":k::")
NOT_YOURS = "Only the person who asked can use these buttons. Ask your own question to get yours."
EXPIRED = (
    "These buttons are from before my last update and no longer work. Ask again for fresh ones."
)
NOTHING = "Nothing to show."


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """Which answer a message shows, small enough for a custom_id.

    ``kind`` is one lowercase letter naming the question (the ``PageSource`` serving it decides what
    ``ident`` and ``text`` mean, e.g. a work id and the words the user typed).
    """

    kind: str
    ident: int | None = None
    text: str = ""

    @classmethod
    def of(cls, kind: str, ident: int | None = None, *texts: str) -> AnswerRef:
        """A ref with the first of ``texts`` (whitespace collapsed) that fits every custom_id it can
        appear in; with none that fits, the ref has no text."""
        for text in texts:
            text = " ".join(text.split())
            if text and id_length(text) <= text_room(ident):
                return cls(kind, ident, text)
        return cls(kind, ident)


def id_length(text: str) -> int:
    """Length as Discord may count it (UTF-16 code units): never less than ``len(text)``."""
    return len(text.encode("utf-16-le")) // 2


def text_room(ident: int | None) -> int:
    """Characters left for an ``AnswerRef`` text in a page custom_id, whatever the page and owner."""
    return CUSTOM_ID_MAX - _FIXED - (len(str(ident)) if ident is not None else 0)


def page_custom_id(slot: str, page: int, owner: int, ref: AnswerRef) -> str:
    """The custom_id of one page button (the text is dropped if it would not fit)."""
    ident = "" if ref.ident is None else str(ref.ident)
    custom_id = f"rb:pg:{slot}:{page}:{owner}:{ref.kind}:{ident}:{ref.text}"
    if id_length(custom_id) > CUSTOM_ID_MAX and ref.text:
        return page_custom_id(slot, page, owner, replace(ref, text=""))
    return custom_id


def parse_page_id(custom_id: str) -> tuple[str, int, int, AnswerRef] | None:
    """``(slot, page, owner, ref)`` from a page button's custom_id, or None if it is not one."""
    match = PAGE_TEMPLATE.fullmatch(custom_id)
    return _state(match) if match else None


def _state(match: re.Match[str]) -> tuple[str, int, int, AnswerRef]:
    ident = match["ident"]
    ref = AnswerRef(match["kind"], int(ident) if ident else None, match["text"])
    return match["slot"], int(match["page"]), int(match["owner"]), ref


def answer_gone() -> NotFound:
    """The error for an answer that can no longer be rebuilt (shown to the clicker only)."""
    return NotFound(
        "I can't rebuild that answer any more (it may have been removed).",
        hint="Ask the question again to get fresh buttons.",
    )


@runtime_checkable
class PageSource(Protocol):
    """A cog that rebuilds answers of the kinds in ``page_kinds`` (raising ``ReviewBotError``,
    usually ``answer_gone()``, when it cannot)."""

    page_kinds: frozenset[str]

    async def rebuild_pages(
        self, interaction: discord.Interaction, ref: AnswerRef
    ) -> list[Card]: ...


async def rebuild(interaction: discord.Interaction, ref: AnswerRef) -> list[Card]:
    """The cards of ``ref``'s answer now, from whichever loaded cog serves its kind."""
    cogs: dict[str, Any] = getattr(interaction.client, "cogs", {})
    for cog in cogs.values():
        if isinstance(cog, PageSource) and ref.kind in cog.page_kinds:
            return await cog.rebuild_pages(interaction, ref)
    raise answer_gone()


# --------------------------------------------------------------------------- the buttons


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=PAGE_TEMPLATE
):
    """One page button; its state is its custom_id (see the module docstring)."""

    def __init__(
        self, slot: str, page: int, owner: int, ref: AnswerRef, *, label: str, disabled: bool
    ) -> None:
        style = discord.ButtonStyle.primary if slot == "n" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                disabled=disabled,
                custom_id=page_custom_id(slot, page, owner, ref),
            )
        )
        self.slot = slot
        self.page = page
        self.owner = owner
        self.ref = ref

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        slot, page, owner, ref = _state(match)
        label = getattr(item, "label", None) or "…"
        return cls(slot, page, owner, ref, label=label, disabled=bool(getattr(item, "disabled", 0)))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await only_owner(interaction, self.owner, NOT_YOURS)

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.slot == "x":  # the page number: nothing to do
            await interaction.response.defer()
            return
        await show_page(interaction, self.ref, self.page, self.owner)


class ExpiredComponent(discord.ui.DynamicItem[discord.ui.Item[Any]], template=LEGACY_TEMPLATE):
    """Buttons and selects posted by versions that kept their state in memory: say they expired."""

    def __init__(self, item: discord.ui.Item[Any]) -> None:
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ExpiredComponent:
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await answer_privately(interaction, EXPIRED)


def page_view(pages: int, page: int, owner: int, ref: AnswerRef) -> discord.ui.View:
    """Previous / "page/pages" / next for page ``page`` (from 0) of ``pages``; no timeout."""
    last = max(pages - 1, 0)
    page = max(0, min(page, last))
    view = discord.ui.View(timeout=None)
    view.add_item(
        PageButton("p", max(page - 1, 0), owner, ref, label="◀ Previous", disabled=page == 0)
    )
    view.add_item(PageButton("x", page, owner, ref, label=f"{page + 1}/{pages}", disabled=True))
    view.add_item(
        PageButton("n", min(page + 1, last), owner, ref, label="Next ▶", disabled=page >= last)
    )
    return view


def _embeds(cards: Sequence[Card]) -> list[discord.Embed]:
    embeds = [card_to_embed(c) for c in cards[: MAX_PAGE + 1]]
    return embeds or [discord.Embed(description=NOTHING)]


async def show_page(
    interaction: discord.Interaction, ref: AnswerRef, page: int, owner: int
) -> None:
    """Rebuild ``ref``'s answer and show page ``page`` in place of the clicked message."""
    try:
        cards = await rebuild(interaction, ref)
    except ReviewBotError as exc:
        log.info("could not rebuild answer %s for user %s: %s", ref, interaction.user.id, exc)
        await answer_privately(interaction, str(exc))
        return
    except Exception:
        log.exception("rebuilding answer %s failed: guild=%s", ref, interaction.guild_id)
        await answer_privately(interaction, APOLOGY)
        return
    embeds = _embeds(cards)
    page = max(0, min(page, len(embeds) - 1))
    view = page_view(len(embeds), page, owner, ref) if len(embeds) > 1 else None
    try:
        await interaction.response.edit_message(embed=embeds[page], view=view)
    except discord.HTTPException as exc:
        log.warning("could not turn to page %d of %s: %s", page, ref, exc)


# --------------------------------------------------------------------------- sending answers


async def send_cards(
    ctx: commands.Context[Any],
    cards: Sequence[Card],
    *,
    ref: AnswerRef | None = None,
    ephemeral: bool = False,
) -> discord.Message:
    """Send an answer: one embed, with page buttons when there are several cards.

    ``ref`` says how to rebuild the answer when a button is clicked; without one, a click on a
    multi-page answer only says that it cannot be turned.
    """
    embeds = _embeds(cards)
    if len(embeds) == 1:
        return await reply(ctx, embed=embeds[0], ephemeral=ephemeral)
    view = page_view(len(embeds), 0, ctx.author.id, ref or AnswerRef("u"))
    return await reply(ctx, embed=embeds[0], view=view, ephemeral=ephemeral)


async def show_cards_in_place(
    interaction: discord.Interaction, cards: Sequence[Card], *, ref: AnswerRef | None = None
) -> None:
    """Replace the message a component sits on with an answer (and page buttons if needed)."""
    embeds = _embeds(cards)
    view = None
    if len(embeds) > 1:
        view = page_view(len(embeds), 0, interaction.user.id, ref or AnswerRef("u"))
    await interaction.response.edit_message(content=None, embed=embeds[0], view=view)
