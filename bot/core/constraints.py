"""What a valid content field looks like, as markers inside ``typing.Annotated``.

The knowledge base's records are plain frozen dataclasses, so answering a question never needs
a validation library. The loader validates files with pydantic, which reads these markers
through its ``__get_pydantic_core_schema__`` hook; pydantic is imported only inside the hooks,
that is, only when content is actually validated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.richtext import MarkupError, parse_labels

# Shared by every record: unknown keys are errors and surrounding blanks are not content.
RECORD_CONFIG: dict[str, Any] = {"extra": "forbid", "str_strip_whitespace": True}

Handler = Callable[[Any], Any]

_HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[^\s<>\"]*)?$")
# Raw platform mention syntax must never reach a channel through content.
_MENTION = re.compile(r"@(everyone|here|channel)\b|<[@#!]|<t:\d", re.IGNORECASE)


class _Limit:
    """A limit that the validator of the field's own type can enforce by itself."""

    def limits(self) -> dict[str, Any]:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: Handler) -> Any:
        schema = handler(source)
        schema.update(self.limits())
        return schema


@dataclass(frozen=True, slots=True)
class Length(_Limit):
    """Bounds on the length of a string or the number of items in a list."""

    minimum: int | None = None
    maximum: int | None = None

    def limits(self) -> dict[str, Any]:
        bounds = {"min_length": self.minimum, "max_length": self.maximum}
        return {key: bound for key, bound in bounds.items() if bound is not None}


@dataclass(frozen=True, slots=True)
class Matching(_Limit):
    """A string that matches a regular expression as a whole."""

    pattern: str

    def limits(self) -> dict[str, Any]:
        return {"pattern": self.pattern}


@dataclass(frozen=True, slots=True)
class Described:
    """A field's explanation, shown by editors that read ``content/schema.json``."""

    text: str

    def __get_pydantic_json_schema__(self, schema: Any, handler: Handler) -> Any:
        shown: dict[str, Any] = handler(schema)
        shown["description"] = self.text
        return shown


class _Check:
    """A check on a value that has already passed its type's own validation."""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: Handler) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.check, handler(source))


class Markup(_Check):
    """Prose whose ``[Label]`` markup parses and that carries no platform mention syntax."""

    def check(self, value: str) -> str:
        try:
            parse_labels(value)
        except MarkupError as error:
            raise ValueError(str(error)) from None
        if _MENTION.search(value):
            raise ValueError("contains mention syntax (@everyone, @here, <@…>, <!…>); rephrase it")
        return value


class HttpsOnly(_Check):
    """A well-formed https URL."""

    def check(self, value: str) -> str:
        if not _HTTPS_URL.match(value):
            raise ValueError("must be a well-formed https:// URL")
        return value


class IanaZone(_Check):
    """The name of a time zone in the IANA database, such as ``Europe/Dublin``."""

    def check(self, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


class OnOffWords:
    """Reads YAML 1.1's bare ``on``/``off`` (parsed as booleans) back as the words meant."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Handler) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(_on_off, handler(source))


def _on_off(value: object) -> object:
    if isinstance(value, bool):
        return "on" if value else "off"
    return value
