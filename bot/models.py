"""Plain data: what flows between the layers of the core.

Data flows one way: feed bytes -> ``FeedEntry`` -> ``Extraction`` -> storage -> services return the
``Work``/``ReviewInfo``/``CastEntry``/``RelatedWork`` models below -> ``bot.render`` turns them into cards.
All models are frozen; collections are tuples so that instances are hashable and safe to share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ACTOR = "actor"
    DIRECTOR = "director"


class MentionKind(StrEnum):
    """Why an article names another work."""

    ALSO_READ = "also_read"  # an "Also Read:" / "Read more:" link to another article
    FRANCHISE = "franchise"  # same franchise: sequel, prequel, earlier season, numbered sibling
    PASSING = "passing"  # named in passing (a comparison, an earlier film of the cast)


# --------------------------------------------------------------------------- feed side


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, or one article file, as parsed and before any extraction.

    ``content`` may be HTML or plain text; ``summary`` is the feed's short description if it has one.
    """

    title: str
    content: str = ""
    link: str | None = None
    guid: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    author: str | None = None
    categories: tuple[str, ...] = ()
    source: str | None = None  # the site or feed title


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed document."""

    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    format: str  # "rss", "atom", "json", "rdf" or "unknown"
    parser: str  # which parser produced it ("fastfeedparser" or "feedparser")


# --------------------------------------------------------------------------- extraction


@dataclass(frozen=True, slots=True)
class CastMember:
    """A person credited as acting in a work, in billing order."""

    name: str
    character: str | None = None
    voice: bool = False


@dataclass(frozen=True, slots=True)
class MentionedWork:
    """Another work an article names, and what the article says of it."""

    title: str
    kind: MentionKind
    cast: tuple[str, ...] = ()  # people the article credits to *that* work
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """The facts extracted from one article (pure data, no database ids)."""

    headline: str
    is_review: bool
    title: str | None  # the reviewed work, None for news or when no title could be found
    cast: tuple[CastMember, ...] = ()
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (canonical name, other names)
    director: str | None = None
    rating: float | None = None  # normalised to 0..5
    mentions: tuple[MentionedWork, ...] = ()
    summary: str = ""  # the verdict, or the first sentences
    text: str = ""  # the clean article text (relay furniture removed)
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    categories: tuple[str, ...] = ()
    kind: str | None = None  # "film", "series" or None when unknown

    @property
    def cast_names(self) -> list[str]:
        return [c.name for c in self.cast]

    @property
    def characters(self) -> dict[str, str]:
        """Character -> actor, in billing order."""
        return {c.character: c.name for c in self.cast if c.character}

    @property
    def alias_map(self) -> dict[str, list[str]]:
        return {name: list(others) for name, others in self.aliases}

    @property
    def mentioned_titles(self) -> list[str]:
        return [m.title for m in self.mentions]

    def to_json(self) -> dict[str, Any]:
        """The ``reviewbot extract --json`` shape."""
        return {
            "is_review": self.is_review,
            "title": self.title,
            "headline": self.headline,
            "cast": self.cast_names,
            "characters": self.characters,
            "aliases": self.alias_map,
            "director": self.director,
            "rating": self.rating,
            "mentioned_titles": self.mentioned_titles,
            "mentions": [
                {"title": m.title, "kind": str(m.kind), "cast": list(m.cast), "url": m.url}
                for m in self.mentions
            ],
            "summary": self.summary,
            "kind": self.kind,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
        }


# --------------------------------------------------------------------------- stored side


@dataclass(frozen=True, slots=True)
class Work:
    """A film or series known to the database."""

    id: int
    title: str
    kind: str | None = None
    year: int | None = None
    review_count: int = 0

    @property
    def label(self) -> str:
        """The title with what tells same-named works apart."""
        extra = [str(self.year)] if self.year else []
        if self.kind:
            extra.append(self.kind)
        return f"{self.title} ({', '.join(extra)})" if extra else self.title


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CastEntry:
    """One line of a work's cast: who, as whom, in billing order."""

    name: str
    character: str | None = None
    role: Role = Role.ACTOR
    billing: int = 0
    voice: bool = False


