"""Announcements of new reviews: templates, filters, nonces and the mention policy (pure, no I/O).

The feed poller decides *what* is new (``bot.feeds.decide``); this package decides *whether* a
subscription announces an item (``FeedFilter``), *what* the message says (``Template``), *whom* it may
ping (``announcement_mentions``) and the nonce that makes a retried send safe (``announcement_nonce``).
"""

from bot.announce.data import SAMPLE, AnnouncementData, neutralise, safe_url
from bot.announce.filters import DEFAULT_FIELDS, FIELDS, FeedFilter, build_filter, parse_filter_spec
from bot.announce.policy import NONCE_MAX, announcement_mentions, announcement_nonce
from bot.announce.saferegex import REGEX_MAX, check_regex
from bot.announce.template import (
    DEFAULT,
    DEFAULT_TEMPLATE,
    MESSAGE_MAX,
    PLACEHOLDERS,
    TEMPLATE_MAX,
    Template,
    parse_template,
    placeholder_help,
    preview,
    render_announcement,
)

__all__ = [
    "DEFAULT",
    "DEFAULT_FIELDS",
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "MESSAGE_MAX",
    "NONCE_MAX",
    "PLACEHOLDERS",
    "REGEX_MAX",
    "SAMPLE",
    "TEMPLATE_MAX",
    "AnnouncementData",
    "FeedFilter",
    "Template",
    "announcement_mentions",
    "announcement_nonce",
    "build_filter",
    "check_regex",
    "neutralise",
    "parse_filter_spec",
    "parse_template",
    "placeholder_help",
    "preview",
    "render_announcement",
    "safe_url",
]
