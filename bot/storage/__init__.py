"""Storage: the abstract interface (``base``) and its SQLite implementation (``sqlite``).

``open_storage(path)`` is the one way in: it returns a ready ``Storage`` with its schema up to date.
"""

from bot.storage.base import IngestItem, NameRow, RelatedSignal, Storage
from bot.storage.sqlite import SQLiteStorage, open_storage

__all__ = ["IngestItem", "NameRow", "RelatedSignal", "SQLiteStorage", "Storage", "open_storage"]
