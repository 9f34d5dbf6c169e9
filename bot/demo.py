"""The bundled demo database: fictional reviews so that a new user can ask questions at once.

The demo feed (bot/data/demo_feed.json, written for the project; every title and person in it is
invented) is ingested through the normal pipeline into a cache file the first time it is needed, and again
whenever the feed or the code version changes.
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


async def ensure_demo_db(directory: Path | None = None) -> Path:
    """The path of an up-to-date demo database, building it if needed."""
    data = demo_feed_bytes()
    digest = hashlib.sha256(data + __version__.encode()).hexdigest()[:12]
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
