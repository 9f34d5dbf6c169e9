"""Round 6: descriptor words before "Review", possessive makers in news headlines, trade reviews,
rank abbreviations, initials, credit-to phrasing, possessive starrer lists, crew possessors."""

from __future__ import annotations

from bot.extract import entry_from_text, extract
from bot.extract.charnames import strip_rank
from bot.extract.headline import news_title, parse_headline
from bot.extract.judge import news_headline_words


def _run(body: str, headline: str = "Moonlit Harbour Review: a tender drama"):
    return extract(entry_from_text(f"{headline}\n{body}"))


def test_movie_word_before_review_is_not_title_even_when_repeated_in_rating_lines() -> None:
    body = (
        "Harbour Lights Part 2 Movie Review Rating: 3.5/5\n"
        "Harbour Lights Part 2 is a sturdy sequel. Harbour Lights Part 2 Movie Review Verdict: "
        "worth a watch.\nThe performances are strong and the screenplay is tight."
    )
    head = parse_headline("Harbour Lights Part 2 Movie Review: sturdy and loud", body)
    assert head.title == "Harbour Lights Part 2"
    assert head.kind == "film"


def test_descriptor_kept_when_body_uses_it_as_the_name() -> None:
    body = "The Evening Show returns. The Evening Show is sharper than ever, and The Evening Show wins."
    assert parse_headline("The Evening Show Review: sharper", body).title == "The Evening Show"


def test_possessive_maker_before_news_title() -> None:
    h = "Exclusive: Lee Ha-na and Cho Min-su in talks to lead Park Ji-won's new Netflix thriller Paper Moon"
    assert news_title(h) == "Paper Moon"
    got = extract(
        entry_from_text(
            f"{h}\nLee Ha-na and Cho Min-su have been offered the leads in Paper Moon, "
            "a new thriller from director Park Ji-won, sources said."
        )
    )
    assert got.title == "Paper Moon"
    assert got.is_review is False
    assert got.director == "Park Ji-won"


def test_colon_title_after_movie_review_lead() -> None:
    body = (
        "Few courtroom dramas care about the law, which is why Trial: People vs A Stranger lands."
    )
    head = parse_headline("Movie Review: Trial: People vs A Stranger asks hard questions", body)
    assert head.title is not None and head.title.startswith("Trial: People vs A Stranger")


def test_surname_song_is_not_a_news_word() -> None:
    assert news_headline_words("'Glass Rooms' Review: Maya Song's Follow-Up Is Sharp") == []
    assert news_headline_words("Glass Rooms new song out now") == ["song"]
    assert "song" not in news_headline_words("Song Min-jae joins the cast of Glass Rooms")


def test_trade_review_with_credit_block_is_a_review() -> None:
    body = (
        'Maya Song has a gift for quiet scenes. In "Glass Rooms," her second feature, a broker '
        "sells apartments she cannot afford.\n\n"
        "Dana Holt plays Ivy with a cool reserve. The third act is braver than the first.\n\n"
        "Director: Maya Song\nScreenplay: Maya Song\nCast: Dana Holt, Rio Vance, Tess Amari\n"
        "Running time: 104 MIN.\n"
    )
    got = _run(body, "'Glass Rooms' Review: Maya Song's Follow-Up Is a Cool, Clever Chamber Piece")
    assert got.is_review is True
    assert got.director == "Maya Song"
    assert "Maya Song" not in got.cast_names
    assert got.cast_names[:3] == ("Dana Holt", "Rio Vance", "Tess Amari") or set(
        got.cast_names
    ) == {"Dana Holt", "Rio Vance", "Tess Amari"}


def test_short_caps_ranks_are_dropped_and_initials_kept() -> None:
    assert strip_rank("DI Luke Bascombe") == "Luke Bascombe"
    assert strip_rank("CI George Mathan") == "George Mathan"
    assert strip_rank("ACP Vikram Rathore") == "Vikram Rathore"
    assert strip_rank("TJ Miller") == "TJ Miller"  # initials before a single name stay
    got = _run(
        "It follows V. Raghavan Pillai, a lawyer in Madras. Arun Kumar plays Raghavan Pillai "
        "with steel. DS Mara Quinn, played by Leah Stone, leads the inquiry."
    )
    assert got.characters.get("V. Raghavan Pillai") == "Arun Kumar"
    assert got.characters.get("Mara Quinn") == "Leah Stone"


