"""A request as every platform hands it to the front door: which command, with what words, where."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.ports.channels import ChannelRef

# Input beyond these lengths cannot be a command or a service name; it is cut before any work.
MAX_INPUT_CHARS = 2000
MAX_QUERY_CHARS = 100
MAX_ECHO_CHARS = 60

# Asked only when a request would change the channel (a sub-action that manages it): the
# answer may cost the platform a call.
MayManage = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Request:
    """One command as a person sent it.

    ``channel`` is None where there is no chat channel (the console, a direct message).
    ``action`` is a sub-action chosen apart from the words (Discord's ``action`` option); when
    it is None, the first word of ``argument`` may name one (``/deadline subscribe claude``).
    """

    command: str
    argument: str = ""
    channel: ChannelRef | None = None
    locale: str | None = None
    may_manage: MayManage | None = None
    action: str | None = None
    # A variant of the answer chosen apart from the words (Discord's ``detail`` option); when
    # None, the last word of ``argument`` may name one (``/optout claude full``).
    detail: str | None = None

    @classmethod
    def from_line(cls, line: str, locale: str | None = None) -> Request:
        """A whole command line such as ``/optout claude`` (the slash is optional)."""
        head, _, rest = clean(line).partition(" ")
        return cls(head.lstrip("/"), rest, locale=locale)


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
    """User text shortened for quoting back, cut at a word boundary when there is one."""
    if len(text) <= MAX_ECHO_CHARS:
        return text
    room = text[: MAX_ECHO_CHARS - 1]
    space = room.rfind(" ")
    if space > MAX_ECHO_CHARS // 2:
        room = room[:space]
    return room.rstrip() + "…"
