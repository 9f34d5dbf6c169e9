"""`related` over the whole golden set: the truly related titles must appear in the top 10.

Every golden article is ingested into one real database through the normal pipeline; each article's
expected "related" titles (written by hand beside it) are looked for in `related <title>`'s top ten.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.errors import NotFound
from bot.extract import entry_from_text
from bot.ingest import Ingestor
from bot.services import ReviewService
from bot.storage import open_storage
from bot.text import norm_title

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"


async def test_related_recall_over_the_golden_set(tmp_path: Path) -> None:
    pairs = sorted(ARTICLES.glob("*.json"))
    assert len(pairs) >= 40, "the golden set should hold 40+ articles"
    storage = await open_storage(tmp_path / "golden.db")
    try:
        ingestor = Ingestor(storage)
        for path in pairs:
            text = path.with_suffix(".txt").read_text(encoding="utf-8")
            entry = entry_from_text(text)
            summary = await ingestor.ingest_entries(f"file:{path.stem}", [entry])
            assert summary.failed == 0, summary.errors
        service = ReviewService(storage)
        expected_total = found_total = 0
        misses: list[str] = []
        for path in pairs:
            gold = json.loads(path.read_text(encoding="utf-8"))
            if not gold.get("title") or not gold.get("related"):
                continue
            kind = f" ({gold['kind']})" if gold.get("kind") else ""
            try:
                answer = await service.related(gold["title"] + kind)
            except NotFound:  # the extractor missed the work itself: its related ones are misses
                top: set[str] = set()
            else:
                top = {norm_title(r.work.title) for r in answer.related[:10]}
            for title in gold["related"]:
                expected_total += 1
                if norm_title(title) in top:
                    found_total += 1
                else:
                    misses.append(f"{path.stem}: {gold['title']} -> {title}")
        recall = found_total / max(expected_total, 1)
        print(f"related recall@10: {found_total}/{expected_total} = {recall:.3f}")
        assert expected_total >= 20
        assert recall >= 0.80, "\n".join(misses)
    finally:
        await storage.close()
