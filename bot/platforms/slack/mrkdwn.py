"""Rich text as Slack ``mrkdwn``: escaped so that no text can become a mention, link or markup.

Slack reads ``&``, ``<`` and ``>`` as control characters and has no escape for its formatting
characters, so words meant literally get the three entities and lookalike characters for
``* _ ~ ``` (the substitution jsx-slack uses). The only raw ``<…>`` tokens in the output are the
links and dates this module builds itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from urllib.parse import urlsplit

from bot.core.richtext import Command, Label, Link, Person, RichText, Strong, Text, UserText, When
from bot.core.timing import describe_relative, format_day

# Formatting characters with no escape in mrkdwn, replaced by characters that look alike.
MARKUP_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
PLAIN_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a"})
# "@here" and friends notify a whole channel when a client parses them; a full-width at sign
# reads the same and never does.
BROADCAST = re.compile(r"@(?=(?:here|channel|everyone|group|all)\b)", re.IGNORECASE)
FULLWIDTH_AT = "\uff20"
# A line that starts with "&gt;" is a quote in Slack; a soft hyphen in front keeps it literal.
QUOTE_GUARD = "\u00ad"
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Shown in each reader's own time zone; the fallback is for clients that cannot.
DATE_FORMAT = "{date_short_pretty} {time}"
# A countdown Slack keeps current for every reader ("in 3 days", "2 months ago").
COUNTDOWN_FORMAT = "{ago}"
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")

# Catalogue command -> the slash command this workspace types (SLACK_COMMANDS may rename one);
# a command missing here keeps its catalogue name.
Slashes = Mapping[str, str]
DEFAULT_SLASHES: Slashes = MappingProxyType({})


def command_line(span: Command, slashes: Slashes) -> str:
    """A command reference as typed in this workspace."""
    return span.spelled(slashes.get(span.name) or f"/{span.name}")


def escape(text: str) -> str:
    """The three characters Slack parses, as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def literal(text: str) -> str:
    """Words shown exactly as written: no markup, mention, link or quote can come out of them."""
    return BROADCAST.sub(FULLWIDTH_AT, escape(text.translate(MARKUP_LOOKALIKES)))


def guard_line_start(line: str) -> str:
    """A line that would render as a quote, made literal."""
    return QUOTE_GUARD + line if line.startswith("&gt;") else line


def plain_text(text: str) -> str:
    """Text for a ``plain_text`` object, which Slack shows as sent (a raw ``&`` included).

    Angle brackets become lookalikes rather than entities, so nothing there can read as a token
    whether or not a client decodes entities in plain text.
    """
    return BROADCAST.sub(FULLWIDTH_AT, text.translate(PLAIN_LOOKALIKES))


def bold(text: str) -> str:
    """Stressed words; spaces stay outside the asterisks, where Slack needs them."""
    core = text.strip()
    if not core:
        return literal(text)
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :]
    return f"{literal(leading)}*{literal(core)}*{literal(trailing)}"


def link(url: str, text: str) -> str:
    """A link; anything that is not a web or mail address is shown as text, never linked."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in LINK_SCHEMES:
        return literal(text if text == url else f"{text} ({url})")
    target = (
        url.replace("&", "&amp;")
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace("|", "%7C")
        .replace(" ", "%20")
    )
    if text == url:
        return f"<{target}>"
    return f"<{target}|{literal(' '.join(text.split()))}>"


def user_mention(user_id: str | None) -> str | None:
    """A mention of one user, only for a well-formed Slack user id."""
    if user_id and _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return None


def date_fallback(when: When) -> str:
    """The date as plain words: a calendar date as is, an exact instant in UTC."""
    if when.precision == "day":
        return format_day(when.instant)
    if when.precision == "local-day":
        return format_day(when.instant.astimezone(UTC))
    instant = when.instant.astimezone(UTC)
    return f"{format_day(instant)} {instant:%H:%M} UTC"


def date(when: When, now: datetime | None) -> str:
    """A date; exact instants use Slack's date token so every reader sees their own zone."""
    if when.precision == "day":
        shown = escape(format_day(when.instant))
    elif when.precision == "local-day":
        stamp = int(when.instant.timestamp())
        shown = f"<!date^{stamp}^{{date_short_pretty}}|{escape(date_fallback(when))}>"
    else:
        stamp = int(when.instant.timestamp())
        shown = f"<!date^{stamp}^{DATE_FORMAT}|{escape(date_fallback(when))}>"
    if when.relative and now is not None:
        stamp = int(when.instant.timestamp())
        shown += f" (<!date^{stamp}^{COUNTDOWN_FORMAT}|{escape(countdown_fallback(when, now))}>)"
    return shown


def countdown_fallback(when: When, now: datetime) -> str:
    """A countdown that stays true after it was posted: 'in 12 days as of 7 Dec 2026'."""
    return f"{describe_relative(when, now)} as of {format_day(now)}"


def mrkdwn(text: RichText, now: datetime | None, slashes: Slashes = DEFAULT_SLASHES) -> str:
    """One run of rich text as mrkdwn."""
    parts: list[str] = []
    for span in text:
        if isinstance(span, Command):
            line = command_line(span, slashes)
            parts.append(bold(line) if span.strong else literal(line))
        elif isinstance(span, Label | Strong):
            parts.append(bold(span.text))
        elif isinstance(span, Link):
            parts.append(link(span.url, span.text))
        elif isinstance(span, When):
            parts.append(date(span, now))
        elif isinstance(span, UserText):
            parts.append(literal(" ".join(span.text.split())))
        elif isinstance(span, Person):
            parts.append(user_mention(span.user_id) or literal(span.text))
        elif isinstance(span, Text):
            parts.append(literal(span.text))
    # Spans are escaped one by one; "@" + "here" from two spans only meet here.
    return BROADCAST.sub(FULLWIDTH_AT, "".join(parts))


def fallback(text: RichText, now: datetime | None, slashes: Slashes = DEFAULT_SLASHES) -> str:
    """One run of rich text as plain words for notifications: no markup, links or tokens."""
    parts: list[str] = []
    for span in text:
        if isinstance(span, Command):
            parts.append(command_line(span, slashes))
        elif isinstance(span, When):
            shown = date_fallback(span)
            if span.relative and now is not None:
                shown += f" ({countdown_fallback(span, now)})"
            parts.append(shown)
        elif isinstance(span, UserText):
            parts.append(" ".join(span.text.split()))
        else:
            parts.append(span.text)
    return literal("".join(parts))
