"""Every metric the bot exposes on /metrics (listed in docs/operations.md), on prometheus-client.

Each :class:`BotMetrics` has a registry of its own rather than the library's global one, so tests,
and several bots in one process, count their own commands. A new metric is one line in
``BotMetrics.__init__``, e.g. a gauge with a label::

    self.sources = Gauge("optout_sources", "Sources by status.", ["status"], registry=registry)

set with ``metrics.sources.labels("broken").set(3)``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 10.0)
# Seconds left of the 3-second budget; an acknowledgement in the "0" bucket was late.
MARGIN_BUCKETS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 2.75, 2.9, 2.95, 2.99)


class MaybeGauge:
    """A gauge with no labels that is left out of the exposition while its value is unknown
    (a figure the bot cannot read now is better absent than stale or made up)."""

    def __init__(self, name: str, help_text: str, registry: CollectorRegistry) -> None:
        self.name = name
        self.help = help_text
        self.value: float | None = None
        registry.register(self)

    def set(self, value: float) -> None:
        """The value read just now."""
        self.value = value

    def forget(self) -> None:
        """The value cannot be read now: expose nothing until it can."""
        self.value = None

    def describe(self) -> Iterable[Metric]:
        # Lets the registry refuse a second metric of the same name, known or not.
        return [GaugeMetricFamily(self.name, self.help)]

    def collect(self) -> Iterable[Metric]:
        if self.value is None:
            return []
        return [GaugeMetricFamily(self.name, self.help, value=self.value)]


class BotMetrics:
    """Every metric the bot exposes, in a registry of its own."""

    def __init__(self) -> None:
        # The library adds a ``_created`` series to each counter and histogram unless told not
        # to; the bot documents none, and a scraper has no use for them. The switch is the
        # library's, process-wide.
        disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated in the library
        self.registry = registry = CollectorRegistry()
        self.commands = Counter(
            "optout_commands",
            "Commands and button clicks handled, by platform, name and outcome "
            "(ok, rejected: the reply is a user-facing error, failed: a bug, answered "
            "with an apology).",
            ["platform", "command", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "optout_answer_seconds",
            "Seconds from receiving a command to handing the platform its answer "
            "(or the acknowledgement that precedes a follow-up).",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.margin = Histogram(
            "optout_ack_margin_seconds",
            "Seconds left of the platform's 3-second budget when the acknowledgement, "
            "deferral or first response left; 0 or less is late.",
            ["platform"],
            buckets=MARGIN_BUCKETS,
            registry=registry,
        )
        # Read when scraped (Observer sets its function) rather than kept by every command.
        self.in_flight = Gauge(
            "optout_commands_in_flight", "Commands being handled now.", registry=registry
        )
        self.platform_up = Gauge(
            "optout_platform_connected",
            "1 when the platform connection is up (Discord gateway, Slack socket or "
            "HTTP listener).",
            ["platform"],
            registry=registry,
        )
        self.knowledge_info = Gauge(
            "optout_knowledge_info",
            "The knowledge-base version served (always 1).",
            ["version"],
            registry=registry,
        )
        self.knowledge_services = Gauge(
            "optout_knowledge_services", "Services in the knowledge base served.", registry=registry
        )
        self.reloads = Counter(
            "optout_knowledge_reloads",
            "Knowledge-base reloads by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.load_errors = Gauge(
            "optout_knowledge_load_errors",
            "Problems found by the last reload that failed (0 once a reload succeeds).",
            registry=registry,
        )
        self.database_up = Gauge(
            "optout_database_up",
            "1 when the living-answers database answers a ping.",
            registry=registry,
        )
        self.edit_queue = MaybeGauge(
            "optout_living_edit_queue", "Posted answers waiting for an edit.", registry
        )
        self.reminder_backlog = MaybeGauge(
            "optout_living_reminder_backlog", "Reminder posts queued and not yet done.", registry
        )
        self.draining = Gauge(
            "optout_draining",
            "1 once the process stopped taking new commands.",
            registry=registry,
        )
        self.sources = Gauge(
            "optout_sources",
            "Cited sources by the status the latest scheduled check found.",
            ["status"],
            registry=registry,
        )
        # The series each command updates, bound once per label set: the library's labels()
        # checks and locks on every call, 1.2 µs each and three a command. Measured CPU time
        # per observed command (bench/metrics.py, median of five runs): 7.8 µs calling labels(),
        # 4.9 µs with these (the hand-written client this replaced: 4.1 µs). The label sets are few
        # and fixed (platforms, catalogue names, outcomes), so the caches stay small.
        self.commands_of = functools.cache(self.commands.labels)
        self.latency_of = functools.cache(self.latency.labels)
        self.margin_of = functools.cache(self.margin.labels)

    def serving(self, version: str, services: int) -> None:
        """A knowledge base of this version and size is now served."""
        # An info-style gauge: only the version served now has a series.
        self.knowledge_info.clear()
        self.knowledge_info.labels(version).set(1)
        self.knowledge_services.set(services)
