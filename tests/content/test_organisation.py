"""The organisation section of a workplace tool: validated like the rest, shown in /optout."""

import shutil
from pathlib import Path

import pytest

from bot.content.loader import ContentError, load_knowledge
from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.platforms.console.render import render_text
from tests.support import FIXTURE_CONTENT, FIXTURE_TODAY, answer_line, instant

ORGANISATION = """organisation:
  role: Workspace owner
  action: Turn off [Share chats for training] for the whole workspace.
  settings_url: https://chatterbox.example/admin/data
  steps:
    - Open [Admin] > [Data].
    - Turn off [Share chats for training].
  plans:
    - plan: Team
      state: "on"
      sources: [help-centre]
    - plan: Enterprise
      state: "off"
      text: Sales-negotiated contracts say so.
      sources: [help-centre]
    - plan: Starter
      state: always
      sources: [help-centre]
  cannot_turn_off:
    - text: Abuse monitoring keeps flagged chats.
      sources: [help-centre]
  deadlines: [DEADLINE]
  sources: [help-centre]
"""


def content_with(tmp_path: Path, section: str) -> Path:
    """The fixture knowledge base with ``section`` added to chatterbox."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    path = target / "services" / "chatterbox.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndeadlines:\n", f"\n{section}deadlines:\n", 1), "utf-8")
    return target


def test_an_organisation_section_loads_and_is_shown_in_the_answer(tmp_path: Path) -> None:
    content = content_with(tmp_path, ORGANISATION.replace("DEADLINE", "choose"))
    knowledge = load_knowledge(content, FIXTURE_TODAY).knowledge
    service = knowledge.service("chatterbox")
    assert service is not None and service.organisation is not None
    assert [plan.plan for plan in service.organisation.plans] == ["Team", "Enterprise", "Starter"]
    assistant = Assistant(lambda: knowledge, FixedClock(instant("2026-11-28T12:00:00Z")))
    text = render_text(answer_line(assistant, "/optout chatterbox full"), None)
    assert "For organisations" in text
    assert "Who can change it: Workspace owner" in text
    assert "https://chatterbox.example/admin/data" in text
    assert "Team: used unless an admin turns it off" in text
    assert "Enterprise: not used unless an admin turns it on. Sales-negotiated" in text
    assert "Starter: used, and no admin setting turns it off" in text
    assert "Cannot be turned off: Abuse monitoring keeps flagged chats." in text


def test_a_personal_service_has_no_organisation_part() -> None:
    knowledge = load_knowledge(FIXTURE_CONTENT, FIXTURE_TODAY).knowledge
    assistant = Assistant(lambda: knowledge, FixedClock(instant("2026-11-28T12:00:00Z")))
    answer = answer_line(assistant, "/optout chatterbox full")
    assert "For organisations" not in render_text(answer, None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[DEADLINE]", "[nowhere]"), "organisation.deadlines.0: unknown deadline 'nowhere'"),
        (("plan: Enterprise", "plan: team"), "organisation.plans.1: 'team' repeats"),
        (("  role: Workspace owner\n", ""), "organisation.role: Field required"),
        (('      state: "on"', "      state: sometimes"), "organisation.plans.0.state"),
        (("  sources: [help-centre]\n", "  sources: [nope]\n"), "cites 'nope'"),
    ],
)
def test_organisation_mistakes_are_located_errors(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    section = ORGANISATION.replace(*change).replace("DEADLINE", "choose")
    with pytest.raises(ContentError) as raised:
        load_knowledge(content_with(tmp_path, section), FIXTURE_TODAY)
    problems = [str(problem) for problem in raised.value.problems]
    assert any("chatterbox.yaml:" in p and message in p for p in problems), problems
