"""Requests Slack did not sign, or signed in a form bolt cannot read, never reach bolt.

The real app is served on 127.0.0.1; requests go over real sockets. Whatever a refused request
carries (a ``response_url`` above all) is never acted on, and refusals cost one warning a minute
in the log, never a traceback. A ``response_url`` off Slack's hosts is never called, signed or not.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.platforms.slack import actions
from bot.platforms.slack.response_url import ResponseUrls
from tests.platforms.slack.fake_slack import SIGNING_SECRET, FakeSlack, serve_slack
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00Z"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        yield fake


@pytest.fixture
async def foreign() -> AsyncIterator[FakeSlack]:
    """Another server on loopback, standing for any host that is not Slack."""
    host = FakeSlack()
    await host.start()
    try:
        yield host
    finally:
        await host.stop()


def signature(body: bytes, stamp: str, secret: str = SIGNING_SECRET) -> str:
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


async def send(
    slack: FakeSlack,
    body: bytes,
    headers: dict[str, str] | None = None,
    signed: bool = True,
    content_type: str = FORM,
) -> int:
    """POST raw bytes to the app, signed correctly unless told otherwise; the status."""
    stamp = str(int(time.time()))
    sent = {"Content-Type": content_type}
    if signed:
        sent |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(body, stamp)}
    sent |= headers or {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.app_url, data=body, headers=sent) as reply,
    ):
        await reply.read()
        return reply.status


def share_command(slack: FakeSlack, response_url: str | None = None) -> bytes:
    """A slash command whose outcome goes to its response_url (sharing posts, then says so)."""
    payload = slack.command_payload("/optout", "chatterbox share")
    if response_url:
        payload["response_url"] = response_url
    return urlencode(payload).encode()


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


async def nothing_reached(slack: FakeSlack, *others: FakeSlack) -> None:
    await asyncio.sleep(0.1)
    for host in (slack, *others):
        assert not host.responses
        assert [call.method for call in host.calls if call.method != "auth.test"] == []


# -- unverified requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "stamp", ["x", "", " 1700000000", "+1700000000", "1_700_000_000", "١٧٠٠٠٠٠٠٠٠", "1e9", "-5"]
)
async def test_a_timestamp_that_is_not_plain_digits_is_refused_and_its_response_url_untouched(
    slack: FakeSlack, foreign: FakeSlack, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    for target in (None, f"http://127.0.0.1:{foreign.port}/response/r1"):
        body = share_command(slack, target)
        headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(body, stamp)}
        assert await send(slack, body, headers) == 401
    await nothing_reached(slack, foreign)
    assert not problems(caplog)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Signature": ""},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Signature": "v1=" + "0" * 64},
        {"X-Slack-Signature": "v0=" + "G" * 64},
        {"X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": str(int(time.time()) - 301)},
        {"X-Slack-Request-Timestamp": "9" * 12},
    ],
    ids=["empty", "wrong", "other version", "not hex", "short", "stale", "far future"],
)
async def test_a_missing_wrong_or_stale_signature_is_refused(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    assert await send(slack, share_command(slack), headers) == 401
    await nothing_reached(slack)
    assert not problems(caplog)


async def test_refusals_are_logged_once_a_minute_with_a_count(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(30):
        assert await send(slack, b"command=%2Foptout", {"X-Slack-Request-Timestamp": "x"}) == 401
    warnings = [r for r in caplog.records if r.name == "bot.platforms.slack.request_url"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert "Traceback" not in caplog.text and not problems(caplog)


# -- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"command=%2Foptout&text=\xff\xfe", FORM),
        (b"command=%2Foptout&text=%ff%fe", FORM),
        (b"payload=%7Bnot+json", FORM),
        (b"payload=%5B1%2C2%5D", FORM),
        (b"{not json", "application/json"),
        (b"\xc3\x28", "application/json"),
        (b"command=%2Foptout", "text/plain"),
        (b"command=%2Foptout", "multipart/form-data; boundary=x"),
        (b"command=%2Foptout", FORM + "; charset=latin-1"),
    ],
    ids=[
        "raw non-UTF-8",
        "percent-encoded non-UTF-8",
        "payload not JSON",
        "payload not an object",
        "JSON broken",
        "JSON not UTF-8",
        "plain text",
        "multipart",
        "latin-1",
    ],
)
async def test_bodies_bolt_cannot_read_are_refused_signed_or_not_without_a_traceback(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    assert await send(slack, body, content_type=content_type) == 400
    assert await send(slack, body, content_type=content_type, signed=False) in (400, 401)
    await nothing_reached(slack)
    assert not problems(caplog) and "Traceback" not in caplog.text


async def test_an_oversized_body_is_refused_before_it_is_sent(slack: FakeSlack) -> None:
    host, port = "127.0.0.1", slack.app_url.split(":")[2].split("/")[0]
    reader, writer = await asyncio.open_connection(host, int(port))
    started = time.perf_counter()
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode() + b"\r\n"
        b"X-Slack-Request-Timestamp: " + str(int(time.time())).encode() + b"\r\n"
        b"X-Slack-Signature: v0=" + b"0" * 64 + b"\r\nContent-Length: 1048576\r\n\r\n" + b"a" * 1024
    )
    status = await asyncio.wait_for(reader.readline(), 2)
    assert status.startswith(b"HTTP/1.1 413"), status
    assert time.perf_counter() - started < 1.0
    writer.close()
    await nothing_reached(slack)


@pytest.mark.parametrize(
    "headers",
    [
        b"X-Slack-Signature: v0=" + b"0" * 64 + b"\r\n",
        b"X-Slack-Request-Timestamp: 1\r\nX-Slack-Signature: v0=" + b"0" * 64 + b"\r\n",
        b"X-Slack-Request-Timestamp: " + str(int(time.time())).encode() + b"\r\n",
    ],
    ids=["no timestamp", "stale", "no signature"],
)
async def test_bad_signature_headers_are_refused_before_the_body_is_awaited(
    slack: FakeSlack, headers: bytes
) -> None:
    # The body is announced but never sent: only a refusal from the headers alone comes back
    # at once; reading first would wait for it until the request deadline.
    host, port = "127.0.0.1", slack.app_url.split(":")[2].split("/")[0]
    reader, writer = await asyncio.open_connection(host, int(port))
    started = time.perf_counter()
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: "
        + FORM.encode()
        + b"\r\n"
        + headers
        + b"Content-Length: 60000\r\n\r\n"
    )
    status = await asyncio.wait_for(reader.readline(), 2)
    assert status.startswith(b"HTTP/1.1 401"), status
    assert time.perf_counter() - started < 1.0
    writer.close()
    await nothing_reached(slack)


async def test_a_body_without_a_declared_length_is_refused(slack: FakeSlack) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield share_command(slack)

    stamp = str(int(time.time()))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": stamp}
    headers["X-Slack-Signature"] = signature(share_command(slack), stamp)
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.app_url, data=chunks(), headers=headers) as reply,
    ):
        assert reply.status == 411
    await nothing_reached(slack)


# -- where replies go -------------------------------------------------------------------------


async def test_a_signed_request_with_a_foreign_response_url_never_calls_it(
    slack: FakeSlack, foreign: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = f"http://127.0.0.1:{foreign.port}/response/r1"
    assert await send(slack, share_command(slack, elsewhere)) == 200
    await slack.wait_for(lambda: slack.called("chat.postMessage"))
    payload = slack.click_payload(actions.SHARE_ACTION, "not json")
    payload["response_url"] = elsewhere
    assert await send(slack, urlencode({"payload": json.dumps(payload)}).encode()) == 200
    await asyncio.sleep(0.2)
    assert not foreign.responses and not foreign.calls and not slack.responses
    assert "refused to post to a response_url" in caplog.text


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T0/1/abc", True),
        ("https://HOOKS.slack.com:443/actions/T0/1/abc", True),
        ("http://hooks.slack.com/commands/T0/1/abc", False),
        ("https://hooks.slack.com:8443/commands/T0/1/abc", False),
        ("https://hooks.slack.com:0/commands/T0/1/abc", False),
        ("https://hooks.slack.com.evil.example/commands", False),
        ("https://hooks.slack.com@evil.example/commands", False),
        ("https://evil.example/?https://hooks.slack.com/", False),
        ("http://127.0.0.1:9999/response/r1", True),
        ("http://127.0.0.1:9998/response/r1", False),
        ("https://127.0.0.1:9999/response/r1", False),
        ("http://[::1/response", False),
        ("", False),
        (None, False),
    ],
)
def test_only_slack_hosts_are_allowed_as_response_urls(url: str | None, allowed: bool) -> None:
    assert ResponseUrls("http://127.0.0.1:9999/api/").allows(url) is allowed


def test_without_a_configured_api_url_only_hooks_slack_com_is_allowed() -> None:
    urls = ResponseUrls(None)
    assert urls.allows("https://hooks.slack.com/commands/T0/1/abc")
    assert not urls.allows("http://127.0.0.1:9999/response/r1")
