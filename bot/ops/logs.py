"""Log records as readable text (the default) or one JSON object per line, with request ids.

What the bot logs never includes message text, user ids, user names or tokens; the libraries it
uses do at DEBUG level (whole payloads and request URLs), so they are never let below INFO.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.ops.observe import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Their DEBUG output carries payloads: user ids, typed text, interaction tokens in URLs.
PAYLOAD_LOGGERS = (
    "discord",
    "slack_bolt",
    "slack_sdk",
    "aiohttp",
    "asyncpg",
    "sqlalchemy",
    "websockets",
)
REDACTED = "[redacted]"


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a command) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() or "-"
        return True


class SecretFilter(logging.Filter):
    """Replaces any configured secret that reaches a record with ``[redacted]``.

    A second line of defence: no code of the bot logs a secret, but an exception message from a
    library might quote one.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({secret for secret in secrets if len(secret) >= 8}, key=len)[::-1]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        scrubbed = self._scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self._scrub(text) != text:
                record.exc_text = self._scrub(text)
                record.exc_info = None
        return True

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def handler(
    log_format: str = "text", stream: TextIO | None = None, secrets: Iterable[str] = ()
) -> logging.Handler:
    """A stream handler in ``log_format`` with request ids and secrets scrubbed."""
    chosen = logging.StreamHandler(stream or sys.stderr)
    chosen.addFilter(RequestIdFilter())
    chosen.addFilter(SecretFilter(secrets))
    chosen.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    return chosen


def configure(
    level: str = "INFO",
    log_format: str = "text",
    stream: TextIO | None = None,
    secrets: Iterable[str] = (),
) -> None:
    """Send every log record to stderr in ``log_format``; libraries speak at INFO at most."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler(log_format, stream, secrets))
    root.setLevel(level)
    quiet_libraries(level)


def quiet_libraries(level: str = "INFO") -> None:
    """Keep the libraries' payload-carrying DEBUG records from ever being emitted."""
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(floor)
    # SQLAlchemy logs every statement with its parameters at INFO: never wanted in the bot's log.
    logging.getLogger("sqlalchemy").setLevel(max(floor, logging.WARNING))
