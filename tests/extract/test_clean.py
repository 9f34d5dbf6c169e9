"""HTML cleaning, relay furniture, entries and hashing (own small examples)."""

from __future__ import annotations

from bot.extract import clean_text, content_hash, entry_from_html, entry_from_text, extract
from bot.extract.clean import strip_furniture
from bot.models import FeedEntry


def test_html_to_clean_text() -> None:
    html = (
        "<div><p>It&rsquo;s a &ldquo;quiet&rdquo; film&nbsp;&amp; a good one.</p>"
        "<script>var x = '<p>no</p>';</script><style>p{}</style><noscript>nope</noscript>"
        "<p>Second<br>line</p></div>"
    )
    assert clean_text(html) == 'It\'s a "quiet" film & a good one.\n\nSecond\nline'


def test_plain_text_keeps_paragraphs_and_letters() -> None:
    text = "Timothée  Chalamet \u2019s\n\n\n\nSkarsgård   here"
    assert clean_text(text) == "Timothée Chalamet 's\n\nSkarsgård here"


def test_unclosed_script_drops_the_rest() -> None:
    assert clean_text("<p>kept</p><script>never closed") == "kept"


def test_furniture_removed_and_source_kept() -> None:
    text = (
        "Body paragraph.\n\nThe post Lantern Road Review: grief appeared first on Reel Town.\n\n"
        "Via Reel Town https://ift.tt/abc123\n\nComments"
    )
    body, source = strip_furniture(text)
    assert body == "Body paragraph."
    assert source == "Reel Town"


def test_from_line_and_read_more_stub() -> None:
    body, source = strip_furniture("Body.\nfrom Film Feed https://example.org/feed\nRead more »")
    assert body == "Body." and source == "Film Feed"


def test_source_falls_back_to_entry_source() -> None:
    got = extract(
        FeedEntry(title="Lantern Road Review: fine", content="Plain body.", source="Feed X")
    )
    assert got.source == "Feed X"


def test_entry_from_text_skips_leading_blank_lines() -> None:
    e = entry_from_text("\n\n  Headline here  \n\nBody one.\nBody two.\n", source_name="S")
    assert e.title == "Headline here"
    assert e.content == "Body one.\nBody two."
    assert e.source == "S"


def test_entry_from_html_page() -> None:
    page = (
        "<html><head><title>Lantern Road Review: grief - Reel Town</title>"
        '<meta property="og:title" content="Lantern Road Review: grief | Reel Town">'
        '<meta property="og:site_name" content="Reel Town">'
        '<meta property="article:published_time" content="2024-05-01T10:00:00Z">'
        '<link rel="canonical" href="https://reel.example/lantern-road"></head>'
        "<body><nav>Menu</nav><article><h1>Lantern Road Review</h1><p>The body.</p></article></body></html>"
    )
    e = entry_from_html(page, url="https://reel.example/x?utm=1")
    assert e.title == "Lantern Road Review: grief"
    assert e.link == "https://reel.example/lantern-road"
    assert e.published is not None and e.published.year == 2024
    assert "The body." in clean_text(e.content) and "Menu" not in clean_text(e.content)


def test_entry_from_html_without_meta() -> None:
    page = (
        "<html><head><title>Night Ferry review - Site</title></head><body><p>Text</p></body></html>"
    )
    e = entry_from_html(page)
    assert e.title == "Night Ferry review"
    assert e.published is None


def test_content_hash_is_stable_and_sensitive() -> None:
    a = FeedEntry(title="T", content="<p>Body</p>", link="https://x/1")
    b = FeedEntry(title="T", content="<p>Body</p>", link="https://x/1")
    c = FeedEntry(title="T", content="<p>Body edited</p>", link="https://x/1")
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(c)
    assert len(content_hash(a)) == 64
