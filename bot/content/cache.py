"""A validated knowledge base kept on disk, so one-shot commands skip parsing and validation.

Parsing and validating every YAML file costs far more than answering a question; ``optout-bot
ask`` would spend most of its start-up there. The cache is keyed by the exact bytes of every
content file, the date (staleness warnings depend on it) and the code that defines the model,
so any change to either simply misses and rebuilds. It is an optimisation only: every failure to
read or write it falls back to a normal load.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from datetime import date
from pathlib import Path

from bot.content.loader import LoadResult, content_files, load_knowledge

log = logging.getLogger(__name__)

CACHE_FORMAT = b"1"
_PACKAGE = Path(__file__).resolve().parent.parent
# The modules whose code shapes what a loaded knowledge base contains.
_MODEL_SOURCES = (
    "core/knowledge.py",
    "core/constraints.py",
    "core/richtext.py",
    "core/rules.py",
    "core/lookup.py",
    "core/library.py",
    "content/loader.py",
    "content/schema.py",
    "content/cache.py",
    "content/yaml_source.py",
)


def cache_key(directory: Path, today: date) -> str:
    """A digest of everything a cached knowledge base depends on."""
    digest = hashlib.sha256(CACHE_FORMAT + today.isoformat().encode())
    for name in _MODEL_SOURCES:
        digest.update((_PACKAGE / name).read_bytes())
    for path in content_files(directory):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()[:24]


def load_with_cache(directory: Path, today: date, cache_dir: Path | None) -> LoadResult:
    """The knowledge base from the cache when it is current, else loaded and cached."""
    if cache_dir is None:
        return load_knowledge(directory, today)
    cached = cache_dir / f"knowledge-{cache_key(directory, today)}.pickle"
    try:
        with cached.open("rb") as file:
            result = pickle.load(file)
        if isinstance(result, LoadResult):
            return result
    except FileNotFoundError:
        pass
    except Exception:  # a corrupt or incompatible cache is not worth failing over
        log.debug("ignoring unreadable content cache %s", cached, exc_info=True)
    result = load_knowledge(directory, today)
    _store(cached, result)
    return result


def _store(cached: Path, result: LoadResult) -> None:
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, cached)
        for older in cached.parent.glob("knowledge-*.pickle"):
            if older != cached:
                older.unlink(missing_ok=True)
    except OSError as error:
        log.debug("content cache not written: %s", error)
