"""What the Slack adapter decides without Slack: the buttons under answers and their values."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.core.catalogue import COMMANDS
from bot.core.phrases.platforms import PlatformPhrases
from bot.core.phrasing import fill_words
from bot.core.reply import Reply
from bot.platforms.slack.manifest import SHARE_WORD
from bot.platforms.slack.render import MAX_BUTTON_VALUE_CHARS, Button

SHARE_ACTION = "optout_share"
PIN_ACTION = "optout_pin"
GUIDE_ACTION = "optout_guide"
# Slack reports clicks on link buttons too; they only need an acknowledgement.
LINK_ACTION = "optout_link"
# A button value only has to name the answer again; anything longer cannot be a service.
MAX_ARGUMENT_CHARS = 200
_MESSAGE_TS = re.compile(r"\d{1,12}\.\d{1,9}")
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,20}")
_SERVICE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")

# The key of Slack's own phrases in the messages file, and how they name the platform.
PLATFORM = "slack"
PLATFORM_NAME = "Slack"


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


def answer_buttons(reply: Reply, words: PlatformPhrases) -> tuple[Button, ...]:
    """The buttons under a private answer: the card's own, then Share and Pin."""
    if not reply.shareable:
        return ()
    # Buttons name the service, not the words typed: a shared answer never repeats them.
    value = _value(reply)
    return (
        *card_buttons(reply),
        Button(SHARE_ACTION, words.share_button, value, primary=not reply.links),
        Button(PIN_ACTION, words.pin_button, value),
    )


def card_buttons(reply: Reply) -> tuple[Button, ...]:
    """A card's settings link and Full guide: under it wherever it is, for whoever clicks."""
    links = tuple(
        Button(f"{LINK_ACTION}_{index}", link.text, url=link.url, primary=index == 0)
        for index, link in enumerate(reply.links)
    )
    if reply.guide is None:
        return links
    return (*links, Button(GUIDE_ACTION, reply.guide, _value(reply)))


def is_link(action_id: object) -> bool:
    """Whether a click came from a link button."""
    return isinstance(action_id, str) and action_id.startswith(LINK_ACTION)


def _value(reply: Reply) -> str:
    return _encode({"c": reply.command, "a": (reply.service_id or "")[:MAX_ARGUMENT_CHARS]})


def pin_button(message_ts: str, words: PlatformPhrases) -> tuple[Button, ...]:
    """A Pin button for an answer already shared."""
    return (Button(PIN_ACTION, words.pin_button, _encode({"ts": message_ts})),)


def too_slow(words: PlatformPhrases) -> str:
    """What to say when Slack itself did not answer in time."""
    return fill_words(words.too_slow, platform=PLATFORM_NAME)


def permission_words(words: PlatformPhrases, needed: tuple[str, ...]) -> str:
    """'the chat:write permission', 'the pins:write, chat:write permissions' (Slack names
    permissions by their scopes), or 'a permission' when Slack did not say which."""
    if not needed:
        return words.some_permission
    names = needed[0]
    for scope in needed[1:]:
        names = fill_words(words.names_and, names=names, last=scope)
    return fill_words(words.permissions if len(needed) > 1 else words.permission, names=names)


def _button_data(value: object) -> dict[str, object] | None:
    """The JSON object a button value holds, within the size a button of ours can have."""
    if not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE_CHARS:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_button(value: object) -> ButtonRequest | None:
    """The request a button value carries; None for anything this bot did not write."""
    data = _button_data(value)
    if data is None:
        return None
    message_ts = data.get("ts")
    if isinstance(message_ts, str) and _MESSAGE_TS.fullmatch(message_ts):
        return ButtonRequest(message_ts=message_ts)
    command, argument = data.get("c"), data.get("a", "")
    if command in COMMANDS and isinstance(argument, str):
        return ButtonRequest(command, argument[:MAX_ARGUMENT_CHARS])
    return None


def read_check(value: object) -> tuple[str, bool] | None:
    """The item a checklist button names and whether it marks it done; None for anything this
    bot did not write."""
    data = _button_data(value)
    if data is None:
        return None
    service, done = data.get("s"), data.get("d")
    if isinstance(service, str) and _SERVICE_ID.fullmatch(service) and done in (0, 1):
        return service, done == 1
    return None


def read_pick(selected: object) -> list[object] | None:
    """The values of the options chosen in the tool picker, as sent; None when the payload does
    not hold a list of options at all."""
    if not isinstance(selected, list):
        return None
    return [option.get("value") if isinstance(option, dict) else None for option in selected]


def message_ts(value: object) -> str | None:
    """A message timestamp from a payload, when it looks like one."""
    return value if isinstance(value, str) and _MESSAGE_TS.fullmatch(value) else None


def channel_id(value: object) -> str | None:
    """A conversation id from a payload, when it looks like one."""
    return value if isinstance(value, str) and _CHANNEL_ID.fullmatch(value) else None


def _encode(data: dict[str, str]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
