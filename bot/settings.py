"""Per-server settings that moderators change: the model, validation and the service (framework-free).

``GuildSettings`` is a frozen dataclass whose defaults apply to every server until a moderator changes
something; it is stored as JSON in ``guild_settings`` (one row per server) and every change is written,
with who made it, to ``settings_log`` in the same transaction (see ``bot/storage/guilds.py``).

``SettingsService`` validates a requested change, stores it, logs it, and keeps a small cache so that the
Discord prefix look-up on every message costs no database trip. Front ends decide *who* may change
settings with ``may_configure`` (one rule for the prefix and the slash path).
"""

from __future__ import annotations

import json
import logging
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Protocol

from rapidfuzz import process

from bot.errors import PermissionDenied, UsageError
from bot.models import SettingChange

log = logging.getLogger("reviewbot.settings")

PREFIX_MAX = 5
MENTION_ROLES_MAX = 10
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
_PREFIX_FORBIDDEN = set("@#`\\*_~|<>:")


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """One server's settings; every field has the default a new server gets.

    ``prefix`` None means "the prefix from the config file". ``mention_role_ids`` are the only roles an
    announcement may ever ping (none by default).
    """

    prefix: str | None = None
    moderator_role_id: int | None = None
    announce_channel_id: int | None = None
    mention_role_ids: tuple[int, ...] = ()
    date_language: str = "en"
    timezone: str = "UTC"

    def to_json(self) -> str:
        """The JSON stored in ``guild_settings.settings`` (only keys that differ from the defaults)."""
        defaults = GuildSettings()
        data = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
            if value != getattr(defaults, key)
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> GuildSettings:
        """Settings from stored JSON; unknown keys and values of the wrong type fall back to defaults.

        A damaged row never stops the bot: it is logged and the defaults apply for that key.
        """
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            log.warning("stored server settings are not JSON; using defaults: %.80r", text)
            return cls()
        if not isinstance(data, dict):
            return cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = _coerce(f.name, data[f.name])
            if value is not None or f.name in _NULLABLE:
                values[f.name] = value
        return replace(cls(), **values)

    def effective_prefix(self, default: str) -> str:
        """The prefix chat commands use in this server."""
        return self.prefix or default


_NULLABLE = {"prefix", "moderator_role_id", "announce_channel_id"}


def _coerce(name: str, value: Any) -> Any:
    if name in ("moderator_role_id", "announce_channel_id"):
        return (
            value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
        )
    if name == "mention_role_ids":
        if not isinstance(value, list):
            return ()
        return tuple(v for v in value if isinstance(v, int) and not isinstance(v, bool) and v > 0)
    if name == "prefix":
        return value if isinstance(value, str) and _prefix_problem(value) is None else None
    if name == "date_language":
        return value if isinstance(value, str) and _LANGUAGE.match(value.lower()) else None
    if name == "timezone":
        return value if isinstance(value, str) and _timezone_or_none(value) else None
    return None


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """A user-facing setting name and what it does (for ``/config show`` and help)."""

    key: str
    label: str
    description: str


SETTINGS: tuple[SettingInfo, ...] = (
    SettingInfo("prefix", "Prefix", "Prefix for chat commands in this server"),
    SettingInfo("moderator_role_id", "Moderator role", "Members with it may change settings"),
    SettingInfo("announce_channel_id", "Announcement channel", "Where new reviews are posted"),
    SettingInfo("mention_role_ids", "Roles announcements may ping", "None unless added here"),
    SettingInfo("date_language", "Date language", "Language for dates in announcements"),
    SettingInfo("timezone", "Time zone", "Time zone for dates in announcements"),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)


class SettingsStore(Protocol):
    """What the settings service needs from storage (``bot.storage.Storage`` provides it)."""

    async def load_guild_settings(self, guild_id: int) -> str | None:
        """The stored settings JSON of a server, or None when it has none."""
        ...

    async def save_guild_setting(
        self, guild_id: int, settings_json: str, change: SettingChange
    ) -> None:
        """Store the server's new settings and log ``change``, in one transaction."""
        ...

    async def guild_settings_log(self, guild_id: int, limit: int) -> list[SettingChange]:
        """The server's latest changes, newest first."""
        ...


# --------------------------------------------------------------------------- validation


