"""``/help``: the commands, one line each, with examples."""

from __future__ import annotations

from datetime import datetime

from bot.core.catalogue import CATALOGUE
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Phrases
from bot.core.phrasing import fill
from bot.core.reply import Reply, Section
from bot.core.richtext import Command, RichText, Span, Text


def answer(
    knowledge: KnowledgeBase, phrases: Phrases, service: Service | None, now: datetime
) -> Reply:
    """Every command in the catalogue with its usage, description and examples, and each
    sub-action (``/deadline subscribe …``) on a line of its own after its command."""
    items: list[RichText] = []
    for spec in CATALOGUE:
        items.append(
            (
                command_line(spec.usage, strong=True),
                Text(f" — {spec.description}. Examples: "),
                *_examples(spec.examples),
            )
        )
        items += [
            (command_line(sub.usage, strong=True), Text(f" — {sub.description}."))
            for sub in spec.subactions
        ]
    return Reply(
        command="help",
        title=phrases.help_title,
        summary=fill(phrases.help_intro, count=str(len(knowledge.services))),
        sections=(
            Section(None, items=tuple(items)),
            Section(None, (fill(phrases.help_footer),)),
        ),
        generated_at=now,
    )


def command_line(line: str, strong: bool = False) -> Command:
    """A catalogue usage or example (``/optout claude``) as a command span."""
    head, _, argument = line.partition(" ")
    return Command(head.removeprefix("/"), argument, strong)


def _examples(examples: tuple[str, ...]) -> list[Span]:
    spans: list[Span] = []
    for position, example in enumerate(examples):
        if position:
            spans.append(Text(", "))
        spans.append(command_line(example))
    return spans
