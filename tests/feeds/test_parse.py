"""parse_feed on small documents written for each format and each awkward case."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import FeedError
from bot.feeds import MAX_DOCUMENT_BYTES, parse_date, parse_feed

from .conftest import ATOM, JSON_FEED, RSS


def rss(
    items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>', extra: str = ""
) -> bytes:
    return (
        f'{head}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Site</title>'
        f"<link>https://site.example/</link>{extra}{items}</channel></rss>"
    ).encode()


def test_rss2_fields() -> None:
    doc = rss(
        "<item><title>Review: &lt;b&gt;Queen of Tears&lt;/b&gt;</title>"
        "<link>/2024/queen-of-tears</link><guid isPermaLink='false'>post-17</guid>"
        "<pubDate>Sun, 28 Apr 2024 21:10:00 +0900</pubDate><dc:creator>Mina</dc:creator>"
        "<category>K-Drama</category><category>Review</category><category>K-Drama</category>"
        "<description>Short.</description>"
        "<content:encoded><![CDATA[<p>Kim Soo-hyun and <b>Kim Ji-won</b> star.</p>]]></content:encoded>"
        "</item>"
    )
    feed = parse_feed(doc, url="https://site.example/feed/")
    assert (feed.title, feed.link, feed.format, feed.parser) == (
        "Site", "https://site.example/", "rss", "fastfeedparser")  # fmt: skip
    (entry,) = feed.entries
    assert entry.title == "Review: Queen of Tears"
    assert entry.content == "<p>Kim Soo-hyun and <b>Kim Ji-won</b> star.</p>"
    assert entry.summary == "Short."
    assert entry.link == "https://site.example/2024/queen-of-tears"
    assert entry.guid == "post-17"
    assert entry.published == datetime(2024, 4, 28, 12, 10, tzinfo=UTC)
    assert entry.author == "Mina"
    assert entry.categories == ("K-Drama", "Review")
    assert entry.source == "Site"


def test_atom_and_json_fixtures() -> None:
    atom = parse_feed(ATOM)
    assert atom.format == "atom" and atom.entries[0].summary == "A family of grifters."
    assert atom.entries[0].published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    json_feed = parse_feed(JSON_FEED)
    assert (json_feed.format, json_feed.parser, json_feed.title) == ("json", "json", "JSON Reviews")
    (entry,) = json_feed.entries
    assert entry.content == "<p>Horror comedy.</p>"
    assert entry.published == datetime(2024, 8, 15, 4, 30, tzinfo=UTC)
    assert parse_feed(RSS).entries[0].guid == "kingdom-2"


def test_rss_090_and_10_rdf() -> None:
    doc = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF Site</title><link>https://rdf.example/</link>
<description>d</description></channel>
<item rdf:about="https://rdf.example/a"><title>Item A</title><link>https://rdf.example/a</link>
<dc:date>2023-05-06T07:08:09+02:00</dc:date></item></rdf:RDF>"""
    feed = parse_feed(doc)
    assert feed.format == "rdf" and feed.title == "RDF Site"
    assert feed.entries[0].title == "Item A"
    assert feed.entries[0].published == datetime(2023, 5, 6, 5, 8, 9, tzinfo=UTC)
    old = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>
<link>https://old.example/</link></channel><item><title>Old item</title>
<link>https://old.example/1</link></item></rdf:RDF>"""
    feed = parse_feed(old)
    assert [e.title for e in feed.entries] == ["Old item"]
    assert feed.format == "rdf" and feed.parser == "feedparser"


def test_rss_091_and_atom_03() -> None:
    doc = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Ninety-one</title>
