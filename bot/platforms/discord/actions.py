"""The buttons under a Discord answer, the permissions behind them, and how Discord's permissions
are named and granted.

A button's ``custom_id`` carries the command and service it answers, so a click can be served by
any process at any later time: the answer is simply rendered again from the current knowledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.core.phrases.platforms import PlatformPhrases
from bot.core.phrasing import fill_words
from bot.core.reply import Reply

# The key of Discord's own phrases in the messages file.
PLATFORM = "discord"
SHARE = "share"
PIN = "pin"
GUIDE = "guide"
# How each action is spelled in a custom_id. Buttons already posted say "post" for Share, so
# that spelling stays: they keep working.
_ID_WORDS = {SHARE: "post", PIN: "pin", GUIDE: "guide"}
# Discord caps a custom_id at 100 characters; command names and service ids are far shorter.
CUSTOM_ID_LIMIT = 100
_CUSTOM_ID = "optout:{action}:{command}:{service}"
_TEMPLATE = r"optout:{action}:(?P<command>[a-z]{{1,32}}):(?P<service>[a-z0-9-]{{0,63}})"
SHARE_TEMPLATE = _TEMPLATE.format(action=_ID_WORDS[SHARE])
# A checklist item's button: the service it names, and 1 when a click marks it done.
CHECK_TEMPLATE = r"optout:check:(?P<service>[a-z0-9][a-z0-9-]{0,62}):(?P<done>[01])"
# The tool picker's menu; the number tells its menus apart when the tools need several.
PICK_TEMPLATE = r"optout:pick:(?P<menu>[0-9]{1,2})"
# A string select holds at most 25 options (labels and values up to 100 characters, the
# placeholder up to 150), and a message at most five rows of them.
SELECT_OPTION_LIMIT = 25
SELECT_TEXT_LIMIT = 100
SELECT_PLACEHOLDER_LIMIT = 150
SELECT_ROW_LIMIT = 5
# Discord caps a button's label at 80 characters.
BUTTON_LABEL_LIMIT = 80
PIN_TEMPLATE = _TEMPLATE.format(action=_ID_WORDS[PIN])
GUIDE_TEMPLATE = _TEMPLATE.format(action=_ID_WORDS[GUIDE])


@dataclass(frozen=True, slots=True)
class Button:
    """One button: what it shows and the id a click comes back with."""

    action: str
    label: str
    custom_id: str = ""
    # A link button opens this page and never comes back to the bot.
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Permission:
    """A Discord permission: the SDK's attribute name (which also keys the name people see in
    the messages file's ``permission_names``) and its bit."""

    attribute: str
    bit: int


VIEW_CHANNEL = Permission("view_channel", 1 << 10)
SEND_MESSAGES = Permission("send_messages", 1 << 11)
EMBED_LINKS = Permission("embed_links", 1 << 14)
SEND_IN_THREADS = Permission("send_messages_in_threads", 1 << 38)
# Discord split pinning out of Manage Messages into a permission of its own in 2026.
PIN_MESSAGES = Permission("pin_messages", 1 << 51)

# Everything the bot itself needs to post and pin answers; the invite asks for exactly these.
BOT_PERMISSIONS = (VIEW_CHANNEL, SEND_MESSAGES, SEND_IN_THREADS, EMBED_LINKS, PIN_MESSAGES)
INVITE_SCOPES = ("bot", "applications.commands")
INVITE_BASE = "https://discord.com/oauth2/authorize"


def action_label(action: str, words: PlatformPhrases) -> str:
    """What the Share or Pin button says."""
    return words.pin_button if action == PIN else words.share_button


def buttons(
    reply: Reply, public: bool, words: PlatformPhrases, pinnable: bool = True
) -> list[Button]:
    """A card's settings link and Full guide, then Share and Pin under a private answer, only
    Pin under one already in the channel (none when it is pinned already)."""
    shown = card_buttons(reply)
    if not reply.shareable:
        return shown
    actions = (PIN,) if public else (SHARE, PIN)
    return shown + [
        Button(
            action, action_label(action, words), custom_id(action, reply.command, reply.service_id)
        )
        for action in actions
        if pinnable or action != PIN
    ]


def card_buttons(reply: Reply) -> list[Button]:
    """The settings link and the Full guide button of a card; none for other answers."""
    shown = [Button("link", link.text, url=link.url) for link in reply.links]
    if reply.guide is not None:
        shown.append(Button(GUIDE, reply.guide, custom_id(GUIDE, reply.command, reply.service_id)))
    return shown


