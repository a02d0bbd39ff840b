"""The bundled knowledge base as users see it: golden answers make every content change visible."""

from datetime import UTC, datetime, time

import pytest

from bot.content.loader import load_knowledge
from bot.core.assistant import Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.platforms.console.render import render_text
from bot.platforms.discord.actions import PLATFORM as DISCORD
from bot.platforms.discord.components import PRIVATE, RenderedReplies
from bot.platforms.slack.actions import PLATFORM as SLACK
from bot.platforms.slack.actions import answer_buttons
from bot.platforms.slack.render import render_reply as slack_render
from tests.support import BUNDLED_CONTENT, BUNDLED_TODAY, answer_line
from tests.support.golden import assert_golden

# Answers are rendered as at a fixed instant so countdowns in the golden files stay put.
AS_OF = datetime.combine(BUNDLED_TODAY, time(12), UTC)
GOLDEN_SERVICES = ("claude", "chatgpt", "gemini", "linkedin", "meta-ai", "github-copilot")
# The services the knowledge base promises to cover, in priority order.
REQUIRED_LIST = (
    "claude chatgpt gemini meta-ai copilot linkedin grok perplexity slack github-copilot mistral "
    "character-ai grammarly figma adobe wordpress-com tumblr squarespace substack reddit zoom "
    "apple-intelligence alexa deepseek notion dropbox cursor otter snapchat pinterest quora medium "
    "canva google-workspace atlassian youtube discord telegram stack-overflow wetransfer "
    "soundcloud udemy jetbrains windsurf starlink microsoft-365-copilot"
)
REQUIRED_SERVICES = REQUIRED_LIST.split()


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge(BUNDLED_CONTENT, AS_OF.date()).knowledge


def answer(knowledge: KnowledgeBase, text: str) -> str:
    return render_text(answer_line(Assistant(lambda: knowledge, FixedClock(AS_OF)), text), UTC)


@pytest.mark.parametrize("service", GOLDEN_SERVICES)
def test_full_optout_answer_matches_golden_file(knowledge: KnowledgeBase, service: str) -> None:
    assert_golden(f"content_optout_{service}.txt", answer(knowledge, f"/optout {service} full"))


@pytest.mark.parametrize("service", GOLDEN_SERVICES)
def test_card_matches_golden_file(knowledge: KnowledgeBase, service: str) -> None:
    assert_golden(f"content_card_{service}.txt", answer(knowledge, f"/optout {service}"))


@pytest.mark.parametrize("service", GOLDEN_SERVICES)
async def test_card_as_slack_and_discord_receive_it_matches_golden_files(
    knowledge: KnowledgeBase, service: str
) -> None:
    card = answer_line(Assistant(lambda: knowledge, FixedClock(AS_OF)), f"/optout {service}")
    [slack] = slack_render(card, answer_buttons(card, knowledge.messages.en.platform(SLACK)))
    assert_golden(f"slack_card_{service}.json", slack.payload())
    # A discord.py view needs a running loop: this test is a coroutine for that alone.
    [fields] = RenderedReplies(lambda: knowledge.messages.en.platform(DISCORD)).reply(card, PRIVATE)
    discord = {
        "embeds": [embed.to_dict() for embed in fields["embeds"]],
        "components": fields["view"].to_components(),
    }
    assert_golden(f"discord_card_{service}.json", discord)


def test_deadline_listing_matches_golden_file(knowledge: KnowledgeBase) -> None:
    assert_golden("content_deadline_all.txt", answer(knowledge, "/deadline"))


def test_every_listed_service_is_covered(knowledge: KnowledgeBase) -> None:
    known = {service.id for service in knowledge.services}
    assert set(REQUIRED_SERVICES) <= known
    assert len(known) >= 44


@pytest.mark.parametrize("service", REQUIRED_SERVICES)
def test_every_service_answers_with_a_way_forward_and_sources(
    knowledge: KnowledgeBase, service: str
) -> None:
    record = knowledge.service(service)
    assert record is not None
    if (
        record.opt_out.kind in {"setting", "form", "request", "admin"}
        and not record.no_vendor_source
    ):
        # Steps may only be missing where no vendor page could confirm them (and the file says so).
        assert record.steps, f"{service}: an opt-out that exists needs steps"
    text = answer(knowledge, f"/optout {service} full")
    assert "Sources\n" in text and "Last verified:" in text
    assert "https://" in text
    card = answer(knowledge, f"/optout {service}")
    assert "Sources: " in card and "Last verified:" in card
    assert f"Full guide: /optout {service} full" in card


def test_anthropic_deadline_shows_its_history(knowledge: KnowledgeBase) -> None:
    text = answer(knowledge, "/deadline claude")
    assert "8 Oct 2025" in text
    assert "(first 28 Sep 2025, moved to 8 Oct 2025)" in text
    assert "Passed." in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anthropic", "claude"),
        ("Claude Code", "claude"),
        ("OpenAI", "chatgpt"),
        ("instagram", "meta-ai"),
        ("twitter", "grok"),
        ("gmail", "google-workspace"),
    ],
)
def test_common_names_find_the_right_service(
    knowledge: KnowledgeBase, query: str, expected: str
) -> None:
    found = knowledge.index.find(query)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    ("typo", "expected"), [("antropic", "claude"), ("chat gtp", "chatgpt"), ("linkdin", "linkedin")]
)
def test_near_misses_on_real_names_are_suggested(
    knowledge: KnowledgeBase, typo: str, expected: str
) -> None:
    assert expected in [service.id for service in knowledge.index.suggest(typo)]
