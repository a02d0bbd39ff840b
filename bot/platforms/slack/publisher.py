"""Living answers on Slack: the background ``Publisher``, and the requests that wait on the store.

Background calls use a client of their own without slack_sdk's rate-limit retries: a
``ratelimited`` answer goes back to the core's pacer as ``RateLimitedError``, so the queue waits
for Slack's Retry-After instead of holding a call open, and slows down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.core.assistant import Assistant
from bot.core.living.access import LivingAccess, joined_parts, message_parts
from bot.core.ports import ChannelRef, MessageGoneError, MessageRef, PublishError, RateLimitedError
from bot.core.reply import Reply
from bot.core.request import Request
from bot.platforms.slack.actions import SLACK_TOO_SLOW
from bot.platforms.slack.app import RetryDroppedCallsExceptPosts
from bot.platforms.slack.render import (
    MAX_BLOCKS_PER_MESSAGE,
    SlackMessage,
    render_notice,
    render_reply,
)
from bot.platforms.slack.sharing import Target

log = logging.getLogger(__name__)

PLATFORM = "slack"
# Message metadata that marks a background post with its idempotency key.
LIVING_EVENT = "optout_living_post"
# How far back a post left in doubt is looked for: it is at most minutes old.
HISTORY_LIMIT = 100
# Slack's answers meaning the message, or the bot's access to its channel, is gone for good.
GONE = frozenset(
    {
        "message_not_found",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "cant_update_message",
        "cant_delete_message",
    }
)
# Waited when a 429 comes without a Retry-After (Slack always sends one; a proxy may not).
DEFAULT_RETRY_AFTER = 30.0
SLACK_LIMITED = "ratelimited"
GREW = "This updated answer no longer fits here; {command} shows all of it."


class SlackPublisher:
    """Posts reminders and edits shared answers with ``chat.postMessage`` and ``chat.update``."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient, commands: Mapping[str, str]) -> None:
        self.client = client
        self._commands = commands
        self._warned_history = False

    async def post(self, channel: ChannelRef, reply: Reply, key: str) -> MessageRef:
        """Post ``reply``; its first message carries ``key`` in its metadata."""
        metadata = {"event_type": LIVING_EVENT, "event_payload": {"key": key}}
        stamps = []
        for index, message in enumerate(render_reply(reply, slashes=self._commands)):
            extra: dict[str, Any] = {"metadata": metadata} if index == 0 else {}
            response = await _call(
                self.client.chat_postMessage(
                    channel=channel.channel,
                    unfurl_links=False,
                    unfurl_media=False,
                    **message.payload(),
                    **extra,
                )
            )
            stamps.append(str(response["ts"]))
        return MessageRef(channel, joined_parts(stamps))

    async def find(self, channel: ChannelRef, key: str) -> MessageRef | None:
        """A post with ``key`` among the channel's latest messages (needs a history scope)."""
        try:
            response = await _call(
                self.client.conversations_history(
                    channel=channel.channel, limit=HISTORY_LIMIT, include_all_metadata=True
                ),
                keep={"missing_scope"},
            )
        except SlackApiError:
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
                return MessageRef(channel, str(message.get("ts")))
        return None

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Show ``reply`` in the messages of a shared answer; parts it no longer needs go."""
        stamps = message_parts(message)
        pages = fit(render_reply(reply, slashes=self._commands), len(stamps), self._grew(reply))
        channel = message.channel.channel
        for index, stamp in enumerate(stamps):
            try:
                if index < len(pages):
                    await _call(
                        self.client.chat_update(channel=channel, ts=stamp, **pages[index].payload())
                    )
                else:
                    await _call(self.client.chat_delete(channel=channel, ts=stamp))
            except MessageGoneError:
                # Only the first message stands for the answer; a later part may be gone.
                if index == 0:
                    raise

    def _grew(self, reply: Reply) -> str:
        slash = self._commands.get(reply.command, f"/{reply.command}")
        return GREW.format(command=f"{slash} {reply.service_id or ''}".strip())


def fit(pages: Sequence[SlackMessage], count: int, note: str) -> list[SlackMessage]:
    """At most ``count`` pages; when some had to go, the last one kept says so."""
    if len(pages) <= count:
        return list(pages)
    kept = list(pages[:count])
    last = kept[-1]
    blocks = list(last.blocks[: MAX_BLOCKS_PER_MESSAGE - 1])
    blocks += render_notice(note).blocks
    kept[-1] = SlackMessage(last.text, tuple(blocks))
    return kept


async def _call(
    request: Awaitable[AsyncSlackResponse], keep: Collection[str] = ()
) -> AsyncSlackResponse:
    """The response; Slack errors meaning "gone" or "slow down" become the core's errors."""
    try:
        return await request
    except TimeoutError:
        # The call may still have been carried out: the core treats the post as in doubt.
        raise PublishError("slack did not answer within SLACK_API_TIMEOUT") from None
    except aiohttp.ClientConnectionError as error:
        # Retried at once unless it was a post, which may have been carried out: in doubt.
        raise PublishError(f"slack connection failed: {type(error).__name__}") from None
    except SlackApiError as error:
        code = error.response.get("error")
        if code in keep:
            raise
        if error.response.status_code == 429 or code == SLACK_LIMITED:
            raise RateLimitedError(_retry_after(error.response)) from None
        if code in GONE:
            raise MessageGoneError(str(code)) from None
        raise PublishError(f"slack refused the call: {code}") from None


def _retry_after(response: AsyncSlackResponse) -> float:
    headers = {str(name).lower(): value for name, value in (response.headers or {}).items()}
    raw = headers.get("retry-after")
    value = raw[0] if isinstance(raw, list) and raw else raw
    try:
        return max(float(str(value)), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


class SlackLiving:
    """The Slack side of living answers: records shared answers, answers the requests that
    wait on the store (saying who may manage a channel), and builds the background publisher."""

    def __init__(
        self,
        living: LivingAccess,
        assistant: Assistant,
        commands: Mapping[str, str],
        managers: frozenset[str],
    ) -> None:
        self._living = living
        self._assistant = assistant
        self._commands = commands
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
        return SlackPublisher(client, self._commands)

    async def record(self, target: Target, stamps: Sequence[str], reply: Reply) -> None:
        """Living answers keep every public answer current."""
        if target.channel:
            channel = ChannelRef(PLATFORM, target.team or "", target.channel)
            await self._living.record(channel, stamps, reply)

    async def answer(self, target: Target, request: Request) -> None:
        """Answer a request typed in ``target``'s channel through the front door, privately."""
        channel = None
        if target.channel:
            channel = ChannelRef(PLATFORM, target.team or "", target.channel)
        where = replace(request, channel=channel, may_manage=lambda: self._may_manage(target))
        try:
            reply = await self._assistant.handle(where)
        except TimeoutError:
            log.warning("slack: users.info got no answer in time")
            messages = [render_notice(SLACK_TOO_SLOW)]
        else:
            messages = render_reply(reply, slashes=self._commands)
        for message in messages:
            await target.respond(response_type="ephemeral", **message.payload())

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
