"""What is new in a fetched feed, and which items are the same review (pure; no I/O, no SQL).

* ``item_identity`` tells items apart within a feed (``bot.ingest.item_key``: guid, then link, then a
  content hash); ``decide`` sorts a fetch into new, changed and unchanged items against what is stored.
* ``guids_unstable`` spots feeds whose guids change on every fetch, so the poller can key them by link.
* ``canonical_url`` and ``review_identity`` recognise one review reached through two feeds (or through
  a relay's short link and the original), so a channel announces it once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.extract import content_hash
from bot.ingest import item_key
from bot.models import Extraction, FeedEntry
from bot.text import norm_title

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
     "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id",
     "wickedid", "rb_clickid", "s_cid", "ref_src", "ref_url", "twclid", "ttclid", "amp"}
)  # fmt: skip
"""Query parameters that only track where a click came from (plus every ``utm_*``)."""
RELAY_HOSTS = frozenset(
    {"ift.tt", "feedproxy.google.com", "feeds.feedburner.com", "feedburner.google.com", "bit.ly",
     "t.co", "buff.ly", "dlvr.it", "ow.ly", "trib.al", "lnkd.in", "tinyurl.com", "rss.app"}
)  # fmt: skip
"""Hosts that relay or shorten links: an item linking there is matched by the original link it names."""
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_RELAYED = re.compile(
    r"(?:^|[\n>])\s*(?:via|from)\s[^\n<]{0,120}?"
    r"(?:<a\s[^>]*?href=[\"'](?P<a>https?://[^\"'\s<>]+)|(?P<b>https?://[^\s<>\"']+))"
    r"|The post\s+<a\s[^>]*?href=[\"'](?P<c>https?://[^\"'\s<>]+)",
    re.IGNORECASE,
)
RELAY_SCAN_MAX = 20_000  # characters of an item's body searched for the original link


# --------------------------------------------------------------------------- new / changed / unchanged


def item_identity(entry: FeedEntry, *, use_guid: bool = True) -> str:
    """The key an item is stored under in its feed (``use_guid=False``: ignore an unstable guid)."""
    return item_key(entry if use_guid or not entry.guid else replace(entry, guid=None))


@dataclass(frozen=True, slots=True)
class Item:
    """One fetched item with its key, content hash and position in the feed (0 = first)."""

    entry: FeedEntry
    key: str
    content_hash: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """A fetch sorted against storage, each group in feed order.

    ``new``: keys never stored; ``changed``: stored with another content hash; ``unchanged``: same hash;
    ``duplicates``: later items of the same fetch repeating an earlier item's key (ignored).
    """

    new: tuple[Item, ...] = ()
    changed: tuple[Item, ...] = ()
    unchanged: tuple[Item, ...] = ()
    duplicates: tuple[Item, ...] = ()

    @property
    def to_store(self) -> tuple[Item, ...]:
        """New and changed items, in feed order."""
        return tuple(sorted((*self.new, *self.changed), key=lambda item: item.position))


def decide(
    entries: Iterable[FeedEntry], known: Mapping[str, str], *, use_guid: bool = True
) -> Decision:
    """Sort ``entries`` by what ``known`` (item key -> stored content hash) says about them."""
    new: list[Item] = []
    changed: list[Item] = []
    unchanged: list[Item] = []
    duplicates: list[Item] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        item = Item(entry, item_identity(entry, use_guid=use_guid), content_hash(entry), position)
        if item.key in seen:
            duplicates.append(item)
            continue
        seen.add(item.key)
        stored = known.get(item.key)
        if stored is None:
            new.append(item)
        elif stored != item.content_hash:
            changed.append(item)
        else:
            unchanged.append(item)
    return Decision(tuple(new), tuple(changed), tuple(unchanged), tuple(duplicates))


def guids_unstable(
    previous: Mapping[str, str] | Collection[str],
    current_entries: Sequence[FeedEntry],
    *,
    threshold: float = 0.6,
    min_items: int = 3,
) -> bool:
    """Whether a feed's guids change on every fetch while the items themselves do not.

    ``previous`` is what is stored for the feed: item keys, or the ``decide`` mapping of key -> content
    hash (whose hashes then count as "known" too). True when at least ``min_items`` current items have a
    guid, most of those guids (``threshold``) are new, and most of the items with a new guid are known by
    their link (canonical form) or content hash. The poller then keys the feed with ``use_guid=False``.
    """
    keys = set(previous)
    hashes = set(previous.values()) if isinstance(previous, Mapping) else set()
    links = {canonical_url(k[5:]) for k in keys if k.startswith("link:")}
    with_guid = [e for e in current_entries if e.guid and e.guid.strip()]
    if not keys or len(with_guid) < min_items:
        return False
    fresh = [e for e in with_guid if item_identity(e) not in keys]
    if len(fresh) < threshold * len(with_guid):
        return False
    recognised = 0
    for entry in fresh:
        link = entry.link.strip() if entry.link else ""
        by_link = bool(link) and canonical_url(link) in links
        if by_link or (hashes and content_hash(entry) in hashes):
            recognised += 1
    return recognised >= threshold * len(fresh)


# --------------------------------------------------------------------------- same review, other feed


def _upper_escapes(text: str) -> str:
    return _PERCENT.sub(lambda m: m.group(0).upper(), text)


def canonical_url(url: str) -> str:
    """The form of a link used to recognise the same page.

    Scheme and host are lower-cased, a leading ``www.``, default ports, user info, the fragment and a
    trailing slash are dropped, tracking parameters (``utm_*``, ``fbclid``...) are removed and the rest
    sorted, percent-escapes are upper-cased and a final ``/amp`` (WordPress AMP pages) is removed.
    http and https stay distinct. Text that is not an http(s) URL comes back stripped and unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".")
    host = host.removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"
    if port and port != _DEFAULT_PORTS[scheme]:
        host += f":{port}"
    path = _upper_escapes(parts.path)
    if path.endswith("/amp") or path.endswith("/amp/"):
        path = path[: path.rindex("/amp")]
    path = path.rstrip("/") or "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def _is_relay(url: str) -> bool:
    try:
        host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
    except ValueError:
        return False
    return host in RELAY_HOSTS


def original_link(entry: FeedEntry) -> str | None:
    """The article's own link: ``entry.link`` unless it is a relay/short link (or missing) and the item's
    body names the original ("Via Site https://...", WordPress "The post <a href=...>")."""
    link = entry.link.strip() if entry.link and entry.link.strip() else None
    if link and not _is_relay(link):
        return link
    for body in (entry.content, entry.summary):
        for m in _RELAYED.finditer((body or "")[:RELAY_SCAN_MAX]):
            found = m.group("a") or m.group("b") or m.group("c")
            if found and not _is_relay(found):
                return found.rstrip(".,;)")
    return link


def review_identity(extraction: Extraction | None, entry: FeedEntry | None = None) -> str:
    """Who a review is, across feeds: ``"url:" + canonical link`` when there is one, else
    ``"text:" + hash`` of the normalised headline and source. Used to announce a review once per channel."""
    link = original_link(entry) if entry is not None else None
    if not link and extraction is not None and extraction.url:
        link = extraction.url
    if link:
        canon = canonical_url(link)
        if canon.startswith(("http://", "https://")):
            return "url:" + canon
    headline = (extraction.headline if extraction else "") or (entry.title if entry else "")
    source = (extraction.source if extraction else None) or (entry.source if entry else None) or ""
    payload = f"{norm_title(headline)}\x1f{norm_title(source)}"
    return "text:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]
