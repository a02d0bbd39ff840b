"""The composition root: builds the knowledge base, the assistant and the adapters; wires them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.content_loader import ContentError, LoadResult, content_files, load_knowledge
from bot.core.assistant import Assistant
from bot.core.clock import Clock, SystemClock
from bot.core.library import LiveKnowledge

log = logging.getLogger(__name__)


def load_content(directory: Path) -> LoadResult:
    """The validated knowledge base, with warnings logged; raises ``ContentError``.

    Content is always judged against the real date: ``--now`` changes what the answers say,
    not whether a ``last_verified`` date lies in the future.
    """
    result = load_knowledge(directory, SystemClock().now().date())
    for warning in result.warnings:
        log.warning("content: %s", warning)
    return result


def build_assistant(directory: Path, clock: Clock) -> tuple[Assistant, LiveKnowledge]:
    """An assistant over a live (reloadable) knowledge base."""
    live = LiveKnowledge(load_content(directory).knowledge)
    return Assistant(live, clock), live


def display_zone(settings: Settings) -> tzinfo:
    """The time zone the console shows times in: the setting, else this machine's own."""
    if settings.timezone:
        return ZoneInfo(settings.timezone)
    local = __import__("datetime").datetime.now().astimezone().tzinfo
    return local or ZoneInfo("UTC")


class ContentWatcher:
    """Reloads the knowledge base when its files change; a broken edit keeps the last good one."""

    def __init__(self, directory: Path, live: LiveKnowledge, interval: float) -> None:
        self._directory = directory
        self._live = live
        self._interval = interval
        self._seen = self.snapshot()

    def snapshot(self) -> tuple[tuple[str, int, int], ...]:
        """Name, size and modification time of every content file."""
        entries = []
        for path in content_files(self._directory):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(entries)

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            await asyncio.sleep(self._interval)
            await self.check()

    async def check(self) -> bool:
        """Reload if anything changed; True when a new version is now served."""
        current = self.snapshot()
        if current == self._seen:
            return False
        self._seen = current
        try:
            result = await asyncio.to_thread(load_content, self._directory)
        except ContentError as error:
            log.error("content reload failed; still serving version %s", self._live().version)
            for problem in error.problems:
                log.error("content: %s", problem)
            return False
        previous = self._live.swap(result.knowledge)
        log.info("content reloaded: version %s -> %s", previous.version, result.knowledge.version)
        return True


async def serve(settings: Settings, platforms: Sequence[str]) -> None:
    """Run the requested platforms until they all stop."""
    clock = SystemClock()
    assistant, live = build_assistant(settings.content_dir, clock)
    runners = []
    for platform in platforms:
        if platform == "console":
            from bot.adapters.console_adapter import ConsoleAdapter

            runners.append(ConsoleAdapter(assistant, display_zone(settings)).run())
        else:
            raise ValueError(f"the {platform} adapter is not available in this build")
    watcher_task = None
    if settings.reload_seconds > 0:
        watcher = ContentWatcher(settings.content_dir, live, settings.reload_seconds)
        watcher_task = asyncio.create_task(watcher.run())
    try:
        await asyncio.gather(*runners)
    finally:
        if watcher_task:
            watcher_task.cancel()
