"""Shared fixtures: paths to the project's own test data and to the read-only shared corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_35bc6159f6db620b.txt"
ARTICLES = ROOT / "tests" / "data" / "articles"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(
            f"the seed article is absent ({SEED}); it lives in ../shared beside the project"
        )
    return SEED
