"""Tracked public answers and their edit queue, on SQLAlchemy Core.

The queue is a column, not a table: a message needing an edit has ``desired`` set to the digest
it should show. So the queue can never hold more than one edit per message, survives restarts
as it is, and is claimed with a lease like the reminder outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.ports.answers import AnswerGroup, AnswerPrint, EditJob, NewAnswer
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.store.dialect import (
    decode_message_ids,
    decode_parts,
    encode_message_ids,
    encode_parts,
    upsert,
)
from bot.store.schema import tracked_answers as answers


class AnswerQueries:
    """The ``AnswerStore`` port."""

    _engine: AsyncEngine

    async def track(self, answer: NewAnswer, now: datetime) -> None:
        """Record a posted answer (posting the same message again replaces the record)."""
        message = answer.message
        values = {
            "later_message_ids": encode_message_ids(message.message_ids[1:]),
            "command": answer.command,
            "service_id": answer.service_id or "",
            "digest": answer.content.digest,
            "parts": encode_parts(answer.content.parts),
            "change_mark": answer.change_mark,
            "desired": None,
            "not_before": None,
            "lease_owner": None,
            "lease_until": None,
            "touched_at": now,
        }
        statement = upsert(self._engine, answers).values(
            platform=message.channel.platform,
            workspace=message.channel.workspace,
            channel=message.channel.channel,
            message_id=message.first,
            posted_at=now,
            **values,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["platform", "workspace", "channel", "message_id"], set_=values
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def groups(self) -> list[AnswerGroup]:
        """Tracked answers grouped by answer and content."""
        columns = (
            answers.c.platform,
            answers.c.command,
            answers.c.service_id,
            answers.c.digest,
            answers.c.parts,
        )
        query = select(
            *columns,
            func.count(),
            func.count(answers.c.change_mark),
            func.min(answers.c.change_mark),
        ).group_by(*columns)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            AnswerGroup(
                platform,
                command,
                service_id or None,
                AnswerPrint(digest, decode_parts(parts)),
                count,
                # One message that reflected no change log at all makes every entry new.
                _as_date(oldest) if marked == count else None,
            )
            for platform, command, service_id, digest, parts, count, marked, oldest in rows
        ]

    async def mark_stale(
        self,
        platform: str,
        command: str,
        service_id: str | None,
        current: AnswerPrint,
        now: datetime,
    ) -> int:
        """Queue an edit for every message of this answer on ``platform`` that differs from
        ``current``; settle the queued edits of those that show it already."""
        same_answer = and_(
            answers.c.platform == platform,
            answers.c.command == command,
            answers.c.service_id == (service_id or ""),
        )
        queue = (
            update(answers)
            .where(same_answer, answers.c.digest != current.digest)
            .where(or_(answers.c.desired.is_(None), answers.c.desired != current.digest))
            .values(desired=current.digest)
        )
        settled = (
            update(answers)
            .where(same_answer, answers.c.digest == current.digest, answers.c.desired.is_not(None))
            .values(desired=None)
        )
        async with self._engine.begin() as connection:
            queued = (await connection.execute(queue)).rowcount
            await connection.execute(settled)
        return queued

    async def claim_edits(
        self, platform: str, limit: int, owner: str, now: datetime, lease: timedelta
    ) -> list[EditJob]:
        """Claim up to ``limit`` queued edits that are due, oldest first."""
        due = and_(
            answers.c.platform == platform,
            answers.c.desired.is_not(None),
            or_(answers.c.not_before.is_(None), answers.c.not_before <= now),
            or_(answers.c.lease_until.is_(None), answers.c.lease_until < now),
        )
        candidates = (
            select(answers.c.id)
            .where(due)
            .order_by(answers.c.touched_at, answers.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            # Materialised, so the locked rows are chosen once: PostgreSQL may otherwise run
            # a LIMIT subquery of IN again for each row and claim more than the limit.
            .cte("candidates")
            .prefix_with("MATERIALIZED")
        )
        claim = (
            update(answers)
            .where(answers.c.id.in_(select(candidates.c.id)), due)
            .values(lease_owner=owner, lease_until=now + lease)
            .returning(
                answers.c.id,
                answers.c.platform,
                answers.c.workspace,
                answers.c.channel,
                answers.c.message_id,
                answers.c.later_message_ids,
                answers.c.command,
                answers.c.service_id,
                answers.c.change_mark,
                answers.c.desired,
            )
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(claim)).all()
        jobs = [
            EditJob(
                row.id,
                MessageRef(
                    ChannelRef(row.platform, row.workspace, row.channel),
                    decode_message_ids(row.message_id, row.later_message_ids),
                ),
                row.command,
                row.service_id or None,
                _as_date(row.change_mark),
                row.desired,
            )
            for row in rows
        ]
        return sorted(jobs, key=lambda job: job.id)

    async def edited(
        self, job: EditJob, shown: AnswerPrint, change_mark: date | None, now: datetime
    ) -> None:
        """The message now shows ``shown``; its edit is done unless it was queued again since."""
        settled = answers.c.desired.in_([job.desired, shown.digest])
        statement = (
            update(answers)
            .where(answers.c.id == job.id)
            .values(
                digest=shown.digest,
                parts=encode_parts(shown.parts),
                change_mark=change_mark,
                desired=case((settled, None), else_=answers.c.desired),
                lease_owner=None,
                lease_until=None,
                not_before=None,
                touched_at=now,
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def postpone_edits(self, job_ids: Sequence[int], until: datetime) -> None:
        """Give claimed edits back to the queue, not to be tried before ``until``."""
        if not job_ids:
            return
        statement = (
            update(answers)
            .where(answers.c.id.in_(list(job_ids)))
            .values(not_before=until, lease_owner=None, lease_until=None)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def forget(self, job_id: int) -> None:
        """Stop tracking a message (it was deleted, or the bot lost access to it)."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(answers).where(answers.c.id == job_id))

    async def pending_edits(self, platform: str | None = None) -> int:
        """How many messages wait for an edit."""
        query = select(func.count()).where(answers.c.desired.is_not(None))
        if platform is not None:
            query = query.where(answers.c.platform == platform)
        async with self._engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())


def _as_date(value: object) -> date | None:
    # SQLite may hand a MIN() over dates back as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
