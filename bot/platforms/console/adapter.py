"""The console adapter: an interactive prompt speaking the same commands as the chat platforms."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from datetime import tzinfo
from typing import TextIO

from bot.core.assistant import Assistant
from bot.core.catalogue import COMMANDS
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.request import Request
from bot.ops import observe
from bot.platforms.console.render import render_text

log = logging.getLogger(__name__)

PROMPT = "optout> "
QUIT_COMMANDS = frozenset({"/quit", "/exit", "quit", "exit"})
PLATFORM = "console"
# The metrics' name for a line that names no command of the catalogue (never the words typed).
UNKNOWN_COMMAND = "unknown"


class ConsoleAdapter:
    """Reads command lines, prints rendered replies, until end of input or ``/quit``."""

    def __init__(
        self,
        assistant: Assistant,
        zone: tzinfo,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self._assistant = assistant
        self._zone = zone
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self.observer = observe.Observer()

    async def run(self) -> None:
        """Serve the prompt until the user leaves."""
        interactive = self._stdin.isatty()
        if interactive:
            _enable_line_editing()
        self._write(self._welcome() + "\n")
        while True:
            line = await asyncio.to_thread(self._read, interactive)
            if line is None:
                break
            command = line.strip()
            if not command:
                continue
            if command.casefold() in QUIT_COMMANDS:
                break
            self._write(await self.answer(command) + "\n\n")

    async def answer(self, command: str) -> str:
        """One command's reply as text; a bug becomes an apology, never a traceback."""
        with self.observer.scope(PLATFORM, command_name(command), budgeted=False) as scope:
            try:
                # The console is no chat channel: sub-actions say where reminders are set.
                reply = await self._assistant.handle(Request.from_line(command))
                observe.replied(reply)
                return render_text(reply, self._zone)
            except Exception:
                log.exception("console command failed")
                scope.outcome = observe.FAILED
                return self._assistant.apology()

    def _welcome(self) -> str:
        try:
            return self._assistant.phrases().platform(PLATFORM).welcome
        except Exception:
            # A knowledge base that cannot be read must not stop the prompt: each command then
            # answers the apology, and is counted as failed.
            return PlatformPhrases().welcome

    def _read(self, interactive: bool) -> str | None:
        if interactive:
            try:
                return input(PROMPT)
            except EOFError:
                return None
        line = self._stdin.readline()
        return line or None

    def _write(self, text: str) -> None:
        self._stdout.write(text)
        self._stdout.flush()


def command_name(line: str) -> str:
    """The catalogue command a line starts with (``/optout claude`` or ``optout claude``)."""
    words = line.split(maxsplit=1)
    name = words[0].lstrip("/").casefold() if words else ""
    return name if name in COMMANDS else UNKNOWN_COMMAND


def _enable_line_editing() -> None:
    # Importing readline is what gives input() history and line editing; not every OS has it.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
