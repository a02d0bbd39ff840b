"""``optout-bot ask``, ``validate`` and ``schema``: the knowledge base from a terminal."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from bot.cli.common import Commands, instant, print_problems
from bot.config import Settings


def register(commands: Commands) -> None:
    """Add ``ask``, ``validate`` and ``schema``."""
    ask_command = commands.add_parser("ask", help="print the reply to one command and exit")
    ask_command.add_argument("text", help='a command line, e.g. "/optout claude"')
    ask_command.add_argument(
        "--now", type=instant, help="answer as at this instant (ISO 8601 with zone)"
    )
    ask_command.add_argument("--content", type=Path, help="knowledge base directory")
    ask_command.add_argument(
        "--full",
        action="store_true",
        help="the complete guide instead of the short answer (as '/optout claude full')",
    )
    ask_command.add_argument(
        "--tz", help="show times in this IANA time zone (default: this machine's)"
    )
    ask_command.set_defaults(handler=ask)

    validate_command = commands.add_parser(
        "validate", help="check a knowledge base and list problems"
    )
    validate_command.add_argument("--content", type=Path, help="knowledge base directory")
    validate_command.set_defaults(handler=validate)

    schema_command = commands.add_parser("schema", help="print the JSON Schema of a service file")
    schema_command.set_defaults(handler=schema)


def ask(args: argparse.Namespace, settings: Settings) -> int:
    """Print one answer as the console shows it."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.bootstrap import build_assistant, display_zone
    from bot.content.loader import ContentError
    from bot.core.catalogue import GUIDE_VARIANT
    from bot.core.clock import Clock, FixedClock, SystemClock
    from bot.core.request import Request
    from bot.platforms.console.render import render_text

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
        print_problems(error.problems, "the knowledge base is invalid")
        return 1
    request = Request.from_line(args.text)
    if args.full:
        request = dataclasses.replace(request, detail=GUIDE_VARIANT)
    reply = assistant.answer_now(request)
    if reply is None:
        # Only a request that waits on the store needs an event loop (and asyncio's import).
        import asyncio

        reply = asyncio.run(assistant.handle(request))
    print(render_text(reply, zone))
    return 0


def validate(args: argparse.Namespace, settings: Settings) -> int:
    """Every problem at once (exit 1), or a one-line summary (exit 0)."""
    from bot.content.loader import ContentError, load_knowledge
    from bot.core.clock import SystemClock

    try:
        today = SystemClock().now().date()
        result = load_knowledge(settings.content_dir, today, settings.content_max_bytes)
    except ContentError as error:
        print_problems(error.problems, f"{settings.content_dir}: invalid")
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


def schema(args: argparse.Namespace, settings: Settings) -> int:
    """The JSON Schema editors use to autocomplete service files."""
    from bot.content.schema import service_schema

    print(json.dumps(service_schema(), indent=2, ensure_ascii=False))
    return 0
