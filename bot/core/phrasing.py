"""The bot's phrases as rich text: placeholders filled with words, spans and command references.

A phrase names a command as ``{optout}``; it becomes a ``Command`` span, so each platform's
renderer spells it as typed there and the core never needs to know how.
"""

from __future__ import annotations

import re

from bot.core.catalogue import COMMANDS
from bot.core.richtext import Command, RichText, Span, Text

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, **values: str | RichText) -> RichText:
    """A phrase with its ``{name}`` placeholders filled; unknown ones stay as written.

    ``{optout}``-style names of catalogue commands become command spans. Plain words join the
    text around them, so a phrase without spans stays one text span.
    """
    spans: list[Span] = []
    words = ""
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        value: str | RichText | None = values.get(name)
        if value is None and name in COMMANDS:
            value = (Command(name),)
        if value is None:
            continue
        words += template[position : match.start()]
        position = match.end()
        if isinstance(value, str):
            words += value
            continue
        if words:
            spans.append(Text(words))
            words = ""
        spans.extend(value)
    words += template[position:]
    if words:
        spans.append(Text(words))
    return tuple(spans)


def fill_words(template: str, **values: str) -> str:
    """A phrase as plain text with its ``{name}`` placeholders filled; unknown ones stay as
    written, as with ``fill``. For words a platform shows outside rich text (button labels,
    command descriptions, notices)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)
