"""What the Slack adapter decides without Slack: buttons, their values, and what errors mean."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.core.catalogue import COMMANDS
from bot.platforms.slack.manifest import SHARE_WORD
from bot.platforms.slack.render import MAX_BUTTON_VALUE_CHARS, Button

SHARE_ACTION = "optout_share"
PIN_ACTION = "optout_pin"
# A button value only has to name the answer again; anything longer cannot be a service.
MAX_ARGUMENT_CHARS = 200
_MESSAGE_TS = re.compile(r"\d{1,12}\.\d{1,9}")
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,20}")
_SCOPE = re.compile(r"[a-z][a-z.:_,-]{0,80}")

SHARED = "Shared in this channel."
PINNED = "Shared and pinned in this channel."
ALREADY_PINNED = "That answer is already pinned in this channel."
NOT_SHAREABLE = "Only answers about services can be shared; this one stays with you."
UNREADABLE_BUTTON = (
    "I could not read that button; it may come from an older version of me. Run the command again."
)
NO_CHANNEL = "Sharing works in channels: run the command in the channel you want to share to."
NOT_IN_CHANNEL = (
    "I can't post in this channel because I'm not a member of it. Invite me by typing "
    "/invite {bot} here, then try again."
)
MISSING_PIN_SCOPE = (
    "I can't pin messages: this app was installed without the pins:write permission. "
    "A workspace admin can add it (it is in the app manifest) and reinstall the app."
)
MISSING_SCOPE = (
    "I'm missing a Slack permission ({scope}) for that. A workspace admin can reinstall "
    "the app from its manifest to grant it."
)
ARCHIVED = "This channel is archived, so I can't post or pin here."
RATE_LIMITED = "Slack is limiting how fast I can post right now. Please try again in a minute."
NOT_PINNABLE = (
    "That message can no longer be pinned; it may have been deleted. "
    "Share the answer again to pin a fresh copy."
)
RESTRICTED = "This workspace's settings don't let me post in this channel."
# A call Slack did not answer within SLACK_API_TIMEOUT may still have been carried out.
SHARE_UNCONFIRMED = (
    "Slack did not confirm the post in time, so it may or may not be in this channel. "
    "Look there before sharing again."
)
PIN_UNCONFIRMED = (
    "Slack did not confirm the pin in time; it may have worked. "
    "Look at this channel's pinned messages before trying again."
)
SLACK_TOO_SLOW = "Slack did not answer in time. Please try again in a moment."


@dataclass(frozen=True, slots=True)
class ButtonRequest:
    """What a Share or Pin button asks for: an answer to post, or a posted message to pin."""

    command: str = ""
    argument: str = ""
    message_ts: str | None = None


def split_share(text: str) -> tuple[str, bool]:
    """The command's argument, and whether it ended with the word that posts it publicly."""
    words = text.split()
    if words and words[-1].casefold() == SHARE_WORD:
        return " ".join(words[:-1]), True
    return text, False


def answer_buttons(command: str, argument: str) -> tuple[Button, ...]:
    """Share and Pin buttons for an ephemeral answer."""
    value = _encode({"c": command, "a": argument[:MAX_ARGUMENT_CHARS]})
    return (
        Button(SHARE_ACTION, "Share in channel", value, primary=True),
        Button(PIN_ACTION, "Pin", value),
    )


def pin_button(message_ts: str) -> tuple[Button, ...]:
    """A Pin button for an answer already shared."""
    return (Button(PIN_ACTION, "Pin", _encode({"ts": message_ts})),)


def read_button(value: object) -> ButtonRequest | None:
    """The request a button value carries; None for anything this bot did not write."""
    if not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE_CHARS:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    message_ts = data.get("ts")
    if isinstance(message_ts, str) and _MESSAGE_TS.fullmatch(message_ts):
        return ButtonRequest(message_ts=message_ts)
    command, argument = data.get("c"), data.get("a", "")
    if command in COMMANDS and isinstance(argument, str):
        return ButtonRequest(command, argument[:MAX_ARGUMENT_CHARS])
    return None


def channel_id(value: object) -> str | None:
    """A conversation id from a payload, when it looks like one."""
    return value if isinstance(value, str) and _CHANNEL_ID.fullmatch(value) else None


def explain(error: str | None, needed: str | None = None) -> str | None:
    """What a Slack Web API error means for the user; None when it is a bug on our side."""
    if error in {"not_in_channel", "channel_not_found"}:
        return NOT_IN_CHANNEL
    if error == "missing_scope":
        scope = needed if needed and _SCOPE.fullmatch(needed) else "unknown"
        return (
            MISSING_PIN_SCOPE if "pins:write" in scope else MISSING_SCOPE.replace("{scope}", scope)
        )
    if error == "is_archived":
        return ARCHIVED
    if error == "ratelimited":
        return RATE_LIMITED
    if error == "already_pinned":
        return ALREADY_PINNED
    if error in {"message_not_found", "not_pinnable", "no_item_specified"}:
        return NOT_PINNABLE
    if error and error.startswith("restricted_action"):
        return RESTRICTED
    return None


def _encode(data: dict[str, str]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
