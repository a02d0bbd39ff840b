"""The composition root: builds the knowledge base, the assistant and the adapters; wires them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import ConfigError, Settings
from bot.content.cache import load_with_cache
from bot.content.loader import LoadResult
from bot.content.reader import DEFAULT_MAX_FILE_BYTES
from bot.core.assistant import Assistant
from bot.core.clock import Clock, SystemClock
from bot.core.library import KnowledgeSource, LiveKnowledge
from bot.core.signals import LiveSignals

if TYPE_CHECKING:
    from bot.content.sources.watch import SourceWatch
    from bot.core.living.access import LivingAccess
    from bot.core.living.runtime import LivingRuntime
    from bot.core.living.schedule import ReminderPolicy
    from bot.core.living.service import LivingAnswers, LivingOptions
    from bot.core.ports.sources import SourceStore
    from bot.core.ports.store import ReminderAccess, Store
    from bot.ops.lifecycle import Operations
    from bot.ops.listening import ListenLimits
    from bot.platforms.discord.adapter import DiscordAdapter
    from bot.platforms.discord.client import DiscordOptions
    from bot.platforms.slack.adapter import SlackAdapter
    from bot.platforms.slack.app import SlackOptions
    from bot.store.sql_store import SqlStore

log = logging.getLogger(__name__)


def load_content(
    directory: Path, cache_dir: Path | None = None, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> LoadResult:
    """The validated knowledge base, with warnings logged; raises ``ContentError``.

    Content is always judged against the real date: ``--now`` changes what the answers say,
    not whether a ``last_verified`` date lies in the future.
    """
    result = load_with_cache(directory, SystemClock().now().date(), cache_dir, max_file_bytes)
    for warning in result.warnings:
        log.warning("content: %s", warning)
    return result


def build_assistant(
    directory: Path,
    clock: Clock,
    cache_dir: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    reminders: ReminderAccess | None = None,
    signals: LiveSignals | None = None,
) -> tuple[Assistant, LiveKnowledge]:
    """An assistant over a live (reloadable) knowledge base; ``reminders`` answers the
    subscription sub-actions (without it, they say reminders are unavailable); ``signals``
    are the scheduled source checks' findings its answers show."""
    live = LiveKnowledge(load_content(directory, cache_dir, max_file_bytes).knowledge)
    if signals is None:
        return Assistant(live, clock, reminders), live
    return Assistant(live, clock, reminders, signals), live


def display_zone(settings: Settings) -> tzinfo:
    """The time zone the console shows times in: the setting, else this machine's own."""
    if settings.timezone:
        return ZoneInfo(settings.timezone)
    local = datetime.now().astimezone().tzinfo
    return local or ZoneInfo("UTC")


def build_slack(
    settings: Settings, assistant: Assistant, living: LivingAccess | None = None
) -> SlackAdapter:
    """The Slack adapter for these settings."""
    from bot.platforms.slack.adapter import SlackAdapter

    return SlackAdapter(assistant, slack_options(settings), living)


def slack_options(settings: Settings) -> SlackOptions:
    """Slack's settings: Socket Mode when an app token is set, unless HTTP mode is asked for."""
    from bot.platforms.slack.app import SlackOptions
    from bot.platforms.slack.manifest import slash_commands

    if not settings.slack_bot_token:
        raise ConfigError(["SLACK_BOT_TOKEN: Slack needs the bot token (xoxb-…)"])
    http = settings.slack_http or not settings.slack_app_token
    if http and not settings.slack_signing_secret:
        raise ConfigError(
            ["SLACK_SIGNING_SECRET: HTTP mode needs it (or set SLACK_APP_TOKEN for Socket Mode)"]
        )
    return SlackOptions(
        bot_token=settings.slack_bot_token,
        commands=slash_commands(settings.slack_commands),
        signing_secret=settings.slack_signing_secret or "",
        app_token=settings.slack_app_token,
        api_url=settings.slack_api_url,
        api_timeout=settings.slack_api_timeout,
        http=http,
        host=settings.slack_host,
        port=settings.slack_port,
        subscription_managers=settings.slack_subscription_managers,
        limits=listen_limits(settings, settings.slack_max_body_bytes),
    )


def listen_limits(settings: Settings, max_body_bytes: int = 0) -> ListenLimits:
    """The limits every HTTP listener of the bot applies."""
    from bot.ops.listening import ListenLimits

    return ListenLimits(
        request_seconds=settings.http_request_seconds,
        idle_seconds=settings.http_idle_seconds,
        max_connections=settings.http_max_connections,
        max_body_bytes=max_body_bytes,
    )


def build_discord(
    settings: Settings,
    assistant: Assistant,
    sync_on_start: bool = True,
    living: LivingAccess | None = None,
) -> DiscordAdapter:
    """The Discord adapter, sharded when DISCORD_SHARD_COUNT is set."""
    from bot.platforms.discord.adapter import DiscordAdapter

    return DiscordAdapter(assistant, discord_options(settings, sync_on_start), living)


