"""Checks that span fields or files, which a single record's schema cannot express."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from typing import Literal

from bot.core.knowledge import CARD_LINE_CHARS, Deadline, Record, Service
from bot.core.lookup import normalise

STALE_AFTER = timedelta(days=180)
# A sentence ends at a stop followed by a space and a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")

Location = tuple[str | int, ...]
# Each record type's field names, looked up once: walking every record of every file asks often.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding about one service, located by its path inside that service's record."""

    service_id: str
    location: Location
    message: str
    severity: Literal["error", "warning"] = "error"


def check_services(services: Sequence[Service], today: date) -> list[Problem]:
    """Every cross-field and cross-file problem, errors and warnings alike."""
    problems: list[Problem] = []
    for service in services:
        problems.extend(_check_sources(service))
        problems.extend(_check_dates(service, today))
        problems.extend(_check_organisation(service))
        problems.extend(_check_stake(service))
    problems.extend(_check_names(services))
    problems.extend(_check_related(services))
    return problems


def first_sentence(text: str) -> str:
    """The first sentence of a piece of content prose."""
    return _SENTENCE_END.split(text, maxsplit=1)[0]


def _check_stake(service: Service) -> list[Problem]:
    """A card shows the summary's first sentence unless ``stake`` says it more shortly."""
    if service.stake or len(first_sentence(service.summary)) <= CARD_LINE_CHARS:
        return []
    message = (
        f"the first sentence is longer than a card shows ({CARD_LINE_CHARS} characters): "
        "add a 'stake' line saying in one sentence what is at stake and for whom"
    )
    return [Problem(service.id, ("summary",), message)]


def is_stale(service: Service, today: date) -> bool:
    """True when the entry was last verified too long ago to be trusted without a warning."""
    return today - service.last_verified > STALE_AFTER


def _check_sources(service: Service) -> list[Problem]:
    problems: list[Problem] = []
    declared: set[str] = set()
    for index, source in enumerate(service.sources):
        if source.id in declared:
            problems.append(
                Problem(service.id, ("sources", index, "id"), f"source id {source.id!r} repeats")
            )
        declared.add(source.id)
    for location, reference in _references(service, ()):
        if reference not in declared:
            problems.append(
                Problem(service.id, location, f"cites {reference!r}, which is not in sources")
            )
    has_vendor = any(source.kind == "vendor" for source in service.sources)
    if not has_vendor and not service.no_vendor_source:
        problems.append(
            Problem(
                service.id,
                ("sources",),
                "no vendor source: cite the vendor's own page or explain in no_vendor_source",
            )
        )
    return problems


def _references(record: Record, location: Location) -> list[tuple[Location, str]]:
    """Every ``sources`` reference inside a record, with its location."""
    found: list[tuple[Location, str]] = []
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if name == "sources" and isinstance(value, list) and value and isinstance(value[0], str):
            found.extend(((*location, name, i), ref) for i, ref in enumerate(value))
        elif isinstance(value, Record):
            found.extend(_references(value, (*location, name)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Record):
                    found.extend(_references(item, (*location, name, index)))
    return found


def _field_names(kind: type[Record]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        assert is_dataclass(kind)
        names = _FIELD_NAMES[kind] = tuple(entry.name for entry in fields(kind))
    return names


def _check_dates(service: Service, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if service.last_verified > today:
        problems.append(
            Problem(service.id, ("last_verified",), "is in the future; use the date you checked")
        )
    elif is_stale(service, today):
        age = (today - service.last_verified).days
        problems.append(
            Problem(
                service.id,
                ("last_verified",),
                f"entry was last verified {age} days ago; re-check its sources",
                "warning",
            )
        )
    for index, source in enumerate(service.sources):
        if source.accessed > today:
            problems.append(Problem(service.id, ("sources", index, "accessed"), "is in the future"))
        if source.published and source.published > source.accessed:
            problems.append(
                Problem(
                    service.id,
                    ("sources", index, "published"),
                    "is after the date the page was accessed",
                )
            )
    for index, deadline in enumerate(service.deadlines):
        problems.extend(_check_history(service.id, ("deadlines", index), deadline))
    logged = [change.date for change in service.changes]
    if logged != sorted(logged):
        problems.append(Problem(service.id, ("changes",), "changes must be ordered oldest first"))
    return problems


def _check_history(service_id: str, location: Location, deadline: Deadline) -> list[Problem]:
    announced = [entry.announced for entry in deadline.history if entry.announced]
    if announced != sorted(announced):
        return [Problem(service_id, location, "history must be ordered oldest first")]
    if deadline.due in (entry.due for entry in deadline.history):
        message = "history repeats the current date; list only earlier dates"
        return [Problem(service_id, location, message)]
    return []


def _check_names(services: Sequence[Service]) -> list[Problem]:
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for service in services:
        names: list[tuple[Location, str]] = [(("id",), service.id), (("name",), service.name)]
        names += [(("aliases", i), alias) for i, alias in enumerate(service.aliases)]
        for location, name in names:
            key = normalise(name)
            if not key:
                problems.append(Problem(service.id, location, f"{name!r} has no letters or digits"))
                continue
            owner = owners.get(key)
            if owner is not None and owner != service.id:
                problems.append(
                    Problem(service.id, location, f"{name!r} is already a name of {owner!r}")
                )
            owners.setdefault(key, service.id)
    return problems


def _check_related(services: Sequence[Service]) -> list[Problem]:
    known = {service.id for service in services}
    problems: list[Problem] = []
    for service in services:
        for index, related in enumerate(service.related):
            if related not in known:
                problems.append(
                    Problem(service.id, ("related", index), f"unknown service {related!r}")
                )
            elif related == service.id:
                problems.append(
                    Problem(service.id, ("related", index), "a service cannot relate to itself")
                )
    return problems


def _check_organisation(service: Service) -> list[Problem]:
    organisation = service.organisation
    if organisation is None:
        return []
    problems: list[Problem] = []
    known = {deadline.id for deadline in service.deadlines}
    for index, deadline_id in enumerate(organisation.deadlines):
        if deadline_id not in known:
            problems.append(
                Problem(
                    service.id,
                    ("organisation", "deadlines", index),
                    f"unknown deadline {deadline_id!r} (not in this service's deadlines)",
                )
            )
    plans = [plan.plan.casefold() for plan in organisation.plans]
    for index, plan in enumerate(organisation.plans):
        if plans.index(plan.plan.casefold()) != index:
            problems.append(
                Problem(service.id, ("organisation", "plans", index), f"{plan.plan!r} repeats")
            )
    return problems
