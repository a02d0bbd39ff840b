"""A bot process in miniature, for tests: knowledge, clock, fake platform and living answers."""

from __future__ import annotations

from bot.core.assistant import Assistant
from bot.core.library import KnowledgeBase, LiveKnowledge
from bot.core.living.pacing import Pacer
from bot.core.living.schedule import ReminderPolicy
from bot.core.living.service import LivingAnswers, LivingOptions
from bot.core.living.workers import WorkerOptions
from bot.core.ports.channels import ChannelRef
from bot.store.sql_store import SqlStore
from tests.support import fixture_knowledge, instant
from tests.support.fakes import MemoryPlatform, SteppingClock

START = instant("2026-11-20T12:00:00Z")


class Bot:
    """One bot process: its knowledge, clock, platform and living answers on a shared store."""

    def __init__(
        self,
        store: SqlStore,
        platform: MemoryPlatform | None = None,
        clock: SteppingClock | None = None,
        batch: int = 50,
        owner: str = "bot-1",
    ) -> None:
        self.live = LiveKnowledge(fixture_knowledge())
        self.clock = clock or SteppingClock(START)
        self.platform = platform or MemoryPlatform()
        self.assistant = Assistant(self.live, self.clock)
        options = LivingOptions(WorkerOptions(owner, batch=batch), ReminderPolicy())
        self.living = LivingAnswers(store, self.assistant, self.clock, options)
        self.pacer = Pacer(rate=10_000, burst=100)
        self.living.attach(self.platform, self.pacer)

    async def share(self, channel: ChannelRef, command: str, service: str | None) -> str:
        """Post an answer publicly the way an adapter does, and record it."""
        reply = self.assistant.run(command, service)
        message = self.platform.place(channel, reply)
        await self.living.record(message, reply)
        return message.first

    def publish(self, knowledge: KnowledgeBase) -> None:
        self.live.swap(knowledge)
