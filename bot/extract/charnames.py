"""Final shape of character names: honorifics, ranks and full names.

One consistent rule:

* police, military, political and job ranks never belong to the name ("Inspector Karan Anand",
  "Major Iqbal", "DSP Rajesh Tomar" -> "Karan Anand", "Iqbal", "Rajesh Tomar");
* a social or courtesy title (Mr, Miss, Doctor, Master, Lady, Princess, Uncle, Sister ...) stays
  when it stands before a single name, because the name alone would be a bare surname ("Mr.
  Paradox", "Miss Huang", "Doctor Dillamond"), and goes before a full name ("Prince Lee Chang" ->
  "Lee Chang");
* a character the article introduces with a full name keeps it even when the cue used the short
  one ("Oh Ae-sun ... IU plays Ae-sun" -> "Oh Ae-sun").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.extract.names import NAME_SYLLABLES, STOP, norm_name
from bot.models import CastMember


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = _words(
    "mr mrs ms miss dr doctor professor prof master lady lord prince princess king queen uncle "
    "aunt auntie grandma grandpa granny grandmother grandfather sister brother father mother "
    "madam madame sir dame mister missus chhatrapati emperor empress sultan maharaja maharani "
    "raja rani nawab begum"
)
RANKS = _words(
    "inspector sub-inspector detective general officer constable sergeant captain commander "
    "colonel lieutenant major judge minister commissioner agent acp sp dsp dcp sho si ips ias "
    "mla mp cm pm sarpanch pradhan physician councillor chief private corporal admiral marshal "
    "superintendent deputy nurse surgeon di ds dci dsi dc pc ci asi hc ig dig dgp sgt det lt capt cpl"
)
_INITIALS_BEFORE = re.compile(r"(?<![\w.])((?:[A-Z]\.[ ]?){1,3})[ ]$")
_CAPS_RANK = re.compile(r"^[A-Z]{2,4}$")  # "DI", "ACP": a short all-caps rank before a full name
_LEADERS = (NAME_SYLLABLES | {"ah", "ae"}) - {"more", "will", "well", "best", "little", "love"}
_REGNAL = re.compile(r"^[IVX]{1,4}$")
_SCAN = 30_000  # characters of body searched for a character's fuller form
_SENTENCE_END = '.!?\n:;"('


def refine_characters(
    cast: list[CastMember], body: str, titles: Iterable[str] = ()
) -> list[CastMember]:
    """``cast`` with each character name given its article's fullest form (see module doc).

    ``titles`` (the reviewed and mentioned works) are never taken for a fuller name ("Honey" of
    "Citadel: Honey Bunny" is no family name of "Bunny")."""
    text = body[:_SCAN]
    actor_words = {w.casefold() for c in cast for w in c.name.replace("-", " ").split()}
    taken = [norm_name(c.character) for c in cast if c.character]
    taken += [norm_name(t) for t in titles if t]
    out: list[CastMember] = []
    for c in cast:
        char = c.character
        if char:
            char = strip_rank(char)
            full = _fuller(char, text, actor_words)
            key = norm_name(full)
            if full != char and not any(key in t for t in taken if t != norm_name(char)):
                char = full
            char = _with_honorific(char, text)
        out.append(CastMember(c.name, char, c.voice) if char != c.character else c)
    return out


def strip_rank(name: str) -> str:
    """ "Inspector Karan Anand" -> "Karan Anand"; "Prince Lee Chang" -> "Lee Chang" (a courtesy
    title before a full name); "Miss Huang" stays."""
    parts = name.split()
    if len(parts) < 2:
        return name
    first = parts[0].casefold().rstrip(".")
    if _REGNAL.match(parts[-1]):
        return name  # "Emperor Shaddam IV": a regnal name keeps its title
    caps_rank = _CAPS_RANK.match(parts[0]) is not None and not _REGNAL.match(parts[0])
    if (
        first in RANKS
        or (first in HONORIFICS and len(parts) >= 3)
        or (caps_rank and len(parts) >= 3 and all(p[:1].isupper() for p in parts[1:]))
    ):
        rest = " ".join(parts[1:])
        return rest if rest[:1].isupper() else name
    return name


def _fuller(char: str, text: str, actor_words: set[str]) -> str:
    """The character's name with the family name the article gives it before the short form."""
    if len(char) < 2 or char.split()[0].casefold() in HONORIFICS:
        return char
    best: dict[str, int] = {}
    i = text.find(char)
    while i >= 0:
        j = i + len(char)
        ends_name = not (text[j : j + 1] == " " and text[j + 1 : j + 2].isupper())
        if (
            (j >= len(text) or not text[j].isalnum())
            and ends_name
            and i >= 2
            and text[i - 1] == " "
        ):
            k = i - 1
            while k > 0 and (text[k - 1].isalpha() or text[k - 1] in "-'"):
                k -= 1
            word = text[k : i - 1]
            im = _INITIALS_BEFORE.search(text, max(0, i - 12), i)
            if im and " " in char:
                cand = f"{im.group(1).strip()} {char}"  # "C. Sankaran Nair": initials kept
                best[cand] = best.get(cand, 0) + 2
            elif _family_name(word, text, k, actor_words):
                cand = f"{word} {char}"
                best[cand] = best.get(cand, 0) + 1
        i = text.find(char, j)
    if not best:
        return char
    return max(best, key=lambda k: best[k])


