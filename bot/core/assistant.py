"""The core's front door: command text or typed options in, a ``Reply`` out, never an exception."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from bot.core.answers import changes, deadline, help, optout
from bot.core.catalogue import COMMANDS, DEFAULT_NAMES, CommandNames
from bot.core.clock import Clock
from bot.core.knowledge import Phrases, Service
from bot.core.library import KnowledgeBase, KnowledgeSource
from bot.core.lookup import AUTOCOMPLETE_LIMIT
from bot.core.reply import Reply, Section
from bot.core.richtext import RichText, Text, UserText
from bot.core.signals import NO_SIGNALS, SignalsSource, SourceSignals, with_source_notices

# Input beyond these lengths cannot be a command or a service name; it is cut before any work.
MAX_INPUT_CHARS = 2000
MAX_QUERY_CHARS = 100
MAX_ECHO_CHARS = 60
# Discord caps choice names and values at 100 characters.
MAX_CHOICE_CHARS = 100
REPLY_CACHE_SIZE = 4096
# Said when a bug stopped an answer and even the knowledge base's own apology cannot be read.
FALLBACK_APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: the label shown and the value submitted."""

    name: str
    value: str


def clean(text: str, limit: int = MAX_INPUT_CHARS) -> str:
    """Input with control and format characters dropped and whitespace collapsed."""
    text = text[:limit]
    if text.isprintable():  # the usual case: no control, format or separator characters at all
        return " ".join(text.split())
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or not unicodedata.category(char).startswith("C")
    )
    return " ".join(kept.split())


def echo(text: str) -> str:
    """User text shortened for quoting back."""
    return text if len(text) <= MAX_ECHO_CHARS else text[: MAX_ECHO_CHARS - 1] + "…"


class Assistant:
    """Answers commands from the current knowledge base at the clock's current instant."""

    def __init__(
        self,
        knowledge: KnowledgeSource,
        clock: Clock,
        names: CommandNames = DEFAULT_NAMES,
        signals: SignalsSource = lambda: NO_SIGNALS,
    ) -> None:
        self._knowledge = knowledge
        self._clock = clock
        self._names = names
        # What the scheduled source checks found: a snapshot in memory, read like the knowledge.
        self._signals = signals
        self._phrases = lru_cache(maxsize=8)(self._spelled_phrases)
        # Answers change only with the knowledge base or the minute (countdowns), so the same
        # question in the same minute is answered from memory: one reply object, rendered once.
        self._answer = lru_cache(maxsize=REPLY_CACHE_SIZE)(self._compute)

    def renamed(self, names: CommandNames) -> Assistant:
        """The same assistant for a platform whose commands are typed differently."""
        return Assistant(self._knowledge, self._clock, names, self._signals)

    @property
    def names(self) -> CommandNames:
        """How this assistant's replies spell the commands."""
        return self._names

    def phrases(self, locale: str | None = None) -> Phrases:
        """The bot's phrases in a language, with commands spelled for this platform."""
        return self._phrases(self._knowledge(), locale)

    def answer_text(self, text: str, locale: str | None = None) -> Reply:
        """Answer a whole command line such as ``/optout claude``."""
        cleaned = clean(text)
        head, _, rest = cleaned.partition(" ")
        return self.run(head.lstrip("/"), rest, locale)

    def run(self, command: str, argument: str | None = None, locale: str | None = None) -> Reply:
        """Answer one command with its (optional) service argument."""
        name = clean(command, MAX_QUERY_CHARS).casefold()
        query = clean(argument or "")
        minute = self._clock.now().replace(second=0, microsecond=0)
        return self._answer(self._knowledge(), name, query, locale, minute, self._signals())

    def _spelled_phrases(self, knowledge: KnowledgeBase, locale: str | None) -> Phrases:
        return knowledge.messages.for_locale(locale).with_commands(self._names.placeholders())

    def _compute(
        self,
        knowledge: KnowledgeBase,
        name: str,
        query: str,
        locale: str | None,
        now: datetime,
        signals: SourceSignals,
    ) -> Reply:
        phrases = self._phrases(knowledge, locale)
        names = self._names
        if not name:
            return _notice(phrases.empty_input, now, "help")
        spec = COMMANDS.get(name)
        if spec is None:
            return self._unknown_command(name, phrases, now)
        if name == "help":
            return help.answer(phrases, names, now, len(knowledge.services))
        if not query:
            if name == "optout":
                return optout.answer_list(knowledge, phrases, names, now)
            if name == "deadline":
                return deadline.answer_all(knowledge, phrases, now)
            return changes.answer(knowledge, None, phrases, now)
        service, ignored = _resolve(knowledge, query)
        if service is None:
            return _not_found(knowledge, names.slash(name), query, phrases, now)
        if name == "optout":
            reply = optout.answer_service(service, phrases, names, now)
        elif name == "deadline":
            reply = deadline.answer_service(service, phrases, now)
        else:
            reply = changes.answer(knowledge, service, phrases, now)
        reply = with_source_notices(reply, service, signals, phrases.sources)
        if ignored:
            note: RichText = (Text(phrases.extra_words + " "), UserText(echo(ignored)))
            reply = replace(reply, notices=(*reply.notices, note))
        return reply

    def autocomplete(self, fragment: str) -> list[Choice]:
        """Ranked service choices for what the user has typed so far."""
        matches = self._knowledge().index.autocomplete(clean(fragment, MAX_QUERY_CHARS))
        return [
            Choice(match.service.name[:MAX_CHOICE_CHARS], match.service.id)
            for match in matches[:AUTOCOMPLETE_LIMIT]
        ]

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

    def _unknown_command(self, name: str, phrases: Phrases, now: datetime) -> Reply:
        from rapidfuzz import process  # lazy: only a mistyped command needs it

        guess = process.extractOne(name, list(COMMANDS), score_cutoff=60)
        suggestion = self._names.slash(guess[0] if guess else "help")
        text = phrases.unknown_command.replace("{suggestion}", suggestion)
        return _notice(text, now, "help", quoted=f"/{echo(name)}")


def _resolve(knowledge: KnowledgeBase, query: str) -> tuple[Service | None, str]:
    """The service named by the longest leading run of words, and the words left over."""
    words = query[:MAX_QUERY_CHARS].split()
    for count in range(len(words), 0, -1):
        service = knowledge.index.find(" ".join(words[:count]))
        if service is not None:
            return service, " ".join(words[count:])
    return None, ""


def _not_found(
    knowledge: KnowledgeBase, slash: str, query: str, phrases: Phrases, now: datetime
) -> Reply:
    command = slash.removeprefix("/")
    short = query[:MAX_QUERY_CHARS]
    suggestions = knowledge.index.suggest(short)
    if not suggestions and " " in short:
        suggestions = knowledge.index.suggest(short.split()[0])
    if not suggestions:
        return _notice(f"{phrases.not_found} {phrases.no_suggestions}", now, command, echo(short))
    items = tuple((Text(f"{slash} {service.id} — {service.name}"),) for service in suggestions)
    reply = _notice(phrases.not_found, now, command, echo(short))
    return replace(reply, sections=(Section(phrases.did_you_mean, items=items),))


def _notice(text: str, now: datetime, command: str, quoted: str | None = None) -> Reply:
    """An error reply; ``{query}`` in the phrase marks where the user's words are quoted."""
    before, marker, after = text.partition("{query}")
    summary: RichText = (Text(text),)
    if quoted is not None:
        summary = (
            (Text(before), UserText(quoted), Text(after))
            if marker
            else (Text(f"{text} "), UserText(quoted))
        )
    return Reply(command=command, title="", summary=summary, generated_at=now, tone="error")
