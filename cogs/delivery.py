"""Delivery of feed announcements to Discord: ``DiscordTransport`` implements ``bot.delivery.Transport``.

The core (``bot.delivery.Sender``) decides *when* to send: it paces sends under Discord's limits and
retries. This adapter only turns one outbox row into one REST call and maps Discord's answers onto
``SendError``: a channel that is gone (404) or where the bot may not speak (403) is permanent; a server
error, a rate limit that outlasted discord.py's own retries, or a network failure is transient.

Every send carries the row's nonce; discord.py then also sets ``enforce_nonce``, so Discord drops a
repeat of a send that reached it before a crash (for a few minutes; after that ``find_posted`` reads
the channel's recent history so the Sender does not post a row twice). Mentions are explicit: announcements may ping only the
roles the core put in ``Announcement.role_ids`` (moderator-configured); notices to moderators ping nobody.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.delivery import SendError
from bot.models import Announcement
from cogs.ui import fit_content

if TYPE_CHECKING:
    from bot.client import ReviewBot

log = logging.getLogger("reviewbot.delivery")

NOTICE_PREFIX = "**Feed notice:** "
HISTORY_LIMIT = 200  # messages read when looking for an announcement that may be posted already
# Discord JSON error codes that no retry can fix (the channel, message or access is gone)
_PERMANENT_CODES = frozenset({10003, 10008, 50001, 50013, 50007, 50083})


def announcement_allowed_mentions(role_ids: Iterable[int]) -> discord.AllowedMentions:
    """Allowed mentions for an announcement: exactly ``role_ids``; never @everyone, users or replies."""
    roles = [discord.Object(id=r) for r in dict.fromkeys(role_ids)]
    return discord.AllowedMentions(
        everyone=False, users=False, roles=roles or False, replied_user=False
    )


def send_error(exc: BaseException, what: str) -> SendError:
    """Map an exception raised by a Discord call onto ``SendError`` (permanent or transient)."""
    if isinstance(exc, discord.RateLimited):
        return SendError(
            f"Discord rate-limited {what} for {exc.retry_after:.1f} s.",
            permanent=False,
            retry_after=exc.retry_after,
        )
    if isinstance(exc, discord.HTTPException):
        status, code = exc.status, exc.code
        detail = f"{what} failed: HTTP {status} (code {code}) {exc.text[:200]}".strip()
        if isinstance(exc, discord.NotFound | discord.Forbidden) or code in _PERMANENT_CODES:
            return SendError(detail, permanent=True)
        if status == 429:
            retry = exc.response.headers.get("Retry-After") if exc.response is not None else None
            return SendError(detail, permanent=False, retry_after=_seconds(retry))
        if status >= 500 or status in (408, 429):
            return SendError(detail, permanent=False)
        # another 4xx: the request itself is wrong; sending it again gives the same answer
        return SendError(detail, permanent=True)
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError | asyncio.TimeoutError):
        return SendError(f"{what} failed: network error {exc!r}", permanent=False)
    if isinstance(exc, discord.ClientException | RuntimeError):
        # e.g. the HTTP session is closing during shutdown: try again after the restart
        return SendError(f"{what} failed: {exc}", permanent=False)
    return SendError(f"{what} failed: {exc!r}", permanent=False)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class DiscordTransport:
    """``bot.delivery.Transport`` over a discord.py bot (no cache needed: partial messageables)."""

    def __init__(self, bot: ReviewBot) -> None:
        self.bot = bot

    async def send(self, channel_id: int, announcement: Announcement, nonce: str) -> int:
        """Post ``announcement`` in ``channel_id`` with ``nonce``; the new message's id."""
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            message = await channel.send(
                fit_content(announcement.content),
                nonce=nonce,
                allowed_mentions=announcement_allowed_mentions(announcement.role_ids),
            )
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise send_error(exc, f"sending to channel {channel_id}") from exc
        return message.id

    async def edit(self, channel_id: int, message_id: int, announcement: Announcement) -> None:
        """Replace the text of an announcement already posted (an edited feed item)."""
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            await message.edit(
                content=fit_content(announcement.content),
                allowed_mentions=announcement_allowed_mentions(announcement.role_ids),
            )
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise send_error(exc, f"editing message {message_id} in channel {channel_id}") from exc

    async def find_posted(
        self, channel_id: int, announcement: Announcement, since: datetime
    ) -> int | None:
        """A message of this bot in ``channel_id`` since ``since`` with the announcement's text.

        Reads up to ``HISTORY_LIMIT`` messages after ``since`` (oldest first). Discord returns no
        nonces in a channel's history, so the text decides: one review is announced once per
        channel, and its announcement names it.
        """
        me = self.bot.user
        if me is None:
            raise SendError("not connected to Discord yet", permanent=False)
        channel = self.bot.get_partial_messageable(channel_id)
        content = fit_content(announcement.content).strip()  # Discord trims what it stores
        after = discord.Object(id=discord.utils.time_snowflake(since))
        try:
            async for message in channel.history(
                limit=HISTORY_LIMIT, after=after, oldest_first=True
            ):
                if message.author.id == me.id and message.content.strip() == content:
                    return message.id
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise send_error(exc, f"reading the history of channel {channel_id}") from exc
        return None

    async def notify(self, guild_id: int, channel_id: int | None, text: str) -> None:
        """Tell a server's moderators something; pings nobody and never raises.

        Tried in order: the server's announcement channel (``/config channel``), ``channel_id``, the
        server's system channel; the first that accepts the message wins. Failures are logged.
        """
        settings = await self.bot.settings_service.get(guild_id)
        guild = self.bot.get_guild(guild_id)
        system = guild.system_channel.id if guild and guild.system_channel else None
        targets = list(
            dict.fromkeys(c for c in (settings.announce_channel_id, channel_id, system) if c)
        )
        content = fit_content(NOTICE_PREFIX + text)
        for target in targets:
            try:
                await self.bot.get_partial_messageable(target, guild_id=guild_id).send(
                    content, allowed_mentions=discord.AllowedMentions.none()
                )
                return
            except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.warning("could not notify guild %s in channel %s: %s", guild_id, target, exc)
        log.warning("no channel took a notice for guild %s: %s", guild_id, text[:200])
