"""The bot's metrics: every documented family exposed as before, commands counted, the endpoint's
formats."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp
import pytest
from prometheus_client import CONTENT_TYPE_LATEST, CONTENT_TYPE_PLAIN_0_0_4, Gauge, generate_latest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.health import Checks, HealthServer
from bot.ops.metrics import MARGIN_BUCKETS, BotMetrics
from bot.ops.observe import Observer
from tests.ops.support import series_in, value

HERE = Path(__file__).resolve().parent
OPERATIONS = HERE.parent.parent / "docs" / "operations.md"
# The exposition of the metrics filled by ``fill`` below, as the bot exposed it before it used
# prometheus-client (labels in declaration order, bounds like le="1").
EXPOSITION = HERE / "metrics_exposition.txt"


def fill(metrics: BotMetrics) -> None:
    """Put a value in every metric, with several label sets."""
    for labels in [
        ("slack", "optout", "ok"),
        ("slack", "optout", "ok"),
        ("slack", "optout", "rejected"),
        ("discord", "deadline", "ok"),
        ("discord", "post-button", "failed"),
        ("console", "help", "cancelled"),
    ]:
        metrics.commands.labels(*labels).inc()
    for platform, seconds in [
        ("slack", 0.004),
        ("slack", 0.3),
        ("slack", 2.6),
        ("discord", 0.05),
        ("console", 12.0),
    ]:
        metrics.latency.labels(platform).observe(seconds)
    for platform, seconds in [("slack", 2.996), ("slack", 0.7), ("discord", -0.2)]:
        metrics.margin.labels(platform).observe(seconds)
    metrics.platform_up.labels("discord").set(1)
    metrics.platform_up.labels("slack").set(0)
    metrics.sources.labels("unchanged").set(40)
    metrics.sources.labels("changed").set(2)
    metrics.serving("2026-11-28.abc", 3)
    for outcome in ("ok", "ok", "failed"):
        metrics.reloads.labels(outcome).inc()
    metrics.load_errors.set(0)
    metrics.database_up.set(1)
    metrics.edit_queue.set(4)
    metrics.reminder_backlog.set(2)
    metrics.draining.set(0)


def families(exposition: str) -> dict[str, tuple[str, str]]:
    """Type and help of each family, by name; a counter by its name without ``_total``."""
    # Before, a counter's HELP and TYPE named it without the suffix its samples carry, so
    # parsers (the library's, Prometheus's) took its samples for an untyped family; the library
    # names both the same way. Read the comment lines themselves to compare the two.
    declared: dict[str, dict[str, str]] = {}
    for kind, name, text in re.findall(r"^# (HELP|TYPE) (\w+) (.*)$", exposition, re.MULTILINE):
        declared.setdefault(name.removesuffix("_total"), {})[kind] = text
    return {name: (lines["TYPE"], lines["HELP"]) for name, lines in declared.items()}


def test_every_family_help_bucket_and_series_is_exposed_as_before() -> None:
    metrics = BotMetrics()
    Observer(metrics)
    fill(metrics)
    exposed = generate_latest(metrics.registry).decode()
    before = EXPOSITION.read_text()
    assert families(exposed) == families(before)
    assert len(families(exposed)) == 14
    assert series_in(exposed) == series_in(before)


def test_the_documented_table_lists_every_family_with_its_type_and_labels() -> None:
    metrics = BotMetrics()
    fill(metrics)
    exposed = {}
    for family in metrics.registry.collect():
        name = f"{family.name}_total" if family.type == "counter" else family.name
        labels = {label for one in family.samples for label in one.labels} - {"le"}
        exposed[name] = (family.type, labels)
    section = OPERATIONS.read_text().split("## Metrics\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \|([^|]*)\|", section, re.MULTILINE)
    documented = {name: (kind, set(re.findall(r"`(\w+)`", labels))) for name, kind, labels in rows}
    assert documented == exposed


def test_a_command_scope_counts_outcome_latency_and_margin() -> None:
    observer = Observer(BotMetrics())
    metrics = observer.metrics
    with observer.scope("slack", "optout"):
        assert observer.in_flight == 1
        # Read when scraped, not kept by every command.
        assert value(metrics, "optout_commands_in_flight") == 1
    with pytest.raises(RuntimeError), observer.scope("slack", "optout"):
        raise RuntimeError("a bug")
    assert observer.in_flight == 0
    assert value(metrics, "optout_commands_in_flight") == 0
    commands = {"platform": "slack", "command": "optout"}
    assert value(metrics, "optout_commands_total", **commands, outcome="ok") == 1
    assert value(metrics, "optout_commands_total", **commands, outcome="failed") == 1
    assert value(metrics, "optout_answer_seconds_count", platform="slack") == 2
    # Acknowledged in microseconds: nearly the whole 3-second budget was left.
    assert value(metrics, "optout_ack_margin_seconds_bucket", platform="slack", le=2.99) == 0
    assert value(metrics, "optout_ack_margin_seconds_count", platform="slack") == 2


def test_a_late_acknowledgement_lands_in_the_zero_bucket() -> None:
    observer = Observer(BotMetrics(), deadline=0.0)
    with observer.scope("discord", "deadline"):
        pass
    late = value(observer.metrics, "optout_ack_margin_seconds_bucket", platform="discord", le=0)
    assert late == 1 and MARGIN_BUCKETS[0] == 0


def test_two_bots_in_one_process_count_their_own_commands() -> None:
    first, second = Observer(BotMetrics()), Observer(BotMetrics())
    with first.scope("slack", "optout"):
        pass
    labels = {"platform": "slack", "command": "optout", "outcome": "ok"}
    assert value(first.metrics, "optout_commands_total", **labels) == 1
    assert value(second.metrics, "optout_commands_total", **labels) == 0


def test_a_gauge_with_a_label_is_one_line_and_a_name_taken_twice_is_refused() -> None:
    metrics = BotMetrics()
    pages = Gauge("optout_pages", "Pages by status.", ["status"], registry=metrics.registry)
    pages.labels("broken").set(3)
    assert value(metrics, "optout_pages", status="broken") == 3
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        Gauge("optout_living_edit_queue", "Again.", registry=metrics.registry)


def test_a_figure_that_cannot_be_read_is_left_out_until_it_can() -> None:
    metrics = BotMetrics()
    assert "optout_living_edit_queue " not in generate_latest(metrics.registry).decode()
    metrics.edit_queue.set(4)
    assert value(metrics, "optout_living_edit_queue") == 4
    metrics.edit_queue.forget()
    assert "optout_living_edit_queue " not in generate_latest(metrics.registry).decode()


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("*/*", CONTENT_TYPE_PLAIN_0_0_4),
        ("text/plain;version=1.0.0", f"{CONTENT_TYPE_LATEST}; escaping=underscores"),
        (
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
            "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores",
        ),
    ],
)
async def test_the_endpoint_answers_in_the_format_the_scraper_asks_for(
    accept: str, content_type: str
) -> None:
    observer = Observer(BotMetrics())
    with observer.scope("discord", "optout"):
        pass
    server = HealthServer(observer, Checks(), "127.0.0.1", 0)
    await server.start()
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"http://127.0.0.1:{server.port}/metrics", headers={"Accept": accept}
            ) as answer,
        ):
            assert answer.status == 200
            assert answer.headers["Content-Type"] == content_type
            body = await answer.text()
    finally:
        await server.stop()
    openmetrics = "openmetrics" in content_type
    parse = openmetrics_families if openmetrics else text_string_to_metric_families
    counted = {
        (one.name, one.labels["command"], one.value)
        for family in parse(body)
        if family.name == "optout_commands"
        for one in family.samples
    }
    assert counted == {("optout_commands_total", "optout", 1.0)}
