"""Core speed and memory: load, lookup+render, fuzzy search, autocomplete and cold start.

Prints figures for the bundled knowledge base and for a generated one of 5 000 services.
Run with `make bench` or `.venv/bin/python bench/core.py [--services N] [--rounds N]`.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.content.loader import load_knowledge  # noqa: E402
from bot.core.assistant import Assistant  # noqa: E402
from bot.core.clock import FixedClock  # noqa: E402
from bot.core.request import Request  # noqa: E402
from bot.platforms.console.render import render_text  # noqa: E402

# Today at noon: the content is checked against the day it is loaded on, and its sources'
# `accessed` dates keep moving forward, so any fixed date eventually lies before some of them.
NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
NAME_PARTS = (
    "nova lumen quill orbit ember cedar pixel atlas vertex harbor summit prism echo delta "
    "falcon willow cobalt zephyr onyx aurora granite meadow signal canvas beacon"
)
WORDS = NAME_PARTS.split()
# As many choices as Discord shows, the largest list any platform asks for.
CHOICES = 25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {datetime.now(UTC):%Y-%m-%d}")
    report(
        "bundled content", ROOT / "content", args.rounds, ("claude", "anthropic", "antropic", "cla")
    )
    with tempfile.TemporaryDirectory() as scratch:
        generated = generate(Path(scratch), args.services)
        report(
            f"generated content, {args.services} services",
            generated,
            args.rounds,
            ("svc-2500", "nova nova 2500", "nova nvoa 2500", "ember"),
        )
    cold_start()


def report(title: str, content: Path, rounds: int, queries: tuple[str, str, str, str]) -> None:
    exact, alias, miss, fragment = queries
    files = [content / "messages.yaml", *sorted((content / "services").glob("*.yaml"))]
    bare = best_of(3, lambda: [yaml.load(p.read_text(), Loader=yaml.CSafeLoader) for p in files])
    load = best_of(3, lambda: load_knowledge(content, NOW.date()))
    tracemalloc.start()
    knowledge = load_knowledge(content, NOW.date()).knowledge
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assistant = Assistant(lambda: knowledge, FixedClock(NOW))
    print(f"\n== {title}: {len(knowledge.services)} services, {len(files)} files")
    print(
        f"load                  {load * 1000:9.1f} ms   bare YAML parse {bare * 1000:.1f} ms"
        f"   ratio {load / bare:.2f}x (target < 2x)"
    )
    print(f"peak memory of a load {peak / 1e6:9.1f} MB")
    index = knowledge.index
    uncached = Assistant(lambda: knowledge, FixedClock(NOW))
    timings = {
        f"exact id   /optout {exact}": lambda: render(assistant, f"/optout {exact}"),
        f"alias      /optout {alias}": lambda: render(assistant, f"/optout {alias}"),
        f"fuzzy miss /optout {miss}": lambda: render(assistant, f"/optout {miss}"),
        "  first answer, nothing cached": lambda: uncached._compute(
            knowledge, "optout", exact, None, NOW, uncached.signals()
        ),
        f"  find('{alias}')": lambda: index.find(alias),
        f"  suggest('{miss}')": lambda: index.suggest(miss),
        f"autocomplete '{fragment}'": lambda: assistant.autocomplete(fragment, CHOICES),
        f"autocomplete '{fragment[:2]}'": lambda: assistant.autocomplete(fragment[:2], CHOICES),
        f"autocomplete '{miss[:5]}' (typo)": lambda: assistant.autocomplete(miss[:5], CHOICES),
    }
    for label, action in timings.items():
        median, p99 = percentiles(action, rounds)
        print(f"{label:34} median {median:8.1f} µs   p99 {p99:8.1f} µs")


def render(assistant: Assistant, text: str) -> str:
    reply = assistant.answer_now(Request.from_line(text))
    assert reply is not None, "the benchmark asks plain questions only"
    return render_text(reply, UTC)


def percentiles(action: Callable[[], object], rounds: int) -> tuple[float, float]:
    action()
    samples = []
    gc.disable()
    try:
        for _ in range(rounds):
            start = time.perf_counter_ns()
            action()
            samples.append((time.perf_counter_ns() - start) / 1000)
    finally:
        gc.enable()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def best_of(times: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def generate(directory: Path, count: int) -> Path:
    """A knowledge base of ``count`` services shaped like the bundled ones."""
    content = directory / "content"
    (content / "services").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "messages.yaml", content / "messages.yaml")
    template = (
        ROOT / "tests" / "fixtures" / "content" / "services" / "chatterbox.yaml"
    ).read_text()
    template = template.replace("related: [quietnote]\n", "")
    for number in range(count):
        first, second = WORDS[number % len(WORDS)], WORDS[(number // len(WORDS)) % len(WORDS)]
        text = (
            template.replace("id: chatterbox", f"id: svc-{number}")
            .replace("name: Chatterbox AI", f"name: {first.title()} {second.title()} {number}")
            .replace(
                "aliases: [cbx, chatterbox ai assistant]",
                f"aliases: [{first} {second} {number}, s{number}x]",
            )
            .replace("last_verified: 2026-11-01", "last_verified: 2026-11-20")
        )
        (content / "services" / f"svc-{number}.yaml").write_text(text)
    return content


def cold_start() -> None:
    """Whole-process time of a one-shot answer, the first run filling the content cache."""
    command = [str(ROOT / ".venv" / "bin" / "optout-bot"), "ask", "/optout claude"]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "bot", "ask", "/optout claude"]
    with tempfile.TemporaryDirectory() as cache:
        env = {"PATH": "/usr/bin:/bin", "OPTOUT_CACHE_DIR": cache, "HOME": cache}
        subprocess.run(command, env=env, capture_output=True, check=True, cwd=ROOT)
        runs = []
        for _ in range(10):
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True, cwd=ROOT)
            runs.append(time.perf_counter() - start)
        uncached = {**env, "OPTOUT_CACHE_DIR": "off"}
        start = time.perf_counter()
        subprocess.run(command, env=uncached, capture_output=True, check=True, cwd=ROOT)
        without = time.perf_counter() - start
        probe = (
            "import sys, bot.__main__ as m; m.main(['ask', '/optout claude']);"
            "sdks = ('discord', 'slack_bolt', 'slack_sdk', 'sqlalchemy', 'pydantic', 'yaml');"
            "print(sorted(k for k in sdks if k in sys.modules))"
        )
        loaded = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env
        )
    print('\n== cold start: optout-bot ask "/optout claude" (whole process)')
    print(
        f"median {statistics.median(runs) * 1000:.0f} ms, best {min(runs) * 1000:.0f} ms"
        f" over 10 runs with the content cache (target < 300 ms);"
        f" {without * 1000:.0f} ms without it"
    )
    print(f"SDKs, validator and YAML parser imported: {loaded.stdout.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
