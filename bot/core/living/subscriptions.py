"""``/deadline subscribe | unsubscribe | subscriptions``: which channels get deadline reminders.

Adapters decide who may manage a channel (their platform's permissions) and pass the answer in;
everything else, including every reply, is decided here.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.assistant import Assistant, clean, echo
from bot.core.catalogue import DEADLINE_SUBACTIONS
from bot.core.clock import Clock
from bot.core.knowledge import LivingPhrases, Phrases
from bot.core.library import KnowledgeBase
from bot.core.living.schedule import ReminderPolicy
from bot.core.ports import ALL_SERVICES, ChannelRef, SubscriptionStore
from bot.core.reply import Reply, Section, Tone
from bot.core.richtext import RichText, Strong, Text, UserText

SUBSCRIBE, UNSUBSCRIBE, LIST = (spec.name for spec in DEADLINE_SUBACTIONS)
# Who is asking does not matter for reading the list.
READ_ONLY = frozenset({LIST})


def parse_subaction(argument: str | None) -> tuple[str, str] | None:
    """('subscribe', 'claude') for 'subscribe claude'; None when the words are not a sub-action."""
    head, _, rest = clean(argument or "").partition(" ")
    action = head.casefold()
    if action in {spec.name for spec in DEADLINE_SUBACTIONS}:
        return action, rest.strip()
    return None


def needs_permission(action: str) -> bool:
    """Whether ``action`` changes the channel's subscriptions (only managers may)."""
    return action not in READ_ONLY


class SubscriptionDesk:
    """Answers the subscription sub-actions of ``/deadline`` for one channel."""

    def __init__(
        self,
        store: SubscriptionStore | None,
        assistant: Assistant,
        clock: Clock,
        policy: ReminderPolicy,
    ) -> None:
        self._store = store
        self._assistant = assistant
        self._clock = clock
        self._policy = policy

    async def handle(
        self, channel: ChannelRef, action: str, argument: str, may_manage: bool
    ) -> Reply:
        """The reply to one sub-action; ``may_manage`` says whether the person may change things."""
        knowledge = self._assistant.knowledge()
        phrases = self._assistant.phrases()
        living = phrases.living
        if self._store is None:
            return _reply(living.unavailable, "error")
        if needs_permission(action) and not may_manage:
            return _reply(living.not_allowed, "error")
        if action == LIST:
            return await self._list(channel, knowledge, living)
        scope, problem = _scope(knowledge, phrases, argument)
        if problem is not None:
            return problem
        now = self._clock.now()
        if action == SUBSCRIBE:
            return await self._subscribe(channel, scope, knowledge, living, now)
        return await self._unsubscribe(channel, scope, knowledge, living)

    async def _subscribe(
        self,
        channel: ChannelRef,
        scope: str,
        knowledge: KnowledgeBase,
        living: LivingPhrases,
        now: datetime,
    ) -> Reply:
        assert self._store is not None
        name = _scope_name(knowledge, living, scope)
        if not await self._store.subscribe(channel, scope, now):
            return _reply(living.already_subscribed.format(scope=name))
        offsets = _offsets(self._policy)
        text = living.subscribed.format(scope=name, offsets=offsets)
        if not _has_upcoming(knowledge, scope, now):
            text = f"{text} {living.nothing_upcoming}"
        return _reply(text)

    async def _unsubscribe(
        self, channel: ChannelRef, scope: str, knowledge: KnowledgeBase, living: LivingPhrases
    ) -> Reply:
        assert self._store is not None
        current = await self._store.subscriptions(channel)
        name = _scope_name(knowledge, living, scope)
        if scope == ALL_SERVICES and current:
            await self._store.unsubscribe(channel, None)
            return _reply(living.unsubscribed.format(scope=name))
        if scope in current:
            await self._store.unsubscribe(channel, scope)
            return _reply(living.unsubscribed.format(scope=name))
        if ALL_SERVICES in current:
            return _reply(living.covered_by_all)
        return _reply(living.not_subscribed.format(scope=name))

    async def _list(
        self, channel: ChannelRef, knowledge: KnowledgeBase, living: LivingPhrases
    ) -> Reply:
        assert self._store is not None
        current = await self._store.subscriptions(channel)
        if not current:
            return _reply(living.no_subscriptions)
        deadline = self._assistant.names.slash("deadline")
        items: tuple[RichText, ...] = tuple(
            (
                Strong(_scope_name(knowledge, living, scope)),
                Text(f" — {deadline} unsubscribe {scope}"),
            )
            for scope in current
        )
        summary = (Text(living.subscriptions_intro.format(offsets=_offsets(self._policy))),)
        return Reply(
            command="deadline",
            title=living.subscriptions_title,
            summary=summary,
            sections=(Section(None, items=items),),
            generated_at=self._clock.now(),
        )


def _scope(knowledge: KnowledgeBase, phrases: Phrases, argument: str) -> tuple[str, Reply | None]:
    """The subscription scope named by the argument: ``all`` when empty, else a service id."""
    query = clean(argument, 100)
    if not query or query.casefold() == ALL_SERVICES:
        return ALL_SERVICES, None
    service = knowledge.index.find(query)
    if service is not None:
        return service.id, None
    before, _, after = phrases.not_found.partition("{query}")
    summary: RichText = (Text(before), UserText(echo(query)), Text(after))
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


def _offsets(policy: ReminderPolicy) -> str:
    """'14, 3 and 1 days before each deadline and on its day'."""
    days = sorted((offset for offset in policy.offsets if offset > 0), reverse=True)
    words = ", ".join(str(day) for day in days[:-1])
    if days:
        plural = len(days) > 1 or days[0] != 1
        last = f"{days[-1]} day{'s' if plural else ''}"
        words = f"{words} and {last}" if words else last
        words += " before each deadline"
    if 0 in policy.offsets:
        words = f"{words} and on its day" if words else "on the day of each deadline"
    return words


def paused_reply(assistant: Assistant) -> Reply:
    """The reply while the database refuses writes: reminders are paused."""
    return _reply(assistant.phrases().living.paused, "error")


def _reply(text: str, tone: Tone = "info") -> Reply:
    return Reply(command="deadline", title="", summary=(Text(text),), tone=tone)
