"""Deadlines seen, occurrences fanned out, and the reminder outbox, on SQLAlchemy Core.

Exactly once, across processes: an occurrence is fanned out in one transaction that inserts its
row in ``reminder_occurrences`` and one outbox row per subscribed channel, both guarded by
unique keys (a second process's insert does nothing). Outbox rows are then claimed with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or under SQLite's write lock, with a lease; a row whose
lease ran out is claimed again *in doubt*, and the worker asks the platform whether the post
exists before posting it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Delete, and_, delete, func, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.ports.channels import ChannelRef
from bot.core.ports.reminders import (
    ALL_SERVICES,
    KnownDeadline,
    Occurrence,
    ReminderJob,
    SkipReason,
)
from bot.store.dialect import upsert
from bot.store.schema import known_deadlines as known
from bot.store.schema import occurrences, outbox
from bot.store.schema import subscriptions as subs

PENDING, CLAIMED, POSTED, SKIPPED = "pending", "claimed", "posted", "skipped"


class ReminderQueries:
    """The ``ReminderStore`` port."""

    _engine: AsyncEngine

    async def known_deadlines(self) -> list[KnownDeadline]:
        """Every deadline recorded by :meth:`record_deadlines`."""
        async with self._engine.connect() as connection:
            rows = (await connection.execute(select(known))).all()
        return [KnownDeadline(*row) for row in rows]

    async def record_deadlines(self, deadlines: Sequence[KnownDeadline]) -> None:
        """Insert or update these deadlines (each keeps the latest ``due_key``)."""
        if not deadlines:
            return
        statement = upsert(self._engine, known)
        statement = statement.on_conflict_do_update(
            index_elements=["service_id", "deadline_id"],
            set_={
                "due_key": statement.excluded.due_key,
                "first_seen": statement.excluded.first_seen,
            },
        )
        rows = [
            {
                "service_id": entry.service_id,
                "deadline_id": entry.deadline_id,
                "due_key": entry.due_key,
                "first_seen": entry.first_seen,
            }
            for entry in deadlines
        ]
        async with self._engine.begin() as connection:
            await connection.execute(statement, rows)

    async def fanned_out(self, occurrences_: Sequence[Occurrence]) -> set[Occurrence]:
        """Which of these occurrences were already fanned out."""
        keys = {_key(occurrence): occurrence for occurrence in occurrences_}
        if not keys:
            return set()
        columns = (
            occurrences.c.service_id,
            occurrences.c.deadline_id,
            occurrences.c.due_key,
            occurrences.c.kind,
        )
        query = select(*columns).where(tuple_(*columns).in_(list(keys)))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return {keys[tuple(row)] for row in rows}

    async def fan_out(self, occurrences_: Sequence[Occurrence], now: datetime) -> int:
        """Queue each occurrence for every channel subscribed to its service at this moment."""
        queued = 0
        async with self._engine.begin() as connection:
            for occurrence in occurrences_:
                queued += await self._fan_out_one(connection, occurrence, now)
        return queued

    async def _fan_out_one(
        self, connection: AsyncConnection, occurrence: Occurrence, now: datetime
    ) -> int:
        claim = (
            upsert(self._engine, occurrences)
            .values(
                service_id=occurrence.service_id,
                deadline_id=occurrence.deadline_id,
                due_key=occurrence.due_key,
                kind=occurrence.kind,
                fire_at=occurrence.fire_at,
                fanned_out_at=now,
            )
            .on_conflict_do_nothing()
        )
        if (await connection.execute(claim)).rowcount == 0:
            return 0
        channels = (
            select(
                subs.c.platform,
                subs.c.workspace,
                subs.c.channel,
                literal(occurrence.service_id),
                literal(occurrence.deadline_id),
                literal(occurrence.due_key),
                literal(occurrence.kind),
                literal(occurrence.fire_at, outbox.c.fire_at.type),
                literal(PENDING),
                literal(False),
                literal(0),
                literal(now, outbox.c.not_before.type),
                literal(False),
            )
            .where(subs.c.service_id.in_([occurrence.service_id, ALL_SERVICES]))
            .distinct()
        )
        names = [
            "platform",
            "workspace",
            "channel",
            "service_id",
            "deadline_id",
            "due_key",
            "kind",
            "fire_at",
            "state",
            "in_doubt",
            "attempts",
            "not_before",
            "late",
        ]
        fan = upsert(self._engine, outbox).from_select(names, channels).on_conflict_do_nothing()
        return max((await connection.execute(fan)).rowcount, 0)

    async def claim_reminders(
        self, platform: str, limit: int, owner: str, now: datetime, lease: timedelta
    ) -> list[ReminderJob]:
        """Claim up to ``limit`` due posts, earliest first, including ones whose lease ran out."""
        due = and_(
            outbox.c.platform == platform,
            or_(
                and_(outbox.c.state == PENDING, outbox.c.not_before <= now),
                and_(outbox.c.state == CLAIMED, outbox.c.lease_until < now),
            ),
        )
        candidates = (
            select(outbox.c.id)
            .where(due)
            .order_by(outbox.c.fire_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            # Materialised, so the locked rows are chosen once: PostgreSQL may otherwise run
            # a LIMIT subquery of IN again for each row and claim more than the limit.
            .cte("candidates")
            .prefix_with("MATERIALIZED")
        )
        claim = (
            update(outbox)
            .where(outbox.c.id.in_(select(candidates.c.id)), due)
            .values(
                # Right-hand sides see the row as it was: a claim that ran out leaves doubt.
                in_doubt=or_(outbox.c.in_doubt, outbox.c.state == CLAIMED),
                state=CLAIMED,
                attempts=outbox.c.attempts + 1,
                lease_owner=owner,
                lease_until=now + lease,
            )
            .returning(
                outbox.c.id,
                outbox.c.platform,
                outbox.c.workspace,
                outbox.c.channel,
                outbox.c.service_id,
                outbox.c.deadline_id,
                outbox.c.due_key,
                outbox.c.kind,
                outbox.c.fire_at,
                outbox.c.in_doubt,
                outbox.c.attempts,
            )
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(claim)).all()
        jobs = [
            ReminderJob(
                row.id,
                ChannelRef(row.platform, row.workspace, row.channel),
                Occurrence(row.service_id, row.deadline_id, row.due_key, row.kind, row.fire_at),
                bool(row.in_doubt),
                row.attempts,
            )
            for row in rows
        ]
        return sorted(jobs, key=lambda job: (job.occurrence.fire_at, job.id))

    async def reminder_posted(self, job_id: int, late: bool, now: datetime) -> None:
        """The post went out."""
        await self._finish(job_id, now, state=POSTED, late=late)

    async def reminder_skipped(self, job_id: int, reason: SkipReason, now: datetime) -> None:
        """The post will never go out, for ``reason``."""
        await self._finish(job_id, now, state=SKIPPED, skip_reason=reason)

    async def postpone_reminders(self, job_ids: Sequence[int], until: datetime) -> None:
        """Give claimed posts back, not to be tried before ``until`` (doubt, if any, stays)."""
        if not job_ids:
            return
        statement = (
            update(outbox)
            .where(outbox.c.id.in_(list(job_ids)), outbox.c.state == CLAIMED)
            .values(
                state=PENDING,
                not_before=until,
                lease_owner=None,
                lease_until=None,
                # A postponed post was not tried, so it does not count towards giving up.
                attempts=outbox.c.attempts - 1,
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def reminder_backlog(self, platform: str | None = None) -> int:
        """Posts queued or claimed but not yet done."""
        query = select(func.count()).where(outbox.c.state.in_([PENDING, CLAIMED]))
        if platform is not None:
            query = query.where(outbox.c.platform == platform)
        async with self._engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def _finish(self, job_id: int, now: datetime, **values: object) -> None:
        statement = (
            update(outbox)
            .where(outbox.c.id == job_id)
            .values(done_at=now, lease_owner=None, lease_until=None, **values)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)


def drop_pending(channel: ChannelRef, service_id: str | None) -> Delete:
    """Delete queued (not yet claimed) posts of a channel that unsubscribed."""
    statement = delete(outbox).where(
        outbox.c.platform == channel.platform,
        outbox.c.workspace == channel.workspace,
        outbox.c.channel == channel.channel,
        outbox.c.state == PENDING,
    )
    if service_id is not None:
        statement = statement.where(outbox.c.service_id == service_id)
    return statement


def _key(occurrence: Occurrence) -> tuple[str, str, str, str]:
    return occurrence.service_id, occurrence.deadline_id, occurrence.due_key, occurrence.kind
