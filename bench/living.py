"""Living answers at scale: planning edits, scheduling reminders, and the rate-limited edit queue.

Prints, for SQLite (and PostgreSQL with --postgres, started by scripts/postgres.sh):
- the time to plan (and queue) the edits of 10 000 tracked messages after a knowledge-base change;
- the time to schedule one reminder for 10 000 subscribed channels, and to drain them;
- the throughput of the edit queue against a fake platform that enforces a rate limit.

Run with `.venv/bin/python bench/living.py [--messages N] [--channels N] [--postgres]`.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_knowledge  # noqa: E402
from bot.core.assistant import Assistant  # noqa: E402
from bot.core.clock import Clock, FixedClock, SystemClock  # noqa: E402
from bot.core.library import KnowledgeBase, LiveKnowledge  # noqa: E402
from bot.core.living.edits import change_mark  # noqa: E402
from bot.core.living.fingerprint import fingerprint  # noqa: E402
from bot.core.living.pacing import Pacer  # noqa: E402
from bot.core.living.schedule import ReminderPolicy, deadline_changes, due_reminders  # noqa: E402
from bot.core.living.service import BASELINE_KEY, LivingAnswers, LivingOptions  # noqa: E402
from bot.core.living.workers import WorkerOptions  # noqa: E402
from bot.core.ports.channels import ChannelRef  # noqa: E402
from bot.store.dialect import encode_parts  # noqa: E402
from bot.store.engine import create_engine, database_url  # noqa: E402
from bot.store.migrations import migrate  # noqa: E402
from bot.store.schema import subscriptions, tracked_answers  # noqa: E402
from bot.store.sql_store import SqlStore  # noqa: E402
from tests.support import fixture_knowledge  # noqa: E402
from tests.support.editions import both, edition, log_change  # noqa: E402
from tests.support.fakes import MemoryPlatform, RateLimitedPlatform  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
PLATFORM = "fake"
COMMANDS = ("optout", "deadline", "changes")
# Posting every reminder takes long; the rate of the first batches is the figure.
DRAIN_BATCHES = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=400, help="edits per rate-limit run")
    parser.add_argument("--limit", type=float, default=50.0, help="platform limit, calls/s")
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    args = parser.parse_args()
    knowledge = load_knowledge(ROOT / "content", NOW.date()).knowledge
    print(
        f"python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d}, "
        f"{len(knowledge.services)} services in the bundled knowledge base"
    )
    with tempfile.TemporaryDirectory() as scratch:
        databases = [("SQLite", f"sqlite:///{scratch}/bench.db")]
        server = start_postgres() if args.postgres else None
        if server:
            databases.append(("PostgreSQL", server[0]))
        try:
            asyncio.run(measure(args, knowledge, databases, scratch))
        finally:
            if server:
                subprocess.run(["bash", str(ROOT / "scripts/postgres.sh"), "stop", server[1]])


async def measure(
    args: argparse.Namespace,
    knowledge: KnowledgeBase,
    databases: list[tuple[str, str]],
    scratch: str,
) -> None:
    for name, url in databases:
        print(f"\n== {name}")
        await plan_edits(url, knowledge, args.messages)
        await schedule_reminders(_renamed(url, "reminders"), args.channels)
    print(f"\n== edit queue against a platform allowing {args.limit:g} calls/s (burst 5), SQLite")
    for factor in (1.0, 2.0):
        url = f"sqlite:///{scratch}/queue-{factor}.db"
        await edit_throughput(url, knowledge, args.edits, args.limit, factor)


def _renamed(url: str, name: str) -> str:
    """Another SQLite file beside the first; the same PostgreSQL database (emptied each time)."""
    return url.replace("bench.db", f"{name}.db")


async def plan_edits(url: str, knowledge: KnowledgeBase, messages: int) -> None:
    store = await fresh_store(url)
    live = LiveKnowledge(knowledge)
    clock = FixedClock(NOW)
    assistant = Assistant(live, clock)
    rows = []
    answers = [(c, s.id) for c in COMMANDS for s in knowledge.services] + [
        (c, None) for c in COMMANDS
    ]
    for number in range(messages):
        command, service = answers[number % len(answers)]
        shown = fingerprint(assistant.run(command, service))
        rows.append(
            {
                "platform": PLATFORM,
                "workspace": f"T{number % 50}",
                "channel": f"C{number}",
                "message_id": f"{number}.000100",
                "command": command,
                "service_id": service or "",
                "digest": shown.digest,
                "parts": encode_parts(shown.parts),
                "change_mark": change_mark(knowledge, service),
                "posted_at": NOW,
                "touched_at": NOW,
            }
        )
    async with store.engine.begin() as connection:
        await connection.execute(tracked_answers.insert(), rows)
    living = living_answers(store, assistant, clock)
    unchanged = await timed(living.plan)
    edited = [service.id for service in knowledge.services[:5]]
    live.swap(
        edition(
            knowledge,
            **{
                service: both(log_change("2026-11-27", "Renamed the [Training] toggle."))
                for service in edited
            },
        )
    )
    start = time.perf_counter()
    plans = await living.plan()
    planned = time.perf_counter() - start
    queued = await timed(living.refresh)
    affected = sum(plan.messages for plan in plans)
    print(f"plan edits, {messages} tracked messages, nothing changed   {unchanged * 1000:8.1f} ms")
    print(
        f"plan edits after {len(edited)} services changed ({affected} messages)  "
        f"{planned * 1000:8.1f} ms"
    )
    print(f"  plan and queue those edits                         {queued * 1000:8.1f} ms")
    await store.close()


async def schedule_reminders(url: str, channels: int) -> None:
    store = await fresh_store(url)
    rows = [
        {
            "platform": PLATFORM,
            "workspace": f"T{n % 50}",
            "channel": f"C{n}",
            "service_id": "all",
            "created_at": NOW,
        }
        for n in range(channels)
    ]
    async with store.engine.begin() as connection:
        await connection.execute(subscriptions.insert(), rows)
    # The bundled content may have no deadline ahead; the fixture's launch always is, on 10 Dec.
    knowledge = fixture_knowledge()
    now = datetime(2026, 12, 7, 17, 5, tzinfo=UTC)
    records, _ = deadline_changes(knowledge, [], now - timedelta(days=60), announce=False)
    await store.record_deadlines(records)
    await store.put_value(BASELINE_KEY, now.isoformat(), now)
    (occurrence,) = due_reminders(knowledge, records, now, ReminderPolicy())
    start = time.perf_counter()
    queued = await store.fan_out([occurrence], now)
    fanned = time.perf_counter() - start
    platform = MemoryPlatform()
    clock = FixedClock(now)
    assistant = Assistant(lambda: knowledge, clock)
    living = living_answers(store, assistant, clock, batch=500)
    living.attach(platform, Pacer(rate=1e9, burst=10_000))
    start = time.perf_counter()
    for _ in range(DRAIN_BATCHES):
        await living.tick()
    drained = time.perf_counter() - start
    print(f"schedule one reminder for {queued} subscribed channels  {fanned * 1000:8.1f} ms")
    print(
        f"  post the first {len(platform.messages)} (unlimited fake platform)  "
        f"{drained * 1000:8.1f} ms  ({len(platform.messages) / drained:,.0f} reminders/s, "
        "each recorded as posted before the next)"
    )
    await store.close()


async def edit_throughput(
    url: str, knowledge: KnowledgeBase, edits: int, limit: float, factor: float
) -> None:
    store = await fresh_store(url)
    live = LiveKnowledge(knowledge)
    # Real time: postponed edits must become due again as the seconds pass.
    clock = SystemClock()
    assistant = Assistant(live, clock)
    platform = RateLimitedPlatform(rate=limit, burst=5)
    living = living_answers(store, assistant, clock, batch=50)
    pacer = Pacer(rate=limit * factor)
    living.attach(platform, pacer)
    service = knowledge.services[0]
    reply = assistant.run("optout", service.id)
    for number in range(edits):
        message = platform.place(_channel(number), reply)
        await living.record(message, reply)
    live.swap(edition(knowledge, **{service.id: reworded}))
    await living.refresh()
    start = time.perf_counter()
    done = 0
    while await store.pending_edits():
        report = await living.tick()
        done += report.edits[PLATFORM].done
        if not report.more:
            await asyncio.sleep(pacer.paused_for())
    elapsed = time.perf_counter() - start
    rate = done / elapsed
    print(
        f"queue paced at {factor:g}x the limit: {done} edits in {elapsed:5.1f} s = "
        f"{rate:5.1f} edits/s ({rate / limit:4.0%} of the limit), "
        f"{platform.refused} refused (429), pace settled at {pacer.rate:g}/s"
    )
    await store.close()


def reworded(record: dict[str, Any]) -> None:
    record["summary"] += " Reworded."


def _channel(number: int) -> ChannelRef:
    return ChannelRef(PLATFORM, "T1", f"C{number % 20}")


def living_answers(
    store: SqlStore, assistant: Assistant, clock: Clock, batch: int = 50
) -> LivingAnswers:
    return LivingAnswers(
        store, assistant, clock, LivingOptions(WorkerOptions("bench", batch=batch))
    )


async def fresh_store(url: str) -> SqlStore:
    engine = create_engine(database_url(url))
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await migrate(engine, NOW)
    return SqlStore(engine)


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


def start_postgres() -> tuple[str, str]:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/postgres.sh"), "start"],
        capture_output=True,
        text=True,
        check=True,
    )
    values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return values["DATABASE_URL"], values["PGDATA"]


if __name__ == "__main__":
    main()
