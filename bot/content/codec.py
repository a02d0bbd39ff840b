"""Frozen dataclass records to plain JSON data and back, driven by the records' own field types.

The content cache stores data that was validated when it was written; reading it back only has
to rebuild the records. pydantic would do it, but importing it costs more than a whole cached
answer, so this small decoder follows the type hints instead and refuses anything unexpected.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

_SCALARS = (str, int, float, bool)


class DecodeError(ValueError):
    """Plain data that does not fit the record it should become."""


def to_plain(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses as objects, dates and paths as text."""
    if is_dataclass(value) and not isinstance(value, type):
        return {entry.name: to_plain(getattr(value, entry.name)) for entry in _fields(type(value))}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, _SCALARS):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} as plain data")


def from_plain(kind: Any, data: Any) -> Any:
    """``data`` rebuilt as a ``kind``; raises ``DecodeError`` when it does not fit exactly."""
    return _decoder(kind)(data)


Decoder = Callable[[Any], Any]


@cache
def _decoder(kind: Any) -> Decoder:
    # Built once per type and reused for every value: inspecting type hints per value cost
    # several times more than the whole decode of the bundled content.
    origin, arguments = get_origin(kind), get_args(kind)
    if origin is Union or origin is types.UnionType:
        return _optional(arguments)
    if origin is Literal:
        return partial(_one_of, frozenset(arguments))
    if origin is list:
        return partial(_list, _decoder(arguments[0]))
    if origin is tuple and arguments[1:] == (...,):
        return partial(_tuple, _decoder(arguments[0]))
    if origin is dict:
        return partial(_dict, _decoder(arguments[0]), _decoder(arguments[1]))
    if is_dataclass(kind) and isinstance(kind, type):
        return _record(kind)
    if kind is date:
        return lambda data: date.fromisoformat(_expect(data, str))
    if kind is Path:
        return lambda data: Path(_expect(data, str))
    if kind in _SCALARS:
        return partial(_expect, kind=kind)
    raise DecodeError(f"no decoder for {kind!r}")


def _optional(options: tuple[Any, ...]) -> Decoder:
    chosen = [option for option in options if option is not type(None)]
    if len(chosen) != 1 or len(options) != 2:
        raise DecodeError(f"no decoder for a choice of {options}")
    decode = _decoder(chosen[0])
    return lambda data: None if data is None else decode(data)


def _one_of(allowed: frozenset[Any], data: Any) -> Any:
    if data not in allowed:
        raise DecodeError(f"{data!r} is not one of {sorted(map(repr, allowed))}")
    return data


def _list(item: Decoder, data: Any) -> list[Any]:
    return [item(entry) for entry in _expect(data, list)]


def _tuple(item: Decoder, data: Any) -> tuple[Any, ...]:
    return tuple(item(entry) for entry in _expect(data, list))


def _dict(key: Decoder, value: Decoder, data: Any) -> dict[Any, Any]:
    return {key(name): value(entry) for name, entry in _expect(data, dict).items()}


def _record(kind: Any) -> Decoder:
    # Postponed annotations, resolved once per class; Annotated markers are dropped (only the
    # validator needs them).
    hints = typing.get_type_hints(kind)
    names = frozenset(entry.name for entry in _fields(kind))
    field_decoders: dict[str, Decoder] = {}

    def decode(data: Any) -> Any:
        if not field_decoders:  # filled on first use: records may refer to each other
            field_decoders.update({name: _decoder(hints[name]) for name in names})
        unknown = _expect(data, dict).keys() - names
        if unknown:
            raise DecodeError(f"unknown fields for {kind.__name__}: {sorted(unknown)}")
        try:
            return kind(**{name: field_decoders[name](value) for name, value in data.items()})
        except TypeError as error:  # a required field is missing
            raise DecodeError(str(error)) from None

    return decode


@cache
def _fields(kind: Any) -> tuple[Any, ...]:
    return tuple(entry for entry in fields(kind) if entry.init)


def _expect(data: Any, kind: type[Any]) -> Any:
    # bool is an int to isinstance; a count that decodes as True is a corrupt cache.
    if not isinstance(data, kind) or (kind is not bool and isinstance(data, bool)):
        raise DecodeError(f"expected {kind.__name__}, found {type(data).__name__}")
    return data
