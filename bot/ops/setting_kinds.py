"""Kinds of setting values: each parses a raw environment string and states its allowed range.

Every number is finite and bounded, every URL has a scheme it may use and a host, so a typo
fails at start with the variable, the value and the range named, not hours later in a loop.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")
# Longer digit strings are refused before int() sees them (Python refuses over 4300 digits).
_MAX_DIGITS = 20
_HOSTNAME = re.compile(r"(?!-)[A-Za-z0-9\-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9\-]{1,63}(?<!-))*\.?")


class SettingValueError(ValueError):
    """A raw value outside its kind's range; the message completes "must be …"."""


class SettingProblemsError(SettingValueError):
    """A raw value with problems that need their own sentences (``problems``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Kind(Generic[T]):
    """How one setting is parsed, shown and documented."""

    allowed: str = "any text"

    def parse(self, raw: str) -> T:
        """The value of ``raw``; raises ``SettingValueError`` when it is outside the range."""
        raise NotImplementedError

    def show(self, value: T) -> str:
        """The value as ``check-config`` prints it."""
        return str(value)


class Text(Kind[str]):
    """Any text, kept as written (tokens, secrets)."""

    def parse(self, raw: str) -> str:
        return raw


@dataclass(frozen=True)
class Whole(Kind[int]):
    """A whole number from ``low`` to ``high``, described as ``what`` ("an hour")."""

    low: int
    high: int
    what: str = "a whole number"

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return f"{self.what} from {self.low} to {self.high}"

    def parse(self, raw: str) -> int:
        if raw.isascii() and raw.isdecimal() and len(raw) <= _MAX_DIGITS:
            value = int(raw)
            if self.low <= value <= self.high:
                return value
        raise SettingValueError(self.allowed)


@dataclass(frozen=True)
class Number(Kind[float]):
    """A finite number from ``low`` to ``high`` of ``unit``; 0 too when ``zero_disables``."""

    low: float
    high: float
    unit: str = "seconds"
    zero_disables: bool = False

    @property
    def allowed(self) -> str:  # type: ignore[override]
        span = f"a number of {self.unit} from {self.low:g} to {self.high:g}"
        return f"0 (off) or {span}" if self.zero_disables else span

    def parse(self, raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise SettingValueError(self.allowed) from None
        in_range = math.isfinite(value) and self.low <= value <= self.high
        if in_range or (self.zero_disables and value == 0):
            return value
        raise SettingValueError(self.allowed)


@dataclass(frozen=True)
class Choice(Kind[str]):
    """One of ``options``, in any case; kept in the case of the options."""

    options: Sequence[str]

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return f"{', '.join(self.options[:-1])} or {self.options[-1]}"

    def parse(self, raw: str) -> str:
        for option in self.options:
            if raw.lower() == option.lower():
                return option
        raise SettingValueError(self.allowed)


class Host(Kind[str]):
    """An IP address or a host name to listen on."""

    allowed = "an IP address or a host name"

    def parse(self, raw: str) -> str:
        try:
            ipaddress.ip_address(raw)
        except ValueError:
            if not _HOSTNAME.fullmatch(raw) or len(raw) > 253:
                raise SettingValueError(self.allowed) from None
        return raw


@dataclass(frozen=True)
class Url(Kind[str]):
    """An absolute URL with one of ``schemes``, a host and, if any, a valid port."""

    schemes: Sequence[str]

    @property
    def allowed(self) -> str:  # type: ignore[override]
        schemes = " or ".join(f"{scheme}://" for scheme in self.schemes)
        return f"a URL starting with {schemes} that names a host (port 1 to 65535)"

    def parse(self, raw: str) -> str:
        try:
            parts = urlsplit(raw)
            port = parts.port  # raises ValueError when not a number from 0 to 65535
        except ValueError:
            raise SettingValueError(self.allowed) from None
        valid_host = bool(parts.hostname) and not any(c.isspace() for c in raw)
        if parts.scheme.lower() not in self.schemes or not valid_host or port == 0:
            raise SettingValueError(self.allowed)
        return raw


@dataclass(frozen=True)
class DatabaseUrl(Kind[str]):
    """A URL of a database with one of ``schemes``: a SQLite file or a PostgreSQL host."""

    schemes: Sequence[str]
    allowed = "sqlite:///path or postgresql://user:pass@host[:port]/db"

    def parse(self, raw: str) -> str:
        try:
            parts = urlsplit(raw)
            port = parts.port
        except ValueError:
            port = -1
        scheme = parts.scheme.lower()
        if scheme not in self.schemes or not raw.lower().startswith(f"{scheme}://"):
            reason = f"{scheme!r} is not supported" if scheme else "not a database URL"
        elif parts.netloc.endswith(":") or (port is not None and not 1 <= port <= 65535):
            reason = "the port must be a number from 1 to 65535"
        elif scheme.startswith("sqlite"):
            if parts.path[1:] and not parts.netloc:
                return raw
            reason = "a SQLite URL needs a file: sqlite:///relative/path or sqlite:////absolute"
        # A socket directory may stand in for the host: postgresql:///db?host=/run/postgresql
        elif not parts.hostname and "host=" not in parts.query:
            reason = "a PostgreSQL URL needs a host"
        else:
            return raw
        raise SettingValueError(f"{self.allowed} ({reason})")


@dataclass(frozen=True)
class OrOff(Kind[T | None]):
    """``inner``, or None when the value is ``off`` (any case)."""

    inner: Kind[T]

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return f"{self.inner.allowed}, or off"

    def parse(self, raw: str) -> T | None:
        if raw.lower() == "off":
            return None
        try:
            return self.inner.parse(raw)
        except SettingProblemsError:
            raise
        except SettingValueError as error:
            raise SettingValueError(f"{error}, or off") from None

    def show(self, value: T | None) -> str:
        return "off" if value is None else self.inner.show(value)


class PathKind(Kind[Path]):
    """A file or directory path."""

    allowed = "a path"

    def parse(self, raw: str) -> Path:
        if "\x00" in raw:
            raise SettingValueError(self.allowed)
        return Path(raw)


class TimeZone(Kind[str]):
    """An IANA time zone name."""

    allowed = "an IANA time zone such as Europe/Paris"

    def parse(self, raw: str) -> str:
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingValueError(self.allowed) from None
        return raw


@dataclass(frozen=True)
class WholeList(Kind[tuple[int, ...]]):
    """Comma-separated whole numbers from ``low`` to ``high`` (``suffix`` allowed after each)."""

    low: int
    high: int
    what: str
    suffix: str = ""

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return f"{self.what}, each from {self.low} to {self.high}, comma-separated"

    def parse(self, raw: str) -> tuple[int, ...]:
        parts = [part.strip().removesuffix(self.suffix) for part in raw.split(",") if part.strip()]
        item = Whole(self.low, self.high)
        try:
            values = {item.parse(part) for part in parts}
        except SettingValueError:
            raise SettingValueError(self.allowed) from None
        if not values:
            raise SettingValueError(self.allowed)
        return tuple(sorted(values, reverse=True))

    def show(self, value: tuple[int, ...]) -> str:
        return ",".join(str(number) for number in value)


@dataclass(frozen=True)
class Ranges(Kind[tuple[int, ...]]):
    """Numbers and ranges such as ``0-3`` or ``0,2,4-5``, each from 0 to ``high``."""

    high: int

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return f"numbers or ranges like 0-3 or 0,2,4-5, from 0 to {self.high}"

    def parse(self, raw: str) -> tuple[int, ...]:
        bound = Whole(0, self.high)
        chosen: set[int] = set()
        try:
            for part in (piece.strip() for piece in raw.split(",")):
                first, _, last = part.partition("-")
                start, end = bound.parse(first.strip()), bound.parse((last or first).strip())
                # Bounded above, so a range can never be larger than ``high`` numbers.
                chosen.update(range(start, end + 1))
        except SettingValueError:
            raise SettingValueError(self.allowed) from None
        if not chosen:
            raise SettingValueError(self.allowed)
        return tuple(sorted(chosen))

    def show(self, value: tuple[int, ...]) -> str:
        return ",".join(map(str, value))


class Words(Kind[frozenset[str]]):
    """Comma-separated words (ids), kept as a set."""

    allowed = "comma-separated ids"

    def parse(self, raw: str) -> frozenset[str]:
        return frozenset(part.strip() for part in raw.split(",") if part.strip())

    def show(self, value: frozenset[str]) -> str:
        # Ids of people are nobody's business in a printout that may end up in a ticket.
        return f"{len(value)} user id(s)"
