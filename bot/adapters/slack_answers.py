"""Private answers rendered once per question and minute, so that an ack costs a lookup.

Slack acks must leave fast and a busy channel asks the same few questions; the key includes the
knowledge-base version (a reload is seen at once) and the minute (countdowns stay current).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.adapters.slack_actions import answer_buttons
from bot.core.assistant import MAX_INPUT_CHARS, Assistant
from bot.core.reply import Reply
from bot.render.slack import SlackMessage, render_reply

ANSWER_CACHE_SIZE = 512
CACHE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class PrivateAnswer:
    """A reply, its messages with Share and Pin buttons, and the first one as an ack body."""

    reply: Reply
    messages: tuple[SlackMessage, ...]
    ack_body: str


class AnswerCache:
    """Answers to ``(command, argument)``, rendered for Slack and kept for a minute."""

    def __init__(
        self,
        assistant: Assistant,
        size: int = ANSWER_CACHE_SIZE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._assistant = assistant
        self._clock = clock
        self._lookup = lru_cache(maxsize=size)(self._render)

    def answer(self, command: str, argument: str) -> PrivateAnswer:
        """The private answer, computed at most once per minute and knowledge-base version."""
        version = self._assistant.knowledge().version
        bucket = int(self._clock() // CACHE_SECONDS)
        return self._lookup(version, command, argument[:MAX_INPUT_CHARS], bucket)

    def _render(self, version: str, command: str, argument: str, bucket: int) -> PrivateAnswer:
        reply = self._assistant.run(command, argument)
        # Buttons name the service, not the words typed: a shared answer never repeats them.
        buttons = answer_buttons(command, reply.service_id or "") if reply.shareable else ()
        messages = tuple(render_reply(reply, buttons))
        body = json.dumps({"response_type": "ephemeral", **messages[0].payload()})
        return PrivateAnswer(reply, messages, body)
