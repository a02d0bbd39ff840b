"""Checklist cards as living answers: marks kept in the store, items re-opened when a tool's
facts change, and the posted cards edited through a queue of their own.

A mark is kept against a print of the tool's organisation facts (``facts_print``). When the
knowledge base changes, every done item whose tool's print differs opens again, naming what
changed, and its card is queued for an edit; the edit worker then shows it, paced like every
other background call on the platform.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.core.answers.checklist import card, changed_parts, facts_print
from bot.core.assistant import Assistant
from bot.core.clock import Clock
from bot.core.living.workers import Outlet, QueueWorker, WorkerOptions, edit_queue
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.checklists import (
    ChecklistEditJob,
    ChecklistMark,
    ChecklistStore,
    StoredChecklist,
)
from bot.core.reply import Reply
from bot.core.request import MayManage

log = logging.getLogger(__name__)

ToggleKind = Literal["changed", "unchanged", "not_allowed", "not_tracked"]


@dataclass(frozen=True, slots=True)
class Toggled:
    """How a click on an item went, and the card to show now (None unless it is kept)."""

    kind: ToggleKind
    card: Reply | None = None
    message: MessageRef | None = None
    checklist_id: int = 0
    generation: int = 0


class ChecklistBook:
    """The checklists posted in channels: recorded, marked, shown and kept true."""

    def __init__(self, store: ChecklistStore, assistant: Assistant, clock: Clock) -> None:
        self._store = store
        self._assistant = assistant
        self._clock = clock

    async def record(self, message: MessageRef, reply: Reply) -> None:
        """Keep a checklist card just posted, every item open."""
        services = [item.key for item in reply.checklist]
        await self._store.open_checklist(message, services, self._clock.now())

    async def toggle(
        self,
        channel: ChannelRef,
        message_id: str,
        service_id: str,
        done: bool,
        user: str | None,
        may_manage: MayManage | None,
    ) -> Toggled:
        """Mark an item of the card posted as ``message_id`` done (or open again), if the
        person may manage the channel; the card to show afterwards."""
        if not (user and may_manage and await may_manage()):
            return Toggled("not_allowed")
        mark = None
        if done:
            service = self._assistant.knowledge().service(service_id)
            mark = ChecklistMark(user, facts_print(service) if service else "")
        now = self._clock.now()
        changed = await self._store.mark_item(channel, message_id, service_id, mark, now)
        checklist = await self._store.checklist(channel, message_id)
        if checklist is None:
            return Toggled("not_tracked")
        kind: ToggleKind = "changed" if changed else "unchanged"
        card = self.card(checklist)
        return Toggled(kind, card, checklist.message, checklist.id, checklist.generation)

    async def shown(self, checklist_id: int, generation: int) -> None:
        """The posted card now shows ``generation``: an edit queued for it is no longer due."""
        await self._store.checklist_shown(checklist_id, generation)

    def card(self, checklist: StoredChecklist) -> Reply:
        """The card as a checklist's items make it now."""
        assistant = self._assistant
        return card(
            assistant.knowledge(), assistant.phrases(), checklist.entries, self._clock.now()
        )

    async def reopen_changed(self) -> int:
        """Open again every done item whose tool's organisation facts changed since it was
        marked, and queue its card's edit; how many were opened."""
        knowledge = self._assistant.knowledge()
        now = self._clock.now()
        reopened = 0
        for item in await self._store.done_items():
            service = knowledge.service(item.service_id)
            if service is None:
                continue  # a tool that left the knowledge base drops off its card instead
            current = facts_print(service)
            if current != item.facts:
                changed = changed_parts(item.facts, current)
                reopened += await self._store.reopen_item(item, changed, now)
        return reopened


class ChecklistEditWorker(QueueWorker[ChecklistEditJob]):
    """Shows each posted card as its items are now, once it fell behind them."""

    def __init__(
        self, store: ChecklistStore, book: ChecklistBook, clock: Clock, options: WorkerOptions
    ) -> None:
        self._store = store
        self._book = book
        queue = edit_queue(
            store.claim_checklist_edits,
            store.postpone_checklist_edits,
            store.forget_checklist,
            self._edit,
            _log_failure,
            clock,
        )
        super().__init__(clock, options, queue)

    async def _edit(self, outlet: Outlet, job: ChecklistEditJob) -> None:
        checklist = await self._store.checklist_by_id(job.id)
        if checklist is None:
            return
        await outlet.publisher.edit(job.message, self._book.card(checklist))
        await self._store.checklist_shown(job.id, checklist.generation)


def _log_failure(outlet: Outlet, error: Exception) -> None:
    log.warning(
        "living answers: a checklist edit on %s failed (%s)",
        outlet.publisher.platform,
        type(error).__name__,
    )
