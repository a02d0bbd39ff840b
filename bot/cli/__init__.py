"""The command line, ``optout-bot COMMAND``: one module per command group.

No module here imports a platform SDK: what a platform must do for a command lives in its
package under ``bot.platforms`` and reports failures as :class:`PlatformSetupError`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from bot.cli import content, health, living, platforms, run
from bot.cli.common import print_problems, startup_problems
from bot.config import ConfigError, Settings

# Each group adds its commands to the parser; the order is the order of `optout-bot --help`.
GROUPS = (run, health, content, platforms, living)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``optout-bot`` and ``python -m bot``."""
    args = parser().parse_args(argv)
    # One snapshot of the environment: the settings and the platforms' needs read the same one.
    environ = dict(os.environ)
    problems: list[str] = []
    try:
        settings = Settings.from_environ(environ)
    except ConfigError as error:
        problems = error.problems
    if getattr(args, "startup_check", False):
        # Starting (or checking) lists every problem at once, the platforms' needs included.
        problems = problems + startup_problems(args, environ)
    if problems:
        for problem in problems:
            print(f"configuration: {problem}", file=sys.stderr)
        print(f"configuration: {len(problems)} problem(s)", file=sys.stderr)
        return 2
    if getattr(args, "content", None):
        settings = replace(settings, content_dir=args.content)
    return int(args.handler(args, settings) or 0)


def parser() -> argparse.ArgumentParser:
    """Every command of every group."""
    top = argparse.ArgumentParser(
        prog="optout-bot", description="How to stop AI companies training on your data."
    )
    commands = top.add_subparsers(required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(commands)
    return top


__all__ = ["main", "parser", "print_problems"]
