"""Golden-set accuracy of the extractor (tests/data/articles: NNN_slug.txt beside NNN_slug.json).

Run ``python -m tests.extract.test_golden`` for the full per-article report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.extract import entry_from_text, extract
from bot.models import Extraction
from bot.text import norm_name, norm_title

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_35bc6159f6db620b.txt"

THRESHOLDS = {"title": 0.97, "cast_f1": 0.90, "char_f1": 0.85, "rating": 0.90, "is_review": 1.0}


def _pairs() -> list[tuple[Path, Path]]:
    if not ARTICLES.is_dir():
        return []
    return [
        (txt, txt.with_suffix(".json"))
        for txt in sorted(ARTICLES.glob("*.txt"))
        if txt.with_suffix(".json").is_file()
    ]


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Score:
    """Micro-averaged counts over a set of articles."""

    n: int = 0
    title_ok: int = 0
    review_ok: int = 0
    rated: int = 0
    rating_ok: int = 0
    cast: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, predicted, gold
    chars: list[int] = field(default_factory=lambda: [0, 0, 0])
    mentions: list[int] = field(default_factory=lambda: [0, 0, 0])
    director_ok: int = 0
    order_ok: int = 0
    diffs: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        return {
            "title": self.title_ok / self.n if self.n else 1.0,
            "is_review": self.review_ok / self.n if self.n else 1.0,
            "rating": self.rating_ok / self.rated if self.rated else 1.0,
            "cast_f1": _f1(*self.cast)[2],
            "char_f1": _f1(*self.chars)[2],
            "mention_f1": _f1(*self.mentions)[2],
            "mention_rec": _f1(*self.mentions)[1],
            "director": self.director_ok / self.n if self.n else 1.0,
            "cast_order": self.order_ok / self.n if self.n else 1.0,
        }


def compare(name: str, got: Extraction, want: dict[str, Any], score: Score) -> None:
    """Add one article's comparison to ``score`` (and a diff line per mismatch)."""
    score.n += 1
    problems: list[str] = []
    want_title = want.get("title")
    if (norm_title(got.title) if got.title else None) == (
        norm_title(want_title) if want_title else None
    ):
        score.title_ok += 1
    else:
        problems.append(f"title {got.title!r} != {want_title!r}")
    if got.is_review == want["is_review"]:
        score.review_ok += 1
    else:
        problems.append(f"is_review {got.is_review} != {want['is_review']}")
    if want.get("rating") is not None:
        score.rated += 1
        if got.rating is not None and abs(got.rating - float(want["rating"])) < 0.01:
            score.rating_ok += 1
        else:
            problems.append(f"rating {got.rating} != {want['rating']}")
    elif got.rating is not None:
        problems.append(f"rating {got.rating} but none expected")
    g_cast = [norm_name(n) for n in got.cast_names]
    w_cast = [norm_name(n) for n in want.get("cast", [])]
    tp = len(set(g_cast) & set(w_cast))
    score.cast[0] += tp
    score.cast[1] += len(set(g_cast))
    score.cast[2] += len(set(w_cast))
    if set(g_cast) != set(w_cast):
        problems.append(
            f"cast +{sorted(set(g_cast) - set(w_cast))} -{sorted(set(w_cast) - set(g_cast))}"
        )
    elif g_cast == w_cast:
        score.order_ok += 1
    else:
        problems.append(f"cast order {got.cast_names} != {want.get('cast')}")
    g_pairs = {(norm_name(c), norm_name(a)) for c, a in got.characters.items()}
    w_pairs = {(norm_name(c), norm_name(a)) for c, a in want.get("characters", {}).items()}
    score.chars[0] += len(g_pairs & w_pairs)
    score.chars[1] += len(g_pairs)
    score.chars[2] += len(w_pairs)
    if g_pairs != w_pairs:
        problems.append(f"chars +{sorted(g_pairs - w_pairs)} -{sorted(w_pairs - g_pairs)}")
    g_m = {norm_title(t) for t in got.mentioned_titles}
    w_m = {norm_title(t) for t in want.get("mentioned_titles", [])}
    score.mentions[0] += len(g_m & w_m)
    score.mentions[1] += len(g_m)
    score.mentions[2] += len(w_m)
    if g_m != w_m:
        problems.append(f"mentions +{sorted(g_m - w_m)} -{sorted(w_m - g_m)}")
    w_dir = want.get("director")
    if (norm_name(got.director) if got.director else None) == (norm_name(w_dir) if w_dir else None):
        score.director_ok += 1
    else:
        problems.append(f"director {got.director!r} != {w_dir!r}")
    if problems:
        score.diffs.append(f"{name}:\n    " + "\n    ".join(problems))


def run_golden(lo: int = 0, hi: int = 10_000) -> Score:
    """Extract every golden article numbered ``lo <= NNN < hi`` and score it."""
    score = Score()
    for txt, js in _pairs():
        if not txt.name[:3].isdigit() or not lo <= int(txt.name[:3]) < hi:
            continue
        want = json.loads(js.read_text(encoding="utf-8"))
        got = extract(entry_from_text(txt.read_text(encoding="utf-8")))
        compare(txt.stem, got, want, score)
    return score


def report(score: Score) -> str:
    lines = [f"{score.n} golden articles"]
    lines += [f"  {k:11s} {v:.3f}" for k, v in score.metrics().items()]
    return "\n".join([*lines, "", *score.diffs])


def test_seed_exact() -> None:
    if not SEED.is_file():
        pytest.skip("seed article absent")
    got = extract(entry_from_text(SEED.read_text(encoding="utf-8")))
    assert got.is_review is True
    assert got.title == "Soundtrack #2"
    assert got.cast_names == ["Noh Sang Hyun", "Geum Sae Rok", "Demian"]
    assert got.alias_map == {"Noh Sang Hyun": ["Steve Noh"]}
    assert got.characters == {
        "Ji Su Ho": "Noh Sang Hyun",
        "Do Hyeon Seo": "Geum Sae Rok",
        "K": "Demian",
    }
    assert got.rating is None and got.director is None
    assert got.mentioned_titles == ["Soundtrack #1", "Understanding of Love"]
    sound, love = got.mentions
    assert str(sound.kind) == "franchise" and list(sound.cast) == ["Park Hyung Sik", "Han So Hee"]
    assert str(love.kind) == "also_read"
    assert list(love.cast) == ["Yoo Yeon Seok", "Moon Ga Young", "Geum Sae Rok", "Jung Ga Ram"]
    assert got.source == "Bollywood Hungama"
    assert "appeared first on" not in got.text and "ift.tt" not in got.text
    assert not got.text.rstrip().endswith("Comments")


def test_golden_thresholds() -> None:
    if not _pairs():
        pytest.skip("golden articles absent")
    score = run_golden()
    metrics = score.metrics()
    failing = {k: metrics[k] for k, bar in THRESHOLDS.items() if metrics[k] < bar}
    assert not failing, f"below threshold: {failing}\n{report(score)}"


if __name__ == "__main__":
    for lo, hi in ((0, 300), (300, 400), (400, 500), (500, 600), (600, 700), (700, 10_000)):
        part = run_golden(lo, hi)
        if part.n:
            print(
                f"articles {lo}-{hi - 1}: "
                + ", ".join(f"{k} {v:.3f}" for k, v in part.metrics().items())
            )
    print(report(run_golden()))
