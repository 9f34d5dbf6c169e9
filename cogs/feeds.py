"""Feed following for moderators: ``/feed ...`` and ``!feed ...`` (one hybrid group).

The cog parses, calls ``bot.feeds.service.FeedService`` and draws the answer as embeds; every rule
(URL checks, discovery, filters, templates, backfill caps) lives in the service. The permission check is
the one ``/config`` uses (``cogs.admin.require_moderator``), run as the cog check so that it guards the
prefix path and the slash path alike. Mistakes are raised and answered by ``cogs.errors``.

Visibility: ``/feed add`` defers (it fetches the feed first), ephemerally, so its errors *and* its
confirmation (ref, permission warnings, next steps: moderator business, like ``/config``'s) are private.
The other subcommands answer without deferring: errors private, confirmations public as before.

``ref`` names one of the server's subscriptions: its number in ``/feed list``, ``#id`` (always the
subscription id), or its feed URL; slash commands autocomplete it with ``#id`` values (for moderators only:
the list is not shown to everyone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announce import FIELDS, placeholder_help
from bot.announce.filters import EXAMPLE as FILTER_EXAMPLE
from bot.errors import PermissionDenied
from bot.feeds.service import FeedService
from bot.models import SubscriptionStatus
from bot.render import Card, Field
from bot.settings import may_configure
from bot.text import truncate
from cogs.admin import require_moderator, subcommand
from cogs.errors import Refused
from cogs.paging import AnswerRef, send_cards
from cogs.ui import SELECT_TEXT_MAX, card_to_embed, reply

if TYPE_CHECKING:
    from bot.client import ReviewBot

log = logging.getLogger("reviewbot.cogs.feeds")
Ctx = commands.Context[Any]

PER_PAGE = 5  # subscriptions per page of /feed list (each is one embed field)
AUTOCOMPLETE_MAX = 25
BACKFILL_MAX = 100  # the service caps it further (settings.backfill_cap)
FILTER_SYNTAX = (
    'include:word,word  exclude:word,"two words"  regex:/pattern/i  reviews-only  '
    f"fields:{','.join(FIELDS)}  clear"
)
TEMPLATE_HELP = "Placeholders:\n" + placeholder_help() + "\nWrite \\n for a new line."
REF_HELP = "The subscription: its number in /feed list, #id, or its feed URL"


def usage_command(group: Any, name: str, description: str, usage: str) -> Callable[[Any], Any]:
    """A hybrid subcommand whose usage line (shown by the error path) also teaches the syntax."""
    return group.command(name=name, description=description, ignore_extra=False, usage=usage)


# --------------------------------------------------------------------------- drawing


def _when(value: datetime | None, style: str = "R") -> str:
    """A Discord timestamp (shown in each reader's own time zone), or "never"."""
    if value is None:
        return "never"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return discord.utils.format_dt(value, style)  # type: ignore[arg-type]


def _role(guild: discord.Guild | None, role_id: int | None) -> str:
    if role_id is None:
        return "nobody"
    role = guild.get_role(role_id) if guild else None
    return role.mention if role else f"deleted role ({role_id})"


def feed_name(status: SubscriptionStatus) -> str:
    """The feed's title, or its URL when it has none."""
    return truncate(status.feed.title or status.feed.url, 80)


def state_of(status: SubscriptionStatus) -> str:
    """One line saying whether the subscription announces, and if not why."""
    feed, sub = status.feed, status.subscription
    if feed.paused:
        return f"⚠️ feed paused after {feed.failures} failed polls — /feed resume to retry"
    if sub.paused:
        return "⏸️ paused — /feed resume to continue"
    if feed.failures:
        return f"⚠️ active, last {feed.failures} poll(s) failed"
    return "✅ active"


def status_field(number: int, status: SubscriptionStatus, guild: discord.Guild | None) -> Field:
    """One subscription as an embed field for ``/feed list``."""
    feed, sub = status.feed, status.subscription
    lines = [
        f"<#{sub.channel_id}> · {state_of(status)}",
        f"<{truncate(feed.url, 300)}>",
        f"Last success {_when(feed.last_success)} · next poll "
        f"{_when(None if feed.paused or sub.paused else feed.next_poll)}",
        f"{feed.items} item(s) stored · {feed.failures} failure(s) · ref `#{sub.id}`",
    ]
    if feed.last_error:
        lines.append(f"Last error: {truncate(feed.last_error, 200)}")
    extras = []
    if sub.mention_role_id:
        extras.append(f"pings {_role(guild, sub.mention_role_id)}")
    if sub.filter_spec:
        extras.append(f"filter `{truncate(sub.filter_spec, 120)}`")
    if sub.template:
        extras.append("custom template")
    if extras:
        lines.append(" · ".join(extras))
    return Field(f"{number}. {feed_name(status)}", "\n".join(lines))


def list_cards(statuses: Sequence[SubscriptionStatus], guild: discord.Guild | None) -> list[Card]:
    """``/feed list`` as pages of ``PER_PAGE`` subscriptions."""
    if not statuses:
        return [
            Card(
                "No feeds followed here yet",
                "Follow one with /feed add <url> [channel] [role] (a site's page works too).",
                kind="help",
            )
        ]
    pages = [statuses[i : i + PER_PAGE] for i in range(0, len(statuses), PER_PAGE)]
    cards = []
    for page_number, page in enumerate(pages):
        first = page_number * PER_PAGE + 1
        fields = tuple(status_field(first + i, s, guild) for i, s in enumerate(page))
        cards.append(
            Card(
                f"Feeds followed in {guild.name if guild else 'this server'} ({len(statuses)})",
                "Use the number (or the #ref) as <ref> in the other /feed commands.",
                fields=fields,
                footer=f"Page {page_number + 1}/{len(pages)}" if len(pages) > 1 else None,
                kind="latest",
            )
        )
    return cards


def _done(title: str, description: str = "", *fields: Field) -> discord.Embed:
    return card_to_embed(Card(title, description, fields=tuple(fields), kind="latest"))


# --------------------------------------------------------------------------- the cog


class Feeds(commands.Cog):
    """Follow review feeds: new reviews are announced in the channels moderators choose."""

    page_kinds = frozenset({"f"})  # /feed list, rebuilt for its page buttons

    def __init__(self, bot: ReviewBot, service: FeedService) -> None:
        self.bot = bot
        self.service = service

    async def cog_check(self, ctx: Ctx) -> bool:
        return await require_moderator(ctx, self.bot.settings_service)

    def _guild(self, ctx: Ctx) -> discord.Guild:
        if ctx.guild is None:  # the cog check refuses DMs first; this keeps mypy sure of it
            raise Refused(PermissionDenied("Feeds belong to a server.", hint="Run it in a server."))
        return ctx.guild

    @commands.hybrid_group(  # type: ignore[arg-type]
        name="feed",
        description="Follow review feeds in this server (moderators only)",
        invoke_without_command=True,
    )
    @app_commands.guild_only()
    async def feed(self, ctx: Ctx) -> None:
        """List the feeds followed here; subcommands add, change and remove them."""
        await self.list_(ctx)

    @subcommand(feed, "add", "Follow a feed (or a site's page) and announce new reviews")
    @app_commands.describe(
        url="The feed's address, or a page of the site (its feed is found)",
        channel="Where to announce (default: this channel)",
        mention_role="A role to ping with each announcement (allowed first with /config mentions)",
    )
    async def add(
        self,
        ctx: Ctx,
        url: str,
        channel: discord.TextChannel | None = None,
        mention_role: discord.Role | None = None,
    ) -> None:
        guild = self._guild(ctx)
        if mention_role is not None and mention_role.is_default():
            raise Refused(
                PermissionDenied(
                    "Announcements never ping @everyone.", hint="Pick a fan role instead."
                )
            )
        target = channel.id if channel is not None else ctx.channel.id
        # Fetching can outlast the 3 s to answer a slash command. Defer ephemerally: the first
        # follow-up becomes the deferred message, with its visibility (errors included).
        await ctx.defer(ephemeral=True)
        result = await self.service.add(
            guild.id,
            target,
            url.strip("<>"),
            mention_role_id=mention_role.id if mention_role else None,
            user_id=ctx.author.id,
        )
        sub, feed = result.subscription, result.feed
        fields = [
            Field("Feed", f"<{truncate(feed.url, 300)}>", inline=False),
            Field("Stored now", f"{result.stored} item(s), searchable, none announced"),
            Field("Pings", _role(guild, sub.mention_role_id)),
        ]
        if result.discovered_from:
            fields.append(Field("Found on", f"<{truncate(result.discovered_from, 300)}>"))
        notes = self._warnings(guild, sub.channel_id)
        notes.append(
            f"Preview: `/feed test #{sub.id}` · post recent ones: `/feed backfill #{sub.id} 3`"
        )
        embed = _done(
            f"Following {truncate(feed.title or feed.url, 200)}",
            f"New reviews will be announced in <#{sub.channel_id}>.\n" + "\n".join(notes),
            *fields,
        )
        await reply(ctx, embed=embed, ephemeral=True)

    @staticmethod
    def _warnings(guild: discord.Guild, channel_id: int) -> list[str]:
        """What would stop announcements from appearing (as far as the cache knows)."""
        notes = []
        channel = guild.get_channel(channel_id)
        me = guild.me
        if isinstance(channel, discord.abc.GuildChannel) and me is not None:
            perms = channel.permissions_for(me)
            if not (perms.view_channel and perms.send_messages):
                notes.append(f"⚠️ I can't post in <#{channel_id}>: give me Send Messages there.")
        return notes

    @subcommand(feed, "remove", "Stop following a feed in its channel")
    @app_commands.describe(ref=REF_HELP)
    async def remove(self, ctx: Ctx, *, ref: str) -> None:
        status = await self.service.remove(self._guild(ctx).id, ref)
        await reply(
            ctx,
            embed=_done(
                f"Stopped following {feed_name(status)}",
                f"Nothing more will be announced from it in <#{status.subscription.channel_id}>.",
            ),
        )

    @subcommand(feed, "list", "The feeds followed here, with their health")
    async def list_(self, ctx: Ctx) -> None:
        guild = self._guild(ctx)
        statuses = await self.service.list(guild.id)
        await send_cards(ctx, list_cards(statuses, guild), ref=AnswerRef("f"))

    async def rebuild_pages(self, interaction: discord.Interaction, ref: AnswerRef) -> list[Card]:
        """``/feed list`` again, for its page buttons (``cogs.paging.PageSource``): moderators only."""
        guild = interaction.guild
        if guild is None or not await self._may_configure(interaction):
            raise PermissionDenied("Only moderators can page through the feed list.")
        return list_cards(await self.service.list(guild.id), guild)

    @subcommand(feed, "pause", "Stop announcing a feed for now (it is still stored)")
    @app_commands.describe(ref=REF_HELP)
    async def pause(self, ctx: Ctx, *, ref: str) -> None:
        status = await self.service.pause(self._guild(ctx).id, ref)
        await reply(ctx, embed=_done(f"Paused {feed_name(status)}", state_of(status)))

    @subcommand(feed, "resume", "Announce a paused feed again (also retries a failing one)")
    @app_commands.describe(ref=REF_HELP)
    async def resume(self, ctx: Ctx, *, ref: str) -> None:
        status = await self.service.resume(self._guild(ctx).id, ref)
        await reply(ctx, embed=_done(f"Resumed {feed_name(status)}", state_of(status)))

    @subcommand(feed, "test", "Show the newest item exactly as it would be announced")
    @app_commands.describe(ref=REF_HELP)
    async def test(self, ctx: Ctx, *, ref: str) -> None:
        announcement = await self.service.test(self._guild(ctx).id, ref)
        note = _done(
            "Preview", "This is how the newest item would be announced. Nobody was pinged."
        )
        await reply(ctx, announcement.content, embed=note)  # reply() never parses mentions

    @subcommand(
        feed, "backfill", "Announce a feed's latest items (already posted ones are skipped)"
    )
    @app_commands.describe(ref=REF_HELP, count="How many of the latest items to announce")
    async def backfill(
        self, ctx: Ctx, ref: str, count: commands.Range[int, 1, BACKFILL_MAX]
    ) -> None:
        queued = await self.service.backfill(self._guild(ctx).id, ref, count)
        text = (
            f"Queued {queued} item(s); they will appear shortly."
            if queued
            else "Nothing to queue: those items were already announced (or the feed is empty)."
        )
        await reply(ctx, embed=_done("Backfill", text))

    @usage_command(
        feed,
        "filter",
        "Choose which items a feed announces",
        f"<ref> <spec>, where <spec> is any of: {FILTER_SYNTAX}",
    )
    @app_commands.describe(ref=REF_HELP, spec=truncate("e.g. " + FILTER_SYNTAX, 100))
    async def filter_(self, ctx: Ctx, ref: str, *, spec: str) -> None:
        result = await self.service.set_filter(self._guild(ctx).id, ref, spec)
        await reply(
            ctx,
            embed=_done(
                "Filter saved",
                result.describe(),
                Field("As typed", f"`{truncate(result.to_spec(), 900)}`"),
                Field("Syntax", FILTER_SYNTAX + "\n" + FILTER_EXAMPLE),
            ),
        )

    @usage_command(
        feed,
        "template",
        "Change how a feed's announcements read (a preview is shown)",
        "<ref> <text> with placeholders such as {headline} {stars} {url}, or default to reset",
    )
    @app_commands.describe(
        ref=REF_HELP, text="e.g. **{headline}** {stars} {url} — or default to reset"
    )
    async def template(self, ctx: Ctx, ref: str, *, text: str) -> None:
        preview = await self.service.set_template(self._guild(ctx).id, ref, text)
        note = _done(
            "Template saved",
            "Above: a made-up review in the new template (nobody was pinged).",
            Field("Placeholders", truncate(TEMPLATE_HELP, 1000)),
        )
        await reply(ctx, preview, embed=note)

    async def _may_configure(self, interaction: discord.Interaction) -> bool:
        """Whether the member behind an interaction is a moderator here (``require_moderator``'s rule)."""
        guild, user = interaction.guild, interaction.user
        if guild is None or not isinstance(user, discord.Member):
            return False
        settings = await self.bot.settings_service.get(guild.id)
        return may_configure(
            settings,
            manage_guild=interaction.permissions.manage_guild,
            role_ids=[r.id for r in user.roles],
            is_owner=guild.owner_id == user.id,
        )

    # ------------------------------------------------------------------ autocomplete
    @remove.autocomplete("ref")
    @pause.autocomplete("ref")
    @resume.autocomplete("ref")
    @test.autocomplete("ref")
    @backfill.autocomplete("ref")
    @filter_.autocomplete("ref")
    @template.autocomplete("ref")
    async def _refs(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The server's subscriptions, for moderators only."""
        guild = interaction.guild
        if guild is None or not await self._may_configure(interaction):
            return []
        wanted = current.strip().lower()
        choices = []
        for number, status in enumerate(await self.service.list(guild.id), start=1):
            channel = guild.get_channel(status.subscription.channel_id)
            where = f"#{channel.name}" if channel else str(status.subscription.channel_id)
            label = f"{number}. {feed_name(status)} → {where}"
            if status.subscription.paused or status.feed.paused:
                label += " (paused)"
            haystack = f"{label} {status.feed.url} {status.subscription.id}".lower()
            if wanted and wanted not in haystack:
                continue
            choices.append(
                app_commands.Choice(
                    name=truncate(label, SELECT_TEXT_MAX), value=f"#{status.subscription.id}"
                )
            )
            if len(choices) >= AUTOCOMPLETE_MAX:
                break
        return choices


async def setup(bot: ReviewBot) -> None:
    """Extension entry point (needs the bot built with a ``FeedService``)."""
    service = getattr(bot, "feed_service", None)
    if service is None:
        log.info("no FeedService on the bot: feed commands are not loaded")
        return
    await bot.add_cog(Feeds(bot, service))
