"""Sharing and pinning answers through Slack's Web API, and telling the user how it went.

``publish`` is the one place a public message is posted: whatever needs to know about public
answers (where they are, what they said) hooks in there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.assistant import Assistant
from bot.core.reply import Reply
from bot.platforms.slack import actions
from bot.platforms.slack.mrkdwn import DEFAULT_SLASHES, Slashes
from bot.platforms.slack.render import Button, SlackMessage, render_notice, render_reply

log = logging.getLogger(__name__)

# Errors where "Shared in this channel." would be untrue.
_NOTHING_POSTED = frozenset({"not_in_channel", "channel_not_found"})


@dataclass(frozen=True, slots=True)
class Target:
    """Where one interaction happened, and the per-request tools bolt gave us to answer it."""

    client: AsyncWebClient
    respond: AsyncRespond
    channel: str | None
    user: str | None
    bot_user_id: str | None
    team: str | None = None


# Told of every public answer: where (target, message timestamps, first first) and which reply.
Posted = Callable[[Target, Sequence[str], Reply], Awaitable[None]]


async def _ignore(target: Target, stamps: Sequence[str], reply: Reply) -> None:
    return None


class Sharing:
    """Posts answers publicly, pins them, and answers the user privately with the outcome."""

    def __init__(
        self,
        assistant: Assistant,
        apology: Callable[[], str],
        posted: Posted = _ignore,
        slashes: Slashes = DEFAULT_SLASHES,
    ) -> None:
        self._assistant = assistant
        self._apology = apology
        self._posted = posted
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
            return await self.notify(target, actions.UNREADABLE_BUTTON)
        channel = target.channel
        if channel is None:
            return await self.notify(target, actions.NO_CHANNEL)
        reply = self._assistant.run(request.command, request.argument)
        if not reply.shareable:
            return await self.notify(target, actions.NOT_SHAREABLE)
        messages = render_reply(reply, shared_by=target.user, slashes=self._slashes)
        try:
            stamps = await self.publish(target.client, channel, messages)
        except SlackApiError as error:
            return await self._explain(target, error)
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            # Never posted again: Slack may have posted it and only the answer was lost.
            log.warning("slack: chat.postMessage got no answer (%s)", type(error).__name__)
            return await self.notify(target, actions.SHARE_UNCONFIRMED)
        await self._posted(target, stamps, reply)
        message_ts = stamps[0]
        if pin:
            return await self.pin(target, message_ts, from_button)
        await self.notify(target, actions.SHARED, from_button, actions.pin_button(message_ts))

    async def publish(
        self, client: AsyncWebClient, channel: str, messages: Sequence[SlackMessage]
    ) -> list[str]:
        """Post an answer publicly; returns the timestamps (Slack's ids) of its messages."""
        stamps = []
        for message in messages:
            response = await client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **message.payload()
            )
            stamps.append(str(response["ts"]))
        return stamps

    async def pin(self, target: Target, message_ts: str, replace: bool = True) -> None:
        """Pin a message this bot posted in the target's channel."""
        if target.channel is None:
            return await self.notify(target, actions.NO_CHANNEL)
        try:
            await target.client.pins_add(channel=target.channel, timestamp=message_ts)
        except SlackApiError as error:
            return await self._explain(target, error, actions.SHARED + " ")
        except TimeoutError:
            log.warning("slack: pins.add got no answer in time")
            return await self.notify(target, actions.PIN_UNCONFIRMED)
        await self.notify(target, actions.PINNED, replace)

    async def notify(
        self, target: Target, text: str, replace: bool = False, buttons: Sequence[Button] = ()
    ) -> None:
        """Tell the user privately; ``replace`` swaps out the message their button was on."""
        notice = render_notice(text, target.bot_user_id, buttons).payload()
        await target.respond(response_type="ephemeral", replace_original=replace, **notice)

    async def respond_all(self, target: Target, messages: Sequence[SlackMessage]) -> None:
        """The rest of a private answer too long for one message, in order."""
        for message in messages:
            await target.respond(response_type="ephemeral", **message.payload())

    async def _explain(self, target: Target, error: SlackApiError, prefix: str = "") -> None:
        code = error.response.get("error")
        text = actions.explain(code, error.response.get("needed"))
        if text is None:
            log.error("slack: Web API call failed with %r", code)
            text = self._apology()
        elif code not in _NOTHING_POSTED:
            text = prefix + text
        await self.notify(target, text)
