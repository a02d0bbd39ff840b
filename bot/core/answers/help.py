"""``/help``: the commands, one line each, with examples."""

from __future__ import annotations

from datetime import datetime

from bot.core.catalogue import CATALOGUE, CommandNames
from bot.core.knowledge import Phrases
from bot.core.reply import Reply, Section
from bot.core.richtext import RichText, Strong, Text


def answer(phrases: Phrases, names: CommandNames, now: datetime, service_count: int) -> Reply:
    """Every command in the catalogue with its usage, description and examples, and each
    sub-action (``/deadline subscribe …``) on a line of its own after its command."""
    items: list[RichText] = []
    for spec in CATALOGUE:
        examples = _examples(spec.examples, names)
        items.append(
            (
                Strong(names.spelled(spec.usage)),
                Text(f" — {spec.description}. Examples: {examples}"),
            )
        )
        items += [
            (Strong(names.spelled(sub.usage)), Text(f" — {sub.description}."))
            for sub in spec.subactions
        ]
    return Reply(
        command="help",
        title=phrases.help_title,
        summary=(Text(phrases.help_intro.format(count=service_count)),),
        sections=(
            Section(None, items=tuple(items)),
            Section(None, ((Text(phrases.help_footer),),)),
        ),
        generated_at=now,
    )


def _examples(examples: tuple[str, ...], names: CommandNames) -> str:
    return ", ".join(names.spelled(example) for example in examples)
