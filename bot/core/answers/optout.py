"""``/optout``: the full opt-out answer for one service, or the grouped list of services."""

from __future__ import annotations

from datetime import datetime

from bot.core.answers.citing import cited, emphasised, labelled, source_links
from bot.core.answers.organisation import organisation_sections
from bot.core.knowledge import Control, Deadline, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.reply import Reply, Section
from bot.core.richtext import Command, DatePrecision, Link, RichText, Strong, Text, When
from bot.core.rules import is_stale


def answer(
    knowledge: KnowledgeBase, phrases: Phrases, service: Service | None, now: datetime
) -> Reply:
    """How to opt out of one service, or the list of every service."""
    if service is None:
        return answer_list(knowledge, phrases, now)
    return answer_service(service, phrases, now)


def answer_service(service: Service, phrases: Phrases, now: datetime) -> Reply:
    """Everything a person needs to opt out of one service, sourced and dated."""
    titles = phrases.section_names
    sections = [_coverage(service, titles.covered, titles.not_covered)]
    sections.append(
        Section(titles.default, (cited(service, service.default.text, service.default.sources),))
    )
    sections.extend(_steps(service, phrases))
    sections.extend(organisation_sections(service, phrases))
    if service.check:
        check: list[RichText] = [cited(service, service.check.text, service.check.sources)]
        if service.check.url:
            check.append((Link(service.check.url, service.check.url),))
        sections.append(Section(titles.check, tuple(check)))
    _add_list(
        sections, titles.does_not, [cited(service, f.text, f.sources) for f in service.does_not]
    )
    _add_list(
        sections,
        titles.retention,
        [cited(service, f"{r.condition}: {r.period}", r.sources) for r in service.retention],
    )
    _add_list(
        sections,
        titles.related_controls,
        [_control(service, c) for c in service.related_controls],
    )
    _add_list(
        sections,
        titles.disagreements,
        [cited(service, f.text, f.sources) for f in service.disagreements],
    )
    _add_list(sections, titles.dates, [_date_line(service, d) for d in service.deadlines])
    notices: tuple[RichText, ...] = ()
    if is_stale(service, now.date()):
        notices = (fill(phrases.stale_entry, date=service.last_verified.isoformat()),)
    return Reply(
        command="optout",
        title=service.name,
        summary=(*labelled(service.summary), Text(" "), *labelled(service.opt_out.text)),
        sections=tuple(sections),
        sources=source_links(service),
        verified=service.last_verified,
        service_id=service.id,
        generated_at=now,
        tone="warning" if notices else "info",
        shareable=True,
        notices=notices,
    )


def answer_list(knowledge: KnowledgeBase, phrases: Phrases, now: datetime) -> Reply:
    """Every service, grouped by category, with the command to ask about each."""
    grouped: dict[str, list[Service]] = {}
    for service in knowledge.index.services():
        grouped.setdefault(service.category, []).append(service)
    sections = []
    for category, title in phrases.category_names.items():
        members = grouped.get(category)
        if members:
            items = tuple(
                (Strong(member.name), Text(" — "), Command("optout", member.id))
                for member in members
            )
            sections.append(Section(title, items=items))
    return Reply(
        command="optout",
        title=phrases.list_title,
        summary=fill(phrases.list_intro, count=str(len(knowledge.services))),
        sections=tuple(sections),
        generated_at=now,
        shareable=True,
    )


def _coverage(service: Service, covered_title: str, not_covered_title: str) -> Section:
    coverage = service.applies_to
    items = [cited(service, entry, coverage.sources) for entry in coverage.covered]
    paragraphs: list[RichText] = []
    if coverage.regions:
        paragraphs.append(labelled(coverage.regions))
    if coverage.not_covered:
        excluded = "; ".join(coverage.not_covered)
        items.append((Strong(f"{not_covered_title}: "), *labelled(excluded)))
    return Section(covered_title, tuple(paragraphs), tuple(items))


def _steps(service: Service, phrases: Phrases) -> list[Section]:
    sections = []
    for group in service.steps:
        title = phrases.surface_names[group.surface]
        if group.title:
            title = f"{group.title} ({title})"
        paragraphs: tuple[RichText, ...] = ()
        if group.settings_url:
            link_label = phrases.section_names.direct_link
            paragraphs = ((Text(f"{link_label}: "), Link(group.settings_url, group.settings_url)),)
        steps = [labelled(step) for step in group.steps]
        steps[-1] = cited(service, group.steps[-1], group.sources)
        sections.append(Section(title, paragraphs, tuple(steps), numbered=True))
    return sections


def _control(service: Service, control: Control) -> RichText:
    rich: RichText = (
        *emphasised(control.name),
        Text(": "),
        *cited(service, control.text, control.sources),
    )
    if control.url:
        rich = (*rich, Text(" "), Link(control.url, control.url))
    return rich


def _date_line(service: Service, deadline: Deadline) -> RichText:
    precision: DatePrecision = "minute" if deadline.time else "day"
    return (
        When(deadline.instant, precision),
        Text(" — "),
        *labelled(deadline.title),
        Text(" ("),
        Command("deadline", service.id),
        Text(")"),
    )


def _add_list(sections: list[Section], title: str, items: list[RichText]) -> None:
    if items:
        sections.append(Section(title, items=tuple(items)))
