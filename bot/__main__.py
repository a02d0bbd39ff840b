"""The command line: run | ask | validate | schema."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.config import LOG_FORMATS, PLATFORMS, ConfigError, Settings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``optout-bot`` and ``python -m bot``."""
    parser = _parser()
    args = parser.parse_args(argv)
    problems: list[str] = []
    try:
        settings = Settings.from_environ()
    except ConfigError as error:
        problems = error.problems
    if getattr(args, "startup_check", False):
        # Starting (or checking) lists every problem at once, the platforms' needs included.
        problems = problems + _startup_problems(args)
    if problems:
        for problem in problems:
            print(f"configuration: {problem}", file=sys.stderr)
        print(f"configuration: {len(problems)} problem(s)", file=sys.stderr)
        return 2
    if getattr(args, "content", None):
        settings = _with_content(settings, args.content)
    handler = args.handler
    return int(handler(args, settings) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="optout-bot", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

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
    run.set_defaults(handler=_run, startup_check=True)

    check = commands.add_parser(
        "check-config", help="validate every setting and print the effective configuration"
    )
    check.add_argument("--platform", action="append", choices=PLATFORMS, help="check only this one")
    check.add_argument("--content", type=Path, help="knowledge base directory")
    check.add_argument("--http", action="store_true", help="Slack: check for HTTP mode")
    check.set_defaults(handler=_check_config, startup_check=True)

    health = commands.add_parser(
        "health", help="ask a running bot's endpoint whether it is healthy (for healthchecks)"
    )
    health.add_argument("--ready", action="store_true", help="ask /readyz instead of /healthz")
    health.add_argument(
        "--port", type=int, help="the endpoint's port (default: OPTOUT_HEALTH_PORT)"
    )
    health.set_defaults(handler=_health)

    ask = commands.add_parser("ask", help="print the reply to one command and exit")
    ask.add_argument("text", help='a command line, e.g. "/optout claude"')
    ask.add_argument("--now", type=_instant, help="answer as at this instant (ISO 8601 with zone)")
    ask.add_argument("--content", type=Path, help="knowledge base directory")
    ask.add_argument("--tz", help="show times in this IANA time zone (default: this machine's)")
    ask.set_defaults(handler=_ask)

    validate = commands.add_parser("validate", help="check a knowledge base and list problems")
    validate.add_argument("--content", type=Path, help="knowledge base directory")
    validate.set_defaults(handler=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of a service file")
    schema.set_defaults(handler=_schema)

    manifest = commands.add_parser(
        "slack-manifest", help="print the Slack app manifest for the command catalogue"
    )
    manifest.add_argument(
        "--url", help="HTTP mode: the public URL of /slack/events (default: Socket Mode)"
    )
    manifest.set_defaults(handler=_slack_manifest)

    migrate = commands.add_parser(
        "migrate", help="create or upgrade the living-answers database (DATABASE_URL)"
    )
    migrate.set_defaults(handler=_migrate)

    refresh = commands.add_parser(
        "refresh", help="list posted answers whose content changed, and queue their edits"
    )
    refresh.add_argument(
        "--dry-run", action="store_true", help="only show what would change, and how"
    )
    refresh.add_argument("--content", type=Path, help="knowledge base directory")
    refresh.add_argument("--now", type=_instant, help="as at this instant (ISO 8601 with zone)")
    refresh.set_defaults(handler=_refresh)

    discord = commands.add_parser(
        "discord", help="register Discord commands or print the invite URL"
    )
    discord_actions = discord.add_subparsers(required=True, metavar="ACTION")
    sync = discord_actions.add_parser(
        "sync",
        help="register the application commands now (the bot also does so on start "
        "when they changed)",
    )
    sync.add_argument(
        "--guild", type=int, help="register in this server only: instant, for testing"
    )
    sync.add_argument("--content", type=Path, help="knowledge base directory")
    sync.set_defaults(handler=_discord_sync)
    invite = discord_actions.add_parser(
        "invite-url", help="print the URL that adds the bot with exactly the permissions it needs"
    )
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: asked of Discord)"
    )
    invite.set_defaults(handler=_discord_invite_url)
    return parser


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2025-09-20T12:00:00Z")
    return value


def _with_content(settings: Settings, directory: Path) -> Settings:
    from dataclasses import replace

    return replace(settings, content_dir=directory)


