"""Every sentence a platform package shows people lives in content/messages.yaml.

A string constant of several words in ``bot/platforms`` is a sentence someone will read, unless
it is a docstring, a log line or an exception for operators. Operator messages that are neither
(the CLI's refusal of a bad token, the Slack app's manifest text) are listed below by file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bot.platforms

PLATFORMS = Path(bot.platforms.__file__).parent
# Sentences start at this many words; shorter strings are ids, markup and separators.
MIN_WORDS = 4
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
# Said to operators, never in a chat: the CLI's words about a rejected token, the description
# in the Slack app manifest an operator pastes when creating the app, and a payload's fault
# in a request the signature check refuses (logged).
OPERATOR_MESSAGES = {
    "discord/client.py": {
        "Discord rejected DISCORD_TOKEN; copy it again from the Developer Portal (Bot)."
    },
    "slack/manifest.py": {
        "How to stop AI companies from training on your data, with sources and dates"
    },
    "slack/signature.py": {
        "timestamp missing or not a number",
        "timestamp too old or in the future",
        "signature missing or malformed",
        "not JSON or form data",
    },
}


def _is_operator_call(node: ast.AST) -> bool:
    """A logging call (or a helper handed the logger), or an exception being built: words for
    whoever runs the bot."""
    if not isinstance(node, ast.Call):
        return False
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    handed_the_log = any(isinstance(arg, ast.Name) and arg.id == "log" for arg in node.args)
    return handed_the_log or name in LOG_METHODS or name.endswith(("Error", "Exception", "Exit"))


def _sentences(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if len(node.value.split()) < MIN_WORDS or isinstance(parents.get(node), ast.Expr):
            continue  # short, or a docstring
        ancestor: ast.AST | None = parents.get(node)
        while ancestor is not None and not _is_operator_call(ancestor):
            ancestor = parents.get(ancestor)
        if ancestor is None:
            found.add(node.value)
    return found


def test_no_platform_package_spells_out_a_sentence_of_its_own() -> None:
    stray = {
        f"{path.relative_to(PLATFORMS)}: {text!r}"
        for path in sorted(PLATFORMS.rglob("*.py"))
        for text in _sentences(path)
        - OPERATOR_MESSAGES.get(str(path.relative_to(PLATFORMS)), set())
    }
    assert not stray, "move these into content/messages.yaml (platforms.<key>):\n" + "\n".join(
        sorted(stray)
    )


def test_the_scan_sees_a_sentence_and_skips_logs_and_errors(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        '"""A docstring of many words is fine."""\n'
        'NOTICE = "Please try again in a moment."\n'
        'log.warning("slack: could not deliver the apology")\n'
        'raise ValueError(f"the file {name} is not readable at all")\n',
        encoding="utf-8",
    )
    assert _sentences(module) == {"Please try again in a moment."}
