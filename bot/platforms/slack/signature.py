"""Slack's request signature and payload rules, checked before anything in a request is read.

bolt verifies signatures too, but only after decoding the body, and slack_sdk's ``int()`` of the
timestamp raises on a non-number, which hands the unverified body to the error handler (and its
``response_url`` to ``respond``). These checks are stricter, and cheap enough to refuse anyone at
once: headers first, then the HMAC, then whether bolt will be able to read what was signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote_to_bytes

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
# Slack's own rule: a request older (or newer) than five minutes may be a replay.
MAX_AGE_SECONDS = 300
# ASCII digits only: int() also accepts signs, spaces, underscores and other scripts' digits.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Slack sends slash commands and interactions as forms, Events API callbacks as JSON.
# An escape of a byte above 0x7F: only these can make a form's decoded bytes invalid UTF-8.
_NON_ASCII_ESCAPE = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")
FORM = "application/x-www-form-urlencoded"
CONTENT_TYPES = frozenset({FORM, "application/json"})


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


class UnreadableError(ValueError):
    """A signed body bolt could not read as a Slack payload; the message says why."""


def payload_text(body: bytes, content_type: str, charset: str | None) -> str:
    """The body as the text bolt parses, once it is sure bolt can (bolt's own parsing rules);
    raises :class:`UnreadableError` otherwise."""
    if charset and charset.lower().replace("-", "") != "utf8":
        raise UnreadableError("charset")
    try:
        text = body.decode("utf-8")
        if content_type == "application/json" or text.startswith("{"):
            parsed = json.loads(text)
        elif "payload" not in text:
            # bolt looks for JSON only when "payload" is in the raw form (an interaction), so a
            # slash command only has to decode. Its escapes decode as UTF-8 field by field
            # exactly when they do all at once: fields are cut at ASCII bytes, which never fall
            # inside a UTF-8 sequence. One pass instead of parse_qsl's per-field decoding:
            # 3 µs instead of 16 µs per command; none when every escape is of an ASCII byte
            # (then nothing but the text, already UTF-8, can be outside ASCII): 0.2 µs.
            if _NON_ASCII_ESCAPE.search(text):
                unquote_to_bytes(text).decode("utf-8")
            return text
        else:
            fields = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
            parsed = json.loads(fields["payload"]) if "payload" in fields else fields
    except UnicodeDecodeError:
        raise UnreadableError("not UTF-8") from None
    except ValueError:
        raise UnreadableError("not JSON or form data") from None
    if not isinstance(parsed, dict):
        raise UnreadableError("not an object")
    return text
