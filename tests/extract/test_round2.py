"""Round-2 fixes: directors, passing mentions, franchise siblings, known-people leakage, headline
titles, and the anchor pre-filter (own small examples)."""

from __future__ import annotations

import re

import pytest

from bot.extract import KnownNames, entry_from_text, extract
from bot.extract.headline import news_title, parse_headline
from bot.extract.scan import find_all, near
from bot.models import Extraction

HEAD = "Lantern Road Review: a quiet film about grief"


def run(headline: str, body: str, **kw: object) -> Extraction:
    return extract(entry_from_text(f"{headline}\n\n{body}"), **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- directors


@pytest.mark.parametrize(
    ("body", "director"),
    [
        ("It is directed by Pa. Venkat, and it shows. Rating: 3/5", "Pa. Venkat"),
        (
            "Director: Vidhu Ravi Khanna | Cast: Meera Shah, Arjun Rao\n\nA fine film.",
            "Vidhu Ravi Khanna",
        ),
        ("Directed by Surya, Lantern Road features Tabu in a double role.", "Surya"),
        (
            "Directed by Amar Kaushik, Nila Rao and Dev Sen, it sprawls.",
            "Amar Kaushik, Nila Rao and Dev Sen",
        ),
        ("Directors Kim Ha-neul and Lee Min-jun give it polish.", "Kim Ha-neul and Lee Min-jun"),
        ("The directors, Yoon Ji Ho and Park Sae Ro, keep it light.", "Yoon Ji Ho and Park Sae Ro"),
        ("Creator Tom Ardel, who directs most of the episodes, loves mood.", "Tom Ardel"),
        ("Nila Rao will once again direct the new season.", "Nila Rao"),
        ("Amar Kaushik, who is directing, had made a short before.", "Amar Kaushik"),
    ],
)
def test_director_shapes_round2(body: str, director: str) -> None:
    assert run(HEAD, body).director == director


def test_director_not_from_other_work_or_episode_or_character() -> None:
    body = (
        "Meera Shah plays Anu. The sixth episode, directed by Joe Lane, is a detour. "
        "Rumours of a spin-off directed by Max Roe continue. "
        "Arjun Rao is cast as Director Han, the villain. Rating: 3/5"
    )
    assert run(HEAD, body).director is None


def test_director_who_directed_another_title_is_skipped() -> None:
    body = "Meera Shah plays Anu. Ravi Menon, who directed Parinda, has a cameo. Rating: 3/5"
    assert run(HEAD, body).director is None


def test_headline_possessor_not_credited_as_actor_is_the_director() -> None:
    got = run(
        "'Dust Roads' review: Ana Lind's road movie is harrowing",
        "Mara Kell plays Jess, a photographer. The film is tense and sad. Rating: 4/5",
    )
    assert got.director == "Ana Lind"
    assert "Ana Lind" not in got.cast_names


def test_possessive_title_with_s_apostrophe() -> None:
    got = run(HEAD, "Barry Jenkins' Lantern Road is a slow film. Meera Shah plays Anu. Rating: 3/5")
    assert got.director == "Barry Jenkins"


def test_no_director_for_a_list() -> None:
    got = run(
        "What to watch this weekend: five new shows",
        "1. Hill Town (Netflix)\nDirected by Anirban Sen, with Kunal Roy.\n\n2. Dust (Prime Video)",
    )
    assert got.title is None and got.director is None


# --------------------------------------------------------------------------- mentions


def test_passing_mentions_from_cues_and_lists() -> None:
    body = (
        "Meera Shah plays Anu. Fans of Stree and Bhediya will catch the hooks. "
        "It has been compared to The Raid and to Snowpiercer. "
        "Ravi Menon, who made Kahaani, Badla and Andhadhun, is at ease. "
        "Tabu, so good in Maqbool, is wasted here. Rating: 3/5"
    )
    got = set(run(HEAD, body).mentioned_titles)
    assert {"Stree", "Bhediya", "The Raid", "Snowpiercer", "Kahaani", "Badla", "Andhadhun"} <= got
    assert "Maqbool" in got
    assert not any(" and " in t for t in got)


def test_places_and_numbers_are_not_titles() -> None:
    body = (
        "Meera Shah plays Anu. The train runs from Ranchi to New Delhi overnight. "
        "Critics have given the film 3.5 to 4 stars. She lives in Phulera. Rating: 3/5"
    )
    got = run(HEAD, body).mentioned_titles
    assert got == []


def test_roundup_list_items() -> None:
    body = (
        "A good year.\n\n1. Hill Town (Netflix) [★★★]\nA gentle show.\n\n"
        "2. When the Rain Falls (tvN, Netflix)\nA thriller.\n\nDust Bowl - Prime Video\nA western."
    )
    got = run("10 best shows of 2024, ranked", body)
    assert not got.is_review and got.title is None
    assert {"Hill Town", "When the Rain Falls", "Dust Bowl"} <= set(got.mentioned_titles)


def test_franchise_siblings_with_subtitles_and_seasons() -> None:
    body = (
        "Allu Ravi plays Raju. Raju: The Rise set this up, and the end teases Raju 3: The Rampage. "
        "The first film was a surprise hit. Rating: 3/5"
    )
    got = run("Raju 2: The Rule Review: louder", body)
    assert got.title == "Raju 2: The Rule"
    kinds = {m.title: str(m.kind) for m in got.mentions}
    assert kinds.get("Raju: The Rise") == "franchise"
    assert kinds.get("Raju 3: The Rampage") == "franchise"
    seasons = run(
        "Hill Town Season 3 review: sharper",
        "Jitu Rao plays Abhi. Unlike the first season, this one is political. Rating: 4/5",
    )
    assert "Hill Town Season 1" in seasons.mentioned_titles
    assert "Hill Town" not in seasons.mentioned_titles  # the bare show is the show itself


# --------------------------------------------------------------------------- known people


def test_known_people_only_in_cast_like_context() -> None:
    people: dict[str, list[str]] = {f"Person{i} Surname{i % 977}": [] for i in range(30_000)}
    people.update({"Shah Rukh Khan": ["SRK"], "Tabu": [], "Kiran Rao": [], "Rekha": []})
    known = KnownNames(people)
    body = (
        "Meera Shah plays Anu. Tabu is superb as the aunt. His stillness reminds one of Shah "
        "Rukh Khan in Swades. Kiran Rao said in an interview that she loved it. "
        "Person12 Surname12 was at the premiere. Rating: 3/5"
    )
    got = run(HEAD, body, known_people=known)
    assert got.cast_names == ["Meera Shah", "Tabu"]
    # the same mapping as a plain dict gives the same answer
    assert run(HEAD, body, known_people=people).cast_names == ["Meera Shah", "Tabu"]


def test_known_name_listed_with_cast_members() -> None:
    known = KnownNames({"Rekha": []})
    got = run(
        HEAD,
        "Starring Meera Shah, Arjun Rao and Rekha, it is tender. Rating: 3/5",
        known_people=known,
    )
    assert got.cast_names == ["Meera Shah", "Arjun Rao", "Rekha"]


# --------------------------------------------------------------------------- headline titles


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        (
            "Movie Review: Grand Hotel Kismet checks in with charm but checks out early",
            "Grand Hotel Kismet",
        ),
        ("Review: Winter Lighthouse is a slow-burn melodrama", "Winter Lighthouse"),
        ("Review: Crash Landing on You is charming", "Crash Landing on You"),
    ],
)
def test_review_first_headline_takes_the_title_run(headline: str, title: str) -> None:
    assert parse_headline(headline).title == title


