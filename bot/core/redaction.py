"""One redaction for every text that may leave the process: check-config, logs and errors.

It hides the secrets the settings know (tokens, passwords) and, since a library may quote a URL
or a token the settings never saw, anything shaped like one: the password of ``user:pass@`` in
any URL, secret-named query parameters (``?password=…``, ``&token=…``), Slack and Discord tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
USER_ID = "[user id]"
HIDDEN_PART = "***"
# The shortest configured secret replaced wherever it appears: shorter values (a one-digit
# password) would blank out unrelated text.
MINIMUM_SECRET_LENGTH = 8

_URL_AUTHORITY = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<authority>[^\s/?#]*)")
_SECRET_PARAMETER = re.compile(
    r"(?P<name>(?:^|(?<=[?&;\s]))[\w.\-]*(?:pass|pwd|token|secret|key|auth|signature)[\w.\-]*=)"
    r"(?P<value>[^&#\s'\"]+)",
    re.IGNORECASE,
)
_TOKEN = re.compile(
    r"\bxox[a-z]-[A-Za-z0-9\-]+|\bxapp-[A-Za-z0-9\-]+"
    # Discord bot tokens: base64 user id, timestamp and HMAC, dot-separated.
    r"|\b[A-Za-z0-9_\-]{23,28}\.[A-Za-z0-9_\-]{6,7}\.[A-Za-z0-9_\-]{27,}"
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with known secrets, URL passwords, secret parameters and tokens hidden."""
    for secret in sorted({s for s in secrets if len(s) >= MINIMUM_SECRET_LENGTH}, key=len)[::-1]:
        text = text.replace(secret, REDACTED)
    text = _URL_AUTHORITY.sub(_without_password, text)
    text = _SECRET_PARAMETER.sub(lambda match: match["name"] + HIDDEN_PART, text)
    return _TOKEN.sub(REDACTED, text)


# A Discord snowflake (17 to 20 digits) where a user is meant: after "user", "member" or
# "author" (discord.py's "User: 123…", "user_id=123…", "'user': {'id': '123…'") or in a mention.
_DISCORD_USER_ID = re.compile(
    r"(?P<context>\b(?:user|member|author|invoker|owner)s?(?:[_ .]?ids?)?\b[\W_]{0,12}"
    r"(?:id\W{0,4})?)\d{17,20}\b"
    r"|(?P<mention><@!?)\d{17,20}>",
    re.IGNORECASE,
)
# A Slack user id: U or W, then capitals and digits (at least one digit, so words stay).
_SLACK_USER_ID = re.compile(r"\b[UW](?=[A-Z0-9]*\d)[A-Z0-9]{8,}\b")


def without_user_ids(text: str) -> str:
    """``text`` with Discord user ids (in a user context) and Slack user ids replaced."""
    text = _DISCORD_USER_ID.sub(_user_id_replacement, text)
    return _SLACK_USER_ID.sub(USER_ID, text)


def _user_id_replacement(match: re.Match[str]) -> str:
    if match["mention"]:
        return f"{match['mention']}{USER_ID}>"
    return f"{match['context']}{USER_ID}"


def _without_password(match: re.Match[str]) -> str:
    authority = match["authority"]
    if "@" not in authority:
        return match[0]
    userinfo, host = authority.rsplit("@", 1)
    if ":" not in userinfo:
        return match[0]
    user = userinfo.split(":", 1)[0]
    return f"{match['scheme']}{user}:{HIDDEN_PART}@{host}"
