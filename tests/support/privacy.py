"""Every log record of the end-to-end suites, checked for tokens, user ids, names and typed text.

The platforms' conftest (and the operations tests') use these fixtures: one handler on the root
logger collects every record of the session at DEBUG level for the bot's own loggers, the
libraries at the level the bot lets them speak (see ``bot.ops.logs``), from every thread, and
after each test whatever was collected since the last check must contain none of ``FORBIDDEN``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from bot.ops.logs import PAYLOAD_LOGGERS, quiet_libraries
from tests.platforms.discord import fake_discord
from tests.platforms.slack import fake_slack

# What the tests send as a user would: tokens, ids, names, and the words typed in commands.
FORBIDDEN = (
    fake_slack.BOT_TOKEN,
    fake_slack.APP_TOKEN,
    fake_slack.SIGNING_SECRET,
    fake_slack.USER_ID,
    fake_discord.MEMBER_ID,
    "fake-bot-token",
    "another-bot-token",
    "itok-",
    "alice",
    "Alice",
    "<!channel>",
    "<@U123>",
    "@here",
    "@everyone",
    "no such thing",
    "chatterbox share",
)


class RecordCollector(logging.Handler):
    """Keeps every record it is handed, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.entries: list[tuple[str, str]] = []
        self._guard = threading.Lock()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        with self._guard:
            self.entries.append((record.name, text))

    def take(self) -> list[tuple[str, str]]:
        """The records collected since the last call."""
        with self._guard:
            taken, self.entries = self.entries, []
        return taken


def leaks(entries: list[tuple[str, str]]) -> list[str]:
    """The collected lines that contain something private."""
    return [
        f"{name}: {text[:300]}"
        for name, text in entries
        if any(secret in text for secret in FORBIDDEN)
    ]


@pytest.fixture(scope="session")
def log_collector() -> Iterator[RecordCollector]:
    root = logging.getLogger()
    collector = RecordCollector()
    saved = root.level, {name: logging.getLogger(name).level for name in PAYLOAD_LOGGERS}
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    quiet_libraries("DEBUG")
    try:
        yield collector
    finally:
        root.removeHandler(collector)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture(autouse=True)
def no_private_data_in_logs(log_collector: RecordCollector) -> Iterator[None]:
    """Fail the test when a log record of its run holds a token, a user id or typed text."""
    yield
    found = leaks(log_collector.take())
    assert not found, "private data in the logs:\n" + "\n".join(found)
