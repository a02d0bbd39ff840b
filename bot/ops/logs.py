"""Log records as readable text (the default) or one JSON object per line, with request ids.

What the bot logs never includes message text, user ids, user names or tokens; the libraries it
uses do at DEBUG level (whole payloads and request URLs), so they are never let below INFO. Some
quote ids or secrets at any level (discord.py names the user whose autocomplete failed), so the
bot's handler scrubs secrets (bot/core/redaction.py) and user ids from every record it writes.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.core.redaction import redact, without_user_ids
from bot.ops.observe import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Their DEBUG output carries payloads: user ids, typed text, interaction tokens in URLs.
PAYLOAD_LOGGERS = (
    "discord",
    "slack_bolt",
    "slack_sdk",
    "aiohttp",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy",
    "websockets",
)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a command) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() or "-"
        return True


class _RewritingFilter(logging.Filter):
    """Rewrites each record's message and exception text through ``scrub``."""

    def scrub(self, text: str) -> str:
        raise NotImplementedError

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # The text replaces the live exception, so no formatter renders the original.
            record.exc_text, record.exc_info = self.scrub(record.exc_text), None
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


class SecretFilter(_RewritingFilter):
    """Hides configured secrets, URL passwords and tokens that reach a record.

    A second line of defence: no code of the bot logs a secret, but an exception message from a
    library might quote one.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = tuple(secrets)

    def scrub(self, text: str) -> str:
        return redact(text, self._secrets)


class UserIdFilter(_RewritingFilter):
    """Replaces Discord and Slack user ids in every record, the libraries' included.

    The bot logs no user id, but discord.py does: "Ignoring exception in autocomplete for
    'optout' (Guild: …, User: <id>)", and an exception may quote a payload.
    """

    def scrub(self, text: str) -> str:
        return without_user_ids(text)


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
    """A stream handler in ``log_format`` with request ids, secrets and user ids scrubbed."""
    chosen = logging.StreamHandler(stream or sys.stderr)
    chosen.addFilter(RequestIdFilter())
    chosen.addFilter(SecretFilter(secrets))
    chosen.addFilter(UserIdFilter())
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