def _prefix_problem(prefix: str) -> str | None:
    if not prefix or len(prefix) > PREFIX_MAX:
        return f"A prefix is 1 to {PREFIX_MAX} characters"
    if any(ch.isspace() or not ch.isprintable() for ch in prefix):
        return "A prefix cannot contain spaces"
    if _PREFIX_FORBIDDEN & set(prefix) or prefix.startswith("/"):
        return "A prefix cannot contain / @ # ` \\ * _ ~ | < > or :"
    return None


def validate_prefix(prefix: str) -> str:
    """The prefix if usable, else UsageError saying why and what works."""
    prefix = prefix.strip()
    problem = _prefix_problem(prefix)
    if problem:
        raise UsageError(f"{problem}.", hint="For example: /config prefix ?")
    return prefix


def _timezone_or_none(name: str) -> str | None:
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


def timezone_names() -> list[str]:
    """Every IANA time zone name this machine knows, sorted."""
    return sorted(zoneinfo.available_timezones() | {"UTC"})


def validate_timezone(name: str) -> str:
    """A valid IANA time zone name (``Asia/Seoul``), else UsageError with the closest names."""
    name = name.strip()
    known = _timezone_or_none(name)
    if known:
        return known
    names = timezone_names()
    lowered = {n.lower(): n for n in names}
    if name.lower() in lowered:
        return lowered[name.lower()]
    guesses = [g[0] for g in process.extract(name[:64], names, limit=3, score_cutoff=60)]
    hint = (
        f"Did you mean {', '.join(guesses)}?" if guesses else "Use a name like Asia/Seoul or UTC."
    )
    raise UsageError(f"{name[:64]!r} is not a time zone I know.", hint=hint)


def validate_language(code: str) -> str:
    """A language tag such as ``en``, ``ko`` or ``pt-BR`` (normalised), else UsageError."""
    code = code.strip().replace("_", "-")
    if not _LANGUAGE.match(code.lower()) or len(code) > 20:
        raise UsageError(
            f"{code[:40]!r} is not a language code.", hint="Use a code such as en, ko, hi or pt-BR."
        )
    head, *rest = code.split("-")
    return "-".join([head.lower(), *(p.upper() if len(p) == 2 else p.lower() for p in rest)])


def may_configure(
    settings: GuildSettings, *, manage_guild: bool, role_ids: Iterable[int], is_owner: bool = False
) -> bool:
    """Whether a member may change settings: Manage Server, the moderator role, or server owner."""
    if is_owner or manage_guild:
        return True
    role = settings.moderator_role_id
    return role is not None and role in set(role_ids)


# --------------------------------------------------------------------------- the service


