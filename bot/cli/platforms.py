"""``optout-bot slack-manifest`` and ``optout-bot discord``: setting the bot up on a platform."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli.common import Commands, print_problems
from bot.config import ConfigError, Settings
from bot.platforms import PlatformSetupError


def register(commands: Commands) -> None:
    """Add ``slack-manifest`` and ``discord sync | invite-url``."""
    manifest = commands.add_parser(
        "slack-manifest", help="print the Slack app manifest for the command catalogue"
    )
    manifest.add_argument(
        "--url", help="HTTP mode: the public URL of /slack/events (default: Socket Mode)"
    )
    manifest.set_defaults(handler=slack_manifest)

    discord = commands.add_parser(
        "discord", help="register Discord commands or print the invite URL"
    )
    actions = discord.add_subparsers(required=True, metavar="ACTION")
    sync = actions.add_parser(
        "sync",
        help="register the application commands now (the bot also does so on start "
        "when they changed)",
    )
    sync.add_argument(
        "--guild", type=int, help="register in this server only: instant, for testing"
    )
    sync.add_argument("--content", type=Path, help="knowledge base directory")
    sync.set_defaults(handler=discord_sync)
    invite = actions.add_parser(
        "invite-url", help="print the URL that adds the bot with exactly the permissions it needs"
    )
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: asked of Discord)"
    )
    invite.set_defaults(handler=discord_invite_url)


def slack_manifest(args: argparse.Namespace, settings: Settings) -> int:
    """The manifest that creates the Slack app with every command of the catalogue."""
    from bot.platforms.slack.manifest import manifest, slash_commands

    document = manifest(slash_commands(settings.slack_commands), args.url)
    print(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


def discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the application commands now."""
    import asyncio

    from bot.bootstrap import build_assistant, build_discord
    from bot.content.loader import ContentError
    from bot.core.clock import SystemClock

    try:
        assistant, _ = build_assistant(
            settings.content_dir, SystemClock(), settings.cache_dir, settings.content_max_bytes
        )
        adapter = build_discord(settings, assistant, sync_on_start=False)
        count = asyncio.run(adapter.sync(args.guild))
    except (ContentError, ConfigError) as error:
        print_problems(error.problems, "cannot register the commands")
        return 2
    except PlatformSetupError as error:
        print(error, file=sys.stderr)
        return 1
    where = f"in server {args.guild}" if args.guild else "globally"
    print(f"Registered {count} application commands {where}.")
    return 0


def discord_invite_url(args: argparse.Namespace, settings: Settings) -> int:
    """The URL that adds the bot with exactly the permissions it needs."""
    import asyncio

    from bot.platforms.discord.actions import invite_url

    client_id = args.client_id or settings.discord_application_id
    if client_id is None and settings.discord_token:
        from bot.bootstrap import discord_options
        from bot.platforms.discord.client import application_id

        try:
            client_id = asyncio.run(application_id(discord_options(settings)))
        except PlatformSetupError as error:
            print(error, file=sys.stderr)
            return 1
    if client_id is None:
        print(
            "Give --client-id (Developer Portal → General Information → Application ID), "
            "or set DISCORD_APPLICATION_ID or DISCORD_TOKEN.",
            file=sys.stderr,
        )
        return 2
    print(invite_url(client_id))
    return 0
