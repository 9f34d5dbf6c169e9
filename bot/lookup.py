"""In-memory name indexes for forgiving look-ups: exact keys, prefixes and typos.

Built from ``Storage.title_index()`` / ``person_index()`` and rebuilt only when ``Storage.data_version()``
changes, so a query costs a dictionary probe on the common path and a rapidfuzz scan only on a miss.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.storage.base import NameRow


@dataclass(frozen=True, slots=True)
class Match:
    row: NameRow
    score: float


class NameIndex:
    """Exact, prefix and fuzzy look-up over a list of ``NameRow`` (id, shown text, key)."""

    def __init__(self, rows: Sequence[NameRow]) -> None:
        self.rows = list(rows)
        self._by_key: dict[str, list[NameRow]] = defaultdict(list)
        for row in self.rows:
            self._by_key[row.key].append(row)
        self._keys = list(self._by_key)
        self._sorted = sorted(self._keys)
        # word-start index: every word of a key -> keys containing a word starting there
        self._word_sorted = sorted(
            (word_key, key)
            for key in self._keys
            for i, word_key in enumerate(self._suffixes(key))
            if i > 0
        )

    @staticmethod
    def _suffixes(key: str) -> list[str]:
        words = key.split(" ")
        return [" ".join(words[i:]) for i in range(len(words))]

    def __len__(self) -> int:
        return len(self.rows)

    def exact(self, key: str) -> list[NameRow]:
        return list(self._by_key.get(key, ()))

    def prefixed(self, key: str, limit: int = 25) -> list[NameRow]:
        """Rows whose key starts with ``key``, then rows with a later word starting with it."""
        out: list[NameRow] = []
        seen: set[str] = set()
        if not key:
            for k in self._sorted[:limit]:
                out.extend(self._by_key[k])
            return out[:limit]
        i = bisect.bisect_left(self._sorted, key)
        while i < len(self._sorted) and self._sorted[i].startswith(key) and len(seen) < limit:
            k = self._sorted[i]
            seen.add(k)
            out.extend(self._by_key[k])
            i += 1
        j = bisect.bisect_left(self._word_sorted, (key, ""))
        while (
            j < len(self._word_sorted)
            and self._word_sorted[j][0].startswith(key)
            and len(seen) < limit
        ):
            k = self._word_sorted[j][1]
            if k not in seen:
                seen.add(k)
                out.extend(self._by_key[k])
            j += 1
        return out[:limit]

    def fuzzy(self, key: str, limit: int = 8, cutoff: float = 60.0) -> list[Match]:
        """Best typo-tolerant matches, best first, at most one per shown row."""
        if not key or not self._keys:
            return []
        found = process.extract(
            key, self._keys, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=cutoff
        )
        out: list[Match] = []
        seen: set[int] = set()
        for k, score, _ in found:
            for row in self._by_key[k]:
                if row.id not in seen:
                    seen.add(row.id)
                    out.append(Match(row, float(score)))
        return out[:limit]
