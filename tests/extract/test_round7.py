"""Round 7 (from real feeds in ../shared/corpora): titles with a parenthesis, and works named in
passing that the text only ever writes inside a longer title."""

from __future__ import annotations

import pytest

from bot.extract import entry_from_text, extract
from bot.extract.attribution import dedupe_mentions
from bot.extract.headline import news_title, parse_headline
from bot.extract.mentions import Mention
from bot.extract.names import clean_name
from bot.extract.runs import tidy_title
from bot.models import MentionKind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Peripheral (Amazon", ("The Peripheral", None)),  # a note cut off by the headline
        ("Kingdom (2019)", ("Kingdom", 2019)),  # the year used to be lost with its ")"
        ("Kingdom (2019).", ("Kingdom", 2019)),
        ("Money Heist (Korea)", ("Money Heist (Korea)", None)),  # balanced: part of the title
        ("(Untitled)", ("Untitled", None)),
        ("Extraction 2)", ("Extraction 2", None)),
        ('"Parasite"', ("Parasite", None)),
    ],
)
def test_tidy_title_keeps_balanced_parentheses_and_drops_broken_ones(
    raw: str, expected: tuple[str, int | None]
) -> None:
    assert tidy_title(raw) == expected


def _kept(titles: list[str], text: str, reviewed: str | None = None) -> list[str]:
    found = [Mention(t, MentionKind.PASSING, max(text.find(t), 0)) for t in titles]
    return [m.title for m in dedupe_mentions(found, reviewed, None, set(), text)]


def test_a_shorter_title_also_written_on_its_own_stays() -> None:
    text = "She grew up on Star Trek: Strange New Worlds. Fans of classic Trek will feel at home."
    assert _kept(["Star Trek: Strange New Worlds", "Trek"], text) == [
        "Star Trek: Strange New Worlds",
        "Trek",
    ]
    only_inside = "She grew up on Star Trek: Strange New Worlds and loved it."
    assert _kept(["Star Trek: Strange New Worlds", "Trek"], only_inside) == [
        "Star Trek: Strange New Worlds"
    ]


def test_a_part_of_the_reviewed_title_is_not_a_mention() -> None:
    text = "The Night Agent returns. The Night Agent is tighter this season."
    assert _kept(["Night Agent"], text, reviewed="The Night Agent") == []


def test_two_titles_joined_by_and_each_stay() -> None:
    text = "She was superb in Jaane Jaan and Maharaj last year."
    got = _kept(["Jaane Jaan and Maharaj", "Jaane Jaan", "Maharaj"], text)
    assert got == ["Jaane Jaan and Maharaj", "Jaane Jaan", "Maharaj"]


def test_a_bare_cast_heading_over_described_lines() -> None:
    body = (
        "Characters\n\n"
        "Ko Min Jae as Cha Do Yoon – a forensic accountant who only works nights\n"
        "Yoon Seo Ah as Baek Seo Rin – the heir to a collapsing rice-cake chain\n"
        "Park Tae Gyeom as Gil Tae Oh – Do Yoon's loyal, loud junior\n\n"
        "The drama rewards patience. Rating: 4/5"
    )
    got = extract(entry_from_text(f"Moonlit Ledger Review: a slow-burn office drama\n{body}"))
    assert [(c.name, c.character) for c in got.cast] == [
        ("Ko Min Jae", "Cha Do Yoon"),
        ("Yoon Seo Ah", "Baek Seo Rin"),  # "Ah" ends a Korean name, it is no interjection
        ("Park Tae Gyeom", "Gil Tae Oh"),
    ]


def test_a_bare_heading_over_prose_is_not_a_cast_list() -> None:
    body = (
        "Characters\n\nThe writing gives everyone a reason to stay, and the pacing is calm.\n\n"
        "Moonlit Ledger is a patient drama. Rating: 4/5"
    )
    got = extract(entry_from_text(f"Moonlit Ledger Review: a slow-burn office drama\n{body}"))
    assert got.cast == ()


@pytest.mark.parametrize(
    ("run", "name"),
    [
        ("Maxine Peake-alike Deborah Finnegan", "Deborah Finnegan"),
        ("Sheila Hancock-type Margaret Ellory", "Margaret Ellory"),
        ("Jean-Luc Picard", "Jean-Luc Picard"),
    ],
)
def test_a_likeness_before_a_name_describes_it(run: str, name: str) -> None:
    assert clean_name(run) == name


