"""Private answers rendered once per reply, so that an ack costs a lookup.

The core already answers the same question within a minute (and knowledge-base version) with
the same reply object; rendering is memoised on that object, so Slack needs no clock or version
of its own and a reload or a new minute is seen at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache, partial

from bot.core.phrases.platforms import PlatformPhrases
from bot.core.reply import Reply
from bot.platforms.slack.actions import answer_buttons
from bot.platforms.slack.mrkdwn import DEFAULT_SLASHES, Slashes
from bot.platforms.slack.render import SlackMessage, render_reply

ANSWER_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class PrivateAnswer:
    """A reply, its messages with Share and Pin buttons, and the first one as an ack body."""

    reply: Reply
    messages: tuple[SlackMessage, ...]
    ack_body: str


class AnswerCache:
    """Private answers rendered for Slack once per core reply, commands spelled as typed in
    this workspace."""

    def __init__(self, slashes: Slashes = DEFAULT_SLASHES, size: int = ANSWER_CACHE_SIZE) -> None:
        self._render = lru_cache(maxsize=size)(partial(_render, slashes=slashes))

    def answer(self, reply: Reply, words: PlatformPhrases) -> PrivateAnswer:
        """The private answer in Slack's ``words``; the core's reply cache decides when it is
        computed afresh."""
        return self._render(reply, words)


def _render(reply: Reply, words: PlatformPhrases, slashes: Slashes) -> PrivateAnswer:
    buttons = answer_buttons(reply, words)
    messages = tuple(render_reply(reply, buttons, slashes=slashes, words=words))
    body = json.dumps({"response_type": "ephemeral", **messages[0].payload()})
    return PrivateAnswer(reply, messages, body)
