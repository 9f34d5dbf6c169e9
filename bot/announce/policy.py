"""Announcement delivery rules: a deterministic nonce per (channel, review) and the mention policy."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

NONCE_MAX = 25  # Discord's limit for a message nonce
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    out = []
    while True:
        number, rest = divmod(number, 36)
        out.append(_DIGITS[rest])
        if not number:
            return "".join(reversed(out))


def announcement_nonce(channel_id: int, review_id: int) -> str:
    """A nonce that is the same for the same channel and review in every process, at most 25 characters.

    It is the base-36 form of the first 128 bits of a SHA-256 of both ids (36**25 > 2**128), so a
    retried send after a crash or restart carries the same nonce and Discord can drop the duplicate.
    """
    digest = hashlib.sha256(
        f"reviewbot-announce:{int(channel_id)}:{int(review_id)}".encode()
    ).digest()
    return _base36(int.from_bytes(digest[:16], "big"))


def announcement_mentions(
    settings_allowed_role_ids: Iterable[int],
    subscription_mention_role_id: int | None,
    *,
    guild_id: int | None = None,
) -> tuple[str, tuple[int, ...]]:
    """The mention text to put in an announcement and the role ids its allowed_mentions may ping.

    Only a role the moderators allowed (``GuildSettings.mention_role_ids``) is ever pinged, and only if
    the subscription asks for it; anything else gives ``("", ())``. The @everyone role (whose id is the
    server's id) is never pinged. Use this for announcements only: every other message pings nobody.
    """
    role = subscription_mention_role_id
    if role is None or isinstance(role, bool) or not isinstance(role, int) or role <= 0:
        return "", ()
    if guild_id is not None and role == guild_id:
        return "", ()
    if role not in {r for r in settings_allowed_role_ids if isinstance(r, int)}:
        return "", ()
    return f"<@&{role}>", (role,)
