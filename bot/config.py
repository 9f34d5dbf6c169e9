"""Configuration: a TOML file (tomllib) -> frozen dataclasses, secrets from the environment.

Every key has a default, so no file is needed to run offline. Unknown keys and wrong types are
``ConfigError`` naming the key and the fix (a typo in a config file should never be silently ignored).
config.example.toml documents every key; tests/test_config.py checks the two stay in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY = "wss://gateway.discord.gg/"


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    path: str = "reviewbot.db"


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: str = ""
    api_base_url: str = DEFAULT_API_BASE
    gateway_url: str = DEFAULT_GATEWAY
    message_content: bool = True
    prefix: str = "!"
    sync_commands: bool = True
    owner_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedsConfig:
    default_interval: int = 1800
    min_interval: int = 300
    max_concurrency: int = 16
    per_host_concurrency: int = 2
    timeout_connect: float = 10.0
    timeout_read: float = 20.0
    timeout_total: float = 30.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = ""
    allow_private_addresses: bool = False
    allowed_hosts: tuple[str, ...] = ()
    pause_after_failures: int = 10
    backfill_cap: int = 10


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    level: str = "INFO"


@dataclass(frozen=True, slots=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    source: str | None = None  # the file it was read from, if any


_SECTIONS: dict[str, type] = {
    "database": DatabaseConfig,
    "discord": DiscordConfig,
    "feeds": FeedsConfig,
    "logging": LoggingConfig,
}
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _coerce(section: str, key: str, value: Any, default: Any) -> Any:
    where = f"[{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"Config key {where} must be true or false, not {value!r}.")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"Config key {where} must be a whole number, not {value!r}.")
        if value < 0:
            raise ConfigError(f"Config key {where} must not be negative (got {value}).")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"Config key {where} must be a number of seconds, not {value!r}.")
        if value <= 0:
            raise ConfigError(f"Config key {where} must be greater than 0 (got {value}).")
        return float(value)
    if isinstance(default, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"Config key {where} must be a list, e.g. {key} = [], not {value!r}.")
        return tuple(value)
    if not isinstance(value, str):
        raise ConfigError(f"Config key {where} must be a string in quotes, not {value!r}.")
    return value


def _section(name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"Config section [{name}] must be a table of keys.")
    defaults = cls()
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(
                f"Unknown config key [{name}] {key}.",
                hint=f"Known keys in [{name}]: {', '.join(sorted(known))}.",
            )
        values[key] = _coerce(name, key, value, getattr(defaults, key))
    return replace(defaults, **values)


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read ``path`` (if given) and overlay environment secrets (``DISCORD_TOKEN``, ``REVIEWBOT_DB``)."""
    env = dict(os.environ) if env is None else env
    sections: dict[str, Any] = {}
    source = None
    if path is not None:
        p = Path(path)
        source = str(p)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"Config file {p} does not exist.",
                hint="Copy config.example.toml to that path, or leave out --config.",
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Cannot read config file {p}: {exc}.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Config file {p} is not valid TOML: {exc}.") from None
        for name, value in raw.items():
            if name not in _SECTIONS:
                raise ConfigError(
                    f"Unknown config section [{name}] in {p}.",
                    hint=f"Known sections: {', '.join('[' + s + ']' for s in _SECTIONS)}.",
                )
            sections[name] = _section(name, _SECTIONS[name], value)
    config = Config(**sections, source=source)
    token = env.get("DISCORD_TOKEN", "").strip()
    if token:
        config = replace(config, discord=replace(config.discord, token=token))
    db = env.get("REVIEWBOT_DB", "").strip()
    if db:
        config = replace(config, database=replace(config.database, path=db))
    _validate(config)
    return config


def _validate(config: Config) -> None:
    level = config.logging.level.upper()
    if level not in _LEVELS:
        raise ConfigError(
            f"Config key [logging] level is {config.logging.level!r}.",
            hint=f"Use one of {', '.join(sorted(_LEVELS))}.",
        )
    prefix = config.discord.prefix
    if not prefix or len(prefix) > 5 or any(ch.isspace() for ch in prefix):
        raise ConfigError(
            f"Config key [discord] prefix {prefix!r} is not usable.",
            hint='Use 1 to 5 characters without spaces, e.g. prefix = "!".',
        )
    for key in ("api_base_url", "gateway_url"):
        url = getattr(config.discord, key)
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            raise ConfigError(
                f"Config key [discord] {key} must be an http(s) or ws(s) URL, not {url!r}."
            )
    if config.feeds.min_interval > config.feeds.default_interval:
        raise ConfigError(
            "Config key [feeds] min_interval is larger than default_interval.",
            hint="Make min_interval <= default_interval.",
        )