@dataclass
class SettingsService:
    """Reads, validates, changes and logs per-server settings; caches them per server."""

    store: SettingsStore
    default_prefix: str = "!"
    _cache: dict[int, GuildSettings] = field(default_factory=dict, repr=False)

    async def get(self, guild_id: int | None) -> GuildSettings:
        """The server's settings (defaults for DMs and servers that never changed anything)."""
        if guild_id is None:
            return GuildSettings()
        cached = self._cache.get(guild_id)
        if cached is None:
            cached = GuildSettings.from_json(await self.store.load_guild_settings(guild_id))
            self._cache[guild_id] = cached
        return cached

    async def prefix(self, guild_id: int | None) -> str:
        """The chat prefix in a server (the config default in DMs)."""
        return (await self.get(guild_id)).effective_prefix(self.default_prefix)

    async def history(self, guild_id: int, limit: int = 10) -> list[SettingChange]:
        """The latest changes to a server's settings, newest first."""
        return await self.store.guild_settings_log(guild_id, max(1, min(limit, 50)))

    async def _change(
        self, guild_id: int, user_id: int | None, key: str, new: GuildSettings
    ) -> SettingChange:
        old = await self.get(guild_id)
        before, after = self.describe(old, key), self.describe(new, key)
        change = SettingChange(guild_id, user_id, key, before, after)
        if old == new:
            return change
        await self.store.save_guild_setting(guild_id, new.to_json(), change)
        self._cache[guild_id] = new
        log.info(
            "settings changed: guild=%s user=%s %s: %r -> %r", guild_id, user_id, key, before, after
        )
        return change

    def describe(self, settings: GuildSettings, key: str) -> str | None:
        """A setting's value as text for logs and the settings log (ids stay ids)."""
        value = getattr(settings, key)
        if key == "prefix":
            return settings.effective_prefix(self.default_prefix)
        if isinstance(value, tuple):
            return ",".join(str(v) for v in value) or None
        return None if value is None else str(value)

    async def set_prefix(
        self, guild_id: int, user_id: int | None, prefix: str | None
    ) -> SettingChange:
        """Change the chat prefix (None: back to the config default)."""
        value = None if prefix is None else validate_prefix(prefix)
        if value == self.default_prefix:
            value = None
        current = await self.get(guild_id)
        return await self._change(guild_id, user_id, "prefix", replace(current, prefix=value))

    async def set_moderator_role(
        self, guild_id: int, user_id: int | None, role_id: int | None
    ) -> SettingChange:
        """Set (or with None, clear) the role whose members may change settings."""
        current = await self.get(guild_id)
        new = replace(current, moderator_role_id=_positive(role_id, "role"))
        return await self._change(guild_id, user_id, "moderator_role_id", new)

    async def set_announce_channel(
        self, guild_id: int, user_id: int | None, channel_id: int | None
    ) -> SettingChange:
        """Set (or with None, clear) the default channel for announcements."""
        current = await self.get(guild_id)
        new = replace(current, announce_channel_id=_positive(channel_id, "channel"))
        return await self._change(guild_id, user_id, "announce_channel_id", new)

    async def allow_mention_role(
        self, guild_id: int, user_id: int | None, role_id: int
    ) -> SettingChange:
        """Let announcements ping this role (at most ``MENTION_ROLES_MAX`` roles)."""
        current = await self.get(guild_id)
        role = _positive(role_id, "role")
        if role is None:
            raise UsageError("Name the role announcements may ping.")
        if role == guild_id:
            raise PermissionDenied(
                "Announcements never ping @everyone.", hint="Create a role for fans and add that."
            )
        if role in current.mention_role_ids:
            same = self.describe(current, "mention_role_ids")
            return SettingChange(guild_id, user_id, "mention_role_ids", same, same)
        if len(current.mention_role_ids) >= MENTION_ROLES_MAX:
            raise UsageError(
                f"Announcements may ping at most {MENTION_ROLES_MAX} roles.",
                hint="Remove one first: /config mentions remove <role>",
            )
        new = replace(current, mention_role_ids=(*current.mention_role_ids, role))
        return await self._change(guild_id, user_id, "mention_role_ids", new)

    async def disallow_mention_role(
        self, guild_id: int, user_id: int | None, role_id: int | None
    ) -> SettingChange:
        """Stop announcements pinging a role (None: stop pinging any role)."""
        current = await self.get(guild_id)
        kept = () if role_id is None else tuple(r for r in current.mention_role_ids if r != role_id)
        new = replace(current, mention_role_ids=kept)
        return await self._change(guild_id, user_id, "mention_role_ids", new)

    async def set_language(self, guild_id: int, user_id: int | None, code: str) -> SettingChange:
        """Set the language dates are written in."""
        current = await self.get(guild_id)
        new = replace(current, date_language=validate_language(code))
        return await self._change(guild_id, user_id, "date_language", new)

    async def set_timezone(self, guild_id: int, user_id: int | None, name: str) -> SettingChange:
        """Set the time zone dates are shown in (an IANA name such as ``Asia/Seoul``)."""
        current = await self.get(guild_id)
        new = replace(current, timezone=validate_timezone(name))
        return await self._change(guild_id, user_id, "timezone", new)

    async def reset(self, guild_id: int, user_id: int | None, key: str) -> SettingChange:
        """Put one setting back to its default."""
        if key not in SETTING_KEYS:
            raise UsageError(
                f"There is no setting {key[:40]!r}.", hint=f"Settings: {', '.join(SETTING_KEYS)}."
            )
        current = await self.get(guild_id)
        new = replace(current, **{key: getattr(GuildSettings(), key)})
        return await self._change(guild_id, user_id, key, new)

    def forget(self, guild_id: int) -> None:
        """Drop a server from the cache (the next read goes to storage)."""
        self._cache.pop(guild_id, None)


def _positive(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if value <= 0:
        raise UsageError(f"That is not a {what} of this server.")
    return value
