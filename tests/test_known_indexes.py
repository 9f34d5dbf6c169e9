"""The known-name indexes extraction uses, and how the Ingestor keeps them current.

A token trie finds known titles in time that does not grow with their number; ``learn`` adds what
each stored item names, so the next item sees it without re-reading the whole database. The learned
indexes must say what a fresh read of the database would say (checked over the golden articles).
"""

from __future__ import annotations

from pathlib import Path

from bot.extract import KnownNames, KnownTitles, entry_from_text
from bot.ingest import Ingestor
from bot.storage import open_storage
from bot.text import norm_name, norm_title

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"


def test_titles_longest_match_wins_among_many_with_one_first_word() -> None:
    titles = [f"Show {i}-{j}" for i in range(1000) for j in range(10)]
    titles += ["Soundtrack", "Soundtrack #2", "Lantern Road"]
    known = KnownTitles(titles)
    text = "After Show 512-7 ended, I rewatched Soundtrack #2 and then Lantern Road, not show 3-3."
    found = known.find_in(text)
    assert found == [
        (text.index("Show 512-7"), "Show 512-7"),
        (text.index("Soundtrack #2"), "Soundtrack #2"),
        (text.index("Lantern Road"), "Lantern Road"),
    ]  # "show 3-3" is not capitalised: not a title


def test_titles_single_word_at_a_sentence_start_is_not_a_title() -> None:
    known = KnownTitles(["Parasite", "Us"])
    text = "Parasite is a landmark. I still think of Parasite often. We loved Us."
    # the first "Parasite" opens a sentence; "Us" is too short to spot at all
    assert known.find_in(text) == [(text.index("Parasite often"), "Parasite")]


def test_titles_add_in_place_keeps_the_first_spelling() -> None:
    known = KnownTitles(["Lantern Road"])
    assert known.find_in("We watched Night Harbour twice.") == []
    known.add("Night Harbour")
    known.add("NIGHT HARBOUR")  # the same title: the first spelling stays
    known.add("It")  # too short: ignored
    assert len(known) == 2
    assert known.find_in("We watched Night Harbour twice.") == [(11, "Night Harbour")]


def test_names_add_learns_people_and_leaves_taken_aliases_to_their_owner() -> None:
    known = KnownNames({"Shah Rukh Khan": ["SRK"]})
    known.add("Meera Shah", ["Meera", "SRK"])  # "SRK" already means Shah Rukh Khan
    known.add("shah rukh  khan")  # known already: keeps its canonical spelling
    assert known.canonical("Meera") == "Meera Shah"
    assert known.canonical("SRK") == "Shah Rukh Khan"
    assert known.canonical("Shah Rukh Khan") == "Shah Rukh Khan"
    assert dict(known) == {"Shah Rukh Khan": ["SRK"], "Meera Shah": ["Meera"]}
    text = "Meera Shah and SRK share one scene."
    assert [canon for _, _, canon in known.find_in(text)] == ["Meera Shah", "Shah Rukh Khan"]


async def test_learned_indexes_match_a_fresh_read_of_the_database(tmp_path: Path) -> None:
    """Item by item through one Ingestor (no re-read happens within KNOWN_REFRESH_S): what it
    learned equals what the database holds, for every golden article."""
    texts = sorted(ARTICLES.glob("*.txt"))
    assert len(texts) > 100, "the golden articles are part of the repository"
    storage = await open_storage(tmp_path / "learn.db")
    try:
        ingestor = Ingestor(storage, workers=0)
        for i, path in enumerate(texts):
            entry = entry_from_text(path.read_text(encoding="utf-8"))
            summary = await ingestor.ingest_entries("golden", [entry])
            assert summary.failed == 0, path.name
            if i == 0:
                first = ingestor.known_snapshot()
        learned = ingestor.known_snapshot()
        assert learned is first, "one snapshot, kept current by learning, not re-read"
        assert learned.generation == len(texts)  # one addition per stored article
        db_titles = {norm_title(t) for t in KnownTitles(await storage.known_titles()).titles}
        assert set(learned.titles.titles) == db_titles
        db_people = await storage.known_people()
        learned_people = {norm_name(n): sorted(map(norm_name, a)) for n, a in learned.names.items()}
        assert learned_people == {
            norm_name(n): sorted(map(norm_name, a)) for n, a in db_people.items()
        }
    finally:
        await storage.close()


async def test_worker_processes_extract_what_a_thread_extracts(tmp_path: Path) -> None:
    """Large batches go to extraction processes; they must see the same known names (including
    those learned since the last read) and so give the same facts as extraction in a thread."""
    from bot.ingest import POOL_MIN, shutdown_extraction_pool

    entries = [
        entry_from_text(p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.glob("*.txt"))
    ]
    first, second = entries[:20], entries[20 : 20 + 2 * POOL_MIN]
    got = {}
    for workers in (0, 2):
        storage = await open_storage(tmp_path / f"w{workers}.db")
        try:
            ingestor = Ingestor(storage, workers=workers)
            await ingestor.ingest_entries("golden", first)  # names to learn before the big batch
            assert ingestor.known_snapshot().generation == len(first)
            got[workers] = await ingestor.extract_entries(second)
        finally:
            await storage.close()
    from bot import ingest

    assert ingest._POOL is not None, "the large batch must have gone to the worker processes"
    await shutdown_extraction_pool()
    assert len(got[2]) == len(second)
    assert got[2] == got[0]
