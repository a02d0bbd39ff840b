"""Words each chat platform says about its own controls and failures."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.knowledge import Prose, Record, ShortText


@dataclass(frozen=True, kw_only=True)
class PlatformPhrases(Record):
    """What one chat platform's own controls and problems say: button labels, command option
    descriptions, missing permissions and the platform's own failures.

    Kept by platform under ``platforms`` in a messages file; each platform package reads the
    entry under its own key, so the core never names one. Every field has an English default.
    ``{platform}`` is the platform's name, ``{permissions}`` permissions as the platform names
    them (see ``permission``), ``{names}`` those names joined, ``{share}`` the Share button's
    label, ``{command}`` a command's name and ``{actions}`` its sub-actions, ``{date}`` a day,
    ``{person}`` a member as the platform mentions them, ``{number}`` and ``{count}`` a part of
    an answer posted as several messages.
    """

    share_button: ShortText = "Share in channel"
    pin_button: ShortText = "Pin"
    button_unreadable: Prose = (
        "I could not read that button; it may come from an older version of me. Run the "
        "command again."
    )
    too_slow: Prose = "{platform} did not answer in time. Please try again in a moment."
    # The platform's own names for the permissions the bot checks, keyed as the platform's API
    # spells them; a permission missing here is shown by its API name.
    permission_names: dict[str, ShortText] = field(default_factory=dict, hash=False)
    permission: ShortText = "the {names} permission"
    permissions: ShortText = "the {names} permissions"
    some_permission: ShortText = "a permission"
    names_and: ShortText = "{names} and {last}"
    permission_how_to: Prose = "An admin can grant it to me."
    permissions_how_to: Prose = "An admin can grant them to me."
    pin_not_allowed: Prose = (
        "Only members with {permissions} in this channel can pin answers. Ask a moderator, or "
        "use {share}."
    )
    post_not_allowed: Prose = (
        "You don't have {permissions} in this channel, so I won't post there for you."
    )
    share_option_description: ShortText = (
        "Share the answer in this channel for everyone (default: only you see it)"
    )
    action_option_description: ShortText = "Manage {command} reminders in this channel: {actions}"
    verified: ShortText = "Last verified {date}"
    sources: ShortText = "Sources: {sources}"
    shared_by: ShortText = "Shared by {person}"
    part: ShortText = "Part {number} of {count}"
    welcome: Prose = "Try /optout claude, /deadline or /help."
