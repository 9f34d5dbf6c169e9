"""Round-4 rules, each with small examples of my own (none taken from the golden articles)."""

from __future__ import annotations

from bot.extract import entry_from_text, extract
from bot.extract.charnames import strip_rank
from bot.extract.headline import parse_headline
from bot.extract.rating import find_rating
from bot.extract.titlecase import cut_at_verb, shrink_to_body
from bot.models import Extraction, FeedEntry


def run(headline: str, body: str) -> Extraction:
    return extract(entry_from_text(f"{headline}\n\n{body}"))


# --- review evidence: a column format with "Our Take:" / "Our Call:" lines --------------------------


def test_stream_or_skip_column_is_a_review() -> None:
    body = (
        "Opening Shot: A girl runs along a beach at dawn.\n\n"
        "The Gist: Han Yu-ri (Kim Da-eun) is a marine biologist who returns to her island.\n\n"
        "Our Take: The leads have an easy chemistry, though the middle episodes drift and the "
        "subplot about the ferry company goes nowhere.\n\n"
        "Our Call: STREAM IT. It is gentle, slow and worth the hours."
    )
    got = run("Stream It Or Skip It: 'Tidal Letters' On Netflix, A Gentle Island Romance", body)
    assert got.is_review is True
    assert got.title == "Tidal Letters"
    assert got.rating is None


# --- ratings: "<N> stars out of <M>" -----------------------------------------------------------------


def test_stars_out_of_words() -> None:
    text = "A long review body.\n\nWe're going with three stars out of five."
    assert find_rating(text, "Some Film review: fine") == 3.0
    assert find_rating("Body.\n\nI'd give it 4 stars out of 5 for the songs alone.") == 4.0
    assert find_rating("Body.\n\nWe award it seven stars out of ten.") == 3.5


def test_star_count_of_something_else_is_no_rating() -> None:
    assert (
        find_rating("The hotel boasts five stars out of the way of the city noise today.") is None
    )


# --- titles: Title Case headlines and commas inside quoted titles ------------------------------------


def test_title_case_headline_ends_before_its_verb() -> None:
    assert cut_at_verb("Paper Kites Brings Two Sisters Home With A Quiet") == "Paper Kites"
    assert cut_at_verb("The Quiet Shore Is A Slow Burn") == "The Quiet Shore"
    assert cut_at_verb("Guardians Of The Galaxy") == "Guardians Of The Galaxy"
    head = parse_headline(
        "Movie Review: Paper Kites Brings Two Sisters Home With A Quiet, Warm Ending",
        "Two sisters return to their village. The film never hurries.",
    )
    assert head.title == "Paper Kites"


def test_title_case_headline_shrinks_to_the_run_the_body_repeats() -> None:
    body = "Monsoon Diaries is a small film. Monsoon Diaries follows two clerks in Pune."
    assert shrink_to_body("Monsoon Diaries Finds Joy In Small Things", body) == "Monsoon Diaries"
    assert shrink_to_body("Monsoon Diaries", body) == "Monsoon Diaries"


def test_quoted_title_with_a_comma_in_a_news_headline() -> None:
    got = run(
        "Lee Min-ho and Kim Go-eun to reunite in Kim Eun-sook's romance 'Moon, Tell Me Again'; "
        "Park Seo-joon in talks",
        "Netflix confirmed the casting on Monday. Moon, Tell Me Again follows two astronomers.",
    )
    assert got.is_review is False
    assert got.title == "Moon, Tell Me Again"


# --- character names: ranks, honorifics, full names --------------------------------------------------


def test_strip_rank_rule() -> None:
    assert strip_rank("Inspector Manav Sethi") == "Manav Sethi"
    assert strip_rank("Major Kabir") == "Kabir"
    assert strip_rank("DCP Anita Rawat") == "Anita Rawat"
    assert strip_rank("Miss Lim") == "Miss Lim"  # a courtesy title before a single name stays
    assert strip_rank("Prince Kim Do-won") == "Kim Do-won"  # ... and goes before a full name
    assert strip_rank("King Edmund IV") == "King Edmund IV"  # a regnal name keeps its title


def test_honorific_kept_before_a_single_name() -> None:
    body = (
        "The film follows a clerk who discovers that his office is haunted. Tom Avery is a hoot as "
        "Mr. Wickham, the manager who never leaves his desk. Ana Ortiz plays the clerk's "
        "neighbour with a dry wit, and the direction keeps things brisk."
    )
    got = run("Desk Duty review: a haunted office comedy with bite", body)
    assert got.characters.get("Mr. Wickham") == "Tom Avery"


