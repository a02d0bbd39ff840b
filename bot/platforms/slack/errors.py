"""Slack's Web API errors as the core's: the one map both buttons and background work use."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Collection

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.core.ports.publishing import (
    ChannelUnreachableError,
    MessageGoneError,
    PermissionDeniedError,
    PublishError,
    RateLimitedError,
    UnconfirmedError,
)

# Waited when a 429 comes without a Retry-After (Slack always sends one; a proxy may not).
DEFAULT_RETRY_AFTER = 30.0
SLACK_LIMITED = "ratelimited"
# Slack's answers meaning the bot cannot post in the channel, by the reason a person can act on.
# channel_not_found is also what a private channel the bot was never invited to looks like.
UNREACHABLE = {
    "not_in_channel": "not_member",
    "channel_not_found": "not_member",
    "is_archived": "archived",
}
# Slack's answers meaning the message is gone, or can no longer be changed or pinned.
GONE = frozenset(
    {
        "message_not_found",
        "cant_update_message",
        "cant_delete_message",
        "not_pinnable",
        "no_item_specified",
    }
)
# A scope as Slack names it in ``needed``; anything else is not repeated to the user.
_SCOPE = re.compile(r"[a-z][a-z.:_,-]{0,80}")


async def slack_call(
    request: Awaitable[AsyncSlackResponse], keep: Collection[str] = ()
) -> AsyncSlackResponse:
    """The response; any failure becomes the core's ``PublishError`` family, except the
    Slack error codes in ``keep``, which the caller handles as Slack's own."""
    try:
        return await request
    except TimeoutError:
        # The call may still have been carried out: a post is left in doubt.
        raise UnconfirmedError("slack did not answer within SLACK_API_TIMEOUT") from None
    except aiohttp.ClientConnectionError as error:
        # Calls other than posts were already retried by the client (RetryDroppedCallsExceptPosts).
        raise UnconfirmedError(f"slack connection failed: {type(error).__name__}") from None
    except SlackApiError as error:
        if error.response.get("error") in keep:
            raise
        raise translated(error) from None


def translated(error: SlackApiError) -> PublishError:
    """What a Slack Web API error means to the core."""
    code = error.response.get("error")
    if error.response.status_code == 429 or code == SLACK_LIMITED:
        return RateLimitedError(_retry_after(error.response))
    if code in UNREACHABLE:
        return ChannelUnreachableError(UNREACHABLE[code])
    if isinstance(code, str) and code.startswith("restricted_action"):
        return ChannelUnreachableError("restricted")
    if code == "missing_scope":
        needed = error.response.get("needed")
        return PermissionDeniedError(
            (needed,) if isinstance(needed, str) and _SCOPE.fullmatch(needed) else ()
        )
    if code in GONE:
        return MessageGoneError(str(code))
    return PublishError(f"slack refused the call: {code}")


def _retry_after(response: AsyncSlackResponse) -> float:
    headers = {str(name).lower(): value for name, value in (response.headers or {}).items()}
    raw = headers.get("retry-after")
    value = raw[0] if isinstance(raw, list) and raw else raw
    try:
        return max(float(str(value)), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER
