"""The Slack app manifest and slash-command names, generated from the one command catalogue."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.core.catalogue import CATALOGUE, CommandSpec

# A workspace-wide "/help" would clash with other apps, so help gets the bot's own prefix.
DEFAULT_SLASH_COMMANDS: Mapping[str, str] = {
    "optout": "/optout",
    "deadline": "/deadline",
    "changes": "/changes",
    "help": "/optout-help",
}
# Slack: a leading slash, then at most 31 lowercase letters, digits, dashes or underscores.
SLASH_COMMAND = re.compile(r"/[a-z0-9][a-z0-9_-]{0,30}")
# History is read only to settle a reminder left in doubt by a stopped process (did it go out?),
# users:read only to tell whether someone changing reminders is a workspace admin or owner.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "pins:write",
    "channels:history",
    "groups:history",
    "users:read",
)
SHARE_WORD = "share"
APP_NAME = "optout-bot"
APP_DESCRIPTION = "How to stop AI companies from training on your data, with sources and dates"
APP_COLOUR = "#2c2d30"


def slash_commands(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each catalogue command's slash command: the default, unless ``overrides`` renames it."""
    chosen = dict(overrides or {})
    return {
        spec.name: chosen.get(spec.name) or DEFAULT_SLASH_COMMANDS.get(spec.name, f"/{spec.name}")
        for spec in CATALOGUE
    }


def usage_hint(spec: CommandSpec) -> str:
    """What may follow the command, as Slack shows it while typing."""
    hint = " ".join(f"[{option.name}]" for option in spec.options)
    if spec.shareable:
        hint = f"{hint} [{SHARE_WORD}]".strip()
    # Sub-actions are typed as the first word: "subscribe [service|all]" after the command.
    forms = [hint] + [sub.usage.partition(" ")[2] for sub in spec.subactions]
    return " | ".join(form for form in forms if form)


def manifest(commands: Mapping[str, str], request_url: str | None = None) -> dict[str, Any]:
    """The app manifest: Socket Mode, unless ``request_url`` (HTTP mode) is given."""
    slash = []
    for spec in CATALOGUE:
        entry: dict[str, Any] = {
            "command": commands[spec.name],
            "description": spec.description,
            "should_escape": False,
        }
        hint = usage_hint(spec)
        if hint:
            entry["usage_hint"] = hint
        if request_url:
            entry["url"] = request_url
        slash.append(entry)
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": APP_NAME,
            "description": APP_DESCRIPTION,
            "background_color": APP_COLOUR,
        },
        "features": {
            "bot_user": {"display_name": APP_NAME, "always_online": True},
            "slash_commands": slash,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }
