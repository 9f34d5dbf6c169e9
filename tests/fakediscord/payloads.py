"""JSON shapes of Discord objects, built from the fake's world (see Discord's API reference).

Snowflakes are strings, permissions are bitfield strings, timestamps ISO 8601, as Discord sends them.
"""

from __future__ import annotations

import re
from typing import Any

from .state import Channel, Guild, Member, Role, User, World, iso_now, new_snowflake

JSON = dict[str, Any]

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


def user_payload(user: User) -> JSON:
    """A user object."""
    data: JSON = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": None,
        "banner": None,
        "accent_color": None,
        "public_flags": 0,
        "flags": 0,
        "avatar_decoration_data": None,
    }
    if user.bot:
        data["bot"] = True
    return data


def role_payload(role: Role) -> JSON:
    """A role object."""
    return {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }


def channel_payload(world: World, channel: Channel) -> JSON:
    """A guild text channel or DM channel object."""
    if channel.type == 1:
        recipient = world.users[channel.recipient_id or 0]
        return {
            "id": str(channel.id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user_payload(recipient)],
        }
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in channel.overwrites
        ],
        "topic": channel.topic,
        "nsfw": False,
        "parent_id": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def member_payload(
    member: Member, *, with_user: bool = True, permissions: int | None = None
) -> JSON:
    """A guild member object; ``permissions`` is added as in interaction payloads."""
    data: JSON = {
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_payload(member.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild_payload(guild: Guild) -> JSON:
    """A guild object as GET /guilds/{id} returns it (no channels or members)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "preferred_locale": "en-US",
        "max_members": 500000,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [role_payload(r) for r in guild.roles.values()],
    }


def guild_create_payload(world: World, guild: Guild) -> JSON:
    """The GUILD_CREATE event body: the guild with channels, members and counts."""
    data = guild_payload(guild)
    data.update(
        {
            "joined_at": guild.members[world.bot_user.id].joined_at,
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(guild.members),
            "channels": [channel_payload(world, c) for c in guild.channels.values()],
            "members": [member_payload(m) for m in guild.members.values()],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
    )
    return data


def application_payload(world: World) -> JSON:
    """GET /oauth2/applications/@me."""
    return {
        "id": str(world.application_id),
        "name": world.app_name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": world.verify_key,
        "owner": user_payload(world.app_owner),
        "team": None,
        "flags": 0,
        "bot": user_payload(world.bot_user),
    }


def resolve_mentions(
    world: World,
    channel: Channel,
    content: str,
    allowed_mentions: JSON | None = None,
    *,
    replied_user: User | None = None,
) -> JSON:
    """``mentions``, ``mention_roles`` and ``mention_everyone`` for a message, honouring
    ``allowed_mentions`` the way Discord does (absent means parse everything)."""
    parse = {"users", "roles", "everyone"}
    users_ok: set[str] = set()
    roles_ok: set[str] = set()
    replied = True
    if allowed_mentions is not None:
        parse = set(allowed_mentions.get("parse", []))
        users_ok = set(allowed_mentions.get("users", []))
        roles_ok = set(allowed_mentions.get("roles", []))
        replied = bool(allowed_mentions.get("replied_user", False))
    guild = world.guilds.get(channel.guild_id or 0)
    mentions: list[JSON] = []
    for uid in dict.fromkeys(USER_MENTION.findall(content)):
        if ("users" in parse or uid in users_ok) and int(uid) in world.users:
            mentions.append(_mentioned_user(world, guild, int(uid)))
    if (
        replied_user is not None
        and replied
        and all(m["id"] != str(replied_user.id) for m in mentions)
    ):
        mentions.append(_mentioned_user(world, guild, replied_user.id))
    roles = [
        rid
        for rid in dict.fromkeys(ROLE_MENTION.findall(content))
        if guild and int(rid) in guild.roles and ("roles" in parse or rid in roles_ok)
    ]
    everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
    return {"mentions": mentions, "mention_roles": roles, "mention_everyone": everyone}


def _mentioned_user(world: World, guild: Guild | None, user_id: int) -> JSON:
    data = user_payload(world.users[user_id])
    if guild and user_id in guild.members:
        data["member"] = member_payload(guild.members[user_id], with_user=False)
    return data


def message_payload(
    world: World,
    channel: Channel,
    author: User,
    body: JSON,
    *,
    message_type: int = 0,
    referenced: JSON | None = None,
) -> JSON:
    """A message object as Discord returns it, from a create-message request ``body``."""
    content = str(body.get("content") or "")
    replied_user = None
    if referenced is not None:
        replied_user = world.users.get(int(referenced["author"]["id"]))
    data: JSON = {
        "id": str(new_snowflake()),
        "type": message_type,
        "channel_id": str(channel.id),
        "author": user_payload(author),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "attachments": [],
        "embeds": list(body.get("embeds") or []),
        "components": list(body.get("components") or []),
        "pinned": False,
        "flags": int(body.get("flags") or 0),
    }
    data.update(
        resolve_mentions(
            world, channel, content, body.get("allowed_mentions"), replied_user=replied_user
        )
    )
    if channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
    if body.get("nonce") is not None:
        data["nonce"] = body["nonce"]
    if body.get("message_reference"):
        ref = dict(body["message_reference"])
        ref.setdefault("channel_id", str(channel.id))
        ref.setdefault("type", 0)
        data["message_reference"] = ref
        data["referenced_message"] = referenced
        if data["type"] == 0:
            data["type"] = 19
    return data


def gateway_message(world: World, message: JSON) -> JSON:
    """A stored message as a MESSAGE_CREATE event: guild messages carry the author's member."""
    event = dict(message)
    guild = world.guilds.get(int(message.get("guild_id") or 0))
    author_id = int(message["author"]["id"])
    if guild and author_id in guild.members:
        event["member"] = member_payload(guild.members[author_id], with_user=False)
    return event


def attachment_payload(file: JSON) -> JSON:
    """An attachment object for an uploaded file (as described by ``web_util.read_body``)."""
    aid = new_snowflake()
    name = file.get("filename") or "file"
    url = f"https://cdn.fake.invalid/attachments/{aid}/{name}"
    data: JSON = {
        "id": str(aid),
        "filename": name,
        "size": file["size"],
        "url": url,
        "proxy_url": url,
    }
    if file.get("content_type"):
        data["content_type"] = file["content_type"]
    return data


def apply_edit(
    world: World, channel: Channel, message: JSON, data: JSON, files: list[JSON] | None = None
) -> None:
    """Apply a PATCH body (and newly uploaded ``files``) to a stored message in place."""
    for key in ("content", "embeds", "components"):
        if key in data:
            empty: Any = "" if key == "content" else []
            message[key] = data[key] if data[key] is not None else empty
    if data.get("flags") is not None:
        message["flags"] = int(data["flags"])
    if data.get("attachments") is not None:
        keep = {str(a.get("id")) for a in data["attachments"]}
        message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
    message["attachments"] = list(message["attachments"]) + [
        attachment_payload(f) for f in files or []
    ]
    if "content" in data:
        content = str(message["content"])
        message.update(resolve_mentions(world, channel, content, data.get("allowed_mentions")))
    message["edited_timestamp"] = iso_now()
