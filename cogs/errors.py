"""The one error path for every command, prefix and slash alike.

User mistakes (``ReviewBotError``, bad or missing arguments, refused checks, cooldowns) get a short helpful
reply, ephemeral for slash commands; an ambiguous or unknown title also gets a select of candidates that
answers the question when picked (``cogs.choices``). Anything unexpected is logged with its context
(command, guild, channel, user, arguments) and the user gets a plain apology: never a traceback in chat.

Errors after a defer: Discord turns the first follow-up after a deferred response into the deferred
message, keeping the defer's visibility (the follow-up's ephemeral flag is ignored). So a slash command
whose errors must stay private defers ephemerally (``/feed add``); replies here always ask for ephemeral.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import COMMANDS
from bot.errors import Ambiguous, NotFound, ReviewBotError
from bot.render import render_error
from cogs.choices import ChoiceResponder, choice_view
from cogs.ui import APOLOGY, card_to_embed, reply

if TYPE_CHECKING:
    from bot.client import ReviewBot

log = logging.getLogger("reviewbot.errors")

Ctx = commands.Context["ReviewBot"]


class Refused(commands.CheckFailure):
    """A check said no, with a ``ReviewBotError`` (usually ``PermissionDenied``) to show the user."""

    def __init__(self, error: ReviewBotError) -> None:
        super().__init__(str(error))
        self.error = error


def unwrap(error: BaseException) -> BaseException:
    """The original exception inside discord.py's wrappers (invoke, hybrid, app command errors)."""
    seen = 0
    while seen < 5 and isinstance(
        error,
        commands.CommandInvokeError
        | commands.HybridCommandError
        | app_commands.CommandInvokeError
        | commands.ConversionError,
    ):
        inner = getattr(error, "original", None)
        if not isinstance(inner, BaseException):
            break
        error = inner
        seen += 1
    return error


def usage_line(ctx: Ctx) -> str:
    """How the command is used, with the prefix the user typed (or / for slash)."""
    command = ctx.command
    if command is None:
        return ""
    prefix = "/" if ctx.interaction else (ctx.clean_prefix or "!")
    spec = COMMANDS.get(command.qualified_name)
    if spec is not None:
        return f"Usage: {prefix}{spec.usage} — e.g. {prefix}{spec.example}"
    signature = f" {command.signature}" if command.signature else ""
    return f"Usage: {prefix}{command.qualified_name}{signature}"


def describe_user_error(ctx: Ctx, error: BaseException) -> str | None:
    """A short reply for a mistake the user can fix, or None when the error is unexpected."""
    if isinstance(error, commands.CommandOnCooldown):
        return f"Easy there! You can ask again in {max(error.retry_after, 1):.0f} s."
    if isinstance(error, commands.MaxConcurrencyReached):
        return "I'm still answering your last question; please wait a moment."
    if isinstance(error, Refused):
        return str(error.error)
    if isinstance(error, commands.NoPrivateMessage):
        return "That only works in a server, not in direct messages."
    if isinstance(error, commands.CheckFailure):
        return "You can't use that command here."
    if isinstance(error, commands.DisabledCommand):
        return "That command is switched off at the moment."
    if isinstance(error, commands.MissingRequiredArgument):
        return f"Tell me the {error.param.name}. {usage_line(ctx)}"
    if isinstance(error, commands.RangeError):
        return f"Use a number from {error.minimum} to {error.maximum}. {usage_line(ctx)}"
    if isinstance(
        error, commands.BadArgument | commands.BadUnionArgument | commands.BadLiteralArgument
    ):
        return f"I couldn't read that argument. {usage_line(ctx)}"
    if isinstance(error, commands.ArgumentParsingError):
        return f"I couldn't read that (check the quotes). {usage_line(ctx)}"
    if isinstance(error, commands.UserInputError):
        return f"That doesn't look right. {usage_line(ctx)}"
    if isinstance(error, app_commands.TransformerError):
        return "I couldn't read one of the options; please pick it from the list."
    return None


class Errors(commands.Cog):
    """Answers every failed command (and app command) in one place."""

    def __init__(self, bot: ReviewBot) -> None:
        self.bot = bot
        self._old_tree_error = bot.tree.on_error
        bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._old_tree_error  # type: ignore[method-assign]

    @commands.Cog.listener()
    async def on_command_error(self, ctx: Ctx, error: commands.CommandError) -> None:
        """Reply to a failed prefix or hybrid command."""
        if isinstance(error, commands.CommandNotFound):
            return  # Discord convention: unknown prefix commands are ignored silently
        original = unwrap(error)
        try:
            await self._answer(ctx, original)
        except discord.HTTPException as exc:
            log.warning("could not send an error reply in channel %s: %s", ctx.channel.id, exc)

    async def _answer(self, ctx: Ctx, error: BaseException) -> None:
        if isinstance(error, ReviewBotError):
            card = render_error(error)
            view = self._choice_view(ctx, error, list(card.choices))
            await reply(ctx, embed=card_to_embed(card), view=view, ephemeral=view is None)
            return
        if isinstance(error, discord.Forbidden):
            log.warning(
                "missing permissions for command %r: guild=%s channel=%s: %s",
                ctx.command.qualified_name if ctx.command else None,
                ctx.guild.id if ctx.guild else None,
                ctx.channel.id,
                error.text,
            )
            return  # nowhere to reply: the bot may not speak in this channel
        text = describe_user_error(ctx, error)
        if text is not None:
            await reply(ctx, text, ephemeral=True)
            return
        log.error(
            "unexpected error in command %r: guild=%s channel=%s user=%s args=%r",
            ctx.command.qualified_name if ctx.command else None,
            ctx.guild.id if ctx.guild else None,
            ctx.channel.id,
            ctx.author.id,
            _arguments(ctx),
            exc_info=error,
        )
        await reply(ctx, APOLOGY, ephemeral=True)

    def _choice_view(
        self, ctx: Ctx, error: ReviewBotError, choices: list[str]
    ) -> discord.ui.View | None:
        if not choices or not isinstance(error, Ambiguous | NotFound):
            return None
        command = ctx.command.qualified_name if ctx.command else ""
        if command not in COMMANDS or not isinstance(ctx.cog, ChoiceResponder):
            return None
        placeholder = "Which one?" if isinstance(error, Ambiguous) else "Did you mean…"
        return choice_view(choices, command=command, owner=ctx.author.id, placeholder=placeholder)

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Errors of pure app commands (hybrid ones arrive at ``on_command_error``)."""
        original = unwrap(error)
        if isinstance(original, ReviewBotError):
            text = str(original)
        elif isinstance(original, app_commands.CheckFailure | app_commands.TransformerError):
            text = "You can't use that here, or an option was not valid."
        elif isinstance(
            original, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch
        ):
            text = "That command is out of date; try again in a minute."
        else:
            log.error(
                "unexpected error in app command %r: guild=%s user=%s options=%r",
                interaction.command.qualified_name if interaction.command else None,
                interaction.guild_id,
                interaction.user.id,
                interaction.data,
                exc_info=original,
            )
            text = APOLOGY
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not send an app command error reply: %s", exc)


def _arguments(ctx: Ctx) -> dict[str, Any]:
    args = dict(ctx.kwargs)
    if ctx.interaction is None:
        args.setdefault("message", ctx.message.content[:300])
    return {k: (v[:300] if isinstance(v, str) else v) for k, v in args.items()}


async def setup(bot: ReviewBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Errors(bot))
