"""Scheduled source checks on SQLAlchemy Core: the check's turn, observations, baselines.

The turn is one row whose ``due_at`` says when the next check may start. Taking it is a single
transaction (the write lock of ``BEGIN IMMEDIATE`` on SQLite; a row lock on PostgreSQL, where
a second ``UPDATE`` re-reads the row the first one committed), so however many processes share
the database, one of them checks per period.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.ports.sources import SourceObservation
from bot.store.dialect import upsert
from bot.store.schema import source_baselines, source_checks, source_observations

# The one scheduled check there is; a row per name leaves room for others.
SOURCE_CHECK = "sources"


class SourceQueries:
    """The ``SourceStore`` port."""

    _engine: AsyncEngine

    async def claim_source_check(self, owner: str, now: datetime, hold: timedelta) -> bool:
        """Take the next check if it is due: True for exactly one caller among processes."""
        values = {"due_at": now + hold, "owner": owner, "updated_at": now}
        first = (
            upsert(self._engine, source_checks)
            .values(name=SOURCE_CHECK, **values)
            .on_conflict_do_nothing()
        )
        due = (
            update(source_checks)
            .where(source_checks.c.name == SOURCE_CHECK, source_checks.c.due_at <= now)
            .values(**values)
        )
        async with self._engine.begin() as connection:
            if (await connection.execute(first)).rowcount:
                return True
            return bool((await connection.execute(due)).rowcount)

    async def source_check_done(self, owner: str, next_due: datetime, now: datetime) -> None:
        """The check ``owner`` claimed finished; the next is due at ``next_due``."""
        statement = (
            update(source_checks)
            .where(source_checks.c.name == SOURCE_CHECK, source_checks.c.owner == owner)
            .values(due_at=next_due, updated_at=now)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def source_observations(self) -> list[SourceObservation]:
        """The latest observation of every source checked so far."""
        table = source_observations
        query = select(table).order_by(table.c.service_id, table.c.source_id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [
            SourceObservation(
                service_id=row["service_id"],
                source_id=row["source_id"],
                url=row["url"],
                status=row["status"],
                labels_missing=tuple(json.loads(row["labels_missing"])),
                changed_at=row["changed_at"],
                checked_at=row["checked_at"],
                excerpt=tuple(json.loads(row["excerpt"])),
            )
            for row in rows
        ]

    async def record_observations(self, observations: Sequence[SourceObservation]) -> None:
        """Insert or replace these observations (one per service and source)."""
        if not observations:
            return
        async with self._engine.begin() as connection:
            for seen in observations:
                values = {
                    "url": seen.url,
                    "status": seen.status,
                    "labels_missing": json.dumps(list(seen.labels_missing), ensure_ascii=False),
                    "excerpt": json.dumps(list(seen.excerpt), ensure_ascii=False),
                    "changed_at": seen.changed_at,
                    "checked_at": seen.checked_at,
                }
                statement = upsert(self._engine, source_observations).values(
                    service_id=seen.service_id, source_id=seen.source_id, **values
                )
                statement = statement.on_conflict_do_update(
                    index_elements=["service_id", "source_id"], set_=values
                )
                await connection.execute(statement)

    async def source_baselines(self) -> dict[str, str]:
        """First-observation baselines by service id, as the documents saved."""
        query = select(source_baselines.c.service_id, source_baselines.c.document)
        async with self._engine.connect() as connection:
            return {row[0]: row[1] for row in await connection.execute(query)}

    async def save_source_baseline(self, service_id: str, document: str, now: datetime) -> None:
        """Replace the first-observation baseline of one service."""
        values = {"document": document, "taken_at": now}
        statement = upsert(self._engine, source_baselines).values(service_id=service_id, **values)
        statement = statement.on_conflict_do_update(index_elements=["service_id"], set_=values)
        async with self._engine.begin() as connection:
            await connection.execute(statement)
