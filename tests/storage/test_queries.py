"""Answers: cast merge, filmographies, related signals, search, latest, indexes."""

from __future__ import annotations

import pytest

from bot.errors import NotFound
from bot.models import MentionedWork, MentionKind, Role
from bot.storage import SQLiteStorage
from bot.text import norm_name, norm_title

from .conftest import article, when


async def _work_id(store: SQLiteStorage, title: str) -> int:
    works = await store.works_by_key(norm_title(title))
    assert len(works) == 1, works
    return works[0].id


async def test_cast_merges_articles_in_billing_order(store: SQLiteStorage) -> None:
    await store.ingest(
        "f", "1", "h",
        *article("Kingdom", cast=(("Ju Ji-hoon", "Lee Chang"), "Bae Doona", "Ryu Seung-ryong"),
                 director="Kim Seong-hun", published=when(1)),
    )  # fmt: skip
    await store.ingest(
        "f", "2", "h",
        *article("Kingdom", cast=(("Bae Doona", "Seo-bi"), ("Ju Ji-hoon", "Crown Prince"),
                 ("Kim Sung-kyu", None)), published=when(2)),
    )  # fmt: skip
    await store.ingest(
        "f", "3", "h",
        *article("Kingdom", cast=(("Ju Ji-hoon", "Lee Chang"),), director="Kim Seong-hun"),
    )  # fmt: skip
    # an article about another work credits someone to Kingdom in passing
    await store.ingest(
        "f", "4", "h",
        *article("Signal", mentions=(MentionedWork("Kingdom", MentionKind.PASSING,
                                                   cast=("Jun Ji-hyun", "Bae Doona")),)),
    )  # fmt: skip
    cast = await store.cast_for_work(await _work_id(store, "Kingdom"))
    lines = [(c.name, c.character, c.role, c.billing) for c in cast]
    assert lines == [
        ("Ju Ji-hoon", "Lee Chang", Role.ACTOR, 0),  # Lee Chang named twice, Crown Prince once
        ("Bae Doona", "Seo-bi", Role.ACTOR, 0),  # best billing over the reviews: 0
        ("Kim Sung-kyu", None, Role.ACTOR, 2),  # a tie at billing 2: by name
        ("Ryu Seung-ryong", None, Role.ACTOR, 2),
        ("Jun Ji-hyun", None, Role.ACTOR, 0),  # only credited by another work's article: last
        ("Kim Seong-hun", None, Role.DIRECTOR, 0),
    ]


async def test_credits_for_person_newest_work_first(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *article("Signal", cast=(("Kim Hye-soo", "Cha Soo-hyun"),),
                                               published=when(1)))  # fmt: skip
    await store.ingest("f", "2", "h", *article("Juvenile Justice", cast=("Kim Hye-soo",),
                                               published=when(9)))  # fmt: skip
    await store.ingest("f", "3", "h", *article("Signal", cast=(("Kim Hye-soo", "Cha Soo-hyun"),),
                                               published=when(3)))  # fmt: skip
    await store.ingest("f", "4", "h", *article("The Thieves", director="Kim Hye-soo",
                                               cast=("Kim Hye-soo",), published=when(5)))  # fmt: skip
    person = (await store.people_by_key(norm_name("kim hye soo")))[0]
    credits = await store.credits_for_person(person.id)
    lines = [(c.work.title, c.role, c.character) for c in credits]
    assert lines == [
        ("Juvenile Justice", Role.ACTOR, None),
        ("The Thieves", Role.ACTOR, None),
        ("The Thieves", Role.DIRECTOR, None),
        ("Signal", Role.ACTOR, "Cha Soo-hyun"),
    ]
    assert credits[-1].work.review_count == 2


