"""The topic gate: whether an item could be about a film or series at all.

A cheap whole-word test run before extraction; an item that fails it is stored and searchable but
no work, cast or rating is looked for in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Words without one of which an item is not about a film or series (whole words, lower case).
# Erring towards "on topic" only costs time; an off-topic item is still stored and searchable.
_TOPIC_WORDS = frozenset(
    [
        "film",
        "films",
        "filmmaker",
        "filmmakers",
        "movie",
        "movies",
        "cinema",
        "cinemas",
        "series",
        "drama",
        "dramas",
        "k-drama",
        "kdrama",
        "sitcom",
        "anime",
        "cast",
        "actor",
        "actors",
        "actress",
        "actresses",
        "starring",
        "starrer",
        "starrers",
        "director",
        "directors",
        "directed",
        "directs",
        "directorial",
        "trailer",
        "teaser",
        "sequel",
        "prequel",
        "franchise",
        "biopic",
        "documentary",
        "screenplay",
        "premiere",
        "premiered",
        "episode",
        "episodes",
        "season",
        "seasons",
        "review",
        "reviews",
        "reviewed",
        "ott",
        "netflix",
        "hotstar",
        "jiohotstar",
        "zee5",
        "sonyliv",
        "hbo",
        "hulu",
        "disney",
        "bollywood",
        "hollywood",
        "tollywood",
        "kollywood",
        "tvn",
        "jtbc",
        "mbc",
        "kbs",
        "sbs",
        "showrunner",
        "miniseries",
        "box-office",
    ]
)
_TOPIC_PHRASES = ("box office", "prime video", "apple tv", "web series", "k-pop")
_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def on_topic(headline: str, text: str, categories: Sequence[str] = ()) -> bool:
    """Whether an item could be about a film or series at all (a cheap gate before extraction)."""
    low = " ".join((headline, " ".join(categories), text[:20000])).lower()
    if any(phrase in low for phrase in _TOPIC_PHRASES):
        return True
    return not _TOPIC_WORDS.isdisjoint(_WORDS.findall(low))