def _startup_problems(args: argparse.Namespace) -> list[str]:
    import os

    from bot.config import configured_platforms, startup_problems

    platforms = args.platform or configured_platforms(os.environ)
    return startup_problems(os.environ, platforms, args.http, getattr(args, "content", None))


def _run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    from dataclasses import replace

    from bot.bootstrap import serve
    from bot.content_loader import ContentError
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
        _print_problems(error.problems, "the bot cannot start")
        return 1
    except ConfigError as error:
        _print_problems(error.problems, "the bot cannot start")
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def _check_config(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.settings_report import report

    platforms = args.platform or settings.configured_platforms()
    for line in report(settings, platforms):
        print(line)
    print("# configuration is valid")
    return 0


def _health(args: argparse.Namespace, settings: Settings) -> int:
    import urllib.error
    import urllib.request

    port = args.port or settings.health_port
    if port is None:
        print("the endpoint is off: set OPTOUT_HEALTH_PORT", file=sys.stderr)
        return 2
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


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.bootstrap import build_assistant, display_zone
    from bot.content_loader import ContentError
    from bot.core.clock import Clock, FixedClock, SystemClock
    from bot.render.console import render_text

    clock: Clock = FixedClock(args.now) if args.now else SystemClock()
    try:
        zone = ZoneInfo(args.tz) if args.tz else display_zone(settings)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"unknown time zone: {args.tz!r}", file=sys.stderr)
        return 2
    try:
        assistant, _ = build_assistant(
            settings.content_dir, clock, settings.cache_dir, settings.content_max_bytes
        )
    except ContentError as error:
        _print_problems(error.problems, "the knowledge base is invalid")
        return 1
    print(render_text(assistant.answer_text(args.text), zone))
    return 0


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content_loader import ContentError, load_knowledge
    from bot.core.clock import SystemClock

    try:
        today = SystemClock().now().date()
        result = load_knowledge(settings.content_dir, today, settings.content_max_bytes)
    except ContentError as error:
        _print_problems(error.problems, f"{settings.content_dir}: invalid")
        return 1
    for warning in result.warnings:
        print(warning)
    knowledge = result.knowledge
    deadlines = sum(len(service.deadlines) for service in knowledge.services)
    print(
        f"{settings.content_dir}: valid: {len(knowledge.services)} services, "
        f"{deadlines} dated events, {len(result.warnings)} warning(s), "
        f"version {knowledge.version}"
    )
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content_schema import service_schema

    print(json.dumps(service_schema(), indent=2, ensure_ascii=False))
    return 0


def _slack_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.render.slack_manifest import manifest, slash_commands

    document = manifest(slash_commands(settings.slack_commands), args.url)
    print(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


def _discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    import discord

    from bot.bootstrap import build_assistant, build_discord
    from bot.content_loader import ContentError
    from bot.core.clock import SystemClock

    try:
        assistant, _ = build_assistant(
            settings.content_dir, SystemClock(), settings.cache_dir, settings.content_max_bytes
        )
        adapter = build_discord(settings, assistant, sync_on_start=False)
        count = asyncio.run(adapter.sync(args.guild))
    except (ContentError, ConfigError) as error:
        _print_problems(error.problems, "cannot register the commands")
        return 2
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN; copy it again from the Developer Portal (Bot).",
            file=sys.stderr,
        )
        return 1
    except discord.HTTPException as error:
        print(f"Discord refused the registration: {error.status} {error.text}", file=sys.stderr)
        return 1
    where = f"in server {args.guild}" if args.guild else "globally"
    print(f"Registered {count} application commands {where}.")
    return 0


def _discord_invite_url(args: argparse.Namespace, settings: Settings) -> int:
    from bot.render.discord_actions import invite_url

    client_id = args.client_id or settings.discord_application_id
    if client_id is None and settings.discord_token:
        import asyncio

        import discord

        from bot.adapters.discord_client import application_id
        from bot.bootstrap import discord_options

        try:
            client_id = asyncio.run(application_id(discord_options(settings)))
        except discord.LoginFailure:
            print("Discord rejected DISCORD_TOKEN.", file=sys.stderr)
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


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.living_commands import migrate_command

    return migrate_command(settings)


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content_loader import ContentError
    from bot.living_commands import refresh_command

    try:
        return refresh_command(settings, args.dry_run, args.now)
    except ContentError as error:
        _print_problems(error.problems, "the knowledge base is invalid")
        return 1


def _print_problems(problems: Sequence[object], headline: str) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{headline}: {len(problems)} problem(s)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
