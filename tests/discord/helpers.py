"""Small helpers shared by the Discord end-to-end tests."""

from __future__ import annotations

from typing import Any

from bot.render import Card
from cogs.paging import parse_page_id
from cogs.ui import card_to_embed
from tests.fakediscord import FakeDiscord, InteractionRecord

JSON = dict[str, Any]


async def ask(fake: FakeDiscord, content: str, *, n: int = 1, **where: Any) -> list[JSON]:
    """Post ``content`` as a user and wait for ``n`` bot messages after it in the same channel."""
    message = await fake.say(content, **where)
    return await fake.wait_for_messages(int(message["channel_id"]), n, after=message)


async def ask_one(fake: FakeDiscord, content: str, **where: Any) -> JSON:
    """The bot's first message after ``content``."""
    return (await ask(fake, content, **where))[0]


async def slash(
    fake: FakeDiscord, name: str, options: JSON | None = None, **kw: Any
) -> InteractionRecord:
    """Invoke a slash command and wait until the user can read the answer."""
    record = await fake.slash(name, options, **kw)
    return await fake.wait_for_interaction_response(record)


def request_for(fake: FakeDiscord, message: JSON) -> JSON:
    """The JSON body the bot POSTed to create ``message`` (matched by nonce)."""
    for request in fake.requests:
        body = request.json
        if (
            request.method == "POST"
            and request.path.endswith("/messages")
            and isinstance(body, dict)
            and body.get("nonce") is not None
            and str(body.get("nonce")) == str(message.get("nonce"))
        ):
            return body
    raise AssertionError(f"no recorded request created message {message.get('id')}")


def embed_of(message: JSON) -> JSON:
    embeds = message.get("embeds") or []
    assert len(embeds) == 1, f"expected one embed, got {len(embeds)}: {message.get('content')!r}"
    return dict(embeds[0])


def same_embed(sent: JSON, card: Card) -> bool:
    """Whether a sent embed shows exactly ``card`` (title, description, fields, footer)."""
    expected = card_to_embed(card).to_dict()
    keys = ("title", "description", "url")
    if any(sent.get(k) != expected.get(k) for k in keys):
        return False
    fields = [(f["name"], f["value"]) for f in sent.get("fields", [])]
    if fields != [(f["name"], f["value"]) for f in expected.get("fields", [])]:
        return False
    return (sent.get("footer") or {}).get("text") == (expected.get("footer") or {}).get("text")


def custom_ids(message: JSON) -> list[str]:
    """custom_id of every component of a message."""
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


def component(message: JSON, custom_id: str) -> JSON:
    for row in message.get("components", []):
        for c in row["components"]:
            if c.get("custom_id") == custom_id:
                return dict(c)
    raise AssertionError(f"no component {custom_id!r}")


PAGE_SLOTS = {"p": "prev", "x": "pos", "n": "next"}


def page_buttons(message: JSON) -> list[str]:
    """The page buttons of a message in order ("prev", "pos", "next"); other components are skipped."""
    out = []
    for cid in custom_ids(message):
        parsed = parse_page_id(cid)
        if parsed is not None:
            out.append(PAGE_SLOTS[parsed[0]])
    return out


def page_button(message: JSON, which: str) -> str:
    """The custom_id of a message's "prev", "pos" or "next" page button."""
    for cid in custom_ids(message):
        parsed = parse_page_id(cid)
        if parsed is not None and PAGE_SLOTS[parsed[0]] == which:
            return cid
    raise AssertionError(f"no {which!r} page button on message {message.get('id')}")


async def turn(fake: FakeDiscord, message: JSON | int, which: str, **kw: Any) -> InteractionRecord:
    """Press the current "prev"/"next" button of ``message`` (as stored now) and wait for the answer."""
    current = fake.message_index[message if isinstance(message, int) else int(message["id"])]
    record = await fake.click(current, page_button(current, which), **kw)
    return await fake.wait_for_interaction_response(record)


def choice_id(message: JSON) -> str:
    """The custom_id of a message's "which one did you mean" select."""
    ids = [cid for cid in custom_ids(message) if cid.startswith("rb:pick:")]
    assert len(ids) == 1, ids
    return ids[0]


def option_value(select: JSON, index: int) -> str:
    """The value of a select's option ``index`` (what a click sends)."""
    return str(select["options"][index]["value"])