def discord_options(settings: Settings, sync_on_start: bool = True) -> DiscordOptions:
    """Discord's settings: the token, endpoints, shard range and command sync state."""
    from bot.platforms.discord.client import DiscordOptions

    if not settings.discord_token:
        raise ConfigError(["DISCORD_TOKEN: Discord needs the bot token (Developer Portal → Bot)"])
    return DiscordOptions(
        token=settings.discord_token,
        sync_state=settings.discord_sync_state,
        api_base=settings.discord_api_base,
        gateway_url=settings.discord_gateway_url,
        shard_count=settings.discord_shard_count,
        shard_ids=settings.discord_shard_ids,
        sync_on_start=sync_on_start,
        api_timeout=settings.discord_api_timeout,
    )


async def open_store(settings: Settings, migrate_sqlite: bool = True) -> SqlStore | None:
    """The living-answers store, or None when DATABASE_URL=off (:func:`bot.store.open_store`)."""
    if settings.database_url is None:
        return None
    from bot.store import open_store as open_database

    return await open_database(settings.database_url, migrate_sqlite)


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """When reminders go out, and how late they may still go, as configured."""
    from datetime import timedelta

    from bot.core.living.schedule import ReminderPolicy

    return ReminderPolicy(
        offsets=settings.reminder_offsets,
        hour=settings.reminder_hour,
        grace=timedelta(hours=settings.reminder_grace_hours),
    )


class StoreWiring:
    """The living-answers runtime's way to its store and service, from the settings."""

    def __init__(self, settings: Settings, assistant: Assistant, clock: Clock) -> None:
        self._settings = settings
        self._assistant = assistant
        self._clock = clock
        self.policy = reminder_policy(settings)

    async def open_store(self) -> Store:
        """Open the configured database (never None: the runtime is off without one)."""
        store = await open_store(self._settings)
        assert store is not None
        return store

    def living(self, store: Store) -> LivingAnswers:
        """Living answers over ``store``."""
        return build_living(self._settings, store, self._assistant, self._clock)


def living_runtime(
    settings: Settings,
    assistant: Assistant,
    clock: Clock,
    retry_seconds: float | None = None,
    access: LivingAccess | None = None,
) -> LivingRuntime:
    """Living answers for a running bot; off (no store) when DATABASE_URL=off. ``access`` is
    the one the assistant reaches the subscriptions through."""
    from bot.core.living.runtime import DATABASE_RETRY_SECONDS, LivingRuntime

    wiring = StoreWiring(settings, assistant, clock) if settings.database_url else None
    return LivingRuntime(wiring, clock, retry_seconds or DATABASE_RETRY_SECONDS, access)


def living_options(settings: Settings) -> LivingOptions:
    """How living answers run in this process; its lease owner names host and process."""
    import os
    import secrets
    import socket
    from datetime import timedelta

    from bot.core.living.service import LivingOptions
    from bot.core.living.workers import WorkerOptions

    owner = f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
    retention = timedelta(days=settings.living_retention_days)
    return LivingOptions(
        WorkerOptions(owner), reminder_policy(settings), settings.living_tick_seconds, retention
    )


def build_living(
    settings: Settings, store: Store, assistant: Assistant, clock: Clock
) -> LivingAnswers:
    """Living answers over ``store``; adapters attach their publishers to it."""
    from bot.core.living.service import LivingAnswers

    return LivingAnswers(store, assistant, clock, living_options(settings))


def source_watch(
    settings: Settings,
    store: SourceStore,
    knowledge: KnowledgeSource,
    signals: LiveSignals,
    clock: Clock,
) -> SourceWatch:
    """Scheduled source checks (OPTOUT_SOURCE_CHECK_HOURS) over ``store``, against the baselines
    accepted beside the content, fetching over HTTPS."""
    from datetime import timedelta

    from bot.content.sources import FileBaselineStore, HttpFetcher
    from bot.content.sources.baseline import BASELINE_FOLDER
    from bot.content.sources.watch import SourceWatch, WatchOptions

    assert settings.source_check_hours is not None
    options = WatchOptions(
        timedelta(hours=settings.source_check_hours), living_options(settings).worker.owner
    )
    accepted = FileBaselineStore(settings.content_dir / BASELINE_FOLDER)
    return SourceWatch(store, knowledge, accepted, HttpFetcher, signals, clock, options)


async def watch_sources(
    settings: Settings,
    living: LivingRuntime,
    knowledge: KnowledgeSource,
    signals: LiveSignals,
    ops: Operations,
) -> None:
    """Run the scheduled source checks once living answers opened the store, until cancelled."""
    store = await living.opened()
    watch = source_watch(settings, store, knowledge, signals, SystemClock())
    watch.on_change = living.access.wake
    gauge = ops.observer.metrics.sources

    def counted(by_status: dict[str, int]) -> None:
        for status, count in by_status.items():
            gauge.labels(status).set(count)

    watch.on_counts = counted
    await watch.run()


