"""``/help``: the commands, one line each, with examples."""

from __future__ import annotations

from datetime import datetime

from bot.core.catalogue import CATALOGUE, CommandNames
from bot.core.knowledge import Phrases
from bot.core.reply import Reply, Section
from bot.core.richtext import Strong, Text


def answer(phrases: Phrases, names: CommandNames, now: datetime, service_count: int) -> Reply:
    """Every command in the catalogue with its usage, description and examples."""
    items = tuple(
        (
            Strong(names.spelled(spec.usage)),
            Text(
                f" — {spec.description}. Examples: {', '.join(map(names.spelled, spec.examples))}"
            ),
        )
        for spec in CATALOGUE
    )
    return Reply(
        command="help",
        title=phrases.help_title,
        summary=(Text(phrases.help_intro.format(count=service_count)),),
        sections=(Section(None, items=items), Section(None, ((Text(phrases.help_footer),),))),
        generated_at=now,
    )


def _examples(examples: tuple[str, ...], names: CommandNames) -> str:
    return ", ".join(names.spelled(example) for example in examples)
