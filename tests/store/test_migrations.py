"""Versioned migrations: the migrated schema is the one the code uses, on both databases."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, text

from bot.core.ports.answers import AnswerPrint
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.store.engine import DatabaseUrlError, create_engine, database_url
from bot.store.migrations import LATEST, SchemaError, current_version, migrate, require_current
from bot.store.schema import metadata
from bot.store.sql_store import SqlStore
from tests.support.stores import MIGRATED_AT


def shape(connection: Connection) -> dict[str, Any]:
    """Tables with their columns (name, nullability), unique keys, primary key and indexes."""
    inspector = inspect(connection)
    tables = {}
    for table in sorted(inspector.get_table_names()):
        tables[table] = {
            "columns": sorted((c["name"], c["nullable"]) for c in inspector.get_columns(table)),
            "primary": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]))
                for i in inspector.get_indexes(table)
                if not i.get("unique")
            ),
        }
    return tables


def expected_shape() -> dict[str, Any]:
    tables = {}
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        tables[table.name] = {
            "columns": sorted((c.name, bool(c.nullable)) for c in table.columns),
            "primary": sorted(c.name for c in table.primary_key.columns),
            "unique": sorted(
                tuple(c.name for c in constraint.columns)
                for constraint in table.constraints
                if constraint.__class__.__name__ == "UniqueConstraint"
            ),
            "indexes": sorted(
                (index.name, tuple(c.name for c in index.columns)) for index in table.indexes
            ),
        }
    return tables


async def test_a_migrated_database_has_exactly_the_schema_of_the_code(empty_database: str) -> None:
    engine = create_engine(database_url(empty_database))
    try:
        assert await current_version(engine) == 0
        applied = await migrate(engine, MIGRATED_AT)
        assert [step.version for step in applied] == list(range(1, LATEST + 1))
        async with engine.connect() as connection:
            assert await connection.run_sync(shape) == expected_shape()
        assert await migrate(engine, MIGRATED_AT) == []
        await require_current(engine)
    finally:
        await engine.dispose()


async def test_an_unmigrated_database_is_refused_with_the_fix(empty_database: str) -> None:
    engine = create_engine(database_url(empty_database))
    try:
        with pytest.raises(SchemaError, match="run `optout-bot migrate`"):
            await require_current(engine)
    finally:
        await engine.dispose()


async def test_migrations_started_at_once_apply_each_step_once(postgres_url: str) -> None:
    engines = [create_engine(database_url(postgres_url)) for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrate(engine, MIGRATED_AT) for engine in engines))
        assert sorted(len(applied) for applied in results) == [0, 0, LATEST]
        assert await current_version(engines[0]) == LATEST
    finally:
        for engine in engines:
            await engine.dispose()


V1_ROW = (
    "INSERT INTO tracked_answers (platform, workspace, channel, message_id, command, service_id, "
    "digest, parts, posted_at, touched_at) VALUES ('slack', 'T1', 'C1', :message_id, 'optout', "
    "'chatterbox', :digest, '', :now, :now)"
)


async def test_answers_tracked_by_version_1_keep_every_message_after_the_upgrade(
    empty_database: str,
) -> None:
    engine = create_engine(database_url(empty_database))
    try:
        await migrate(engine, MIGRATED_AT, target=1)
        async with engine.begin() as connection:
            for message_id, digest in (
                ("1700.000001 1700.000002 1700.000003", "a"),
                ("1800.1", "b"),
            ):
                values = {"message_id": message_id, "digest": digest * 16, "now": MIGRATED_AT}
                await connection.execute(text(V1_ROW), values)
        assert [step.version for step in await migrate(engine, MIGRATED_AT, target=2)] == [2]
        store = SqlStore(engine)
        await store.mark_stale(
            "slack", "optout", "chatterbox", AnswerPrint("c" * 16, ()), MIGRATED_AT
        )
        jobs = await store.claim_edits("slack", 10, "worker", MIGRATED_AT, timedelta(minutes=1))
        channel = ChannelRef("slack", "T1", "C1")
        assert sorted(job.message.message_ids for job in jobs) == [
            ("1700.000001", "1700.000002", "1700.000003"),
            ("1800.1",),
        ]
        assert all(job.message.channel == channel for job in jobs)
        assert MessageRef(channel, ("1800.1",)) in [job.message for job in jobs]
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("raw", "driver"),
    [
        ("postgresql://bot:pw@db:5432/optout", "postgresql+asyncpg"),
        ("postgres://bot@db/optout", "postgresql+asyncpg"),
        ("sqlite:///data/optout.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:////var/lib/optout.db", "sqlite+aiosqlite"),
    ],
)
def test_database_urls_get_their_async_driver(raw: str, driver: str) -> None:
    assert database_url(raw).drivername == driver


@pytest.mark.parametrize("raw", ["mysql://x/y", "sqlite://", "not a url"])
def test_unusable_database_urls_are_refused(raw: str) -> None:
    with pytest.raises(DatabaseUrlError):
        database_url(raw)