# A running bot allocates many short-lived objects per command. With CPython's default first
# threshold (700) the collector runs over a hundred times a second under load, and its older
# generations, which hold the knowledge base and the SDK's state, often enough to take about a
# fifth of the CPU; these thresholds cut that to a fifth of itself (measured in docs/discord.md).
COLLECTOR_THRESHOLDS = (10_000, 10, 10)


@contextlib.contextmanager
def tuned_collector() -> Iterator[None]:
    """Garbage-collector thresholds for a long-running bot, restored afterwards."""
    import gc

    previous = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


async def serve(settings: Settings, platforms: Sequence[str]) -> None:
    """Run the requested platforms until they all stop, or until SIGTERM stops them gracefully."""
    # Imported here so that one-shot commands (ask, validate) start without them.
    import asyncio

    from bot.content.reload import ContentWatcher
    from bot.core.living.access import LivingAccess
    from bot.ops.lifecycle import Runner
    from bot.ops.listening import raise_open_file_limit

    # Each connection is a file descriptor; the usual soft limit (1024) is far below what the
    # listeners' connection caps together with outgoing connections may need.
    raise_open_file_limit()
    clock = SystemClock()
    # Answers never wait for the database: living answers open it in the background. The
    # console posts nothing publicly, so alone it needs no database at all.
    if all(platform == "console" for platform in platforms):
        settings = replace(settings, database_url=None)
    access = LivingAccess(reminder_policy(settings))
    signals = LiveSignals()
    assistant, live = build_assistant(
        settings.content_dir,
        clock,
        settings.cache_dir,
        reminders=access,
        max_file_bytes=settings.content_max_bytes,
        signals=signals,
    )
    ops = build_operations(settings)
    ops.watch_knowledge(live)
    living = living_runtime(settings, assistant, clock, access=access)
    if living.enabled:
        ops.watch_database(living.ping, living.backlog)
    runners = []
    # Told after each content reload. Posted answers are brought up to date as soon as a change
    # is served.
    reloaded: list[Callable[[], object]] = [living.access.wake]
    for platform in platforms:
        if platform == "console":
            from bot.platforms.console.adapter import ConsoleAdapter

            console = ConsoleAdapter(assistant, display_zone(settings))
            console.observer = ops.observer
            runners.append(Runner(platform, console.run()))
        elif platform == "discord":
            discord = build_discord(settings, assistant, living=living.access)
            living.attach(discord, settings.discord_living_rate)
            discord.observer = ops.observer
            ops.watch_platform(platform, discord.connected)
            # Its command descriptions come from the messages file, like every answer.
            reloaded.append(discord.content_changed)
            # Discord answers over the HTTP session its client closes on stop: drain first.
            runners.append(Runner(platform, discord.run(), drain_first=True))
        elif platform == "slack":
            slack = build_slack(settings, assistant, living.access)
            living.attach(slack, settings.slack_living_rate)
            slack.observer = ops.observer
            ops.watch_platform(platform, slack.connected)
            runners.append(Runner(platform, slack.run()))
        else:
            raise ValueError(f"the {platform} adapter is not available in this build")
    watcher_task = None
    if settings.reload_seconds > 0:
        watcher = ContentWatcher(
            settings.content_dir,
            live,
            ops.counting_reloads(
                lambda: load_content(settings.content_dir, None, settings.content_max_bytes)
            ),
            settings.reload_seconds,
            on_change=reloaded,
        )
        watcher_task = asyncio.create_task(watcher.run())
    sources_task = None
    if living.enabled and settings.source_check_hours is not None:
        sources_task = asyncio.create_task(watch_sources(settings, living, live, signals, ops))

        async def stop_checks() -> None:
            sources_task.cancel()
            await asyncio.gather(sources_task, return_exceptions=True)

        ops.on_stop("source checks", stop_checks)
    # Stopped once the platforms are: claimed work goes back to the queues, then the store closes.
    ops.on_stop("living answers", living.stop)
    ops.on_stop("the database", living.close)
    await living.prepare()
    living.start()
    halting = asyncio.create_task(living.halt_when(ops.stopping))
    try:
        with tuned_collector():
            await ops.run(runners)
    finally:
        halting.cancel()
        if watcher_task:
            watcher_task.cancel()
        if sources_task:
            sources_task.cancel()


def build_operations(settings: Settings) -> Operations:
    """The process's metrics, health endpoint (when OPTOUT_HEALTH_PORT is set) and stop sequence."""
    from bot.ops.lifecycle import Operations

    return Operations(
        settings.health_port,
        settings.health_host,
        settings.shutdown_seconds,
        limits=listen_limits(settings),
    )
