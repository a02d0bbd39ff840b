"""YAML text to plain data, remembering where every key and value starts; repeated keys fail.

PyYAML's loaders keep no positions once data is built and silently let a repeated key win, so
the document is composed into nodes and walked here instead.

Aliases (``*name``) are refused: a few hundred bytes of nested aliases expand to billions of
values (an "alias bomb"), and content never needs them. Composing shares one node per anchor,
so the graph stays as small as the text; the walk stops at the first node it meets twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one gives identical nodes
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# Deeper than any real content file (a service nests about six levels), far shallower than
# Python's recursion limit, which the walk below would otherwise reach first.
MAX_DEPTH = 24
ALIASES_REFUSED = "aliases are not allowed; write the value out in full"

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
    walk = _Walk(positions, problems, yaml.SafeLoader(""))
    try:
        return _build(node, (), walk)
    except _AliasFoundError:
        problems.extend(_aliases(text))
        return None


class _AliasFoundError(Exception):
    """The walk met a node a second time: the document uses an alias."""


@dataclass(slots=True)
class _Walk:
    positions: Positions
    problems: list[SyntaxProblem]
    constructor: yaml.SafeLoader
    seen: set[int] = field(default_factory=set)


def _aliases(text: str) -> list[SyntaxProblem]:
    """Where the aliases are, the first on each line: the composed nodes only know the anchors."""
    found: dict[int, SyntaxProblem] = {}
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            found.setdefault(line, SyntaxProblem(line, column, ALIASES_REFUSED))
    return list(found.values())


def _build(node: yaml.Node, location: Location, walk: _Walk) -> Any:
    if id(node) in walk.seen:
        raise _AliasFoundError
    walk.seen.add(id(node))
    positions, problems, constructor = walk.positions, walk.problems, walk.constructor
    positions[location] = _start(node)
    if len(location) > MAX_DEPTH:
        problems.append(SyntaxProblem(*_start(node), f"nested deeper than {MAX_DEPTH} levels"))
        return None
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
            mapping[key] = _build(value_node, child, walk)
            # Point at the key, not its value: a block list's value starts on the next line.
            positions[child] = _start(key_node)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*location, index), walk) for index, item in enumerate(node.value)]
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
