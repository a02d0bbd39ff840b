"""Sharing and pinning answers on Slack: the core's flow over Slack's Web API, told in Slack's
words.

``post_pages`` is the one place a public message is posted, by a person's request or by the
living-answers queues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.assistant import Assistant
from bot.core.living.sharing import Sharing, SharingOutcome, describe
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.reply import Reply
from bot.platforms.slack import actions
from bot.platforms.slack.errors import slack_call
from bot.platforms.slack.mrkdwn import DEFAULT_SLASHES, Slashes
from bot.platforms.slack.render import ENGLISH, Button, SlackMessage, render_notice, render_reply

PLATFORM = actions.PLATFORM
PLATFORM_NAME = actions.PLATFORM_NAME
ALREADY_PINNED = "already_pinned"


@dataclass(frozen=True, slots=True)
class Target:
    """Where one interaction happened, and the per-request tools bolt gave us to answer it."""

    client: AsyncWebClient
    respond: AsyncRespond
    channel: str | None
    user: str | None
    bot_user_id: str | None
    team: str | None = None

    def channel_ref(self) -> ChannelRef | None:
        """The channel as the core names it; None outside a channel."""
        return ChannelRef(PLATFORM, self.team or "", self.channel) if self.channel else None


async def post_pages(
    client: AsyncWebClient,
    channel: str,
    pages: Sequence[SlackMessage],
    first: dict[str, Any] | None = None,
) -> tuple[str, ...]:
    """Post an answer's messages in order; ``first`` adds arguments to the first one only.
    Returns their timestamps (Slack's message ids)."""
    stamps = []
    for index, page in enumerate(pages):
        extra = first if first and index == 0 else {}
        response = await slack_call(
            client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **page.payload(), **extra
            )
        )
        stamps.append(str(response["ts"]))
    return tuple(stamps)


class SlackSharingChannel:
    """The channel of one interaction, posted and pinned in with the client bolt gave it."""

    def __init__(
        self,
        target: Target,
        channel: ChannelRef,
        slashes: Slashes = DEFAULT_SLASHES,
        words: PlatformPhrases = ENGLISH,
    ) -> None:
        self._target = target
        self.channel = channel
        self._slashes = slashes
        self._words = words

    async def post(self, reply: Reply, pin: bool) -> MessageRef:
        """Post the answer, saying who shared it."""
        buttons = actions.card_buttons(reply)
        pages = render_reply(
            reply, buttons, shared_by=self._target.user, slashes=self._slashes, words=self._words
        )
        stamps = await post_pages(self._target.client, self.channel.channel, pages)
        return MessageRef(self.channel, stamps)

    async def pin(self, message: MessageRef) -> bool:
        """Pin the answer's first message; False when Slack says it is pinned already."""
        request = self._target.client.pins_add(
            channel=self.channel.channel, timestamp=message.first
        )
        try:
            await slack_call(request, keep={ALREADY_PINNED})
        except SlackApiError:
            return False
        return True


class SlackSharing:
    """Runs the core's sharing flow for a button or the share word, and tells the user privately."""

    def __init__(
        self, assistant: Assistant, sharing: Sharing, slashes: Slashes = DEFAULT_SLASHES
    ) -> None:
        self._assistant = assistant
        self._sharing = sharing
        self._slashes = slashes

    async def share(
        self,
        target: Target,
        request: actions.ButtonRequest | None,
        from_button: bool = False,
        pin: bool = False,
    ) -> None:
        """Post the requested answer in the channel (and pin it); ``from_button`` replaces the
        private answer the button was on with the outcome."""
        if request is None or not request.command:
            words = self._assistant.phrases().platform(PLATFORM)
            return await self.notify(target, words.button_unreadable)
        reply = self._assistant.run(request.command, request.argument)
        outcome = await self._sharing.share(self._channel(target), reply, pin)
        await self._tell(target, outcome, reply, from_button)

    async def pin(self, target: Target, message_ts: str) -> None:
        """Pin an answer already shared in the target's channel."""
        outcome = await self._sharing.pin(self._channel(target), message_ts)
        await self._tell(target, outcome, None, replace=True)

    async def notify(
        self, target: Target, text: str, replace: bool = False, buttons: Sequence[Button] = ()
    ) -> None:
        """Tell the user privately; ``replace`` swaps out the message their button was on."""
        notice = render_notice(text, target.bot_user_id, buttons).payload()
        await target.respond(response_type="ephemeral", replace_original=replace, **notice)

    async def respond_all(self, target: Target, messages: Sequence[SlackMessage]) -> None:
        """Messages of a private answer, in order."""
        for message in messages:
            await target.respond(response_type="ephemeral", **message.payload())

    async def _tell(
        self, target: Target, outcome: SharingOutcome, reply: Reply | None, replace: bool
    ) -> None:
        if outcome.kind == "not_shareable" and reply is not None:
            words = self._assistant.phrases().platform(PLATFORM)
            messages = render_reply(reply, slashes=self._slashes, words=words)
            return await self.respond_all(target, messages)
        if outcome.kind == "failed":
            return await self.notify(target, self._assistant.apology())
        phrases = self._assistant.phrases()
        words = phrases.platform(PLATFORM)
        needed = outcome.permissions
        scope = actions.permission_words(words, needed)
        text = describe(outcome, phrases.sharing, PLATFORM_NAME, scope)
        if outcome.kind == "no_permission":
            # How to grant a missing scope, after the core's sentence naming it.
            grant = words.permissions_how_to if len(needed) > 1 else words.permission_how_to
            text = f"{text} {grant}"
        if not outcome.succeeded:
            return await self.notify(target, text)
        buttons: tuple[Button, ...] = ()
        if outcome.kind == "shared" and outcome.message is not None:
            buttons = actions.pin_button(outcome.message.first, words)
        await self.notify(target, text, replace, buttons)

    def _channel(self, target: Target) -> SlackSharingChannel | None:
        channel = target.channel_ref()
        if channel is None:
            return None
        words = self._assistant.phrases().platform(PLATFORM)
        return SlackSharingChannel(target, channel, self._slashes, words)
