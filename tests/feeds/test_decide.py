"""What is new in a fetch, and which items are the same review (bot.feeds.decide)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.extract import content_hash
from bot.feeds.decide import (
    Decision,
    canonical_url,
    decide,
    guids_unstable,
    item_identity,
    original_link,
    review_identity,
)
from bot.ingest import item_key
from bot.models import Extraction, FeedEntry


def entry(n: int, **changes: object) -> FeedEntry:
    base = FeedEntry(
        title=f"Review: Film {n}",
        content=f"<p>Body of review {n}.</p>",
        link=f"https://reviews.example/film-{n}/",
        guid=f"post-{n}",
        source="Reviews Example",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def stored(*entries: FeedEntry, use_guid: bool = True) -> dict[str, str]:
    return {item_identity(e, use_guid=use_guid): content_hash(e) for e in entries}


# --------------------------------------------------------------------------- identity and decide


def test_item_identity_reuses_ingest_item_key() -> None:
    e = entry(1)
    assert item_identity(e) == item_key(e) == "guid:post-1"
    assert item_identity(e, use_guid=False) == "link:https://reviews.example/film-1/"
    assert item_identity(replace(e, guid=None)) == "link:https://reviews.example/film-1/"
    bare = replace(e, guid="  ", link=None)
    assert item_identity(bare).startswith("hash:") and item_identity(bare) == item_key(bare)


def test_decide_sorts_new_changed_unchanged_in_feed_order() -> None:
    old = [entry(n) for n in range(1, 4)]
    known = stored(*old)
    fetched = [entry(5), entry(2, content="<p>Edited body.</p>"), entry(1), entry(4), entry(3)]
    d = decide(fetched, known)
    assert [i.entry.guid for i in d.new] == ["post-5", "post-4"]
    assert [i.entry.guid for i in d.changed] == ["post-2"]
    assert [i.entry.guid for i in d.unchanged] == ["post-1", "post-3"]
    assert [i.entry.guid for i in d.to_store] == ["post-5", "post-2", "post-4"]
    assert [i.position for i in d.to_store] == [0, 1, 3]
    assert all(i.content_hash == content_hash(i.entry) for i in d.new + d.changed)


def test_decide_ignores_repeats_within_a_fetch_and_handles_empty() -> None:
    d = decide([entry(1), entry(1, title="Same guid again"), entry(2)], {})
    assert [i.entry.guid for i in d.new] == ["post-1", "post-2"]
    assert [i.entry.title for i in d.duplicates] == ["Same guid again"]
    assert decide([], {"guid:x": "h"}) == Decision()


def test_decide_by_link_when_guids_are_ignored() -> None:
    old = [entry(1), entry(2)]
    known = stored(*old, use_guid=False)
    fetched = [entry(1, guid="random-a"), entry(2, guid="random-b")]
    assert len(decide(fetched, known).new) == 2
    d = decide(fetched, known, use_guid=False)
    assert len(d.unchanged) == 2 and not d.new


# --------------------------------------------------------------------------- unstable guids


def test_guids_unstable_detected_by_content_hash() -> None:
    old = [entry(n) for n in range(6)]
    known = stored(*old)
    fetched = [entry(n, guid=f"tag:{n}:{n * 7919}") for n in range(6)]
    assert guids_unstable(known, fetched)


def test_guids_unstable_detected_by_link_key() -> None:
    old = [entry(n) for n in range(6)]
    keys = set(stored(*old, use_guid=False))  # keys only, stored by link
    fetched = [entry(n, guid=f"uuid-{n}", link=f"https://www.reviews.example/film-{n}?utm_source=rss")
               for n in range(6)]  # fmt: skip
    assert guids_unstable(keys, fetched)


def test_guids_stable_feeds_are_not_flagged() -> None:
    old = [entry(n) for n in range(6)]
    known = stored(*old)
    assert not guids_unstable(known, old)  # nothing new
    assert not guids_unstable(known, [entry(n) for n in range(10, 16)])  # really new items
    assert not guids_unstable({}, old)  # first fetch
    few = [entry(n, guid=f"x{n}") for n in range(2)]
    assert not guids_unstable(known, few)  # too few to judge
    mixed = [entry(n, guid=f"new-{n}") for n in range(2)] + old[2:]
    assert not guids_unstable(known, mixed)  # most guids are known


# --------------------------------------------------------------------------- canonical urls


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://Reviews.Example/kingdom-2/", "https://reviews.example/kingdom-2"),
        ("https://reviews.example/k?utm_source=ifttt&utm_medium=rss", "https://reviews.example/k"),
        ("https://reviews.example/k?fbclid=abc&p=2", "https://reviews.example/k?p=2"),
        ("https://reviews.example/k?b=2&a=1", "https://reviews.example/k?a=1&b=2"),
        ("https://reviews.example/k#comments", "https://reviews.example/k"),
        ("https://www.reviews.example/k", "https://reviews.example/k"),
        ("https://reviews.example:443/k", "https://reviews.example/k"),
        ("http://reviews.example:80/k", "http://reviews.example/k"),
        ("https://reviews.example/k/amp/", "https://reviews.example/k"),
        ("https://reviews.example/a%2fb", "https://reviews.example/a%2Fb"),
        ("  https://reviews.example/k  ", "https://reviews.example/k"),
        ("https://user:pw@reviews.example/k", "https://reviews.example/k"),
        ("https://reviews.example", "https://reviews.example/"),
    ],
)
def test_canonical_url_same_page(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://reviews.example/k", "https://reviews.example/k"),  # scheme kept
        ("https://reviews.example/K", "https://reviews.example/k"),  # paths are case-sensitive
        ("https://reviews.example/k?p=2", "https://reviews.example/k?p=3"),
        ("https://reviews.example:8443/k", "https://reviews.example/k"),
        ("https://other.example/k", "https://reviews.example/k"),
    ],
)
def test_canonical_url_different_pages(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def test_canonical_url_leaves_non_urls_alone() -> None:
    assert canonical_url(" urn:uuid:1234 ") == "urn:uuid:1234"
    assert canonical_url("https://[::1/bad") == "https://[::1/bad"
    assert canonical_url("HTTPS://REVIEWS.EXAMPLE/Path/") == "https://reviews.example/Path"


# --------------------------------------------------------------------------- same review, two feeds


def extraction_of(e: FeedEntry) -> Extraction:
    return Extraction(headline=e.title, is_review=True, title="Film", url=e.link, source=e.source)


def test_review_identity_same_review_through_two_feeds() -> None:
    site = entry(1)
    relay = FeedEntry(
        title="Review: Film 1",
        link="https://ift.tt/3xYz",
        content="Body.\nVia Reviews Example https://www.reviews.example/film-1/?utm_source=ifttt",
        guid="ifttt-991",
    )
    assert original_link(relay) == "https://www.reviews.example/film-1/?utm_source=ifttt"
    assert review_identity(extraction_of(site), site) == review_identity(
        extraction_of(relay), relay
    )
    assert review_identity(extraction_of(site), site) == "url:https://reviews.example/film-1"
    assert review_identity(extraction_of(site), site) != review_identity(extraction_of(entry(2)))


def test_original_link_from_wordpress_footer_and_plain_links() -> None:
    wp = FeedEntry(
        title="x",
        link="https://feedproxy.google.com/~r/site/abc",
        content='<p>Text</p><p>The post <a href="https://site.example/x/">x</a> appeared first on '
        '<a href="https://site.example">Site</a>.</p>',
    )
    assert original_link(wp) == "https://site.example/x/"
    assert original_link(entry(3)) == "https://reviews.example/film-3/"  # not a relay: kept
    lonely = FeedEntry(title="x", link="https://bit.ly/abc", content="no original here")
    assert original_link(lonely) == "https://bit.ly/abc"
    assert original_link(FeedEntry(title="x")) is None


def test_review_identity_without_a_link_uses_headline_and_source() -> None:
    a = FeedEntry(title="Review: Film 1!", source="Reviews Example")
    b = FeedEntry(title="REVIEW — film 1", source="reviews example")
    other_site = FeedEntry(title="Review: Film 1", source="Another Site")
    ida = review_identity(extraction_of(a), a)
    assert ida.startswith("text:") and ida == review_identity(extraction_of(b), b)
    assert ida != review_identity(extraction_of(other_site), other_site)
    assert review_identity(None, a) == ida
    assert review_identity(extraction_of(entry(4))).startswith("url:")
