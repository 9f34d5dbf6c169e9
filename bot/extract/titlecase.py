"""Where a title ends inside a Title Case headline: the run the body repeats, or the words before
the headline's first capitalised verb ("Laapataa Ladies Swaps Two Brides ..." -> "Laapataa Ladies").
"""

from __future__ import annotations

from bot.extract.names import STOP
from bot.extract.runs import title_run


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DASHES_ONLY = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-"})


def longest_in_body(rest: str, short: str, body: str) -> str:
    """The longest title-cased prefix of ``rest`` that the body repeats, when longer than ``short``
    ("Jewel Thief - The Heist Begins runs out ..." -> "Jewel Thief - The Heist Begins")."""
    if not body or not short:
        return short
    words = rest.split()
    n = len(short.split())
    if len(words) <= n:
        return short
    text = body[:20_000].translate(_DASHES_ONLY)
    for k in range(min(len(words), n + 8), n, -1):
        last = words[k - 1].rstrip(",;:.!?")
        if not last or not (last[:1].isupper() or last[:1].isdigit()) or last != words[k - 1]:
            continue
        cand = " ".join(words[:k])
        if title_run(cand.replace(" - ", " "), max_words=16) != cand.replace(" - ", " "):
            continue
        i = text.find(cand)
        if i >= 0:
            return body[i : i + len(cand)]  # the body's spelling (its dashes)
    return short


def quoted_title_like(q: str) -> bool:
    """A quoted headline title: title-like, commas allowed inside ("'Genie, Make a Wish'")."""
    return title_like(q) or ("," in q and title_like(q.replace(",", "")))


def shrink_to_body(run: str, body: str) -> str:
    """A Title Case headline run the body never repeats ends where the body's repeated run ends:
    "Laapataa Ladies Swaps Two Brides And Finds A Sly" -> "Laapataa Ladies" when only that recurs."""
    words = run.split()
    if not body or len(words) < 3:
        return run
    text = body[:20_000].translate(_DASHES_ONLY)
    if _word_count(text, run.translate(_DASHES_ONLY)) > 0:
        return run
    for k in range(len(words) - 1, 0, -1):
        cand = " ".join(words[:k])
        if words[k - 1].casefold() in _CONNECT_END or not title_like(cand):
            continue
        if _word_count(text, cand) >= (2 if k == 1 else 1):
            return cand
    return cut_at_verb(run)


def cut_at_verb(run: str) -> str:
    """A Title Case headline's title ends before its first capitalised verb: "Laapataa Ladies
    Swaps Two Brides" -> "Laapataa Ladies" ("Is", "Delivers", or a -s word before "Two"/"A")."""
    words = run.split()
    for k in range(1, len(words)):
        w = words[k].casefold()
        nxt = words[k + 1].casefold() if k + 1 < len(words) else ""
        verbish = w in _HEADLINE_VERBS or (
            len(w) > 3
            and w.endswith("s")
            and not w.endswith(("ss", "us", "is", "'s"))
            and nxt in _OBJECT_STARTS
        )
        if verbish and words[k - 1].casefold() not in _CONNECT_END:
            return " ".join(words[:k])
    return run


_HEADLINE_VERBS = _words(
    "is are was were isn't aren't has have gets makes takes finds swaps delivers offers brings "
    "turns runs falls proves shines soars stumbles struggles fails works misses hits lands packs "
    "serves tells returns comes goes gives keeps leaves sets stays becomes remains feels looks "
    "marks needs wants tries aims sparkles dazzles impresses disappoints underwhelms sizzles "
    "fizzles charms bores entertains"
)
_OBJECT_STARTS = _words(
    "a an the two three four its his her their us you up out into some no more every all too "
    "little big"
)


_CONNECT_END = _words("of the a an and in on to for with at from by")


def _word_count(text: str, phrase: str) -> int:
    """How often ``phrase`` stands in ``text`` as whole words (case-sensitive)."""
    n, i = 0, text.find(phrase)
    while i >= 0:
        j = i + len(phrase)
        if (i == 0 or not text[i - 1].isalnum()) and (j >= len(text) or not text[j].isalnum()):
            n += 1
        i = text.find(phrase, j)
    return n


def title_like(text: str) -> bool:
    """True when every word of ``text`` is Capitalised, a number or a title connector."""
    run = title_run(text, max_words=12)
    if run is None or run != text.strip(" \"'"):
        return False
    first = run.split()[0].casefold()
    return first not in STOP or (first in _TITLE_OPENERS and " " in run)


# stop words that often open a title ("Our Blues", "When Life Gives You Tangerines", "My Mister")
_TITLE_OPENERS = _words(
    "the a an our my your when his her their one two three all no new last first"
)
