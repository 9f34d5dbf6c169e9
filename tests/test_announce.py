"""Announcement templates, filters, nonces and the mention policy (bot.announce)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.announce import (
    DEFAULT_TEMPLATE,
    MESSAGE_MAX,
    NONCE_MAX,
    PLACEHOLDERS,
    SAMPLE,
    AnnouncementData,
    FeedFilter,
    announcement_mentions,
    announcement_nonce,
    check_regex,
    neutralise,
    parse_filter_spec,
    parse_template,
    preview,
    render_announcement,
    safe_url,
)
from bot.errors import StorageError, UsageError
from bot.models import CastMember, Extraction, FeedEntry

ZW = "\u200b"


def extraction(**changes: object) -> Extraction:
    base = Extraction(
        headline="Review: Moonlit Harbour",
        is_review=True,
        title="Moonlit Harbour",
        cast=(CastMember("Han Ji-woo", "Seo-yeon"), CastMember("Lee Dae-ho")),
        director="Kim Min-jae",
        rating=3.5,
        summary="A patient mystery.",
        source="Drama Notes",
        url="https://dramanotes.example/moonlit-harbour",
        published=datetime(2024, 3, 5, 23, 30, tzinfo=UTC),
        categories=("Korean Drama", "Reviews"),
        kind="series",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def data(**changes: object) -> AnnouncementData:
    return replace(AnnouncementData.from_extraction(extraction()), **changes)  # type: ignore[arg-type]


def no_live_mention(text: str) -> bool:
    """No @everyone/@here/<@id>/<@&id>/<#id> that Discord would parse."""
    return not re.search(r"@(everyone|here)|<@!?&?\d+>|<#\d+>", text)


# --------------------------------------------------------------------------- every placeholder


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("title", "Moonlit Harbour"),
        ("work", "Moonlit Harbour (series)"),
        ("headline", "Review: Moonlit Harbour"),
        ("url", "https://dramanotes.example/moonlit-harbour"),
        ("rating", "3.5/5"),
        ("stars", "★★★½☆"),
        ("cast", "Han Ji-woo, Lee Dae-ho"),
        ("director", "Kim Min-jae"),
        ("summary", "A patient mystery."),
        ("source", "Drama Notes"),
        ("published", "5 Mar 2024"),
    ],
)
def test_every_placeholder_inserts_its_value(placeholder: str, expected: str) -> None:
    assert parse_template(f"[{{{placeholder}}}]").render(data()) == f"[{expected}]"


def test_placeholder_table_is_complete() -> None:
    assert set(PLACEHOLDERS) == {"title", "work", "url", "rating", "stars", "cast", "director",
                                 "summary", "source", "published", "headline", "mention"}  # fmt: skip


def test_mention_placeholder_and_front_mention() -> None:
    d = data(mention="<@&456>")
    assert parse_template("{mention} new: {title}").render(d) == "<@&456> new: Moonlit Harbour"
    # a template without {mention} gets the allowed mention in front
    assert parse_template("new: {title}").render(d) == "<@&456> new: Moonlit Harbour"
    # without a mention the line is tidy
    assert parse_template("{mention} new: {title}").render(data()) == "new: Moonlit Harbour"


def test_mention_text_that_is_not_a_role_mention_is_neutralised() -> None:
    text = parse_template("{mention} {title}").render(data(mention="@everyone"))
    assert no_live_mention(text)
    assert "@everyone" not in text


def test_published_uses_time_zone() -> None:
    late = extraction(published=datetime(2024, 3, 5, 23, 30, tzinfo=UTC))
    seoul = AnnouncementData.from_extraction(late, tz="Asia/Seoul")
    assert parse_template("{published}").render(seoul) == "6 Mar 2024"
    assert (
        parse_template("{published}").render(AnnouncementData.from_extraction(late)) == "5 Mar 2024"
    )
    minus = AnnouncementData.from_extraction(late, tz=timezone(timedelta(hours=-5)))
    assert minus.published is not None and minus.published.utcoffset() == timedelta(hours=-5)
    bogus = AnnouncementData.from_extraction(late, tz="Not/AZone")
    assert bogus.published == late.published
    naive_ex = extraction(published=datetime(2024, 3, 5, 23, 30))  # no zone: read as UTC
    naive = AnnouncementData.from_extraction(naive_ex, tz="Asia/Seoul")
    assert naive.published is not None and naive.published.hour == 8


