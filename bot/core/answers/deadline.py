"""``/deadline``: dated events, upcoming first with countdowns, then recently passed ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.answers import listing
from bot.core.answers.citing import labelled
from bot.core.answers.clipping import clip_plain, clip_words
from bot.core.catalogue import GUIDE_VARIANT
from bot.core.knowledge import Deadline, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.reply import Reply, Section
from bot.core.richtext import Command, DatePrecision, Link, RichText, Span, Strong, Text, When

# Across the whole knowledge base only recent history is news; one service shows all of its own.
RECENTLY_PASSED = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Event:
    """One deadline of one service."""

    service: Service
    deadline: Deadline

    def passed(self, now: datetime) -> bool:
        """True once the event's day (or exact time) is over."""
        return self.deadline.ends <= now


def timeline(services: tuple[Service, ...] | list[Service]) -> list[Event]:
    """Every dated event, in date order."""
    events = [Event(service, deadline) for service in services for deadline in service.deadlines]
    return sorted(events, key=lambda event: (event.deadline.instant, event.service.id))


def answer(
    knowledge: KnowledgeBase, phrases: Phrases, service: Service | None, now: datetime
) -> Reply:
    """One service's dated events, or those of every service."""
    if service is None:
        return answer_all(knowledge, phrases, now)
    return answer_service(service, phrases, now)


def answer_all(knowledge: KnowledgeBase, phrases: Phrases, now: datetime) -> Reply:
    """Upcoming events across every service, then those passed within the recent window."""
    events = timeline(knowledge.services)
    upcoming = [event for event in events if not event.passed(now)]
    passed = [event for event in reversed(events) if event.passed(now)]
    recent = [event for event in passed if now - event.deadline.ends <= RECENTLY_PASSED]
    older = len(passed) - len(recent)
    summary = phrases.deadlines_intro if events else phrases.no_deadlines
    if older:
        summary = f"{summary} {phrases.deadlines_older}"
    intro = fill(summary, count=str(older))
    return _reply(phrases.deadlines_title, intro, upcoming, recent, phrases, now, None)


def answer_service(service: Service, phrases: Phrases, now: datetime) -> Reply:
    """Every dated event of one service, upcoming first, then all passed ones."""
    events = timeline([service])
    if not events:
        summary = phrases.no_deadlines_for.format(service=service.name)
    else:
        summary = service.summary
    upcoming = [event for event in events if not event.passed(now)]
    passed = [event for event in reversed(events) if event.passed(now)]
    title = phrases.deadlines_for_title.format(service=service.name)
    intro = clip_words(labelled(summary), listing.SUMMARY_CHARS)
    return _reply(title, intro, upcoming, passed, phrases, now, service)


def _reply(
    title: str,
    summary: RichText,
    upcoming: list[Event],
    passed: list[Event],
    phrases: Phrases,
    now: datetime,
    service: Service | None,
) -> Reply:
    show_name = service is None
    entries = [_item(event, False, show_name) for event in upcoming]
    entries += [_item(event, True, show_name) for event in passed]
    kept = listing.shown(entries, listing.LISTING_COST - listing.cost(summary))
    sections = []
    if kept.entries[: len(upcoming)]:
        sections.append(Section(phrases.deadlines_upcoming, items=kept.entries[: len(upcoming)]))
    if kept.entries[len(upcoming) :]:
        sections.append(Section(phrases.deadlines_passed, items=kept.entries[len(upcoming) :]))
    if kept.left_out:
        sections.append(Section(None, (_more(phrases, service, kept.left_out),)))
    return Reply(
        command="deadline",
        title=title,
        summary=summary,
        sections=tuple(sections),
        verified=service.last_verified if service else None,
        service_id=service.id if service else None,
        generated_at=now,
        shareable=True,
    )


def _more(phrases: Phrases, service: Service | None, count: int) -> RichText:
    """Where the entries a listing left out are."""
    words = phrases.listing
    if service is None:
        return fill(words.deadlines_more, count=str(count))
    guide = (Command("optout", f"{service.id} {GUIDE_VARIANT}"),)
    return fill(words.deadlines_more_for, count=str(count), guide=guide)


def _item(event: Event, passed: bool, show_name: bool) -> RichText:
    deadline, service = event.deadline, event.service
    precision: DatePrecision = "minute" if deadline.time else "day"
    spans: list[Span] = [When(deadline.instant, precision, relative=True), Text(" — ")]
    if show_name:
        spans += [Strong(clip_plain(service.name, listing.NAME_CHARS)), Text(": ")]
    spans.extend(clip_words(labelled(deadline.title), listing.TITLE_CHARS))
    if deadline.history:
        spans.extend(_history(deadline))
    if passed:
        spans.append(Text(". "))
        spans.append(Strong("Passed."))
        if deadline.after:
            spans.append(Text(" "))
            spans.extend(clip_words(labelled(deadline.after), listing.ENTRY_TEXT_CHARS))
    elif deadline.action:
        spans.append(Text(". "))
        spans.extend(clip_words(labelled(deadline.action), listing.ENTRY_TEXT_CHARS))
    source = service.source_by_id.get(deadline.sources[0])
    if source:
        publisher = clip_plain(source.publisher, listing.PUBLISHER_CHARS)
        spans.extend((Text(" ("), Link(source.url, publisher), Text(")")))
    return tuple(spans)


def _history(deadline: Deadline) -> list[Span]:
    """'(first 28 Sep 2025, moved to 8 Oct 2025)' with each date as a date span."""
    zone = deadline.instant.tzinfo
    dates = [entry.due for entry in deadline.history] + [deadline.due]
    if len(dates) > listing.HISTORY_DATES:
        # The first date and the latest moves; the guide has every one.
        dates = [dates[0], *dates[1 - listing.HISTORY_DATES :]]
    spans: list[Span] = [Text(" (first ")]
    for position, day in enumerate(dates):
        if position:
            spans.append(Text(", moved to "))
        spans.append(When(datetime(day.year, day.month, day.day, tzinfo=zone)))
    spans.append(Text(")"))
    return spans
