"""The accepted state of each cited page, recorded by a person's decision and reviewed like content.

Files live beside the knowledge base, one per service (``content/sources/<service-id>.json``),
written with sorted keys, two-space indents and the text one line per list item, so that a
re-acceptance shows in a review as a readable diff of the page itself.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

FORMAT_VERSION = 1
# The folder of accepted baselines inside the content directory.
BASELINE_FOLDER = "sources"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One source as it was accepted: its text (``None`` when none could be extracted)."""

    source_id: str
    url: str
    final_url: str
    accepted: date
    fingerprint: str
    text: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    ota_fingerprint: str | None = None


ServiceBaseline = dict[str, BaselineEntry]


class BaselineError(Exception):
    """A baseline could not be read or written; the message says which and why."""


class BaselineStore(Protocol):
    """Where accepted states are kept: files beside the content, or the running bot's store."""

    def load(self, service_id: str) -> ServiceBaseline:
        """The accepted sources of one service, keyed by source id (empty when none)."""
        ...

    def save(self, service_id: str, entries: ServiceBaseline) -> None:
        """Replace the accepted sources of one service."""
        ...


class MemoryBaselineStore:
    """A baseline held in memory, for tests and for callers that persist it themselves."""

    def __init__(self) -> None:
        self.services: dict[str, ServiceBaseline] = {}

    def load(self, service_id: str) -> ServiceBaseline:
        return dict(self.services.get(service_id, {}))

    def save(self, service_id: str, entries: ServiceBaseline) -> None:
        self.services[service_id] = dict(entries)


class FileBaselineStore:
    """One JSON file per service in a directory, normally ``content/sources``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, service_id: str) -> Path:
        """The file holding one service's baseline."""
        return self.directory / f"{service_id}.json"

    def load(self, service_id: str) -> ServiceBaseline:
        path = self.path(service_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BaselineError(f"{path}: cannot read: {error}") from None
        try:
            return {item["source_id"]: _entry(item) for item in data["sources"]}
        except (KeyError, TypeError, ValueError) as error:
            raise BaselineError(f"{path}: malformed entry: {error!r}") from None

    def save(self, service_id: str, entries: ServiceBaseline) -> None:
        text = encode_baseline(service_id, entries)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.path(service_id).write_text(text, encoding="utf-8")
        except OSError as error:
            raise BaselineError(f"{self.path(service_id)}: cannot write: {error}") from None


def encode_baseline(service_id: str, entries: ServiceBaseline) -> str:
    """One service's baseline as the JSON document a file (or the bot's store) keeps."""
    document = {
        "format": FORMAT_VERSION,
        "service": service_id,
        "sources": [_record(entries[key]) for key in sorted(entries)],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def decode_baseline(text: str) -> ServiceBaseline:
    """The entries of a document written by :func:`encode_baseline`; raises ``BaselineError``."""
    try:
        data = json.loads(text)
        return {item["source_id"]: _entry(item) for item in data["sources"]}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise BaselineError(f"malformed baseline: {error!r}") from None


def _record(entry: BaselineEntry) -> dict[str, Any]:
    record = asdict(entry)
    record["accepted"] = entry.accepted.isoformat()
    record["text"] = None if entry.text is None else entry.text.split("\n")
    return record


def _entry(item: dict[str, Any]) -> BaselineEntry:
    lines = item.get("text")
    return BaselineEntry(
        source_id=str(item["source_id"]),
        url=str(item["url"]),
        final_url=str(item["final_url"]),
        accepted=date.fromisoformat(item["accepted"]),
        fingerprint=str(item["fingerprint"]),
        text=None if lines is None else "\n".join(str(line) for line in lines),
        etag=item.get("etag"),
        last_modified=item.get("last_modified"),
        ota_fingerprint=item.get("ota_fingerprint"),
    )
