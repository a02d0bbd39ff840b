"""A workspace that renamed commands (SLACK_COMMANDS) sees them spelled its way in every reply."""

from bot.core.reply import Reply
from bot.platforms.slack.render import render_reply
from tests.support import answer_line, assistant_at

SLACK_NAMES = {"help": "/optout-help", "optout": "/ai-optout"}
NOW = "2025-09-20T12:00:00+00:00"


def shown(reply: Reply) -> str:
    """Everything a reader sees: each block's text, then the notification fallback."""
    texts = []
    for message in render_reply(reply, slashes=SLACK_NAMES):
        for block in message.blocks:
            text = block.get("text")
            if isinstance(text, dict):
                texts.append(text["text"])
        texts.append(message.text)
    return "\n".join(texts)


def ask(line: str) -> str:
    return shown(answer_line(assistant_at(NOW), line))


def test_help_lists_commands_as_this_workspace_types_them() -> None:
    text = ask("/help")
    assert "*/optout-help*" in text
    assert "*/ai-optout [service] [full]*" in text
    assert "/ai-optout claude" in text
    assert "*/deadline [service]*" in text
    assert "/help" not in text.replace("/optout-help", "")
    assert "/optout " not in text.replace("/optout-help", "")


def test_errors_point_at_the_renamed_commands() -> None:
    assert "/ai-optout claude, or /optout-help for the list" in ask("")
    assert "Try /ai-optout for the full list." in ask("/optout zzzzzzzz")
    assert "• /ai-optout chatterbox — Chatterbox AI" in ask("/optout chaterbox")
    assert "Try /ai-optout, or /optout-help for the list" in ask("/optuot")


def test_lists_and_date_lines_use_the_renamed_commands() -> None:
    listing = ask("/optout")
    assert "Ask about one with /ai-optout &lt;service&gt;, e.g. /ai-optout claude." in listing
    assert "— /ai-optout chatterbox" in listing
    assert "(/deadline chatterbox)" in ask("/optout chatterbox full")


def test_the_notification_text_spells_commands_the_same_way() -> None:
    [message] = render_reply(answer_line(assistant_at(NOW), ""), slashes=SLACK_NAMES)
    assert "/ai-optout claude" in message.text and "{" not in message.text


def test_without_renames_commands_keep_their_catalogue_names() -> None:
    [message] = render_reply(answer_line(assistant_at(NOW), "/optout zzzzzzzz"))
    assert "Try /optout for the full list." in message.blocks[0]["text"]["text"]
