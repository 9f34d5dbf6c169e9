"""Thin Discord adapters: each module is an extension with an ``async def setup(bot)``.

``EXTENSIONS`` is the load order used by ``bot.client.ReviewBot.setup_hook`` (the error handler first, so
it is in place before any command can fail).
"""

EXTENSIONS: tuple[str, ...] = ("cogs.errors", "cogs.reviews", "cogs.admin")

__all__ = ["EXTENSIONS"]