def test_performance_belongs_to_actor_as_character() -> None:
    got = _run(
        "The film is sharp. Its best passages belong to Nora Vale as Edie, a client with secrets."
    )
    assert got.characters.get("Edie") == "Nora Vale"


def test_possessive_performance_as_character_anywhere_in_clause() -> None:
    got = _run("The crowd singled out Priya Raman's performance as Meera, calling it her best.")
    assert got.characters.get("Meera") == "Priya Raman"


def test_character_of_one_actor_is_not_another_actor() -> None:
    got = _run(
        "Ana Lin plays Mei Hua, the younger daughter. Mei Hua's elder sister Lan Hua is played "
        "by Zhou Yi, and the two share the best scenes."
    )
    assert got.characters.get("Mei Hua") == "Ana Lin"
    assert got.characters.get("Lan Hua") == "Zhou Yi"
    assert "Mei Hua" not in got.cast_names


def test_director_credits_are_not_a_character() -> None:
    got = _run(
        "Director Han Wei, whose credits include Moon Over the River, keeps it tight. "
        "Ana Lin plays Mei Hua."
    )
    assert got.director == "Han Wei"
    assert "Han Wei" not in got.cast_names


def test_list_then_also_appear() -> None:
    got = _run(
        "Rosa Grant plays June, the teacher. Tom Hale, Ivo Brandt and Sam Ortiz also appear. "
        "Kit Moss, Lou Aspen and Ray Cobb are among the others trapped in the house."
    )
    for name in ("Tom Hale", "Ivo Brandt", "Sam Ortiz", "Kit Moss", "Lou Aspen", "Ray Cobb"):
        assert name in got.cast_names


def test_possessive_pair_list_with_dash_and_and() -> None:
    got = _run(
        "The film gathers misfits - Mia Stone's Vera, Jon Pike-Lowe's Ghostline and Ada Ruiz's "
        "Lancer - for one last job."
    )
    assert got.characters.get("Ghostline") == "Jon Pike-Lowe"
    assert got.characters.get("Lancer") == "Ada Ruiz"


def test_possessive_starrer_list_owns_the_title() -> None:
    got = _run(
        "Ravi, Kiran Das and Meena Iyer's Harbour Nights hit theatres today, and fans took to X.",
        "Harbour Nights Twitter review: fans hail Ravi's act",
    )
    assert got.is_review is False
    assert {"Ravi", "Kiran Das", "Meena Iyer"} <= set(got.cast_names)


def test_directed_by_after_another_title_and_trailing_clause() -> None:
    got = _run(
        "Star Vikram is busy with Thunder Road, directed by Arjun Menon, and Blaze 2 with "
        "Nikhil Rao. Harbour Nights, from director Sanjay Pillai, is a gentle comedy.",
        "Vikram praises Harbour Nights, calls it a gem",
    )
    assert got.director != "Arjun Menon and Blaze"
    assert got.director in (None, "Sanjay Pillai")


def test_composer_possessive_is_not_director() -> None:
    got = _run(
        "The season is bleak. Ann Roe and Bo Lind are among the directors, and composer Luis "
        "Marquez's guitar remains the show's heartbeat. Pia Holm plays Ellie."
    )
    assert got.director != "Luis Marquez"


def test_copula_role_noun_without_comma_and_partner_with_rank() -> None:
    got = _run(
        "Ravi Teja plays the defence lawyer. Hari Vardhan is the prosecutor Dama. "
        "Lena Moss is DI Kate Rowe, the lead detective, and Ivy Hart is her partner, DS Nell Price."
    )
    assert got.characters.get("Dama") == "Hari Vardhan"
    assert got.characters.get("Nell Price") == "Ivy Hart"


def test_writer_parenthesis_is_not_an_actor() -> None:
    got = _run(
        "Director Asha Rao, working from a script by Manu Kabir (the writer of Silent Lanes), keeps "
        "it tight. Tovi Varghese plays Anil."
    )
    assert "Silent Lanes" not in got.cast_names
    assert not any(c == "Manu Kabir" for c in got.characters)


