"""Which parts of an answer cite which source, and the exact labels those parts quote."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass

from bot.content.sources.normalise import label_key
from bot.core.knowledge import Record, Service, Source, StepGroup
from bot.core.richtext import Label, parse_labels


@dataclass(frozen=True, slots=True)
class Citation:
    """One part of an answer (``steps (web) step 3``, ``retention 2`` …) and what it cites."""

    part: str
    sources: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MissingLabel:
    """A quoted label found on none of the vendor pages the part quoting it cites."""

    label: str
    part: str


def citations(service: Service) -> list[Citation]:
    """Every part of a service's answer that cites sources, steps counted one by one."""
    found: list[Citation] = []
    for name in _field_names(service):
        value = getattr(service, name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items, start=1):
            if not isinstance(item, Record) or isinstance(item, Source):
                continue
            part = name if not isinstance(value, list) else f"{name} {_name_of(item, index)}"
            found.extend(_citations_in(item, part))
    return found


def _citations_in(record: Record, part: str) -> Iterator[Citation]:
    cited = tuple(getattr(record, "sources", ()))
    if isinstance(record, StepGroup):
        for number, step in enumerate(record.steps, start=1):
            yield Citation(f"{part} step {number}", cited, _labels_in([step]))
        texts = [record.title or ""]
    else:
        texts = []
    for name in _field_names(record):
        value = getattr(record, name)
        if isinstance(value, str) and name not in ("sources", "id", "url", "settings_url"):
            texts.append(value)
        elif isinstance(value, list) and value and isinstance(value[0], str):
            if name != "sources" and not isinstance(record, StepGroup):
                texts.extend(value)
        elif isinstance(value, Record):
            yield from _citations_in(value, f"{part} {name}")
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if isinstance(item, Record):
                    yield from _citations_in(item, f"{part} {name} {index}")
    if cited:
        yield Citation(part, cited, _labels_in(texts))


def missing_labels(service: Service, texts: dict[str, str | None]) -> dict[str, list[MissingLabel]]:
    """Labels missing from the vendor pages citing them, keyed by each such page's source id.

    ``texts`` holds each source's current text (``None`` when unknown). A label counts as
    missing only when none of the readable vendor pages its part cites shows it: a part may cite
    a settings page and a policy page, and only one of them needs to name the toggle.
    """
    vendor = {source.id for source in service.sources if source.kind == "vendor"}
    keys = {source_id: label_key(text) for source_id, text in texts.items() if text is not None}
    missing: dict[str, list[MissingLabel]] = {}
    for citation in citations(service):
        readable = [
            source_id for source_id in citation.sources if source_id in vendor and source_id in keys
        ]
        if not readable:
            continue
        for label in citation.labels:
            if not any(label_found(label, keys[source_id]) for source_id in readable):
                for source_id in readable:
                    missing.setdefault(source_id, []).append(MissingLabel(label, citation.part))
    return missing


def label_found(label: str, page_key: str) -> bool:
    """Whether a label occurs in a page's text as prepared by ``label_key``."""
    return label_key(label) in page_key


def parts_citing(service: Service, source_id: str) -> list[str]:
    """The parts of the answer that rest on one source, step groups named once."""
    parts: list[str] = []
    for citation in citations(service):
        if source_id in citation.sources:
            part = citation.part.split(" step ")[0]
            if part not in parts:
                parts.append(part)
    return parts


def _labels_in(texts: list[str]) -> tuple[str, ...]:
    labels: list[str] = []
    for text in texts:
        for span in parse_labels(text):
            if isinstance(span, Label) and span.text not in labels:
                labels.append(span.text)
    return tuple(labels)


def _name_of(record: Record, index: int) -> str:
    if isinstance(record, StepGroup):
        return f"({record.surface})"
    identifier = getattr(record, "id", None)
    return f"({identifier})" if isinstance(identifier, str) else str(index)


def _field_names(record: object) -> tuple[str, ...]:
    assert is_dataclass(record)
    return tuple(entry.name for entry in fields(record))
