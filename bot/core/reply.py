"""A platform-neutral reply: structured, immutable, drawn by each platform's pure renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from bot.core.richtext import Link, RichText

Tone = Literal["info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a reply: paragraphs, then a bulleted or numbered list."""

    title: str | None
    paragraphs: tuple[RichText, ...] = ()
    items: tuple[RichText, ...] = ()
    numbered: bool = False


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of a checklist card: a tool and the admin's action, done or open.

    ``key`` is the service id a platform's button names; ``status`` says who marked it done and
    when, or why it opened again (empty for an item never marked).
    """

    key: str
    text: RichText
    done: bool = False
    status: RichText = ()
    # The label of the item's button: mark it done, or undo that.
    button: str = ""


@dataclass(frozen=True, slots=True)
class PickOption:
    """One tool a picker offers: the service id a choice sends back, and the name shown."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Picker:
    """A menu of tools to choose from, shown privately; choosing posts a checklist of them.

    ``most`` is how many may be chosen at once (a checklist's own limit). ``hint`` is what a
    platform without menus shows in its place (empty when the reply already says how to type it).
    """

    placeholder: str
    options: tuple[PickOption, ...]
    most: int
    hint: RichText = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers to one command, before any platform formatting."""

    command: str
    title: str
    summary: RichText
    sections: tuple[Section, ...] = ()
    sources: tuple[Link, ...] = ()
    verified: date | None = None
    service_id: str | None = None
    generated_at: datetime | None = None
    tone: Tone = "info"
    # Only answers about the knowledge base are worth sharing or pinning; errors and help are not.
    shareable: bool = False
    notices: tuple[RichText, ...] = field(default=())
    # A short answer (a card): its links become link buttons, its sources one line of small
    # print, and ``guide`` labels the button that shows the complete answer privately.
    links: tuple[Link, ...] = ()
    attribution: RichText = ()
    guide: str | None = None
    # A checklist card: its items, each with a button to mark it done or undo that.
    checklist: tuple[CheckItem, ...] = ()
    # A private menu of the tools a checklist can hold (``/optout checklist`` with no tools).
    picker: Picker | None = None

    # Hashed by identity: replies are cached and reused as objects, so renderers can memoise on
    # them without walking the whole structure; equality still compares content.
    __hash__ = object.__hash__
