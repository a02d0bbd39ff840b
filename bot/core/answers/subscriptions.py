"""``/deadline subscribe | unsubscribe | subscriptions``: which channels get deadline reminders.

The front door routes each sub-action here once it knows the channel, has the store, and (for
those that manage the channel) knows the person may; every reply is decided here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.library import KnowledgeBase
from bot.core.phrases.living import LivingPhrases
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.ports.channels import ChannelRef
from bot.core.ports.reminders import ALL_SERVICES, SubscriptionStore
from bot.core.reply import Reply, Section, Tone
from bot.core.request import MAX_QUERY_CHARS, clean, echo
from bot.core.richtext import Command, RichText, Strong, Text, UserText


@dataclass(frozen=True, slots=True)
class ChannelDesk:
    """What a sub-action answers from: one channel's subscriptions and the knowledge base."""

    store: SubscriptionStore
    channel: ChannelRef
    knowledge: KnowledgeBase
    phrases: Phrases
    offsets: tuple[int, ...]
    now: datetime


# A sub-action's handler: the desk it works at and the words after the sub-action's name.
SubactionHandler = Callable[[ChannelDesk, str], Awaitable[Reply]]


async def subscribe(desk: ChannelDesk, argument: str) -> Reply:
    """Subscribe the channel to one service's reminders, or every service's."""
    scope, problem = _scope(desk.knowledge, desk.phrases, argument)
    if problem is not None:
        return problem
    living = desk.phrases.living
    name = _scope_name(desk.knowledge, living, scope)
    if not await desk.store.subscribe(desk.channel, scope, desk.now):
        return notice(fill(living.already_subscribed, scope=name))
    text = fill(living.subscribed, scope=name, offsets=describe_offsets(desk.offsets))
    if not _has_upcoming(desk.knowledge, scope, desk.now):
        text = (*text, *fill(" " + living.nothing_upcoming))
    return notice(text)


async def unsubscribe(desk: ChannelDesk, argument: str) -> Reply:
    """Stop one service's reminders in the channel, or all of them."""
    scope, problem = _scope(desk.knowledge, desk.phrases, argument)
    if problem is not None:
        return problem
    living = desk.phrases.living
    current = await desk.store.subscriptions(desk.channel)
    name = _scope_name(desk.knowledge, living, scope)
    if scope == ALL_SERVICES and current:
        await desk.store.unsubscribe(desk.channel, None)
        return notice(fill(living.unsubscribed, scope=name))
    if scope in current:
        await desk.store.unsubscribe(desk.channel, scope)
        return notice(fill(living.unsubscribed, scope=name))
    if ALL_SERVICES in current:
        return notice(fill(living.covered_by_all))
    return notice(fill(living.not_subscribed, scope=name))


async def listing(desk: ChannelDesk, argument: str) -> Reply:
    """Which reminders the channel gets (anyone may ask)."""
    living = desk.phrases.living
    current = await desk.store.subscriptions(desk.channel)
    if not current:
        return notice(fill(living.no_subscriptions))
    items: tuple[RichText, ...] = tuple(
        (
            Strong(_scope_name(desk.knowledge, living, scope)),
            Text(" — "),
            Command("deadline", f"unsubscribe {scope}"),
        )
        for scope in current
    )
    return Reply(
        command="deadline",
        title=living.subscriptions_title,
        summary=fill(living.subscriptions_intro, offsets=describe_offsets(desk.offsets)),
        sections=(Section(None, items=items),),
        generated_at=desk.now,
    )


def notice(text: RichText, tone: Tone = "info") -> Reply:
    """A one-paragraph answer to a sub-action."""
    return Reply(command="deadline", title="", summary=text, tone=tone)


def describe_offsets(offsets: tuple[int, ...]) -> str:
    """'14, 3 and 1 days before each deadline and on its day'."""
    days = sorted((offset for offset in offsets if offset > 0), reverse=True)
    words = ", ".join(str(day) for day in days[:-1])
    if days:
        plural = len(days) > 1 or days[0] != 1
        last = f"{days[-1]} day{'s' if plural else ''}"
        words = f"{words} and {last}" if words else last
        words += " before each deadline"
    if 0 in offsets:
        words = f"{words} and on its day" if words else "on the day of each deadline"
    return words


def _scope(knowledge: KnowledgeBase, phrases: Phrases, argument: str) -> tuple[str, Reply | None]:
    """The subscription scope named by the argument: ``all`` when empty, else a service id."""
    query = clean(argument, MAX_QUERY_CHARS)
    if not query or query.casefold() == ALL_SERVICES:
        return ALL_SERVICES, None
    service = knowledge.index.find(query)
    if service is not None:
        return service.id, None
    summary = fill(phrases.not_found, query=(UserText(echo(query)),))
    suggestions = knowledge.index.suggest(query)
    sections: tuple[Section, ...] = ()
    if suggestions:
        items = tuple((Text(f"{service.id} — {service.name}"),) for service in suggestions)
        sections = (Section(phrases.did_you_mean, items=items),)
    return "", Reply(command="deadline", title="", summary=summary, sections=sections, tone="error")


def _scope_name(knowledge: KnowledgeBase, living: LivingPhrases, scope: str) -> str:
    if scope == ALL_SERVICES:
        return living.all_services
    service = knowledge.service(scope)
    return service.name if service else scope


def _has_upcoming(knowledge: KnowledgeBase, scope: str, now: datetime) -> bool:
    services = knowledge.services if scope == ALL_SERVICES else (knowledge.service(scope),)
    return any(
        deadline.ends > now for service in services if service for deadline in service.deadlines
    )
