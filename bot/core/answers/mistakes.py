"""Replies to words the bot cannot act on: an unknown command, a service it does not know.

Each names what was typed (quoted as the user's own words, never as markup) and what to try
instead, so a mistyped command is one click from the answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.catalogue import COMMANDS
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.reply import Reply, Section
from bot.core.request import MAX_QUERY_CHARS, echo
from bot.core.richtext import Command, RichText, Text, UserText


def unknown_command(name: str, phrases: Phrases, now: datetime) -> Reply:
    from rapidfuzz import process  # lazy: only a mistyped command needs it

    guess = process.extractOne(name, list(COMMANDS), score_cutoff=60)
    suggestion = (Command(guess[0] if guess else "help"),)
    return error_reply(
        phrases.unknown_command, now, "help", quoted=f"/{echo(name)}", suggestion=suggestion
    )


def resolve(knowledge: KnowledgeBase, query: str) -> tuple[Service | None, str]:
    """The service named by the longest leading run of words, and the words left over."""
    words = query[:MAX_QUERY_CHARS].split()
    for count in range(len(words), 0, -1):
        service = knowledge.index.find(" ".join(words[:count]))
        if service is not None:
            return service, " ".join(words[count:])
    return None, ""


def not_found(
    knowledge: KnowledgeBase, command: str, query: str, phrases: Phrases, now: datetime
) -> Reply:
    short = query[:MAX_QUERY_CHARS]
    suggestions = knowledge.index.suggest(short)
    if not suggestions and " " in short:
        suggestions = knowledge.index.suggest(short.split()[0])
    if not suggestions:
        template = f"{phrases.not_found} {phrases.no_suggestions}"
        return error_reply(template, now, command, echo(short))
    items = tuple(
        (Command(command, service.id), Text(f" — {service.name}")) for service in suggestions
    )
    reply = error_reply(phrases.not_found, now, command, echo(short))
    return replace(reply, sections=(Section(phrases.did_you_mean, items=items),))


def error_reply(
    template: str, now: datetime, command: str, quoted: str | None = None, **values: RichText
) -> Reply:
    """An error reply; ``{query}`` in the phrase marks where the user's words are quoted."""
    if quoted is not None:
        if "{query}" not in template:
            template += " {query}"
        values["query"] = (UserText(quoted),)
    summary = fill(template, **values)
    return Reply(command=command, title="", summary=summary, generated_at=now, tone="error")
