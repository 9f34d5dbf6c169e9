"""Announcement templates: parsed by hand (never ``str.format``), rendered within Discord's limits.

A template is moderator input. It is parsed into literal text and plain placeholder names, so a
template can never reach Python internals (``{title.__class__}``, ``{0}`` and format specs are refused
with a message saying what to write instead). Rendering inserts neutralised feed text, drops lines whose
placeholders are all empty, and shortens the longest values (summary first) at word boundaries until the
message fits in 2,000 characters; links are never cut (a link that cannot fit is left out whole).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, replace

from bot.announce.data import (
    CAST_SHOWN,
    SAMPLE,
    VALUE_MAX,
    ZWSP,
    AnnouncementData,
    flatten,
    neutralise,
    safe_url,
)
from bot.errors import UsageError
from bot.render import format_date, stars
from bot.text import truncate

MESSAGE_MAX = 2000  # Discord's limit for a message's content
TEMPLATE_MAX = 1000  # characters of template text (the rest of a message is for the feed's words)
PLACEHOLDERS_MAX = 40

PLACEHOLDERS: dict[str, str] = {
    "title": "the reviewed film or series (the headline when no title was found)",
    "work": "the title with its kind, e.g. Moonlit Harbour (series)",
    "headline": "the article's headline",
    "url": "the link to the article (wrap it as <{url}> to hide Discord's preview)",
    "rating": "the rating out of 5, e.g. 4/5",
    "stars": "the rating as stars, e.g. ★★★★☆",
    "cast": "the leading cast in billing order",
    "director": "the director",
    "summary": "the verdict or the first sentences",
    "source": "the site that published the review",
    "published": "the publication date",
    "mention": "the role this subscription pings, if a moderator allowed one",
}
"""Every placeholder and what it inserts (the order is the one shown in help and errors)."""

# which values give way first when a message is too long; url and mention never shrink
_SHRINK_ORDER = ("summary", "cast", "headline", "title", "work", "director", "source", "published")
_KNOWN = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_FORBIDDEN_LITERAL = re.compile(r"@(?:everyone|here)\b|<@", re.IGNORECASE)
_ROLE_MENTIONS = re.compile(r"<@&\d{1,20}>(?:\s+<@&\d{1,20}>)*")
_EXAMPLE = "Example: **{headline}** {stars}\\n{url}"

DEFAULT_TEMPLATE = (
    "{mention} 🎬 **{headline}**\n"
    "{stars} {rating}\n"
    "> {summary}\n"
    "**Cast:** {cast}\n"
    "**Director:** {director}\n"
    "{source} · {published}\n"
    "{url}"
)
"""The template used until a moderator sets one."""


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str


Part = str | Placeholder


def _show(text: str) -> str:
    return flatten(text)[:30]


def _error(message: str, hint: str | None = None) -> UsageError:
    return UsageError(message, hint=hint or f"Known placeholders: {_KNOWN}.")


def _placeholder(inner: str) -> Placeholder:
    """Check the text between braces and return the placeholder it names."""
    name = inner.strip().lower()
    if not name:
        raise _error("An empty placeholder {} is not allowed: name what to insert, e.g. {title}.")
    if name.isdigit():
        raise _error(f"Positional placeholders like {{{_show(name)}}} are not allowed: use a name.")
    special = re.search(r"[.\[\]:!()]", name)
    if special:
        base = name[: special.start()].strip()
        fix = f" Write {{{base}}}." if base in PLACEHOLDERS else ""
        raise _error(
            f"{{{_show(inner)}}} is not allowed: placeholders are plain names, without attributes, "
            f"indexes, conversions or format specs.{fix}"
        )
    if not _NAME.fullmatch(name) or name not in PLACEHOLDERS:
        close = difflib.get_close_matches(name, list(PLACEHOLDERS), n=1, cutoff=0.6)
        guess = f" — did you mean {{{close[0]}}}?" if close else "."
        raise _error(f"Unknown placeholder {{{_show(inner)}}}{guess}")
    return Placeholder(name)


def _split(text: str) -> list[Part]:
    """Literal text and placeholders, in order ({{ and }} are literal braces)."""
    parts: list[Part] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif ch == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif ch == "}":
            raise _error(
                f"The }} at character {i + 1} closes nothing.",
                hint="Write }} for a literal } or check for a missing {.",
            )
        elif ch == "{":
            close = text.find("}", i + 1)
            nested = text.find("{", i + 1)
            if close < 0:
                raise _error(
                    f"The {{ at character {i + 1} is never closed.",
                    hint="Close it with }, or write {{ for a literal {.",
                )
            if 0 <= nested < close:
                raise _error(
                    f"Placeholders cannot be nested (a {{ inside {{...}} at character {nested + 1})."
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(text[i + 1 : close]))
            i = close + 1
        else:
            literal.append(ch)
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _lines(parts: list[Part]) -> tuple[tuple[Part, ...], ...]:
    lines: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, Placeholder):
            lines[-1].append(part)
            continue
        first, *rest = part.split("\n")
        if first:
            lines[-1].append(first)
        for piece in rest:
            lines.append([piece] if piece else [])
    return tuple(tuple(line) for line in lines)


def parse_template(text: str) -> Template:
    """Parse a moderator's template, or raise ``UsageError`` saying what is wrong and how to fix it.

    Placeholders are ``{name}`` with a name from ``PLACEHOLDERS`` (case and spaces inside the braces
    do not matter); ``{{`` and ``}}`` are literal braces; ``\\n`` typed in chat is a line break. A line
    whose placeholders all come out empty (no rating, no director...) is left out of the message.
    """
    if not isinstance(text, str):
        raise UsageError("A template must be text.", hint=_EXAMPLE)
    text = text.replace("\r\n", "\n").replace("\\n", "\n")
    if not text.strip():
        raise UsageError("The template is empty.", hint=_EXAMPLE)
    if len(text) > TEMPLATE_MAX:
        raise UsageError(
            f"The template is {len(text):,} characters long; the limit is {TEMPLATE_MAX:,}.",
            hint="Keep it short: the feed's words fill the rest of the 2,000-character message.",
        )
    parts = _split(text)
    names = [p for p in parts if isinstance(p, Placeholder)]
    if not names:
        raise UsageError("The template has no placeholder, so every announcement would read the same.",
                         hint=_EXAMPLE)  # fmt: skip
    if len(names) > PLACEHOLDERS_MAX:
        raise UsageError(
            f"The template has {len(names)} placeholders; the limit is {PLACEHOLDERS_MAX}."
        )
    for part in parts:
        if isinstance(part, str) and _FORBIDDEN_LITERAL.search(part):
            raise UsageError(
                "Templates cannot ping @everyone, @here or a member or role written out.",
                hint="Use {mention}: it pings the role chosen for the subscription, if moderators allowed it.",
            )
    return Template(text, _lines(parts))


def _cast_text(cast: tuple[str, ...]) -> str:
    names = [flatten(n) for n in cast if flatten(n)]
    shown = ", ".join(names[:CAST_SHOWN])
    return shown + (f" +{len(names) - CAST_SHOWN} more" if len(names) > CAST_SHOWN else "")


def _rating(value: float | None) -> float | None:
    """The rating kept within 0..5 (None for a missing or non-numeric one)."""
    if value is None or not math.isfinite(value):
        return None
    return min(max(float(value), 0.0), 5.0)


def _raw_values(data: AnnouncementData) -> dict[str, str]:
    rating = _rating(data.rating)
    title = flatten(data.title) or flatten(data.headline)
    work = f"{title} ({flatten(data.kind)})" if title and flatten(data.kind) else title
    values = {
        "title": title,
        "work": work,
        "headline": flatten(data.headline) or title,
        "rating": f"{rating:g}/5" if rating is not None else "",
        "stars": stars(rating),
        "cast": _cast_text(data.cast),
        "director": flatten(data.director),
        "summary": flatten(data.summary),
        "source": flatten(data.source),
        "published": format_date(data.published) if data.published else "",
    }
    return {k: truncate(v, VALUE_MAX) for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: ``source`` is the text to store, ``lines`` the parsed parts of each line."""

    source: str
    lines: tuple[tuple[Part, ...], ...]

    @property
    def names(self) -> frozenset[str]:
        """The placeholder names the template uses."""
        return frozenset(p.name for line in self.lines for p in line if isinstance(p, Placeholder))

    def _count(self, name: str) -> int:
        return sum(1 for line in self.lines for p in line if p == Placeholder(name))

    def _assemble(self, shown: dict[str, str]) -> str:
        out: list[str] = []
        for line in self.lines:
            pieces: list[str] = []
            has_value = False
            has_placeholder = False
            for part in line:
                if isinstance(part, Placeholder):
                    has_placeholder = True
                    value = shown[part.name]
                    has_value = has_value or bool(value)
                    pieces.append(value)
                else:
                    pieces.append(part.replace("@", "@" + ZWSP))
            if has_placeholder and not has_value:
                continue
            out.append("".join(pieces).strip(" "))
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
        return text

    def render(self, data: AnnouncementData, *, limit: int = MESSAGE_MAX) -> str:
        """The announcement text: neutralised values, empty lines dropped, at most ``limit`` characters.

        When the message is too long, values shrink in the order summary, cast, headline, title, work,
        director, source, date, each cut at a word boundary with "…"; a link is never cut: when the
        links alone cannot fit they are left out whole. A mention the template does not place goes
        in front.
        """
        raw = _raw_values(data)
        link = safe_url(data.url)
        given = data.mention.strip()
        if given and not _ROLE_MENTIONS.fullmatch(given):
            # only role mentions (from announcement_mentions) go in as they are
            given = neutralise(given)
        mention = given if "mention" in self.names else ""
        lead = given + " " if given and not mention else ""

        def build(values: dict[str, str]) -> str:
            shown = {name: neutralise(value) for name, value in values.items()}
            shown["url"] = link
            shown["mention"] = mention
            return (lead + self._assemble(shown)).strip()

        text = build(raw)
        if len(text) > limit and len(build({**raw, **dict.fromkeys(_SHRINK_ORDER, "")})) > limit:
            link = ""  # the links alone cannot fit: leave them out whole, keep the words
            text = build(raw)
        for name in _SHRINK_ORDER:
            if len(text) <= limit:
                break
            if name not in self.names:
                continue
            count = self._count(name)
            while len(text) > limit and raw[name]:
                target = len(raw[name]) - math.ceil((len(text) - limit) / count) - 1
                shorter = truncate(raw[name], target) if target > 1 else ""
                raw[name] = "" if shorter in ("", "…") else shorter
                text = build(raw)
        if len(text) > limit:  # only literal text is left: cannot happen within TEMPLATE_MAX
            text = truncate(text, limit)
        if not text:
            return DEFAULT.render(data, limit=limit) if self is not DEFAULT else "New review"
        return text


DEFAULT = parse_template(DEFAULT_TEMPLATE)


def render_announcement(
    template: str | Template | None, data: AnnouncementData, *, limit: int = MESSAGE_MAX
) -> str:
    """Render with a stored template text (``None`` or a damaged one: the default template)."""
    if not isinstance(template, Template):
        try:
            template = parse_template(template) if template else DEFAULT
        except UsageError:
            template = DEFAULT
    return template.render(data, limit=limit)


def preview(template: str | Template | None = None, *, mention_label: str = "role") -> str:
    """The template rendered over a made-up review (raises ``UsageError`` for a bad template text).

    ``{mention}`` shows as a harmless ``@role`` label: a preview never pings anyone.
    """
    if not isinstance(template, Template):
        template = parse_template(template) if template is not None else DEFAULT
    label = "@" + flatten(mention_label)[:40] if "mention" in template.names else ""
    return template.render(replace(SAMPLE, mention=label))


def placeholder_help() -> str:
    """One line per placeholder, for the template command's help."""
    return "\n".join(f"{{{name}}} — {what}" for name, what in PLACEHOLDERS.items())
