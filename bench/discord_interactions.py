"""Discord interactions under load: the bot against a bare discord.py client, same fake, same run.

This process plays Discord (the fake REST API and gateway from the tests). The bot and a bare
``discord.Client`` whose command answers a fixed text each run in a process of their own and
connect to it over real sockets. The fake sends ``INTERACTION_CREATE`` events with 1, 50 and 200
in flight and times each until its callback arrives; each client reports the CPU it spent. Then
autocomplete is timed the same way. Rounds alternate between the two clients so that load from
elsewhere on the machine falls on both alike.

    .venv/bin/python bench/discord_interactions.py [--interactions 3000] [--rounds 10]
        [--content content --service claude] [--stdlib-json] [--profile DIR]

``--profile DIR`` runs cProfile inside each client's event loop during the measured command
rounds and writes ``DIR/bare.pstats`` and ``DIR/bot.pstats`` (figures are then slower: for
finding where the CPU goes, not for comparing throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEVELS = (1, 50, 200)
TARGETS = {"bare": "bare-token", "bot": "bot-token"}
DESCRIPTIONS = {
    "bare": "bare discord.Client + CommandTree, /optout answers a fixed text (ephemeral)",
    "bot": "optout-bot: /optout <service> answered with its embeds and Post/Pin buttons",
}


def client_process(
    target: str, api_base: str, gateway: str, content: str, stdlib_json: bool, pipe: Any
) -> None:
    """Child process: one client connected to the fake; answers 'cpu' with its CPU seconds.

    'profile' starts cProfile on the event loop's thread; a path ends it and writes the stats.
    """
    import logging

    logging.disable(logging.WARNING)
    if stdlib_json:
        import json

        import discord.utils

        # What discord.py does when orjson is not installed.
        discord.utils._to_json = lambda obj: json.dumps(obj, separators=(",", ":"))
        discord.utils._from_json = json.loads
    asyncio.run(_run_client(target, api_base, gateway, content, pipe))


async def _run_client(target: str, api_base: str, gateway: str, content: str, pipe: Any) -> None:
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()

    profiler = cProfile.Profile()

    def serve_pipe() -> None:
        while True:
            request = pipe.recv()
            if request == "stop":
                loop.call_soon_threadsafe(stopped.set)
                return
            if request == "profile":
                # cProfile watches one thread: the loop's, where every interaction is handled.
                loop.call_soon_threadsafe(profiler.enable)
            elif request != "cpu":
                loop.call_soon_threadsafe(profiler.disable)
                loop.call_soon_threadsafe(profiler.dump_stats, request)
            pipe.send(time.process_time())

    client = _bot(api_base, gateway, content) if target == "bot" else _bare(api_base, gateway)
    threading.Thread(target=serve_pipe, daemon=True).start()
    runner = asyncio.create_task(client.start(TARGETS[target]))
    await stopped.wait()
    await client.close()
    await runner


def _bot(api_base: str, gateway: str, content: str) -> Any:
    import gc

    from bot.bootstrap import COLLECTOR_THRESHOLDS, build_assistant, build_discord
    from bot.config import Settings
    from bot.core.clock import SystemClock

    assistant, _ = build_assistant(Path(content), SystemClock(), None)
    state = Path(tempfile.mkdtemp()) / "discord-commands.json"
    settings = Settings.from_environ(
        {
            "DISCORD_TOKEN": TARGETS["bot"],
            "DISCORD_API_BASE": api_base,
            "DISCORD_GATEWAY_URL": gateway,
            "DISCORD_SYNC_STATE": str(state),
        }
    )
    gc.set_threshold(*COLLECTOR_THRESHOLDS)  # as serve() does
    return build_discord(settings, assistant).client


def _bare(api_base: str, gateway: str) -> Any:
    import discord
    import yarl
    from discord import app_commands

    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    client = discord.Client(
        intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none()
    )
    tree = app_commands.CommandTree(client)

    @tree.command(name="optout", description="A fixed answer")
    async def optout(interaction: discord.Interaction, service: str | None = None) -> None:
        await interaction.response.send_message("A fixed answer.", ephemeral=True)

    return client


@dataclass
class Phase:
    """What one round of one kind of interaction measured."""

    latencies: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    cpu_per_interaction: list[float] = field(default_factory=list)
    fake_cpu_per_interaction: list[float] = field(default_factory=list)


async def drive(
    fake: Any, bot: Any, build: Any, in_flight: int, total: int
) -> tuple[float, list[float]]:
    """Send ``total`` interactions, ``in_flight`` at a time; throughput and latencies."""
    latencies: list[float] = []
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            payload = build()
            answered = fake.expect_callback(payload["id"])
            started = time.perf_counter()
            await fake.dispatch(bot, "INTERACTION_CREATE", payload)
            await asyncio.wait_for(answered, 30)
            latencies.append(time.perf_counter() - started)
            del fake.callbacks[payload["id"]]

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return total / (time.perf_counter() - began), latencies


def cpu(pipe: Any, request: str = "cpu") -> float:
    """The client's CPU seconds so far (after carrying out ``request``)."""
    pipe.send(request)
    return float(pipe.recv())