async def test_related_signals_franchise_cast_mentions(store: SQLiteStorage) -> None:
    await store.ingest(
        "f", "1", "h",
        *article("Soundtrack #1", cast=("Han So-hee", "Park Hyung-sik"), director="Kim Hee-won",
                 text="songwriter friendship"),
    )  # fmt: skip
    await store.ingest(
        "f", "2", "h",
        *article("Soundtrack #2", cast=("Son Suk-ku", "Kim Yoo-jung"), director="Kim Hee-won",
                 mentions=(MentionedWork("Lovers of the Red Sky", MentionKind.ALSO_READ,
                                         url="https://example.com/lovers"),)),
    )  # fmt: skip
    await store.ingest("f", "3", "h", *article("My Name", cast=("Han So-hee",)))
    await store.ingest(
        "f", "4", "h",
        *article("Nevertheless", mentions=(MentionedWork("Soundtrack", MentionKind.PASSING),)),
    )  # fmt: skip
    await store.ingest("f", "5", "h", *article("Soundtrack", kind="film"))
    await store.ingest("f", "6", "h", *article("Soundtrack", kind="series"))
    one, two = await _work_id(store, "Soundtrack #1"), await _work_id(store, "Soundtrack #2")
    lovers = await _work_id(store, "Lovers of the Red Sky")
    my_name = await _work_id(store, "My Name")

    signals = await store.related_signals(one)
    kinds = {(s.work_id, s.kind, s.detail) for s in signals}
    assert (two, "franchise", None) in kinds
    assert (my_name, "shared_cast", "Han So-hee") in kinds
    assert (two, "shared_director", "Kim Hee-won") in kinds
    assert all(s.work_id != one for s in signals)
    # the two bare "Soundtrack" works are siblings of the numbered entries ...
    bare = {w.id for w in await store.works_by_key("soundtrack")}
    assert len(bare) == 2 and bare <= {s.work_id for s in signals if s.kind == "franchise"}

    two_signals = {(s.work_id, s.kind) for s in await store.related_signals(two)}
    assert (lovers, "also_read") in two_signals and (one, "franchise") in two_signals
    assert (two, "also_read") in {(s.work_id, s.kind) for s in await store.related_signals(lovers)}

    # ... but same-named works with no numbering are not a franchise of each other
    film = next(iter(bare))
    film_signals = await store.related_signals(film)
    assert not any(s.kind == "franchise" and s.work_id in bare for s in film_signals)
    # a passing mention relates both ways, as "mentioned"
    nevertheless = await _work_id(store, "Nevertheless")
    from_nevertheless = {s.work_id for s in await store.related_signals(nevertheless)}
    mentioned = [s for s in await store.related_signals(nevertheless) if s.kind == "mentioned"]
    assert len(mentioned) == 1 and mentioned[0].work_id in bare
    assert (nevertheless, "mentioned") in {
        (s.work_id, s.kind) for s in await store.related_signals(mentioned[0].work_id)
    }
    assert from_nevertheless == {mentioned[0].work_id}

    with pytest.raises(NotFound):
        await store.related_signals(99999)


async def test_similar_text_finds_articles_sharing_rare_words(store: SQLiteStorage) -> None:
    filler = "the story follows a family through a difficult year together"
    await store.ingest("f", "1", "h", *article(
        "Mother", text=f"{filler} herbalist acupuncture mountain village murder"))  # fmt: skip
    await store.ingest("f", "2", "h", *article(
        "Memories", text=f"{filler} herbalist acupuncture detective rain"))  # fmt: skip
    await store.ingest("f", "3", "h", *article("Okja", text=f"{filler} superpig corporation"))
    for n in range(4, 10):
        await store.ingest("f", str(n), "h", *article(f"Other {n}", text=filler))
    signals = [s for s in await store.related_signals(await _work_id(store, "Mother"))
               if s.kind == "similar_text"]  # fmt: skip
    assert signals and signals[0].work_id == await _work_id(store, "Memories")
    assert all(0.0 <= s.weight <= 1.0 for s in signals)
    assert await _work_id(store, "Okja") not in {s.work_id for s in signals}


