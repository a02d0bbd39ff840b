"""Living answers on Slack: the background ``Publisher``, and the reminder sub-actions of /deadline.

Background calls use a client of their own without slack_sdk's rate-limit retries: a
``ratelimited`` answer goes back to the core's pacer as ``RateLimitedError``, so the queue waits
for Slack's Retry-After instead of holding a call open, and slows down.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess
from bot.core.living.pages import edit_in_place, grew_note
from bot.core.living.subscriptions import needs_permission
from bot.core.ports import ChannelRef, MessageRef, PermissionDeniedError
from bot.core.reply import Reply
from bot.platforms.slack.actions import SLACK_TOO_SLOW
from bot.platforms.slack.app import RetryDroppedCallsExceptPosts
from bot.platforms.slack.errors import slack_call
from bot.platforms.slack.render import (
    MAX_BLOCKS_PER_MESSAGE,
    SlackMessage,
    render_notice,
    render_reply,
)
from bot.platforms.slack.sharing import PLATFORM, Target, post_pages

log = logging.getLogger(__name__)

# Message metadata that marks a background post with its idempotency key.
LIVING_EVENT = "optout_living_post"
# How far back a post left in doubt is looked for: it is at most minutes old.
HISTORY_LIMIT = 100
NO_CHANNEL = "Reminders are set per channel: run this in the channel that should get them."


class SlackPublisher:
    """Posts reminders and edits shared answers with ``chat.postMessage`` and ``chat.update``."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, assistant: Assistant) -> None:
        self.client = client
        self._assistant = assistant
        self._warned_history = False

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        """Post ``reply``; its first message carries ``key`` in its metadata."""
        metadata = {"event_type": LIVING_EVENT, "event_payload": {"key": key}}
        pages = render_reply(reply)
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
        """Show ``reply`` in the messages of a shared answer; parts it no longer needs go."""
        note = grew_note(self._assistant, reply)
        await edit_in_place(message, render_reply(reply), self, note)

    async def update(self, channel: ChannelRef, message_id: str, page: SlackMessage) -> None:
        """Show ``page`` in one message."""
        await slack_call(
            self.client.chat_update(channel=channel.channel, ts=message_id, **page.payload())
        )

    async def delete(self, channel: ChannelRef, message_id: str) -> None:
        """Delete one message."""
        await slack_call(self.client.chat_delete(channel=channel.channel, ts=message_id))

    def with_note(self, page: SlackMessage, note: str) -> SlackMessage:
        """The page with ``note`` as its last block (one block dropped if it was full)."""
        blocks = [*page.blocks[: MAX_BLOCKS_PER_MESSAGE - 1], *render_notice(note).blocks]
        return SlackMessage(page.text, tuple(blocks))


class SlackLiving:
    """The Slack side of living answers: answers the reminder sub-actions (deciding who may
    change them), and builds the background publisher."""

    def __init__(
        self,
        living: LivingAccess,
        assistant: Assistant,
        managers: frozenset[str],
    ) -> None:
        self._living = living
        self._assistant = assistant
        self._managers = managers

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
        return SlackPublisher(client, self._assistant)

    async def answer(self, target: Target, action: str, argument: str) -> None:
        """Answer one sub-action typed in ``target``'s channel, privately."""
        for message in await self._messages(target, action, argument):
            await target.respond(response_type="ephemeral", **message.payload())

    async def _messages(self, target: Target, action: str, argument: str) -> list[SlackMessage]:
        channel = target.channel_ref()
        if channel is None:
            return [render_notice(NO_CHANNEL)]
        may_manage = False
        if needs_permission(action) and self._living.available:
            try:
                may_manage = await self._may_manage(target)
            except TimeoutError:
                log.warning("slack: users.info got no answer in time")
                return [render_notice(SLACK_TOO_SLOW)]
        reply = await self._living.subscriptions(
            self._assistant, channel, action, argument, may_manage
        )
        return render_reply(reply)

    async def _may_manage(self, target: Target) -> bool:
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
