"""Discord interactions under load: the bot against a bare discord.py client, same fake, same run.

This process plays Discord (the fake REST API and gateway from the tests). The bot and a bare
``discord.Client`` whose command answers a fixed text each run in a process of their own and
connect to it over real sockets. The fake sends ``INTERACTION_CREATE`` events with 1, 50 and 200
in flight and times each until its callback arrives; each client reports the CPU it spent. Then
autocomplete is timed the same way. Rounds alternate between the two clients so that load from
elsewhere on the machine falls on both alike.

The fake shares the machine's two cores with the clients, so its own work is kept small and the
same for both: it encodes and decodes JSON with orjson, as discord.py does in both clients. (With
the standard library's json it spent about 55 µs more on each bot interaction than on a bare
one, echoing the larger answer, and the comparison charged that to the bot.) Each client's own
CPU per interaction is reported beside the fake's, so either can be judged alone.

    .venv/bin/python bench/discord_interactions.py [--interactions 3000] [--rounds 10]
        [--content content --service claude] [--stdlib-json] [--same-answer] [--profile DIR]

``--same-answer`` adds a third client to the rotation: the bare client, unchanged but for its
answer, which is the bot's own answer to the question (embeds and buttons, rendered once before
the run). What separates it from the bare client is the size of the answer, which discord.py
encodes and sends, and parses again from Discord's reply, and which the fake must read and echo;
what separates the bot from it is the bot's own work per interaction.

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
TARGETS = {"bare": "bare-token", "bot": "bot-token", "same": "same-token"}
DESCRIPTIONS = {
    "bare": "bare discord.Client + CommandTree, /optout answers a fixed text (ephemeral)",
    "bot": "optout-bot: /optout <service> answered with its embeds and Post/Pin buttons",
    "same": "the bare client answering with the bot's answer, rendered once before the run",
}


def client_process(
    target: str,
    api_base: str,
    gateway: str,
    question: tuple[str, str],
    stdlib_json: bool,
    pipe: Any,
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
    asyncio.run(_run_client(target, api_base, gateway, question, pipe))


async def _run_client(
    target: str, api_base: str, gateway: str, question: tuple[str, str], pipe: Any
) -> None:
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

    content, service = question
    if target == "bot":
        client = _bot(api_base, gateway, content)
    else:
        client = _bare(api_base, gateway, _answer(content, service) if target == "same" else None)
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


def _answer(content: str, service: str) -> list[dict[str, Any]]:
    """The bot's private answer to ``/optout service``, as discord.py ``send`` arguments."""
    from bot.bootstrap import build_assistant
    from bot.core.clock import SystemClock
    from bot.platforms.discord.components import PRIVATE, RenderedReplies

    assistant, _ = build_assistant(Path(content), SystemClock(), None)
    return RenderedReplies().reply(assistant.run("optout", service), PRIVATE)


def _bare(api_base: str, gateway: str, answer: list[dict[str, Any]] | None) -> Any:
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
        if answer is None:
            return await interaction.response.send_message("A fixed answer.", ephemeral=True)
        await interaction.response.send_message(**answer[0], ephemeral=True)
        for fields in answer[1:]:
            await interaction.followup.send(**fields, ephemeral=True)

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
    from tests.platforms.discord.fake_discord import FakeDiscord, autocomplete, slash

    fake = FakeDiscord(record=False)
    await fake.start()
    clients = [target for target in TARGETS if target != "same" or args.same_answer]
    bots = {target: fake.add_bot(TARGETS[target]) for target in clients}
    context = multiprocessing.get_context("spawn")
    pipes, processes = {}, []
    for target in clients:
        mine, theirs = context.Pipe()
        process = context.Process(
            target=client_process,
            args=(
                target,
                fake.api_base,
                fake.gateway_url,
                (args.content, args.service),
                args.stdlib_json,
                theirs,
            ),
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

        for target in clients:  # warm up: connections, caches
            await drive(fake, bots[target], command(target), 50, 500)
        profiling = args.profile
        if profiling:
            for pipe in pipes.values():
                cpu(pipe, "profile")
        results: dict[tuple[str, int], Phase] = {}
        plans = [(level, [(target, command(target)) for target in clients]) for level in LEVELS]
        plans += [(level, [("autocomplete", typing("bot"))]) for level in (1, 50)]
        for level, kinds in plans:
            if profiling and kinds[0][0] == "autocomplete":
                # The profiles cover the commands alone, so that both clients' compare.
                _write_profiles(pipes, profiling)
                profiling = None
            # As many at one in flight as at the others: its rounds are the slowest, and short
            # rounds let a moment's load elsewhere on the machine swing the ratio by a third.
            each = args.interactions // args.rounds
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


def compare(mine: Phase, theirs: Phase, name: str, other: str) -> str:
    """Throughput ratio of two clients (median round, and the spread) and their p50 difference."""
    # Each round's clients ran back to back, so their ratio is the least disturbed figure.
    ratios = sorted(a / b for a, b in zip(mine.rates, theirs.rates, strict=True))
    extra = percentile(mine.latencies, 0.5) - percentile(theirs.latencies, 0.5)
    return (
        f"{name}/{other} throughput {statistics.median(ratios):.2f}x "
        f"(rounds {ratios[0]:.2f}–{ratios[-1]:.2f}), p50 {extra:+.2f} ms"
    )


def report(results: dict[tuple[str, int], Phase], args: argparse.Namespace) -> None:
    print(
        f"Discord interactions, '/optout service:{args.service}', {args.interactions} per client "
        f"and level in {args.rounds} alternating rounds (median round)"
        f"{', stdlib json' if args.stdlib_json else ''}"
    )
    clients = [target for target in TARGETS if (target, LEVELS[0]) in results]
    for target in clients:
        print(f"  {target:5} {DESCRIPTIONS[target]}")
    print()
    header = f"{'in flight':>9}  {'client':5} {'int/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    # A client's CPU per interaction in its least disturbed round estimates its own cost best.
    # The fake's own CPU shows when it, not the client, limits throughput.
    print(f"{header} {'CPU µs/int':>10} {'lowest':>7} {'fake CPU':>8}")
    for level in LEVELS:
        for target in clients:
            phase = results[(target, level)]
            print(
                f"{level:>9}  {target:5} {statistics.median(phase.rates):7.0f} "
                f"{percentile(phase.latencies, 0.5):7.2f} {percentile(phase.latencies, 0.99):7.2f} "
                f"{statistics.median(phase.cpu_per_interaction) * 1e6:10.0f} "
                f"{min(phase.cpu_per_interaction) * 1e6:7.0f} "
                f"{statistics.median(phase.fake_cpu_per_interaction) * 1e6:8.0f}"
            )
        pairs = [("bot", "bare")] + (
            [("same", "bare"), ("bot", "same")] if "same" in clients else []
        )
        for mine, theirs in pairs:
            compared = compare(results[(mine, level)], results[(theirs, level)], mine, theirs)
            print(f"{'':>9}  {compared}")
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
    parser.add_argument(
        "--same-answer", action="store_true", help="add the bare client answering as the bot does"
    )
    parser.add_argument("--profile", help="write each client's cProfile stats to this folder")
    args = parser.parse_args()
    report(asyncio.run(measure(args)), args)


if __name__ == "__main__":
    main()
