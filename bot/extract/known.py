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

    __slots__ = ("_aliases", "_data", "_first", "_keys")

    def __init__(self, people: Mapping[str, Sequence[str]] | None = None) -> None:
        self._data: dict[str, Sequence[str]] = {}
        self._keys: dict[str, str] = {}  # norm_name(any spelling) -> canonical
        self._aliases: dict[str, str] = {}  # norm_name(alias) -> canonical (the first claim)
        self._first: dict[str, int] = {}  # first normalised token -> longest spelling (tokens)
        for canonical, aliases in (people or {}).items():
            self._data[canonical] = aliases
            self._index(canonical, aliases)

    def _index(self, canonical: str, aliases: Iterable[str]) -> None:
        for spelling in (canonical, *aliases):
            key = norm_name(spelling)
            if not key:
                continue
            self._keys.setdefault(key, canonical)
            if spelling is not canonical:
                self._aliases.setdefault(key, canonical)
            first, _, _ = key.partition(" ")
            n = key.count(" ") + 1
            if n > self._first.get(first, 0):
                self._first[first] = n

    def add(self, name: str, aliases: Iterable[str] = ()) -> None:
        """Learn a person in place, as storing them does (bot/storage/ingest.py): a known name
        keeps its owner; an alias another person claimed first stays theirs; a person named only
        with aliases, none of which can be claimed, is not added.

        Safe while other threads call :meth:`find_in` (single dictionary operations only)."""
        name = " ".join(name.split())
        key = norm_name(name)
        if not key:
            return
        canonical = self._keys.get(key, name)
        wanted = [" ".join(a.split()) for a in aliases]
        claims: dict[str, str] = {}
        for alias in wanted:
            akey = norm_name(alias)
            free = self._aliases.get(akey, canonical) == canonical
            if akey and akey != key and akey not in claims and free:
                claims[akey] = alias
        if wanted and not claims:
            return
        fresh = [a for k, a in claims.items() if k not in self._aliases]
        if canonical not in self._data or fresh:
            self._data[canonical] = [*self._data.get(canonical, ()), *fresh]
        self._index(canonical, fresh)

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
    """Titles of known works in a token trie, for one linear scan of a text.

    A scan costs the length of the text times the length of the longest title that starts at each
    word, never the number of known titles (a database with ten thousand "Show ..." titles scans a
    review as fast as one with ten).
    """

    __slots__ = ("_trie", "titles")

    def __init__(self, titles: Iterable[str] = ()) -> None:
        self.titles: dict[str, str] = {}
        # nested dicts keyed by normalised token; the key "" holds the stored title ending there
        self._trie: dict[str, Any] = {}
        for title in titles:
            self.add(title)

    def add(self, title: str) -> None:
        """Learn a title in place (the first spelling of a title stays). Safe while other
        threads call :meth:`find_in` (single dictionary operations only)."""
        key = norm_title(title)
        if not key or key in self.titles:
            return
        toks = key.split()
        # very short single-word titles ("It", "Us") are too ambiguous to spot in prose
        if len(toks) == 1 and (len(key) < 4 or key in STOP):
            return
        node = self._trie
        for tok in toks:
            node = node.setdefault(tok, {})
        node.setdefault("", title)
        self.titles[key] = title

    def __len__(self) -> int:
        return len(self.titles)

    def find_in(self, text: str) -> list[tuple[int, str]]:
        """Known titles written capitalised in ``text``: (position, stored title), in order; the
        longest title wins where several start at the same word."""
        if not self.titles:
            return []
        # normalised parts of the words ("512-7" is two: "512", "7"), each with where its word
        # starts (-1 for a word's later parts) and whether the word is capitalised
        parts: list[str] = []
        starts: list[int] = []
        caps: list[bool] = []
        for m in WORD_RE.finditer(text):
            word = m.group()
            capital = word[:1].isupper() or word[:1].isdigit()
            for k, piece in enumerate(norm_title(word).split()):
                parts.append(piece)
                starts.append(m.start() if k == 0 else -1)
                caps.append(capital)
        n = len(parts)
        out: list[tuple[int, str]] = []
        i = 0
        while i < n:
            pos = starts[i]
            node = self._trie.get(parts[i]) if pos >= 0 and caps[i] else None
            best: tuple[int, str] | None = None  # (end part, title)
            j = i
            while node is not None:
                j += 1
                if "" in node and (j == n or starts[j] >= 0):  # titles end where words end
                    best = (j, node[""])
                node = node.get(parts[j]) if j < n else None
            # a single word at a sentence start is too weak a signal
            one_word = best is not None and not any(s >= 0 for s in starts[i + 1 : best[0]])
            if one_word and (pos == 0 or text[max(0, pos - 2) : pos].strip() in (".", "")):
                best = None
            if best is not None:
                out.append((pos, best[1]))
                i = best[0]
            else:
                i += 1
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
