"""Answers -> neutral cards (title, lines, fields, url) that Discord and the terminal both draw.

Cards already respect Discord's embed limits (title 256, description 4,096, 25 fields of 256/1,024, footer
2,048, 6,000 in all) and long lists are split into pages, never cutting a word or a link in half, so a front
end only maps a card onto its own widgets. ``answer_to_json`` gives the structured answer of ``ask --json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.errors import Ambiguous, NotFound, ReviewBotError
from bot.models import (
    Answer,
    CastAnswer,
    CastEntry,
    LatestAnswer,
    PersonAnswer,
    RelatedAnswer,
    ReviewAnswer,
    ReviewInfo,
    Role,
    SearchAnswer,
)
from bot.text import truncate

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
TOTAL_MAX = 6000
PAGE_LINES = 12  # list entries per page: readable on a phone
_MARKDOWN = "\\*_~`|>[]"  # characters that Discord markdown gives a meaning

COLORS = {
    "review": 0xE5A50A,
    "cast": 0x3584E4,
    "person": 0x3584E4,
    "related": 0x9141AC,
    "search": 0x2EC27E,
    "latest": 0x2EC27E,
    "error": 0xC01C28,
    "help": 0x77767B,
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """A front-end-neutral message: Discord draws it as an embed, the console as text."""

    title: str
    description: str = ""
    url: str | None = None
    fields: tuple[Field, ...] = ()
    footer: str | None = None
    kind: str = "info"
    choices: tuple[str, ...] = field(default=())  # "did you mean" / disambiguation options

    @property
    def color(self) -> int:
        return COLORS.get(self.kind, 0x77767B)

    def size(self) -> int:
        """Characters counted against Discord's 6,000 total."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer or "")
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


# --------------------------------------------------------------------------- formatting helpers


def stars(rating: float | None) -> str:
    """``3.5`` -> ``"★★★½☆"``; an empty string for no rating."""
    if rating is None:
        return ""
    full = int(rating)
    half = rating - full >= 0.5
    return "★" * full + ("½" if half else "") + "☆" * (5 - full - (1 if half else 0))


def format_rating(rating: float | None) -> str:
    if rating is None:
        return "not rated"
    value = f"{rating:g}"
    return f"{stars(rating)} {value}/5"


def format_date(when: datetime | None) -> str:
    return when.strftime("%d %b %Y").lstrip("0") if when else "undated"


def escape_markdown(text: str) -> str:
    """Neutralise Discord markdown and mention syntax in text that came from a feed or a user."""
    out = []
    for ch in text:
        if ch in _MARKDOWN:
            out.append("\\" + ch)
        else:
            out.append(ch)
    # a zero-width space after @ stops @everyone/@here/<@id> from ever reading as a mention
    return "".join(out).replace("@", "@\u200b")


def _cast_line(entry: CastEntry) -> str:
    name = escape_markdown(entry.name)
    if entry.role is Role.DIRECTOR:
        return f"{name} (director)"
    if entry.character:
        voice = " (voice)" if entry.voice else ""
        return f"{name} as {escape_markdown(entry.character)}{voice}"
    return name


def _pages(
    title: str,
    lines: Sequence[str],
    *,
    kind: str,
    url: str | None = None,
    head: str = "",
    fields: tuple[Field, ...] = (),
    footer: str | None = None,
    per_page: int = PAGE_LINES,
) -> list[Card]:
    """Split ``lines`` into cards of at most ``per_page`` lines that each fit every limit."""
    title = truncate(title, TITLE_MAX)
    budget = DESCRIPTION_MAX - len(head) - 2
    chunks: list[list[str]] = [[]]
    used = 0
    for raw in lines:
        line = truncate(raw, min(budget, FIELD_VALUE_MAX * 2))
        if chunks[-1] and (len(chunks[-1]) >= per_page or used + len(line) + 1 > budget):
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += len(line) + 1
    cards = []
    total = len(chunks)
    for i, chunk in enumerate(chunks):
        body = "\n".join(chunk)
        description = f"{head}\n\n{body}".strip() if head else body
        page_footer = footer
        if total > 1:
            page_footer = f"Page {i + 1}/{total}" + (f" · {footer}" if footer else "")
        cards.append(
            Card(
                title=title,
                description=description,
                url=url,
                fields=fields if i == 0 else (),
                footer=truncate(page_footer, FOOTER_MAX) if page_footer else None,
                kind=kind,
            )
        )
    return cards


