"""extract() never raises and always returns a valid Extraction, whatever the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract import clean_text, content_hash, entry_from_html, entry_from_text, extract
from bot.models import Extraction, FeedEntry

TAGS = ["<p>", "</p>", "<br>", "<div class='x'>", "</div>", "<em>", "</em>", "<script>", "</script>",
        "<style>", "<!--", "-->", "<a href=\"http://x\">", "</a>", "<", ">", "<h1>", "</h1>"]  # fmt: skip
BITS = ["&amp;", "&#8217;", "&rsquo;", "&bogus;", "&#x2605;", "★", "½", "***", "(", "[", "'", '"',
        "Review:", " review ", "Rating: 3.5/5", " aka ", " as ", " plays ", " starrer ", "Cast: ",
        "Also Read: ", " (2019)", "Season 2", "#2", "Kim Ji-won", "Demian", "K", "\n", " "]  # fmt: skip


@st.composite
def htmlish(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(st.sampled_from(TAGS), st.sampled_from(BITS), st.text(max_size=12)),
            max_size=60,
        )
    )
    return "".join(parts)


def _valid(x: Extraction) -> None:
    assert isinstance(x, Extraction)
    assert isinstance(x.is_review, bool)
    assert x.rating is None or 0 <= x.rating <= 5
    assert all(c.name for c in x.cast)
    assert x.title is None or isinstance(x.title, str)
    assert isinstance(x.to_json(), dict)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.text(max_size=2000))
def test_arbitrary_text(headline: str, body: str) -> None:
    _valid(extract(FeedEntry(title=headline, content=body)))
    _valid(extract(entry_from_text(headline + "\n" + body)))


@settings(max_examples=150, deadline=None)
@given(htmlish(), htmlish())
def test_arbitrary_htmlish(headline: str, body: str) -> None:
    _valid(extract(FeedEntry(title=headline, content=body), known_people={"Kim Ji-won": ["KJW"]}))
    assert isinstance(clean_text(body), str)
    assert len(content_hash(FeedEntry(title=headline, content=body))) == 64
    _valid(extract(entry_from_html(body)))


def test_pathological_inputs_finish() -> None:
    for body in ("(" * 100_000, "[[[" * 40_000, "<" * 100_000, "a " * 500_000, "Kim " * 200_000):
        _valid(extract(FeedEntry(title="X Review: " + body[:1000], content=body)))
    one_line = ("Rajkummar Rao plays Vicky as the tailor (Shraddha Kapoor) aka K " * 16_000)[
        :1_000_000
    ]
    _valid(extract(FeedEntry(title="Stree 2 Review", content=one_line)))
