"""Slash commands read once, and private answers rendered once per reply, so an ack costs a lookup.

The core already answers the same question within a minute (and knowledge-base version) with
the same reply object; rendering is memoised on that object, so Slack needs no clock or version
of its own and a reload or a new minute is seen at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache, partial

from bot.core.assistant import Assistant
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.reply import Reply
from bot.core.request import MAX_INPUT_CHARS, Request
from bot.platforms.slack import actions
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
    buttons = actions.answer_buttons(reply, words)
    messages = tuple(render_reply(reply, buttons, slashes=slashes, words=words))
    body = json.dumps({"response_type": "ephemeral", **messages[0].payload()})
    return PrivateAnswer(reply, messages, body)


@dataclass(frozen=True, slots=True)
class PreparedCommand:
    """A slash command read once, for the Request URL and bolt's listener alike."""

    request: Request
    # The reply now; None when it waits on the store (a sub-action).
    reply: Reply | None
    # The private answer, unless the command shares the reply in the channel instead.
    private: PrivateAnswer | None
    # That answer when it is the whole acknowledgement (one message).
    ack: PrivateAnswer | None


class SlashCommands:
    """Reads a slash command's words into a request, its reply and the private answer."""

    def __init__(self, assistant: Assistant, slashes: Slashes = DEFAULT_SLASHES) -> None:
        self._assistant = assistant
        self._answers = AnswerCache(slashes)

    def prepare(self, name: str, text: str) -> PreparedCommand:
        """The command ``name`` with the words typed after it."""
        argument, share = actions.split_share(text)
        request = Request(name, argument[:MAX_INPUT_CHARS])
        reply = self._assistant.answer_now(request)
        # "share" on an answer that cannot be shared (an error, say) leaves it private.
        if reply is None or reply.checklist or (share and reply.shareable):
            return PreparedCommand(request, reply, None, None)
        words = self._assistant.phrases().platform(actions.PLATFORM)
        answer = self._answers.answer(reply, words)
        ack = answer if len(answer.messages) == 1 else None
        return PreparedCommand(request, reply, answer, ack)
