"""The Prometheus text exposition: exact lines, escaping, cumulative buckets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ops.metrics import Counter, Gauge, Histogram, Registry
from bot.ops.observe import MARGIN_BUCKETS, BotMetrics, Observer


def test_counters_gauges_and_histograms_are_exposed_in_text_format() -> None:
    registry = Registry()
    commands = registry.add(Counter("demo_commands", "Commands.", ("platform", "outcome")))
    queue = registry.add(Gauge("demo_queue", "Queued."))
    latency = registry.add(Histogram("demo_seconds", "Latency.", (0.1, 1.0), ("platform",)))
    commands.inc("slack", "ok")
    commands.inc("slack", "ok")
    commands.inc("discord", "failed")
    queue.set(3)
    for seconds in (0.05, 0.5, 2.0):
        latency.observe(seconds, "slack")
    assert registry.expose().splitlines() == [
        "# HELP demo_commands Commands.",
        "# TYPE demo_commands counter",
        'demo_commands_total{platform="discord",outcome="failed"} 1',
        'demo_commands_total{platform="slack",outcome="ok"} 2',
        "# HELP demo_queue Queued.",
        "# TYPE demo_queue gauge",
        "demo_queue 3",
        "# HELP demo_seconds Latency.",
        "# TYPE demo_seconds histogram",
        'demo_seconds_bucket{platform="slack",le="0.1"} 1',
        'demo_seconds_bucket{platform="slack",le="1"} 2',
        'demo_seconds_bucket{platform="slack",le="+Inf"} 3',
        'demo_seconds_sum{platform="slack"} 2.55',
        'demo_seconds_count{platform="slack"} 3',
    ]


@given(
    bounds=st.lists(st.floats(-10, 10), min_size=1, max_size=8, unique=True),
    seen=st.lists(st.floats(-20, 20), max_size=40),
)
def test_every_bucket_counts_the_observations_at_or_below_its_bound(
    bounds: list[float], seen: list[float]
) -> None:
    histogram = Histogram("demo_seconds", "Latency.", bounds)
    for amount in seen:
        histogram.observe(amount)
    for bound in bounds:
        assert histogram.bucket(bound) == sum(amount <= bound for amount in seen)
    assert histogram.count() == len(seen)
    if seen:
        exposed = histogram.expose()
        assert f'demo_seconds_bucket{{le="+Inf"}} {len(seen)}' in exposed
        assert f"demo_seconds_count {len(seen)}" in exposed


def test_label_values_and_help_are_escaped() -> None:
    gauge = Gauge("demo_info", 'Back\\slash and\nnewline "quoted".', ("version",))
    gauge.set(1, 'a"b\\c\nd')
    assert gauge.expose().splitlines() == [
        '# HELP demo_info Back\\\\slash and\\nnewline "quoted".',
        "# TYPE demo_info gauge",
        'demo_info{version="a\\"b\\\\c\\nd"} 1',
    ]


def test_wrong_label_count_is_a_bug_caught_at_once() -> None:
    with pytest.raises(ValueError, match="takes labels"):
        Counter("demo", "Demo.", ("platform",)).inc()


def test_a_command_scope_counts_outcome_latency_and_margin() -> None:
    observer = Observer(BotMetrics())
    with observer.scope("slack", "optout"):
        assert observer.in_flight == 1
    with pytest.raises(RuntimeError), observer.scope("slack", "optout"):
        raise RuntimeError("a bug")
    metrics = observer.metrics
    assert observer.in_flight == 0
    assert metrics.commands.value("slack", "optout", "ok") == 1
    assert metrics.commands.value("slack", "optout", "failed") == 1
    assert metrics.latency.count("slack") == 2
    # Acknowledged in microseconds: nearly the whole 3-second budget was left.
    assert metrics.margin.bucket(MARGIN_BUCKETS[-1], "slack") == 0
    assert metrics.margin.count("slack") == 2


def test_a_late_acknowledgement_lands_in_the_zero_bucket() -> None:
    observer = Observer(BotMetrics(), deadline=0.0)
    with observer.scope("discord", "deadline"):
        pass
    assert observer.metrics.margin.bucket(0.0, "discord") == 1