<link>https://n.example/</link><description>x</description><language>en</language>
<item><title>Classic</title><link>https://n.example/c</link><description>Old school</description></item>
</channel></rss>"""
    assert parse_feed(doc).entries[0].content == "Old school"
    atom03 = b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom 0.3</title><link rel="alternate" href="https://a03.example/"/>
<entry><title>Early</title><link rel="alternate" href="https://a03.example/e"/><id>e1</id>
<issued>2004-02-03T04:05:06Z</issued><modified>2004-02-03T04:05:06Z</modified>
<content type="text/html" mode="escaped">&lt;p&gt;Hi&lt;/p&gt;</content></entry></feed>"""
    feed = parse_feed(atom03)
    assert feed.format == "atom" and feed.entries[0].title == "Early"
    assert feed.entries[0].link == "https://a03.example/e"
    assert feed.entries[0].published == datetime(2004, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_json_feed_10_author_and_text_only() -> None:
    doc = b"""{"version": "https://jsonfeed.org/version/1", "title": "Micro",
    "items": [{"id": 42, "content_text": "No title here & plain.", "author": {"name": "Ann"},
    "tags": ["film", "film", 3], "date_modified": "not a date"}, "junk", {"id": "x"}]}"""
    feed = parse_feed(doc)
    first, second = feed.entries
    assert first.title == "" and first.content == "No title here & plain."
    assert first.guid == "42" and first.author == "Ann" and first.categories == ("film",)
    assert first.published is None and first.updated is None
    assert second.guid == "x"


def test_max_entries() -> None:
    items = "".join(f"<item><title>T{i}</title><guid>g{i}</guid></item>" for i in range(30))
    feed = parse_feed(rss(items), max_entries=7)
    assert [e.guid for e in feed.entries] == [f"g{i}" for i in range(7)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Tue, 10 Mar 2020 08:00:00 +0900", datetime(2020, 3, 9, 23, 0, tzinfo=UTC)),
     ("2020-03-10T08:00:00Z", datetime(2020, 3, 10, 8, 0, tzinfo=UTC)),
     ("2020-03-10", datetime(2020, 3, 10, tzinfo=UTC)),
     ("10 March 2020 8:00 EST", datetime(2020, 3, 10, 13, 0, tzinfo=UTC)),
     ("Tuesday, March 10, 2020 8:00 PM PST", datetime(2020, 3, 11, 4, 0, tzinfo=UTC)),
     ("2020-03-10 08:00:00", datetime(2020, 3, 10, 8, 0, tzinfo=UTC)),
     ("yesterday-ish", None), ("", None), ("0000-00-00 00:00:00", None), ("32/13/2020", None),
     ("Sat, 14 Oct 1066 09:00:00 +0000", None), ("9" * 200, None), (None, None)],
)  # fmt: skip
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_bad_dates_never_raise_and_give_none() -> None:
    items = "".join(
        f"<item><title>t{i}</title><pubDate>{d}</pubDate></item>"
        for i, d in enumerate(["garbage", "Fri, 99 Foo 2024 99:99:99 +9999", "", "2024-02-30"])
    )
    feed = parse_feed(rss(items))
    assert len(feed.entries) == 4
    assert all(e.published is None for e in feed.entries)


def test_no_titles_anywhere() -> None:
    doc = b"""<rss version="2.0"><channel><link>https://x.example/</link>
<item><description>Only a body.</description><link>https://x.example/1</link></item>
<item></item></channel></rss>"""
    feed = parse_feed(doc)
    assert feed.title is None
    assert [(e.title, e.content, e.source) for e in feed.entries] == [("", "Only a body.", None)]


def test_cdata_and_entities() -> None:
    doc = rss(
        "<item><title><![CDATA[Tom &amp; Jerry <i>Review</i>]]></title><guid>1</guid></item>"
        "<item><title>Didn&amp;#8217;t &eacute;t&eacute; &colon; Re&colon; Done</title><guid>2</guid></item>"
        "<item><title>Rock & Roll & more</title><guid>3</guid><link>https://x.example/?a=1&b=2</link></item>"
    )
    titles = [e.title for e in parse_feed(doc).entries]
    assert titles == ["Tom & Jerry Review", "Didn’t été : Re: Done", "Rock & Roll & more"]
    assert parse_feed(doc).entries[2].link == "https://x.example/?a=1&b=2"


