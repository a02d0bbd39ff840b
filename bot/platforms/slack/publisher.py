"""Living answers on Slack: the background ``Publisher``, and the requests that wait on the store.

Background calls use a client of their own without slack_sdk's rate-limit retries: a
``ratelimited`` answer goes back to the core's pacer as ``RateLimitedError``, so the queue waits
for Slack's Retry-After instead of holding a call open, and slows down.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.assistant import Assistant
from bot.core.living.pages import edit_in_place, grew_note
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.ports.channels import ChannelRef, MessageRef
from bot.core.ports.publishing import PermissionDeniedError
from bot.core.reply import Reply
from bot.core.request import Request
from bot.core.richtext import RichText
from bot.platforms.slack.actions import card_buttons, too_slow
from bot.platforms.slack.app import RetryDroppedCallsExceptPosts
from bot.platforms.slack.errors import slack_call
from bot.platforms.slack.mrkdwn import DEFAULT_SLASHES, Slashes
from bot.platforms.slack.render import (
    SlackMessage,
    note_blocks,
    render_notice,
    render_reply,
    with_blocks,
)
from bot.platforms.slack.sharing import PLATFORM, Target, post_pages

log = logging.getLogger(__name__)

# Message metadata that marks a background post with its idempotency key.
LIVING_EVENT = "optout_living_post"
# How far back a post left in doubt is looked for: it is at most minutes old.
HISTORY_LIMIT = 100


class SlackPublisher:
    """Posts reminders and edits shared answers with ``chat.postMessage`` and ``chat.update``."""

    platform = PLATFORM

    def __init__(
        self, client: AsyncWebClient, assistant: Assistant, slashes: Slashes = DEFAULT_SLASHES
    ) -> None:
        self.client = client
        self._assistant = assistant
        self._slashes = slashes
        self._warned_history = False

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        """Post ``reply``; its first message carries ``key`` in its metadata."""
        metadata = {"event_type": LIVING_EVENT, "event_payload": {"key": key}}
        pages = render_reply(reply, card_buttons(reply), slashes=self._slashes, words=self._words())
        stamps = await post_pages(self.client, channel.channel, pages, {"metadata": metadata})
        return MessageRef(channel, stamps)

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        """A post with ``key`` among the channel's latest messages (needs a history scope)."""
        try:
            response = await slack_call(
                self.client.conversations_history(
                    channel=channel.channel, limit=HISTORY_LIMIT, include_all_metadata=True
                )
            )
        except PermissionDeniedError:
            if not self._warned_history:
                log.warning(
                    "slack: no history scope, so a reminder left in doubt is posted again; "
                    "reinstall the app from its manifest to grant channels:history"
                )
                self._warned_history = True
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == LIVING_EVENT and payload.get("key") == key:
                return MessageRef(channel, (str(message.get("ts")),))
        return None

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Show ``reply`` in the messages of a shared answer, its buttons kept; parts it no
        longer needs go."""
        note = grew_note(self._assistant, reply)
        pages = render_reply(reply, card_buttons(reply), slashes=self._slashes, words=self._words())
        await edit_in_place(message, pages, self, note)

    def _words(self) -> PlatformPhrases:
        # Channel posts have no reader's language: the default one.
        return self._assistant.phrases().platform(PLATFORM)

    async def update(self, channel: ChannelRef, message_id: str, page: SlackMessage) -> None:
        """Show ``page`` in one message."""
        await slack_call(
            self.client.chat_update(channel=channel.channel, ts=message_id, **page.payload())
        )

    async def delete(self, channel: ChannelRef, message_id: str) -> None:
        """Delete one message."""
        await slack_call(self.client.chat_delete(channel=channel.channel, ts=message_id))

    def with_note(self, page: SlackMessage, note: RichText) -> SlackMessage:
        """The page with ``note`` as its last block (one block dropped if it was full)."""
        return with_blocks(page, note_blocks(note, self._slashes))


class SlackLiving:
    """The Slack side of living answers: answers the requests that wait on the store (saying
    who may manage a channel), and builds the background publisher."""

    def __init__(
        self, assistant: Assistant, managers: frozenset[str], slashes: Slashes = DEFAULT_SLASHES
    ) -> None:
        self._assistant = assistant
        self._managers = managers
        self._slashes = slashes

    def publisher(
        self,
        token: str,
        api_url: str | None,
        session: aiohttp.ClientSession,
        timeout: float = 30.0,
    ) -> SlackPublisher:
        """A publisher with a client of its own: no rate-limit retries, the pacer does that."""
        # slack_sdk types the timeout as whole seconds; aiohttp, which applies it, takes any.
        client = AsyncWebClient(token=token, session=session, timeout=timeout)  # type: ignore[arg-type]
        if api_url:
            client.base_url = api_url.rstrip("/") + "/"
        client.retry_handlers = [RetryDroppedCallsExceptPosts()]
        return SlackPublisher(client, self._assistant, self._slashes)

    async def answer(self, target: Target, request: Request) -> None:
        """Answer a request typed in ``target``'s channel through the front door, privately."""
        where = replace(
            request, channel=target.channel_ref(), may_manage=lambda: self.may_manage(target)
        )
        try:
            reply = await self._assistant.handle(where)
        except TimeoutError:
            log.warning("slack: users.info got no answer in time")
            messages = [render_notice(too_slow(self._assistant.phrases().platform(PLATFORM)))]
        else:
            messages = render_reply(reply, slashes=self._slashes)
        for message in messages:
            await target.respond(response_type="ephemeral", **message.payload())

    async def may_manage(self, target: Target) -> bool:
        """Workspace admins and owners, and the user ids in SLACK_SUBSCRIPTION_MANAGERS."""
        if target.user is None:
            return False
        if target.user in self._managers:
            return True
        try:
            response = await target.client.users_info(user=target.user)
        except SlackApiError as error:
            log.warning(
                "slack: users.info failed (%r); only SLACK_SUBSCRIPTION_MANAGERS may manage "
                "reminders until it works",
                error.response.get("error"),
            )
            return False
        user: dict[str, Any] = response.get("user") or {}
        return any(user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))
