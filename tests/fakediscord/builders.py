"""Interaction payloads as Discord sends them in INTERACTION_CREATE (types 2, 3 and 4).

Option values are typed from the commands the bot synced (PUT .../commands), so a test passes plain
Python values: ``{"title": "Parasite", "limit": 3, "who": "moderator", "where": "reviews"}``.
"""

from __future__ import annotations

import secrets
from typing import Any

from .payloads import JSON, channel_payload, member_payload, role_payload, user_payload
from .state import Channel, Guild, Role, User, World, new_snowflake

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
SELECT_TYPES = {3, 5, 6, 7, 8}


def base_interaction(world: World, kind: int, user: User, channel: Channel) -> JSON:
    """The fields every interaction carries; guild ones get ``member``, DMs get ``user``."""
    perms = world.permissions_for(channel, user.id)
    data: JSON = {
        "id": str(new_snowflake()),
        "application_id": str(world.application_id),
        "type": kind,
        "token": "fake-" + secrets.token_urlsafe(48),
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "app_permissions": str(world.permissions_for(channel, world.bot_user.id)),
        "channel_id": str(channel.id),
        "channel": {**channel_payload(world, channel), "permissions": str(perms)},
    }
    if channel.guild_id is not None:
        guild = world.guilds[channel.guild_id]
        member = guild.members.get(user.id)
        if member is None:
            raise KeyError(f"{user.username} is not a member of {guild.name}")
        data.update(
            {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
                "guild_locale": "en-US",
                "member": member_payload(member, permissions=perms),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0,
            }
        )
    else:
        data.update(
            {"user": user_payload(user), "authorizing_integration_owners": {"0": "0"}, "context": 1}
        )
    return data


def find_command(
    commands: dict[int | None, list[JSON]], name: str, guild_id: int | None
) -> JSON | None:
    """The synced chat-input command ``name``: guild commands first, then global ones."""
    scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
    for scope in scopes:
        for cmd in commands.get(scope, []):
            if cmd["name"] == name and cmd.get("type", 1) == 1:
                return cmd
    return None


def command_data(
    world: World,
    commands: dict[int | None, list[JSON]],
    path: str,
    values: dict[str, Any] | None,
    guild: Guild | None,
    *,
    focused: str | None = None,
) -> JSON:
    """``data`` of an application-command interaction for ``path`` ("cast" or "config set")."""
    names = path.split()
    definition = find_command(commands, names[0], guild.id if guild else None)
    spec: list[JSON] | None = definition.get("options", []) if definition else None
    chain: list[tuple[str, int]] = []
    for sub in names[1:]:
        found = next((o for o in spec or [] if o["name"] == sub), None)
        kind = found["type"] if found else (SUB_COMMAND if sub == names[-1] else SUB_COMMAND_GROUP)
        chain.append((sub, kind))
        spec = found.get("options", []) if found else None
    resolved: JSON = {}
    options = [
        _option(world, guild, spec, name, value, resolved, focused == name)
        for name, value in (values or {}).items()
    ]
    for sub, kind in reversed(chain):
        options = [{"name": sub, "type": kind, "options": options}]
    data: JSON = {
        "id": definition["id"] if definition else str(new_snowflake()),
        "name": names[0],
        "type": 1,
        "options": options,
    }
    if definition and definition.get("guild_id"):
        data["guild_id"] = definition["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _guess_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, User):
        return USER
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, Role):
        return ROLE
    return STRING


def _option(
    world: World,
    guild: Guild | None,
    spec: list[JSON] | None,
    name: str,
    value: Any,
    resolved: JSON,
    focused: bool,
) -> JSON:
    if spec is not None:
        found = next((o for o in spec if o["name"] == name), None)
        if found is None:
            known = [o["name"] for o in spec]
            raise ValueError(f"command has no option {name!r}; it has {known}")
        kind = int(found["type"])
    else:
        kind = _guess_type(value)
    option: JSON = {"name": name, "type": kind}
    if focused:
        option.update({"value": str(value), "focused": True})
        return option
    option["value"] = _convert(world, guild, kind, value, resolved)
    return option


def _convert(world: World, guild: Guild | None, kind: int, value: Any, resolved: JSON) -> Any:
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    if kind == STRING:
        return str(value)
    if kind in (USER, MENTIONABLE) and not isinstance(value, Role):
        try:
            user = world.user(value)
        except KeyError:
            if kind == USER:
                raise
        else:
            resolved.setdefault("users", {})[str(user.id)] = user_payload(user)
            if guild and user.id in guild.members:
                member = member_payload(guild.members[user.id], with_user=False)
                member["permissions"] = str(world.base_permissions(guild, user.id))
                resolved.setdefault("members", {})[str(user.id)] = member
            return str(user.id)
    if kind in (ROLE, MENTIONABLE) and guild is not None:
        role = value if isinstance(value, Role) else _role(guild, value)
        resolved.setdefault("roles", {})[str(role.id)] = role_payload(role)
        return str(role.id)
    if kind == CHANNEL:
        channel = world.channel(value, guild)
        data = channel_payload(world, channel)
        data["permissions"] = str(world.permissions_for(channel, world.bot_user.id))
        resolved.setdefault("channels", {})[str(channel.id)] = data
        return str(channel.id)
    raise ValueError(f"option type {kind} is not supported by the fake")


def _role(guild: Guild, ref: Any) -> Role:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return guild.roles[int(ref)]
    return guild.role(str(ref).lstrip("@") if ref != "@everyone" else ref)


def find_component(components: list[JSON], custom_id: str) -> JSON | None:
    """The component with ``custom_id`` anywhere in a message's (nested) components."""
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        inner = comp.get("components") or ([comp["accessory"]] if comp.get("accessory") else [])
        found = find_component(inner, custom_id)
        if found is not None:
            return found
    return None


def component_data(message: JSON, custom_id: str, values: list[str] | None) -> JSON:
    """``data`` of a component interaction: a button press or a select choice."""
    comp = find_component(message.get("components") or [], custom_id)
    if comp is None:
        raise ValueError(f"message {message['id']} has no component with custom_id {custom_id!r}")
    kind = int(comp["type"])
    data: JSON = {"custom_id": custom_id, "component_type": kind}
    if kind in SELECT_TYPES:
        data["values"] = [str(v) for v in values or []]
    elif values:
        raise ValueError(f"{custom_id!r} is a button (type {kind}); values are for selects")
    return data
