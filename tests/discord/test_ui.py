"""cogs/ui.py: cards -> embeds within Discord's limits, select options, announcement mentions."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.announce import announcement_mentions
from bot.render import (
    DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    TITLE_MAX,
    TOTAL_MAX,
    Card,
    Field,
)
from bot.settings import GuildSettings
from cogs.delivery import announcement_allowed_mentions
from cogs.ui import (
    SELECT_OPTIONS_MAX,
    SELECT_TEXT_MAX,
    card_to_embed,
    fit_card,
    fit_content,
    option_choice,
    safe_url,
    select_options,
)

LINK = "https://example.invalid/" + "a" * 60


def embed_size(embed: discord.Embed) -> int:
    return len(embed)  # discord.py counts title, description, fields, footer and author


def test_oversized_card_fits_every_limit() -> None:
    words = " ".join(f"word{i}" for i in range(3000))
    card = Card(
        title=words,
        description=words + " " + LINK,
        url="https://example.invalid/x",
        fields=tuple(Field(words, words) for _ in range(40)),
        footer=words,
    )
    embed = card_to_embed(card)
    assert len(embed.title or "") <= TITLE_MAX
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert len(embed.fields) <= FIELDS_MAX
    assert all(len(f.value or "") <= FIELD_VALUE_MAX for f in embed.fields)
    assert embed_size(embed) <= TOTAL_MAX


def test_cuts_between_words_and_never_inside_a_link() -> None:
    text = ("lorem ipsum " * 400) + LINK + " tail"
    fitted = fit_card(Card("t", text[: DESCRIPTION_MAX + 500]))
    body = fitted.description
    assert len(body) <= DESCRIPTION_MAX
    assert body.endswith("…")
    last = body[:-1].split()[-1]
    assert last in ("lorem", "ipsum") or last == LINK  # a whole word, never half of one
    long_link = Card("t", "see " + "https://example.invalid/" + "b" * 5000)
    assert "https://" not in fit_card(long_link).description  # dropped whole, not cut


def test_unsafe_urls_are_dropped() -> None:
    assert safe_url("https://example.invalid/a") == "https://example.invalid/a"
    for bad in ("javascript:alert(1)", "ftp://x", "https://x y", "", None, "https://" + "a" * 3000):
        assert safe_url(bad) is None
    assert card_to_embed(Card("t", url="not a url")).url is None


def test_select_options_limits() -> None:
    choices = [f"Title {i} " + "x" * 150 for i in range(40)]
    options = select_options(choices)
    assert len(options) == SELECT_OPTIONS_MAX
    assert all(len(o.label) <= SELECT_TEXT_MAX for o in options)
    values = [o.value for o in options]
    assert len(set(values)) == SELECT_OPTIONS_MAX and all(len(v) <= SELECT_TEXT_MAX for v in values)
    assert [option_choice(v) for v in values] == [
        c[: SELECT_TEXT_MAX - len(f"{i}:")] for i, c in enumerate(choices[:SELECT_OPTIONS_MAX])
    ]
    twins = select_options(["Animal", "Animal"])  # same label twice: values still differ
    assert twins[0].value != twins[1].value
    assert [option_choice(o.value) for o in twins] == ["Animal", "Animal"]
    assert option_choice("7") is None and option_choice("x:Animal") is None


def test_content_is_cut_to_2000() -> None:
    assert len(fit_content("word " * 1000)) <= 2000


def test_announcement_mentions_only_allowed_roles() -> None:
    settings = GuildSettings(mention_role_ids=(5, 6))
    _, nobody = announcement_mentions(GuildSettings().mention_role_ids, 6)
    none = announcement_allowed_mentions(nobody).to_dict()
    assert none["parse"] == [] and not none.get("roles")
    _, roles = announcement_mentions(settings.mention_role_ids, 6)
    allowed = announcement_allowed_mentions(roles).to_dict()
    assert allowed["parse"] == []  # never @everyone/@here or users
    assert allowed["roles"] == [6]
    assert announcement_mentions(settings.mention_role_ids, 7) == ("", ())


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(max_size=400),
    description=st.text(max_size=6000),
    fields=st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30),
    footer=st.none() | st.text(max_size=2500),
)
def test_any_card_fits(
    title: str, description: str, fields: list[tuple[str, str]], footer: str | None
) -> None:
    card = Card(title, description, fields=tuple(Field(n, v) for n, v in fields), footer=footer)
    embed = card_to_embed(card)
    assert embed_size(embed) <= TOTAL_MAX
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert all(
        len(f.name or "") <= 256 and len(f.value or "") <= FIELD_VALUE_MAX for f in embed.fields
    )
