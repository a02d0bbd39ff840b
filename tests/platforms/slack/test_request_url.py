"""The Request URL answers a command whose answer is ready itself, and hands bolt the rest.

Both ways must look the same to Slack: the ack of a command answered at once is the ack bolt's
listener gives for it (over Socket Mode, where bolt answers every command), and everything
that needs more than an ack still runs through bolt.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.platforms.slack import actions
from bot.platforms.slack.manifest import slash_commands
from tests.platforms.slack.fake_slack import FakeSlack, serve_slack
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00Z"
READY = [
    ("/optout", "chatterbox"),
    ("/optout", "chatterbox full"),
    ("/optout", "no such service"),
    ("/optout", ""),
    ("/optout", "<!channel> @here *x*"),
    # bolt looks for an interaction wherever "payload" is in the form, and finds none here.
    ("/optout", "payload"),
    ("/deadline", "chatterbox"),
    ("/deadline", ""),
    ("/changes", "chatterbox"),
    ("/optout-help", ""),
]


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The bodies of the requests bolt dispatched; bolt itself runs unchanged."""
    seen: list[dict[str, Any]] = []
    dispatch: Callable[[AsyncApp, AsyncBoltRequest], Awaitable[BoltResponse]]
    dispatch = AsyncApp.async_dispatch

    async def counted(app: AsyncApp, request: AsyncBoltRequest) -> BoltResponse:
        seen.append(request.body)
        return await dispatch(app, request)

    monkeypatch.setattr(AsyncApp, "async_dispatch", counted)
    return seen


@pytest.fixture
async def http(dispatched: list[dict[str, Any]]) -> AsyncIterator[FakeSlack]:
    async with serve_slack(assistant_at(NOW)) as (fake, _):
        yield fake


@pytest.fixture
async def socket() -> AsyncIterator[FakeSlack]:
    async with serve_slack(assistant_at(NOW), http=False) as (fake, _):
        yield fake


async def test_a_ready_answer_is_the_ack_bolt_gives_for_it(
    http: FakeSlack, socket: FakeSlack
) -> None:
    assert set(slash_commands().values()) <= {command for command, _ in READY}
    for command, text in READY:
        answered = await http.command(command, text)
        through_bolt = await socket.push("slash_commands", socket.command_payload(command, text))
        assert answered.status == 200 and answered.body["blocks"]
        assert answered.body == through_bolt, (command, text)


async def test_a_ready_answer_never_wakes_bolt(
    http: FakeSlack, dispatched: list[dict[str, Any]]
) -> None:
    for command, text in READY:
        assert (await http.command(command, text)).status == 200
    assert dispatched == []


async def test_what_needs_more_than_an_ack_goes_through_bolt(
    http: FakeSlack, dispatched: list[dict[str, Any]]
) -> None:
    shared = await http.command("/optout", "chatterbox share", response="shared")
    assert shared.status == 200 and not shared.body
    await http.wait_for(lambda: http.called("chat.postMessage"))
    click = await http.click(actions.PIN_ACTION, '{"c":"optout","a":"chatterbox"}')
    assert click.status == 200
    await http.wait_for(lambda: http.called("pins.add"))
    assert [body.get("command") or body.get("type") for body in dispatched] == [
        "/optout",
        "block_actions",
    ]


async def test_a_command_this_app_does_not_serve_is_left_to_bolt(
    http: FakeSlack, dispatched: list[dict[str, Any]]
) -> None:
    answer = await http.command("/someone-elses-command", "chatterbox")
    assert answer.status == 404
    assert [body["command"] for body in dispatched] == ["/someone-elses-command"]


async def test_slacks_ssl_check_is_answered_by_bolt(
    http: FakeSlack, dispatched: list[dict[str, Any]]
) -> None:
    # Slack sends this to a command's URL to check the certificate; it names no command.
    answer = await http.post(urlencode({"ssl_check": "1", "token": "legacy-verification-token"}))
    assert answer.status == 200
    assert [body.get("ssl_check") for body in dispatched] == ["1"]
