"""The bolt app and how Slack and the bot reach each other: Web API client, HTTP or Socket Mode."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)

from bot.ops.listening import DEFAULT_LIMITS, HttpListener, ListenLimits
from bot.platforms.slack.request_url import EVENTS_PATH, ReadyAnswer, RequestUrl

log = logging.getLogger(__name__)
# bolt logs whole request bodies (user ids, command text) at INFO when a signature is wrong;
# its loggers copy this one's level.
BOLT_LOG = logging.getLogger(f"{__name__}.bolt")
BOLT_LOG.setLevel(logging.WARNING)

# Slack has no idempotency key for a post: sent again, it is posted again.
_POST_METHOD = "/chat.postMessage"


@dataclass(frozen=True, slots=True)
class SlackOptions:
    """How to reach Slack and how Slack reaches us (Socket Mode unless ``http``)."""

    bot_token: str
    commands: Mapping[str, str]
    signing_secret: str = ""
    app_token: str | None = None
    api_url: str | None = None
    # Seconds any Web API call may take. slack_sdk's own timeout is not applied to a session
    # passed in, so it is set on the session every client of this adapter shares.
    api_timeout: float = 30.0
    http: bool = False
    host: str = "0.0.0.0"
    port: int = 3000
    rate_limit_retries: int = 2
    # HTTP mode: how long a request may take to arrive, its size, how many connections.
    limits: ListenLimits = DEFAULT_LIMITS
    # Besides workspace admins and owners, who may change a channel's deadline reminders.
    subscription_managers: frozenset[str] = frozenset()


class RetryDroppedCallsExceptPosts(AsyncConnectionErrorRetryHandler):
    """Repeats a call whose connection failed, unless it was a post.

    A connection can drop after Slack has carried out the call; repeating an edit or a read is
    harmless, repeating a post duplicates it. A post that failed this way is left in doubt.
    """

    async def _can_retry_async(self, *, request: Any, **details: Any) -> bool:
        if str(request.url).endswith(_POST_METHOD):
            return False
        return await super()._can_retry_async(request=request, **details)


def open_session(options: SlackOptions) -> aiohttp.ClientSession:
    """The HTTP session every Web API client of the adapter shares, bounded by the timeout."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=options.api_timeout))


def build_app(options: SlackOptions, session: aiohttp.ClientSession) -> AsyncApp:
    """A bolt app with its Web API client configured; the caller adds the listeners."""
    app = AsyncApp(
        name="optout-bot",
        token=options.bot_token,
        signing_secret=options.signing_secret,
        process_before_response=True,
        # Over HTTP, RequestUrl has verified every request before bolt sees it (more strictly
        # than bolt would); over Socket Mode there is no signature to check.
        request_verification_enabled=False,
        logger=BOLT_LOG,
    )
    # Configured on bolt's own client (not a client passed in) so that bolt does not warn
    # about SLACK_BOT_TOKEN; every per-request client copies these settings.
    client = app.client
    client.session = session
    # slack_sdk types the timeout as whole seconds; aiohttp, which applies it, takes any.
    client.timeout = options.api_timeout  # type: ignore[assignment]
    if options.api_url:
        client.base_url = options.api_url.rstrip("/") + "/"
    client.retry_handlers = [
        RetryDroppedCallsExceptPosts(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=options.rate_limit_retries),
    ]
    return app


class Listener:
    """How Slack reaches the app: an HTTP server of our own, or a Socket Mode connection."""

    def __init__(
        self, app: AsyncApp, options: SlackOptions, ready_answer: ReadyAnswer | None = None
    ) -> None:
        self._app = app
        self._options = options
        self._ready_answer = ready_answer
        self._http: HttpListener | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.port: int | None = None

    async def start(self) -> None:
        """Listen over HTTP, or connect over Socket Mode."""
        options = self._options
        if options.http:
            # Nothing from a request reaches bolt before its signature is verified.
            request_url = RequestUrl(self._app, options.signing_secret, self._ready_answer)
            web_app = request_url.web_app()
            self._http = HttpListener(web_app, "slack", options.limits, handler_reads_body=True)
            await self._http.start(options.host, options.port)
            self.port = self._http.port
            log.info("slack: HTTP mode on port %s, path %s", self.port, EVENTS_PATH)
        else:
            self._socket = AsyncSocketModeHandler(self._app, options.app_token)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack: Socket Mode connected")

    async def connected(self) -> bool:
        """Whether Slack can reach the bot: the HTTP server listens, or the socket is open."""
        if self._socket is not None:
            return bool(await self._socket.client.is_connected())
        return self._http is not None and self._http.listening

    async def stop(self) -> None:
        """Stop taking requests."""
        if self._socket:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self._http:
            await self._http.stop()
