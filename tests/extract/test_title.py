"""Headline shapes -> reviewed title, review shape and kind (own small examples)."""

from __future__ import annotations

import pytest

from bot.extract import entry_from_text, extract
from bot.extract.headline import news_title, parse_headline


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        ("Lantern Road Review: A quiet film about loud grief", "Lantern Road"),
        ("Lantern Road Movie Review: Meera Shah shines", "Lantern Road"),
        ("Night Ferry Series Review: six episodes of dread", "Night Ferry"),
        ("Night Ferry Season 2 Review - the boat sinks", "Night Ferry Season 2"),
        ("Movie Review: Lantern Road", "Lantern Road"),
        ("Review: Lantern Road - a small wonder", "Lantern Road"),
        ("'Lantern Road' review: tender and slow", "Lantern Road"),
        ("\u2018Lantern Road\u2019 review: tender and slow", "Lantern Road"),
        ("Lantern Road Review | Tender and slow", "Lantern Road"),
        ("Lantern Road review \u2013 tender and slow", "Lantern Road"),
        ("Lantern Road (2024) review: tender", "Lantern Road"),
        ("Night Ferry Web Series Review: dread", "Night Ferry"),
        ("Night Ferry Netflix review: dread", "Night Ferry"),
        ("Night Ferry Ep 1-4 review: dread", "Night Ferry"),
        ("Echo Valley 3 review: the trilogy ends", "Echo Valley 3"),
        ("Paper Moons #2 Review: sequel sings", "Paper Moons #2"),
        ("Harbour: Part Two review: bigger", "Harbour: Part Two"),
    ],
)
def test_review_headline_shapes(headline: str, title: str) -> None:
    info = parse_headline(headline)
    assert info.title == title
    assert info.review_shape and not info.reaction


def test_year_is_kept_apart() -> None:
    info = parse_headline("Lantern Road (2024) review: tender")
    assert info.title == "Lantern Road" and info.year == 2024


def test_kind_from_headline_words() -> None:
    assert parse_headline("Night Ferry Season 2 review: dread").kind == "series"
    assert parse_headline("Lantern Road Movie Review: grief").kind == "film"


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        (
            "Lantern Road box office day 3: film crosses 50 crore after positive reviews",
            "Lantern Road",
        ),
        ("Arjun Mehta and Sara Lin to star in new thriller Night Ferry", "Night Ferry"),
        ("Kabir Das reviews Lantern Road: 'a film for the ages'", "Lantern Road"),
        ("Why Lantern Road got mixed reviews", "Lantern Road"),
        ("Fans review Lantern Road: tears all round", "Lantern Road"),
        ("Night Ferry Season 3 trailer: the boat returns", "Night Ferry Season 3"),
    ],
)
def test_news_headline_titles(headline: str, title: str) -> None:
    assert news_title(headline) == title


@pytest.mark.parametrize(
    "headline",
    [
        "Lantern Road trailer review: fans are hooked",
        "Lantern Road Twitter review: netizens call it a masterpiece",
        "Lantern Road public review: audience in tears",
    ],
)
def test_reaction_pieces_are_not_review_shaped(headline: str) -> None:
    info = parse_headline(headline)
    assert info.title == "Lantern Road"
    assert info.reaction


NEWS_BODY = (
    "The makers have announced the release date. The trailer will drop next week, reportedly, "
    "and sources say the film cost 80 crore. Fans took to Twitter to share the poster."
)


@pytest.mark.parametrize(
    "headline",
    [
        "Lantern Road box office: film earns 20 crore after positive reviews",
        "Kabir Das reviews Lantern Road, calls it brilliant",
        "Fans review Lantern Road on Twitter",
        "Lantern Road trailer review: the mood is right",
        "Why Lantern Road got mixed reviews",
        "10 best films of 2024, ranked",
    ],
)
def test_news_is_not_a_review(headline: str) -> None:
    got = extract(entry_from_text(f"{headline}\n\n{NEWS_BODY}"))
    assert got.is_review is False
    assert got.rating is None


def test_review_without_the_word_in_the_headline() -> None:
    body = (
        "Lantern Road is a slow, gorgeous film about grief. The performances are nuanced, "
        "the screenplay is sharp and the second half drags only a little.\n\n"
        "Lantern Road stays with you. Watch it for Meera Shah.\n\nRating: 4/5"
    )
    got = extract(entry_from_text(f"Meera Shah's quiet masterpiece\n\n{body}"))
    assert got.is_review is True
    assert got.title == "Lantern Road"
    assert got.rating == 4.0
