"""What the scheduled source checks found, as answers need it: held in memory, never awaited.

The composition root fills :class:`LiveSignals` from the store after each check (and on start);
the assistant reads the current snapshot like the knowledge base, so an answer never waits on
the database. :func:`source_notices` turns a service's signals into the notices of its answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Literal

from bot.core.knowledge import Service
from bot.core.phrases.answers import SourcePhrases
from bot.core.phrasing import fill
from bot.core.reply import Reply
from bot.core.richtext import Label, Link, RichText, Span, Text, When

# The states of a cited page an answer warns about; "unreachable" may be a passing outage.
SignalStatus = Literal["changed", "moved", "gone"]
NOTICED_STATUSES: frozenset[str] = frozenset({"changed", "moved", "gone"})


@dataclass(frozen=True, slots=True)
class SourceSignal:
    """One cited page that no longer matches its baseline, and since when that was seen."""

    service_id: str
    source_id: str
    status: str
    labels_missing: tuple[str, ...]
    changed_at: datetime

    @property
    def worth_a_notice(self) -> bool:
        """Whether the page changed, moved, went away or lost a label the answer quotes."""
        return self.status in NOTICED_STATUSES or bool(self.labels_missing)


@dataclass(frozen=True, eq=False)
class SourceSignals:
    """One consistent snapshot of every signal; ``version`` changes whenever a signal does."""

    by_service: Mapping[str, tuple[SourceSignal, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    version: str = ""

    @classmethod
    def of(cls, signals: Iterable[SourceSignal]) -> SourceSignals:
        """A snapshot of ``signals``; its version is derived from their content."""
        grouped: dict[str, list[SourceSignal]] = {}
        for signal in sorted(signals, key=lambda item: (item.service_id, item.source_id)):
            if signal.worth_a_notice:
                grouped.setdefault(signal.service_id, []).append(signal)
        frozen = {service: tuple(items) for service, items in grouped.items()}
        return cls(MappingProxyType(frozen), _version(frozen))

    def of_service(self, service_id: str) -> tuple[SourceSignal, ...]:
        """The signals of one service (none when all its pages read as accepted)."""
        return self.by_service.get(service_id, ())


NO_SIGNALS = SourceSignals()
SignalsSource = Callable[[], SourceSignals]


class LiveSignals:
    """The signals currently served; a check swaps them as a whole, readers never block."""

    def __init__(self, initial: SourceSignals = NO_SIGNALS) -> None:
        self._current = initial

    def __call__(self) -> SourceSignals:
        return self._current

    def swap(self, signals: SourceSignals) -> bool:
        """Serve ``signals`` from now on; True when they differ from the ones replaced."""
        changed = signals.version != self._current.version
        self._current = signals
        return changed


def source_notices(
    service: Service, signals: SourceSignals, phrases: SourcePhrases
) -> tuple[RichText, ...]:
    """A notice per cited page that changed (or lost a label) after ``last_verified``; once a
    maintainer accepts the page again the signal disappears."""
    notices: list[RichText] = []
    sources = {source.id: source for source in service.sources}
    for signal in unverified(service, signals):
        source = sources[signal.source_id]
        noticed: RichText = (When(signal.changed_at, "local-day"),)
        page: RichText = (Link(source.url, source.title),)
        publisher: RichText = (Text(source.publisher),)
        if signal.status in NOTICED_STATUSES:
            template = getattr(phrases, signal.status)
            notices.append(fill(template, publisher=publisher, page=page, date=noticed))
        if signal.labels_missing:
            labels = _labels(signal.labels_missing)
            notices.append(fill(phrases.label_missing, labels=labels, date=noticed))
    return tuple(notices)


def unverified(service: Service, signals: SourceSignals) -> tuple[SourceSignal, ...]:
    """The signals of pages ``service`` cites, first seen after the entry was last verified
    (a change seen on or before that day is covered by the verification)."""
    cited = {source.id for source in service.sources}
    return tuple(
        signal
        for signal in signals.of_service(service.id)
        if signal.source_id in cited and signal.changed_at.date() > service.last_verified
    )


def with_source_notices(
    reply: Reply, service: Service, signals: SourceSignals, phrases: SourcePhrases
) -> Reply:
    """``reply`` carrying the notices of ``service``'s signals, after any it already has."""
    notices = source_notices(service, signals, phrases)
    if not notices:
        return reply
    tone = "warning" if reply.tone == "info" else reply.tone
    return replace(reply, notices=(*reply.notices, *notices), tone=tone)


def _labels(labels: tuple[str, ...]) -> RichText:
    spans: list[Span] = []
    for position, label in enumerate(labels):
        if position:
            spans.append(Text(", "))
        spans.append(Label(label))
    return tuple(spans)


def _version(grouped: Mapping[str, tuple[SourceSignal, ...]]) -> str:
    if not grouped:
        return NO_SIGNALS.version
    text = repr(sorted(grouped.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
