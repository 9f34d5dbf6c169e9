"""Opening, migrations, refusal of foreign or newer databases, error messages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.storage import open_storage
from bot.storage.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    Migration,
    apply_pending,
    split_script,
)

from .conftest import article


async def test_new_database_is_migrated_to_latest(db_path: Path) -> None:
    storage = await open_storage(db_path)
    try:
        assert await storage.schema_version() == LATEST_VERSION
        assert await storage.upgrade() == []  # idempotent: nothing left to apply
        stats = await storage.stats()
        assert set(stats) >= {"works", "reviews", "news", "people", "credits", "mentions"}
        assert set(stats) >= {"feeds", "subscriptions", "items"}
        assert all(v == 0 for v in stats.values())
    finally:
        await storage.close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
        assert versions == [m.number for m in MIGRATIONS]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for name in ("feeds", "subscriptions", "guild_settings", "settings_log", "outbox"):
            assert name in tables
    finally:
        conn.close()


async def test_reopen_keeps_data_and_applies_nothing(db_path: Path) -> None:
    storage = await open_storage(db_path)
    await storage.ingest("f", "1", "h", *article("Kingdom", cast=("Ju Ji-hoon",)))
    before = await storage.stats()
    await storage.close()
    storage = await open_storage(db_path)
    try:
        assert await storage.stats() == before
        assert await storage.upgrade() == []
    finally:
        await storage.close()


async def test_migrate_false_leaves_upgrade_to_the_caller(db_path: Path) -> None:
    storage = await open_storage(db_path, migrate=False)
    try:
        assert await storage.schema_version() == 0
        assert await storage.upgrade() == [m.number for m in MIGRATIONS]
        assert await storage.schema_version() == LATEST_VERSION
        assert await storage.upgrade() == []
    finally:
        await storage.close()


def test_migrations_are_numbered_in_order() -> None:
    numbers = [m.number for m in MIGRATIONS]
    assert numbers == sorted(set(numbers))
    assert numbers[0] == 1


def test_failed_migration_rolls_back_and_records_nothing(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    steps = [
        Migration(1, "one table", "CREATE TABLE a (x INTEGER);"),
        Migration(2, "broken", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"),
    ]
    with pytest.raises(sqlite3.OperationalError):
        apply_pending(conn, steps)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables
    assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations")] == [1]
    assert apply_pending(conn, steps[:1]) == []
    conn.close()


def test_split_script_keeps_trigger_bodies_whole() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'y' WHERE rowid = new.rowid;
        SELECT 1;
    END;
    """
    statements = split_script(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


async def test_newer_schema_is_refused(db_path: Path) -> None:
    storage = await open_storage(db_path)
    await storage.close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?, 'future', 'x')",
        (LATEST_VERSION + 5,),
    )
    conn.commit()
    conn.close()
    with pytest.raises(StorageError) as info:
        await open_storage(db_path)
    message = str(info.value)
    assert str(LATEST_VERSION + 5) in message and "Upgrade reviewbot" in message
    with pytest.raises(StorageError, match="Upgrade reviewbot"):
        await open_storage(db_path, readonly=True)


async def test_non_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 200)
    with pytest.raises(StorageError) as info:
        await open_storage(path)
    assert "is not a SQLite database" in str(info.value)
    assert str(path) in str(info.value)
    assert path.read_text().startswith("These are my notes")  # left untouched


async def test_unopenable_path_says_what_to_check(tmp_path: Path) -> None:
    path = tmp_path / "missing-dir" / "x.db"
    with pytest.raises(StorageError) as info:
        await open_storage(path)
    message = str(info.value)
    assert f"Cannot open database {path}" in message
    assert "Check the path exists and is writable" in message


async def test_readonly_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        await open_storage(tmp_path / "nope.db", readonly=True)


async def test_readonly_reads_but_refuses_writes(db_path: Path) -> None:
    storage = await open_storage(db_path)
    await storage.ingest("f", "1", "h", *article("Kingdom", text="zombies in Joseon"))
    await storage.close()
    reader = await open_storage(db_path, readonly=True)
    try:
        assert (await reader.stats())["reviews"] == 1
        assert [r.work_title for r in await reader.search("zombies")] == ["Kingdom"]
        with pytest.raises(StorageError, match="read-only"):
            await reader.ingest("f", "2", "h", *article("Signal"))
        with pytest.raises(StorageError, match="read-only"):
            await reader.upgrade()
    finally:
        await reader.close()


async def test_readonly_refuses_an_outdated_schema(db_path: Path) -> None:
    storage = await open_storage(db_path, migrate=False)
    await storage.close()
    with pytest.raises(StorageError, match="without --readonly"):
        await open_storage(db_path, readonly=True)


async def test_closed_storage_raises_storage_error(db_path: Path) -> None:
    storage = await open_storage(db_path)
    await storage.close()
    await storage.close()  # harmless
    with pytest.raises(StorageError, match="closed"):
        await storage.stats()


async def test_busy_database_becomes_storage_error(db_path: Path) -> None:
    storage = await open_storage(db_path)
    blocker = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        await storage._run("shortening the wait", lambda c: c.execute("PRAGMA busy_timeout = 50"))
        with pytest.raises(StorageError, match="busy"):
            await storage.ingest("f", "1", "h", *article("Kingdom"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    try:
        assert (await storage.ingest("f", "1", "h", *article("Kingdom"))).status == "new"
    finally:
        await storage.close()
