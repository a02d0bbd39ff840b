"""What follows from the settings' declarations: ``check-config``'s report, .env.example and the
settings table of docs/operations.md. ``python -m bot.cli.settings_report`` rewrites both files.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import fields
from pathlib import Path

from bot.config import Setting, Settings, declared_settings
from bot.core.redaction import redact

ROOT = Path(__file__).resolve().parent.parent.parent
ENV_EXAMPLE = ROOT / ".env.example"
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
# Every environment variable the settings read, in declaration order.
SETTINGS = tuple(declared.name for declared in declared_settings().values())
_ENV_HEADER = """\
# Settings of optout-bot, generated from their declarations in bot/config.py by
# `python -m bot.cli.settings_report` (a test fails when this file differs). Copy to .env, then
# uncomment what you set: a commented line shows the default. docker compose passes this file
# to every bot service.
"""
_ENV_FOOTER = """
# --- docker compose only -----------------------------------------------------------------------
# Password of the compose file's PostgreSQL (used to build DATABASE_URL there). Change it.
POSTGRES_PASSWORD=change-me
"""
TABLE_START = "<!-- settings table: generated from bot/config.py -->"
TABLE_END = "<!-- end of the settings table -->"


def report(settings: Settings, platforms: list[str]) -> list[str]:
    """``NAME=value`` for every setting, secrets hidden, then the platforms that would run."""
    lines = [
        f"{declared.name}={declared.show(getattr(settings, name))}"
        for name, declared in declared_settings().items()
    ]
    lines.append(f"# platforms: {', '.join(platforms)}")
    return lines


def redacted_url(url: str) -> str:
    """The URL with its password (in ``user:pass@`` or the query) replaced by ``***``."""
    return redact(url)


def secret_fields() -> set[str]:
    """The names of the Settings fields that hold secrets (hidden from repr)."""
    return {item.name for item in fields(Settings) if not item.repr}


def env_example() -> str:
    """The text of .env.example: every setting, its help, allowed range and default, by section."""
    blocks = [_ENV_HEADER]
    section = ""
    for declared in declared_settings().values():
        if declared.section != section:
            section = declared.section
            blocks.append(f"\n# --- {section} ".ljust(100, "-") + "\n")
        blocks.append(_env_block(declared))
    blocks.append(_ENV_FOOTER)
    return "".join(blocks)


def settings_table() -> str:
    """The Markdown table of every setting with its default and allowed range."""
    rows = [
        "| Variable | Default | Allowed | What it does |",
        "| --- | --- | --- | --- |",
    ]
    for declared in declared_settings().values():
        default = f"`{declared.default}`" if declared.default else declared.unset or "empty"
        cells = (f"`{declared.name}`", default, declared.kind.allowed, declared.help)
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def operations_doc(current: str) -> str:
    """docs/operations.md with its settings table replaced by the generated one."""
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.DOTALL)
    return pattern.sub(lambda _: f"{TABLE_START}\n{settings_table()}\n{TABLE_END}", current)


def _env_block(declared: Setting) -> str:
    unset = f" Empty: {declared.unset}." if declared.unset else ""
    text = f"{declared.help} Allowed: {declared.kind.allowed}.{unset}"
    comment = textwrap.wrap(text, 98, break_on_hyphens=False, break_long_words=False)
    return "".join(f"# {line}\n" for line in comment) + f"#{declared.name}={declared.default}\n"


def main() -> int:
    """Rewrite .env.example and the settings table of docs/operations.md."""
    ENV_EXAMPLE.write_text(env_example(), encoding="utf-8")
    doc = OPERATIONS_DOC.read_text(encoding="utf-8")
    OPERATIONS_DOC.write_text(operations_doc(doc), encoding="utf-8")
    print(f"wrote {ENV_EXAMPLE.name} and {OPERATIONS_DOC.name}'s settings table", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
