"""Moderator regexes made safe to run: a length cap, a compile check and a backtracking heuristic.

Python's ``re`` cannot be interrupted, so a pattern such as ``(a+)+$`` on hostile feed text could stall
the bot. ``check_regex`` refuses the usual shapes of catastrophic backtracking (nested repeats, repeated
alternations, back-references, open-ended repeats in a row or more than two of them); the filter then runs
accepted patterns on at most ``REGEX_TEXT_MAX`` characters of each field, which bounds the rest.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.errors import UsageError

REGEX_MAX = 200
REGEX_TEXT_MAX = 256  # characters of each field a regex runs on
_BRACES = re.compile(r"\{(\d*)(,?)(\d*)\}")
_HINT = "Example: regex:/season \\d+/i"


@lru_cache(maxsize=256)
def compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """The compiled pattern (cached); call ``check_regex`` first for anything a user typed."""
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def check_regex(pattern: str, ignore_case: bool = True) -> re.Pattern[str]:
    """Compile a moderator's regex, refusing patterns that are too long or risk runaway backtracking."""
    if not pattern:
        raise UsageError("The regex is empty.", hint=_HINT)
    if len(pattern) > REGEX_MAX:
        raise UsageError(
            f"The regex is {len(pattern)} characters long; the limit is {REGEX_MAX}.", hint=_HINT
        )
    try:
        result = compiled(pattern, ignore_case)
    except (re.error, OverflowError, RecursionError) as exc:
        raise UsageError(f"The regex does not compile: {exc}.", hint=_HINT) from None
    problem = _risk(pattern)
    if problem:
        raise UsageError(
            f"That regex could take too long to run ({problem}).",
            hint="Simplify it, e.g. use a character class such as [\\s-]+ instead of (\\s|-)+.",
        )
    return result


def _skip_class(p: str, i: int) -> int:
    """Index just after the character class starting at ``p[i] == '['``."""
    j = i + 1
    if p[j : j + 1] == "^":
        j += 1
    if p[j : j + 1] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    return j + 1


def _risk(p: str) -> str | None:
    """A simple heuristic: the reason a pattern may backtrack catastrophically, or None."""
    groups: list[tuple[int, list[bool]]] = [(0, [False, False])]  # (start, [has a repeat, has |])
    closed: list[bool] | None = (
        None  # the group that just closed, if the next token may quantify it
    )
    atom = 0  # where the atom a quantifier would apply to starts
    unbounded = 0
    last_unbounded_end = -1
    i = 0
    while i < len(p):
        ch = p[i]
        quant: tuple[bool, bool] | None = None  # (repeats, open-ended)
        if ch == "\\":
            if p[i + 1 : i + 2].isdigit() and p[i + 1] != "0":
                return "back-references are not allowed"
            atom, i, closed = i, i + 2, None
            continue
        if ch == "[":
            atom, i, closed = i, _skip_class(p, i), None
            continue
        if ch == "(":
            if p.startswith("(?P=", i):
                return "back-references are not allowed"
            groups.append((i, [False, False]))
            i, closed = i + 1, None
            continue
        if ch == ")" and len(groups) > 1:
            atom, closed = groups.pop()
            groups[-1][1][0] = groups[-1][1][0] or closed[0]
            i += 1
            continue
        if ch == "|":
            groups[-1][1][1] = True
        if ch in "*+":
            quant = (True, True)
        elif ch == "{":
            m = _BRACES.match(p, i)
            if m:
                low, comma, high = m.groups()
                quant = (bool(comma) or int(high or low or "1") > 1, bool(comma) and not high)
                i = m.end() - 1
        if quant is None:
            atom, closed = i, None
            i += 1
            continue
        repeats, open_ended = quant
        if repeats:
            if closed is not None and closed[0]:
                return "a repeat inside a repeated group, like (a+)+"
            if closed is not None and closed[1] and open_ended:
                return "a repeated alternation, like (a|b)+"
            groups[-1][1][0] = True
        i += 1
        if p[i : i + 1] in ("?", "+"):  # lazy or possessive
            i += 1
        if open_ended:
            unbounded += 1
            if unbounded > 2:
                return "more than two open-ended repeats such as * or +"
            if atom == last_unbounded_end:
                return "two open-ended repeats in a row, like .*.*"
            last_unbounded_end = i
        closed = None
    return None
