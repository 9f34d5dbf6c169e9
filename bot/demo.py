"""The bundled demo database: fictional reviews so that a new user can ask questions at once.

The demo feed (bot/data/demo_feed.json, written for the project; every title and person in it is
invented) is ingested through the normal pipeline into a cache file the first time it is needed, and again
whenever the feed, the version, the schema or the extraction code changes.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

from bot import __version__
from bot.errors import InputError
from bot.feeds.parse import parse_feed
from bot.ingest import Ingestor
from bot.storage import open_storage
from bot.storage.migrations import LATEST_VERSION

DEMO_FEED_KEY = "demo:reviewtalk"


def demo_feed_bytes() -> bytes:
    return resources.files("bot").joinpath("data/demo_feed.json").read_bytes()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reviewbot"


async def build_demo_db(path: Path) -> None:
    """Ingest the demo feed into a fresh database at ``path``."""
    parsed = parse_feed(demo_feed_bytes())
    storage = await open_storage(path)
    try:
        await Ingestor(storage).ingest_entries(DEMO_FEED_KEY, parsed.entries)
    finally:
        await storage.close()


def _demo_digest() -> str:
    """Names the cached database: the feed, the version, the schema and the extraction code that
    built it, so that a changed extractor (even within one version) never shows stale facts."""
    h = hashlib.sha256(demo_feed_bytes() + __version__.encode() + str(LATEST_VERSION).encode())
    extract = resources.files("bot").joinpath("extract")
    for module in sorted(extract.iterdir(), key=lambda m: m.name):
        if module.name.endswith(".py"):
            h.update(module.name.encode() + module.read_bytes())
    return h.hexdigest()[:12]


async def ensure_demo_db(directory: Path | None = None) -> Path:
    """The path of an up-to-date demo database, building it if needed."""
    digest = _demo_digest()
    folder = directory or _cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"Cannot create the demo cache folder {folder}: {exc.strerror or exc}.",
            hint="Set XDG_CACHE_HOME to a writable folder.",
        ) from None
    path = folder / f"demo-{digest}.db"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        await build_demo_db(partial)
        partial.replace(path)
        for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return path