@dataclass(frozen=True, slots=True)
class PersonCredit:
    """One line of a person's filmography."""

    work: Work
    character: str | None = None
    role: Role = Role.ACTOR


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    """One stored review (or news item) as the services return it."""

    id: int
    headline: str
    work_id: int | None
    is_review: bool
    rating: float | None = None
    summary: str = ""
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    work_title: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedWork:
    work: Work
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ingesting one entry did: status "new", "updated", "unchanged" or "failed"."""

    status: str
    review_id: int | None = None
    title: str | None = None
    error: str | None = None
    is_review: bool = True

    @property
    def changed(self) -> bool:
        """True when the item was stored anew or updated."""
        return self.status in ("new", "updated")


@dataclass(frozen=True, slots=True)
class SettingChange:
    """One change: which setting, its old and new value (as shown to people), who, and when."""

    guild_id: int
    user_id: int | None
    key: str
    old: str | None
    new: str | None
    at: str = ""


# --------------------------------------------------------------------------- answers
# What the services return for the questions users ask; bot.render turns them into cards and JSON.


@dataclass(frozen=True, slots=True)
class ReviewAnswer:
    work: Work
    reviews: tuple[ReviewInfo, ...]
    cast: tuple[CastEntry, ...]
    corrected_from: str | None = None  # the user's words when a typo was corrected


@dataclass(frozen=True, slots=True)
class CastAnswer:
    work: Work
    cast: tuple[CastEntry, ...]
    corrected_from: str | None = None


@dataclass(frozen=True, slots=True)
class PersonAnswer:
    person: Person
    credits: tuple[PersonCredit, ...]
    corrected_from: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedAnswer:
    work: Work
    related: tuple[RelatedWork, ...]
    corrected_from: str | None = None


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    query: str
    results: tuple[ReviewInfo, ...]


@dataclass(frozen=True, slots=True)
class LatestAnswer:
    items: tuple[ReviewInfo, ...]


Answer = ReviewAnswer | CastAnswer | PersonAnswer | RelatedAnswer | SearchAnswer | LatestAnswer


# --------------------------------------------------------------------------- feeds
# Followed feeds, the channels following them, and the messages announcing new reviews.


@dataclass(frozen=True, slots=True)
class Feed:
    """A followed feed and its polling state, as ``feed list`` shows it.

    ``failures`` counts failed polls in a row; ``paused`` is set by a moderator or after too many
    failures (``last_error`` then says why); ``items`` is the number of items stored from the feed.
    """

    id: int
    url: str
    title: str | None
    site_url: str | None
    interval_s: int
    paused: bool
    failures: int
    last_success: datetime | None
    last_error: str | None
    next_poll: datetime | None
    items: int


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel following a feed.

    ``template`` is the moderator's template text (None: the default); ``filter_spec`` the canonical
    filter in chat syntax (``FeedFilter.to_spec()``; None: announce everything).
    """

    id: int
    feed_id: int
    guild_id: int
    channel_id: int
    mention_role_id: int | None
    template: str | None
    filter_spec: str | None
    paused: bool
    created_by: int | None


@dataclass(frozen=True, slots=True)
class SubscriptionStatus:
    """One line of ``feed list``: the subscription and the state of its feed."""

    subscription: Subscription
    feed: Feed


@dataclass(frozen=True, slots=True)
class Announcement:
    """A message to post: ``content`` is rendered, neutralised and within 2,000 characters;
    ``role_ids`` are the only roles it may ping (chosen by moderators)."""

    content: str
    role_ids: tuple[int, ...] = ()

    def to_json(self) -> str:
        """The JSON kept in the outbox."""
        return json.dumps(
            {"content": self.content, "role_ids": list(self.role_ids)}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str) -> Announcement:
        """The inverse of ``to_json``; ValueError for text that is not an announcement."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("content"), str):
            raise ValueError("not an announcement")
        roles = data.get("role_ids", [])
        if not isinstance(roles, list) or not all(
            isinstance(r, int) and not isinstance(r, bool) for r in roles
        ):
            raise ValueError("role_ids must be a list of integers")
        return cls(data["content"], tuple(roles))


@dataclass(frozen=True, slots=True)
class StoredItem:
    """A stored review as an announcement shows it (cast in billing order, times in UTC)."""

    review_id: int
    headline: str
    title: str | None = None
    kind: str | None = None
    url: str | None = None
    rating: float | None = None
    cast: tuple[str, ...] = ()
    director: str | None = None
    summary: str = ""
    source: str | None = None
    published: datetime | None = None
    is_review: bool = True
    categories: tuple[str, ...] = ()
