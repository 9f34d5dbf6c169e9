"""Round 5: name syllables that look like function words, "out of 5 stars", possessive makers."""

from __future__ import annotations

from bot.extract import entry_from_text, extract
from bot.extract.names import clean_name, clean_name_backward
from bot.extract.rating import find_rating


def _run(body: str, headline: str = "Moonlit Harbour Review: a tender drama"):
    return extract(entry_from_text(f"{headline}\n{body}"))


def test_capitalised_function_word_syllables_stay_in_names() -> None:
    assert clean_name("Han Da On") == "Han Da On"
    assert clean_name("Yoon He Ra") == "Yoon He Ra"
    assert clean_name("Jung Jae I") == "Jung Jae I"
    assert clean_name_backward("Kim In Kwon") == "Kim In Kwon"
    assert clean_name_backward("Oh Jung Se") == "Oh Jung Se"


def test_title_case_prose_still_cuts_names() -> None:
    assert clean_name("Park Min Ho On Her New Role") == "Park Min Ho"
    assert clean_name("Also Seo Ji Woo") == "Seo Ji Woo"


def test_sentence_end_after_two_letter_syllable() -> None:
    got = _run("The captain is played by Oh Dal Su. And the rest is quiet.")
    assert "Oh Dal Su" in got.cast_names


def test_syllable_names_in_every_cue() -> None:
    got = _run(
        "The show is warm.\n"
        "- Bae Suzy Lee as Han Da On\n"
        "- Kim In Kwon as Goo Man Do\n"
        "The leads shine. Roh Min Jeong stars as Jung Jae I, the heiress. Oh Jung Se is Eo Heung, the groom."
    )
    assert got.characters.get("Han Da On") == "Bae Suzy Lee"
    assert got.characters.get("Goo Man Do") == "Kim In Kwon"
    assert got.characters.get("Jung Jae I") == "Roh Min Jeong"
    assert got.characters.get("Eo Heung") == "Oh Jung Se"


def test_out_of_five_stars_is_the_scale() -> None:
    for line, want in (
        ("Rating: 3 out of 5 stars", 3.0),
        ("Rating: 2.5 out of 5 stars", 2.5),
        ("Our rating: three out of five stars", 3.0),
        ("We give it 4 stars out of 5", 4.0),
        ("Rating: 3/5 stars", 3.0),
    ):
        assert find_rating(f"A long opening line about the film.\n{line}\nThe end.") == want, line


def test_possessive_maker_is_the_director_not_cast() -> None:
    got = _run(
        "Rating: 3 (Three) stars\n\n"
        "Meera Joshi's Moonlit Harbour is a quiet film. Arjun Rao stars as Kabir, a fisherman.",
        headline="Moonlit Harbour Movie Review: a tender drama",
    )
    assert got.director == "Meera Joshi"
    assert "Meera Joshi" not in got.cast_names
    assert got.cast_names == ["Arjun Rao"]


def test_possessive_maker_before_a_title_with_article() -> None:
    got = _run(
        "Lena Vogt's The Glass Orchard opens with a storm. Mara Quinn plays Ada, a botanist.",
        headline="The Glass Orchard review: a strange and lovely fable",
    )
    assert "Lena Vogt" not in got.cast_names
    assert got.characters.get("Ada") == "Mara Quinn"
