"""Files to a validated ``KnowledgeBase``; every problem is reported as ``path:line:column``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from bot.content.reader import DEFAULT_MAX_FILE_BYTES, UnsafeFileError, read_content_file
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.rules import Location, check_services

if TYPE_CHECKING:
    from pydantic import TypeAdapter

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema.json"


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """One problem in one file, located to the line and column."""

    path: Path
    line: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.column}: {prefix}{self.message}"


class ContentError(Exception):
    """The knowledge base has errors; ``problems`` lists every one."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A valid knowledge base and the warnings found while loading it."""

    knowledge: KnowledgeBase
    warnings: list[ContentProblem]


Positions = dict[Location, tuple[int, int]]  # the same shape as bot.content.yaml_source.Positions
RecordT = TypeVar("RecordT")


def load_knowledge(
    directory: Path, today: date, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> LoadResult:
    """Read, parse and validate a content directory; raise ``ContentError`` listing all errors.

    Only regular files inside ``directory``, each at most ``max_file_bytes``, are read.
    """
    # Imported here: a knowledge base read from the cache never needs a validator.
    from bot.content.schema import MESSAGES, SERVICE

    problems: list[ContentProblem] = []
    digest = hashlib.sha256()
    messages_path = directory / "messages.yaml"
    read = _Reader(directory, max_file_bytes, problems, digest)
    messages = _load_record(messages_path, MESSAGES, read, problems)
    services: list[Service] = []
    positions: dict[str, tuple[Path, Positions]] = {}
    files = sorted((directory / "services").glob("*.yaml"))
    if not files:
        problems.append(ContentProblem(directory / "services", 1, 1, "no service files found"))
    for path in files:
        where: Positions = {}
        service = _load_record(path, SERVICE, read, problems, where, schema_comment=True)
        if service is None:
            continue
        if service.id != path.stem:
            line, column = where.get(("id",), (1, 1))
            problems.append(
                ContentProblem(
                    path, line, column, f"id: {service.id!r} must equal the file name {path.stem!r}"
                )
            )
            continue
        services.append(service)
        positions[service.id] = (path, where)
    for finding in check_services(services, today):
        path, where = positions[finding.service_id]
        line, column = _locate(where, finding.location)
        message = f"{_dotted(finding.location)}: {finding.message}"
        problems.append(ContentProblem(path, line, column, message, finding.severity))
    problems.sort(key=lambda problem: (str(problem.path), problem.line, problem.column))
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors or messages is None:
        raise ContentError(errors)
    knowledge = KnowledgeBase(tuple(services), messages, digest.hexdigest()[:12])
    return LoadResult(knowledge, [p for p in problems if p.severity == "warning"])


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads one content file safely, reporting a refusal as a problem and digesting the bytes."""

    root: Path
    max_bytes: int
    problems: list[ContentProblem]
    digest: Any

    def __call__(self, path: Path) -> bytes | None:
        try:
            raw = read_content_file(self.root, path, self.max_bytes)
        except UnsafeFileError as error:
            self.problems.append(ContentProblem(path, 1, 1, str(error)))
            return None
        except OSError as error:
            reason = error.strerror or str(error)
            self.problems.append(ContentProblem(path, 1, 1, f"cannot read file: {reason}"))
            return None
        self.digest.update(path.name.encode() + b"\0" + raw)
        return raw


def _load_record(
    path: Path,
    validator: TypeAdapter[RecordT],
    read: _Reader,
    problems: list[ContentProblem],
    where: Positions | None = None,
    schema_comment: bool = False,
) -> RecordT | None:
    positions: Positions = {} if where is None else where
    raw = read(path)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(ContentProblem(path, 1, 1, f"not UTF-8 (byte {error.start})"))
        return None
    if schema_comment and not text.startswith(SCHEMA_COMMENT):
        problems.append(ContentProblem(path, 1, 1, f"first line must be {SCHEMA_COMMENT!r}"))
    data = _parse(path, text, problems, positions)
    if data is None:
        return None
    from bot.content.schema import ValidationError

    try:
        return validator.validate_python(data)
    except ValidationError as error:
        for detail in error.errors():
            line, column = _locate(positions, detail["loc"])
            message = f"{_dotted(detail['loc'])}: {_message(detail)}"
            problems.append(ContentProblem(path, line, column, message))
        return None


def _parse(path: Path, text: str, problems: list[ContentProblem], positions: Positions) -> Any:
    # Imported here: a knowledge base read from the cache never needs a YAML parser.
    from bot.content.yaml_source import SyntaxProblem, parse

    found: list[SyntaxProblem] = []
    data = parse(text, positions, found)
    problems.extend(ContentProblem(path, p.line, p.column, p.message) for p in found)
    return data


def _locate(positions: Positions, location: tuple[Any, ...]) -> tuple[int, int]:
    """The position of the deepest recorded part of a location (a missing key: its parent)."""
    parts = tuple(location)
    while parts not in positions and parts:
        parts = parts[:-1]
    return positions.get(parts, (1, 1))


def _dotted(location: tuple[Any, ...]) -> str:
    return ".".join(_part(part) for part in location) or "(file)"


def _part(part: Any) -> str:
    # A key with spaces or unusual characters is quoted, so the reader sees where it starts.
    text = str(part)
    return text if text.isidentifier() or text.isdigit() else repr(text)


def _message(detail: Any) -> str:
    message = str(detail["msg"])
    if detail["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown key (check the spelling against content/schema.json)"
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    return message


def content_files(directory: Path) -> Iterator[Path]:
    """Every file whose change should trigger a reload."""
    yield directory / "messages.yaml"
    yield from sorted((directory / "services").glob("*.yaml"))
