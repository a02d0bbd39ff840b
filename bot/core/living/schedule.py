"""When reminders fire, which ones are due now, and what a reminder says. Pure functions.

Reminders fire on whole days before a deadline (by default 14, 3, 1 and 0 days), at a fixed
hour in the deadline's own time zone. A deadline is announced once when it appears or moves;
reminders whose time had already passed when the bot first saw the deadline are never sent (the
announcement covers them). When several reminders of one deadline are due at once, because the
bot was down, only the nearest one is posted; it is marked late, and dropped once the grace
period or the deadline itself has passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from bot.core.answers.citing import labelled
from bot.core.knowledge import Deadline, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.living import LivingPhrases
from bot.core.phrasing import fill
from bot.core.ports.reminders import KnownDeadline, Occurrence
from bot.core.reply import Reply, Section
from bot.core.richtext import DatePrecision, Link, RichText, Span, Text, When

ADDED = "added"
MOVED = "moved"
REMIND_PREFIX = "remind-"

Verdict = Literal["post", "passed", "missed", "moved"]


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """Reminder offsets in days before a deadline, and how late a reminder may still go out."""

    offsets: tuple[int, ...] = (14, 3, 1, 0)
    hour: int = 9
    grace: timedelta = timedelta(hours=48)
    # A reminder posted later than this after its time says it is late.
    late_after: timedelta = timedelta(minutes=15)
    # A deadline at an exact time is reminded of on its day at least this long before it.
    timed_margin: timedelta = timedelta(hours=1)


def due_key(deadline: Deadline) -> str:
    """The deadline's date (and time and zone) as text: it changes exactly when the date moves."""
    return deadline.instant.isoformat()


def reminder_kind(days: int) -> str:
    """'remind-3d'."""
    return f"{REMIND_PREFIX}{days}d"


def fire_at(deadline: Deadline, days: int, policy: ReminderPolicy) -> datetime:
    """When the reminder ``days`` before ``deadline`` is posted."""
    zone = deadline.instant.tzinfo
    day = deadline.due - timedelta(days=days)
    at = datetime.combine(day, time(policy.hour), tzinfo=zone)
    latest = deadline.instant - policy.timed_margin
    if deadline.time and at > latest:
        at = max(latest, datetime.combine(day, time(0), tzinfo=zone))
    return at


def upcoming(knowledge: KnowledgeBase, now: datetime) -> Iterable[tuple[Service, Deadline]]:
    """Every deadline whose day (or exact time) has not passed yet."""
    for service in knowledge.services:
        for deadline in service.deadlines:
            if deadline.ends > now:
                yield service, deadline


def deadline_changes(
    knowledge: KnowledgeBase, known: Sequence[KnownDeadline], now: datetime, announce: bool
) -> tuple[list[KnownDeadline], list[Occurrence]]:
    """Deadlines to record as seen, and announcements of those added or moved since last seen.

    ``announce`` is False on the very first pass, which only takes note of what exists.
    """
    seen = {(entry.service_id, entry.deadline_id): entry for entry in known}
    record: list[KnownDeadline] = []
    announcements: list[Occurrence] = []
    for service, deadline in upcoming(knowledge, now):
        key = due_key(deadline)
        previous = seen.get((service.id, deadline.id))
        if previous is not None and previous.due_key == key:
            continue
        record.append(KnownDeadline(service.id, deadline.id, key, now))
        if announce:
            kind = ADDED if previous is None else MOVED
            announcements.append(Occurrence(service.id, deadline.id, key, kind, now))
    return record, announcements


def due_reminders(
    knowledge: KnowledgeBase,
    known: Sequence[KnownDeadline],
    now: datetime,
    policy: ReminderPolicy,
) -> list[Occurrence]:
    """For each upcoming deadline, its nearest reminder that is due now and still worth posting.

    Reminders due before the deadline was first seen are never due; one due longer ago than the
    grace period is dropped.
    """
    seen = {(entry.service_id, entry.deadline_id): entry for entry in known}
    due = []
    for service, deadline in upcoming(knowledge, now):
        entry = seen.get((service.id, deadline.id))
        key = due_key(deadline)
        if entry is None or entry.due_key != key:
            continue
        times = [(fire_at(deadline, days, policy), days) for days in policy.offsets]
        ready = [(at, days) for at, days in times if entry.first_seen <= at <= now]
        if not ready:
            continue
        at, days = max(ready)
        if now - at <= policy.grace:
            due.append(Occurrence(service.id, deadline.id, key, reminder_kind(days), at))
    return due


def verdict(
    knowledge: KnowledgeBase, occurrence: Occurrence, now: datetime, policy: ReminderPolicy
) -> tuple[Verdict, bool]:
    """Whether a queued post should go out now, and whether it is late."""
    found = _find(knowledge, occurrence)
    if found is None or due_key(found[1]) != occurrence.due_key:
        return "moved", False
    if found[1].ends <= now:
        return "passed", False
    if now - occurrence.fire_at > policy.grace:
        return "missed", False
    return "post", now - occurrence.fire_at > policy.late_after


def reminder_reply(
    knowledge: KnowledgeBase,
    phrases: LivingPhrases,
    occurrence: Occurrence,
    now: datetime,
    late: bool,
) -> Reply | None:
    """What a reminder or an announcement says; None when the deadline no longer exists."""
    found = _find(knowledge, occurrence)
    if found is None:
        return None
    service, deadline = found
    title = {ADDED: phrases.added_title, MOVED: phrases.moved_title}.get(
        occurrence.kind, phrases.reminder_title
    )
    notices: tuple[RichText, ...] = ()
    if late:
        fired = occurrence.fire_at.astimezone(deadline.instant.tzinfo).date()
        day = When(datetime(fired.year, fired.month, fired.day, tzinfo=UTC), "day")
        notices = (fill(phrases.late, date=(day,)),)
    source = service.source_by_id.get(deadline.sources[0])
    return Reply(
        command="deadline",
        title=title.format(service=service.name),
        summary=_summary(deadline, moved=occurrence.kind == MOVED),
        sections=(Section(None, (fill(phrases.reminder_footer),)),),
        sources=(Link(source.url, source.publisher),) if source else (),
        service_id=service.id,
        generated_at=now,
        tone="warning" if deadline.kind == "deadline" else "info",
        notices=notices,
    )


def _summary(deadline: Deadline, moved: bool) -> RichText:
    precision: DatePrecision = "minute" if deadline.time else "day"
    spans: list[Span] = [When(deadline.instant, precision, relative=True), Text(" — ")]
    spans.extend(labelled(deadline.title))
    if moved and deadline.history:
        zone = deadline.instant.tzinfo
        before = deadline.history[-1].due
        spans += [
            Text(" (moved from "),
            When(datetime(before.year, before.month, before.day, tzinfo=zone)),
            Text(")"),
        ]
    if deadline.action:
        spans.append(Text(". "))
        spans.extend(labelled(deadline.action))
    return tuple(spans)


def _find(knowledge: KnowledgeBase, occurrence: Occurrence) -> tuple[Service, Deadline] | None:
    service = knowledge.service(occurrence.service_id)
    if service is None:
        return None
    for deadline in service.deadlines:
        if deadline.id == occurrence.deadline_id:
            return service, deadline
    return None
