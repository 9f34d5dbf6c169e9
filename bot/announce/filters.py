r"""Which feed items a subscription announces: words to include or exclude, a regex, reviews only.

Chat syntax (``feed filter ...``), parts separated by spaces, in any order::

    include:korean,k-drama          announce only items naming at least one of these words
    exclude:trailer,"box office"    never announce items naming any of these ("quotes" keep spaces)
    regex:/season \d+/i             the item must also match this regular expression (/i: any case;
                                    written without slashes, regex:season\d+ ignores case too)
    reviews-only                    announce reviews only, never news
    fields:title,categories,summary where words and the regex are looked for (default: title,categories;
                                    also summary, cast, source)
    clear                           remove every filter (announce everything)

A word matches at the start of a word, ignoring case and accents: ``trailer`` also matches "Trailers",
``korean`` matches "Korean-language". Regexes are checked before they are accepted: at most 200
characters, no nested repeats such as ``(a+)+``, no repeated alternations, no back-references, and at
most two open-ended repeats; they run on a bounded part of each field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.announce.saferegex import REGEX_TEXT_MAX, check_regex, compiled
from bot.errors import StorageError, UsageError
from bot.models import Extraction, FeedEntry
from bot.text import fold

WORD_TEXT_MAX = 4000  # characters of each field words are looked for in
WORDS_MAX = 25
WORD_MAX = 60
FIELDS = ("title", "categories", "summary", "cast", "source")
DEFAULT_FIELDS = ("title", "categories")
EXAMPLE = (
    'Example: include:korean,k-drama exclude:trailer,"box office" reviews-only regex:/season \\d+/i'
)

_INCLUDE = {"include", "only", "with"}
_EXCLUDE = {"exclude", "without", "skip"}
_REGEX = {"regex", "re"}
_FIELDS = {"fields", "in"}
_REVIEWS = {"reviews-only", "reviews_only", "reviewsonly", "reviews"}
_REGEX_LITERAL = re.compile(r"/((?:\\.|[^\\])*?)/(i?)(?=\s|$)", re.DOTALL)
_ANY_FLAGS = re.compile(r"/(?:\\.|[^\\])*?/([a-z]+)(?=\s|$)", re.DOTALL)
_SLASH = re.compile(r"(?<!\\)/")
_KEY = re.compile(r"[\w-]+")
_BARE = re.compile(r"\S*")


def _usage(message: str) -> UsageError:
    return UsageError(message, hint=EXAMPLE)


@lru_cache(maxsize=512)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(fold(word)))


def _quote(word: str) -> str:
    return f'"{word}"' if any(c.isspace() or c in ',"' for c in word) else word


def _field_texts(extraction: Extraction | None, entry: FeedEntry | None) -> dict[str, list[str]]:
    ex, en = extraction, entry
    return {
        "title": [t for t in (ex and ex.headline, ex and ex.title, en and en.title) if t],
        "categories": [*(ex.categories if ex else ()), *(en.categories if en else ())],
        "summary": [t for t in (ex and ex.summary, en and en.summary) if t],
        "cast": [*(ex.cast_names if ex else ()), *([ex.director] if ex and ex.director else [])],
        "source": [t for t in (ex and ex.source, en and en.source) if t],
    }


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """One subscription's filter; the empty filter (the default) lets every item through."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regex: str | None = None
    ignore_case: bool = True
    fields: tuple[str, ...] = DEFAULT_FIELDS
    reviews_only: bool = False

    @property
    def is_empty(self) -> bool:
        """True when the filter lets everything through."""
        return not (self.include or self.exclude or self.regex or self.reviews_only)

    def matches(self, extraction: Extraction | None, entry: FeedEntry | None = None) -> bool:
        """Whether an item passes: reviews only, any include word, no exclude word, and the regex."""
        if self.reviews_only and not (extraction is not None and extraction.is_review):
            return False
        if self.is_empty:
            return True
        texts = _field_texts(extraction, entry)
        chosen = [t for name in self.fields for t in texts.get(name, [])]
        if self.include or self.exclude:
            folded = "\n".join(fold(t[:WORD_TEXT_MAX]) for t in chosen)
            if self.include and not any(_word_pattern(w).search(folded) for w in self.include):
                return False
            if any(_word_pattern(w).search(folded) for w in self.exclude):
                return False
        if self.regex:
            pattern = compiled(self.regex, self.ignore_case)
            if not any(pattern.search(t[:REGEX_TEXT_MAX]) for t in chosen):
                return False
        return True

    def to_spec(self) -> str:
        """The chat syntax that gives this filter back (``parse_filter_spec(f.to_spec()) == f``)."""
        parts: list[str] = []
        if self.include:
            parts.append("include:" + ",".join(_quote(w) for w in self.include))
        if self.exclude:
            parts.append("exclude:" + ",".join(_quote(w) for w in self.exclude))
        if self.regex:
            pattern = _SLASH.sub(r"\\/", self.regex)
            parts.append(f"regex:/{pattern}/" + ("i" if self.ignore_case else ""))
        if self.fields != DEFAULT_FIELDS:
            parts.append("fields:" + ",".join(self.fields))
        if self.reviews_only:
            parts.append("reviews-only")
        return " ".join(parts) or "clear"

    def describe(self) -> str:
        """A short human description, e.g. for the command's confirmation."""
        if self.is_empty:
            return "No filter: every item is announced."
        bits: list[str] = []
        if self.reviews_only:
            bits.append("reviews only")
        if self.include:
            bits.append("must mention " + " or ".join(f"“{w}”" for w in self.include))
        if self.exclude:
            bits.append("must not mention " + ", ".join(f"“{w}”" for w in self.exclude))
        if self.regex:
            bits.append(f"must match /{self.regex}/" + ("i" if self.ignore_case else ""))
        if self.include or self.exclude or self.regex:
            bits.append("looking in " + ", ".join(self.fields))
        return "; ".join(bits).capitalize() + "."

    def to_json(self) -> str:
        """The JSON stored with the subscription."""
        data = {
            "include": list(self.include),
            "exclude": list(self.exclude),
            "regex": self.regex,
            "ignore_case": self.ignore_case,
            "fields": list(self.fields),
            "reviews_only": self.reviews_only,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> FeedFilter:
        """A filter from stored JSON (``None`` or empty: no filter); re-checked as on input.

        Raises ``StorageError`` when the stored value is damaged, so a broken row is noticed rather than
        silently announcing everything.
        """
        if not text:
            return cls()
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            return build_filter(
                include=_strings(data.get("include", [])),
                exclude=_strings(data.get("exclude", [])),
                regex=data.get("regex") or None,
                ignore_case=bool(data.get("ignore_case", True)),
                fields=_strings(data.get("fields", list(DEFAULT_FIELDS))),
                reviews_only=bool(data.get("reviews_only", False)),
            )
        except (ValueError, TypeError, UsageError) as exc:
            raise StorageError(
                f"A stored feed filter is damaged ({exc}).",
                hint="Set the subscription's filter again with the feed filter command.",
            ) from None


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return value


def _words(kind: str, words: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in words:
        word = " ".join(raw.split())
        if not word:
            continue
        if len(word) > WORD_MAX:
            raise _usage(f"The {kind} word “{word[:30]}…” is longer than {WORD_MAX} characters.")
        if fold(word) not in {fold(w) for w in out}:
            out.append(word)
    if len(out) > WORDS_MAX:
        raise _usage(f"At most {WORDS_MAX} {kind} words are allowed (got {len(out)}).")
    return tuple(out)


def build_filter(
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    regex: str | None = None,
    ignore_case: bool = True,
    fields: Iterable[str] = DEFAULT_FIELDS,
    reviews_only: bool = False,
) -> FeedFilter:
    """A checked filter from its parts (raises ``UsageError`` naming the problem)."""
    chosen: list[str] = []
    for name in fields:
        key = name.strip().lower()
        if key not in FIELDS:
            raise _usage(f"Unknown field “{key[:30]}”: use {', '.join(FIELDS)}.")
        if key not in chosen:
            chosen.append(key)
    if regex is not None:
        check_regex(regex, ignore_case)
    return FeedFilter(
        include=_words("include", include),
        exclude=_words("exclude", exclude),
        regex=regex,
        ignore_case=ignore_case,
        fields=tuple(chosen) or DEFAULT_FIELDS,
        reviews_only=reviews_only,
    )


def _list_value(text: str, i: int) -> tuple[list[str], int]:
    """Comma-separated items from ``text[i:]`` up to whitespace outside quotes; returns items, end."""
    items: list[str] = []
    current: list[str] = []
    quoted = False
    while i < len(text) and (quoted or not text[i].isspace()):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if quoted:
        raise _usage('A quote " is never closed.')
    items.append("".join(current))
    return [w for w in items if w.strip()], i


def parse_filter_spec(text: str) -> FeedFilter:
    """Parse the chat syntax described in this module's docstring into a checked ``FeedFilter``."""
    text = text.strip()
    if len(text) > 2000:
        raise _usage("That filter is too long.")
    include: list[str] = []
    exclude: list[str] = []
    regex: str | None = None
    ignore_case = True
    fields: list[str] = []
    reviews_only = False
    cleared = False
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        m = _KEY.match(text, i)
        key = m.group(0).lower() if m else ""
        end = m.end() if m else i
        if end < len(text) and text[end] == ":":
            if key in _REGEX:
                if regex is not None:
                    raise _usage("Only one regex can be given.")
                literal = _REGEX_LITERAL.match(text, end + 1)
                flagged = None if literal else _ANY_FLAGS.match(text, end + 1)
                if flagged:
                    raise _usage(
                        f"Unknown regex flag “{flagged.group(1)[:10]}”: only /i (ignore case) "
                        "is supported."
                    )
                if literal:
                    regex = literal.group(1).replace("\\/", "/")
                    ignore_case = literal.group(2) == "i"
                    i = literal.end()
                else:
                    stop = _BARE.match(text, end + 1)
                    regex = stop.group(0) if stop else ""
                    i = stop.end() if stop else end + 1
                continue
            values, i = _list_value(text, end + 1)
            if key in _INCLUDE:
                include += values
            elif key in _EXCLUDE:
                exclude += values
            elif key in _FIELDS:
                fields += values
            else:
                raise _usage(
                    f"Unknown filter part “{key[:20]}:”: use include:, exclude:, regex: or fields:."
                )
            if not values:
                raise _usage(f"“{key}:” needs at least one word after the colon.")
            continue
        if key in _REVIEWS and (end == len(text) or text[end].isspace()):
            reviews_only = True
        elif key in ("clear", "none", "off", "all") and (end == len(text) or text[end].isspace()):
            cleared = True
        else:
            word = text[i:].split(None, 1)[0][:30]
            raise _usage(f"I don't understand “{word}” in the filter; did you mean include:{word}?")
        i = end
    if cleared:
        if include or exclude or regex or fields or reviews_only:
            raise _usage("“clear” removes every filter and cannot be combined with other parts.")
        return FeedFilter()
    return build_filter(
        include=include,
        exclude=exclude,
        regex=regex,
        ignore_case=ignore_case,
        fields=fields or DEFAULT_FIELDS,
        reviews_only=reviews_only,
    )
