"""The queues living answers drain into a platform: edits of posted answers, and reminders
(checklist cards are edited through the same loop, in ``checklists.py``).

Each claims a batch from the store, call the platform through its ``Publisher`` at the pace of
its ``Pacer``, and write each outcome back at once, so a process stopped at any point leaves at
most one call in doubt. Reminders settle that doubt through the idempotency key before posting
again; a repeated edit is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Generic, Protocol, TypeVar

from bot.core.answers.checklist import with_open_item
from bot.core.assistant import Assistant
from bot.core.clock import Clock
from bot.core.living.edits import change_mark, update_line, with_update_line
from bot.core.living.fingerprint import fingerprint
from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy, reminder_reply, verdict
from bot.core.ports.answers import EditJob
from bot.core.ports.publishing import MessageGoneError, Publisher, PublishError, RateLimitedError
from bot.core.ports.reminders import ReminderJob
from bot.core.ports.store import Store

log = logging.getLogger(__name__)

# A post that failed this many times for reasons other than a rate limit is given up.
MAX_ATTEMPTS = 5
# An edit that failed for an unknown reason is tried again after this long.
EDIT_BACKOFF = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Outlet:
    """A platform's publisher and the pace the queues may use it at."""

    publisher: Publisher
    pacer: Pacer


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """Who this process is to the store, how long its claims last and how much it takes."""

    owner: str
    lease: timedelta = timedelta(minutes=2)
    batch: int = 50


@dataclass(slots=True)
class Drained:
    """What one pass over a queue did."""

    done: int = 0
    skipped: int = 0
    postponed: int = 0
    failed: int = 0
    claimed: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    async def hand_back(
        self,
        postpone: Callable[[list[int], datetime], Awaitable[object]],
        jobs: Sequence[Job],
        until: datetime,
    ) -> None:
        """Return claimed jobs not (or not successfully) tried to their queue until ``until``."""
        await postpone([job.id for job in jobs], until)
        self.postponed += len(jobs)

    def count(self, skipped: str | None) -> None:
        """Count one job tried: done (None), or skipped for the reason given."""
        if skipped is None:
            self.done += 1
        else:
            self.skipped += 1
            self.skip_reasons[skipped] = self.skip_reasons.get(skipped, 0) + 1

    @property
    def full(self) -> bool:
        """True when the pass took a whole batch, so more work may be waiting."""
        return self.claimed > 0 and self.postponed == 0


class Job(Protocol):
    """A claimed job of any queue, known to the store by its id."""

    @property
    def id(self) -> int: ...


J = TypeVar("J", bound=Job)


@dataclass(frozen=True, slots=True)
class Queue(Generic[J]):
    """One queue: how its jobs are claimed and given back, tried, and what a failure does."""

    claim: Callable[[str, int, str, datetime, timedelta], Awaitable[list[J]]]
    postpone: Callable[[list[int], datetime], Awaitable[None]]
    # None once the job is done, otherwise why it was skipped.
    attempt: Callable[[Outlet, J], Awaitable[str | None]]
    failed: Callable[[Outlet, J, Exception], Awaitable[None]]


class QueueWorker(Generic[J]):
    """Drains one queue into a platform a batch at a time; once ``stopping`` is set, what it
    claimed and did not try goes back to the queue."""

    def __init__(self, clock: Clock, options: WorkerOptions, queue: Queue[J]) -> None:
        self._clock = clock
        self._options = options
        self._queue = queue
        self.stopping = False

    async def drain(self, outlet: Outlet) -> Drained:
        """Try one batch of due jobs on the outlet's platform."""
        clock, options, queue, report = self._clock, self._options, self._queue, Drained()
        platform = outlet.publisher.platform
        jobs = await queue.claim(platform, options.batch, options.owner, clock.now(), options.lease)
        report.claimed = len(jobs)
        for position, job in enumerate(jobs):
            if self.stopping:
                # Not tried by this process; a call already in doubt stays in doubt.
                await report.hand_back(queue.postpone, jobs[position:], clock.now())
                break
            try:
                skipped = await queue.attempt(outlet, job)
            except RateLimitedError as limit:
                outlet.pacer.limited(limit.retry_after)
                until = clock.now() + timedelta(seconds=limit.retry_after)
                # The refused call is known not to have happened; later ones were not tried.
                await report.hand_back(queue.postpone, jobs[position:], until)
                break
            except Exception as error:
                await queue.failed(outlet, job, error)
                report.failed += 1
            else:
                report.count(skipped)
        return report


