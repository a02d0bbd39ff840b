from zoneinfo import ZoneInfo

import pytest

from bot.platforms.console.render import render_text
from tests.support import answer_line, assistant_at
from tests.support.golden import assert_golden

CASES = {
    "optout_chatterbox": "/optout chatterbox",
    "optout_list": "/optout",
    "optout_quietnote": "/optout quietnote",
    "deadline_all": "/deadline",
    "deadline_chatterbox": "/deadline chatterbox",
    "changes_all": "/changes",
    "help": "/help",
    "not_found": "/optout chaterbox",
    "unknown_command": "/optuot",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_console_output_matches_golden_file(name: str) -> None:
    reply = answer_line(assistant_at("2025-09-20T12:00:00+00:00"), CASES[name])
    assert_golden(f"console_{name}.txt", render_text(reply, ZoneInfo("Europe/Berlin")))


def test_stale_entry_warning_is_printed_first() -> None:
    assistant = assistant_at("2026-11-28T00:00:00+00:00")
    guide = answer_line(assistant, "/optout oldsocial full")
    lines = render_text(guide, ZoneInfo("UTC")).splitlines()
    assert lines[2].startswith("! This entry was last verified on 2025-05-01")
    card = render_text(answer_line(assistant, "/optout oldsocial"), ZoneInfo("UTC"))
    assert (
        card.splitlines()[2] == "! Last verified over 180 days ago: the settings may have changed."
    )
