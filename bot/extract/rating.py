"""Finding the review's own rating and normalising it to 0..5.

Only rating-shaped statements count: "Rating: 3.5/5", "3/5 stars", "7/10", "8.5 out of 10", "3 stars",
"three and a half stars", "***½", "★★★☆☆", "Rating: 4 (Four) stars", "(2.5/5)". A bare fraction or star
count is accepted only near the word rating/stars/verdict, on a short line of its own, in the headline, or
at the very start/end of the article; fan/IMDb/audience scores are ignored.
"""

from __future__ import annotations

import re

from bot.extract.scan import near

_NUM_WORDS = {
    "zero": 0.0, "half": 0.5, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0,
    "six": 6.0, "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0,
}  # fmt: skip
_NUM = r"(?:\d{1,2}(?:\.\d{1,2})?|zero|one|two|three|four|five|six|seven|eight|nine|ten)"
_HALF = r"(?:\s*(?:-|and)?\s*(?:a\s+)?half|\s*½)"
_CUE = re.compile(
    r"\b(?:rating|rated|ratings|our (?:score|verdict)|score|verdict|stars?|we give|i give|gets|"
    r"give it|gives it|going with|"
    r"out of)\b|★|⭐",
    re.IGNORECASE,
)
_NOT_OURS = re.compile(
    r"\b(?:imdb|rotten tomatoes|metacritic|letterboxd|fans?|audiences?|users?|viewers|viewer|public|"
    r"tomatometer|average|aggregate|box office|netizens|critics'? consensus|mydramalist|mdl|"
    r"hotel|resort|restaurant|general)\b",
    re.IGNORECASE,
)

# "3.5/5", "7 / 10", "8.5 out of 10", "4 on 5"
_FRACTION = re.compile(
    rf"(?P<n>{_NUM})(?P<h>{_HALF})?\s*(?:/|(?:stars?\s+)?(?:out of|on))\s*(?P<d>5|10|five|ten)"
    r"(?![\w/.]\d)",
    re.IGNORECASE,
)
# "3.5 stars", "three and a half stars", "4 (Four) stars", "3-star"
_STARS = re.compile(
    rf"(?P<n>{_NUM})(?P<h>{_HALF})?\s*(?:\((?P<w>[A-Za-z\- ]{{3,30}})\)\s*)?-?\s*stars?\b",
    re.IGNORECASE,
)
_DENOMINATOR = re.compile(r"(?:\bout of|\bon)\s*$", re.IGNORECASE)
_GLYPHS = re.compile(r"(?P<g>[★⭐✪✭✮☆✩]{1,10})(?P<h>\s?(?:½|⯨|1/2))?")
_ASTERISKS = re.compile(r"(?<![*\w])(?P<g>\*{1,5})(?P<h>\s?(?:½|1/2))?(?![*\w])")
_RATING_LINE = re.compile(
    r"^\s*(?:our\s+|the\s+|final\s+|overall\s+|critic'?s?\s+|bh\s+)?(?:rating|ratings|score|stars|"
    r"verdict|grade)\b[^\n]{0,40}$",
    re.IGNORECASE,
)


def _num(token: str) -> float | None:
    token = token.casefold()
    if token in _NUM_WORDS:
        return _NUM_WORDS[token]
    try:
        return float(token)
    except ValueError:
        return None


def _context_ok(text: str, start: int, end: int, *, edge: bool) -> tuple[bool, int]:
    """Is the statement at text[start:end] the review's rating? Returns (ok, strength)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    window = text[max(line_start, start - 60) : min(line_end, end + 40)]
    if _NOT_OURS.search(window):
        return False, 0
    if _RATING_LINE.match(line):
        return True, 3
    if len(line.strip()) <= 40:
        return True, 2
    before = text[max(line_start, start - 50) : start]
    if _CUE.search(before) or re.match(r"\s*stars?\b", text[end : end + 8], re.IGNORECASE):
        return True, 2 if edge else 1
    if edge:
        after = text[end : end + 2].strip()[:1]
        if after in ("", ".", ")", ",", "!", "|") or text[start - 1 : start] == "(":
            return True, 1
    return False, 0


def find_rating(text: str, headline: str = "") -> float | None:
    """The rating the article gives, normalised to 0..5 (halves kept), or None."""
    best: tuple[int, int, float] | None = None  # (strength, -order, value)
    n = len(text)
    for source, body in ((0, headline), (1, text)):
        if not body:
            continue
        for kind, rx, anchors, back in _SCANS:
            for m in near(rx, body, anchors, before=back, after=back + 30):
                if kind in ("frac", "stars") and body[m.start() - 1 : m.start()] not in (
                    "",
                    " ",
                    "(",
                    "\n",
                    ":",
                    "[",
                    "-",
                    '"',
                    "'",
                    "|",
                    ",",
                ):
                    continue  # inside a word or a number ("2.5/10" seen from "5/10")
                if kind == "stars" and _DENOMINATOR.search(body, max(0, m.start() - 8), m.start()):
                    continue  # "3 out of 5 stars": the 5 is the scale, not the rating
                value = _value(kind, m)
                if value is None or not 0 <= value <= 5:
                    continue
                if source == 0:
                    window = body[max(0, m.start() - 40) : m.end() + 20]
                    if _NOT_OURS.search(window):
                        continue
                    if kind in ("glyph", "frac") or _CUE.search(window) or kind == "stars":
                        cand = (3, 0, value)
                    else:
                        continue
                else:
                    edge = m.start() < 200 or m.end() > n - 300
                    ok, strength = _context_ok(body, m.start(), m.end(), edge=edge)
                    if kind == "ast" and strength < 2:
                        ok = False
                    if kind == "glyph" and not ok:
                        ok, strength = (
                            not _NOT_OURS.search(body[max(0, m.start() - 60) : m.end()]),
                            1,
                        )
                    if not ok:
                        continue
                    cand = (strength, -m.start() if strength < 3 else m.start(), value)
                if best is None or cand[:2] > best[:2]:
                    best = cand
    return best[2] if best else None


_SCANS = (
    ("frac", _FRACTION, ("/", "out of", "on 5", "on 10", "on five", "on ten"), 30),
    ("stars", _STARS, ("star",), 60),
    ("glyph", _GLYPHS, tuple("★⭐✪✭✮☆✩"), 12),
    ("ast", _ASTERISKS, ("*",), 8),
)


def _value(kind: str, m: re.Match[str]) -> float | None:
    half = 0.5 if m.group("h") else 0.0
    if kind == "frac":
        num = _num(m.group("n"))
        den = _num(m.group("d"))
        if num is None or den is None or num + half > den:
            return None
        value = (num + half) * 5.0 / den
    elif kind == "stars":
        num = _num(m.group("n"))
        if num is None:
            return None
        value = num + half
        if value > 5:
            return None
    elif kind == "glyph":
        glyphs = m.group("g")
        full = sum(1 for ch in glyphs if ch in "★⭐✪✭✮")
        if len(glyphs) < 2 and not half and full == 0:
            return None
        value = full + half
    else:
        value = len(m.group("g")) + half
    return round(value * 4) / 4