def test_offered_the_part_and_in_discussions_for_roles() -> None:
    got = _run(
        "Min Ha-eun and Seo Jin-u have been offered the leads in Night Bloom. Min Ha-eun would play "
        "the nurse, Oh Da-in, while Seo Jin-u has been offered the part of Kang Tae-oh, a former "
        "detective. Yoon Bo-ra and Choi Min-gi are also reportedly in discussions for supporting "
        "roles.",
        "Exclusive: Min Ha-eun and Seo Jin-u in talks to lead new Netflix thriller Night Bloom",
    )
    assert got.characters.get("Kang Tae-oh") == "Seo Jin-u"
    assert {"Yoon Bo-ra", "Choi Min-gi"} <= set(got.cast_names)


def test_parenthesis_actor_with_trailing_praise() -> None:
    got = _run(
        "The household is led by his grandmother, Lady Mei (Wu Lanshu in a scene-stealing turn), "
        "and Ana Lin plays Mei Hua."
    )
    assert got.characters.get("Lady Mei") == "Wu Lanshu"


def test_job_title_before_full_name_dropped() -> None:
    assert strip_rank("Nurse Cheon Mi-ra") == "Cheon Mi-ra"


def test_ordinal_title_possessive_is_not_an_actor() -> None:
    got = _run(
        "The drama, once titled 21st Century Grand Duke's Bride, stars Ana Lin as Mei Hua. "
        "Player 222. Jo Yuna's pink guard Nara, a defector, returns too."
    )
    assert "Century Grand Duke" not in got.cast_names
    assert got.characters.get("Nara") == "Jo Yuna"


def test_travel_to_a_place_as_someone_is_not_a_credit() -> None:
    got = _run(
        "Ana Lin plays both twins, Mi-ji and Mi-rae. They swap: Mi-ji goes to Seoul as Mi-rae."
    )
    assert "Seoul" not in got.cast_names


def test_hyphen_joined_leads_in_headline() -> None:
    got = _run(
        "Superstar Vikram watched the film and called the director to congratulate him.",
        "Vikram reviews Harbour Nights, calls Ravindran-Meenakshi film a gem",
    )
    assert got.is_review is False
    assert {"Ravindran", "Meenakshi"} <= set(got.cast_names)


def test_hyphenated_nationality_is_not_a_lead_pair() -> None:
    got = _run(
        "Arun Rao plays Dev, a ghostwriter in Seoul.",
        "Seoul Letters review: a gentle Indo-Korean film about words",
    )
    assert "Indo" not in got.cast_names
    assert "Korean" not in got.cast_names


def test_sentence_opening_as_character_credits_previous_subject() -> None:
    got = _run(
        "Review: Ravi Menon, who spent a decade as a romantic hero, keeps reinventing himself. "
        "As Harikrishnan he is almost unrecognisable. The film rests on him."
    )
    assert got.characters.get("Harikrishnan") == "Ravi Menon"
    plain = _run("The film is long. As Harikrishnan he is almost unrecognisable.")
    assert "Harikrishnan" not in plain.characters


def test_as_the_descriptor_name_then_verb() -> None:
    got = _run("The film is long. Arun Dev Singh as the poet Kavi Raman has the best scene.")
    assert got.characters.get("Kavi Raman") == "Arun Dev Singh"


def test_aka_alias_before_plays_keeps_the_pair() -> None:
    got = _run("It works.\n\nLeo Wang aka Wang Hao plays Dongfang Lan, and he is superb.")
    assert got.characters.get("Dongfang Lan") == "Leo Wang"
    assert "Wang Hao" not in got.cast_names


def test_a_possessive_in_a_linked_headline_is_not_credited_to_the_linked_work() -> None:
    """ "Also Read: <T> Movie Review: Bablu's second cup ..." names a character, not an actor of <T>;
    a starrer in a linked headline still is."""
    text = (
        "Harbour Lights Review: a gentle drama\n\n"
        "Asha Rao plays Mira in this gentle drama, and the film is a pleasant watch.\n"
        "Also Read: Tea Stall Tales 2 Movie Review: Bablu's second cup is stronger and louder\n"
        "Also Read: Monsoon Letters Review: Ravi Menon and Sara Ali starrer is a slow delight\n"
    )
    got = extract(entry_from_text(text))
    linked = {m.title: m.cast for m in got.mentions}
    assert linked.get("Tea Stall Tales 2") == ()
    assert linked.get("Monsoon Letters") == ("Ravi Menon", "Sara Ali")
