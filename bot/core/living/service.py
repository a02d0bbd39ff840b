"""Living answers as one service: what adapters call, and the loop that keeps answers current.

Adapters call :meth:`LivingAnswers.record` after posting a public answer and :meth:`attach`
their ``Publisher``; the subscription sub-actions of ``/deadline`` reach :attr:`store` through
the assistant's front door. The loop then, on every tick: queues edits when the knowledge base
(or the date) changed, fans out due reminders, and drains both queues into each attached
platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.assistant import Assistant
from bot.core.clock import Clock
from bot.core.living.checklists import ChecklistBook, ChecklistEditWorker
from bot.core.living.edits import PlannedEdit, change_mark, plan_edits
from bot.core.living.fingerprint import fingerprint
from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy, deadline_changes, due_reminders
from bot.core.living.workers import (
    Drained,
    EditWorker,
    Outlet,
    ReminderWorker,
    WorkerOptions,
)
from bot.core.ports.answers import NewAnswer
from bot.core.ports.channels import MessageRef
from bot.core.ports.publishing import Publisher
from bot.core.ports.reminders import Occurrence
from bot.core.ports.store import Store, StoreWriteError
from bot.core.reply import Reply

log = logging.getLogger(__name__)

# Set once the scheduler has taken note of the deadlines that existed before it first ran.
BASELINE_KEY = "reminders.baseline"


@dataclass(frozen=True, slots=True)
class LivingOptions:
    """How the living-answers loop behaves."""

    worker: WorkerOptions
    policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    tick_seconds: float = 30.0
    # Finished reminders and unchanged tracked answers older than this are forgotten.
    retention: timedelta = timedelta(days=365)


@dataclass(slots=True)
class TickReport:
    """What one tick did, for logs, metrics and tests."""

    edits_queued: int = 0
    reminders_queued: int = 0
    purged: int = 0
    edits: dict[str, Drained] = field(default_factory=dict)
    reminders: dict[str, Drained] = field(default_factory=dict)

    @property
    def more(self) -> bool:
        """True when some queue filled a whole batch: tick again without waiting."""
        return any(report.full for report in (*self.edits.values(), *self.reminders.values()))


class LivingAnswers:
    """Keeps posted answers current and posts deadline reminders, on every attached platform."""

    def __init__(
        self, store: Store, assistant: Assistant, clock: Clock, options: LivingOptions
    ) -> None:
        self.store = store
        self._assistant = assistant
        self._clock = clock
        self._options = options
        self._outlets: dict[str, Outlet] = {}
        self._planned_for: tuple[str, str, str] | None = None
        self._wake = asyncio.Event()
        self._stopped = False
        self._edits = EditWorker(store, clock, options.worker, assistant)
        self._reminders = ReminderWorker(store, clock, options.worker, options.policy, assistant)
        self.checklists = ChecklistBook(store, assistant, clock)
        self._checklist_edits = ChecklistEditWorker(store, self.checklists, clock, options.worker)
        # Told when a tick's write is refused (full disk, read-only file): that is reported
        # once per cause, not as a failed tick every interval.
        self.write_refused: Callable[[StoreWriteError], None] | None = None

    def attach(self, publisher: Publisher, pacer: Pacer) -> None:
        """Let the queues post and edit on the publisher's platform at the pacer's rate."""
        self._outlets[publisher.platform] = Outlet(publisher, pacer)

    async def record(self, message: MessageRef, reply: Reply) -> None:
        """Remember a public answer just posted, so it can be edited when its content changes.

        The print is taken of the answer as the command gives it now, without notices that
        depended on how the person phrased the request.
        """
        if not reply.shareable or reply.tone == "error":
            return
        canonical = self._assistant.run(reply.command, reply.service_id)
        knowledge = self._assistant.knowledge()
        answer = NewAnswer(
            message,
            reply.command,
            reply.service_id,
            fingerprint(canonical),
            change_mark(knowledge, reply.service_id),
        )
        await self.store.track(answer, self._clock.now())

    async def plan(self) -> list[PlannedEdit]:
        """Which tracked answers differ from what they would say now (changes nothing)."""
        groups = await self.store.groups()
        return plan_edits(groups, self._assistant, self._clock.now().date())

    async def refresh(self) -> list[PlannedEdit]:
        """Queue an edit for every tracked answer whose content changed, and re-open the
        checklist items whose tool's facts changed."""
        await self.checklists.reopen_changed()
        plans = await self.plan()
        now = self._clock.now()
        for plan in plans:
            await self.store.mark_stale(
                plan.platform, plan.command, plan.service_id, plan.current, now
            )
        return plans

    async def schedule(self) -> int:
        """Announce new and moved deadlines, and queue the reminders due now."""
        knowledge = self._assistant.knowledge()
        now = self._clock.now()
        known = await self.store.known_deadlines()
        announce = await self.store.get_value(BASELINE_KEY) is not None
        record, announcements = deadline_changes(knowledge, known, now, announce)
        # Announcements are queued before the new dates are recorded: a process stopped in
        # between finds the change again next time instead of losing it.
        queued = await self._fan_out(announcements, now)
        if record:
            await self.store.record_deadlines(record)
            known = await self.store.known_deadlines()
        if not announce:
            await self.store.put_value(BASELINE_KEY, now.isoformat(), now)
        due = due_reminders(knowledge, known, now, self._options.policy)
        return queued + await self._fan_out(due, now)

    async def _fan_out(self, occurrences: list[Occurrence], now: datetime) -> int:
        if not occurrences:
            return 0
        done = await self.store.fanned_out(occurrences)
        fresh = [occurrence for occurrence in occurrences if occurrence not in done]
        return await self.store.fan_out(fresh, now) if fresh else 0

    async def tick(self) -> TickReport:
        """One round: plan edits if the content, a source check's findings or the date changed,
        schedule, drain queues."""
        report = TickReport()
        stamp = (
            self._assistant.knowledge().version,
            self._assistant.signals().version,
            self._clock.now().date().isoformat(),
        )
        if stamp != self._planned_for:
            plans = await self.refresh()
            report.edits_queued = sum(plan.messages for plan in plans)
            if self._planned_for is None or self._planned_for[2] != stamp[2]:
                report.purged = await self.store.purge(self._clock.now() - self._options.retention)
            self._planned_for = stamp
        report.reminders_queued = await self.schedule()
        outlets = list(self._outlets.values())
        drained = await asyncio.gather(*(self._drain(outlet) for outlet in outlets))
        for outlet, (reminders, edits) in zip(outlets, drained, strict=True):
            report.reminders[outlet.publisher.platform] = reminders
            report.edits[outlet.publisher.platform] = edits
        return report

    async def run(self) -> None:
        """Tick until stopped or cancelled; a failed tick is logged and retried on the next one."""
        while not self._stopped:
            # Cleared before the tick, not after: a wake-up (a reload, say) that arrives while a
            # tick is running must lead to another tick, not be lost.
            self._wake.clear()
            more = False
            try:
                more = (await self.tick()).more
            except StoreWriteError as error:
                if self.write_refused is not None:
                    self.write_refused(error)
                else:
                    log.exception("living answers: a tick failed; retrying later")
            except Exception:
                log.exception("living answers: a tick failed; retrying later")
            if not more and not self._stopped:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._options.tick_seconds)

    def wake(self) -> None:
        """Tick now (the knowledge base was reloaded, say) rather than at the next interval."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the call in progress, then give every other claimed item back to the queue;
        :meth:`run` returns after the tick in progress."""
        self._edits.stopping = True
        self._reminders.stopping = True
        self._checklist_edits.stopping = True
        self._stopped = True
        self._wake.set()

    async def backlog(self, platforms: Sequence[str] | None = None) -> tuple[int, int]:
        """Queued edits and reminders not yet done, over ``platforms`` (None: all)."""
        if platforms is None:
            return await self.store.pending_edits(), await self.store.reminder_backlog()
        edits = sum([await self.store.pending_edits(name) for name in platforms])
        reminders = sum([await self.store.reminder_backlog(name) for name in platforms])
        return edits, reminders

    async def _drain(self, outlet: Outlet) -> tuple[Drained, Drained]:
        # Reminders first: they are due at a time, edits only need to happen eventually.
        reminders = await self._reminders.drain(outlet)
        edits = await self._edits.drain(outlet)
        cards = await self._checklist_edits.drain(outlet)
        return reminders, _added(edits, cards)


def _added(edits: Drained, cards: Drained) -> Drained:
    """Edits of answers and of checklist cards, counted as one queue."""
    reasons = {**edits.skip_reasons}
    for reason, count in cards.skip_reasons.items():
        reasons[reason] = reasons.get(reason, 0) + count
    return Drained(
        edits.done + cards.done,
        edits.skipped + cards.skipped,
        edits.postponed + cards.postponed,
        edits.failed + cards.failed,
        edits.claimed + cards.claimed,
        reasons,
    )
