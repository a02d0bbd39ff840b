"""How big an answer looks on each platform: visible characters and rendered lines.

Lines are estimated as a reader sees them on a desktop client: every line of text wraps at the
width below (Slack's message pane, Discord's embed), a header, a field name, a footer and a row
of buttons take one line each. Visible characters are the text without markup, link targets or
tokens (a live date counts as the words the client shows for it).
"""

from __future__ import annotations

import math
import re

from bot.core.reply import Reply
from bot.platforms.discord import actions as discord_actions
from bot.platforms.discord.render import READING_WIDTH as DISCORD_LINE_CHARS
from bot.platforms.discord.render import render_reply as render_discord
from bot.platforms.slack.actions import PLATFORM as SLACK
from bot.platforms.slack.actions import answer_buttons
from bot.platforms.slack.render import READING_WIDTH as SLACK_LINE_CHARS
from bot.platforms.slack.render import render_reply as render_slack
from tests.support import platform_words

SLACK_WORDS = platform_words(SLACK)

DISCORD_BUTTONS_PER_ROW = 5

_SLACK_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_SLACK_LINK = re.compile(r"<([^|>]+)\|([^>]*)>")
_SLACK_BARE = re.compile(r"<([^>]+)>")
# Slack shows an emoji shortcode (':warning:') as one emoji.
_SLACK_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_DISCORD_STAMP = re.compile(r"<t:(-?\d+):([a-zA-Z])>")
_DISCORD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def slack_size(reply: Reply) -> tuple[int, int, int]:
    """(messages, visible characters, lines) of a private answer on Slack."""
    messages = render_slack(reply, answer_buttons(reply, SLACK_WORDS))
    texts: list[str] = []
    lines = 0
    for message in messages:
        for block in message.blocks:
            kind = block["type"]
            if kind == "actions":
                texts += [element["text"]["text"] for element in block["elements"]]
                lines += 1
            elif kind == "context":
                shown = "  ".join(_slack_plain(e["text"]) for e in block["elements"])
                texts.append(shown)
                lines += _wrapped(shown, SLACK_LINE_CHARS)
            else:
                shown = _slack_plain(block["text"]["text"])
                texts.append(shown)
                lines += _wrapped(shown, SLACK_LINE_CHARS)
    return len(messages), sum(len(text) for text in texts), lines


def discord_size(reply: Reply) -> tuple[int, int, int]:
    """(messages, visible characters, lines) of a private answer on Discord."""
    messages = render_discord(reply)
    buttons = discord_actions.buttons(reply, False, platform_words(discord_actions.PLATFORM))
    texts = [button.label for button in buttons]
    lines = math.ceil(len(buttons) / DISCORD_BUTTONS_PER_ROW)
    for message in messages:
        for embed in message.embeds:
            parts = [embed.get("title", ""), embed.get("description", "")]
            for field in embed.get("fields", ()):
                parts += [field["name"], field["value"]]
            parts.append(embed.get("footer", {}).get("text", ""))
            for part in parts:
                if part:
                    shown = _discord_plain(part)
                    texts.append(shown)
                    lines += _wrapped(shown, DISCORD_LINE_CHARS)
    return len(messages), sum(len(text) for text in texts), lines


def _wrapped(text: str, width: int) -> int:
    return sum(max(1, math.ceil(len(line) / width)) for line in text.split("\n"))


def _slack_plain(text: str) -> str:
    text = _SLACK_DATE.sub(lambda match: match.group(1).split(" as of ")[0], text)
    text = _SLACK_LINK.sub(lambda match: match.group(2), text)
    text = _SLACK_BARE.sub(lambda match: match.group(1), text)
    text = _SLACK_EMOJI.sub("⚠", text.replace("*", ""))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _discord_plain(text: str) -> str:
    text = _DISCORD_STAMP.sub(lambda match: _discord_stamp(match.group(2)), text)
    text = _DISCORD_LINK.sub(lambda match: match.group(1), text)
    return re.sub(r"\\(.)", r"\1", text.replace("**", "")).replace("\u200b", "")


def _discord_stamp(style: str) -> str:
    # What Discord shows for each style, at its usual length.
    return {"R": "12 days ago", "D": "8 October 2025"}.get(style, "8 October 2025 00:00")
