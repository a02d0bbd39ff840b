"""A validated knowledge base kept on disk, so one-shot commands skip parsing and validation.

Parsing and validating every YAML file costs far more than answering a question; ``optout-bot
ask`` would spend most of its start-up there. The cache is keyed by the exact bytes of every
content file, the date (staleness warnings depend on it) and the code that defines the model,
so any change to either simply misses and rebuilds. It is an optimisation only: every failure to
read or write it falls back to a normal load.

The cache is data, never code: JSON rebuilt into records by ``content_codec``. It is used only
in a folder that the bot's own account owns and nobody else can write, and every file carries
an HMAC keyed by a random secret kept in that folder, so a tampered, truncated or foreign file
is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from datetime import date
from pathlib import Path

from bot.content.codec import from_plain, to_plain
from bot.content.loader import ContentProblem, LoadResult, content_files, load_knowledge
from bot.content.reader import DEFAULT_MAX_FILE_BYTES, UnsafeFileError, read_content_file
from bot.core.knowledge import Service
from bot.core.library import KnowledgeBase
from bot.core.phrases.messages import Messages

log = logging.getLogger(__name__)

CACHE_FORMAT = b"2"
MAGIC = b"optout-bot content cache " + CACHE_FORMAT + b"\n"
SECRET_FILE = "cache.secret"
SECRET_BYTES = 32
# Far above any real knowledge base (the bundled one caches to well under a megabyte).
MAX_CACHE_BYTES = 64 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent.parent
# The modules whose code shapes what a loaded knowledge base contains.
_MODEL_SOURCES = (
    "core/knowledge.py",
    "core/phrases/answers.py",
    "core/phrases/living.py",
    "core/phrases/messages.py",
    "core/phrases/platforms.py",
    "core/phrases/workspace.py",
    "core/constraints.py",
    "core/richtext.py",
    "core/rules.py",
    "core/lookup.py",
    "core/library.py",
    "content/loader.py",
    "content/reader.py",
    "content/schema.py",
    "content/codec.py",
    "content/cache.py",
    "content/yaml_source.py",
)


def cache_key(directory: Path, today: date, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """A digest of everything a cached knowledge base depends on."""
    digest = hashlib.sha256(CACHE_FORMAT + today.isoformat().encode())
    digest.update(str(max_file_bytes).encode())
    for name in _MODEL_SOURCES:
        digest.update((_PACKAGE / name).read_bytes())
    for path in content_files(directory):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(read_content_file(directory, path, max_file_bytes))
        except (OSError, UnsafeFileError):
            digest.update(b"\0unreadable")
    return digest.hexdigest()[:24]


def load_with_cache(
    directory: Path,
    today: date,
    cache_dir: Path | None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> LoadResult:
    """The knowledge base from the cache when it is current, else loaded and cached."""
    folder = None if cache_dir is None else private_folder(cache_dir)
    secret = None if folder is None else _secret(folder)
    if folder is None or secret is None:
        return load_knowledge(directory, today, max_file_bytes)
    key = cache_key(directory, today, max_file_bytes)
    cached = folder / f"knowledge-{key}.json"
    try:
        return _decode(_read_private(cached, MAX_CACHE_BYTES), key, secret)
    except FileNotFoundError:
        pass
    except Exception:  # tampered, truncated or from another version: rebuilt, never trusted
        log.debug("ignoring unusable content cache %s", cached, exc_info=True)
    result = load_knowledge(directory, today, max_file_bytes)
    try:
        data = _encode(result, key, secret)
    except (TypeError, ValueError):  # a record field the codec cannot store: answer uncached
        log.warning("content cache not written: cannot encode the knowledge base", exc_info=True)
    else:
        _store(cached, data)
    return result


def private_folder(path: Path) -> Path | None:
    """``path``, created 0700 if missing, when only this account can write it; else None.

    Anyone who can write the cache folder decides what the bot serves, so a folder that is a
    symbolic link, belongs to someone else or is writable by group or others is not used.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
        info = path.lstat()
    except OSError as error:
        log.warning("content cache off: cannot create %s: %s", path, error.strerror or error)
        return None
    reason = None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        reason = "it is not a directory (a symbolic link is not followed)"
    elif info.st_uid != os.geteuid():
        reason = f"it belongs to user id {info.st_uid}, not to this one ({os.geteuid()})"
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        reason = f"group or others can write it (mode {stat.filemode(info.st_mode)}; chmod 700)"
    if reason is not None:
        log.warning("content cache off: %s is not private: %s", path, reason)
        return None
    return path


def _secret(folder: Path) -> bytes | None:
    """The folder's HMAC secret, created on first use; None when it cannot be had."""
    path = folder / SECRET_FILE
    try:
        found = _read_private(path, SECRET_BYTES + 1)
    except FileNotFoundError:
        found = b""
    except OSError as error:
        log.warning("content cache off: unusable secret %s: %s", path, error)
        return None
    if len(found) == SECRET_BYTES:
        return found
    # Written whole, then moved into place: a racing process reads one secret or the other, and
    # a cache signed with the one replaced simply fails its check once and is rebuilt.
    fresh = secrets.token_bytes(SECRET_BYTES)
    try:
        os.replace(_write_private(folder, fresh), path)
    except OSError as error:
        log.warning("content cache off: cannot write %s: %s", path, error)
        return None
    return fresh


def _encode(result: LoadResult, key: str, secret: bytes) -> bytes:
    knowledge = result.knowledge
    payload = {
        "key": key,
        "version": knowledge.version,
        "services": to_plain(knowledge.services),
        "messages": to_plain(knowledge.messages),
        "warnings": to_plain(result.warnings),
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return MAGIC + _signature(secret, body) + b"\n" + body


def _decode(raw: bytes, key: str, secret: bytes) -> LoadResult:
    signature, _, body = raw.removeprefix(MAGIC).partition(b"\n")
    if not raw.startswith(MAGIC) or not hmac.compare_digest(signature, _signature(secret, body)):
        raise ValueError("the cache's signature does not match its content")
    payload = json.loads(body)
    if payload["key"] != key:
        raise ValueError("the cache was written for other content")
    services = from_plain(tuple[Service, ...], payload["services"])
    messages = from_plain(Messages, payload["messages"])
    warnings = from_plain(list[ContentProblem], payload["warnings"])
    return LoadResult(KnowledgeBase(services, messages, payload["version"]), warnings)


def _signature(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode()


def _read_private(path: Path, limit: int) -> bytes:
    """A regular file of this account's, read without following a link; OSError otherwise."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise OSError(f"{path} is not a regular file of this account")
        if info.st_size > limit:
            raise OSError(f"{path} is larger than {limit} bytes")
        with os.fdopen(os.dup(descriptor), "rb") as file:
            return file.read(limit)
    finally:
        os.close(descriptor)


def _write_private(folder: Path, data: bytes) -> Path:
    """``data`` in a new file only this account can read, under a fresh temporary name."""
    partial = folder / f".partial-{os.getpid()}-{secrets.token_hex(6)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with os.fdopen(os.open(partial, flags, 0o600), "wb") as file:
        file.write(data)
    return partial


def _store(cached: Path, data: bytes) -> None:
    try:
        os.replace(_write_private(cached.parent, data), cached)
        for older in cached.parent.glob("knowledge-*"):
            if older != cached:
                older.unlink(missing_ok=True)
    except OSError as error:
        log.debug("content cache not written: %s", error)
