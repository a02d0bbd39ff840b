"""Checklist cards and their items, on SQLAlchemy Core.

Every item is a row of its own, changed by one conditional ``UPDATE`` (done only if it was open,
open only if it was done): two bot processes marking items of one card at once never undo each
other. Each change also counts one more ``generation`` of its card; a card whose generation is
ahead of the one ``shown`` wants an edit, claimed with a lease like the other queues.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Delete,
    Update,
    and_,
    case,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.checklists import (
    ChecklistEditJob,
    ChecklistEntry,
    ChecklistMark,
    DoneItem,
    StoredChecklist,
)
from bot.store.dialect import decode_message_ids, encode_message_ids
from bot.store.schema import checklist_items as items
from bot.store.schema import checklists as cards

PART_SEPARATOR = ","


class ChecklistQueries:
    """The ``ChecklistStore`` port."""

    _engine: AsyncEngine

    async def open_checklist(
        self, message: MessageRef, service_ids: Sequence[str], now: datetime
    ) -> None:
        """Record a checklist just posted, every item open."""
        channel = message.channel
        card = (
            insert(cards)
            .values(
                platform=channel.platform,
                workspace=channel.workspace,
                channel=channel.channel,
                message_id=message.first,
                later_message_ids=encode_message_ids(message.message_ids[1:]),
                generation=0,
                shown=0,
                posted_at=now,
                touched_at=now,
            )
            .returning(cards.c.id)
        )
        async with self._engine.begin() as connection:
            card_id = (await connection.execute(card)).scalar_one()
            rows = [
                {"checklist_id": card_id, "service_id": service_id, "position": position}
                for position, service_id in enumerate(service_ids)
            ]
            if rows:
                await connection.execute(insert(items).values(done=False, facts=""), rows)

    async def checklist(self, channel: ChannelRef, message_id: str) -> StoredChecklist | None:
        """The checklist posted as this message (its first), if it is kept."""
        async with self._engine.connect() as connection:
            return await _read(connection, _at(channel, message_id))

    async def checklist_by_id(self, checklist_id: int) -> StoredChecklist | None:
        """The checklist with this id, if it is kept."""
        async with self._engine.connect() as connection:
            return await _read(connection, cards.c.id == checklist_id)

    async def mark_item(
        self,
        channel: ChannelRef,
        message_id: str,
        service_id: str,
        mark: ChecklistMark | None,
        now: datetime,
    ) -> bool:
        """Mark an item done (``mark``) or open again (None), atomically for that one row."""
        card_id = select(cards.c.id).where(_at(channel, message_id)).scalar_subquery()
        item = and_(items.c.checklist_id == card_id, items.c.service_id == service_id)
        if mark is None:
            change = (
                update(items)
                .where(item, items.c.done.is_(True))
                .values(done=False, marked_by=None, marked_at=None)
            )
        else:
            change = (
                update(items)
                .where(item, items.c.done.is_(False))
                .values(
                    done=True,
                    marked_by=mark.user,
                    marked_at=now,
                    facts=mark.facts,
                    reopened=None,
                    reopened_at=None,
                )
            )
        async with self._engine.begin() as connection:
            changed = bool((await connection.execute(change)).rowcount)
            if changed:
                await connection.execute(_next_generation(cards.c.id == card_id, now))
        return changed

    async def done_items(self) -> list[DoneItem]:
        """Every item marked done, in every checklist."""
        query = select(items.c.checklist_id, items.c.service_id, items.c.facts).where(
            items.c.done.is_(True)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [DoneItem(row.checklist_id, row.service_id, row.facts) for row in rows]

    async def reopen_item(self, item: DoneItem, changed: Sequence[str], now: datetime) -> bool:
        """Open a done item again unless it changed since it was read; queue its card's edit."""
        change = (
            update(items)
            .where(
                items.c.checklist_id == item.checklist_id,
                items.c.service_id == item.service_id,
                items.c.done.is_(True),
                items.c.facts == item.facts,
            )
            .values(
                done=False,
                marked_by=None,
                marked_at=None,
                reopened=PART_SEPARATOR.join(changed),
                reopened_at=now,
            )
        )
        async with self._engine.begin() as connection:
            reopened = bool((await connection.execute(change)).rowcount)
            if reopened:
                await connection.execute(_next_generation(cards.c.id == item.checklist_id, now))
        return reopened

    async def claim_checklist_edits(
        self, platform: str, limit: int, owner: str, now: datetime, lease: timedelta
    ) -> list[ChecklistEditJob]:
        """Claim up to ``limit`` checklists whose posted card is behind their items."""
        due = and_(
            cards.c.platform == platform,
            cards.c.generation > cards.c.shown,
            or_(cards.c.not_before.is_(None), cards.c.not_before <= now),
            or_(cards.c.lease_until.is_(None), cards.c.lease_until < now),
        )
        candidates = (
            select(cards.c.id)
            .where(due)
            .order_by(cards.c.touched_at, cards.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("candidates")
            .prefix_with("MATERIALIZED")
        )
        claim = (
            update(cards)
            .where(cards.c.id.in_(select(candidates.c.id)), due)
            .values(lease_owner=owner, lease_until=now + lease)
            .returning(*_CARD_COLUMNS)
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(claim)).all()
        jobs = [ChecklistEditJob(row.id, _message(row), row.generation) for row in rows]
        return sorted(jobs, key=lambda job: job.id)

    async def checklist_shown(self, checklist_id: int, generation: int) -> None:
        """The posted card shows the checklist as of ``generation``; its claim is released."""
        statement = (
            update(cards)
            .where(cards.c.id == checklist_id)
            .values(
                shown=case((cards.c.shown < generation, generation), else_=cards.c.shown),
                lease_owner=None,
                lease_until=None,
                not_before=None,
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def postpone_checklist_edits(self, checklist_ids: Sequence[int], until: datetime) -> None:
        """Give claimed checklist edits back, not to be tried before ``until``."""
        if not checklist_ids:
            return
        statement = (
            update(cards)
            .where(cards.c.id.in_(list(checklist_ids)))
            .values(not_before=until, lease_owner=None, lease_until=None)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def forget_checklist(self, checklist_id: int) -> None:
        """Stop keeping a checklist (its message is gone)."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(items).where(items.c.checklist_id == checklist_id))
            await connection.execute(delete(cards).where(cards.c.id == checklist_id))

    async def open_items(self, channel: ChannelRef) -> set[str]:
        """The services with an item still open on a checklist posted in ``channel``."""
        query = (
            select(items.c.service_id)
            .join(cards, cards.c.id == items.c.checklist_id)
            .where(
                cards.c.platform == channel.platform,
                cards.c.workspace == channel.workspace,
                cards.c.channel == channel.channel,
                items.c.done.is_(False),
            )
        )
        async with self._engine.connect() as connection:
            return set((await connection.execute(query)).scalars())


def purge_checklists(before: datetime) -> tuple[Delete, Delete]:
    """Statements forgetting checklists nobody touched since ``before``."""
    stale = select(cards.c.id).where(cards.c.touched_at < before)
    return (
        delete(items).where(items.c.checklist_id.in_(stale)),
        delete(cards).where(cards.c.touched_at < before),
    )


_CARD_COLUMNS = (
    cards.c.id,
    cards.c.platform,
    cards.c.workspace,
    cards.c.channel,
    cards.c.message_id,
    cards.c.later_message_ids,
    cards.c.generation,
    cards.c.shown,
)


def _at(channel: ChannelRef, message_id: str) -> ColumnElement[bool]:
    return and_(
        cards.c.platform == channel.platform,
        cards.c.workspace == channel.workspace,
        cards.c.channel == channel.channel,
        cards.c.message_id == message_id,
    )


def _next_generation(where: ColumnElement[bool], now: datetime) -> Update:
    return update(cards).where(where).values(generation=cards.c.generation + 1, touched_at=now)


def _message(row: Any) -> MessageRef:
    channel = ChannelRef(row.platform, row.workspace, row.channel)
    ids = decode_message_ids(row.message_id, row.later_message_ids)
    return MessageRef(channel, ids)


async def _read(connection: AsyncConnection, where: ColumnElement[bool]) -> StoredChecklist | None:
    # The generation is read before the items: a change in between is shown early, never lost.
    card = (await connection.execute(select(*_CARD_COLUMNS).where(where))).first()
    if card is None:
        return None
    query = select(items).where(items.c.checklist_id == card.id).order_by(items.c.position)
    rows = (await connection.execute(query)).all()
    entries = tuple(
        ChecklistEntry(
            row.service_id,
            bool(row.done),
            row.marked_by,
            row.marked_at,
            row.facts,
            tuple(part for part in (row.reopened or "").split(PART_SEPARATOR) if part),
            row.reopened_at,
        )
        for row in rows
    )
    return StoredChecklist(card.id, _message(card), entries, card.generation, card.shown)
