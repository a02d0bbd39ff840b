"""``optout-bot check-config`` and ``optout-bot health``: is this bot set up and running well."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import Commands
from bot.config import PLATFORMS, Settings


def register(commands: Commands) -> None:
    """Add ``check-config`` and ``health``."""
    check = commands.add_parser(
        "check-config", help="validate every setting and print the effective configuration"
    )
    check.add_argument("--platform", action="append", choices=PLATFORMS, help="check only this one")
    check.add_argument("--content", type=Path, help="knowledge base directory")
    check.add_argument("--http", action="store_true", help="Slack: check for HTTP mode")
    check.set_defaults(handler=check_config, startup_check=True)

    health = commands.add_parser(
        "health", help="ask a running bot's endpoint whether it is healthy (for healthchecks)"
    )
    health.add_argument("--ready", action="store_true", help="ask /readyz instead of /healthz")
    health.add_argument(
        "--port", type=int, help="the endpoint's port (default: OPTOUT_HEALTH_PORT)"
    )
    health.set_defaults(handler=probe)


def check_config(args: argparse.Namespace, settings: Settings) -> int:
    """Print the effective configuration, secrets hidden."""
    from bot.cli.settings_report import report

    platforms = args.platform or settings.configured_platforms()
    for line in report(settings, platforms):
        print(line)
    print("# configuration is valid")
    return 0


def probe(args: argparse.Namespace, settings: Settings) -> int:
    """Ask the local endpoint; 0 when it answers 200."""
    port = args.port or settings.health_port
    if port is None:
        print("the endpoint is off: set OPTOUT_HEALTH_PORT", file=sys.stderr)
        return 2
    import urllib.error
    import urllib.request

    path = "readyz" if args.ready else "healthz"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=3) as answer:
            print(answer.read().decode())
    except urllib.error.HTTPError as error:
        print(error.read().decode(), file=sys.stderr)
        return 1
    except OSError as error:
        print(f"no answer on port {port}: {error}", file=sys.stderr)
        return 1
    return 0
