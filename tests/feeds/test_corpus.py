"""Every real document of the shared corpus parses or raises FeedError, nothing else."""

from __future__ import annotations

import pytest

from bot.errors import FeedError
from bot.feeds import parse_feed

from .conftest import CORPUS


def _listed(name: str) -> list[str]:
    listing = CORPUS / "subsets" / name
    if not listing.is_file():
        pytest.skip(f"feed corpus absent ({listing})")
    return [line.strip() for line in listing.read_text().splitlines() if line.strip()]


def test_robustness_all_parse_or_feed_error() -> None:
    files = _listed("robustness-all.txt")
    parsed = failed = entries = 0
    crashes: list[str] = []
    for name in files:
        data = (CORPUS / name).read_bytes()
        try:
            feed = parse_feed(data, url=f"https://corpus.example/{name}")
        except FeedError as error:
            failed += 1
            assert str(error).startswith("Not a feed") and "\n" not in str(error)
        except Exception as error:  # the one thing this test exists to catch
            crashes.append(f"{name}: {error!r}")
        else:
            parsed += 1
            entries += len(feed.entries)
            assert feed.format in ("rss", "atom", "json", "rdf", "unknown")
    assert crashes == []
    assert parsed + failed == len(files)
    assert parsed > 0.95 * len(files) and entries > 0


def test_wordpress_feeds_all_parse_with_content() -> None:
    for name in _listed("wordpress-benchmark.txt"):
        feed = parse_feed((CORPUS / name).read_bytes())
        assert feed.entries, name
        assert feed.title, name
        for entry in feed.entries:
            assert entry.title and entry.link and entry.content, name
            assert entry.published is not None and entry.published.tzinfo is not None, name


def test_json_feeds_in_corpus() -> None:
    names = [n for n in _listed("robustness-all.txt") if n.endswith(".json")]
    assert names
    for name in names:
        feed = parse_feed((CORPUS / name).read_bytes())
        assert feed.format == "json" and feed.entries, name