def test_rank_dropped_before_a_name() -> None:
    body = (
        "A small-town theft spirals into a murder case. Ravi Dubey plays Inspector Manav Sethi, "
        "a tired cop two years from retirement, and Arun Goel plays Major Kabir, a retired army "
        "man who knows more than he says. The performances are solid throughout."
    )
    got = run("Dhund review: a slow, gripping small-town thriller", body)
    assert got.characters.get("Manav Sethi") == "Ravi Dubey"
    assert got.characters.get("Kabir") == "Arun Goel"


def test_full_character_name_preferred_over_the_short_one() -> None:
    body = (
        "The drama opens in a flower market in Busan, where we meet Park Eun-ji, a florist who "
        "has not left the city in ten years. Kim Da-mi plays Eun-ji with a quiet stubbornness "
        "that carries the first half. The writing is gentle and the chemistry is real."
    )
    got = run("Petal Street review: a gentle Busan romance", body)
    assert got.characters.get("Park Eun-ji") == "Kim Da-mi"


# --- cast precision ------------------------------------------------------------------------------------


def test_director_filmography_in_parentheses_is_not_cast() -> None:
    body = (
        "Choi Min-ho plays Seo Jin, a courier who falls for a violinist. Director Oh Min-seok "
        "(Dream Relay, Start Again) brings his usual gloss to the production, and the cast is "
        "lovely throughout."
    )
    got = run("Night Courier review: a glossy romance", body)
    assert "Dream Relay" not in got.cast_names
    assert got.director == "Oh Min-seok"


def test_company_possessive_in_headline_is_not_cast() -> None:
    body = (
        "The employees of Vexo Industries are back at their desks. Mira Sol plays Ada Brandt, a "
        "programmer who starts to question her work, and the writing is sharp and engaging."
    )
    got = run("Cubicle Season 2 Review: Vexo's Drones Are Back, and Stranger Than Ever", body)
    assert "Vexo" not in got.cast_names
    assert "Mira Sol" in got.cast_names


def test_participle_opener_is_not_an_actor() -> None:
    body = (
        "The trailer of Iron Monsoon is out. Fresh from his praised turn as Tipu in Sultanate, "
        "Rohan Mehra plays a smuggler here and looks menacing."
    )
    got = run("Iron Monsoon trailer: Rohan Mehra looks menacing in the action saga", body)
    assert "Fresh" not in got.cast_names


def test_ensemble_list_after_a_colon() -> None:
    body = (
        "The coach is the star name, but the heart of the film is the five newcomers who play the "
        "band: Tara Singh, Kabir Lal, Meher Rao, Nikhil Das and Riya Sen. Each of them gets a "
        "moment, and the performances are fresh and charming."
    )
    got = run("Garage Band review: five newcomers steal a warm music film", body)
    for name in ("Tara Singh", "Kabir Lal", "Meher Rao", "Nikhil Das", "Riya Sen"):
        assert name in got.cast_names


def test_news_headline_performers_are_cast() -> None:
    body = "The trailer dropped on Tuesday and has been trending since. The film releases in May."
    got = run(
        "Iron Monsoon trailer reaction: Rohan Mehra goes feral in the spy saga, but it's Sana "
        "Kapoor who steals the show",
        body,
    )
    assert got.is_review is False
    assert got.title == "Iron Monsoon"
    assert got.cast_names[:2] == ["Rohan Mehra", "Sana Kapoor"]


# --- directors -----------------------------------------------------------------------------------------


def test_possessive_director_before_a_described_work() -> None:
    body = (
        "Meera Nair's third feature as director is a tender road movie. Lalit Rao plays Gopal, a "
        "retired postman, and the writing is warm and engaging throughout."
    )
    got = run("Postman review: a tender road movie", body)
    assert got.director == "Meera Nair"


def test_possessor_with_a_described_title() -> None:
    body = (
        "Anil Verma's historical epic Talwar opened today, and audiences have been posting "
        "their reactions since morning. Dev Malhotra plays the king."
    )
    got = run("Talwar Twitter review: fans hail Dev Malhotra", body)
    assert got.is_review is False
    assert got.director == "Anil Verma"


