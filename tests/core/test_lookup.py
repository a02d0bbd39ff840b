import pytest

from bot.core.lookup import ServiceIndex, normalise
from tests.support import make_service

SERVICES = [
    make_service("claude", "Anthropic Claude", ["anthropic", "claude code", "claude.ai"]),
    make_service("chatgpt", "OpenAI ChatGPT", ["openai", "chat gpt"]),
    make_service("linkedin", "LinkedIn", ["linked in"]),
    make_service("gemini", "Google Gemini", ["google", "bard"]),
    make_service("github-copilot", "GitHub Copilot", ["github copilot"]),
    make_service("copilot", "Microsoft Copilot", ["microsoft copilot", "bing chat"]),
    make_service("meta-ai", "Meta AI", ["facebook", "instagram", "whatsapp", "meta"]),
]
INDEX = ServiceIndex(SERVICES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("claude", "claude"),
        ("CLAUDE", "claude"),
        ("Anthropic", "claude"),
        ("claude code", "claude"),
        ("Claude-Code", "claude"),
        ("claude.ai", "claude"),
        ("chatgpt", "chatgpt"),
        ("Chat GPT", "chatgpt"),
        ("open-ai", "chatgpt"),
        ("OpenAI ChatGPT", "chatgpt"),
        ("  linkedin ", "linkedin"),
        ("Linked In", "linkedin"),
        ("Instagram", "meta-ai"),
        ("GitHub Copilot", "github-copilot"),
        ("copilot", "copilot"),
        ("Ｃｌａｕｄｅ", "claude"),
    ],
)
def test_exact_lookup_ignores_case_spacing_punctuation_and_width(query: str, expected: str) -> None:
    found = INDEX.find(query)
    assert found is not None
    assert found.id == expected


@pytest.mark.parametrize("query", ["", "   ", "!!!", "claud", "zoom"])
def test_exact_lookup_misses_return_none(query: str) -> None:
    assert INDEX.find(query) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [("antropic", "claude"), ("chat gtp", "chatgpt"), ("linkdin", "linkedin"), ("gemni", "gemini")],
)
def test_near_misses_suggest_the_intended_service_first(query: str, expected: str) -> None:
    suggestions = INDEX.suggest(query)
    assert suggestions, f"no suggestion for {query!r}"
    assert suggestions[0].id == expected
    assert len(suggestions) <= 3


def test_suggestions_never_repeat_a_service() -> None:
    suggestions = INDEX.suggest("copilto")
    ids = [service.id for service in suggestions]
    assert len(ids) == len(set(ids))
    assert set(ids) <= {"copilot", "github-copilot"}


def test_nonsense_gets_no_suggestions() -> None:
    assert INDEX.suggest("qqqqqqqqqqqq") == []


def test_autocomplete_ranks_prefix_matches_before_fragments() -> None:
    names = [match.service.id for match in INDEX.autocomplete("co", 25)]
    assert names[0] == "copilot"
    assert "github-copilot" in names
    assert "claude" in [match.service.id for match in INDEX.autocomplete("cla", 25)]
    assert INDEX.autocomplete("cla", 25)[0].service.id == "claude"


def test_autocomplete_finds_fragments_inside_names() -> None:
    ids = [match.service.id for match in INDEX.autocomplete("pilot", 25)]
    assert {"copilot", "github-copilot"} <= set(ids)


def test_autocomplete_with_nothing_typed_lists_services_alphabetically() -> None:
    names = [match.service.name for match in INDEX.autocomplete("", 25)]
    assert names == sorted(names, key=str.casefold)
    assert len(names) == len(SERVICES)


def test_autocomplete_respects_the_limit() -> None:
    many = ServiceIndex([make_service(f"svc-{n}", f"Service {n}") for n in range(60)])
    assert len(many.autocomplete("service", 25)) == 25
    assert len(many.autocomplete("", 7)) == 7


def test_normalise_drops_everything_but_letters_and_digits() -> None:
    assert normalise("  Claude-Code! ") == "claudecode"
    assert normalise("Café") == "cafe"