def custom_id(action: str, command: str, service_id: str | None) -> str:
    """The id a button is sent with; it names everything needed to answer the click again."""
    return _CUSTOM_ID.format(action=_ID_WORDS[action], command=command, service=service_id or "")


def check_id(service_id: str, done: bool) -> str:
    """The id of a checklist item's button; a click marks the item ``done`` (or open again)."""
    return f"optout:check:{service_id}:{int(done)}"


def parse_check_id(value: str) -> tuple[str, bool] | None:
    """``(service, done)`` from a checklist button's id, or None when it is not one of ours."""
    match = re.fullmatch(CHECK_TEMPLATE, value)
    return (match["service"], match["done"] == "1") if match else None


def pick_id(menu: int) -> str:
    """The id of one menu of the tool picker."""
    return f"optout:pick:{menu}"


def parse_custom_id(value: str) -> tuple[str, str, str] | None:
    """``(action, command, service)`` from a button id, or None when it is not one of ours."""
    for action, template in (
        (SHARE, SHARE_TEMPLATE),
        (PIN, PIN_TEMPLATE),
        (GUIDE, GUIDE_TEMPLATE),
    ):
        match = re.fullmatch(template, value)
        if match:
            return action, match["command"], match["service"]
    return None


def posting_permissions(in_thread: bool) -> tuple[Permission, ...]:
    """What the bot needs to post an answer in a channel (or a thread)."""
    send = SEND_IN_THREADS if in_thread else SEND_MESSAGES
    return (VIEW_CHANNEL, send, EMBED_LINKS)


def missing(granted: int, needed: tuple[Permission, ...]) -> list[Permission]:
    """The needed permissions absent from a permission bit set."""
    return [permission for permission in needed if not granted & permission.bit]


def member_refusal(
    action: str, member: int, words: PlatformPhrases, *, in_thread: bool, already_public: bool
) -> str | None:
    """Why the member may not share or pin here, or None when they may.

    The bot never does for a member what the member's own permissions forbid: sharing needs
    the member to be allowed to send messages here, pinning to pin them.
    """
    posting = () if already_public else posting_permissions(in_thread)
    pinning = (PIN_MESSAGES,) if action == PIN else ()
    lacking = missing(member, posting[1:2] + pinning)
    return member_lacks(action, lacking, words) if lacking else None


def needed_by_bot(action: str, *, in_thread: bool, already_public: bool) -> tuple[Permission, ...]:
    """What the bot needs to carry out a Share or Pin in this channel."""
    posting = () if already_public else posting_permissions(in_thread)
    return posting + ((PIN_MESSAGES,) if action == PIN else ())


def permission_words(permissions: list[Permission], words: PlatformPhrases) -> str:
    """'the **Pin Messages** permission', 'the **A** and **B** permissions'."""
    template = words.permissions if len(permissions) > 1 else words.permission
    return fill_words(template, names=_names(permissions, words))


def how_to_grant(permissions: list[Permission], words: PlatformPhrases) -> str:
    """Where a server admin grants permissions the bot lacks."""
    return words.permissions_how_to if len(permissions) > 1 else words.permission_how_to


def member_lacks(action: str, permissions: list[Permission], words: PlatformPhrases) -> str:
    """Why the member who clicked may not do this: the bot never does what they could not."""
    lacking = permission_words(permissions, words)
    if action == PIN:
        return fill_words(words.pin_not_allowed, permissions=lacking, share=words.share_button)
    return fill_words(words.post_not_allowed, permissions=lacking)


def jump_url(guild_id: str, channel_id: str, message_id: str) -> str:
    """The link that opens a message in Discord."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def invite_url(client_id: str | int) -> str:
    """The OAuth2 URL that adds the bot with its commands and exactly the permissions it needs."""
    permissions = sum(permission.bit for permission in BOT_PERMISSIONS)
    query = urlencode(
        {"client_id": client_id, "permissions": permissions, "scope": " ".join(INVITE_SCOPES)}
    )
    return f"{INVITE_BASE}?{query}"


def _names(permissions: list[Permission], words: PlatformPhrases) -> str:
    quoted = [
        f"**{words.permission_names.get(permission.attribute, permission.attribute)}**"
        for permission in permissions
    ]
    if len(quoted) <= 1:
        return "".join(quoted)
    return fill_words(words.names_and, names=", ".join(quoted[:-1]), last=quoted[-1])