def test_news_title_keeps_a_sequel_subtitle() -> None:
    assert news_title("Chai Commando 3: Final Brew announced; Vik Rao returns") == (
        "Chai Commando 3: Final Brew"
    )


def test_headline_title_is_not_cast() -> None:
    got = run(
        "Review: Winter Lighthouse is a slow-burn melodrama",
        "Han Seo-jin plays Yeon-hee, a keeper. The drama is slow. Rating: 3/5",
    )
    assert got.title == "Winter Lighthouse"
    assert got.cast_names == ["Han Seo-jin"]


# --------------------------------------------------------------------------- scan helpers


def test_near_gives_the_same_matches_as_finditer() -> None:
    rx = re.compile(r"(?:[Ss]tarring|featuring)\s+(?=[A-Z])")
    text = (
        ("filler words here " * 50)
        + "starring Ana and featuring Ben "
        + ("x " * 300)
        + "Starring Cy"
    )
    full = [m.span() for m in rx.finditer(text)]
    fast = [m.span() for m in near(rx, text, ("starring", "featuring"), before=2, after=40)]
    assert fast == full and len(full) == 3


def test_find_all_whole_words_ignoring_case() -> None:
    text = "Stree and STREE 2, but not Streets; stree."
    assert find_all(text, "stree") == [0, 10, 36]
