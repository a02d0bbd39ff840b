"""Pacing: the queues run at the platform's limit, honour Retry-After, and do not keep tripping."""

from __future__ import annotations

import time

import pytest

from bot.core.assistant import Assistant
from bot.core.clock import SystemClock
from bot.core.library import LiveKnowledge
from bot.core.living.pacing import RECOVERY_SECONDS, Pacer
from bot.core.living.service import LivingAnswers, LivingOptions
from bot.core.living.workers import WorkerOptions
from bot.core.ports.channels import ChannelRef
from bot.store.sql_store import SqlStore
from tests.support import fixture_knowledge
from tests.support.editions import edition
from tests.support.fakes import RateLimitedPlatform


class SimulatedTime:
    """A monotonic clock that only moves when the pacer sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer(rate: float, burst: int = 1) -> tuple[Pacer, SimulatedTime]:
    simulated = SimulatedTime()
    return Pacer(rate, burst, simulated.sleep, simulated.monotonic), simulated


async def test_calls_are_spaced_at_the_rate_after_the_burst() -> None:
    paced, simulated = pacer(rate=10, burst=3)
    for _ in range(13):
        await paced.acquire()
    assert simulated.now - 100.0 == pytest.approx(1.0)


async def test_a_rate_limit_pauses_for_retry_after_and_slows_down() -> None:
    paced, simulated = pacer(rate=10)
    await paced.acquire()
    paced.limited(2.5)
    assert paced.paused_for() == pytest.approx(2.5)
    await paced.acquire()
    assert simulated.now - 100.0 == pytest.approx(2.5)
    await paced.acquire()
    assert simulated.now - 100.0 == pytest.approx(2.5 + 1 / 8)
    assert paced.rate == pytest.approx(8)
    assert paced.limited_count == 1


async def test_the_rate_recovers_but_not_to_a_rate_that_was_refused() -> None:
    paced, simulated = pacer(rate=100)
    paced.limited(0)  # refused at 100/s: now 80/s
    paced.limited(0)  # refused at 80/s: now 64/s
    for _ in range(10):
        simulated.now += RECOVERY_SECONDS
        await paced.acquire()
    assert paced.rate == pytest.approx(76)  # 95% of the lowest refused rate


def test_a_pacer_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError, match="positive rate"):
        Pacer(0)


async def test_the_edit_queue_runs_at_a_platforms_limit_without_tripping_it(
    store: SqlStore,
) -> None:
    limit = 200.0
    platform = RateLimitedPlatform(rate=limit, burst=5)
    live = LiveKnowledge(fixture_knowledge())
    clock = SystemClock()
    assistant = Assistant(live, clock)
    living = LivingAnswers(store, assistant, clock, LivingOptions(WorkerOptions("bot-1")))
    living.attach(platform, Pacer(rate=limit))
    reply = assistant.run("optout", "chatterbox")
    for number in range(100):
        message = platform.place(ChannelRef("fake", "T1", f"C{number}"), reply)
        await living.record(message, reply)

    def reword(record: dict[str, object]) -> None:
        # The card shows the summary's first sentence: reword that one.
        record["summary"] = f"Reworded. {record['summary']}"

    live.swap(edition(chatterbox=reword))
    assert sum(plan.messages for plan in await living.refresh()) == 100
    start = time.perf_counter()
    while await store.pending_edits():
        await living.tick()
    elapsed = time.perf_counter() - start
    assert platform.refused == 0
    assert [posted.edits for posted in platform.messages.values()] == [1] * 100
    # 100 edits at 200/s take half a second; slower machines may take longer, never less.
    assert elapsed >= (100 - 1) / limit * 0.95
