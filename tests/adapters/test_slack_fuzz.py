"""Any command text or button payload gets an answer, and nothing sent back can mention anyone.

Hypothesis drives the real app over real sockets; the app and the fake Slack run once per test
on their own event loop so that each example costs one request, not a server start.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Coroutine, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters import slack_actions as actions
from bot.render.slack_manifest import slash_commands
from tests.adapters.fake_slack import FakeSlack, serve_slack
from tests.support import assistant_at

T = TypeVar("T")
ALLOWED_TOKEN = re.compile(
    r"<(?:https?://|mailto:)[^<>|\s]*(?:\|[^<>]*)?>"
    r"|<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|]*>"
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

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._served: AbstractAsyncContextManager[Any] = serve_slack(
            assistant_at("2025-09-20T12:00:00Z")
        )
        self.fake: FakeSlack = self.run(self._served.__aenter__())[0]
        self.names = itertools.count(1)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def close(self) -> None:
        self.run(self._served.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture
def running() -> Iterator[Running]:
    served = Running()
    try:
        yield served
    finally:
        served.close()


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
        # Only the share word leaves the ack empty; the outcome follows on the response URL.
        assert text.split()[-1].casefold() == "share"
        running.run(running.fake.wait_for(lambda: running.fake.responded(name)))
    assert_no_mentions(running.fake, answer.text)


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


def assert_no_mentions(fake: FakeSlack, *texts: str) -> None:
    posted = [json.dumps(params, ensure_ascii=False) for params in fake.called("chat.postMessage")]
    for text in (*texts, *posted):
        assert "<" not in ALLOWED_TOKEN.sub("", text.replace('\\"', '"'))
        assert not BROADCAST.search(text)
