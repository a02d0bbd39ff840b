"""Slack's request signature, checked in front of bolt, before anything in a request is read.

bolt verifies signatures too, but only after decoding the body, and slack_sdk's ``int()`` of the
timestamp raises on a non-number, which hands the unverified body to the error handler (and its
``response_url`` to ``respond``). Here a request reaches bolt only once its headers are well
formed, its timestamp fresh, its body within the size limit and its HMAC correct; a signed body
must also decode as bolt will decode it. Refusals are cheap, answered at once, and logged as one
warning a minute at most: anyone can send them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, unquote_to_bytes

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.ops.listening import Handler, read_body
from bot.ops.throttle import ThrottledWarning

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
# Slack's own rule: a request older (or newer) than five minutes may be a replay.
MAX_AGE_SECONDS = 300
# ASCII digits only: int() also accepts signs, spaces, underscores and other scripts' digits.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Slack sends slash commands and interactions as forms, Events API callbacks as JSON.
CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "application/json"})


def verified_requests(signing_secret: str, clock: Callable[[], float] = time.time) -> Middleware:
    """aiohttp middleware passing on only requests Slack signed, in a form bolt can read."""
    key = signing_secret.encode()
    unverified = ThrottledWarning(log, "slack: refused an unverified request (%s)")
    unreadable = ThrottledWarning(log, "slack: refused a signed request bolt cannot read (%s)")

    @web.middleware
    async def verify(request: web.Request, handler: Handler) -> web.StreamResponse:
        problem = header_problem(request.headers, clock())
        if problem:
            unverified.warn(problem)
            return _refusal(401)
        if request.content_type not in CONTENT_TYPES:
            unverified.warn("content type")
            return _refusal(400)
        body = await read_body(request)
        if not signature_matches(key, request.headers, body):
            unverified.warn("signature does not match")
            return _refusal(401)
        problem = body_problem(body, request.content_type, request.charset)
        if problem:
            unreadable.warn(problem)
            return _refusal(400)
        return await handler(request)

    return verify


def header_problem(headers: Mapping[str, str], now: float) -> str | None:
    """What makes the signature headers unacceptable before the body is read, or None."""
    stamp = headers.get(TIMESTAMP_HEADER) or ""
    if not _TIMESTAMP.fullmatch(stamp):
        return "timestamp missing or not a number"
    if abs(now - int(stamp)) > MAX_AGE_SECONDS:
        return "timestamp too old or in the future"
    if not _SIGNATURE.fullmatch(headers.get(SIGNATURE_HEADER) or ""):
        return "signature missing or malformed"
    return None


def signature_matches(key: bytes, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether the signature header is Slack's HMAC-SHA256 of ``v0:{timestamp}:{body}``.

    Call only once :func:`header_problem` found none: both headers are then plain ASCII.
    """
    stamp = headers.get(TIMESTAMP_HEADER) or ""
    signed = b"v0:" + stamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(key, signed, hashlib.sha256).hexdigest()
    given = (headers.get(SIGNATURE_HEADER) or "").encode("ascii")
    return hmac.compare_digest(expected.encode("ascii"), given)


def body_problem(body: bytes, content_type: str, charset: str | None) -> str | None:
    """Why bolt could not read this body as a Slack payload, or None (bolt's own parsing rules)."""
    if charset and charset.lower().replace("-", "") != "utf8":
        return "charset"
    try:
        text = body.decode("utf-8")
        if content_type == "application/json" or text.startswith("{"):
            parsed = json.loads(text)
        elif "payload" not in text:
            # bolt looks for JSON only when "payload" is in the raw form (an interaction), so a
            # slash command only has to decode. Its escapes decode as UTF-8 field by field
            # exactly when they do all at once: fields are cut at ASCII bytes, which never fall
            # inside a UTF-8 sequence. One pass instead of parse_qsl's per-field decoding:
            # 3 µs instead of 16 µs per command, which bolt then parses anyway.
            unquote_to_bytes(text).decode("utf-8")
            return None
        else:
            fields = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
            parsed = json.loads(fields["payload"]) if "payload" in fields else fields
    except UnicodeDecodeError:
        return "not UTF-8"
    except ValueError:
        return "not JSON or form data"
    return None if isinstance(parsed, dict) else "not an object"


def _refusal(status: int) -> web.Response:
    refusal = web.Response(status=status)
    # The client is not Slack, or not speaking as Slack does: no keep-alive for it.
    refusal.force_close()
    return refusal
