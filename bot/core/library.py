"""The loaded knowledge base: services, phrases and the index over them, swapped as a whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.knowledge import Service
from bot.core.lookup import ServiceIndex
from bot.core.phrases.messages import Messages


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """One consistent version of the content; a reload builds a new one and swaps it in."""

    services: tuple[Service, ...]
    messages: Messages
    version: str
    index: ServiceIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", ServiceIndex(self.services))

    def service(self, service_id: str) -> Service | None:
        """The service with exactly this id."""
        return self.index.find(service_id)


KnowledgeSource = Callable[[], KnowledgeBase]


class LiveKnowledge:
    """The knowledge base currently served; a reload swaps it atomically, readers never block."""

    def __init__(self, initial: KnowledgeBase) -> None:
        self._current = initial

    def __call__(self) -> KnowledgeBase:
        return self._current

    def swap(self, knowledge: KnowledgeBase) -> KnowledgeBase:
        """Serve ``knowledge`` from now on; returns the version it replaced."""
        previous, self._current = self._current, knowledge
        return previous
