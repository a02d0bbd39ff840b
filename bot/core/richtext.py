"""Structured inline text: what a reply says, without committing to any platform's markup.

Authors mark exact UI labels in content with square brackets (``Open [Settings] > [Privacy]``);
that notation is parsed once, here, into spans. Renderers then decide how a label looks
(bold on Discord, ``*bold*`` on Slack, quoted in a terminal) and how to escape the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# "day": a calendar date as the source states it; "minute": an exact instant; "local-day": the
# date an instant fell on where the reader is (what the bot itself noticed, and when).
DatePrecision = Literal["day", "minute", "local-day"]


@dataclass(frozen=True, slots=True)
class Text:
    """Plain words written by the knowledge base or the bot itself."""

    text: str


@dataclass(frozen=True, slots=True)
class Label:
    """The exact label of a menu, button or toggle, as the service's interface shows it."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink; ``text`` is what the reader sees."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    """Words the reply stresses (a status such as PASSED, a service name in a list)."""

    text: str


@dataclass(frozen=True, slots=True)
class UserText:
    """Words a user typed, echoed back; renderers must neutralise mentions and markup in them."""

    text: str


@dataclass(frozen=True, slots=True)
class When:
    """An instant; ``day`` precision is a calendar date as the source states it, never shifted."""

    instant: datetime
    precision: DatePrecision = "day"
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    """A command as a person types it (``/optout claude``); each platform spells the name.

    A Slack workspace may rename ``/optout``, so the name stays the catalogue's until a renderer
    spells it; ``strong`` stresses the whole command line (usages in the help).
    """

    name: str
    argument: str = ""
    strong: bool = False

    def spelled(self, slash: str) -> str:
        """The command line with the name typed as ``slash``."""
        return f"{slash} {self.argument}" if self.argument else slash

    @property
    def text(self) -> str:
        """The command line as typed wherever the command keeps its catalogue name."""
        return self.spelled(f"/{self.name}")


@dataclass(frozen=True, slots=True)
class Person:
    """A member of the chat, by the platform's user id; each platform mentions them its own way
    (never notifying them), and where there is no chat it reads as ``text``."""

    user_id: str

    @property
    def text(self) -> str:
        """How the person reads outside a chat platform."""
        return "a member"


Span = Text | Label | Link | Strong | UserText | When | Command | Person
RichText = tuple[Span, ...]


class MarkupError(ValueError):
    """The bracket notation in a content string is malformed."""


def parse_labels(source: str) -> RichText:
    """Split ``Open [Settings] > [Privacy]`` into text and label spans."""
    spans: list[Span] = []
    position = 0
    while position < len(source):
        opening = source.find("[", position)
        closing = source.find("]", position)
        if opening == -1:
            if closing != -1:
                raise MarkupError(f"']' at character {closing + 1} has no matching '['")
            spans.append(Text(source[position:]))
            break
        if closing != -1 and closing < opening:
            raise MarkupError(f"']' at character {closing + 1} has no matching '['")
        end = source.find("]", opening + 1)
        nested = source.find("[", opening + 1)
        if end == -1 or (nested != -1 and nested < end):
            raise MarkupError(f"'[' at character {opening + 1} is not closed by ']'")
        label = source[opening + 1 : end]
        if not label.strip():
            raise MarkupError(f"empty label at character {opening + 1}")
        if opening > position:
            spans.append(Text(source[position:opening]))
        spans.append(Label(label))
        position = end + 1
    return tuple(spans)


def plain(text: RichText) -> str:
    """The words of rich text without any decoration (for fingerprints and fallbacks)."""
    parts: list[str] = []
    for span in text:
        if isinstance(span, When):
            parts.append(span.instant.date().isoformat())
        else:
            parts.append(span.text)
    return "".join(parts)