def test_a_characters_job_title_is_not_the_films_director() -> None:
    body = (
        "Midnight Ward returns, directed by Kim Sung-ho. Viewers suspect that hospital director "
        "Kang Mu-yeol, played by Baek Seung-jo, is hiding the truth. Rating: 4/5"
    )
    got = extract(entry_from_text(f"Midnight Ward Season 2 Review: a tense return\n{body}"))
    assert got.director == "Kim Sung-ho"
    only_job = "Viewers suspect that hospital director Kang Mu-yeol is hiding it. Rating: 4/5"
    got = extract(entry_from_text(f"Midnight Ward Season 2 Review: a tense return\n{only_job}"))
    assert got.director is None


def test_a_title_case_headline_phrase_is_not_a_character() -> None:
    body = (
        "Starring Karthik Velan, Malavika and Ramdoss, Irandu Mugam is a loud, happy mass film. "
        "Karthik Velan plays twins Kathir and Muthu. Rating: 3.5/5"
    )
    head = "Irandu Mugam Movie Review: Karthik Velan's Double Act Powers A Mass Entertainer"
    got = extract(entry_from_text(f"{head}\n{body}"))
    assert "Double Act Powers A Mass" not in {c.character for c in got.cast}
    assert "Karthik Velan" in got.cast_names


def test_review_headline_whose_subject_is_an_actor_and_title_comes_last() -> None:
    head = "K-drama review: Jeon Ha-eun anchors JTBC's bleak fishing-village thriller Blind Tide"
    body = "Blind Tide is bleak and good. Jeon Ha-eun leads Blind Tide with quiet force."
    assert parse_headline(head, body).title == "Blind Tide"
    # a title that is the subject stays the title
    assert parse_headline("Review: Barbie dazzles in a candy comedy", "Barbie is fun.").title == (
        "Barbie"
    )


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        ("The Lantern Keeper 2 officially confirmed: Ava Reyes returns", "The Lantern Keeper 2"),
        ("Kingdom Season 3 announced by Netflix", "Kingdom Season 3"),
        ("Behind the scenes of Kaayal: 38 nights on a lake", "Kaayal"),
        ("Inside the making of Sholay", "Sholay"),
        ("Shah Rukh Khan confirmed for Pathaan 2", None),  # a person confirmed for a role
    ],
)
def test_news_headline_shapes(headline: str, title: str | None) -> None:
    assert news_title(headline) == title


def test_a_title_then_cast_heading_over_a_list() -> None:
    body = (
        "Jade Pavilion is streaming now.\n\nJade Pavilion cast\n\n"
        "Zhao Lin as Princess Shen Yue\nWang Yichen as General Xiao Heng\nHu Xinyi as Lady Rong\n\n"
        "The plot spans two timelines."
    )
    got = extract(entry_from_text(f"Jade Pavilion OTT release: where to watch it online\n{body}"))
    assert [(c.name, c.character) for c in got.cast] == [
        ("Zhao Lin", "Shen Yue"),
        ("Wang Yichen", "Xiao Heng"),
        ("Hu Xinyi", "Lady Rong"),
    ]


def test_character_then_actor_in_parentheses_with_a_likeness_or_an_aside() -> None:
    body = (
        "The home's new manager, Graham Tate (Rafe Spall lookalike Toby Kendrick, all gleaming "
        "teeth), clashes with Mrs Pym (Margaret Ellory). The Quiet Hours is a gentle film. "
        "Rating: 4/5"
    )
    got = extract(entry_from_text(f"The Quiet Hours review – a gentle care-home drama\n{body}"))
    assert ("Toby Kendrick", "Graham Tate") in [(c.name, c.character) for c in got.cast]
    assert "Rafe Spall" not in got.cast_names


def test_a_rank_alone_is_not_a_character() -> None:
    body = (
        "Starring Vani Bhojan and Kishore, Nizhal Thedi is a tense series. Aadukalam Naren plays a "
        "retired DSP whose silence hides a lot. Rating: 3.5/5"
    )
    got = extract(entry_from_text(f"Nizhal Thedi review: a tense Tamil thriller\n{body}"))
    assert "DSP" not in {c.character for c in got.cast}


@pytest.mark.parametrize(
    "sentence",
    [
        "Aswathi Pillai, who plays Neethu, is excellent.",
        "Aswathi Pillai, who plays the drowned teacher's daughter Neethu, is excellent.",
        "The film belongs to Aswathi Pillai, who also plays Neethu.",
    ],
)
def test_who_plays_credits_the_name_before_the_relative_clause(sentence: str) -> None:
    body = f"Kaayal is a Malayalam film. {sentence} Rating: 4/5"
    got = extract(entry_from_text(f"Kaayal review: a thriller on the backwaters\n{body}"))
    assert ("Aswathi Pillai", "Neethu") in [(c.name, c.character) for c in got.cast]
