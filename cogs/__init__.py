"""Thin Discord adapters: each module is an extension with an ``async def setup(bot)``.

``EXTENSIONS`` is the load order used by ``bot.client.ReviewBot.setup_hook`` (the error handler first, so
it is in place before any command can fail). ``cogs.delivery`` is not an extension: it holds the
``DiscordTransport`` that ``bot.client.build_bot`` hands to the feed sender. Nor are the widget modules:
``cogs.ui`` (embeds, replies), ``cogs.paging`` (page buttons) and ``cogs.choices`` ("did you mean"
select); the last two are persistent components, registered from ``cogs.components.DYNAMIC_ITEMS``.
"""

EXTENSIONS: tuple[str, ...] = ("cogs.errors", "cogs.reviews", "cogs.admin", "cogs.feeds")

__all__ = ["EXTENSIONS"]
