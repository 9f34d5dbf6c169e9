"""The config loader: the example documents every key, and mistakes name the key and the fix."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from bot.config import _SECTIONS, Config, load_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_example_documents_every_key_with_its_default() -> None:
    example = tomllib.loads((ROOT / "config.example.toml").read_text())
    defaults = Config()
    assert set(example) == set(_SECTIONS)
    for name, cls in _SECTIONS.items():
        assert set(example[name]) == {f.name for f in fields(cls)}, name
        section = getattr(defaults, name)
        for key, value in example[name].items():
            expected = getattr(section, key)
            assert (tuple(value) if isinstance(value, list) else value) == expected, (name, key)


def test_example_loads_and_env_overrides_secrets(tmp_path: Path) -> None:
    config = load_config(
        ROOT / "config.example.toml", env={"DISCORD_TOKEN": " abc ", "REVIEWBOT_DB": "x.db"}
    )
    assert config.discord.token == "abc"
    assert config.database.path == "x.db"
    assert config.source and config.source.endswith("config.example.toml")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[discord]\nprefx = '!'\n", "Unknown config key [discord] prefx"),
        ("[discrod]\n", "Unknown config section [discrod]"),
        ("[feeds]\nmax_bytes = 'big'\n", "[feeds] max_bytes must be a whole number"),
        ("[feeds]\nallow_private_addresses = 1\n", "must be true or false"),
        ("[feeds]\ntimeout_read = -1\n", "must be greater than 0"),
        ("[discord]\nprefix = 'a b'\n", "prefix 'a b' is not usable"),
        ("[logging]\nlevel = 'LOUD'\n", "Use one of"),
        ("[discord\n", "not valid TOML"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert fragment in str(err.value)


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Copy config\.example\.toml"):
        load_config(tmp_path / "nope.toml", env={})