def test_from_extraction_fills_gaps_from_entry() -> None:
    ex = extraction(summary="", url=None, source=None, published=None)
    entry = FeedEntry(title="T", link="https://a.example/x", summary="<p>From the <b>feed</b>.</p>",
                      source="Feed Site", published=datetime(2024, 1, 2, tzinfo=UTC))  # fmt: skip
    d = AnnouncementData.from_extraction(ex, entry, mention="<@&1>")
    assert (d.summary, d.url, d.source, d.mention) == ("From the feed.", "https://a.example/x",
                                                      "Feed Site", "<@&1>")  # fmt: skip
    assert d.published == datetime(2024, 1, 2, tzinfo=UTC)


def test_lines_with_only_empty_placeholders_are_dropped() -> None:
    d = data(rating=None, director=None, cast=())
    text = parse_template(
        "{headline}\nRated {stars} {rating}\nBy {director}\n{cast}\n{url}"
    ).render(d)
    assert text == "Review: Moonlit Harbour\nhttps://dramanotes.example/moonlit-harbour"


def test_odd_ratings_are_clamped_or_dropped() -> None:
    t = parse_template("{stars} {rating}|{title}")
    assert t.render(data(rating=float("nan"))) == "|Moonlit Harbour"
    assert t.render(data(rating=7.0)) == "★★★★★ 5/5|Moonlit Harbour"
    assert t.render(data(rating=-1.0)) == "☆☆☆☆☆ 0/5|Moonlit Harbour"


def test_cast_is_shortened_after_six_names() -> None:
    d = data(cast=tuple(f"Actor {n}" for n in range(9)))
    assert parse_template("{cast}").render(d).endswith("Actor 5 +3 more")


def test_default_template_and_preview() -> None:
    text = preview()
    assert "Moonlit Harbour" in text and "★★★★☆ 4/5" in text and SAMPLE.url in text
    assert text.startswith("@" + ZW + "role")  # the preview never pings
    assert render_announcement(None, data()) == parse_template(DEFAULT_TEMPLATE).render(data())
    assert render_announcement("{nonsense}", data()) == render_announcement(None, data())
    assert preview("**{title}** <{url}>") == f"**Moonlit Harbour** <{SAMPLE.url}>"
    with pytest.raises(UsageError):
        preview("{titel}")


# --------------------------------------------------------------------------- template errors


def message_of(text: str) -> str:
    with pytest.raises(UsageError) as info:
        parse_template(text)
    return str(info.value)


def test_unknown_placeholder_suggests_the_closest() -> None:
    msg = message_of("New: {ratng}")
    assert "Unknown placeholder {ratng}" in msg and "did you mean {rating}?" in msg
    assert all("{" + name + "}" in msg for name in PLACEHOLDERS)  # lists the known ones
    assert "did you mean" not in message_of("{zzzzqqq}")


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{title.__init__}", "plain names"),
        ("{title.__class__}", "Write {title}"),
        ("{0}", "Positional"),
        ("{}", "empty placeholder"),
        ("{title:>10}", "format specs"),
        ("{title!r}", "conversions"),
        ("{title[0]}", "indexes"),
        ("{title", "never closed"),
        ("title}", "closes nothing"),
        ("{ti{tle}}", "nested"),
        ("{{title}}", "no placeholder"),
        ("x" * 10_000, "limit is 1,000"),
        ("", "empty"),
        ("@everyone {title}", "{mention}"),
        ("hey @here {title}", "{mention}"),
        ("<@123> {title}", "{mention}"),
        ("<@&456> {title}", "{mention}"),
    ],
)
def test_hostile_templates_are_refused_with_a_reason(template: str, words: str) -> None:
    assert words in message_of(template)


def test_escaped_braces_and_spacing() -> None:
    assert parse_template("{{x}} { Title } }}").render(data()) == "{x} Moonlit Harbour }"
    assert parse_template("{title}\\n{url}").render(data()).count("\n") == 1  # \n typed in chat


