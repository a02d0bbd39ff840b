"""Versioned schema migrations, recorded in ``schema_version`` and applied in order.

Each step is a frozen function of a connection. A change to the schema is a new step, never an
edit of an old one: databases in the field have run the old ones. Steps run under a lock
(PostgreSQL: an advisory lock; SQLite: the write lock of ``BEGIN IMMEDIATE``), so several
processes may start ``migrate`` at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.ports.store import StoreNotReadyError
from bot.store.migrations import (
    v0001_initial,
    v0002_message_ids,
    v0003_source_checks,
    v0004_checklists,
)
from bot.store.schema import schema_version

# Any constant both sides agree on; it names the migration lock among advisory locks.
ADVISORY_LOCK = 0x0F70_0B07


@dataclass(frozen=True, slots=True)
class Migration:
    """One versioned step."""

    version: int
    description: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "tracked answers, subscriptions, reminder outbox", v0001_initial.apply),
    Migration(
        2, "the later message ids of an answer in a column of their own", v0002_message_ids.apply
    ),
    Migration(
        3,
        "source checks: observations, first-observation baselines, the check's turn",
        v0003_source_checks.apply,
    ),
    Migration(4, "checklist cards and their items", v0004_checklists.apply),
)
LATEST = MIGRATIONS[-1].version


class SchemaError(StoreNotReadyError, RuntimeError):
    """The database schema is not the one this build needs."""


async def current_version(engine: AsyncEngine) -> int:
    """The version the database is at; 0 when it was never migrated."""
    async with engine.connect() as connection:
        return await _version(connection)


async def migrate(engine: AsyncEngine, now: datetime, target: int = LATEST) -> list[Migration]:
    """Apply every pending step up to ``target``; returns the steps applied (none when up to
    date)."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
        await connection.run_sync(lambda sync: schema_version.create(sync, checkfirst=True))
        version = await _version(connection)
        if version > LATEST:
            raise SchemaError(
                f"the database is at schema version {version}, newer than this build ({LATEST})"
            )
        applied = []
        for step in MIGRATIONS:
            if step.version <= version or step.version > target:
                continue
            await connection.run_sync(step.apply)
            await connection.execute(
                schema_version.insert().values(
                    version=step.version, description=step.description, applied_at=now
                )
            )
            applied.append(step)
        return applied


async def require_current(engine: AsyncEngine) -> None:
    """Raise ``SchemaError`` unless the database is at exactly the version this build needs."""
    version = await current_version(engine)
    if version != LATEST:
        raise SchemaError(
            f"the database is at schema version {version}, this build needs {LATEST}: "
            "run `optout-bot migrate`"
        )


async def _version(connection: AsyncConnection) -> int:
    exists = await connection.run_sync(lambda sync: inspect(sync).has_table(schema_version.name))
    if not exists:
        return 0
    result = await connection.execute(select(schema_version.c.version))
    return max((row[0] for row in result), default=0)
