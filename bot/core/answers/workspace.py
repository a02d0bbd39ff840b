"""``/optout workspace``: the workplace tools an organisation pays for, grouped by what to do.

Each tool is one line: the admin's action, its default per plan (condensed) and its next date.
Only services with an ``organisation`` section are workplace tools here.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.answers.citing import labelled
from bot.core.knowledge import Deadline, Organisation, PlanState, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrases.workspace import WorkspacePhrases
from bot.core.phrasing import fill
from bot.core.reply import Picker, PickOption, Reply, Section
from bot.core.richtext import DatePrecision, Link, RichText, Span, Strong, Text, When

# One button per item must fit under one message on every platform (Discord: 25 components).
MAX_ITEMS = 20

# The groups in the order they are shown, and which plan state puts a tool in each: the first
# group any of its plans calls for wins ("Turn off" when one plan defaults to on).
GROUPS: tuple[tuple[str, frozenset[PlanState]], ...] = (
    ("group_turn_off", frozenset({"on"})),
    ("group_check_plan", frozenset({"varies"})),
    ("group_no_switch", frozenset({"always"})),
    ("group_nothing", frozenset({"off", "not-applicable"})),
)


def workplace_tools(knowledge: KnowledgeBase) -> list[Service]:
    """Services with an organisation section, by name."""
    tools = [service for service in knowledge.services if service.organisation is not None]
    return sorted(tools, key=lambda service: service.name.casefold())


def tool_picker(tools: list[Service], words: WorkspacePhrases, hint: RichText = ()) -> Picker:
    """A menu of ``tools`` by name, as many at once as a checklist holds."""
    options = tuple(PickOption(service.id, service.name) for service in tools)
    return Picker(words.picker_placeholder, options, min(MAX_ITEMS, len(options)), hint)


def answer(knowledge: KnowledgeBase, phrases: Phrases, argument: str, now: datetime) -> Reply:
    """The organisation view of every workplace tool, with the checklist picker under it: the
    natural next step after reading it is a checklist of the tools the team uses."""
    words = phrases.workspace
    tools = workplace_tools(knowledge)
    grouped: dict[str, list[RichText]] = {name: [] for name, _ in GROUPS}
    for service in tools:
        organisation = service.organisation
        assert organisation is not None
        grouped[group_of(organisation)].append(tool_line(service, organisation, words, now))
    sections = tuple(
        Section(getattr(words, name), items=tuple(lines))
        for name, lines in grouped.items()
        if lines
    )
    return Reply(
        command="optout",
        title=words.title,
        summary=fill(words.intro, count=str(len(tools))),
        sections=sections,
        generated_at=now,
        picker=tool_picker(tools, words, fill(words.picker_hint)) if tools else None,
    )


def group_of(organisation: Organisation) -> str:
    """The group a tool belongs in, by what its plans do by default."""
    states = {plan.state for plan in organisation.plans}
    for name, wanted in GROUPS:
        if states & wanted:
            return name
    return GROUPS[-1][0]


def tool_line(
    service: Service, organisation: Organisation, words: WorkspacePhrases, now: datetime
) -> RichText:
    """'**Slack** — <action> Default: on: Free, Pro · varies: Enterprise. Next date: …'."""
    spans: list[Span] = [Strong(service.name), Text(" — "), *labelled(organisation.action)]
    spans += [Text(f" {words.default}: {condensed(organisation, words)}.")]
    upcoming = next_deadline(service, organisation, now)
    if upcoming is not None:
        precision: DatePrecision = "minute" if upcoming.time else "day"
        spans += [Text(f" {words.next_date}: "), When(upcoming.instant, precision, relative=True)]
        spans += [Text(" — "), *labelled(upcoming.title.rstrip(".")), Text(".")]
    if organisation.settings_url:
        spans += [Text(" "), Link(organisation.settings_url, words.admin)]
    return tuple(spans)


def condensed(organisation: Organisation, words: WorkspacePhrases) -> str:
    """Plans grouped by their default, e.g. 'on: Free, Pro · not used: Enterprise'."""
    by_state: dict[PlanState, list[str]] = {}
    for plan in organisation.plans:
        by_state.setdefault(plan.state, []).append(plan.plan)
    return " · ".join(
        f"{words.state_words[state]}: {', '.join(plans)}" for state, plans in by_state.items()
    )


def next_deadline(service: Service, organisation: Organisation, now: datetime) -> Deadline | None:
    """The earliest date concerning organisations that has not passed."""
    wanted = set(organisation.deadlines)
    dates = [
        deadline for deadline in service.deadlines if deadline.id in wanted and deadline.ends > now
    ]
    return min(dates, key=lambda deadline: deadline.instant, default=None)
