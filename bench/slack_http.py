"""Slack HTTP mode under load: the bot against a bare slack-bolt AsyncApp, same harness, same run.

Each server runs in its own process; this process plays Slack, sending correctly signed slash
commands with 1, 50 and 200 requests in flight, and prints throughput and ack latency (p50, p99)
for the bot and for bare ``AsyncApp``s that ack a fixed text, in bolt's default mode and with
``process_before_response=True``. The ratio compares the bot with the bare app in its own mode.

    .venv/bin/python bench/slack_http.py [--requests 3000] [--content content]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEVELS = (1, 50, 200)
ROUNDS = 5
TARGETS = ("bot", "bare-fast", "bare-default")
DESCRIPTIONS = {
    "bot": "optout-bot (answer inside ack, process_before_response=True)",
    "bare-fast": "bare AsyncApp, process_before_response=True",
    "bare-default": "bare AsyncApp, bolt's default mode",
}


def serve(target: str, content: str, ports: Any) -> None:
    """Child process: a fake Slack Web API plus one app on a free loopback port, until killed."""
    import logging

    logging.disable(logging.WARNING)
    asyncio.run(_serve(target, content, ports))


async def _serve(target: str, content: str, ports: Any) -> None:
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp

    from bot.bootstrap import build_assistant, slack_options
    from bot.config import Settings
    from bot.core.clock import SystemClock
    from bot.platforms.slack.adapter import SlackAdapter
    from tests.platforms.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack

    fake = FakeSlack()
    await fake.start()
    if target == "bot":
        import gc

        from bot.bootstrap import COLLECTOR_THRESHOLDS

        gc.set_threshold(*COLLECTOR_THRESHOLDS)  # as serve() does
        assistant, _ = build_assistant(Path(content), SystemClock(), None)
        settings = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            slack_http=True,
            slack_host="127.0.0.1",
            slack_port=0,
        )
        adapter = SlackAdapter(assistant, slack_options(settings))
        await adapter.start()
        ports.put(adapter.port)
    else:
        app = AsyncApp(
            token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            process_before_response=target == "bare-fast",
        )
        app.client.base_url = fake.api_url

        @app.command("/optout")
        async def answer(ack: Any) -> None:
            await ack(text="A fixed answer.", response_type="ephemeral")

        runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        ports.put(runner.addresses[0][1])
    await asyncio.Event().wait()


async def drive(port: int, body: str, in_flight: int, total: int) -> tuple[float, list[float]]:
    """Send ``total`` signed commands, ``in_flight`` at a time; throughput and latencies."""
    import aiohttp

    from tests.platforms.slack.fake_slack import FakeSlack

    signer = FakeSlack()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signer.sign(body, stamp),
    }
    url = f"http://127.0.0.1:{port}/slack/events"
    payload = body.encode()
    latencies: list[float] = []
    remaining = total
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                async with session.post(url, data=payload, headers=headers) as reply:
                    await reply.read()
                    if reply.status != 200:
                        raise RuntimeError(f"HTTP {reply.status}")
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - began
    return total / elapsed, latencies


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="per target and level")
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--service", default="chatgpt", help="the service asked about")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    processes, servers = [], {}
    for target in TARGETS:
        process = context.Process(target=serve, args=(target, args.content, ports), daemon=True)
        process.start()
        processes.append(process)
        servers[target] = (ports.get(timeout=60), process.pid)
    fields = {
        "token": "legacy",
        "team_id": "T0TEST",
        "channel_id": "C0CHAN",
        "user_id": "U0ALICE",
        "command": "/optout",
        "text": args.service,
        "response_url": "http://127.0.0.1:9/response/unused",
        "trigger_id": "1.2.3",
    }
    body = urlencode(fields)
    try:
        results = asyncio.run(measure(servers, body, args.requests))
    finally:
        for process in processes:
            process.terminate()
    report(results, args)


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux), unaffected by other load on the machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    servers: dict[str, tuple[int, int]], body: str, total: int
) -> dict[tuple[str, int], Any]:
    """Every target at every level, in interleaved rounds so that load from elsewhere on the
    machine falls on all of them alike: throughput of the median round, pooled latencies, and
    the server's CPU time per request."""
    for port, _ in servers.values():
        await drive(port, body, 50, 500)  # warm up: connections, caches, bolt's auth.test
    results = {}
    for level in LEVELS:
        count = max(total // 3, 300) if level == 1 else total
        rates: dict[str, list[float]] = {target: [] for target in servers}
        latencies: dict[str, list[float]] = {target: [] for target in servers}
        cpu = dict.fromkeys(servers, 0.0)
        for _ in range(ROUNDS):
            for target, (port, pid) in servers.items():
                before = cpu_seconds(pid)
                rate, taken = await drive(port, body, level, count // ROUNDS)
                cpu[target] += cpu_seconds(pid) - before
                rates[target].append(rate)
                latencies[target] += taken
        for target in servers:
            per_request = cpu[target] / (count // ROUNDS * ROUNDS)
            results[(target, level)] = (
                statistics.median(rates[target]),
                latencies[target],
                per_request,
            )
    return results


def report(results: dict[tuple[str, int], Any], args: argparse.Namespace) -> None:
    print(
        f"Slack HTTP mode, signed '/optout {args.service}' commands, {args.requests} per target "
        f"and level in {ROUNDS} interleaved rounds (throughput of the median round)"
    )
    for target in TARGETS:
        print(f"  {target:13} {DESCRIPTIONS[target]}")
    print()
    header = f"{'in flight':>9}  {'target':13} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{header} {'server CPU µs/req':>18}")
    for level in LEVELS:
        for target in TARGETS:
            rate, latencies, cpu = results[(target, level)]
            p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
            print(f"{level:>9}  {target:13} {rate:8.0f} {p50:8.2f} {p99:8.2f} {cpu * 1e6:18.0f}")
        bot, fast, default = (results[(target, level)] for target in TARGETS)
        print(
            f"{'':>9}  bot / bare-fast: throughput {bot[0] / fast[0]:.2f}x, "
            f"server CPU per request {bot[2] / fast[2]:.2f}x; "
            f"bot / bare-default throughput {bot[0] / default[0]:.2f}x"
        )
    mean = statistics.mean(results[("bot", 1)][1]) * 1000
    print(f"\nbot mean ack latency with one request in flight: {mean:.2f} ms")


if __name__ == "__main__":
    main()
