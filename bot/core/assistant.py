"""The core's front door: a ``Request`` in, a ``Reply`` out, never an exception.

Every command of the catalogue is answered through one registry: ``COMMAND_HANDLERS`` for the
commands, ``VIEW_HANDLERS`` for sub-actions answered from the knowledge base alone and
``SUBACTION_HANDLERS`` for those answered from the store. A name the registry does not know is
an error reply, never some other command's answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from bot.core.answers import (
    card,
    changes,
    checklist,
    deadline,
    help,
    mistakes,
    optout,
    subscriptions,
    workspace,
)
from bot.core.answers.subscriptions import ChannelDesk, SubactionHandler, notice
from bot.core.catalogue import COMMANDS, CommandSpec, SubactionSpec, subaction, variant
from bot.core.clock import Clock
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase, KnowledgeSource
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.ports.store import ReminderAccess, StoreWriteError
from bot.core.reply import Reply
from bot.core.request import MAX_QUERY_CHARS, Request, clean, echo
from bot.core.richtext import RichText, Text, UserText
from bot.core.signals import NO_SIGNALS, SignalsSource, SourceSignals, with_source_notices
from bot.core.starters import starters

log = logging.getLogger(__name__)

REPLY_CACHE_SIZE = 4096
# Said when a bug stopped an answer and even the knowledge base's own apology cannot be read.
FALLBACK_APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."

# A command's answer from the knowledge base: about one service, or (None) about all of them.
CommandHandler = Callable[[KnowledgeBase, Phrases, Service | None, datetime], Reply]

COMMAND_HANDLERS: dict[str, CommandHandler] = {
    "optout": card.answer,
    "deadline": deadline.answer,
    "changes": changes.answer,
    "help": help.answer,
}
# Another shape of a command's answer, by (command, variant): ``/optout claude full``.
VARIANT_HANDLERS: dict[tuple[str, str], CommandHandler] = {
    ("optout", "full"): optout.answer,
}
# A sub-action answered from the knowledge base alone: the words after its name.
ViewHandler = Callable[[KnowledgeBase, Phrases, str, datetime], Reply]

VIEW_HANDLERS: dict[tuple[str, str], ViewHandler] = {
    ("optout", "workspace"): workspace.answer,
    ("optout", "checklist"): checklist.answer,
}
SUBACTION_HANDLERS: dict[tuple[str, str], SubactionHandler] = {
    ("deadline", "subscribe"): subscriptions.subscribe,
    ("deadline", "unsubscribe"): subscriptions.unsubscribe,
    ("deadline", "subscriptions"): subscriptions.listing,
}


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: the label shown and the value submitted."""

    name: str
    value: str


