"""Finding a service from what a person typed: exact keys, fuzzy suggestions, autocomplete."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from bot.core.knowledge import Service

SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 72.0
AUTOCOMPLETE_CUTOFF = 75.0
MIN_FUZZY_FRAGMENT = 3
# How many prefix or substring hits to look at before ranking: enough to fill the choices well.
SCAN_FACTOR = 4


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
    """Every name a service answers to, normalised, with fuzzy search over them.

    Keys are kept sorted and joined into one string so that prefix and substring searches run
    in C (bisect, ``str.find``) rather than in a Python loop: autocomplete stays fast with
    thousands of services.
    """

    def __init__(self, services: Iterable[Service]) -> None:
        self._by_key: dict[str, Service] = {}
        self._shown: dict[str, str] = {}
        by_id: dict[str, Service] = {}
        for service in services:
            by_id[service.id] = service
            for name in (service.id, service.name, *service.aliases):
                key = normalise(name)
                if key and key not in self._by_key:
                    self._by_key[key] = service
                    self._shown[key] = name
        self._keys = sorted(self._by_key)
        self._haystack = "\n".join(self._keys)
        self._starts = list(accumulate((len(key) + 1 for key in self._keys[:-1]), initial=0))
        self._heads: dict[int, list[str]] = {}
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
            key, self._keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=SUGGESTION_CUTOFF
        )
        return _distinct(self._by_key[candidate] for candidate, _, _ in hits)[:limit]

    def autocomplete(self, fragment: str, limit: int) -> list[Match]:
        """At most ``limit`` ranked services for what was typed: prefixes first, then
        fragments, then near misses (each platform caps its choices differently)."""
        key = normalise(fragment)
        if not key:
            return [Match(service, service.name, 100.0) for service in self.services()[:limit]]
        ranked: dict[str, Match] = {}
        for candidate in self._prefixed(key, limit * SCAN_FACTOR):
            self._rank(ranked, candidate, 300.0 - len(candidate) / 100)
        if len(ranked) < limit:
            for candidate in self._containing(key, limit * SCAN_FACTOR):
                self._rank(ranked, candidate, 200.0 - len(candidate) / 100)
        if len(ranked) < limit and len(key) >= MIN_FUZZY_FRAGMENT:
            for candidate, score in self._near_prefixes(key, limit):
                self._rank(ranked, candidate, score)
        ordered = sorted(ranked.values(), key=lambda match: (-match.score, match.service.name))
        return ordered[:limit]

    def services(self) -> list[Service]:
        """Every indexed service, in name order."""
        return list(self._sorted)

    def _rank(self, ranked: dict[str, Match], candidate: str, score: float) -> None:
        _keep_best(ranked, Match(self._by_key[candidate], self._shown[candidate], score))

    def _prefixed(self, key: str, most: int) -> list[str]:
        start = bisect_left(self._keys, key)
        found: list[str] = []
        for candidate in self._keys[start : start + most]:
            if not candidate.startswith(key):
                break
            found.append(candidate)
        return found

    def _containing(self, key: str, most: int) -> list[str]:
        found: list[str] = []
        position = self._haystack.find(key)
        while position != -1 and len(found) < most:
            index = bisect_right(self._starts, position) - 1
            candidate = self._keys[index]
            if key in candidate:  # a match spanning the separator is not a match
                found.append(candidate)
            position = self._haystack.find(key, self._starts[index] + len(candidate) + 1)
        return found

    def _near_prefixes(self, key: str, limit: int) -> list[tuple[str, float]]:
        """Keys whose first letters are close to a mistyped fragment ('cluade' -> 'claude')."""
        from rapidfuzz import fuzz, process

        width = len(key) + 1
        heads = self._heads.get(width)
        if heads is None:
            heads = self._heads[width] = [candidate[:width] for candidate in self._keys]
        hits = process.extract(
            key, heads, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=AUTOCOMPLETE_CUTOFF
        )
        return [(self._keys[index], score) for _, score, index in hits]


def _keep_best(ranked: dict[str, Match], match: Match) -> None:
    current = ranked.get(match.service.id)
    if current is None or match.score > current.score:
        ranked[match.service.id] = match


def _distinct(services: Iterable[Service]) -> list[Service]:
    seen: dict[str, Service] = {}
    for service in services:
        seen.setdefault(service.id, service)
    return list(seen.values())
