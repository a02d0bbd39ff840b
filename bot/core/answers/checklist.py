"""``/optout checklist <tool> <tool>…``: a card the team ticks, one line per workplace tool.

The front door answers with the card as it looks when posted (every item open); a platform posts
it through the sharing flow, and living answers keep the marks. In the console it is printed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.answers.citing import labelled
from bot.core.answers.workspace import MAX_ITEMS, tool_picker, workplace_tools
from bot.core.knowledge import Organisation, Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrases.workspace import WorkspacePhrases
from bot.core.phrasing import fill
from bot.core.ports.checklists import ChecklistEntry
from bot.core.reply import CheckItem, Reply, Section
from bot.core.request import MAX_QUERY_CHARS, clean, echo
from bot.core.richtext import Link, Person, RichText, Span, Strong, Text, UserText, When

# A service name is at most this many words ("microsoft 365 copilot").
MAX_NAME_WORDS = 4
ALL_TOOLS = "all"
# The parts of a tool's organisation facts whose change re-opens a done item, in order.
FACT_PARTS = ("action", "plans", "limits", "dates")


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the words of a checklist request name."""

    services: tuple[Service, ...] = ()
    unknown: tuple[str, ...] = ()
    not_workplace: tuple[Service, ...] = ()


def choose(knowledge: KnowledgeBase, argument: str) -> Chosen:
    """The services named in ``argument`` (names of several words, commas or spaces between),
    each once, in the order named; ``all`` names every workplace tool."""
    words = clean(argument.replace(",", " "), MAX_QUERY_CHARS * MAX_ITEMS).split()
    found: list[Service] = []
    unknown: list[str] = []
    position = 0
    while position < len(words):
        if words[position].casefold() == ALL_TOOLS:
            found += [service for service in knowledge.services if service.organisation]
            position += 1
            continue
        service, used = _longest_name(knowledge, words, position)
        if service is None:
            unknown.append(words[position])
            position += 1
        else:
            found.append(service)
            position += used
    distinct = tuple({service.id: service for service in found}.values())
    return Chosen(
        services=tuple(service for service in distinct if service.organisation),
        unknown=tuple(dict.fromkeys(unknown)),
        not_workplace=tuple(service for service in distinct if not service.organisation),
    )


def answer(knowledge: KnowledgeBase, phrases: Phrases, argument: str, now: datetime) -> Reply:
    """The checklist card for the tools named, every item open; or what is wrong with them."""
    words = phrases.workspace
    chosen = choose(knowledge, argument)
    if chosen.unknown:
        return _problem(knowledge, phrases, chosen.unknown)
    if chosen.not_workplace:
        names = ", ".join(service.name for service in chosen.not_workplace)
        return _error(fill(words.checklist_not_workplace, services=names))
    if not chosen.services:
        return picker(knowledge, phrases, now)
    entries = [ChecklistEntry(service.id) for service in chosen.services[:MAX_ITEMS]]
    reply = card(knowledge, phrases, entries, now)
    if len(chosen.services) > MAX_ITEMS:
        notice = fill(words.checklist_too_long, count=str(MAX_ITEMS))
        return replace(reply, notices=(notice,))
    return reply


def picker(knowledge: KnowledgeBase, phrases: Phrases, now: datetime) -> Reply:
    """A private menu of every workplace tool, by name; choosing posts their checklist."""
    words = phrases.workspace
    tools = workplace_tools(knowledge)
    if not tools:
        return _error(fill(words.checklist_usage))
    return Reply(
        command="optout",
        title="",
        summary=fill(words.picker_intro),
        generated_at=now,
        picker=tool_picker(tools, words),
    )


def picked(knowledge: KnowledgeBase, values: object) -> str | None:
    """The words of ``/optout checklist`` for the tools chosen in a picker; None when the choice
    is not one a picker of the current tools could send (unknown ids, too many, not a list)."""
    if not isinstance(values, list | tuple) or not 0 < len(values) <= MAX_ITEMS:
        return None
    chosen: list[str] = []
    for value in values:
        service = knowledge.service(value) if isinstance(value, str) else None
        if service is None or service.id != value or service.organisation is None:
            return None
        if service.id in chosen:
            return None
        chosen.append(service.id)
    words = " ".join(chosen)
    # The words go through the front door like typed ones; they must name the same tools there.
    if [service.id for service in choose(knowledge, words).services] != chosen:
        return None
    return words