def edit_queue(
    claim: Callable[[str, int, str, datetime, timedelta], Awaitable[list[J]]],
    postpone: Callable[[list[int], datetime], Awaitable[None]],
    forget: Callable[[int], Awaitable[None]],
    edit: Callable[[Outlet, J], Awaitable[None]],
    log_failure: Callable[[Outlet, Exception], None],
    clock: Clock,
) -> Queue[J]:
    """A queue of edits of posted messages: each paced, forgotten once its message is gone,
    and tried again after ``EDIT_BACKOFF`` when it failed (a repeated edit is harmless)."""

    async def attempt(outlet: Outlet, job: J) -> str | None:
        await outlet.pacer.acquire()
        try:
            await edit(outlet, job)
        except MessageGoneError:
            await forget(job.id)
            return "gone"
        return None

    async def failed(outlet: Outlet, job: J, error: Exception) -> None:
        log_failure(outlet, error)
        await postpone([job.id], clock.now() + EDIT_BACKOFF)

    return Queue(claim, postpone, attempt, failed)


class EditWorker(QueueWorker[EditJob]):
    """Edits posted answers whose content changed, adding the update line."""

    def __init__(
        self, store: Store, clock: Clock, options: WorkerOptions, assistant: Assistant
    ) -> None:
        self._store = store
        self._assistant = assistant
        log_failure = partial(_log_failure, "an edit")
        queue = edit_queue(
            store.claim_edits, store.postpone_edits, store.forget, self._edit, log_failure, clock
        )
        super().__init__(clock, options, queue)

    async def _edit(self, outlet: Outlet, job: EditJob) -> None:
        assistant = self._assistant
        knowledge = assistant.knowledge()
        reply = assistant.run(job.command, job.service_id)
        if reply.tone == "error":
            # The answer no longer exists (its service was removed): stop following it.
            raise MessageGoneError("the answer no longer exists")
        now = self._clock.now()
        phrases = assistant.phrases().living
        note = update_line(phrases, knowledge, job.service_id, job.change_mark, now.date())
        await outlet.publisher.edit(job.message, with_update_line(reply, note))
        mark = change_mark(knowledge, job.service_id)
        await self._store.edited(job, fingerprint(reply), mark, self._clock.now())


class ReminderWorker(QueueWorker[ReminderJob]):
    """Posts queued reminders and announcements, each exactly once."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        options: WorkerOptions,
        policy: ReminderPolicy,
        assistant: Assistant,
    ) -> None:
        self._store = store
        self._policy = policy
        self._assistant = assistant
        queue = Queue(store.claim_reminders, store.postpone_reminders, self._deliver, self._failed)
        super().__init__(clock, options, queue)

    async def _deliver(self, outlet: Outlet, job: ReminderJob) -> str | None:
        knowledge = self._assistant.knowledge()
        now = self._clock.now()
        outcome, late = verdict(knowledge, job.occurrence, now, self._policy)
        reply = None
        if outcome == "post":
            phrases = self._assistant.phrases().living
            reply = reminder_reply(knowledge, phrases, job.occurrence, now, late)
        if reply is None:
            reason = "moved" if outcome == "post" else outcome
            await self._store.reminder_skipped(job.id, reason, now)
            return reason
        if job.occurrence.service_id in await self._store.open_items(job.channel):
            reply = with_open_item(reply, knowledge, self._assistant.phrases())
        publisher = outlet.publisher
        try:
            if job.in_doubt:
                await outlet.pacer.acquire()
                if await publisher.find(job.channel, job.key) is not None:
                    await self._store.reminder_posted(job.id, late, self._clock.now())
                    return None
            await outlet.pacer.acquire()
            await publisher.post(job.channel, reply, job.key)
        except MessageGoneError:
            # The channel is gone or closed to the bot: it wants no more reminders.
            await self._store.reminder_skipped(job.id, "gone", self._clock.now())
            await self._store.unsubscribe(job.channel, None)
            return "gone"
        await self._store.reminder_posted(job.id, late, self._clock.now())
        return None

    async def _failed(self, outlet: Outlet, job: ReminderJob, error: Exception) -> None:
        _log_failure("a reminder", outlet, error)
        # Otherwise the claim stays: when its lease runs out the post is retried, in doubt.
        if job.attempts >= MAX_ATTEMPTS:
            await self._store.reminder_skipped(job.id, "failed", self._clock.now())


def _log_failure(what: str, outlet: Outlet, error: Exception) -> None:
    # A platform's refusal (a 500, a timeout) is an expected fault: one line, no traceback.
    platform = outlet.publisher.platform
    if isinstance(error, PublishError):
        log.warning("living answers: %s on %s failed: %s", what, platform, error)
    else:
        log.error("living answers: %s on %s failed", what, platform, exc_info=error)
