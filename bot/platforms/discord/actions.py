"""The buttons under a Discord answer, the permissions behind them, and the bot's words about both.

A button's ``custom_id`` carries the command and service it answers, so a click can be served by
any process at any later time: the answer is simply rendered again from the current knowledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.core.reply import Reply

POST = "post"
PIN = "pin"
ACTION_LABELS = {POST: "Post to channel", PIN: "Pin"}
# Discord caps a custom_id at 100 characters; command names and service ids are far shorter.
CUSTOM_ID_LIMIT = 100
_CUSTOM_ID = "optout:{action}:{command}:{service}"
_TEMPLATE = r"optout:{action}:(?P<command>[a-z]{{1,32}}):(?P<service>[a-z0-9-]{{0,63}})"
POST_TEMPLATE = _TEMPLATE.format(action=POST)
PIN_TEMPLATE = _TEMPLATE.format(action=PIN)


@dataclass(frozen=True, slots=True)
class Button:
    """One button: what it shows and the id a click comes back with."""

    action: str
    label: str
    custom_id: str


@dataclass(frozen=True, slots=True)
class Permission:
    """A Discord permission: the SDK's attribute name, the name people see, and its bit."""

    attribute: str
    name: str
    bit: int


VIEW_CHANNEL = Permission("view_channel", "View Channels", 1 << 10)
SEND_MESSAGES = Permission("send_messages", "Send Messages", 1 << 11)
EMBED_LINKS = Permission("embed_links", "Embed Links", 1 << 14)
SEND_IN_THREADS = Permission("send_messages_in_threads", "Send Messages in Threads", 1 << 38)
# Discord split pinning out of Manage Messages into a permission of its own in 2026.
PIN_MESSAGES = Permission("pin_messages", "Pin Messages", 1 << 51)

# Everything the bot itself needs to post and pin answers; the invite asks for exactly these.
BOT_PERMISSIONS = (VIEW_CHANNEL, SEND_MESSAGES, SEND_IN_THREADS, EMBED_LINKS, PIN_MESSAGES)
INVITE_SCOPES = ("bot", "applications.commands")
INVITE_BASE = "https://discord.com/oauth2/authorize"


def buttons(reply: Reply, public: bool) -> list[Button]:
    """Post and Pin under a private answer; only Pin under one already in the channel."""
    if not reply.shareable:
        return []
    actions = (PIN,) if public else (POST, PIN)
    return [
        Button(action, ACTION_LABELS[action], custom_id(action, reply.command, reply.service_id))
        for action in actions
    ]


def custom_id(action: str, command: str, service_id: str | None) -> str:
    """The id a button is sent with; it names everything needed to answer the click again."""
    return _CUSTOM_ID.format(action=action, command=command, service=service_id or "")


def parse_custom_id(value: str) -> tuple[str, str, str] | None:
    """``(action, command, service)`` from a button id, or None when it is not one of ours."""
    for action, template in ((POST, POST_TEMPLATE), (PIN, PIN_TEMPLATE)):
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


def refusal(
    action: str, member: int, bot: int, *, in_thread: bool, already_public: bool
) -> str | None:
    """Why a Post or Pin may not happen here, or None when both the member and the bot may.

    The bot never does for a member what the member's own permissions forbid: posting needs
    the member to be allowed to send messages here, pinning to pin them.
    """
    posting = () if already_public else posting_permissions(in_thread)
    pinning = (PIN_MESSAGES,) if action == PIN else ()
    lacking = missing(member, posting[1:2] + pinning)
    if lacking:
        return member_lacks(action, lacking)
    lacking = missing(
        bot, needed_by_bot(action, in_thread=in_thread, already_public=already_public)
    )
    return bot_lacks(action, lacking) if lacking else None


def needed_by_bot(action: str, *, in_thread: bool, already_public: bool) -> tuple[Permission, ...]:
    """What the bot needs to carry out a Post or Pin in this channel."""
    posting = () if already_public else posting_permissions(in_thread)
    return posting + ((PIN_MESSAGES,) if action == PIN else ())


def bot_lacks(action: str, permissions: list[Permission]) -> str:
    """Why the bot cannot post or pin here, and how a server admin can fix it."""
    names = _names(permissions)
    verb = "pin this answer" if action == PIN else "post in this channel"
    plural = "permissions" if len(permissions) > 1 else "permission"
    return (
        f"I can't {verb}: I need the {names} {plural} here. A server admin can grant "
        f"{'them' if len(permissions) > 1 else 'it'} to my role under Server Settings → Roles, "
        "or to me in this channel's Edit Channel → Permissions."
    )


def member_lacks(action: str, permissions: list[Permission]) -> str:
    """Why the member who clicked may not do this: the bot never does what they could not."""
    names = _names(permissions)
    if action == PIN:
        return (
            f"Only members with the {names} permission in this channel can pin answers. "
            "Ask a moderator, or use Post to channel."
        )
    return f"You don't have the {names} permission in this channel, so I won't post there for you."


def outside_server(action: str) -> str:
    """Posting and pinning happen in server channels only."""
    verb = "Pinning" if action == PIN else "Posting to a channel"
    return f"{verb} works in server channels; this answer is already here for you."


def too_many_pins() -> str:
    """The channel is at Discord's pin limit."""
    return "This channel already holds as many pins as Discord allows; unpin one and try again."


def unconfirmed(action: str) -> str:
    """Discord took too long to answer a post or pin, which may still have been carried out."""
    if action == PIN:
        return (
            "Discord did not confirm the pin in time; it may have worked. "
            "Look at this channel's pinned messages before trying again."
        )
    return (
        "Discord did not confirm the post in time, so it may or may not be in this channel. "
        "Look there before posting again."
    )


def posted(url: str) -> str:
    """Confirmation after posting, with a link to the message."""
    return f"Posted to this channel: {url}"


def pinned(url: str) -> str:
    """Confirmation after pinning, with a link to the pinned message."""
    return f"Pinned in this channel: {url}"


def invite_url(client_id: str | int) -> str:
    """The OAuth2 URL that adds the bot with its commands and exactly the permissions it needs."""
    permissions = sum(permission.bit for permission in BOT_PERMISSIONS)
    query = urlencode(
        {"client_id": client_id, "permissions": permissions, "scope": " ".join(INVITE_SCOPES)}
    )
    return f"{INVITE_BASE}?{query}"


def _names(permissions: list[Permission]) -> str:
    quoted = [f"**{permission.name}**" for permission in permissions]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
