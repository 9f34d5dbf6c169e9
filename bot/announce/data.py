"""What an announcement is made of, and how feed text is made harmless before it reaches a channel.

``AnnouncementData`` is the plain data a template is rendered from; it is built from an ``Extraction``
(and optionally the ``FeedEntry`` it came from). ``neutralise`` and ``safe_url`` are the two doors through
which feed text enters a message: nothing that passes them can ping anyone or change the formatting.
"""

from __future__ import annotations

import html
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from urllib.parse import quote, urlsplit, urlunsplit

from bot.models import Extraction, FeedEntry
from bot.render import escape_markdown

ZWSP = "\u200b"
URL_MAX = 1000  # a longer link is left out whole rather than cut
VALUE_MAX = 1500  # no single inserted value is longer than this before fitting
CAST_SHOWN = 6  # cast names listed before "+N more"

# control characters, bidi overrides/isolates and other invisible format characters feed text may carry
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_DROPPED = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)?[^>]{0,2000}>")
_BLOCK = frozenset(
    [
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "blockquote",
        "section",
        "hr",
    ]
)
_LINE_START = "#-+"  # headings, lists and subtext when a value starts a line
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]!$&'()*+,;=%]")


def flatten(text: str | None) -> str:
    """One line of plain text: invisible and control characters removed, whitespace collapsed."""
    if not text:
        return ""
    return _SPACES.sub(" ", _INVISIBLE.sub(" ", text)).strip()


def plain_text(text: str | None) -> str:
    """Feed HTML (a summary, say) as one line of plain text: tags dropped, entities decoded."""
    if not text:
        return ""

    def tag(m: re.Match[str]) -> str:
        return " " if (m.group(2) or "").lower() in _BLOCK else ""

    return flatten(html.unescape(_TAG.sub(tag, _DROPPED.sub(" ", text[:20_000]))))


def neutralise(text: str) -> str:
    """Feed text made safe to insert in a message: no mention, no markdown, no line structure.

    Markdown characters are escaped, a zero-width space follows every ``@`` (so ``@everyone``,
    ``@here`` and ``<@123>`` never read as mentions) and every ``<`` (so ``<#789>``, ``<@&456>`` and
    other Discord tags stay plain text), and a leading ``#``, ``-`` or ``+`` is escaped so that a value
    at the start of a line cannot become a heading or a list.
    """
    text = escape_markdown(flatten(text)).replace("<", "<" + ZWSP)
    if text and text[0] in _LINE_START:
        text = "\\" + text
    return text


def safe_url(url: str | None) -> str:
    """An http(s) link fit to post whole, or ``""``.

    Other schemes are refused; user:password parts are dropped; spaces, quotes, angle brackets, pipes
    and ``@`` are percent-encoded (``@`` as ``%40``, which servers read the same in a path), so a link
    cannot carry a mention or break out of ``<...>``. Links longer than ``URL_MAX`` are left out.
    """
    url = flatten(url)
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return ""
    netloc = host + (f":{port}" if port else "")
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))
    rebuilt = _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), rebuilt).replace("@", "%40")
    return rebuilt if len(rebuilt) <= URL_MAX else ""


def _zone(tz: tzinfo | str | None) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    if tz:
        try:
            return zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return UTC
    return UTC


@dataclass(frozen=True, slots=True)
class AnnouncementData:
    """The facts one announcement shows (raw feed text: templates neutralise it when rendering).

    ``published`` is already in the server's time zone. ``mention`` is the prefix text from
    ``announcement_mentions`` (a role mention a moderator allowed, or ``""``); it is the only text
    that reaches the message without being neutralised.
    """

    headline: str
    title: str | None = None
    kind: str | None = None
    url: str | None = None
    rating: float | None = None
    cast: tuple[str, ...] = ()
    director: str | None = None
    summary: str = ""
    source: str | None = None
    published: datetime | None = None
    mention: str = ""

    @classmethod
    def from_extraction(
        cls,
        extraction: Extraction,
        entry: FeedEntry | None = None,
        *,
        tz: tzinfo | str | None = None,
        mention: str = "",
    ) -> AnnouncementData:
        """Build the data from an extraction, filling gaps (link, summary, source, date) from ``entry``.

        ``tz`` is a time zone name (``"Asia/Seoul"``) or tzinfo; unknown names fall back to UTC, and a
        date without a zone is read as UTC.
        """
        summary = extraction.summary
        if not summary and entry is not None:
            summary = plain_text(entry.summary)
        published = extraction.published or (entry.published if entry else None)
        if published is not None:
            if published.tzinfo is None:
                published = published.replace(tzinfo=UTC)
            published = published.astimezone(_zone(tz))
        return cls(
            headline=extraction.headline or (entry.title if entry else ""),
            title=extraction.title,
            kind=extraction.kind,
            url=extraction.url or (entry.link if entry else None),
            rating=extraction.rating,
            cast=tuple(extraction.cast_names),
            director=extraction.director,
            summary=summary,
            source=extraction.source or (entry.source if entry else None),
            published=published,
            mention=mention,
        )


SAMPLE = AnnouncementData(
    headline="Review: Moonlit Harbour is a slow-burning mystery that earns every twist",
    title="Moonlit Harbour",
    kind="series",
    url="https://dramanotes.example/reviews/moonlit-harbour",
    rating=4.0,
    cast=("Han Ji-woo", "Park Seo-yeon", "Lee Dae-ho", "Choi Min-ah"),
    director="Kim Min-jae",
    summary=(
        "Patient, handsomely shot and anchored by two superb leads, Moonlit Harbour rewards viewers "
        "who give its quiet first episodes a chance."
    ),
    source="Drama Notes",
    published=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
)
"""A made-up review that ``preview`` renders, so moderators see a template before any feed item."""
