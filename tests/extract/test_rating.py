"""Rating statements -> 0..5 (own small examples)."""

from __future__ import annotations

import pytest

from bot.extract.rating import find_rating

END = "The film is a long, patient look at a family falling apart over one monsoon in Goa."


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Rating: 3.5/5", 3.5),
        ("3/5 stars", 3.0),
        ("Rating: 7/10", 3.5),
        ("Our score: 8.5 out of 10", 4.25),
        ("Rating: 3 stars", 3.0),
        ("We give it three and a half stars.", 3.5),
        ("Rating: ****", 4.0),
        ("Rating: ***½", 3.5),
        ("★★★☆☆", 3.0),
        ("★★★½", 3.5),
        ("Rating: 4 (Four) stars", 4.0),
        ("(2.5/5)", 2.5),
        ("Verdict: worth a watch. 2 out of 5", 2.0),
    ],
)
def test_rating_shapes(line: str, value: float) -> None:
    assert find_rating(f"{END}\n\n{line}") == value


@pytest.mark.parametrize(
    "text",
    [
        "They stay in a five-star hotel in the first act, and the film never leaves it.",
        "The first 3 episodes are the best, and episode 5 is a mess.",
        "On IMDb the film is rated 7/10 by fans, which seems generous.",
        "There is a scene the director calls the 5/10 scene in an interview, a strange name for a sequence that long.",
        "A 5-star hotel is where the heist happens.",
    ],
)
def test_numbers_that_are_not_ratings(text: str) -> None:
    assert find_rating(f"{END} {text} {END}") is None


def test_rating_in_headline_only() -> None:
    assert find_rating(END, "Lantern Road review: a quiet wonder (4/5)") == 4.0


def test_fan_score_does_not_beat_the_review_rating() -> None:
    text = f"{END} IMDb users rate it 8/10.\n\nOur rating: ★★★☆☆"
    assert find_rating(text) == 3.0
