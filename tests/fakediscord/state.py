"""The fake Discord's world: users, guilds, roles, channels, members and permission arithmetic.

Everything here is plain data with no I/O. ``World.default()`` builds the standard test world: one
application and bot user, and one guild "Test Guild" with #general, #reviews and #mods, the roles
@everyone, Moderators, Admin and Fans, and the members owner, moderator, member and the bot.
Permissions follow Discord's documented algorithm (base from roles, then channel overwrites).
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class Perm:
    """Permission bits, as in Discord's documented bitfield."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    SEND_MESSAGES_IN_THREADS = 1 << 38

    ALL = (1 << 51) - 1
    EVERYONE_DEFAULT = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | SEND_MESSAGES_IN_THREADS
    )


_counter = itertools.count(1)


def new_snowflake() -> int:
    """A fresh, increasing snowflake built the way Discord builds them (ms timestamp << 22)."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (1 << 17) | (next(_counter) & 0xFFF)


def iso_now() -> str:
    """The current time as Discord formats timestamps (ISO 8601, UTC offset)."""
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None


@dataclass
class Role:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    hoist: bool = False
    managed: bool = False


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 is a role, 1 a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    """A guild text channel (type 0) or a DM channel (type 1, no guild)."""

    id: int
    name: str
    type: int = 0
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_id: int | None = None


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    def role(self, name: str) -> Role:
        """The role called ``name`` (``"@everyone"`` works too)."""
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role {name!r} in guild {self.name!r}")

    def channel(self, name: str) -> Channel:
        """The channel called ``name`` (a leading ``#`` is ignored)."""
        name = name.lstrip("#")
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no channel #{name} in guild {self.name!r}")


class World:
    """All state of the fake Discord, with helpers to build guilds and compute permissions."""

    def __init__(self, *, bot_name: str = "ReviewBot", app_name: str = "reviewbot") -> None:
        self.application_id = new_snowflake()
        self.app_name = app_name
        self.bot_user = User(self.application_id, bot_name, bot=True)
        self.app_owner = User(new_snowflake(), "app_owner")
        self.verify_key = secrets.token_hex(32)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.aliases: dict[str, int] = {"bot": self.bot_user.id}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.default_guild: Guild | None = None

    @classmethod
    def default(cls) -> World:
        """The standard world described in the module docstring."""
        world = cls()
        owner = world.add_user("guild_owner", alias="owner")
        moderator = world.add_user("mod_mary", alias="moderator")
        member = world.add_user("plain_pat", alias="member")
        guild = world.add_guild("Test Guild", owner=owner)
        world.add_role(guild, "Moderators")
        world.add_role(guild, "Admin", permissions=Perm.MANAGE_GUILD)
        world.add_role(guild, "Fans", mentionable=True)
        for name in ("general", "reviews", "mods"):
            world.add_channel(guild, name)
        world.add_member(guild, moderator, roles=["Moderators", "Admin"])
        world.add_member(guild, member, roles=["Fans"])
        return world

    # --- building -------------------------------------------------------------------------

    def add_user(self, username: str, *, alias: str | None = None, bot: bool = False) -> User:
        """Create a user; ``alias`` (and the username) can then name it in scenario helpers."""
        user = User(new_snowflake(), username, bot=bot)
        self.users[user.id] = user
        self.aliases[username] = user.id
        if alias:
            self.aliases[alias] = user.id
        return user

    def add_guild(self, name: str, *, owner: User | None = None) -> Guild:
        """Create a guild with its @everyone role, the owner and the bot as members, no channels."""
        owner = owner or self.add_user(f"owner_of_{name.lower().replace(' ', '_')}")
        gid = new_snowflake()
        guild = Guild(gid, name, owner.id)
        guild.roles[gid] = Role(gid, "@everyone", permissions=Perm.EVERYONE_DEFAULT)
        self.guilds[gid] = guild
        self.default_guild = self.default_guild or guild
        self.add_member(guild, owner)
        self.add_member(guild, self.bot_user)
        return guild

    def add_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        mentionable: bool = False,
        hoist: bool = False,
    ) -> Role:
        """Create a role above the existing ones."""
        role = Role(new_snowflake(), name, permissions, len(guild.roles), mentionable, hoist)
        guild.roles[role.id] = role
        return role

    def add_channel(self, guild: Guild, name: str, *, topic: str | None = None) -> Channel:
        """Create a text channel at the end of the list."""
        channel = Channel(new_snowflake(), name, 0, guild.id, len(guild.channels), topic)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_member(self, guild: Guild, user: User | str, *, roles: Sequence[str] = ()) -> Member:
        """Make ``user`` (a User or a new username) a member of ``guild`` with the named roles."""
        if isinstance(user, str):
            user = self.users[self.aliases[user]] if user in self.aliases else self.add_user(user)
        member = Member(user, [guild.role(r).id for r in roles])
        guild.members[user.id] = member
        return member

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User, *, allow: int = 0, deny: int = 0
    ) -> Overwrite:
        """Set (replace) the channel overwrite for a role or a member."""
        if isinstance(target, Role):
            tid, ttype = target.id, 0
        else:
            tid, ttype = (target.user.id if isinstance(target, Member) else target.id), 1
        channel.overwrites = [o for o in channel.overwrites if o.id != tid]
        overwrite = Overwrite(tid, ttype, allow, deny)
        channel.overwrites.append(overwrite)
        return overwrite

    def deny_bot(self, channel: Channel, permissions: int = Perm.SEND_MESSAGES) -> None:
        """Take permissions (default Send Messages) from the bot in ``channel``."""
        self.set_overwrite(channel, self.bot_user, deny=permissions)

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and ``user`` (created on first use)."""
        for channel in self.channels.values():
            if channel.type == 1 and channel.recipient_id == user.id:
                return channel
        channel = Channel(new_snowflake(), "", 1, None, recipient_id=user.id)
        self.channels[channel.id] = channel
        return channel

    # --- looking up -----------------------------------------------------------------------

    def user(self, ref: User | Member | str | int) -> User:
        """Resolve an alias ("owner", "moderator", "member", "bot"), username, id or object."""
        if isinstance(ref, User):
            return ref
        if isinstance(ref, Member):
            return ref.user
        if isinstance(ref, int):
            return self.users[ref]
        if ref in self.aliases:
            return self.users[self.aliases[ref]]
        raise KeyError(f"no user {ref!r}; known: {sorted(self.aliases)}")

    def guild(self, ref: Guild | str | int | None = None) -> Guild:
        """Resolve a guild by object, name or id; None means the first guild."""
        if isinstance(ref, Guild):
            return ref
        if ref is None:
            if self.default_guild is None:
                raise KeyError("the fake has no guild")
            return self.default_guild
        for guild in self.guilds.values():
            if ref in (guild.id, guild.name):
                return guild
        raise KeyError(f"no guild {ref!r}")

    def channel(self, ref: Channel | str | int, guild: Guild | str | int | None = None) -> Channel:
        """Resolve a channel by object, id, or name within ``guild`` (default: the first guild)."""
        if isinstance(ref, Channel):
            return ref
        if isinstance(ref, int):
            return self.channels[ref]
        return self.guild(guild).channel(ref)

    # --- permissions ----------------------------------------------------------------------

    def base_permissions(self, guild: Guild, user_id: int) -> int:
        """Guild-level permissions: owner and Administrator get everything."""
        if user_id == guild.owner_id:
            return Perm.ALL
        member = guild.members.get(user_id)
        perms = guild.roles[guild.id].permissions
        for rid in member.roles if member else []:
            perms |= guild.roles[rid].permissions
        return Perm.ALL if perms & Perm.ADMINISTRATOR else perms

    def permissions_for(self, channel: Channel, user_id: int) -> int:
        """Permissions of ``user_id`` in ``channel`` after overwrites (Discord's algorithm)."""
        if channel.guild_id is None:
            return Perm.EVERYONE_DEFAULT
        guild = self.guilds[channel.guild_id]
        perms = self.base_permissions(guild, user_id)
        if perms == Perm.ALL:
            return perms
        member = guild.members.get(user_id)
        by_id = {o.id: o for o in channel.overwrites}
        everyone = by_id.get(guild.id)
        if everyone:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for rid in member.roles if member else []:
            o = by_id.get(rid)
            if o and o.type == 0:
                allow |= o.allow
                deny |= o.deny
        perms = (perms & ~deny) | allow
        own = by_id.get(user_id)
        if own and own.type == 1:
            perms = (perms & ~own.deny) | own.allow
        return perms
