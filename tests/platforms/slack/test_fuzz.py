"""Any command text or button payload gets an answer, and nothing sent back can mention anyone.

Hypothesis drives the real app over real sockets; the app and the fake Slack run once per test
on their own event loop so that each example costs one request, not a server start.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
import re
import time
from collections.abc import Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.catalogue import DEADLINE_SUBACTIONS
from bot.core.ports.channels import ChannelRef
from bot.core.ports.reminders import ALL_SERVICES
from bot.core.request import Request
from bot.platforms.slack import actions
from bot.platforms.slack.manifest import slash_commands
from tests.platforms.living_support import LivingBench, living_bench
from tests.platforms.slack.fake_slack import CHANNEL_ID, TEAM_ID, FakeSlack, serve_slack
from tests.support import assistant_at, fixture_knowledge

T = TypeVar("T")
ALLOWED_TOKEN = re.compile(
    r"<(?:https?://|mailto:)[^<>|\s]*(?:\|[^<>]*)?>"
    # Slack's date tokens: a date, an exact instant, a live countdown; each with its fallback.
    r"|<!date\^\d+\^(?:\{date_short_pretty\}(?: \{time\})?|\{ago\})\|[^<>|]*>"
    r"|<@U0[A-Z0-9]+>"
)
BROADCAST = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
hostile = st.lists(
    st.sampled_from(["<!channel>", "<@U123>", "@here", "*b*", "`c`", "&amp;", "<", ">", "share"]),
    max_size=4,
).map(" ".join)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Running:
    """A fake Slack and the bot, served on a private event loop for the length of one test."""

    def __init__(self, http: bool = True) -> None:
        self.loop = asyncio.new_event_loop()
        self._served: AbstractAsyncContextManager[Any] = serve_slack(
            assistant_at("2025-09-20T12:00:00Z"), http=http
        )
        self.fake: FakeSlack = self.run(self._served.__aenter__())[0]
        self.names = itertools.count(1)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def close(self) -> None:
        self.run(self._served.__aexit__(None, None, None))
        self.loop.close()


class RunningWithReminders:
    """The same, with living answers on a SQLite store and one workspace admin."""

    def __init__(self, directory: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self._stack = AsyncExitStack()
        self.bench: LivingBench = self.run(self._stack.enter_async_context(living_bench(directory)))
        served = serve_slack(self.bench.assistant, living=self.bench.access)
        self.fake: FakeSlack = self.run(self._stack.enter_async_context(served))[0]
        self.fake.admins.add(ADMIN)
        self.names = itertools.count(1)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def close(self) -> None:
        self.run(self._stack.aclose())
        self.loop.close()


@pytest.fixture
def running() -> Iterator[Running]:
    served = Running()
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def over_socket() -> Iterator[Running]:
    served = Running(http=False)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def reminders(tmp_path: Path) -> Iterator[RunningWithReminders]:
    served = RunningWithReminders(tmp_path)
    try:
        yield served
    finally:
        served.close()


def waits(slash: str, text: str) -> bool:
    """Whether the front door answers this only after waiting on the store (a sub-action)."""
    name = {typed: name for name, typed in slash_commands().items()}[slash]
    return assistant_at("2025-09-20T12:00:00Z").answer_now(Request(name, text)) is None


@FUZZ
@given(command=st.sampled_from(sorted(slash_commands().values())), text=st.one_of(words, hostile))
def test_any_command_text_gets_a_private_answer_without_mentions(
    running: Running, command: str, text: str
) -> None:
    name = f"c{next(running.names)}"
    answer = running.run(running.fake.command(command, text, response=name))
    assert answer.status == 200
    if answer.body:
        assert answer.body["response_type"] == "ephemeral"
    else:
        # Only the share word and the sub-actions of /deadline leave the ack empty; the outcome
        # follows on the response URL.
        assert text.split()[-1].casefold() == "share" or waits(command, text)
        running.run(running.fake.wait_for(lambda: running.fake.responded(name)))
    assert_no_mentions(running.fake, answer.text)


@FUZZ
@given(command=st.sampled_from(sorted(slash_commands().values())), text=st.one_of(words, hostile))
def test_any_command_answered_at_once_over_http_is_acked_as_bolt_acks_it(
    running: Running, over_socket: Running, command: str, text: str
) -> None:
    # Over HTTP a ready answer leaves from the Request URL; over Socket Mode bolt's listener
    # gives every ack. Slack must not be able to tell the two apart.
    name = f"a{next(running.names)}"
    answer = running.run(running.fake.command(command, text, response=name))
    if not answer.body:
        return  # it needed work after the ack, which bolt did on both
    payload = over_socket.fake.command_payload(command, text, response=name)
    assert over_socket.run(over_socket.fake.push("slash_commands", payload)) == answer.body


@FUZZ
@given(
    action=st.sampled_from([actions.SHARE_ACTION, actions.PIN_ACTION]),
    value=st.one_of(
        words,
        st.builds(
            lambda c, a: json.dumps({"c": c, "a": a}),
            st.sampled_from(["optout", "deadline", "changes", "help", "x"]),
            st.one_of(words, hostile, st.sampled_from(["chatterbox", "oldsocial", ""])),
        ),
        st.builds(lambda ts: json.dumps({"ts": ts}), words),
    ),
    user=st.one_of(st.just("U0ALICE"), words),
)
def test_any_button_payload_gets_a_clear_private_outcome(
    running: Running, action: str, value: str, user: str
) -> None:
    name = f"b{next(running.names)}"
    click = running.run(running.fake.click(action, value, user=user, response=name))
    assert click.status == 200
    outcome = running.run(running.fake.wait_for(lambda: running.fake.responded(name)))[0]
    assert outcome["response_type"] == "ephemeral"
    assert outcome["blocks"][0]["text"]["text"]
    assert_no_mentions(running.fake, json.dumps(outcome, ensure_ascii=False))


ADMIN = "U0ADMIN"
SUBACTION_HEADS = [spec.name for spec in DEADLINE_SUBACTIONS] + ["SUBSCRIBE", "Unsubscribe"]


@FUZZ
@given(
    head=st.sampled_from(SUBACTION_HEADS),
    argument=st.one_of(words, hostile, st.sampled_from(["all", "chatterbox", "cbx", "ALL"])),
    user=st.one_of(st.just(ADMIN), st.just("U0ALICE"), words),
)
def test_any_reminder_subaction_gets_a_private_answer_and_stores_only_real_scopes(
    reminders: RunningWithReminders, head: str, argument: str, user: str
) -> None:
    name = f"s{next(reminders.names)}"
    fake = reminders.fake
    answer = reminders.run(
        fake.command("/deadline", f"{head} {argument}", user=user, response=name)
    )
    assert answer.status == 200
    [outcome] = reminders.run(fake.wait_for(lambda: fake.responded(name)))
    assert outcome["response_type"] == "ephemeral" and outcome["blocks"]
    assert_no_mentions(fake, json.dumps(outcome, ensure_ascii=False))
    channel = ChannelRef("slack", TEAM_ID, CHANNEL_ID)
    known = {service.id for service in fixture_knowledge().services} | {ALL_SERVICES}
    assert set(reminders.run(reminders.bench.subscriptions(channel))) <= known


def assert_no_mentions(fake: FakeSlack, *texts: str) -> None:
    posted = [json.dumps(params, ensure_ascii=False) for params in fake.called("chat.postMessage")]
    for text in (*texts, *posted):
        assert "<" not in ALLOWED_TOKEN.sub("", text.replace('\\"', '"'))
        assert not BROADCAST.search(text)


header_value = st.one_of(
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    st.sampled_from(["", "x", "v0=", "v0=" + "0" * 64, "١٧٠٠٠٠٠٠٠٠", "1e9", " 1", "-1"]),
)
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded; charset=latin-1",
    ]
)


@FUZZ
@given(
    stamp=st.one_of(header_value, st.integers(0, 2**40).map(str)),
    signature=header_value,
    content_type=content_types,
    body=st.one_of(st.binary(max_size=400), words.map(str.encode)),
    signed=st.booleans(),
)
def test_any_headers_and_body_are_refused_or_answered_never_a_server_error(
    running: Running, stamp: str, signature: str, content_type: str, body: bytes, signed: bool
) -> None:
    fake = running.fake
    if signed:
        stamp = str(int(time.time()))
        digest = hmac.new(fake.signing_secret.encode(), f"v0:{stamp}:".encode() + body, "sha256")
        signature = "v0=" + digest.hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }

    async def send() -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(fake.app_url, data=body, headers=headers) as reply,
        ):
            await reply.read()
            return reply.status

    responses_before = len(fake.responses)
    status = running.run(send())
    # Only a signed request may be answered; an unsigned one never reaches bolt or a URL it names.
    assert status in ((200, 400, 404) if signed else (400, 401)), status
    if not signed:
        assert len(fake.responses) == responses_before