def card(
    knowledge: KnowledgeBase, phrases: Phrases, entries: Sequence[ChecklistEntry], now: datetime
) -> Reply:
    """A checklist card showing ``entries``; items whose tool left the knowledge base go."""
    words = phrases.workspace
    items = []
    for entry in entries:
        service = knowledge.service(entry.service_id)
        if service is not None and service.organisation is not None:
            items.append(_item(service, service.organisation, entry, words))
    return Reply(
        command="optout",
        title=words.checklist_title,
        summary=fill(words.checklist_intro),
        generated_at=now,
        checklist=tuple(items),
    )


def facts_print(service: Service) -> str:
    """A print of a tool's organisation facts, one digest per part ('action=…,plans=…')."""
    organisation = service.organisation
    if organisation is None:
        return ""
    parts = _fact_parts(service, organisation)
    return ",".join(f"{name}={_digest(parts[name])}" for name in FACT_PARTS)


def changed_parts(before: str, after: str) -> tuple[str, ...]:
    """The parts whose digests differ between two prints (all of them if one is unreadable)."""
    old, new = _decode(before), _decode(after)
    if set(old) != set(FACT_PARTS) or set(new) != set(FACT_PARTS):
        return FACT_PARTS
    return tuple(name for name in FACT_PARTS if old[name] != new[name])


def _item(
    service: Service, organisation: Organisation, entry: ChecklistEntry, words: WorkspacePhrases
) -> CheckItem:
    text: list[Span] = [Strong(service.name), Text(" — "), *labelled(organisation.action)]
    if organisation.settings_url:
        text += [Text(" "), Link(organisation.settings_url, words.admin)]
    status: RichText = ()
    if entry.done and entry.marked_by and entry.marked_at:
        day = (When(entry.marked_at, "day"),)
        status = fill(words.marked, person=(Person(entry.marked_by),), date=day)
    elif entry.reopened and entry.reopened_at:
        what = ", ".join(words.part_names.get(part, part) for part in entry.reopened)
        status = fill(words.reopened, date=(When(entry.reopened_at, "day"),), what=what)
    button = words.undo if entry.done else words.mark_done
    return CheckItem(service.id, tuple(text), entry.done, status, button)


def _fact_parts(service: Service, organisation: Organisation) -> dict[str, object]:
    wanted = set(organisation.deadlines)
    dates = [
        (deadline.id, deadline.instant.isoformat(), deadline.title, deadline.action)
        for deadline in service.deadlines
        if deadline.id in wanted
    ]
    return {
        "action": (organisation.role, organisation.action, organisation.settings_url),
        "plans": [(plan.plan, plan.state, plan.text) for plan in organisation.plans],
        "limits": [fact.text for fact in organisation.cannot_turn_off],
        "dates": dates,
    }


def _digest(value: object) -> str:
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()[:8]


def _decode(text: str) -> dict[str, str]:
    pairs = (item.partition("=") for item in text.split(",") if item)
    return {name: value for name, _, value in pairs}


def _longest_name(
    knowledge: KnowledgeBase, words: list[str], start: int
) -> tuple[Service | None, int]:
    for count in range(min(MAX_NAME_WORDS, len(words) - start), 0, -1):
        service = knowledge.index.find(" ".join(words[start : start + count]))
        if service is not None:
            return service, count
    return None, 0


def _problem(knowledge: KnowledgeBase, phrases: Phrases, unknown: tuple[str, ...]) -> Reply:
    quoted = (UserText(echo(" ".join(unknown))),)
    suggestions = knowledge.index.suggest(unknown[0][:MAX_QUERY_CHARS])
    sections: tuple[Section, ...] = ()
    if suggestions:
        items = tuple((Text(f"{service.id} — {service.name}"),) for service in suggestions)
        sections = (Section(phrases.did_you_mean, items=items),)
    reply = _error(fill(phrases.not_found, query=quoted))
    return replace(reply, sections=sections)


def _error(summary: RichText) -> Reply:
    return Reply(command="optout", title="", summary=summary, tone="error")


def with_open_item(reminder: Reply, knowledge: KnowledgeBase, phrases: Phrases) -> Reply:
    """A reminder about a tool that is still open on the channel's checklist, saying so with
    the admin's action."""
    service = knowledge.service(reminder.service_id or "")
    if service is None or service.organisation is None:
        return reminder
    words = phrases.workspace
    item = _item(service, service.organisation, ChecklistEntry(service.id), words)
    return replace(
        reminder, sections=(*reminder.sections, Section(words.reminder_open, items=(item.text,)))
    )
