"""Which posted answers a knowledge-base change affects, and the line that explains each edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from bot.core.answers.citing import labelled
from bot.core.assistant import Assistant
from bot.core.knowledge import Change, Service
from bot.core.library import KnowledgeBase
from bot.core.living.fingerprint import PartChange, compare, fingerprint
from bot.core.phrases.living import LivingPhrases
from bot.core.phrasing import fill
from bot.core.ports.answers import AnswerGroup, AnswerPrint
from bot.core.reply import Reply
from bot.core.richtext import RichText, Span, Strong, Text, When

# An update line names this many change-log entries at most, then counts the rest.
NOTE_ENTRIES = 2


@dataclass(frozen=True, slots=True)
class PlannedEdit:
    """Posted messages of one answer on one platform whose content changed, and how."""

    platform: str
    command: str
    service_id: str | None
    messages: int
    change: PartChange
    current: AnswerPrint
    note: RichText

    @property
    def label(self) -> str:
        """The platform and the answer as a command line, e.g. 'slack /deadline chatterbox'."""
        return f"{self.platform} {answer_label(self.command, self.service_id)}"


def answer_label(command: str, service_id: str | None) -> str:
    """'/optout claude', or '/optout' for an answer about every service."""
    return f"/{command} {service_id}" if service_id else f"/{command}"


def plan_edits(
    groups: Sequence[AnswerGroup], assistant: Assistant, today: date
) -> list[PlannedEdit]:
    """The tracked answers whose current content differs from what was posted.

    Each distinct answer is rendered once, however many messages on any platform show it. An
    answer that no longer exists (its service was removed) is left as it is.
    """
    current: dict[tuple[str, str | None], tuple[Reply, AnswerPrint] | None] = {}
    plans = []
    for group in groups:
        key = (group.command, group.service_id)
        if key not in current:
            reply = assistant.run(group.command, group.service_id)
            current[key] = None if reply.tone == "error" else (reply, fingerprint(reply))
        rendered = current[key]
        if rendered is None or rendered[1].digest == group.content.digest:
            continue
        reply, shown = rendered
        living = assistant.phrases().living
        knowledge = assistant.knowledge()
        note = update_line(living, knowledge, group.service_id, group.change_mark, today)
        change = compare(group.content, reply)
        plans.append(
            PlannedEdit(
                group.platform,
                group.command,
                group.service_id,
                group.count,
                change,
                shown,
                note,
            )
        )
    return _merged(plans)


def with_update_line(reply: Reply, note: RichText) -> Reply:
    """The reply with its update line shown first among the notices."""
    return replace(reply, notices=(note, *reply.notices))


def change_mark(knowledge: KnowledgeBase, service_id: str | None) -> date | None:
    """The newest change-log date an answer about ``service_id`` (None: all) reflects."""
    dates = [change.date for _, change in _log(knowledge, service_id)]
    return max(dates, default=None)


def update_line(
    phrases: LivingPhrases,
    knowledge: KnowledgeBase,
    service_id: str | None,
    mark: date | None,
    today: date,
) -> RichText:
    """'Updated 28 Nov 2026: <the change-log entries newer than ``mark``>'."""
    entries = [
        (service, change)
        for service, change in _log(knowledge, service_id)
        if mark is None or change.date > mark
    ]
    entries.sort(key=lambda entry: (entry[1].date, entry[0].id), reverse=True)
    change: list[Span] = []
    for position, (service, entry) in enumerate(entries[:NOTE_ENTRIES]):
        if position:
            change.append(Text("; "))
        if service_id is None:
            change += [Strong(service.name), Text(": ")]
        change.extend(labelled(entry.summary.rstrip(".")))
    if len(entries) > NOTE_ENTRIES:
        change.append(Text(f" (+{len(entries) - NOTE_ENTRIES} more)"))
    if not change:
        change.append(Text(phrases.updated_unexplained))
    day = When(datetime(today.year, today.month, today.day, tzinfo=UTC), "day")
    return fill(phrases.updated, date=(day,), change=tuple(change))


def _log(knowledge: KnowledgeBase, service_id: str | None) -> list[tuple[Service, Change]]:
    if service_id is None:
        services: tuple[Service, ...] = knowledge.services
    else:
        found = knowledge.service(service_id)
        services = (found,) if found else ()
    return [(service, change) for service in services for change in service.changes]


def _merged(plans: list[PlannedEdit]) -> list[PlannedEdit]:
    """One plan per answer and old content: groups differing only in change mark are joined."""
    merged: dict[tuple[str, str, str | None, PartChange], PlannedEdit] = {}
    for plan in plans:
        key = (plan.platform, plan.command, plan.service_id, plan.change)
        if key in merged:
            earlier = merged[key]
            merged[key] = replace(earlier, messages=earlier.messages + plan.messages)
        else:
            merged[key] = plan
    return sorted(merged.values(), key=lambda plan: (plan.label, -plan.messages))
