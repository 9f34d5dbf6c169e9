"""reviewbot: a Discord bot that follows film and drama review feeds and answers questions about them.

The core (everything in ``bot/`` except ``bot/client.py``) is framework-free: storage, feed parsing,
extraction, services and neutral rendering. Front ends (Discord cogs, the terminal console) sit on top.
"""

__version__ = "0.1.0"
