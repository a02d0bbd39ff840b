"""Finding a service from what a person typed: exact keys, fuzzy suggestions, autocomplete."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.knowledge import Service

SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 72.0
AUTOCOMPLETE_CUTOFF = 60.0
# Discord accepts at most 25 autocomplete choices; no platform needs more.
AUTOCOMPLETE_LIMIT = 25


def normalise(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum() and char.isascii())


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked candidate: the service and the name that matched."""

    service: Service
    matched: str
    score: float


class ServiceIndex:
    """Every name a service answers to, normalised, with fuzzy search over them."""

    def __init__(self, services: Iterable[Service]) -> None:
        self._by_key: dict[str, Service] = {}
        self._keys: list[str] = []
        self._owners: list[Service] = []
        self._shown: list[str] = []
        by_id: dict[str, Service] = {}
        for service in services:
            by_id[service.id] = service
            for name in (service.id, service.name, *service.aliases):
                key = normalise(name)
                if not key:
                    continue
                self._by_key.setdefault(key, service)
                self._keys.append(key)
                self._owners.append(service)
                self._shown.append(name)
        self._sorted = sorted(by_id.values(), key=lambda service: service.name.casefold())

    def find(self, query: str) -> Service | None:
        """The service whose id, name or alias equals the query after normalisation."""
        return self._by_key.get(normalise(query))

    def suggest(self, query: str, limit: int = SUGGESTION_LIMIT) -> list[Service]:
        """Up to ``limit`` services whose names are close to a query that matched none exactly."""
        key = normalise(query)
        if not key:
            return []
        from rapidfuzz import fuzz, process  # lazy: one-shot exact lookups never need it

        hits = process.extract(
            key, self._keys, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=SUGGESTION_CUTOFF
        )
        return _distinct(self._owners[index] for _, _, index in hits)[:limit]

    def autocomplete(self, fragment: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[Match]:
        """Ranked services for a prefix or fragment: prefixes first, then close matches."""
        key = normalise(fragment)
        if not key:
            return [Match(service, service.name, 100.0) for service in self.services()[:limit]]
        from rapidfuzz import fuzz, process, utils  # lazy: one-shot exact lookups never need it

        ranked: dict[str, Match] = {}
        for position, candidate in enumerate(self._keys):
            if candidate.startswith(key):
                owner = self._owners[position]
                score = 200.0 - len(candidate) / 100
                _keep_best(ranked, Match(owner, self._shown[position], score))
        hits = process.extract(
            key,
            self._keys,
            scorer=fuzz.partial_ratio,
            processor=utils.default_process,
            limit=limit * 3,
            score_cutoff=AUTOCOMPLETE_CUTOFF,
        )
        for _, score, position in hits:
            _keep_best(ranked, Match(self._owners[position], self._shown[position], score))
        ordered = sorted(ranked.values(), key=lambda match: (-match.score, match.service.name))
        return ordered[:limit]

    def services(self) -> list[Service]:
        """Every indexed service, in name order."""
        return list(self._sorted)


def _keep_best(ranked: dict[str, Match], match: Match) -> None:
    current = ranked.get(match.service.id)
    if current is None or match.score > current.score:
        ranked[match.service.id] = match


def _distinct(services: Iterable[Service]) -> list[Service]:
    seen: dict[str, Service] = {}
    for service in services:
        seen.setdefault(service.id, service)
    return list(seen.values())