def _corrected(original: str | None) -> str:
    return (
        f"Showing results for the closest match to “{escape_markdown(original)}”."
        if original
        else ""
    )


def _review_block(r: ReviewInfo) -> str:
    meta = " · ".join(
        x
        for x in (
            format_rating(r.rating) if r.rating is not None else "",
            r.source or "",
            format_date(r.published),
        )
        if x
    )
    summary = truncate(escape_markdown(r.summary), 600) if r.summary else ""
    link = f"\n<{r.url}>" if r.url else ""
    return f"**{escape_markdown(r.headline)}**\n{meta}\n{summary}{link}".strip()


# --------------------------------------------------------------------------- answers -> cards


def render(answer: Answer) -> list[Card]:
    """Cards (pages) for one answer."""
    if isinstance(answer, ReviewAnswer):
        work = answer.work
        cast = ", ".join(_cast_line(c) for c in answer.cast if c.role is Role.ACTOR)
        directors = ", ".join(
            escape_markdown(c.name) for c in answer.cast if c.role is Role.DIRECTOR
        )
        fields: list[Field] = []
        if cast:
            fields.append(Field("Cast", truncate(cast, FIELD_VALUE_MAX)))
        if directors:
            fields.append(Field("Director", truncate(directors, FIELD_VALUE_MAX), inline=True))
        if not answer.reviews:
            head = _corrected(answer.corrected_from)
            text = f"No review of {escape_markdown(work.title)} yet; it is mentioned in other articles."
            return [
                Card(
                    truncate(work.label, TITLE_MAX),
                    f"{head}\n{text}".strip(),
                    fields=tuple(fields),
                    kind="review",
                )
            ]
        ratings = [r.rating for r in answer.reviews if r.rating is not None]
        footer = f"{work.review_count} review(s)"
        if ratings:
            footer += f" · average {sum(ratings) / len(ratings):.1f}/5"
        return _pages(
            work.label,
            [_review_block(r) for r in answer.reviews],
            kind="review",
            url=answer.reviews[0].url,
            head=_corrected(answer.corrected_from),
            fields=tuple(fields),
            footer=footer,
            per_page=3,
        )
    if isinstance(answer, CastAnswer):
        lines = [
            f"{i}. {_cast_line(c)}"
            for i, c in enumerate((c for c in answer.cast if c.role is Role.ACTOR), start=1)
        ]
        lines += [_cast_line(c) for c in answer.cast if c.role is Role.DIRECTOR]
        if not lines:
            lines = ["No cast is known yet."]
        return _pages(
            f"Cast of {answer.work.label}",
            lines,
            kind="cast",
            head=_corrected(answer.corrected_from),
        )
    if isinstance(answer, PersonAnswer):
        aliases = answer.person.aliases
        head = _corrected(answer.corrected_from)
        if aliases:
            head = (
                (head + "\n" if head else "")
                + "Also known as "
                + ", ".join(escape_markdown(a) for a in aliases)
            )
        lines = []
        for credit in answer.credits:
            line = escape_markdown(credit.work.label)
            if credit.role is Role.DIRECTOR:
                line += " (director)"
            elif credit.character:
                line += f" as {escape_markdown(credit.character)}"
            lines.append(f"• {line}")
        return _pages(
            answer.person.name, lines or ["No credits known yet."], kind="person", head=head
        )
    if isinstance(answer, RelatedAnswer):
        lines = [
            f"{i}. **{escape_markdown(r.work.label)}** — {'; '.join(r.reasons)}"
            for i, r in enumerate(answer.related, start=1)
        ]
        return _pages(
            f"Related to {answer.work.label}",
            lines or ["Nothing related is known yet."],
            kind="related",
            head=_corrected(answer.corrected_from),
        )
    if isinstance(answer, SearchAnswer):
        lines = [_list_line(r) for r in answer.results]
        return _pages(
            f"Search: {answer.query}", lines or ["No review matches those words."], kind="search"
        )
    if isinstance(answer, LatestAnswer):
        lines = [_list_line(r) for r in answer.items]
        return _pages("Latest reviews", lines or ["No reviews yet."], kind="latest")
    raise TypeError(f"cannot render {type(answer).__name__}")