def test_latin1_bytes_declared_as_utf8() -> None:
    doc = rss("<item><title>Amélie — café</title><guid>1</guid></item>")
    broken = doc.replace("Amélie".encode(), "Amélie".encode("latin-1"))
    broken = broken.replace("café".encode(), "café".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        broken.decode("utf-8")
    assert parse_feed(broken).entries[0].title == "Amélie — café"


def test_declared_latin1_and_bom_and_utf16() -> None:
    latin = rss(
        "<item><title>Crème brûlée</title><guid>1</guid></item>",
        head='<?xml version="1.0" encoding="iso-8859-1"?>',
    )
    latin = latin.decode().encode("latin-1")
    assert parse_feed(latin).entries[0].title == "Crème brûlée"
    bom = codecs.BOM_UTF8 + rss("<item><title>Über</title><guid>1</guid></item>")
    assert parse_feed(bom).entries[0].title == "Über"
    text = rss(
        "<item><title>Dũng</title><guid>1</guid></item>",
        head='<?xml version="1.0" encoding="utf-16"?>',
    ).decode()
    for encoded in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        assert parse_feed(encoded).entries[0].title == "Dũng"


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"", "is empty"), (b"  \n\t ", "is empty"),
     (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
     (bytes(range(256)) * 4, "is not text"),
     (b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>", "HTML page"),
     (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>", "HTML page"),
     (b'{"name": "not a feed"}', "not a JSON Feed"), (b"[1, 2, 3]", "not a JSON Feed"),
     (b'{"version": "https://jsonfeed.org/version/1", "items": [', "not valid JSON"),
     (b"Just some words, not a feed.", "not RSS, Atom or JSON Feed"),
     (b"<?xml version='1.0'?><catalog><book/></catalog>", "not RSS, Atom or JSON Feed")],
)  # fmt: skip
def test_not_a_feed(data: bytes, words: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(data, url="https://where.example/feed")
    message = str(caught.value)
    assert words in message and message.startswith("Not a feed: https://where.example/feed")
    assert "\n" not in message


def test_too_large() -> None:
    data = RSS + b" " * (MAX_DOCUMENT_BYTES + 1 - len(RSS))
    with pytest.raises(FeedError, match="over the 20 MB limit"):
        parse_feed(data)


def test_str_is_refused() -> None:
    with pytest.raises(TypeError):
        parse_feed("https://example.com/feed")  # type: ignore[arg-type]


def test_bytes_naming_a_file_are_not_opened(tmp_path: Path) -> None:
    # feedparser.parse(bytes) opens a file of that name; parse_feed must never let it.
    target = tmp_path / "feed.xml"
    target.write_bytes(RSS)
    with pytest.raises(FeedError, match="Not a feed"):
        parse_feed(str(target).encode())


def test_external_entities_read_neither_files_nor_network(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>a &x; b</title>'
        "<description>&x;</description><guid>1</guid></item></channel></rss>"
    ).encode()
    entry = parse_feed(doc).entries[0]
    assert "TOPSECRET" not in entry.title + entry.content + entry.summary


async def test_external_dtd_and_entities_are_not_fetched(feed_server) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    dtd = feed_server.url("/evil.dtd")
    docs = [
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{dtd}"><rss version="2.0"><channel>'
        "<title>t</title><item><title>a</title></item></channel></rss>",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{dtd}">]><rss version="2.0">'
        "<channel><title>t</title><item><title>a &x;</title></item></channel></rss>",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd}"> %p;]><rss version="2.0">'
        "<channel><title>t</title><item><title>a</title></item></channel></rss>",
        # a str that is a URL must never reach a parser; as bytes it is simply not a feed
        dtd,
    ]
    outcomes = []
    for doc in docs:
        try:
            outcomes.append(len((await asyncio.to_thread(parse_feed, doc.encode())).entries))
        except FeedError:
            outcomes.append(-1)
    assert outcomes == [1, 1, 1, -1]
    assert feed_server.hits == {}


def test_billion_laughs_is_not_expanded() -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>t</title><item><title>&l9;</title><guid>1</guid></item></channel></rss>"
    ).encode()
    feed = parse_feed(doc)
    assert len(feed.entries[0].title) < 1000


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_feed_error(data: bytes) -> None:
    try:
        parse_feed(data)
    except FeedError as error:
        assert str(error).startswith("Not a feed")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="<>&;!?[]/=\"' abcxyzCDATA-", max_size=300))
def test_markup_soup_parse_or_feed_error(soup: str) -> None:
    data = rss(f"<item><title>{soup}</title></item>") if soup[:1] != "<" else soup.encode()
    try:
        parse_feed(data)
    except FeedError as error:
        assert str(error).startswith("Not a feed")


def test_feedparser_fallback_only_for_small_documents() -> None:
    from bot.feeds.parse import FALLBACK_MAX_BYTES

    old = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title></channel>
<item><title>Old item</title><link>https://old.example/1</link></item>PAD</rdf:RDF>"""
    assert parse_feed(old.replace(b"PAD", b"")).parser == "feedparser"
    padded = old.replace(b"PAD", b" " * FALLBACK_MAX_BYTES)
    big = parse_feed(padded)  # too big for the fallback: the fast parser's (empty) reading stands
    assert (big.parser, big.entries) == ("fastfeedparser", ())
    junk = b"<?xml version='1.0'?><catalog>" + b" " * FALLBACK_MAX_BYTES + b"<item/></catalog>"
    with pytest.raises(FeedError, match="not RSS, Atom or JSON Feed"):
        parse_feed(junk)


def test_many_stray_ampersands_and_entries_stay_bounded() -> None:
    # Hostile shapes that once cost seconds: they must still give a result or a FeedError.
    stray = rss("<item><title>" + "& " * 300_000 + "</title><guid>1</guid></item>")
    assert len(parse_feed(stray).entries) <= 1
    many = rss("".join(f"<item><title>t{i}</title></item>" for i in range(5000)))
    assert len(parse_feed(many, max_entries=3).entries) == 3
