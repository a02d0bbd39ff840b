"""``optout-bot run``: start the bot on every configured platform."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from bot.cli.common import Commands, print_problems
from bot.config import LOG_FORMATS, PLATFORMS, ConfigError, Settings


def register(commands: Commands) -> None:
    """Add ``run``."""
    run = commands.add_parser("run", help="start the bot on every configured platform")
    run.add_argument("--platform", action="append", choices=PLATFORMS, help="run only this one")
    run.add_argument("--content", type=Path, help="knowledge base directory")
    run.add_argument(
        "--http", action="store_true", help="Slack: serve /slack/events over HTTP, not Socket Mode"
    )
    run.add_argument("--port", type=int, help="Slack HTTP mode: port to listen on (default 3000)")
    run.add_argument(
        "--log-format", choices=LOG_FORMATS, help="text (default) or json, one object per line"
    )
    run.add_argument(
        "--health-port",
        type=int,
        help="serve /healthz, /readyz and /metrics on this port (default: OPTOUT_HEALTH_PORT)",
    )
    run.set_defaults(handler=start, startup_check=True)


def start(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until stopped; 1 for invalid content, 2 for invalid settings."""
    import asyncio

    from bot.bootstrap import serve
    from bot.content.loader import ContentError
    from bot.ops import logs

    settings = replace(
        settings,
        log_format=args.log_format or settings.log_format,
        health_port=settings.health_port if args.health_port is None else args.health_port,
    )
    logs.configure(settings.log_level, settings.log_format, secrets=settings.secrets())
    platforms = args.platform or settings.configured_platforms()
    if platforms == ["console"] and args.health_port is None:
        # The console is a tool for one person at a terminal: no endpoint unless asked for.
        settings = replace(settings, health_port=None)
    if args.http or args.port is not None:
        settings = replace(
            settings,
            slack_http=args.http or settings.slack_http,
            slack_port=settings.slack_port if args.port is None else args.port,
        )
    try:
        asyncio.run(serve(settings, platforms))
    except ContentError as error:
        print_problems(error.problems, "the bot cannot start")
        return 1
    except ConfigError as error:
        print_problems(error.problems, "the bot cannot start")
        return 2
    except KeyboardInterrupt:
        pass
    return 0
