"""The persistent component classes, registered by ``ReviewBot.setup_hook`` (``add_dynamic_items``).

discord.py matches the custom_id of every clicked component against these classes' templates, so a
button or select on any message the bot ever posted is answered, before or after a restart.
"""

from __future__ import annotations

from typing import Any

import discord

from cogs.choices import ChoiceSelect
from cogs.paging import ExpiredComponent, PageButton

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    PageButton,
    ChoiceSelect,
    ExpiredComponent,
)

__all__ = ["DYNAMIC_ITEMS"]
