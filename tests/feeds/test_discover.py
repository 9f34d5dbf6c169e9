"""Feed-link discovery in HTML pages and telling pages from feeds."""

from __future__ import annotations

import codecs

from bot.feeds import discover_feed_links, looks_like_html

from .conftest import ATOM, JSON_FEED, RSS

PAGE = """<!doctype html><html><head>
<base href="https://cdn.example/blog/">
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="Posts" href="feed/">
<LINK REL="Alternate" TYPE="application/atom+xml; charset=utf-8" HREF="/atom.xml">
<link rel="alternate" type="application/feed+json" href="https://cdn.example/blog/feed.json">
<link rel="alternate home" type="application/json" href="/wp-json/">
<link rel="alternate" type="application/rss+xml" href="feed/">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="">
</head><body><link rel="alternate" type="application/rss+xml" href="/late.xml"></body></html>"""


def test_discovers_in_page_order_resolved_and_deduped() -> None:
    assert discover_feed_links(PAGE, "https://www.example/blog/post") == [
        "https://cdn.example/blog/feed/",
        "https://cdn.example/atom.xml",
        "https://cdn.example/blog/feed.json",
        "https://cdn.example/wp-json/",
    ]


def test_bytes_and_relative_to_page_url() -> None:
    page = b'<html><head><link rel=alternate type=application/rss+xml href="../rss"></head></html>'
    assert discover_feed_links(page, "http://site.example/a/b/") == ["http://site.example/a/rss"]
    assert discover_feed_links(b"<html><body>nothing</body></html>", "http://x.example/") == []
    assert discover_feed_links(b"<<<\x00\xff<link rel=", "http://x.example/") == []


def test_looks_like_html() -> None:
    assert looks_like_html(PAGE.encode())
    assert looks_like_html(b"\n\n  <HTML><body>x</body></HTML>")
    assert looks_like_html(
        b"<?xml version='1.0'?><!-- c --><html xmlns='http://www.w3.org/1999/xhtml'/>"
    )
    assert looks_like_html(codecs.BOM_UTF8 + b"<!DOCTYPE HTML PUBLIC '-//W3C//DTD HTML 4.01//EN'>")
    assert looks_like_html("<html></html>".encode("utf-16"))
    assert not looks_like_html(RSS)
    assert not looks_like_html(ATOM)
    assert not looks_like_html(JSON_FEED)
    assert not looks_like_html(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "<html>">]><rss/>')
    assert not looks_like_html(b"<rss><channel><description><html></description></channel></rss>")
    assert not looks_like_html(b"")
    assert not looks_like_html(
        b'<?xml version="1.0"?>\n<!DOCTYPE html><feed xmlns="http://www.w3.org/2005/Atom">'
    )
    assert looks_like_html(b"<!DOCTYPE html>\n<!-- generated -->\n<title>Page</title>")
