"""Counters, gauges and histograms, and their Prometheus text exposition (format 0.0.4).

The bot needs a handful of metrics with a few labels each; writing the exposition here keeps the
dependency list short and the output exactly as documented in docs/operations.md.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import TypeVar

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LabelValues = tuple[str, ...]


class Metric:
    """One named metric family with fixed label names."""

    kind = "untyped"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help_text
        self.labels = tuple(labels)
        self._lock = threading.Lock()

    def _key(self, values: Sequence[str]) -> LabelValues:
        if len(values) != len(self.labels):
            raise ValueError(f"{self.name} takes labels {self.labels}, got {tuple(values)}")
        return tuple(values)

    def samples(self) -> Iterable[tuple[str, LabelValues, tuple[str, ...], float]]:
        """(suffix, label values, extra label pair, value) for every sample."""
        return ()

    def expose(self) -> str:
        """The family in Prometheus text format."""
        lines = [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}"]
        for suffix, values, extra, value in self.samples():
            pairs = [*zip(self.labels, values, strict=True)]
            if extra:
                pairs.append((extra[0], extra[1]))
            labels = ",".join(f'{name}="{_escape_label(text)}"' for name, text in pairs)
            series = f"{self.name}{suffix}{{{labels}}}" if labels else f"{self.name}{suffix}"
            lines.append(f"{series} {_number(value)}")
        return "\n".join(lines) + "\n"


class _Valued(Metric):
    """A metric holding one number per series of label values."""

    suffix = ""

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, labels)
        self._values: dict[LabelValues, float] = {}

    def value(self, *values: str) -> float:
        """The current value of one series."""
        return self._values.get(self._key(values), 0.0)

    def samples(self) -> Iterable[tuple[str, LabelValues, tuple[str, ...], float]]:
        with self._lock:
            items = sorted(self._values.items())
        return [(self.suffix, key, (), value) for key, value in items]


class Counter(_Valued):
    """A value that only goes up."""

    kind = "counter"
    suffix = "_total"

    def inc(self, *values: str, amount: float = 1.0) -> None:
        """Add ``amount`` to the series with these label values."""
        key = self._key(values)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount


class Gauge(_Valued):
    """A value that goes up and down, or is read when scraped."""

    kind = "gauge"

    def set(self, value: float, *values: str) -> None:
        """Set the series with these label values."""
        key = self._key(values)
        with self._lock:
            self._values[key] = value

    def clear(self) -> None:
        """Forget every series (for info-style gauges whose label changes)."""
        with self._lock:
            self._values.clear()


class Histogram(Metric):
    """Observations counted into cumulative buckets, with their sum and count."""

    kind = "histogram"

    def __init__(
        self, name: str, help_text: str, buckets: Sequence[float], labels: Sequence[str] = ()
    ) -> None:
        super().__init__(name, help_text, labels)
        self.buckets = tuple(sorted(buckets))
        self._series: dict[LabelValues, list[float]] = {}

    def observe(self, amount: float, *values: str) -> None:
        """Record one observation."""
        key = self._key(values)
        # Each observation lands in one slot (the first bucket whose bound is not below it, or
        # the slot past the last bucket); the cumulative counts are added up when read.
        slot = bisect_left(self.buckets, amount)
        with self._lock:
            series = self._series.get(key)
            if series is None:
                # One slot per bucket, one above the last bucket, then the sum.
                series = self._series[key] = [0.0] * (len(self.buckets) + 2)
            series[slot] += 1
            series[-1] += amount

    def count(self, *values: str) -> int:
        """How many observations one series holds."""
        series = self._series.get(self._key(values))
        return int(sum(series[:-1])) if series else 0

    def bucket(self, bound: float, *values: str) -> int:
        """How many observations of one series were at most ``bound`` (a bucket's bound)."""
        series = self._series.get(self._key(values))
        return int(sum(series[: self.buckets.index(bound) + 1])) if series else 0

    def samples(self) -> Iterable[tuple[str, LabelValues, tuple[str, ...], float]]:
        with self._lock:
            items = sorted((key, list(series)) for key, series in self._series.items())
        found: list[tuple[str, LabelValues, tuple[str, ...], float]] = []
        for key, series in items:
            cumulative = list(accumulate(series[:-1]))
            for bound, value in zip(self.buckets, cumulative, strict=False):
                found.append(("_bucket", key, ("le", _number(bound)), value))
            found.append(("_bucket", key, ("le", "+Inf"), cumulative[-1]))
            found.append(("_sum", key, (), series[-1]))
            found.append(("_count", key, (), cumulative[-1]))
        return found


MetricT = TypeVar("MetricT", bound=Metric)


class Registry:
    """The metrics one process exposes, in registration order."""

    def __init__(self) -> None:
        self._metrics: list[Metric] = []

    def add(self, metric: MetricT) -> MetricT:
        """Register ``metric``; its name must be new."""
        if any(known.name == metric.name for known in self._metrics):
            raise ValueError(f"metric {metric.name} is registered twice")
        self._metrics.append(metric)
        return metric

    def expose(self) -> str:
        """Every metric in Prometheus text format."""
        return "".join(metric.expose() for metric in self._metrics)


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_label(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
