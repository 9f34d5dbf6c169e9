"""Mentioned works: Also Read, franchise siblings, passing mentions (own small examples)."""

from __future__ import annotations

from bot.extract import entry_from_text, extract


def test_also_read_headline_work_and_its_cast() -> None:
    body = (
        "Paper Moons #2 is gentler than Paper Moons #1, which starred actors Ana Cruz and Ben Ode. "
        "Rating: 3/5\n\n"
        "Also Read: Lia Moss and Ken Jo to star in new romance drama Winter Letters\n\n"
        "The post Paper Moons #2 Review: soft appeared first on Reel Town."
    )
    got = extract(entry_from_text(f"Paper Moons #2 Review: soft\n\n{body}"))
    assert got.mentioned_titles == ["Paper Moons #1", "Winter Letters"]
    first, letters = got.mentions
    assert str(first.kind) == "franchise" and list(first.cast) == ["Ana Cruz", "Ben Ode"]
    assert str(letters.kind) == "also_read" and list(letters.cast) == ["Lia Moss", "Ken Jo"]
    assert got.source == "Reel Town"


def test_lower_case_season_maps_to_the_sibling() -> None:
    body = "Paper Moons #2 is fine, but season 1 was better. Paper Moons #1 had more heart. Rating: 3/5"
    got = extract(entry_from_text(f"Paper Moons #2 Review: fine\n\n{body}"))
    assert got.mentioned_titles == ["Paper Moons #1"]


def test_year_marked_and_known_titles_are_passing_mentions() -> None:
    body = (
        "Night Ferry borrows from Drishyam (2015) and from Kahaani, and never names its city. "
        "Night Ferry is a slow, gripping thriller. Rating: 3/5"
    )
    got = extract(entry_from_text(f"Night Ferry Review: tense\n\n{body}"), known_titles=["Kahaani"])
    assert got.mentioned_titles == ["Drishyam", "Kahaani"]
    assert {str(m.kind) for m in got.mentions} == {"passing"}


def test_reviewed_title_is_never_mentioned() -> None:
    body = "Night Ferry (2024) is the film Night Ferry fans waited for. Rating: 3/5"
    got = extract(
        entry_from_text(f"Night Ferry Review: tense\n\n{body}"), known_titles=["Night Ferry"]
    )
    assert got.mentioned_titles == []


def test_quoted_lower_case_phrase_is_not_a_title() -> None:
    body = 'They play the "soft but determined woman trope" well. Rating: 3/5'
    got = extract(entry_from_text(f"Night Ferry Review: tense\n\n{body}"))
    assert got.mentioned_titles == []
