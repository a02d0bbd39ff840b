"""Content files read without trusting them: regular files inside the content folder, size-capped.

A content folder may be writable by more people than the bot's own account (a shared volume, a
checkout). Reading a FIFO would block a reload forever, a device or a huge file would exhaust
memory, and a symbolic link could make the bot read, and quote in its errors, a file it was never
meant to see. Every check here happens before a single byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The largest service file in the bundled content is a few kilobytes; a megabyte leaves room
# for any real file while keeping a reload's memory small and bounded.
DEFAULT_MAX_FILE_BYTES = 1024 * 1024
# O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFLNK: "a symbolic link that cannot be resolved",
}


class UnsafeFileError(Exception):
    """A content file refused before any of it was read; the message says why."""


def read_content_file(root: Path, path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``: a regular file of at most ``max_bytes`` that lies under ``root``.

    A symbolic link is followed only when it resolves inside ``root``. Raises
    ``UnsafeFileError`` for anything refused and ``OSError`` when the file cannot be read.
    """
    base = os.path.realpath(root)
    target = os.path.realpath(path)
    if os.path.commonpath([base, target]) != base:
        raise UnsafeFileError("leads outside the content folder (a symbolic link?); not read")
    _check(os.lstat(target), max_bytes)
    descriptor = os.open(target, _OPEN_FLAGS)
    try:
        # Checked again on what was opened: the path may have been replaced in between.
        _check(os.fstat(descriptor), max_bytes)
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(descriptor)
    if remaining <= 0:
        raise UnsafeFileError(f"grew past the limit of {max_bytes} bytes while being read")
    return b"".join(chunks)


def _check(info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise UnsafeFileError(f"is {kind}, not a regular file; not read")
    if info.st_size > max_bytes:
        raise UnsafeFileError(
            f"is {info.st_size} bytes, over the limit of {max_bytes} (OPTOUT_CONTENT_MAX_BYTES)"
        )
