"""Feeds: fetch (bytes + caching headers), parse (bytes -> entries, pure) and feed-link discovery."""

from bot.feeds.discover import discover_feed_links, looks_like_html
from bot.feeds.fetch import Fetcher, FetchResult, FetchSettings, create_session, fetch_feed
from bot.feeds.netguard import (
    BlockedAddress,
    FetchError,
    GuardedConnector,
    GuardedResolver,
    check_url,
    resolve_and_check,
)
from bot.feeds.parse import MAX_DOCUMENT_BYTES, parse_date, parse_feed

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "BlockedAddress",
    "FetchError",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "GuardedConnector",
    "GuardedResolver",
    "check_url",
    "create_session",
    "discover_feed_links",
    "fetch_feed",
    "looks_like_html",
    "parse_date",
    "parse_feed",
    "resolve_and_check",
]
