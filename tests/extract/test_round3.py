"""Round 3: shapes that generalise beyond the golden set (own examples, no golden text)."""

from __future__ import annotations

import threading

from bot.extract import entry_from_text, extract
from bot.extract.headline import parse_headline
from bot.extract.names import clean_name
from bot.models import Extraction


def run(headline: str, body: str) -> Extraction:
    return extract(entry_from_text(f"{headline}\n\n{body}"))


def test_bracket_review_prefix_and_foreign_alias() -> None:
    head = parse_headline("[Review] Moonlit Bakery (달빛 빵집): a warm loaf with a burnt crust")
    assert head.title == "Moonlit Bakery" and head.review_shape


def test_verdict_sentence_with_trailing_review_word() -> None:
    body = "Kavya Rao plays Meera, a baker. Tinda is a small film that trusts its lead. Rating: 3/5"
    got = run("Kavya Rao's Tinda is a tender film about bread and grief - review", body)
    assert got.is_review and got.title == "Tinda" and got.rating == 3.0


def test_dash_inside_title_confirmed_by_body() -> None:
    body = (
        "Night Train – The Last Stop follows a conductor (Arun Mehra) through one long night. "
        "Night Train – The Last Stop is too long by half. Rating: 2/5"
    )
    got = run("Movie Review: Night Train – The Last Stop loses steam before dawn", body)
    assert got.title == "Night Train – The Last Stop"


def test_first_reviews_news_keeps_subtitle() -> None:
    got = run(
        "Arrival: Part Three first reviews out: critics call it a triumph",
        "Critics who saw Arrival: Part Three at the premiere praised it.",
    )
    assert not got.is_review and got.title == "Arrival: Part Three"


def test_episode_recap_names_the_show() -> None:
    got = run(
        "My Quiet Neighbour Episode 4 recap: Ji-ho finds the letter",
        "In this week's episode Ji-ho (Park Min-seo) finds a letter under the door.",
    )
    assert not got.is_review and got.title == "My Quiet Neighbour"


def test_roundup_news_has_no_single_title() -> None:
    for headline in (
        "Lakeside Film Festival 2026 unveils lineup: 120 films, 'Paper Boats' to open",
        "Remembering Meera Sen: 8 performances that defined an era",
        "Screen Critics Awards 2026 nominations: Paper Boats and Iron Tide lead the pack",
    ):
        got = run(
            headline, "Paper Boats, directed by Kiran Das, opens the event. Iron Tide follows."
        )
        assert got.title is None and not got.cast, headline


def test_possessive_actor_character_pairs() -> None:
    body = (
        "The season gets better as it goes. Rohan Verma's ex-cop Bhola Singh is the heart of it, "
        "and Tara Khan's Ruby, a cabaret singer, steals every scene. Rating: 3.5/5"
    )
    got = run("Dusk Patrol Season 2 Review: a tighter, meaner season", body)
    assert got.characters.get("Bhola Singh") == "Rohan Verma"
    assert got.characters.get("Ruby") == "Tara Khan"


def test_possessive_after_preposition_is_a_work() -> None:
    body = (
        "After his debut in Sunil Bose's Kaagaz, Dev Mathur plays Aman, a clerk. "
        "The film is tender. Rating: 3/5"
    )
    got = run("Naya Din Review: a gentle debut", body)
    assert "Sunil Bose" not in got.cast_names
    assert got.characters.get("Aman") == "Dev Mathur"


def test_long_parenthesis_and_copula_with_appositive() -> None:
    body = (
        "The queen, Lady Ora (the ever-reliable Nina Hale), rules a dying court. Her rival "
        "Captain Vex (Omar Reid, clearly enjoying himself) plots. Sam Lee aka Sly, the former "
        "boxer, is Grub, a cook with secrets. The series is gripping. Rating: 4/5"
    )
    got = run("Iron Court Review: a lavish, gripping season", body)
    assert got.characters.get("Lady Ora") == "Nina Hale"
    assert got.characters.get("Vex") == "Omar Reid" or got.characters.get("Captain Vex") == (
        "Omar Reid"
    )
    assert got.characters.get("Grub") == "Sam Lee"


def test_character_copula_does_not_steal_a_parenthesised_actor() -> None:
    body = "Hunting Ravi is Inspector Kale (Manav Joshi), a tired cop. The film drags. Rating: 2/5"
    got = run("Chor Police Review: a lazy caper", body)
    assert "Hunting Ravi" not in got.cast_names
    assert got.characters.get("Kale") == "Manav Joshi"


def test_places_after_a_preposition_are_not_cast() -> None:
    body = (
        "The night runs across Jersey City and Staten Island as the three friends search for "
        "the dog. Mia Torres plays Lucy. The film is charming. Rating: 4/5"
    )
    got = run("Lost Dog Review: a charming caper", body)
    assert "Staten Island" not in got.cast_names and "Mia Torres" in got.cast_names


def test_performance_verb_subject_is_cast() -> None:
    body = (
        "Anil Dutta plays Keshav, a forger. Priya Nair shines in a small part, and Rahul Bhat is "
        "hilarious as the landlord. The film is uneven. Rating: 3/5"
    )
    got = run("Nakli Review: a forger's comedy", body)
    assert {"Anil Dutta", "Priya Nair", "Rahul Bhat"} <= set(got.cast_names)


def test_surname_resolves_to_the_full_name() -> None:
    body = (
        "Created by Lena Park and Marcus Hale, the show is sharp. Hale plays Tom, a tired spy, "
        "and Lena Park plays Jane. The series is excellent. Rating: 4/5"
    )
    got = run("Spy Couple Review: a sharp marriage drama", body)
    assert "Marcus Hale" in got.cast_names and "Hale" not in got.cast_names


def test_directors_initials_descriptors_and_studios() -> None:
    assert clean_name("Rajan B Menon") == "Rajan B Menon"
    got = run(
        "Paper Kites review - Lumen's kite sequel is sweet and slight",
        "The sequel, directed by first-timer Asha Kulkarni, follows Tia (Rina Das). Rating: 3/5",
    )
    assert got.director == "Asha Kulkarni"
    got = run(
        "Dhool Review: a dusty, handsome western",
        "Vikram Sood's direction is assured. Arjun Rao plays Kaalu. Rating: 3.5/5",
    )
    assert got.director == "Vikram Sood"


def test_director_line_inside_a_pipe_separated_info_line() -> None:
    body = (
        "Director: Mira Shah | Cast: Dev Rao, Tina Joshi, Kabir Lal | Runtime: 120 minutes\n\n"
        "The film is slow but rewarding. Rating: 3/5"
    )
    got = run("Still Water Review: slow and rewarding", body)
    assert got.director == "Mira Shah"
    assert got.cast_names == ["Dev Rao", "Tina Joshi", "Kabir Lal"]


def test_rank_titles_are_stripped_from_characters() -> None:
    body = "The local MLA Hari Prasad (Ravi Sethi) schemes. The series is gentle. Rating: 3/5"
    got = run("Gaon Season 2 Review: gentle as ever", body)
    assert got.characters.get("Hari Prasad") == "Ravi Sethi"


def test_anchor_memo_is_per_thread() -> None:
    body = "Kiran Rao plays Asha, a nurse. The film is moving. Rating: 4/5"
    want = run("Sewa Review: moving", body)
    results: list[Extraction] = []

    def work() -> None:
        for _ in range(20):
            results.append(run("Sewa Review: moving", body))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 60 and all(r.characters == want.characters for r in results)
