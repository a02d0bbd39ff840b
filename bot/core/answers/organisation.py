"""The organisation part of ``/optout``: the admin's control for a tool an organisation pays for."""

from __future__ import annotations

from bot.core.answers.citing import cited, labelled
from bot.core.knowledge import Organisation, Service
from bot.core.phrases.messages import Phrases
from bot.core.reply import Section
from bot.core.richtext import Link, RichText, Strong, Text


def organisation_sections(service: Service, phrases: Phrases) -> list[Section]:
    """Who changes it and where, then what each plan does by default; none for a personal tool."""
    organisation = service.organisation
    if organisation is None:
        return []
    titles = phrases.section_names
    return [
        _control(service, organisation, phrases),
        Section(titles.plan_defaults, items=_defaults(service, organisation, phrases)),
    ]


def _control(service: Service, organisation: Organisation, phrases: Phrases) -> Section:
    titles = phrases.section_names
    paragraphs: list[RichText] = [
        (Strong(f"{titles.admin_role}: "), *labelled(organisation.role)),
        cited(service, organisation.action, organisation.sources),
    ]
    if organisation.settings_url:
        paragraphs.append(
            (
                Text(f"{titles.direct_link}: "),
                Link(organisation.settings_url, organisation.settings_url),
            )
        )
    steps = tuple(labelled(step) for step in organisation.steps)
    return Section(titles.organisation, tuple(paragraphs), steps, numbered=bool(steps))


def _defaults(
    service: Service, organisation: Organisation, phrases: Phrases
) -> tuple[RichText, ...]:
    items: list[RichText] = []
    for plan in organisation.plans:
        text = phrases.plan_states[plan.state]
        if plan.text:
            text = f"{text}. {plan.text}"
        items.append((Strong(f"{plan.plan}: "), *cited(service, text, plan.sources)))
    prefix = phrases.section_names.cannot_turn_off
    for fact in organisation.cannot_turn_off:
        items.append((Strong(f"{prefix}: "), *cited(service, fact.text, fact.sources)))
    return tuple(items)