def test_adapted_source_does_not_hide_the_director() -> None:
    body = (
        "It is adapted from the web novel Night Shift at the River Hospital by Soyeon, and "
        "directed by Park Jae-hoon, and it moves fast. Ju Ji-hoon plays a surgeon; the pacing "
        "is gripping and the writing is tight."
    )
    got = run("The River Ward review: a fast, gripping medical drama", body)
    assert got.director == "Park Jae-hoon"


# --- role cues: "will play", "to reunite in", "as <X>'s mother, <Name>," ----------------------------------


def test_news_casting_will_play_and_reunite() -> None:
    body = (
        "The streamer confirmed the casting on Monday. Lee Min-ho will play Haneul, a pilot who "
        "loses his memory, while Kim Go-eun will play Seol, the doctor who treats him."
    )
    got = run("Lee Min-ho and Kim Go-eun to reunite in new Netflix romance 'Cloud Letters'", body)
    assert got.is_review is False
    assert got.cast_names[:2] == ["Lee Min-ho", "Kim Go-eun"]
    assert got.characters == {"Haneul": "Lee Min-ho", "Seol": "Kim Go-eun"}


def test_as_a_relation_of_someone_then_the_name() -> None:
    body = (
        "The series is grim and gripping. Hana Lee is chilling as Oz's mother, Martha Vance, a "
        "woman who never forgives. Cho Woo-jin turns up as Mina's older brother Kang Dae-su, a "
        "failed boxer, in a small part. The performances are excellent."
    )
    got = run("Low Tide review: a grim, gripping crime series", body)
    assert got.characters.get("Martha Vance") == "Hana Lee"
    assert got.characters.get("Kang Dae-su") == "Cho Woo-jin"


def test_as_a_capitalised_kind_is_no_character() -> None:
    body = (
        "The sequel is bigger and louder. Mara Quinn plays Elena Ruiz, and Elena, newly sworn in "
        "as a Grand Inquisitor, has other plans. The visual effects are stunning."
    )
    got = run("Desert Crown Part Two review: bigger, louder, better", body)
    assert "Grand Inquisitor" not in got.characters
    assert got.characters.get("Elena Ruiz") == "Mara Quinn"


def test_role_noun_and_respectively_pairs() -> None:
    body = (
        "The whole universe turns up. Nadia Rao plays his sister Meera, while Vikram Sethi is the "
        "villain, Kaalu Bhai. Dev Anand Rao and Sunil Gill reprise their roles as Tiger and "
        "Inspector Bholu respectively. The action is loud and the writing is thin."
    )
    got = run("Thunder Cops 3 review: loud, long and thin", body)
    assert got.characters.get("Kaalu Bhai") == "Vikram Sethi"
    assert got.characters.get("Tiger") == "Dev Anand Rao"
    assert got.characters.get("Bholu") == "Sunil Gill"


def test_also_read_work_named_in_the_body_keeps_its_cast() -> None:
    body = (
        "Thunder Cops 3 earned well on its first day, and the trade is upbeat. For Haunted Haveli "
        "2, which also stars Rhea Kapoor, Tanvi Sen and Mira Das, word of mouth has been strong.\n\n"
        "Also Read: Haunted Haveli 2 Movie Review: Rhea Kapoor shines in a muddled comedy\n"
    )
    got = run("Thunder Cops 3 box office day 2: Vikram Sethi film holds steady", body)
    assert got.is_review is False
    for name in ("Rhea Kapoor", "Tanvi Sen", "Mira Das"):
        assert name not in got.cast_names


def test_off_topic_items_skip_extraction_but_keep_their_text() -> None:
    """A feed's post about something else has no work, cast or rating, but keeps text and summary."""
    from bot.extract.core import on_topic

    recipe = FeedEntry(
        "Ten-minute masala oats",
        "<p>Heat the pan. Add mustard seeds, curry leaves and oats. Stir for two minutes.</p>",
    )
    got = extract(recipe)
    assert not on_topic(recipe.title, "Heat the pan. Add oats.")
    assert (got.is_review, got.title, got.cast) == (False, None, ())
    assert "mustard seeds" in got.text and got.summary
    film = "Meena Rao plays a chef in this Netflix film."
    assert on_topic("Kitchen Stories", film)
    assert on_topic("Kitchen Stories", "A quiet weekend at the box office.")
    assert extract(FeedEntry("Kitchen Stories Review: warm", film)).is_review
