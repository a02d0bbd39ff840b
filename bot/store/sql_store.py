"""The ``Store`` port on SQLAlchemy Core (async): one class over SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.ports.channels import ChannelRef
from bot.store.answers import AnswerQueries
from bot.store.checklists import ChecklistQueries, purge_checklists
from bot.store.dialect import upsert
from bot.store.reminders import POSTED, SKIPPED, ReminderQueries, drop_pending
from bot.store.schema import key_values, occurrences, outbox, tracked_answers
from bot.store.schema import subscriptions as subs
from bot.store.sources import SourceQueries


class SqlStore(AnswerQueries, ReminderQueries, SourceQueries, ChecklistQueries):
    """Living answers persisted in one database, shared by every bot process that uses it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @property
    def engine(self) -> AsyncEngine:
        """The engine the store runs on."""
        return self._engine

    async def subscribe(self, channel: ChannelRef, service_id: str, now: datetime) -> bool:
        """Subscribe; False when the channel already was."""
        statement = (
            upsert(self._engine, subs)
            .values(
                platform=channel.platform,
                workspace=channel.workspace,
                channel=channel.channel,
                service_id=service_id,
                created_at=now,
            )
            .on_conflict_do_nothing()
        )
        async with self._engine.begin() as connection:
            return bool((await connection.execute(statement)).rowcount)

    async def unsubscribe(self, channel: ChannelRef, service_id: str | None) -> int:
        """Remove one subscription, or every one of the channel when ``service_id`` is None.

        Reminders already queued for what was unsubscribed are dropped with it.
        """
        statement = delete(subs).where(
            subs.c.platform == channel.platform,
            subs.c.workspace == channel.workspace,
            subs.c.channel == channel.channel,
        )
        if service_id is not None:
            statement = statement.where(subs.c.service_id == service_id)
        async with self._engine.begin() as connection:
            removed = (await connection.execute(statement)).rowcount
            await connection.execute(drop_pending(channel, service_id))
        return removed

    async def subscriptions(self, channel: ChannelRef) -> list[str]:
        """The channel's subscriptions, sorted (``all`` for every service)."""
        query = (
            select(subs.c.service_id)
            .where(
                subs.c.platform == channel.platform,
                subs.c.workspace == channel.workspace,
                subs.c.channel == channel.channel,
            )
            .order_by(subs.c.service_id)
        )
        async with self._engine.connect() as connection:
            return list((await connection.execute(query)).scalars())

    async def get_value(self, key: str) -> str | None:
        """The value stored under ``key``."""
        query = select(key_values.c.value).where(key_values.c.key == key)
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).scalar_one_or_none()

    async def put_value(self, key: str, value: str, now: datetime) -> None:
        """Store ``value`` under ``key``."""
        statement = upsert(self._engine, key_values).values(key=key, value=value, updated_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": value, "updated_at": now}
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def ping(self) -> None:
        """Raise if the database cannot be reached (readiness checks call this)."""
        async with self._engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def purge(self, before: datetime) -> int:
        """Forget finished reminders, unchanged answers and checklists last touched before
        ``before``."""
        statements = (
            *purge_checklists(before),
            delete(outbox).where(outbox.c.state.in_([POSTED, SKIPPED]), outbox.c.done_at < before),
            delete(occurrences).where(occurrences.c.fanned_out_at < before),
            delete(tracked_answers).where(
                tracked_answers.c.touched_at < before, tracked_answers.c.desired.is_(None)
            ),
        )
        removed = 0
        async with self._engine.begin() as connection:
            for statement in statements:
                removed += (await connection.execute(statement)).rowcount
        return removed

    async def close(self) -> None:
        """Release connections."""
        await self._engine.dispose()
