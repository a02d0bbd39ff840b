"""Slack's Request URL: every request is verified here before bolt is handed anything.

One aiohttp handler stands where bolt's own web app and its request-verification middleware
would: it reads the headers, then the body (within the listener's deadline and size limit),
checks the signature and that bolt can read the payload, and only then builds bolt's request
from the text it already decoded. Refusals are answered at once, close the connection, and are
logged as one warning a minute at most: anyone can send them.

bolt's own signature check is switched off (see :func:`~bot.platforms.slack.app.build_app`): it
would repeat the HMAC this handler computed, with laxer rules.

A slash command whose whole answer is ready (the usual private answer, from the reply cache) is
answered here, from the two form fields it needs, without building bolt's request, context and
per-request Web API client: everything else (buttons, sub-actions, sharing, a command that
fails) goes through bolt. Measured with bench/slack_http.py, bolt's dispatch was most of the
bot's CPU per command, and the bot used 1.3x to 1.4x the CPU of a bare bolt app acking a fixed
text, 0.72x to 0.82x its throughput; answering here brings it to the figures in docs/slack.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.ops.listening import read_body
from bot.ops.observe import received_now, reset_received
from bot.ops.throttle import ThrottledWarning
from bot.platforms.slack.forms import form_fields
from bot.platforms.slack.signature import (
    CONTENT_TYPES,
    FORM,
    UnreadableError,
    header_problem,
    payload_text,
    signature_matches,
)

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# What a slash command's answer depends on (the form's other fields serve follow-up work).
COMMAND_FIELDS = frozenset({"command", "text"})
INTERACTION_FIELD = "payload"
READ_FIELDS = COMMAND_FIELDS | {INTERACTION_FIELD}

# The acknowledgement body of a command answered at once, or None to hand it to bolt.
ReadyAnswer = Callable[[Mapping[str, str]], str | None]


class RequestUrl:
    """The one route Slack posts commands, clicks and events to."""

    def __init__(
        self,
        app: AsyncApp,
        signing_secret: str,
        ready_answer: ReadyAnswer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._app = app
        self._key = signing_secret.encode()
        self._ready_answer = ready_answer
        self._clock = clock
        self._unverified = ThrottledWarning(log, "slack: refused an unverified request (%s)")
        self._unreadable = ThrottledWarning(
            log, "slack: refused a signed request bolt cannot read (%s)"
        )

    def web_app(self) -> web.Application:
        """An aiohttp application serving the route at :data:`EVENTS_PATH`."""
        application = web.Application()
        application.router.add_post(EVENTS_PATH, self.handle)
        return application

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request from Slack, or refuse it without bolt seeing any of it."""
        # A command's clock starts on arrival, before the checks and parsing below.
        arrival = received_now()
        try:
            text = await self._verified_text(request)
            if isinstance(text, web.StreamResponse):
                return text
            if self._ready_answer and request.content_type == FORM:
                fields = form_fields(text, READ_FIELDS)
                # An interaction's form holds one field, its JSON payload: bolt reads those.
                answer = None if INTERACTION_FIELD in fields else self._ready_answer(fields)
                if answer is not None:
                    return web.Response(text=answer, content_type="application/json")
            verified = AsyncBoltRequest(
                body=text,
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]  # bolt reads it as a mapping
            )
            return await to_aiohttp_response(await self._app.async_dispatch(verified))
        finally:
            reset_received(arrival)

    async def _verified_text(self, request: web.Request) -> str | web.StreamResponse:
        """The payload's text once the request is Slack's own, or the refusal to answer."""
        problem = header_problem(request.headers, self._clock())
        if problem:
            self._unverified.warn(problem)
            return _refusal(401)
        if request.content_type not in CONTENT_TYPES:
            self._unverified.warn("content type")
            return _refusal(400)
        body = await read_body(request)
        if not signature_matches(self._key, request.headers, body):
            self._unverified.warn("signature does not match")
            return _refusal(401)
        try:
            return payload_text(body, request.content_type, request.charset)
        except UnreadableError as unreadable:
            self._unreadable.warn(unreadable)
            return _refusal(400)


def _refusal(status: int) -> web.Response:
    refusal = web.Response(status=status)
    # The client is not Slack, or not speaking as Slack does: no keep-alive for it.
    refusal.force_close()
    return refusal
