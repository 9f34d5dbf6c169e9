"""Moderator settings: ``/config ...`` and ``!config ...`` (one hybrid group).

Who may change settings is decided by one check, ``require_moderator``, run as the cog check so that it
guards the prefix path and the slash path alike: members with Manage Server, the server owner, or members
with the configured moderator role. Everyone else gets a short refusal and nothing changes. Every change
goes through ``SettingsService`` (validated, stored, logged with who made it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import PermissionDenied
from bot.render import Card, Field
from bot.settings import (
    SETTINGS,
    GuildSettings,
    SettingChange,
    SettingsService,
    may_configure,
    timezone_names,
)
from cogs.errors import Refused
from cogs.ui import card_to_embed, reply

if TYPE_CHECKING:
    from bot.client import ReviewBot

log = logging.getLogger("reviewbot.cogs.admin")
Ctx = commands.Context[Any]
ResetKey = Literal[
    "prefix",
    "moderator_role_id",
    "announce_channel_id",
    "mention_role_ids",
    "date_language",
    "timezone",
]


def subcommand(group: Any, name: str, description: str) -> Callable[[Any], Any]:
    """``group.command(...)`` for a hybrid subcommand (typed loosely: discord.py's stubs reject cog methods).

    ``ignore_extra=False``: words left over after the arguments are an error, so a mistyped role or
    channel (which an optional argument would otherwise skip) never silently clears a setting.
    """
    return group.command(name=name, description=description, ignore_extra=False)


def is_moderator(ctx: Ctx, settings: GuildSettings) -> bool:
    """Manage Server (or Administrator), the server owner, or the configured moderator role."""
    author = ctx.author
    if ctx.guild is None or not isinstance(author, discord.Member):
        return False
    if ctx.interaction is not None:
        manage = ctx.interaction.permissions.manage_guild
    else:
        manage = author.guild_permissions.manage_guild
    return may_configure(
        settings,
        manage_guild=manage,
        role_ids=[r.id for r in author.roles],
        is_owner=ctx.guild.owner_id == author.id,
    )


async def require_moderator(ctx: Ctx, service: SettingsService) -> bool:
    """The one permission check for settings, used by both the prefix and the slash path."""
    if ctx.guild is None:
        raise Refused(
            PermissionDenied(
                "Settings belong to a server, so /config only works in a server.",
                hint="Run it in the server you want to configure.",
            )
        )
    if is_moderator(ctx, await service.get(ctx.guild.id)):
        return True
    log.info(
        "settings refused: guild=%s user=%s command=%s",
        ctx.guild.id,
        ctx.author.id,
        ctx.command.qualified_name if ctx.command else None,
    )
    raise Refused(
        PermissionDenied(
            "Only moderators can change my settings here.",
            hint="Ask someone with Manage Server or the moderator role.",
        )
    )


def _role(guild: discord.Guild | None, role_id: int | None) -> str:
    if role_id is None:
        return "none"
    role = guild.get_role(role_id) if guild else None
    return role.mention if role else f"deleted role ({role_id})"


def _channel(guild: discord.Guild | None, channel_id: int | None) -> str:
    if channel_id is None:
        return "none"
    channel = guild.get_channel(channel_id) if guild else None
    return channel.mention if channel else f"deleted channel ({channel_id})"


def settings_card(guild: discord.Guild, settings: GuildSettings, default_prefix: str) -> Card:
    """The server's settings as a card (roles and channels as mentions, which never ping here)."""
    shown = {
        "prefix": f"`{settings.effective_prefix(default_prefix)}`",
        "moderator_role_id": _role(guild, settings.moderator_role_id),
        "announce_channel_id": _channel(guild, settings.announce_channel_id),
        "mention_role_ids": ", ".join(_role(guild, r) for r in settings.mention_role_ids) or "none",
        "date_language": settings.date_language,
        "timezone": settings.timezone,
    }
    fields = tuple(
        Field(info.label, f"{shown[info.key]}\n*{info.description}*") for info in SETTINGS
    )
    return Card(
        f"Settings for {guild.name}",
        "Change them with /config <setting> (moderators only).",
        fields=fields,
        kind="help",
    )


class Settings(commands.Cog):
    """Per-server settings for moderators."""

    def __init__(self, bot: ReviewBot) -> None:
        self.bot = bot
        self.service: SettingsService = bot.settings_service

    async def cog_check(self, ctx: Ctx) -> bool:
        return await require_moderator(ctx, self.service)

    async def _done(self, ctx: Ctx, change: SettingChange, what: str) -> None:
        if change.old == change.new:
            await reply(ctx, f"{what} was already set that way; nothing changed.", ephemeral=True)
        else:
            await reply(ctx, f"{what} updated.", ephemeral=True)

    @commands.hybrid_group(  # type: ignore[arg-type]
        name="config", description="Server settings (moderators only)", invoke_without_command=True
    )
    @app_commands.guild_only()
    async def config(self, ctx: Ctx) -> None:
        """Show this server's settings; subcommands change them."""
        await self.show(ctx)

    @subcommand(config, "show", "Show this server's settings")
    async def show(self, ctx: Ctx) -> None:
        assert ctx.guild is not None  # the cog check refuses DMs
        settings = await self.service.get(ctx.guild.id)
        card = settings_card(ctx.guild, settings, self.service.default_prefix)
        await reply(ctx, embed=card_to_embed(card), ephemeral=True)

    @subcommand(config, "prefix", "Set the prefix for chat commands (1-5 characters)")
    @app_commands.describe(value="The new prefix, for example ? or rb!")
    async def prefix(self, ctx: Ctx, value: str) -> None:
        assert ctx.guild is not None
        change = await self.service.set_prefix(ctx.guild.id, ctx.author.id, value)
        await self._done(ctx, change, f"Prefix is now `{change.new}`:")

    @subcommand(config, "modrole", "Set or clear the role whose members may change settings")
    @app_commands.describe(role="The moderator role (leave empty to clear it)")
    async def modrole(self, ctx: Ctx, role: discord.Role | None = None) -> None:
        assert ctx.guild is not None
        if role is not None and role.is_default():
            raise Refused(
                PermissionDenied(
                    "@everyone cannot be the moderator role.", hint="Pick a real role."
                )
            )
        change = await self.service.set_moderator_role(
            ctx.guild.id, ctx.author.id, role.id if role else None
        )
        await self._done(
            ctx, change, f"Moderator role is now {_role(ctx.guild, role.id if role else None)}:"
        )

    @subcommand(config, "channel", "Set or clear the default channel for announcements")
    @app_commands.describe(channel="The announcement channel (leave empty to clear it)")
    async def channel(self, ctx: Ctx, channel: discord.TextChannel | None = None) -> None:
        assert ctx.guild is not None
        channel_id = channel.id if channel else None
        change = await self.service.set_announce_channel(ctx.guild.id, ctx.author.id, channel_id)
        await self._done(
            ctx, change, f"Announcement channel is now {_channel(ctx.guild, channel_id)}:"
        )

    @subcommand(config, "mentions", "Choose which roles announcements may ping")
    @app_commands.describe(
        action="add or remove a role, or clear them all", role="The role to add or remove"
    )
    async def mentions(
        self, ctx: Ctx, action: Literal["add", "remove", "clear"], role: discord.Role | None = None
    ) -> None:
        assert ctx.guild is not None
        if action != "clear" and role is None:
            raise commands.MissingRequiredArgument(ctx.command.clean_params["role"])  # type: ignore[union-attr]
        if action == "add" and role is not None:
            if role.is_default():
                raise Refused(
                    PermissionDenied(
                        "Announcements never ping @everyone.", hint="Add a fan role instead."
                    )
                )
            change = await self.service.allow_mention_role(ctx.guild.id, ctx.author.id, role.id)
        else:
            change = await self.service.disallow_mention_role(
                ctx.guild.id, ctx.author.id, role.id if role else None
            )
        settings = await self.service.get(ctx.guild.id)
        roles = ", ".join(_role(ctx.guild, r) for r in settings.mention_role_ids) or "none"
        await self._done(ctx, change, f"Roles announcements may ping: {roles}.")

    @subcommand(config, "language", "Set the language for dates (en, ko, hi, pt-BR ...)")
    @app_commands.describe(code="A language code such as en, ko or pt-BR")
    async def language(self, ctx: Ctx, code: str) -> None:
        assert ctx.guild is not None
        change = await self.service.set_language(ctx.guild.id, ctx.author.id, code)
        await self._done(ctx, change, f"Date language is now {change.new}:")

    @subcommand(config, "timezone", "Set the time zone for dates (e.g. Asia/Seoul)")
    @app_commands.describe(name="An IANA time zone such as Asia/Seoul or Europe/London")
    async def timezone(self, ctx: Ctx, *, name: str) -> None:
        assert ctx.guild is not None
        change = await self.service.set_timezone(ctx.guild.id, ctx.author.id, name)
        await self._done(ctx, change, f"Time zone is now {change.new}:")

    @timezone.autocomplete("name")
    async def _timezones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lower()[:64]
        names = [n for n in timezone_names() if wanted in n.lower()]
        return [app_commands.Choice(name=n, value=n) for n in names[:25]]

    @subcommand(config, "reset", "Put one setting back to its default")
    @app_commands.describe(setting="The setting to reset")
    async def reset(self, ctx: Ctx, setting: ResetKey) -> None:
        assert ctx.guild is not None
        change = await self.service.reset(ctx.guild.id, ctx.author.id, setting)
        await self._done(ctx, change, f"{setting} is back to its default:")

    @subcommand(config, "log", "The latest setting changes and who made them")
    async def history(self, ctx: Ctx) -> None:
        assert ctx.guild is not None
        changes = await self.service.history(ctx.guild.id, 10)
        lines = [
            f"{c.at[:16].replace('T', ' ')} <@{c.user_id}> {c.key}: {c.old or 'none'} → {c.new or 'none'}"
            for c in changes
        ]
        card = Card("Recent setting changes", "\n".join(lines) or "No changes yet.", kind="help")
        await reply(ctx, embed=card_to_embed(card), ephemeral=True)


async def setup(bot: ReviewBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Settings(bot))
