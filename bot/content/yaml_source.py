"""YAML text to plain data, remembering where every key and value starts; repeated keys fail.

PyYAML's loaders keep no positions once data is built and silently let a repeated key win, so
the document is composed into nodes and walked here instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one gives identical nodes
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Location = tuple[str | int, ...]
Positions = dict[Location, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A problem found while reading YAML, at a 1-based line and column."""

    line: int
    column: int
    message: str


def parse(text: str, positions: Positions, problems: list[SyntaxProblem]) -> Any:
    """The document's data (None when unreadable); fills ``positions`` and ``problems``."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(SyntaxProblem(line, column, f"YAML: {error.problem or error}"))
        return None
    except yaml.reader.ReaderError as error:
        # Raised for characters YAML forbids (NUL, most control characters); no mark, a position.
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        problems.append(
            SyntaxProblem(line, column, f"YAML: character {_char(error.character)} is not allowed")
        )
        return None
    if node is None:
        problems.append(SyntaxProblem(1, 1, "file is empty"))
        return None
    # A repeated key is reported and its first value kept, so the rest of the file is still checked.
    return _build(node, (), positions, problems, yaml.SafeLoader(""))


def _build(
    node: yaml.Node,
    location: Location,
    positions: Positions,
    problems: list[SyntaxProblem],
    constructor: yaml.SafeLoader,
) -> Any:
    positions[location] = _start(node)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, problems, constructor)
            if key is _UNREADABLE:
                continue
            if not isinstance(key, str):
                problems.append(SyntaxProblem(*_start(key_node), f"key {key!r} must be text"))
                continue
            if key in mapping:
                problems.append(SyntaxProblem(*_start(key_node), f"duplicate key {key!r}"))
                continue
            child = (*location, key)
            mapping[key] = _build(value_node, child, positions, problems, constructor)
            # Point at the key, not its value: a block list's value starts on the next line.
            positions[child] = _start(key_node)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*location, index), positions, problems, constructor)
            for index, item in enumerate(node.value)
        ]
    value = _scalar(node, problems, constructor)
    return None if value is _UNREADABLE else value


_UNREADABLE = object()


def _char(character: int | str) -> str:
    return repr(chr(character) if isinstance(character, int) else character)


def _scalar(node: yaml.Node, problems: list[SyntaxProblem], constructor: yaml.SafeLoader) -> Any:
    """A scalar's value; a problem (and ``_UNREADABLE``) for one YAML cannot build, such as a
    date that does not exist (2026-13-45) or a tag it does not know."""
    try:
        return constructor.construct_object(node)
    except (ValueError, OverflowError, yaml.YAMLError) as error:
        problem = getattr(error, "problem", None) or str(error)
        problems.append(SyntaxProblem(*_start(node), f"YAML: {problem}"))
        return _UNREADABLE


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
