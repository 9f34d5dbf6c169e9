"""The answers, over a real SQLite file filled through the storage interface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import Ambiguous, NotFound, UsageError
from bot.models import CastMember, Extraction, FeedEntry, MentionedWork, MentionKind, Role
from bot.render import answer_to_json, card_to_text, render, render_error
from bot.services import ReviewService, rank_related
from bot.storage import open_storage
from bot.storage.base import RelatedSignal


def _item(
    n: int,
    title: str,
    cast: list[tuple[str, str | None]],
    *,
    kind: str | None = "film",
    rating: float | None = None,
    director: str | None = None,
    mentions: tuple[MentionedWork, ...] = (),
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = (),
    day: int = 1,
    is_review: bool = True,
) -> tuple[FeedEntry, Extraction]:
    published = datetime(2026, 1, day, tzinfo=UTC)
    headline = f"{title} Review: a headline {n}" if is_review else f"News about {title} {n}"
    entry = FeedEntry(
        title=headline,
        content=f"Body {n} about {title}.",
        link=f"https://example.test/{n}",
        guid=f"g{n}",
        published=published,
        source="Example Reviews",
    )
    ex = Extraction(
        headline=headline,
        is_review=is_review,
        title=title,
        cast=tuple(CastMember(a, c) for a, c in cast),
        aliases=aliases,
        director=director,
        rating=rating,
        mentions=mentions,
        summary=f"Verdict on {title}.",
        text=f"Body {n} about {title} with a rainy harbour and a piano.",
        source="Example Reviews",
        url=entry.link,
        published=published,
        kind=kind,
    )
    return entry, ex


ITEMS = [
    _item(1, "Moonlit Harbour", [("Ana Roy", "Mira"), ("Kabir Sen", "Dev")], rating=4.0,
          director="Lena Park", day=3),
    _item(2, "Moonlit Harbour 2", [("Ana Roy", "Mira"), ("Tae Min", None)], rating=3.5, day=9,
          mentions=(MentionedWork("Moonlit Harbour", MentionKind.FRANCHISE),)),
    _item(3, "Glass Orchard", [("Kabir Sen", "Inspector Vale")], rating=2.5, director="Lena Park",
          day=5, aliases=(("Kabir Sen", ("KS",)),),
          mentions=(MentionedWork("Paper Kites", MentionKind.ALSO_READ, cast=("Ana Roy",)),)),
    _item(4, "Animal", [("Dev Malhotra", "Arjun")], kind="film", day=6),
    _item(5, "Animal", [("Kim Ha Na", "Seo Yun")], kind="series", day=7),
    _item(6, "Paper Kites", [], day=8, is_review=False),
]  # fmt: skip


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[ReviewService]:
    storage = await open_storage(tmp_path / "s.db")
    for entry, ex in ITEMS:
        result = await storage.ingest("feed", entry.guid or "", f"h{entry.guid}", entry, ex)
        assert result.status == "new"
    yield ReviewService(storage)
    await storage.close()


async def test_review_newest_first_with_cast(service: ReviewService) -> None:
    answer = await service.review("moonlit harbour")
    assert answer.work.title == "Moonlit Harbour"
    assert answer.reviews[0].rating == 4.0
    assert [c.name for c in answer.cast if c.role is Role.ACTOR] == ["Ana Roy", "Kabir Sen"]
    assert [c.name for c in answer.cast if c.role is Role.DIRECTOR] == ["Lena Park"]
    text = card_to_text(render(answer)[0])
    assert "★★★★☆ 4/5" in text and "Ana Roy as Mira" in text


async def test_typo_is_corrected_but_a_different_sequel_is_not(service: ReviewService) -> None:
    answer = await service.review("Moonlit Harbor 2")
    assert answer.work.title == "Moonlit Harbour 2"
    assert answer.corrected_from == "Moonlit Harbor 2"
    with pytest.raises(NotFound) as miss:
        await service.review("Moonlit Harbour 3")
    assert "Moonlit Harbour 2" in " ".join(miss.value.suggestions)


async def test_franchise_name_offers_the_entries(service: ReviewService) -> None:
    with pytest.raises(Ambiguous) as amb:
        await service.review("Moonlit")
    assert {c.split(" (")[0] for c in amb.value.choices} == {"Moonlit Harbour", "Moonlit Harbour 2"}


async def test_same_named_works_are_told_apart(service: ReviewService) -> None:
    with pytest.raises(Ambiguous) as amb:
        await service.cast("Animal")
    choices = amb.value.choices
    assert len(choices) == 2 and any("series" in c for c in choices)
    answer = await service.cast(next(c for c in choices if "series" in c))
    assert answer.cast[0].name == "Kim Ha Na"  # type: ignore[union-attr]


async def test_cast_of_a_person_and_by_alias(service: ReviewService) -> None:
    answer = await service.cast("kabir sen")
    data = answer_to_json("cast", answer)
    assert data["person"] == "Kabir Sen"
    assert {(w["title"], w["character"]) for w in data["works"]} == {
        ("Moonlit Harbour", "Dev"),
        ("Glass Orchard", "Inspector Vale"),
    }
    alias = await service.cast("KS")
    assert answer_to_json("cast", alias)["person"] == "Kabir Sen"


async def test_related_ranks_franchise_first_with_reasons(service: ReviewService) -> None:
    answer = await service.related("Moonlit Harbour")
    titles = [r.work.title for r in answer.related]
    assert titles[0] == "Moonlit Harbour 2"
    first = answer.related[0]
    assert "same franchise" in first.reasons
    assert any("Ana Roy" in r for r in first.reasons)
    orchard = next(r for r in answer.related if r.work.title == "Glass Orchard")
    assert any("Kabir Sen" in r for r in orchard.reasons)
    assert any("Lena Park" in r for r in orchard.reasons)


def test_rank_related_counts_each_reason_once() -> None:
    signals = [
        RelatedSignal(1, "franchise"),
        RelatedSignal(1, "franchise"),
        RelatedSignal(2, "shared_cast", "A"),
        RelatedSignal(2, "shared_cast", "B"),
        RelatedSignal(2, "shared_cast", "B"),
        RelatedSignal(3, "similar_text", weight=0.5),
    ]
    ranked = rank_related(signals)
    assert [r[0] for r in ranked] == [1, 2, 3]
    assert ranked[1][2] == ("shared cast: A, B",)
    assert ranked[0][1] > ranked[1][1] > ranked[2][1]


async def test_search_latest_and_hostile_words(service: ReviewService) -> None:
    found = await service.search("piano harbour")
    assert found.results and found.results[0].work_title
    for words in ['"', "AND OR NOT", "*", "(((", "Ῥόδος 🌊", "title:x"]:
        await service.search(words)  # never an FTS syntax error
    latest = await service.latest(3)
    assert [r.published for r in latest.items] == sorted(
        (r.published for r in latest.items), reverse=True
    )
    assert all(r.is_review for r in latest.items)
    with pytest.raises(UsageError):
        await service.latest(500)


async def test_mentioned_only_work_answers_without_reviews(service: ReviewService) -> None:
    answer = await service.review("Paper Kites")
    assert answer.reviews == ()
    assert "No review of Paper Kites yet" in card_to_text(render(answer)[0])


async def test_empty_and_absurd_queries(service: ReviewService) -> None:
    with pytest.raises(UsageError):
        await service.review("   ")
    with pytest.raises(UsageError, match="characters long"):
        await service.related("y" * 4000)
    with pytest.raises(UsageError, match="no letters"):
        await service.cast("!!!")
    with pytest.raises(NotFound) as miss:
        await service.review("@everyone <@&123>")
    card = render_error(miss.value)
    assert "@everyone" not in card.description  # neutralised


async def test_autocomplete(service: ReviewService) -> None:
    titles = await service.complete_titles("moon")
    assert titles[:2] == ["Moonlit Harbour", "Moonlit Harbour 2"]
    assert "Glass Orchard" in await service.complete_titles("orch")
    assert "Moonlit Harbour" in await service.complete_titles("monlit harbour")
    people = await service.complete_people("ka")
    assert people == ["Kabir Sen"]
    assert len(await service.complete_titles("")) <= 25
    mixed = await service.complete_any("a")
    assert "Ana Roy" in mixed and "Animal" in mixed