def _list_line(r: ReviewInfo) -> str:
    rating = f" · {format_rating(r.rating)}" if r.rating is not None else ""
    source = f" · {escape_markdown(r.source)}" if r.source else ""
    link = f" <{r.url}>" if r.url else ""
    return f"• **{escape_markdown(r.headline)}**{rating}{source} · {format_date(r.published)}{link}"


def render_error(error: ReviewBotError) -> Card:
    """A short, helpful card for a user mistake."""
    choices: tuple[str, ...] = ()
    if isinstance(error, NotFound):
        choices = tuple(error.suggestions)
    elif isinstance(error, Ambiguous):
        choices = tuple(error.choices)
    description = escape_markdown(error.message)
    if error.hint:
        description += f"\n{escape_markdown(error.hint)}"
    if choices:
        description += "\n" + "\n".join(f"• {escape_markdown(c)}" for c in choices[:10])
    return Card("Hmm…", truncate(description, DESCRIPTION_MAX), kind="error", choices=choices[:25])


# --------------------------------------------------------------------------- JSON


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _cast_json(cast: Sequence[CastEntry]) -> list[dict[str, Any]]:
    return [{"name": c.name, "character": c.character} for c in cast if c.role is Role.ACTOR]


def answer_to_json(command: str, answer: Answer) -> dict[str, Any]:
    """The structured answer printed by ``reviewbot ask --json``."""
    if isinstance(answer, ReviewAnswer):
        return {
            "command": command,
            "title": answer.work.title,
            "reviews": [
                {
                    "headline": r.headline,
                    "rating": r.rating,
                    "summary": r.summary,
                    "url": r.url,
                    "source": r.source,
                    "published": _iso(r.published),
                }
                for r in answer.reviews
            ],
            "cast": _cast_json(answer.cast),
            "director": [c.name for c in answer.cast if c.role is Role.DIRECTOR],
        }
    if isinstance(answer, CastAnswer):
        return {"command": command, "title": answer.work.title, "cast": _cast_json(answer.cast)}
    if isinstance(answer, PersonAnswer):
        return {
            "command": command,
            "person": answer.person.name,
            "aliases": list(answer.person.aliases),
            "works": [
                {"title": c.work.title, "character": c.character, "role": str(c.role)}
                for c in answer.credits
            ],
        }
    if isinstance(answer, RelatedAnswer):
        return {
            "command": command,
            "title": answer.work.title,
            "related": [
                {"title": r.work.title, "score": r.score, "reasons": list(r.reasons)}
                for r in answer.related
            ],
        }
    if isinstance(answer, SearchAnswer | LatestAnswer):
        items = answer.results if isinstance(answer, SearchAnswer) else answer.items
        return {
            "command": command,
            "results": [
                {
                    "headline": r.headline,
                    "title": r.work_title,
                    "rating": r.rating,
                    "url": r.url,
                    "source": r.source,
                    "published": _iso(r.published),
                }
                for r in items
            ],
        }
    raise TypeError(f"cannot serialise {type(answer).__name__}")


def error_to_json(error: ReviewBotError) -> dict[str, Any]:
    suggestions: list[str] = []
    if isinstance(error, NotFound):
        suggestions = list(error.suggestions)
    elif isinstance(error, Ambiguous):
        suggestions = list(error.choices)
    return {"error": str(error), "suggestions": suggestions}


def card_to_text(card: Card) -> str:
    """Plain terminal text for a card (markdown escapes removed)."""
    parts = [card.title.upper() if card.kind != "error" else card.title]
    if card.url:
        parts.append(card.url)
    if card.description:
        parts.append(card.description)
    for f in card.fields:
        parts.append(f"{f.name}: {f.value}")
    if card.footer:
        parts.append(f"({card.footer})")
    text = "\n".join(parts)
    for ch in _MARKDOWN:
        text = text.replace("\\" + ch, ch)
    return text.replace("**", "").replace("@\u200b", "@")