async def measure(args: argparse.Namespace) -> dict[tuple[str, int], Phase]:
    from tests.adapters.fake_discord import FakeDiscord, autocomplete, slash

    fake = FakeDiscord(record=False)
    await fake.start()
    bots = {target: fake.add_bot(token) for target, token in TARGETS.items()}
    context = multiprocessing.get_context("spawn")
    pipes, processes = {}, []
    for target in TARGETS:
        mine, theirs = context.Pipe()
        process = context.Process(
            target=client_process,
            args=(target, fake.api_base, fake.gateway_url, args.content, args.stdlib_json, theirs),
            daemon=True,
        )
        process.start()
        pipes[target], processes = mine, [*processes, process]
    try:
        for bot in bots.values():
            await fake.connected(bot, 60)

        def command(target: str) -> Any:
            return lambda: slash(bots[target], "optout", {"service": args.service})

        def typing(target: str) -> Any:
            return lambda: autocomplete(bots[target], "optout", args.typed)

        for target in TARGETS:  # warm up: connections, caches
            await drive(fake, bots[target], command(target), 50, 500)
        profiling = args.profile
        if profiling:
            for pipe in pipes.values():
                cpu(pipe, "profile")
        results: dict[tuple[str, int], Phase] = {}
        plans = [(level, [(target, command(target)) for target in TARGETS]) for level in LEVELS]
        plans += [(level, [("autocomplete", typing("bot"))]) for level in (1, 50)]
        for level, kinds in plans:
            if profiling and kinds[0][0] == "autocomplete":
                # The profiles cover the commands alone, so that both clients' compare.
                _write_profiles(pipes, profiling)
                profiling = None
            count = max(args.interactions // 4, 400) if level == 1 else args.interactions
            each = count // args.rounds
            for round_number in range(args.rounds):
                # Clients take turns, and the turn order flips every round, so that load from
                # elsewhere on the machine falls on both alike.
                for target, build in kinds if round_number % 2 == 0 else kinds[::-1]:
                    phase = results.setdefault((target, level), Phase())
                    client = "bot" if target == "autocomplete" else target
                    before, fake_before = cpu(pipes[client]), time.process_time()
                    rate, taken = await drive(fake, bots[client], build, level, each)
                    phase.cpu_per_interaction.append((cpu(pipes[client]) - before) / each)
                    phase.fake_cpu_per_interaction.append(
                        (time.process_time() - fake_before) / each
                    )
                    phase.rates.append(rate)
                    phase.latencies += taken
        return results
    finally:
        for pipe in pipes.values():
            pipe.send("stop")
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.terminate()
        await fake.stop()


def _write_profiles(pipes: dict[str, Any], folder: str) -> None:
    Path(folder).mkdir(parents=True, exist_ok=True)
    for target, pipe in pipes.items():
        cpu(pipe, str(Path(folder, f"{target}.pstats").resolve()))


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(results: dict[tuple[str, int], Phase], args: argparse.Namespace) -> None:
    print(
        f"Discord interactions, '/optout service:{args.service}', {args.interactions} per client "
        f"and level in {args.rounds} alternating rounds (median round)"
        f"{', stdlib json' if args.stdlib_json else ''}"
    )
    for target, description in DESCRIPTIONS.items():
        print(f"  {target:5} {description}")
    print()
    header = f"{'in flight':>9}  {'client':5} {'int/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    # A client's CPU per interaction in its least disturbed round estimates its own cost best.
    # The fake's own CPU shows when it, not the client, limits throughput.
    print(f"{header} {'CPU µs/int':>10} {'lowest':>7} {'fake CPU':>8}")
    for level in LEVELS:
        for target in TARGETS:
            phase = results[(target, level)]
            print(
                f"{level:>9}  {target:5} {statistics.median(phase.rates):7.0f} "
                f"{percentile(phase.latencies, 0.5):7.2f} {percentile(phase.latencies, 0.99):7.2f} "
                f"{statistics.median(phase.cpu_per_interaction) * 1e6:10.0f} "
                f"{min(phase.cpu_per_interaction) * 1e6:7.0f} "
                f"{statistics.median(phase.fake_cpu_per_interaction) * 1e6:8.0f}"
            )
        bot, bare = results[("bot", level)], results[("bare", level)]
        # Each round's clients ran back to back, so their ratio is the least disturbed figure.
        ratios = sorted(mine / theirs for mine, theirs in zip(bot.rates, bare.rates, strict=True))
        extra = percentile(bot.latencies, 0.5) - percentile(bare.latencies, 0.5)
        print(
            f"{'':>9}  bot/bare throughput {statistics.median(ratios):.2f}x "
            f"(rounds {ratios[0]:.2f}–{ratios[-1]:.2f}), p50 {extra:+.2f} ms"
        )
    print()
    for level in (1, 50):
        phase = results[("autocomplete", level)]
        print(
            f"autocomplete '{args.typed}', {level:>2} in flight: "
            f"p50 {percentile(phase.latencies, 0.5):.2f} ms, "
            f"p99 {percentile(phase.latencies, 0.99):.2f} ms (Discord allows 3000 ms), "
            f"{statistics.median(phase.rates):.0f}/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=3000, help="per client and level")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds per level")
    # The fixed test knowledge base, so that figures from different days compare: its Chatterbox
    # answer is one full embed (11 fields, about 2 900 characters) with both buttons.
    parser.add_argument("--content", default=str(ROOT / "tests" / "fixtures" / "content"))
    parser.add_argument("--service", default="chatterbox", help="the service asked about")
    parser.add_argument("--typed", default="ch", help="what autocomplete is asked to complete")
    parser.add_argument(
        "--stdlib-json", action="store_true", help="both clients without orjson, for comparison"
    )
    parser.add_argument("--profile", help="write each client's cProfile stats to this folder")
    args = parser.parse_args()
    report(asyncio.run(measure(args)), args)


if __name__ == "__main__":
    main()
