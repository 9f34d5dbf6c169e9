"""Extraction: feed entry -> structured review facts (pure functions, no I/O).

Public API: :func:`extract`, :func:`entry_from_text`, :func:`entry_from_html`, :func:`clean_text`,
:func:`content_hash`, and the reusable indexes :class:`KnownNames` / :class:`KnownTitles`.
"""

from bot.extract.clean import clean_text, strip_furniture
from bot.extract.core import extract
from bot.extract.entries import content_hash, entry_from_html, entry_from_text
from bot.extract.known import KnownNames, KnownTitles

__all__ = [
    "KnownNames",
    "KnownTitles",
    "clean_text",
    "content_hash",
    "entry_from_html",
    "entry_from_text",
    "extract",
    "strip_furniture",
]
