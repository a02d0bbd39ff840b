"""What autocomplete offers before anything is typed: the services worth acting on first.

A platform shows a few choices (Discord 25); an alphabetical cut would hide the end of the
alphabet for good. Upcoming dates come first, soonest first, then services with something to
do, most recently changed first; a person looking for another one types a letter.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.timing import format_day

# Opt-out kinds where a person has something to do, ranked before those with nothing.
ACTIONABLE = frozenset({"setting", "form", "request", "admin"})


def starters(
    knowledge: KnowledgeBase, phrases: Phrases, now: datetime, limit: int
) -> list[tuple[str, str]]:
    """At most ``limit`` (label, service id) choices for an empty fragment."""
    chosen: list[tuple[str, str]] = []
    upcoming = sorted(
        (
            (deadline.instant, service)
            for service in knowledge.services
            for deadline in service.deadlines
            if deadline.ends > now
        ),
        key=lambda pair: (pair[0], pair[1].name),
    )
    seen: set[str] = set()
    for instant, service in upcoming:
        if service.id not in seen:
            seen.add(service.id)
            label = phrases.card.upcoming_choice.replace("{service}", service.name)
            chosen.append((label.replace("{date}", format_day(instant)), service.id))
    rest = sorted((service for service in knowledge.services if service.id not in seen), key=_rank)
    chosen += [(service.name, service.id) for service in rest]
    return chosen[:limit]


def _rank(service: Service) -> tuple[bool, int, str]:
    changed = max((change.date for change in service.changes), default=service.last_verified)
    return (service.opt_out.kind not in ACTIONABLE, -_days(changed), service.name)


def _days(day: date) -> int:
    return day.toordinal()
