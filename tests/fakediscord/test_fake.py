"""End-to-end tests of FakeDiscord with a real discord.py bot over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord, InteractionRecord
from tests.fakediscord.fixtures import DEFAULT_TOKEN, make_bot, point_discord_at, running_bot

WORDS = ["pong", "ping", "parasite", "paprika", "oldboy"]
GENRES = ["drama", "horror", "comedy"]


class PickView(discord.ui.View):
    """A button that answers ephemerally and a select that edits the message."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Like", custom_id="like")
    async def like(
        self, interaction: discord.Interaction, button: discord.ui.Button[PickView]
    ) -> None:
        await interaction.response.send_message(f"liked by {interaction.user.name}", ephemeral=True)

    @discord.ui.select(
        custom_id="genre", options=[discord.SelectOption(label=g, value=g) for g in GENRES]
    )
    async def genre(
        self, interaction: discord.Interaction, select: discord.ui.Select[PickView]
    ) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}")


class Throwaway(commands.Cog):
    """The commands the tests drive."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.seen: list[discord.Message] = []

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author != self.bot.user:
            self.seen.append(message)

    @commands.hybrid_command(name="ping", description="Answer pong")
    @app_commands.describe(word="A word to echo")
    async def ping(self, ctx: commands.Context[commands.Bot], word: str = "pong") -> None:
        await ctx.send(f"pong {word}")

    @ping.autocomplete("word")
    async def word_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=w, value=w) for w in WORDS if w.startswith(current.lower())
        ]

    @commands.hybrid_command(name="slow", description="Defer, then answer")
    async def slow(self, ctx: commands.Context[commands.Bot], private: bool = False) -> None:
        await ctx.defer(ephemeral=private)
        await asyncio.sleep(0.05)
        await ctx.send("done slowly", ephemeral=not private)  # ignored: the defer decides
        await ctx.send("one more", ephemeral=True)

    @commands.command()
    async def menu(self, ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send("pick one", view=PickView())

    @commands.command()
    async def everyone(self, ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send("@everyone hi", allowed_mentions=discord.AllowedMentions.none())


class Config(app_commands.Group):
    """A command group, to prove subcommand paths."""

    def __init__(self) -> None:
        super().__init__(name="cfg", description="Settings")

    @app_commands.command(name="set", description="Set a number")
    async def set_(self, interaction: discord.Interaction, key: str, value: int) -> None:
        await interaction.response.send_message(f"{key}={value * 2}")


@app_commands.command(name="whois", description="Resolve typed options")
async def whois(
    interaction: discord.Interaction,
    who: discord.Member,
    where: discord.TextChannel,
    role: discord.Role,
) -> None:
    await interaction.response.send_message(f"{who.name} in #{where.name} as {role.name}")


class ThrowawayBot(commands.Bot):
    async def setup_hook(self) -> None:
        await self.add_cog(Throwaway(self))
        self.tree.add_command(Config())
        self.tree.add_command(whois)
        await self.tree.sync()

    @property
    def cog(self) -> Throwaway:
        cog = self.get_cog("Throwaway")
        assert isinstance(cog, Throwaway)
        return cog


def new_bot(*, message_content: bool = True) -> ThrowawayBot:
    intents = discord.Intents.default()
    intents.message_content = message_content
    return ThrowawayBot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[ThrowawayBot]:
    client = new_bot()
    async with running_bot(fake, client):
        yield client


async def answered(fake: FakeDiscord, rec: InteractionRecord) -> InteractionRecord:
    return await fake.wait_for_interaction_response(rec, timeout=5)


# --- start-up --------------------------------------------------------------------------------


async def test_login_and_ready(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    paths = [(r.method, r.path) for r in fake.requests]
    assert paths[:2] == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    assert fake.requests[0].headers["Authorization"] == f"Bot {DEFAULT_TOKEN}"
    assert bot.user is not None and bot.user.id == fake.world.bot_user.id
    assert fake.identify_count == 1 and fake.intents == bot.intents.value
    guild = bot.guilds[0]
    assert guild.name == "Test Guild" and guild.owner_id == fake.world.guild().owner_id
    assert sorted(c.name for c in guild.text_channels) == ["general", "mods", "reviews"]
    assert {r.name for r in guild.roles} == {"@everyone", "Moderators", "Admin", "Fans"}
    assert guild.me is not None and guild.me.guild_permissions.send_messages
    assert guild.member_count == len(fake.world.guild().members) == 4
    synced = {c["name"] for c in fake.commands[None]}
    assert synced == {c.name for c in bot.tree.get_commands()} and fake.command_syncs == [
        (None, len(synced))
    ]
    assert all(c["id"].isdigit() for c in fake.commands[None])


async def test_bad_token_fails_login(fake: FakeDiscord) -> None:
    fake.expected_token = "the-right-one"
    with pytest.raises(discord.LoginFailure):
        async with running_bot(fake, new_bot(), token="wrong"):
            pass


async def test_privileged_intent_not_granted_is_refused() -> None:
    async with FakeDiscord(message_content_intent_granted=False) as server:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running_bot(server, new_bot(message_content=True)):
                pass


# --- prefix and slash commands -----------------------------------------------------------------


async def test_prefix_command_answered(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    said = await fake.say("!ping hello")
    [reply] = await fake.wait_for_messages("general", after=said)
    assert reply["content"] == "pong hello"
    assert reply["author"]["id"] == str(fake.world.bot_user.id)
    assert reply["channel_id"] == said["channel_id"] and reply["guild_id"] == said["guild_id"]
    assert isinstance(bot.cog.seen[-1].author, discord.Member)


async def test_slash_command_answered(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    rec = await answered(fake, await fake.slash("ping", {"word": "hi"}))
    assert rec.response_type == 4 and rec.content == "pong hi"
    assert rec.callback is not None and rec.callback["data"]["content"] == "pong hi"
    assert rec.payload["data"]["id"] == next(
        c["id"] for c in fake.commands[None] if c["name"] == "ping"
    )
    assert fake.messages[fake.channel("general").id] == []  # interaction output is on the record


async def test_deferred_then_followup(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    rec = await answered(fake, await fake.slash("slow", author="moderator"))
    await fake.wait_for(lambda: len(rec.followups) == 1, 5, "the second follow-up")
    assert rec.response_type == 5
    # the first follow-up edits the public loading message (its ephemeral flag is ignored) ...
    assert rec.original is not None and rec.original["content"] == "done slowly"
    assert not rec.ephemeral and rec.edits[0]["content"] == "done slowly"
    general = fake.channel("general").id
    assert [m["content"] for m in fake.history[general]] == ["done slowly"]
    # ... and later ones are new messages with their own flags
    assert [m["content"] for m in rec.followups] == ["one more"]
    assert int(rec.followups[0]["flags"]) & 64
    member = rec.payload["member"]
    assert int(member["permissions"]) & (1 << 5)  # Manage Server through the Admin role

    private = await answered(fake, await fake.slash("slow", {"private": True}))
    assert private.callback is not None and private.callback["data"]["flags"] == 64
    assert private.ephemeral and private.content == "done slowly"
    assert [m["content"] for m in fake.history[general]] == ["done slowly"]  # nothing public


async def test_option_types_and_subcommands(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    rec = await answered(
        fake, await fake.slash("whois", {"who": "moderator", "where": "reviews", "role": "Fans"})
    )
    assert rec.content == f"{fake.user('moderator').username} in #reviews as Fans"
    rec = await answered(fake, await fake.slash("cfg set", {"key": "limit", "value": 21}))
    assert rec.content == "limit=42"
    [group] = rec.payload["data"]["options"]
    assert group["name"] == "set" and group["type"] == 1
    assert [o["type"] for o in group["options"]] == [3, 4]


async def test_autocomplete_returns_choices(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    choices = await fake.autocomplete("ping", {"word": "pa"})
    assert [c["name"] for c in choices] == [w for w in WORDS if w.startswith("pa")]


# --- components ------------------------------------------------------------------------------------


async def test_button_click_handled(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    said = await fake.say("!menu")
    [menu] = await fake.wait_for_messages(after=said)
    rec = await answered(fake, await fake.click(menu, "like", author="owner"))
    assert rec.response_type == 4 and rec.ephemeral
    assert rec.content == f"liked by {fake.user('owner').username}"


async def test_select_handled(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    said = await fake.say("!menu")
    [menu] = await fake.wait_for_messages(after=said)
    rec = await answered(fake, await fake.click(menu, "genre", values=["horror"]))
    assert rec.response_type == 7
    assert menu["content"] == "picked horror" and menu["edited_timestamp"] is not None


# --- rate limits, reconnects ----------------------------------------------------------------------


async def test_429_then_retry_delivers_once(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    fake.fail_next("/messages", status=429, retry_after=0.1)
    said = await fake.say("!ping again")
    [reply] = await fake.wait_for_messages(after=said)
    assert reply["content"] == "pong again"
    assert len(fake.rate_limit_hits) == 1 and fake.rate_limit_hits[0].status == 429
    posts = fake.requests_to("/messages", "POST")
    assert [p.status for p in posts] == [429, 200]
    assert posts[0].json["nonce"] == posts[1].json["nonce"]
    assert len(fake.messages[fake.channel().id]) == 1


async def test_channel_bucket_headers_and_429(fake: FakeDiscord) -> None:
    async with FakeDiscord(channel_rate_limit=(2, 5.0)) as server:
        url = f"{server.api_base}/channels/{server.channel('reviews').id}/messages"
        headers = {"Authorization": "Bot t"}
        async with aiohttp.ClientSession() as http:
            statuses, remaining, body = [], [], {}
            for i in range(3):
                async with http.post(url, json={"content": f"n{i}"}, headers=headers) as resp:
                    statuses.append(resp.status)
                    remaining.append(resp.headers.get("X-RateLimit-Remaining"))
                    assert resp.headers["Content-Type"] == "application/json"
                    body = await resp.json()
            assert statuses == [200, 200, 429] and remaining[:2] == ["1", "0"]
            assert body["retry_after"] > 0 and body["global"] is False
    assert len(server.messages[server.channel("reviews").id]) == 2


async def test_dropped_connection_resumes(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    assert await fake.drop_connection(4000) == "resumed"
    assert fake.resume_count == 1 and fake.identify_count == 1
    said = await fake.say("!ping back")
    [reply] = await fake.wait_for_messages(after=said)
    assert reply["content"] == "pong back"


async def test_events_missed_while_down_are_replayed(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    await fake.drop_connection(abrupt=True, wait=False)
    said = await fake.say("!ping missed")
    await fake.wait_for(lambda: fake.resume_count == 1, what="RESUME")
    [reply] = await fake.wait_for_messages(after=said)
    assert reply["content"] == "pong missed"


async def test_raw_gateway_identify_heartbeat(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
        assert (await ws.receive_json())["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json())["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": "t", "intents": 513, "properties": {}}})
        ready, guild_create = await ws.receive_json(), await ws.receive_json()
    assert (ready["t"], ready["s"], guild_create["t"], guild_create["s"]) == (
        "READY",
        1,
        "GUILD_CREATE",
        2,
    )
    assert ready["d"]["resume_gateway_url"] == fake.gateway_url
    guild = guild_create["d"]
    assert guild["member_count"] == len(guild["members"]) == 4
    assert str(fake.world.bot_user.id) in {m["user"]["id"] for m in guild["members"]}
    assert guild["roles"][0]["id"] == guild["id"]  # @everyone shares the guild id
    assert fake.intents == 513 and fake.gateway.heartbeats == 1


async def test_global_rate_limit() -> None:
    async with FakeDiscord(global_rate_limit=3) as server, aiohttp.ClientSession() as http:
        statuses, last = [], None
        for _ in range(4):
            async with http.get(
                server.api_base + "/users/@me", headers={"Authorization": "Bot t"}
            ) as resp:
                statuses.append(resp.status)
                last = resp
                body = await resp.json()
        assert statuses == [200, 200, 200, 429]
        assert last is not None and last.headers["X-RateLimit-Global"] == "true"
        assert body["global"] is True and last.headers["Via"]
        assert len(server.rate_limit_hits) == 1


async def test_unknown_session_resume_gets_op9(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 6, "d": {"token": "t", "session_id": "nope", "seq": 3}})
        answer = await ws.receive_json()
    assert answer == {"op": 9, "d": False, "s": None, "t": None}
    assert fake.resume_count == 0 and len(fake.gateway.invalid_resumes) == 1


# --- what the bot sent --------------------------------------------------------------------------------


async def test_allowed_mentions_recorded_as_sent(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    said = await fake.say("!everyone")
    [reply] = await fake.wait_for_messages(after=said)
    [post] = fake.requests_to("/messages", "POST")
    assert post.json["allowed_mentions"] == discord.AllowedMentions.none().to_dict()
    assert reply["content"] == "@everyone hi" and reply["mention_everyone"] is False


async def test_enforce_nonce_returns_earlier_message(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    channel = bot.get_channel(fake.channel("reviews").id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("only once", nonce=424242)
    second = await channel.send("only once", nonce=424242)
    assert first.id == second.id and fake.nonce_dedups == 1
    assert [m["content"] for m in fake.messages[channel.id]] == ["only once"]


async def test_missing_permission_and_unknown_channel(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    mods = fake.deny_send("mods")
    channel = bot.get_channel(mods.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as denied:
        await channel.send("nope")
    assert denied.value.code == 50013
    with pytest.raises(discord.NotFound) as missing:
        await bot.get_partial_messageable(1234).send("nowhere")
    assert missing.value.code == 10003


async def test_edit_and_delete(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    channel = bot.get_channel(fake.channel().id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("draft")
    await sent.edit(content="final")
    stored = fake.message_index[sent.id]
    assert stored["content"] == "final" and stored["edited_timestamp"] is not None
    assert fake.edits[-1][0] == sent.id and fake.edits[-1][1]["content"] == "final"
    await sent.delete()
    assert sent.id not in fake.message_index and fake.deleted[-1]["id"] == str(sent.id)


async def test_file_upload_is_multipart(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    channel = bot.get_channel(fake.channel("reviews").id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("with file", file=discord.File(io.BytesIO(b"hello"), "note.txt"))
    [post] = fake.requests_to("/messages", "POST")
    assert post.json["content"] == "with file"
    assert [(f["filename"], f["data"]) for f in post.files] == [("note.txt", b"hello")]
    assert [(a.filename, a.size) for a in sent.attachments] == [("note.txt", 5)]


async def test_reconnect_and_invalid_session(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    await fake.request_reconnect()
    await fake.wait_for(lambda: fake.resume_count == 1, what="RESUME after op 7")
    await fake.invalidate_session(resumable=False)
    await fake.wait_for(lambda: fake.identify_count == 2, what="a fresh IDENTIFY after op 9")
    said = await fake.say("!ping fresh")
    [reply] = await fake.wait_for_messages(after=said)
    assert reply["content"] == "pong fresh"


async def test_members_intent_and_member_query(fake: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.members = True
    client = ThrowawayBot(command_prefix="!", intents=intents)
    async with running_bot(fake, client):
        guild = client.guilds[0]
        names = sorted(m.name for m in guild.members)
        assert names == sorted(m.user.username for m in fake.world.guild().members.values())
        found = await guild.query_members("plain")
        assert [m.name for m in found] == ["plain_pat"]
        assert fake.gateway.member_requests[-1]["query"] == "plain"


# --- message content intent and DMs -----------------------------------------------------------------


async def test_content_blank_without_intent(fake: FakeDiscord) -> None:
    client = new_bot(message_content=False)
    async with running_bot(fake, client):
        await fake.say("!ping nobody sees this")
        await fake.say(f"{fake.mention('bot')} hello")
        await fake.wait_for(lambda: len(client.cog.seen) == 2, what="both messages")
        assert [m.content for m in client.cog.seen] == ["", f"{fake.mention('bot')} hello"]
        assert fake.messages[fake.channel().id] == []  # the prefix command could not run


async def test_dm_message(fake: FakeDiscord, bot: ThrowawayBot) -> None:
    said = await fake.say("!ping dm", dm=True, author="member")
    assert "guild_id" not in said
    dm = fake.world.dm_channel(fake.user("member"))
    [reply] = await fake.wait_for_messages(dm, after=said)
    assert reply["content"] == "pong dm" and "guild_id" not in reply
    assert isinstance(bot.cog.seen[-1].channel, discord.DMChannel)


# --- standalone --------------------------------------------------------------------------------------


async def test_standalone_process_prints_urls() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakediscord", "--port", "0", "--print-port",
        cwd=root, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), timeout=10)).decode().split()
        assert line[0] == "READY"
        urls = dict(part.split("=", 1) for part in line[1:])
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": "Bot x"}
            async with http.get(urls["api"] + "/users/@me", headers=headers) as resp:
                assert resp.headers["Content-Type"] == "application/json"
                me = json.loads(await resp.text())
        assert me["bot"] is True and urls["gateway"].startswith("ws://127.0.0.1:")
    finally:
        proc.terminate()
        await proc.wait()


async def test_point_discord_at_restores(fake: FakeDiscord) -> None:
    before = discord.http.Route.BASE
    restore = point_discord_at(fake)
    assert fake.api_base == discord.http.Route.BASE
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
    restore()
    assert before == discord.http.Route.BASE


async def test_make_bot_defaults() -> None:
    made = make_bot()
    assert made.intents.message_content and made.command_prefix == "!"
