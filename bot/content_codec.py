"""Frozen dataclass records to plain JSON data and back, driven by the records' own field types.

The content cache stores data that was validated when it was written; reading it back only has
to rebuild the records. pydantic would do it, but importing it costs more than a whole cached
answer, so this small decoder follows the type hints instead and refuses anything unexpected.
"""

from __future__ import annotations

import types
import typing
from dataclasses import fields, is_dataclass
from datetime import date
from functools import cache
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
    origin = get_origin(kind)
    if origin is Union or origin is types.UnionType:
        return _union(get_args(kind), data)
    if origin is Literal:
        if data not in get_args(kind):
            raise DecodeError(f"{data!r} is not one of {get_args(kind)}")
        return data
    if origin is list:
        (item,) = get_args(kind)
        return [from_plain(item, entry) for entry in _expect(data, list)]
    if origin is tuple:
        item, _ellipsis = get_args(kind)
        return tuple(from_plain(item, entry) for entry in _expect(data, list))
    if origin is dict:
        key_kind, value_kind = get_args(kind)
        return {
            from_plain(key_kind, key): from_plain(value_kind, value)
            for key, value in _expect(data, dict).items()
        }
    if is_dataclass(kind):
        return _record(kind, _expect(data, dict))
    if kind is date:
        return date.fromisoformat(_expect(data, str))
    if kind is Path:
        return Path(_expect(data, str))
    if kind in _SCALARS:
        return _expect(data, kind)
    raise DecodeError(f"no decoder for {kind!r}")


def _union(options: tuple[Any, ...], data: Any) -> Any:
    if data is None and type(None) in options:
        return None
    chosen = [option for option in options if option is not type(None)]
    if len(chosen) != 1:
        raise DecodeError(f"cannot tell which of {chosen} to decode")
    return from_plain(chosen[0], data)


def _record(kind: type[Any], data: dict[str, Any]) -> Any:
    hints = _hints(kind)
    names = [entry.name for entry in _fields(kind)]
    if not set(data) <= set(names):
        raise DecodeError(f"unknown fields for {kind.__name__}: {sorted(set(data) - set(names))}")
    try:
        return kind(**{name: from_plain(hints[name], data[name]) for name in names if name in data})
    except TypeError as error:  # a required field is missing
        raise DecodeError(str(error)) from None


@cache
def _hints(kind: type[Any]) -> dict[str, Any]:
    # The records use postponed annotations; this resolves them once per class (and drops the
    # Annotated markers, which only the validator needs).
    return typing.get_type_hints(kind)


@cache
def _fields(kind: type[Any]) -> tuple[Any, ...]:
    return tuple(entry for entry in fields(kind) if entry.init)


def _expect(data: Any, kind: type[Any]) -> Any:
    # bool is an int to isinstance; a count that decodes as True is a corrupt cache.
    if not isinstance(data, kind) or (kind is not bool and isinstance(data, bool)):
        raise DecodeError(f"expected {kind.__name__}, found {type(data).__name__}")
    return data