def test_template_never_runs_python_formatting() -> None:
    t = parse_template("{title} {{0.__class__}}")
    hostile = data(title="{0.__class__} {headline}")
    assert t.render(hostile) == "{0.\\_\\_class\\_\\_} {headline} {0.__class__}"


# --------------------------------------------------------------------------- injection


@pytest.mark.parametrize(
    "evil", ["@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "<#789>", "@\u200beveryone"]
)
def test_mentions_in_feed_text_are_neutralised(evil: str) -> None:
    d = data(headline=f"Hi {evil}", title=evil, summary=f"{evil} x", source=evil, director=evil,
             cast=(evil,), url=f"https://x.example/{evil}")  # fmt: skip
    text = parse_template("{headline} {title} {summary} {source} {director} {cast} {url}").render(d)
    assert no_live_mention(text)


def test_concatenation_cannot_build_a_mention() -> None:
    assert no_live_mention(parse_template("@{title}").render(data(title="everyone")))
    assert no_live_mention(parse_template("<{title}").render(data(title="#789>")))
    assert no_live_mention(parse_template("<{title}").render(data(title="@&456>")))


def test_markdown_in_feed_text_is_escaped() -> None:
    d = data(title="**bold** _it_ ~~s~~ `code` ||spoil|| > q [link](https://evil.example)")
    text = parse_template("{title}").render(d)
    assert text == (
        "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`code\\` \\|\\|spoil\\|\\| \\> q "
        "\\[link\\](https://evil.example)"
    )
    assert parse_template("{title}").render(data(title="# Huge")) == "\\# Huge"
    assert parse_template("{title}").render(data(title="a\nb\r\n\u202ec")) == "a b c"


def test_neutralise_and_safe_url() -> None:
    assert neutralise("@everyone") == "@" + ZW + "everyone"
    assert neutralise("<#1>") == "<" + ZW + "#1\\>"
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("https://user:pw@Example.com/a b/@me?q=<x>") == (
        "https://example.com/a%20b/%40me?q=%3Cx%3E"
    )
    assert safe_url("https://x.example/" + "a" * 2000) == ""
    assert safe_url(None) == ""


# --------------------------------------------------------------------------- 2,000 characters


def test_long_summary_is_cut_at_a_word_and_long_url_kept_whole() -> None:
    url = "https://reviews.example/" + "very-long-slug-" * 60 + "end"
    summary = " ".join(f"word{n}" for n in range(1500))
    text = parse_template(DEFAULT_TEMPLATE).render(data(url=url, summary=summary))
    assert len(text) <= MESSAGE_MAX
    assert url in text.split("\n")
    summary_line = next(line for line in text.split("\n") if line.startswith("> "))
    assert summary_line.endswith("…")
    assert all(re.fullmatch(r"word\d+", w) for w in summary_line[2:-1].split())


def test_url_that_cannot_fit_is_left_out_not_cut() -> None:
    url = "https://reviews.example/" + "x" * 900
    text = parse_template("{title}\n{url} {url} {url}").render(data(url=url))
    assert text == "Moonlit Harbour"  # no cut link either
    assert parse_template("{url} {url}").render(data(url=url)) == f"{url} {url}"


def test_every_long_field_shrinks_to_fit() -> None:
    long = "lorem ipsum " * 400
    d = data(headline=long, title=long, summary=long, source=long, director=long,
             cast=tuple(long for _ in range(8)))  # fmt: skip
    template = parse_template(
        "{headline}\n{title}\n{work}\n{summary}\n{cast}\n{director}\n{source}\n{url}"
    )
    text = template.render(d)
    assert len(text) <= MESSAGE_MAX
    assert text.endswith(d.url or "")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_template_text_parses_or_is_a_usage_error(text: str) -> None:
    try:
        template = parse_template(text)
    except UsageError as exc:
        assert str(exc)
    else:
        assert template.names


feed_text = st.text(
    alphabet=st.sampled_from([*"@everyone here <>#&!*_~`|\\[]()-:/\n 0123456789abc", "\u200b"]),
    max_size=3000,
)


@settings(max_examples=150, deadline=None)
@given(
    template=st.lists(
        st.sampled_from(["{" + n + "}" for n in PLACEHOLDERS] + ["@", "<", " ", "x"]),
        min_size=1,
        max_size=30,
    ).map("".join),
    headline=feed_text,
    summary=feed_text,
    title=feed_text,
    url=st.one_of(st.none(), feed_text.map(lambda s: "https://x.example/" + s)),
)
def test_render_never_exceeds_limit_or_pings(
    template: str, headline: str, summary: str, title: str, url: str | None
) -> None:
    try:
        parsed = parse_template(template)
    except UsageError:
        return
    text = parsed.render(data(headline=headline, summary=summary, title=title, url=url,
                              cast=(title, headline)))  # fmt: skip
    assert len(text) <= MESSAGE_MAX
    assert "@everyone" not in text and "@here" not in text
    assert no_live_mention(text)


# --------------------------------------------------------------------------- filters


def test_filter_syntax_full_example() -> None:
    f = parse_filter_spec('include:korean,k-drama exclude:trailer,"box office" reviews-only '
                          "regex:/season \\d+/i")  # fmt: skip
    assert f == FeedFilter(include=("korean", "k-drama"), exclude=("trailer", "box office"),
                           regex="season \\d+", ignore_case=True, reviews_only=True)  # fmt: skip
    assert parse_filter_spec(f.to_spec()) == f
    assert FeedFilter.from_json(f.to_json()) == f
    assert "Reviews only" in f.describe()


def test_filter_syntax_variants() -> None:
    assert parse_filter_spec("regex:season\\d+").regex == "season\\d+"
    assert parse_filter_spec("regex:/Season/").ignore_case is False
    assert parse_filter_spec("regex:/a/b c/i").regex == "a/b c"
    assert parse_filter_spec("fields:summary,cast include:x").fields == ("summary", "cast")
    assert parse_filter_spec("clear") == FeedFilter()
    assert parse_filter_spec("clear").is_empty
    assert parse_filter_spec("include:a include:b,A").include == ("a", "b")
    slash = parse_filter_spec("regex:/a\\/ b/i")
    assert slash.regex == "a/ b" and parse_filter_spec(slash.to_spec()) == slash


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("korean", "include:korean"),
        ("include:", "at least one word"),
        ("colour:red", "Unknown filter part"),
        ('include:"open', "never closed"),
        ("regex:/a/x", "Unknown regex flag"),
        ("regex:/a/ regex:/b/", "Only one regex"),
        ("fields:plot include:x", "Unknown field"),
        ("clear include:x", "cannot be combined"),
        ("regex:/(/", "does not compile"),
        ("include:" + "x" * 61, "longer than"),
        ("include:" + ",".join(f"w{n}" for n in range(26)), "At most 25"),
    ],
)
def test_filter_mistakes_explain_with_an_example(spec: str, words: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_filter_spec(spec)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", "(a*)*b", "(\\w+\\s?)*$", "(a|aa)+$", ".*.*x", ".+ .+ .+!", "(x)\\1",
     "(?P<n>a)(?P=n)", "(?:a{2,})+", "a" * 201],
)  # fmt: skip
def test_dangerous_regexes_are_refused(pattern: str) -> None:
    with pytest.raises(UsageError):
        check_regex(pattern)


