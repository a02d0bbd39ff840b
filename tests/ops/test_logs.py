"""Logs: JSON or text, a request id per command, and no private data even when a command fails."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.ops import logs
from bot.ops.observe import Observer
from bot.platforms.slack import actions
from tests.platforms.slack.fake_slack import serve_slack
from tests.support import instant
from tests.support.privacy import leaks

CANARY_TEXT = "canary-words-typed-by-a-person"
CANARY_USER = "U0CANARY42"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logs.handler("json", stream, secrets=["xoxb-scrub-me-token-123"])
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_records_carry_time_level_logger_message_and_request_id(
    json_lines: io.StringIO,
) -> None:
    observer = Observer()
    log = logging.getLogger("bot.test")
    log.warning("outside any command")
    with observer.scope("slack", "optout") as scope:
        try:
            raise ValueError("inside")
        except ValueError:
            log.exception("a failure")
    first, second = [entry for entry in records(json_lines) if entry["logger"] == "bot.test"]
    assert first["request_id"] == "-" and first["level"] == "WARNING"
    assert second["request_id"] == scope.request_id
    assert second["logger"] == "bot.test" and second["message"] == "a failure"
    assert "ValueError: inside" in str(second["exception"])
    assert set(first) == {"time", "level", "logger", "message", "request_id"}


def test_text_records_show_the_request_id() -> None:
    stream = io.StringIO()
    handler = logs.handler("text", stream)
    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    with Observer().scope("discord", "help") as scope:
        handler.handle(record)
    assert stream.getvalue().rstrip().endswith(f"INFO bot.x [{scope.request_id}] hello there")


def test_a_secret_quoted_by_a_library_is_scrubbed(json_lines: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    try:
        raise RuntimeError("rejected token xoxb-scrub-me-token-123")
    except RuntimeError:
        log.exception("call with %s failed", "xoxb-scrub-me-token-123")
    [entry] = [entry for entry in records(json_lines) if entry["logger"] == "bot.test"]
    assert "xoxb-scrub-me-token-123" not in json.dumps(entry)
    assert entry["message"] == "call with [redacted] failed"
    assert "[redacted]" in str(entry["exception"])


def test_libraries_never_log_below_info() -> None:
    logs.quiet_libraries("DEBUG")
    chatty = [name for name in logs.PAYLOAD_LOGGERS if name != "sqlalchemy"]
    assert all(logging.getLogger(name).level == logging.INFO for name in chatty)


def test_sql_statements_and_parameters_are_never_logged() -> None:
    logs.quiet_libraries("DEBUG")
    # SQLAlchemy writes each statement with its parameters at INFO.
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)


def test_the_privacy_check_catches_a_leak() -> None:
    assert leaks([("bot.x", "answered U0ALICE")]) == ["bot.x: answered U0ALICE"]
    assert leaks([("bot.x", "answered in 2 ms")]) == []


async def test_a_failing_command_logs_its_traceback_and_request_id_but_nothing_typed(
    json_lines: io.StringIO,
) -> None:
    def broken() -> KnowledgeBase:
        raise RuntimeError("the knowledge base is on fire")

    assistant = Assistant(broken, FixedClock(instant("2025-09-20T12:00:00Z")))
    async with serve_slack(assistant) as (fake, _):
        answer = await fake.command("/optout", CANARY_TEXT, user=CANARY_USER)
        assert answer.status == 200
        await fake.click(actions.SHARE_ACTION, json.dumps({"c": "optout", "a": CANARY_TEXT}))
        await fake.wait_for(lambda: fake.responded("r2"))
    failures = [entry for entry in records(json_lines) if entry["level"] == "ERROR"]
    assert failures and all("on fire" in str(entry["exception"]) for entry in failures)
    assert all(len(str(entry["request_id"])) == 12 for entry in failures)
    assert len({entry["request_id"] for entry in failures}) == 2
    logged = json_lines.getvalue()
    assert CANARY_TEXT not in logged and CANARY_USER not in logged


@pytest.fixture
def text_lines() -> Iterator[io.StringIO]:
    """Everything the bot's own handler writes, as configured by ``run`` (DEBUG level)."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    logs.configure("DEBUG", "text", stream, secrets=["discord-bot-token-value"])
    try:
        yield stream
    finally:
        for added in list(root.handlers):
            root.removeHandler(added)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        logs.quiet_libraries("INFO")


DISCORD_USER = "80088516616269824"
DISCORD_GUILD = "336642139381301249"


def test_discord_autocomplete_failures_are_logged_without_the_user_id(
    text_lines: io.StringIO,
) -> None:
    from discord.app_commands import tree

    try:
        raise LookupError(f"no member {{'user': {{'id': '{DISCORD_USER}'}}}} for <@{DISCORD_USER}>")
    except LookupError:
        # discord.py's own record, word for word (discord/app_commands/tree.py, _call).
        tree._log.exception(
            "Ignoring exception in autocomplete for %r (Guild: %s, User: %s)",
            "optout",
            int(DISCORD_GUILD),
            int(DISCORD_USER),
        )
    logged = text_lines.getvalue()
    assert "Ignoring exception in autocomplete for 'optout'" in logged
    assert f"Guild: {DISCORD_GUILD}, User: [user id])" in logged
    assert "LookupError: no member {'user': {'id': '[user id]'}} for <@[user id]>" in logged
    assert DISCORD_USER not in logged


def test_slack_user_ids_are_scrubbed_from_library_records_and_exceptions(
    text_lines: io.StringIO,
) -> None:
    try:
        raise ValueError(f"user {CANARY_USER} not_in_channel")
    except ValueError:
        logging.getLogger("slack_bolt.App").exception("Failed to run listener for %s", "W0CANARY77")
    logged = text_lines.getvalue()
    assert "Failed to run listener for [user id]" in logged
    assert "ValueError: user [user id] not_in_channel" in logged
    assert CANARY_USER not in logged and "W0CANARY77" not in logged


def test_every_kind_of_url_secret_is_scrubbed_from_records(text_lines: io.StringIO) -> None:
    log = logging.getLogger("asyncpg.pool")
    log.warning("cannot reach postgresql://optout@db.example/optout?password=pg-query-secret")
    log.warning("GET https://user:basic-secret-pw@slack.example/api/auth.test failed")
    log.warning("Authorization: Bot discord-bot-token-value refused")
    logged = text_lines.getvalue()
    for secret in ("pg-query-secret", "basic-secret-pw", "discord-bot-token-value"):
        assert secret not in logged
    assert "optout?password=***" in logged and "user:***@slack.example" in logged


async def test_at_debug_the_database_driver_logs_no_workspace_or_channel_id(
    text_lines: io.StringIO, tmp_path: object
) -> None:
    from datetime import UTC, datetime

    from bot.core.ports.channels import ChannelRef
    from bot.store.engine import create_engine, database_url
    from bot.store.migrations import migrate
    from bot.store.sql_store import SqlStore

    engine = create_engine(database_url(f"sqlite:///{tmp_path}/data/optout.db"))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    await migrate(engine, now)
    store = SqlStore(engine)
    channel = ChannelRef("slack", "T0WORKSPACE9", "C0CHANNEL77")
    await store.subscribe(channel, "chatterbox", now)
    assert await store.subscriptions(channel) == ["chatterbox"]
    await store.close()
    logging.getLogger("bot.test").debug("the bot's own DEBUG records still pass")
    logged = text_lines.getvalue()
    assert "the bot's own DEBUG records still pass" in logged
    assert "T0WORKSPACE9" not in logged and "C0CHANNEL77" not in logged
