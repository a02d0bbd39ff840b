"""A SQLite database and its companions are readable by the bot's user only."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from bot.core.ports.channels import ChannelRef
from bot.store.engine import create_engine, database_url
from bot.store.migrations import migrate
from bot.store.sql_store import SqlStore

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_files_are_created_0600_in_a_0700_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    engine = create_engine(database_url(f"sqlite:///{folder / 'optout.db'}"))
    await migrate(engine, NOW)
    store = SqlStore(engine)
    await store.subscribe(ChannelRef("slack", "T1", "C1"), "chatterbox", NOW)
    # While a connection is open, the write-ahead log and its index exist beside the file.
    async with engine.connect():
        files = sorted(path.name for path in folder.iterdir())
        assert files == ["optout.db", "optout.db-shm", "optout.db-wal"]
        assert {path.name: mode(path) for path in folder.iterdir()} == dict.fromkeys(files, 0o600)
    await store.close()
    assert mode(folder) == 0o700


async def test_an_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    engine = create_engine(database_url(f"sqlite:///{tmp_path / 'optout.db'}"))
    await migrate(engine, NOW)
    await engine.dispose()
    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / "optout.db") == 0o600
