"""A fake Discord (REST + gateway on 127.0.0.1) for end-to-end tests of the bot with real discord.py.

See ``fake.FakeDiscord`` for the server and scenario helpers and ``fixtures`` for pointing discord.py
at it and running a bot against it.
"""

from .fake import FakeDiscord
from .interactions import InteractionRecord
from .ratelimit import FailRule
from .server import RecordedRequest
from .state import Channel, Guild, Member, Perm, Role, User, World

__all__ = [
    "Channel",
    "FailRule",
    "FakeDiscord",
    "Guild",
    "InteractionRecord",
    "Member",
    "Perm",
    "RecordedRequest",
    "Role",
    "User",
    "World",
]
