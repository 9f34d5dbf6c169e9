"""The question commands (review, cast, related, search, latest, help) as hybrid commands.

One definition serves ``!cast Demian`` and ``/cast``; names, descriptions, aliases and option descriptions
come from ``bot.commands.COMMANDS`` so chat, slash and the console never drift apart. The cog only parses,
calls ``ReviewService`` and draws the cards; mistakes are raised and answered by ``cogs.errors``. It also
answers picks from "did you mean" selects and rebuilds paged answers when a page button is clicked (after
a restart too: see ``cogs.paging``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import COMMANDS, help_text, run_command
from bot.errors import Ambiguous, NotFound, ReviewBotError, UsageError
from bot.models import (
    Answer,
    CastAnswer,
    PersonAnswer,
    RelatedAnswer,
    ReviewAnswer,
    SearchAnswer,
)
from bot.render import Card, render, render_error
from bot.services import ReviewService
from bot.text import truncate
from cogs.paging import AnswerRef, answer_gone, send_cards, show_cards_in_place
from cogs.ui import SELECT_TEXT_MAX

if TYPE_CHECKING:
    from bot.client import ReviewBot

log = logging.getLogger("reviewbot.cogs.reviews")

F = TypeVar("F", bound=Callable[..., Any])
AUTOCOMPLETE_MAX = 25
Ctx = commands.Context["ReviewBot"]


def spec_command(name: str) -> Callable[[F], commands.HybridCommand[Any, ..., Any]]:
    """A hybrid command named, described and aliased from ``COMMANDS[name]``."""
    spec = COMMANDS[name]

    def decorator(func: F) -> commands.HybridCommand[Any, ..., Any]:
        if spec.argument:
            func = app_commands.describe(**{spec.argument: spec.argument_description})(func)
        return commands.hybrid_command(
            name=spec.name,
            description=spec.description,
            aliases=list(spec.aliases),
            help=f"{spec.description}.\nExample: {{prefix}}{spec.example}",
            usage=spec.usage.partition(" ")[2],
        )(func)

    return decorator


# --------------------------------------------------------------------------- answers <-> refs
# Page buttons carry an ``AnswerRef`` (see ``cogs.paging``): a work or person id, so that a rebuilt
# answer is provably the same one, and the words the user typed, so that it reads the same ("closest
# match to ..."). Kinds: r review, c cast of a work, p a person's works, l related, s search, n latest.

REF_COMMANDS = {"r": "review", "c": "cast", "p": "cast", "l": "related"}
DEFAULT_LATEST = 10


def answer_ref(argument: str, answer: Answer) -> AnswerRef:
    """How to find ``answer`` again: its kind and id, with the user's words when they fit
    (otherwise the work's label or the person's name, which find it too)."""
    if isinstance(answer, ReviewAnswer | CastAnswer | RelatedAnswer):
        kind = {ReviewAnswer: "r", CastAnswer: "c", RelatedAnswer: "l"}[type(answer)]
        return AnswerRef.of(kind, answer.work.id, argument, answer.work.label)
    if isinstance(answer, PersonAnswer):
        return AnswerRef.of("p", answer.person.id, argument, answer.person.name)
    if isinstance(answer, SearchAnswer):
        return AnswerRef.of("s", None, answer.query)
    count = int(argument) if argument.strip().isdigit() else len(answer.items) or DEFAULT_LATEST
    return AnswerRef("n", count)


async def rebuild_answer(service: ReviewService, ref: AnswerRef) -> Answer:
    """The answer ``ref`` names, asked again now; ``answer_gone()`` when it no longer exists.

    The user's words are tried first, then (for works) the work's label looked up by id; an answer
    about another work or person than the one in ``ref`` is never accepted.
    """
    if ref.kind == "n":
        return await service.latest(min(max(ref.ident or DEFAULT_LATEST, 1), 50))
    if ref.kind == "s":
        if not ref.text:
            raise answer_gone()
        return await service.search(ref.text)
    command = REF_COMMANDS.get(ref.kind)
    if command is None or ref.ident is None:
        raise answer_gone()
    queries: list[str | None] = [ref.text] if ref.text else []
    if ref.kind != "p":
        queries.append(None)  # the work's label, looked up by id
    for query in queries:
        try:
            if query is None:
                query = (await service.storage.get_work(ref.ident)).label
            answer = await run_command(service, command, query)
        except (NotFound, Ambiguous, UsageError):
            continue
        found = answer_ref(query, answer)
        if (found.kind, found.ident) == (ref.kind, ref.ident):
            return answer
    raise answer_gone()


def to_choices(values: list[str]) -> list[app_commands.Choice[str]]:
    """At most 25 autocomplete choices, names and values within 100 characters."""
    out: list[app_commands.Choice[str]] = []
    for value in values:
        text = truncate(value, SELECT_TEXT_MAX)
        if text and len(value) <= SELECT_TEXT_MAX:
            out.append(app_commands.Choice(name=text, value=value))
        if len(out) >= AUTOCOMPLETE_MAX:
            break
    return out


class Reviews(commands.Cog):
    """Questions about reviews, casts and related works."""

    page_kinds = frozenset({"r", "c", "p", "l", "s", "n"})  # answers this cog rebuilds for paging

    def __init__(self, bot: ReviewBot) -> None:
        self.bot = bot
        self.service: ReviewService = bot.review_service
        options = bot.options
        self.cooldown = commands.CooldownMapping.from_cooldown(
            options.cooldown_rate, options.cooldown_per, commands.BucketType.user
        )

    async def cog_check(self, ctx: Ctx) -> bool:  # type: ignore[override]
        """One per-user cooldown shared by every question command (prefix and slash alike)."""
        bucket = self.cooldown.get_bucket(ctx.message)
        if bucket is not None:
            retry_after = bucket.update_rate_limit()
            if retry_after:
                raise commands.CommandOnCooldown(bucket, retry_after, commands.BucketType.user)
        return True

    # ------------------------------------------------------------------ answering
    async def _answer(self, ctx: Ctx, name: str, argument: str) -> None:
        answer = await run_command(self.service, name, argument)
        await send_cards(ctx, render(answer), ref=answer_ref(argument, answer))

    async def answer_choice(
        self, interaction: discord.Interaction, command: str, choice: str
    ) -> None:
        """Answer ``command`` for a candidate picked from a select, in place of the question card."""
        ref = None
        try:
            answer = await run_command(self.service, command, choice)
            cards: list[Card] = render(answer)
            ref = answer_ref(choice, answer)
        except ReviewBotError as exc:
            cards = [render_error(exc)]
        await show_cards_in_place(interaction, cards, ref=ref)

    async def rebuild_pages(self, interaction: discord.Interaction, ref: AnswerRef) -> list[Card]:
        """The cards of a paged answer, asked again (``cogs.paging.PageSource``)."""
        return render(await rebuild_answer(self.service, ref))

    # ------------------------------------------------------------------ commands
    @spec_command("review")
    async def review(self, ctx: Ctx, *, title: str) -> None:
        await self._answer(ctx, "review", title)

    @spec_command("cast")
    async def cast(self, ctx: Ctx, *, query: str) -> None:
        await self._answer(ctx, "cast", query)

    @spec_command("related")
    async def related(self, ctx: Ctx, *, title: str) -> None:
        await self._answer(ctx, "related", title)

    @spec_command("search")
    async def search(self, ctx: Ctx, *, words: str) -> None:
        await self._answer(ctx, "search", words)

    @spec_command("latest")
    async def latest(self, ctx: Ctx, count: commands.Range[int, 1, 50] = 10) -> None:
        answer = await self.service.latest(count)
        await send_cards(ctx, render(answer), ref=answer_ref(str(count), answer))

    @spec_command("help")
    async def help(self, ctx: Ctx, command: str | None = None) -> None:
        guild_id = ctx.guild.id if ctx.guild else None
        prefix = await self.bot.settings_service.prefix(guild_id)
        text = help_text(prefix, command.strip() if command else None)
        await send_cards(ctx, [Card("What I can answer", text, kind="help")])

    # ------------------------------------------------------------------ autocomplete
    @review.autocomplete("title")
    @related.autocomplete("title")
    async def _titles(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return to_choices(await self.service.complete_titles(current, AUTOCOMPLETE_MAX))

    @cast.autocomplete("query")
    async def _titles_and_people(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return to_choices(await self.service.complete_any(current, AUTOCOMPLETE_MAX))

    @help.autocomplete("command")
    async def _commands(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lower()
        return to_choices([name for name in COMMANDS if name.startswith(wanted)])


async def setup(bot: ReviewBot) -> None:
    """Extension entry point: add the cog with the services the bot was built with."""
    await bot.add_cog(Reviews(bot))
