"""Indexes of known people and known titles, for fast recognition in clean text.

Each index is built once per mapping (token-keyed, never a regex per name) and cached on the
identity and size of the collection it was built from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from typing import Any, TypeVar, cast

from bot.extract.names import NAME_RE, STOP, norm_name, norm_title, strip_possessive

WORD_RE = re.compile(r"[\w'\-]+|#\d+")


# --------------------------------------------------------------------------- known people


class KnownNames(Mapping[str, Sequence[str]]):
    """Known people (canonical name -> aliases) with a token index for fast recognition in text.

    Build one with ``KnownNames(mapping)`` and pass it as ``known_people`` to reuse the index across
    many calls; a plain mapping is also accepted and its index cached (keyed on identity and size).
    """

    __slots__ = ("_data", "_first", "_keys")

    def __init__(self, people: Mapping[str, Sequence[str]] | None = None) -> None:
        self._data: dict[str, Sequence[str]] = dict(people or {})
        self._keys: dict[str, str] = {}  # norm_name(any spelling) -> canonical
        self._first: dict[str, int] = {}  # first normalised token -> longest spelling (tokens)
        for canonical, aliases in self._data.items():
            for spelling in (canonical, *aliases):
                key = norm_name(spelling)
                if not key:
                    continue
                self._keys.setdefault(key, canonical)
                first, _, _ = key.partition(" ")
                n = key.count(" ") + 1
                if n > self._first.get(first, 0):
                    self._first[first] = n

    def __getitem__(self, key: str) -> Sequence[str]:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def canonical(self, name: str) -> str | None:
        """The canonical spelling of a known person called ``name`` (by any alias), else None."""
        return self._keys.get(norm_name(name)) if self._keys else None

    def find_in(self, text: str) -> list[tuple[int, int, str]]:
        """Known people named in ``text``: (start, end, canonical), longest match first, in order."""
        if not self._keys:
            return []
        found: list[tuple[int, int, str]] = []
        words = [(m.start(), m.end(), m.group()) for m in NAME_RE.finditer(text)]
        for start, _end, run in words:
            toks = run.split(" ")
            offsets = []
            off = start
            for t in toks:
                offsets.append(off)
                off += len(t) + 1
            i = 0
            while i < len(toks):
                first = norm_name(strip_possessive(toks[i]))
                longest = self._first.get(first.partition(" ")[0], 0)
                hit = None
                for j in range(min(len(toks), i + max(longest, 1)), i, -1):
                    cand = strip_possessive(" ".join(toks[i:j]))
                    canon = self._keys.get(norm_name(cand))
                    if canon is not None:
                        hit = (offsets[i], offsets[i] + len(cand), canon, j)
                        break
                if hit:
                    found.append(hit[:3])
                    i = hit[3]
                else:
                    i += 1
        return found


T = TypeVar("T")
_NAME_CACHE: dict[tuple[int, int], tuple[object, Any]] = {}
_CACHE_SIZE = 4


def _cached(
    cache: dict[tuple[int, int], tuple[object, Any]], source: Sized, build: Callable[[], T]
) -> T:
    """``build()`` for ``source``, remembered by the object's identity and size (the few most recent).

    The source object is kept in the entry, so its id cannot be reused while the entry lives.
    """
    key = (id(source), len(source))
    hit = cache.get(key)
    if hit is not None and hit[0] is source:
        return cast(T, hit[1])
    value = build()
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = (source, value)
    return value


def known_names(people: Mapping[str, Sequence[str]] | None) -> KnownNames:
    """A :class:`KnownNames` for ``people``, built once per mapping (cached on identity and size)."""
    if isinstance(people, KnownNames):
        return people
    if not people:
        return _EMPTY_NAMES
    return _cached(_NAME_CACHE, people, lambda: KnownNames(people))


_EMPTY_NAMES = KnownNames()


# --------------------------------------------------------------------------- known titles


class KnownTitles:
    """Titles of known works, indexed by their first normalised word for one linear scan of a text."""

    __slots__ = ("_by_first", "titles")

    def __init__(self, titles: Iterable[str] = ()) -> None:
        self.titles: dict[str, str] = {}
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for title in titles:
            key = norm_title(title)
            if not key or key in self.titles:
                continue
            toks = tuple(key.split(" "))
            # very short single-word titles ("It", "Us") are too ambiguous to spot in prose
            if len(toks) == 1 and (len(key) < 4 or key in STOP):
                continue
            self.titles[key] = title
            self._by_first.setdefault(toks[0], []).append(toks)
        for seqs in self._by_first.values():
            seqs.sort(key=len, reverse=True)

    def __len__(self) -> int:
        return len(self.titles)

    def find_in(self, text: str) -> list[tuple[int, str]]:
        """Known titles written capitalised in ``text``: (position, stored title), in order."""
        if not self.titles:
            return []
        tokens = [(m.start(), m.group()) for m in WORD_RE.finditer(text)]
        norms = [norm_title(t) for _, t in tokens]
        out: list[tuple[int, str]] = []
        i = 0
        while i < len(tokens):
            pos, word = tokens[i]
            seqs = (
                self._by_first.get(norms[i]) if word[:1].isupper() or word[:1].isdigit() else None
            )
            matched = 0
            if seqs:
                for seq in seqs:
                    n = len(seq)
                    if tuple(norms[i : i + n]) == seq:
                        # a single word at a sentence start is too weak a signal
                        if n == 1 and (
                            pos == 0 or text[max(0, pos - 2) : pos].strip() in (".", "")
                        ):
                            continue
                        out.append((pos, self.titles[" ".join(seq)]))
                        matched = n
                        break
            i += matched or 1
        return out


_TITLE_CACHE: dict[tuple[int, int], tuple[object, Any]] = {}


def known_titles_index(titles: Iterable[str] | KnownTitles) -> KnownTitles:
    """A :class:`KnownTitles` for ``titles`` (cached for sized collections on identity and size)."""
    if isinstance(titles, KnownTitles):
        return titles
    if isinstance(titles, (list, tuple, set, frozenset, dict)):
        if not titles:
            return _EMPTY_TITLES
        sized = titles
        return _cached(_TITLE_CACHE, sized, lambda: KnownTitles(sized))
    return KnownTitles(titles)


_EMPTY_TITLES = KnownTitles()