@pytest.mark.parametrize(
    "hostile",
    ['"', '""', "AND OR", "NOT", "*", "kingdom*", "title:kingdom", "(", ")", "NEAR(a b)", "^",
     "-", "' OR 1=1 --", "\x00", "🧟‍♂️", "ゾンビ", "", "   ", "a" * 5000, "zombie' \" AND"],
)  # fmt: skip
async def test_search_accepts_any_user_text(store: SQLiteStorage, hostile: str) -> None:
    await store.ingest("f", "1", "h", *article("Kingdom", text="zombie plague in Joseon"))
    results = await store.search(hostile)
    assert isinstance(results, list)
    assert all(r.work_title == "Kingdom" for r in results)


async def test_search_ranks_and_folds(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *article("Pokémon Detective", text="a talking pikachu"))
    await store.ingest("f", "2", "h", *article("Signal", text="a detective story with radios"))
    await store.ingest("f", "3", "h", *article("Kingdom", text="zombies"))
    hits = await store.search("pokemon")
    assert [h.work_title for h in hits] == ["Pokémon Detective"]
    detective = await store.search("DETECTIVE")
    assert detective[0].work_title == "Pokémon Detective"  # title beats body
    assert {h.work_title for h in detective} == {"Pokémon Detective", "Signal"}
    # every word must match; failing that, any word does
    assert [h.work_title for h in await store.search("detective radios")] == ["Signal"]
    assert {h.work_title for h in await store.search("zombies pikachu")} == {
        "Kingdom", "Pokémon Detective"}  # fmt: skip
    assert len(await store.search("detective", limit=1)) == 1


async def test_latest_and_reviews_for_work_order(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *article("Kingdom", headline="old", published=when(1)))
    await store.ingest("f", "2", "h", *article("Kingdom", headline="undated"))
    await store.ingest("f", "3", "h", *article("Kingdom", headline="new", published=when(20)))
    await store.ingest("f", "4", "h", *article("Kingdom", headline="news", is_review=False,
                                               published=when(25)))  # fmt: skip
    work = await _work_id(store, "Kingdom")
    assert [r.headline for r in await store.reviews_for_work(work)] == ["new", "old", "undated"]
    assert [r.headline for r in await store.reviews_for_work(work, limit=1)] == ["new"]
    assert [r.headline for r in await store.latest(10)] == ["new", "old", "undated"]
    assert [r.headline for r in await store.latest(2, reviews_only=False)] == ["news", "new"]
    info = (await store.latest(1))[0]
    assert info.published == when(20) and info.work_title == "Kingdom" and info.is_review
    assert (await store.get_work(work)).review_count == 3


async def test_indexes_and_lookups(store: SQLiteStorage) -> None:
    await store.ingest("f", "1", "h", *article(
        "Soundtrack #2", cast=("Noh Sang-hyun",),
        aliases=(("Noh Sang-hyun", ("Sang-hyun Noh",)),)))  # fmt: skip
    work = await _work_id(store, "soundtrack 2")
    await store.add_work_title(work, "OST 2")
    assert [w.id for w in await store.works_by_key(norm_title("OST #2"))] == [work]
    titles = {(r.text, r.is_alias) for r in await store.title_index()}
    assert titles == {("Soundtrack #2", False), ("OST 2", True)}
    assert set(await store.known_titles()) == {"Soundtrack #2", "OST 2"}
    people = {(r.text, r.key, r.is_alias) for r in await store.person_index()}
    assert people == {("Noh Sang-hyun", "noh sang hyun", False),
                      ("Sang-hyun Noh", "sang hyun noh", True)}  # fmt: skip
    assert (await store.get_work(work)).title == "Soundtrack #2"
    with pytest.raises(NotFound):
        await store.get_work(12345)
    assert await store.works_by_key("nothing like this") == []
