"""The front door's registry and the catalogue name exactly the same commands and sub-actions."""

import pytest

from bot.core import assistant as front_door
from bot.core.assistant import COMMAND_HANDLERS, SUBACTION_HANDLERS, VIEW_HANDLERS
from bot.core.catalogue import CATALOGUE, COMMANDS, CommandSpec
from bot.core.request import Request
from tests.support import assistant_at

NOW = "2025-09-20T12:00:00Z"


def test_every_catalogue_command_has_a_handler_and_every_handler_a_command() -> None:
    assert set(COMMAND_HANDLERS) == {spec.name for spec in CATALOGUE}


def test_every_subaction_has_a_handler_and_every_handler_a_subaction() -> None:
    subactions = [(spec.name, sub) for spec in CATALOGUE for sub in spec.subactions]
    assert set(SUBACTION_HANDLERS) == {(name, sub.name) for name, sub in subactions if sub.stored}
    assert set(VIEW_HANDLERS) == {(name, sub.name) for name, sub in subactions if not sub.stored}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_is_answered_by_its_own_handler(name: str) -> None:
    assert assistant_at(NOW).run(name).command == name


def test_a_command_without_a_handler_is_an_error_never_another_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unfinished = CommandSpec("remind", "Not written yet", "/remind", ("/remind",))
    monkeypatch.setitem(front_door.COMMANDS, "remind", unfinished)
    reply = assistant_at(NOW).run("remind")
    assert reply.tone == "error"
    assert reply.command == "help" and not reply.sections


async def test_the_front_door_answers_plain_commands_as_the_fast_path_does() -> None:
    assistant = assistant_at(NOW)
    request = Request("optout", "chatterbox")
    assert await assistant.handle(request) is assistant.answer_now(request)
