"""Turning driver errors and schema mismatches into ``StorageError`` messages a user can act on."""

from __future__ import annotations

import sqlite3

from bot.errors import StorageError
from bot.storage.migrations import LATEST_VERSION, current_version


def check_not_newer(conn: sqlite3.Connection, path: str) -> int:
    """The schema version, or StorageError when the database is newer than this code."""
    version = current_version(conn)
    if version > LATEST_VERSION:
        raise StorageError(
            f"The database {path} has schema version {version}, newer than this reviewbot "
            f"understands (up to {LATEST_VERSION}).",
            hint="Upgrade reviewbot to a release that knows this schema (or use a backup).",
        )
    return version


def storage_error(path: str, action: str, exc: BaseException) -> StorageError:
    """A driver error as a StorageError that says what went wrong and what to do."""
    text = str(exc)
    low = text.lower()
    if isinstance(exc, ValueError) and "closed" in low:
        return StorageError(f"The database {path} is closed.", hint="This is a bug: report it.")
    if "file is not a database" in low or "file is encrypted" in low:
        return StorageError(
            f"{path} is not a SQLite database.",
            hint="Point [database] path (or --db) at a reviewbot database or at a new file name.",
        )
    if "unable to open database" in low:
        return StorageError(
            f"Cannot open database {path}: {text}.",
            hint="Check the path exists and is writable.",
        )
    if "locked" in low or "busy" in low:
        return StorageError(
            f"The database {path} is busy (another process holds a lock) while {action}.",
            hint="Try again; if it persists, stop the other reviewbot process using this file.",
        )
    if "readonly" in low or "read-only" in low:
        return StorageError(
            f"The database {path} is read-only, so {action} failed.",
            hint="Check the file and its directory are writable by the bot.",
        )
    if "disk is full" in low or "disk i/o" in low:
        return StorageError(
            f"The database {path} could not be written while {action}: {text}.",
            hint="Free some disk space and check the disk.",
        )
    if "malformed" in low or "corrupt" in low:
        return StorageError(
            f"The database {path} is damaged: {text}.",
            hint="Restore it from a backup (or delete it to start again).",
        )
    return StorageError(
        f"Database error while {action} in {path}: {text}.",
        hint="If this keeps happening, report it with the log.",
    )