def _family_name(word: str, text: str, start: int, actor_words: set[str]) -> bool:
    """Whether ``word`` (at ``start``) reads as the family name opening a character's full name."""
    if not (1 < len(word) <= 12) or not word[:1].isupper() or not word.isalpha():
        return False
    low = word.casefold()
    if low in actor_words or low in RANKS or low in HONORIFICS:
        return False
    if low in STOP and low not in _LEADERS:
        return False
    # the word must open the name run: not a sentence opener, not inside a longer capitalised run
    j = start - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] in _SENTENCE_END:
        return False
    k = j
    while k >= 0 and (text[k].isalnum() or text[k] in "-'"):
        k -= 1
    prev = text[k + 1 : j + 1]
    return not (prev[:1].isupper() and prev.casefold() not in STOP)


def _with_honorific(char: str, text: str) -> str:
    """ "Paradox" -> "Mr. Paradox" when the article calls a one-word character that."""
    if " " in char:
        return char
    i = text.find(char)
    while i >= 0:
        j = i + len(char)
        if (j >= len(text) or not text[j].isalnum()) and i >= 3 and text[i - 1] == " ":
            k = i - 1
            while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
                k -= 1
            word = text[k : i - 1]
            more = text[j : j + 2]  # "Mrs. Diwakar Kumar": a title before a full name
            if (
                word[:1].isupper()
                and word.casefold().rstrip(".") in HONORIFICS
                and not (more[:1] == " " and more[1:].isupper())
            ):
                return f"{word} {char}"
        i = text.find(char, j)
    return char


_ORG_AFTER = (
    "Industries", "Inc", "Corp", "Corporation", "Group", "Studios", "Pictures", "Films",
    "Entertainment", "Media", "Labs", "Company", "Records", "Productions", "Network",
)  # fmt: skip


def org_or_phrase(name: str, body: str) -> bool:
    """A one-word "name" that the body shows as a company ("Lumon Industries") or only as the
    opener of a participle phrase ("Fresh from his turn as ...", "Fresh off ...")."""
    if " " in name or not name:
        return False
    text = body[:30_000]
    seen = False
    i = text.find(name)
    while i >= 0:
        j = i + len(name)
        if (i == 0 or not text[i - 1].isalnum()) and not text[j : j + 1].isalnum():
            nxt = text[j + 1 : j + 16].split(" ", 1)[0].rstrip(".,")
            if nxt in _ORG_AFTER:
                return True
            if nxt not in ("from", "off"):
                seen = True
        i = text.find(name, j)
    return not seen and name in text