@pytest.mark.parametrize(
    "pattern", ["season \\d+", "(korean|japanese) drama", "^review:", "x.*y", "(ab)+"]
)
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    assert check_regex(pattern).pattern == pattern


def test_accepted_regex_runs_on_bounded_text() -> None:
    # a pattern the heuristic accepts still runs on bounded text: check it returns promptly
    code = (
        "from bot.announce import parse_filter_spec\n"
        "from bot.models import Extraction\n"
        "f = parse_filter_spec('regex:/x.*y.*z$/ fields:summary')\n"
        "print(f.matches(Extraction(headline='h', is_review=True, title=None, summary='xy' * 50000)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_filter_matching() -> None:
    korean = extraction(headline="Review: The K-Drama of the year", categories=("Korean Drama",))
    trailer = extraction(
        headline="Moonlit Harbour trailers are out", is_review=False, categories=()
    )
    f = parse_filter_spec("include:korean,k-drama exclude:trailer")
    assert f.matches(korean)
    assert not f.matches(trailer)  # "trailer" matches "trailers" at the word start
    assert not f.matches(extraction(headline="Nothing here", categories=()))
    assert not parse_filter_spec("include:rea").matches(extraction(headline="Korea", categories=()))
    assert parse_filter_spec("include:kore").matches(extraction(headline="Korea", categories=()))
    assert parse_filter_spec("include:cafe").matches(
        extraction(headline="Café Review", categories=())
    )
    assert not parse_filter_spec("reviews-only").matches(trailer)
    assert parse_filter_spec("reviews-only").matches(korean)
    assert not parse_filter_spec("reviews-only").matches(None, FeedEntry(title="x"))
    assert FeedFilter().matches(trailer)


def test_filter_fields_and_entry_text() -> None:
    entry = FeedEntry(title="Kingdom Season 2", categories=("Netflix",), summary="zombies again")
    ex = extraction(headline="Review: Kingdom", categories=(), summary="")
    assert parse_filter_spec("regex:/season \\d+/i").matches(ex, entry)
    assert not parse_filter_spec("regex:/SEASON \\d+/").matches(ex, entry)
    assert parse_filter_spec("include:netflix").matches(ex, entry)
    assert not parse_filter_spec("include:zombies").matches(ex, entry)  # summary not looked at
    assert parse_filter_spec("include:zombies fields:summary").matches(ex, entry)
    assert parse_filter_spec("include:min-jae fields:cast").matches(ex, entry)
    assert parse_filter_spec("exclude:drama fields:source").matches(ex, entry) is False


def test_stored_filter_damage_is_a_storage_error() -> None:
    assert FeedFilter.from_json(None) == FeedFilter()
    for bad in ["{", "[]", json.dumps({"include": "korean"}), json.dumps({"regex": "(a+)+"}),
                json.dumps({"fields": ["plot"]})]:  # fmt: skip
        with pytest.raises(StorageError):
            FeedFilter.from_json(bad)


@settings(max_examples=100, deadline=None)
@given(
    include=st.lists(
        st.text(alphabet="abc -é", min_size=1, max_size=8).filter(str.strip), max_size=4
    ),
    exclude=st.lists(
        st.text(alphabet="xyz,\"'", min_size=1, max_size=6).filter(str.strip), max_size=3
    ),
    reviews_only=st.booleans(),
)
def test_filter_spec_round_trips(
    include: list[str], exclude: list[str], reviews_only: bool
) -> None:
    exclude = [w.replace('"', "") for w in exclude if w.replace('"', "").strip(" ,")]
    try:
        f = parse_filter_spec(
            FeedFilter(tuple(include), tuple(exclude), reviews_only=reviews_only).to_spec()
        )
    except UsageError:
        return
    assert parse_filter_spec(f.to_spec()) == f
    assert FeedFilter.from_json(f.to_json()) == f


# --------------------------------------------------------------------------- nonce and mentions


def test_nonce_is_deterministic_short_and_distinct() -> None:
    a = announcement_nonce(123456789012345678, 42)
    assert a == announcement_nonce(123456789012345678, 42)
    assert len(a) <= NONCE_MAX == 25
    assert re.fullmatch(r"[0-9a-z]+", a)
    assert len(announcement_nonce(2**64 - 1, 2**63 - 1)) <= 25
    nonces = {announcement_nonce(c, r) for c in range(1, 60) for r in range(1, 60)}
    assert len(nonces) == 59 * 59
    assert announcement_nonce(1, 23) != announcement_nonce(12, 3)


def test_nonce_is_stable_across_processes() -> None:
    code = "from bot.announce import announcement_nonce; print(announcement_nonce(987654321, 77))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"PYTHONHASHSEED": "12345"})  # fmt: skip
    assert out.stdout.strip() == announcement_nonce(987654321, 77)


def test_mention_policy_only_pings_allowed_roles() -> None:
    assert announcement_mentions((10, 20), 20) == ("<@&20>", (20,))
    assert announcement_mentions((10, 20), 30) == ("", ())
    assert announcement_mentions((), 20) == ("", ())
    assert announcement_mentions((10, 20), None) == ("", ())
    assert announcement_mentions((5,), 5, guild_id=5) == ("", ())  # the @everyone role
    assert announcement_mentions((0,), 0) == ("", ())
    prefix, roles = announcement_mentions([77], 77)
    text = parse_template("{mention} {title}").render(data(mention=prefix))
    assert text.startswith("<@&77> ") and roles == (77,)
