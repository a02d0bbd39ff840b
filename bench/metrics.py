"""The operations bookkeeping of one command, in µs: what bot/ops/observe.py adds to each answer.

Each observed command enters and leaves a CommandScope, as an adapter's entry point does: a
request id, the in-flight count, the outcome counter, the latency and acknowledgement-margin
histograms. The loop cycles through a few command names and two platforms, so the label lookups
are those of a running bot rather than one cached series. Also times one /metrics exposition
with those series filled. Times are CPU time, which other load on a shared machine inflates less
than wall time; prints the median and lowest of several rounds.

    .venv/bin/python bench/metrics.py [--commands N] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prometheus_client import generate_latest  # noqa: E402

from bot.ops.metrics import BotMetrics  # noqa: E402
from bot.ops.observe import Observer  # noqa: E402

NAMES = [("discord", "optout"), ("slack", "deadline"), ("discord", "changes"), ("slack", "help")]


def observed_commands(observer: Observer, count: int) -> float:
    """Seconds per observed command, over ``count`` commands."""
    names = [NAMES[n % len(NAMES)] for n in range(count)]
    started = time.process_time()
    for platform, command in names:
        with observer.scope(platform, command):
            pass
    return (time.process_time() - started) / count


def exposition(metrics: BotMetrics, count: int) -> float:
    """Seconds per exposition of every metric, over ``count`` expositions."""
    started = time.process_time()
    for _ in range(count):
        generate_latest(metrics.registry)
    return (time.process_time() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    observer = Observer(BotMetrics())
    observed_commands(observer, 1_000)  # warm up: every series exists before timing
    per_command = [observed_commands(observer, arguments.commands) for _ in range(arguments.rounds)]
    per_scrape = [exposition(observer.metrics, 200) for _ in range(arguments.rounds)]
    print(
        f"observed command: median {statistics.median(per_command) * 1e6:.2f} µs, "
        f"lowest {min(per_command) * 1e6:.2f} µs ({arguments.rounds} rounds of "
        f"{arguments.commands})"
    )
    print(
        f"/metrics exposition: median {statistics.median(per_scrape) * 1e6:.0f} µs, "
        f"lowest {min(per_scrape) * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
