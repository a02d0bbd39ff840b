"""Hot reload: polls the content files and swaps in a new knowledge base when they change.

Polling file sizes and modification times every few seconds costs next to nothing, needs no
platform-specific watcher, and works the same on a laptop, in a container and on a network volume.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.content.loader import ContentError, LoadResult, content_files
from bot.core.library import LiveKnowledge

log = logging.getLogger(__name__)

Snapshot = tuple[tuple[str, int, int], ...]


class ContentWatcher:
    """Reloads the knowledge base when its files change; a broken edit keeps the last good one."""

    def __init__(
        self,
        directory: Path,
        live: LiveKnowledge,
        load: Callable[[], LoadResult],
        interval: float,
        on_change: Sequence[Callable[[], object]] = (),
    ) -> None:
        self._directory = directory
        self._live = live
        self._load = load
        self._interval = interval
        # Told after each swap, e.g. so that posted answers are brought up to date at once.
        self._on_change = tuple(on_change)
        self._seen = self.snapshot()

    def snapshot(self) -> Snapshot:
        """Name, size and modification time of every content file."""
        entries = []
        for path in content_files(self._directory):
            try:
                stat = path.stat()
            except OSError:  # gone, or a link that loops or leads nowhere: the load says which
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(entries)

    async def run(self) -> None:
        """Poll until cancelled; no failure of one reload stops the next."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.check()
            except Exception:  # a bug, not bad content: the watcher must outlive it all the same
                log.exception("content watcher: check failed; trying again on the next change")

    async def check(self) -> bool:
        """Reload if anything changed; True when a new version is now served."""
        current = self.snapshot()
        if current == self._seen:
            return False
        # Remembered before loading, so a failure is logged once and retried on the next edit.
        self._seen = current
        try:
            result = await asyncio.to_thread(self._load)
        except ContentError as error:
            log.error("content reload failed; still serving version %s", self._live().version)
            for problem in error.problems:
                log.error("content: %s", problem)
            return False
        except Exception:
            log.exception(
                "content reload failed unexpectedly; still serving version %s",
                self._live().version,
            )
            return False
        previous = self._live.swap(result.knowledge)
        log.info("content reloaded: version %s -> %s", previous.version, result.knowledge.version)
        for listener in self._on_change:
            try:
                listener()
            except Exception:  # the new version is served all the same; the others still hear
                log.exception("content watcher: a listener failed after the reload")
        return True
