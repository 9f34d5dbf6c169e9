"""Where the benchmarks find ../shared/corpora/feeds, and its subset listings."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feeds"


def subset(name: str) -> list[str] | None:
    """The corpus paths a subsets/<name> listing names (relative to CORPUS); None when absent
    (the caller says so and stops)."""
    listing = CORPUS / "subsets" / name
    if not listing.is_file():
        return None
    return [line.strip() for line in listing.read_text().splitlines() if line.strip()]
