"""Where the bot may post a reply given as a ``response_url``: Slack's hosts, nowhere else.

A ``response_url`` arrives inside the request. Even signed, the bot only ever posts to
hooks.slack.com over HTTPS, or to the host of the configured Web API URL (a local Slack in tests),
so that no request can turn the bot into a client of an arbitrary server.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.webhook import WebhookResponse

from bot.ops.throttle import ThrottledWarning

log = logging.getLogger(__name__)

SLACK_HOOKS_URL = "https://hooks.slack.com/"

Origin = tuple[str, str, int | None]


class ResponseUrls:
    """Decides which ``response_url`` values the bot may post to."""

    def __init__(self, api_url: str | None = None) -> None:
        self._allowed = {_origin(SLACK_HOOKS_URL)}
        if api_url:
            self._allowed.add(_origin(api_url))
        self._refused = ThrottledWarning(log, "slack: refused to post to a response_url on %s")

    def allows(self, url: str | None) -> bool:
        """Whether ``url`` is on one of Slack's hosts."""
        return bool(url) and _origin(url or "") in self._allowed

    def guard(self, respond: AsyncRespond | None) -> AsyncRespond | None:
        """``respond`` if its URL is Slack's; otherwise a respond that posts nothing."""
        if respond is None or respond.response_url is None or self.allows(respond.response_url):
            return respond
        return _Refused(respond.response_url, self._refused)


class _Refused(AsyncRespond):
    """Posts nothing: the reply is dropped with a warning, the work that made it goes on."""

    def __init__(self, url: str, warning: ThrottledWarning) -> None:
        super().__init__(response_url=None)
        self._host = urlsplit(url).hostname or "an unreadable URL"
        self._warning = warning

    async def __call__(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        self._warning.warn(self._host)
        return WebhookResponse(url="", status_code=403, body="", headers={})


def _origin(url: str) -> Origin:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ("", "", None)
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return (parts.scheme.lower(), (parts.hostname or "").lower(), default if port is None else port)
