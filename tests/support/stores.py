"""Fixtures for living answers: stores on SQLite and PostgreSQL, migrated and empty.

A plugin of tests/conftest.py: the suites of the store, living answers and the command line share
them, and one PostgreSQL server per run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store.engine import create_engine, database_url
from bot.store.migrations import migrate
from bot.store.sql_store import SqlStore
from tests.support.databases import PostgresServer, start_postgres

MIGRATED_AT = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from start_postgres()


async def empty_postgres(url: str) -> str:
    """The server's database with every table of an earlier test dropped."""
    engine = create_engine(database_url(url))
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database of each kind (PostgreSQL still to be emptied)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'optout.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url


@pytest.fixture
async def empty_database(database: str) -> str:
    """An empty database of each kind."""
    if database.startswith("postgresql"):
        await empty_postgres(database)
    return database


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> str:
    """An empty PostgreSQL database (for the tests that need real concurrency)."""
    return await empty_postgres(postgres_server.url)


async def migrated_store(url: str) -> SqlStore:
    """A store on ``url`` after every migration."""
    engine = create_engine(database_url(url))
    await migrate(engine, MIGRATED_AT)
    return SqlStore(engine)


@pytest.fixture
async def store(empty_database: str) -> AsyncIterator[SqlStore]:
    """A migrated, empty store on each kind of database."""
    store = await migrated_store(empty_database)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def pg_store(postgres_url: str) -> AsyncIterator[SqlStore]:
    """A migrated, empty store on PostgreSQL."""
    store = await migrated_store(postgres_url)
    try:
        yield store
    finally:
        await store.close()