class Assistant:
    """Answers requests from the current knowledge base at the clock's current instant."""

    def __init__(
        self,
        knowledge: KnowledgeSource,
        clock: Clock,
        reminders: ReminderAccess | None = None,
        signals: SignalsSource = lambda: NO_SIGNALS,
    ) -> None:
        self._knowledge = knowledge
        self._clock = clock
        self._reminders = reminders
        # What the scheduled source checks found: a snapshot in memory, read like the knowledge.
        self._signals = signals
        # Answers change only with the knowledge base or the minute (countdowns), so the same
        # question in the same minute is answered from memory: one reply object, rendered once.
        self._answer = lru_cache(maxsize=REPLY_CACHE_SIZE)(self._compute)

    async def handle(self, request: Request) -> Reply:
        """The reply to one request: the way in for every platform."""
        name = _name(request.command)
        routed = _subaction_of(name, request)
        if routed is None:
            return self._plain(name, request.argument, request.locale, request.detail)
        spec, sub, rest = routed
        if not sub.stored:
            return self._plain(name, rest, request.locale, view=sub.name)
        return await self._subaction(spec, sub, rest, request)

    def answer_now(self, request: Request) -> Reply | None:
        """The reply at once, or None when the request must wait on the store (a sub-action):
        the hot path of adapters that must acknowledge within a deadline."""
        name = _name(request.command)
        routed = _subaction_of(name, request)
        if routed is None:
            return self._plain(name, request.argument, request.locale, request.detail)
        _, sub, rest = routed
        return None if sub.stored else self._plain(name, rest, request.locale, view=sub.name)

    def run(
        self,
        command: str,
        argument: str | None = None,
        locale: str | None = None,
        detail: str | None = None,
    ) -> Reply:
        """The plain answer of one command about a service (or all), in the shape ``detail``
        names (None: the usual one): what buttons and living answers show again; sub-actions
        are never run here."""
        return self._plain(_name(command), argument, locale, detail)

    def phrases(self, locale: str | None = None) -> Phrases:
        """The bot's phrases in a language."""
        return self._knowledge().messages.for_locale(locale)

    def autocomplete(self, fragment: str, limit: int) -> list[Choice]:
        """At most ``limit`` ranked service choices for what the user has typed so far; with
        nothing typed, the services worth acting on first."""
        knowledge, typed = self._knowledge(), clean(fragment, MAX_QUERY_CHARS)
        if not typed:
            phrases = knowledge.messages.for_locale(None)
            found = starters(knowledge, phrases, self._clock.now(), limit)
            return [Choice(name, value) for name, value in found]
        matches = knowledge.index.autocomplete(typed, limit)
        return [Choice(match.service.name, match.service.id) for match in matches]

    def knowledge(self) -> KnowledgeBase:
        """The knowledge base answers currently come from."""
        return self._knowledge()

    def signals(self) -> SourceSignals:
        """What the last source check found, as answers currently show it."""
        return self._signals()

    def apology(self, locale: str | None = None) -> str:
        """What to say when a bug stopped an answer; it never fails itself."""
        try:
            return self._knowledge().messages.for_locale(locale).apology
        except Exception:
            # The apology must not depend on the thing that may have failed.
            return FALLBACK_APOLOGY

    def _plain(
        self,
        name: str,
        argument: str | None,
        locale: str | None,
        detail: str | None = None,
        view: str = "",
    ) -> Reply:
        query, typed = clean(argument or ""), None
        if not view:  # a sub-action's words are its own (``checklist slack zoom``)
            query, typed = _variant_of(name, query)
        minute = self._clock.now().replace(second=0, microsecond=0)
        chosen = (detail or typed or "").casefold()
        knowledge, signals = self._knowledge(), self._signals()
        return self._answer(knowledge, name, query, locale, minute, signals, view, chosen)

    def _compute(
        self,
        knowledge: KnowledgeBase,
        name: str,
        query: str,
        locale: str | None,
        now: datetime,
        signals: SourceSignals,
        view: str = "",
        detail: str = "",
    ) -> Reply:
        phrases = knowledge.messages.for_locale(locale)
        if view:
            return VIEW_HANDLERS[(name, view)](knowledge, phrases, query, now)
        if not name:
            return mistakes.error_reply(phrases.empty_input, now, "help")
        spec, handler = COMMANDS.get(name), COMMAND_HANDLERS.get(name)
        if spec is None or handler is None:
            return mistakes.unknown_command(name, phrases, now)
        if variant(spec, detail) is not None:
            # A variant the catalogue declares always has a handler (a test keeps them paired).
            handler = VARIANT_HANDLERS.get((name, detail), handler)
        if not query or not spec.options:
            return handler(knowledge, phrases, None, now)
        service, ignored = mistakes.resolve(knowledge, query)
        if service is None:
            return mistakes.not_found(knowledge, name, query, phrases, now)
        reply = handler(knowledge, phrases, service, now)
        if reply.guide is not None:  # a card: one short line, the guide names each page
            reply = card.with_source_notices(reply, service, signals, phrases)
        else:
            reply = with_source_notices(reply, service, signals, phrases.sources)
        if ignored:
            note: RichText = (Text(phrases.extra_words + " "), UserText(echo(ignored)))
            reply = replace(reply, notices=(*reply.notices, note))
        return reply

    async def _subaction(
        self, spec: CommandSpec, sub: SubactionSpec, argument: str, request: Request
    ) -> Reply:
        knowledge = self._knowledge()
        phrases = knowledge.messages.for_locale(request.locale)
        living = phrases.living
        if request.channel is None:
            return notice(fill(phrases.reminders_need_channel), "error")
        store = self._reminders.subscription_store() if self._reminders else None
        if store is None or self._reminders is None:
            return notice(fill(living.unavailable), "error")
        if sub.manages_channel and not (request.may_manage and await request.may_manage()):
            return notice(fill(living.not_allowed), "error")
        reminders, now = self._reminders, self._clock.now()
        offsets = reminders.reminder_offsets
        desk = ChannelDesk(store, request.channel, knowledge, phrases, offsets, now)
        try:
            reply = await SUBACTION_HANDLERS[(spec.name, sub.name)](desk, argument)
        except StoreWriteError as error:
            reminders.refused(error)
            return notice(fill(living.paused), "error")
        except Exception as error:
            # The database went away mid-request: answers go on, reminders say they are off.
            log.warning(
                "reminders: a %s %s request failed (%s)",
                request.channel.platform,
                sub.name,
                type(error).__name__,
            )
            return notice(fill(living.unavailable), "error")
        if sub.manages_channel and reply.tone != "error":
            reminders.accepted()  # a change went through: the database takes writes
        return reply


def _name(command: str) -> str:
    return clean(command, MAX_QUERY_CHARS).casefold()


def _variant_of(name: str, query: str) -> tuple[str, str | None]:
    """The words without a trailing variant name (``claude full``), and that variant."""
    spec = COMMANDS.get(name)
    head, _, last = query.rpartition(" ")
    if spec is None or variant(spec, last) is None:
        return query, None
    return head, last


def _subaction_of(name: str, request: Request) -> tuple[CommandSpec, SubactionSpec, str] | None:
    """The sub-action a request names, with the words after it; None for a plain command."""
    spec = COMMANDS.get(name)
    if spec is None or not spec.subactions:
        return None
    if request.action is not None:
        # A chosen action the catalogue does not know (a forged payload) leaves a plain command.
        sub = subaction(spec, request.action)
        return (spec, sub, request.argument) if sub else None
    head, _, rest = clean(request.argument).partition(" ")
    sub = subaction(spec, head)
    return (spec, sub, rest) if sub else None
