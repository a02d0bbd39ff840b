"""``optout-bot sources`` on the bundled knowledge base, against pages served over HTTPS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.sources.labels import citations
from tests.content.sources.pages import html_page
from tests.content.sources.proxy import HttpsProxy, Page
from tests.support import BUNDLED_CONTENT


def serve_bundled_content(proxy: HttpsProxy, content: Path) -> dict[str, list[str]]:
    """One article per cited URL, quoting every label the parts citing it quote."""
    from bot.content.loader import load_knowledge
    from bot.core.clock import SystemClock

    knowledge = load_knowledge(content, SystemClock().now().date()).knowledge
    paragraphs: dict[str, list[str]] = {}
    for service in knowledge.services:
        labels = {source.id: set[str]() for source in service.sources}
        for citation in citations(service):
            for source_id in citation.sources:
                labels[source_id].update(citation.labels)
        for source in service.sources:
            lines = paragraphs.setdefault(source.url, [f"About {source.title}."])
            lines.extend(f"Open {label} to see it." for label in sorted(labels[source.id]))
    for url, lines in paragraphs.items():
        proxy.pages[url] = html_page("Help article", lines)
    return paragraphs


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, copy, ignore=shutil.ignore_patterns("sources"))
    return copy


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["sources", *args])
    return code, capsys.readouterr().out


def test_check_reports_exactly_the_seeded_changes(
    proxy: HttpsProxy, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served = serve_bundled_content(proxy, content)
    assert run(capsys, "accept", "--content", str(content))[0] == 0
    assert (content / "sources" / "claude.json").is_file()
    code, _ = run(capsys, "check", "--content", str(content), "--json")
    assert code == 0

    claude_settings = "https://privacy.anthropic.com/en/articles/12109829-how-do-i-change-my-model-improvement-privacy-settings"
    chatgpt_article = next(url for url in served if "openai.com" in url)
    gemini_page = next(url for url in served if "google.com" in url and url != chatgpt_article)
    moved_page = next(url for url in served if "linkedin.com" in url)
    proxy.pages[claude_settings] = html_page(
        "Help article",
        [line for line in served[claude_settings] if "Help Improve Claude" not in line],
    )
    proxy.pages[chatgpt_article] = html_page(
        "Help article", [*served[chatgpt_article], "A new rule."]
    )
    proxy.pages[gemini_page] = Page(b"gone", status=404)
    proxy.pages[moved_page + "-new"] = proxy.pages[moved_page]
    proxy.pages[moved_page] = Page(status=301, headers={"Location": moved_page + "-new"})

    code, out = run(capsys, "check", "--content", str(content), "--json")
    records = json.loads(out)
    flagged = {(r["url"], r["status"]) for r in records if r["needs_a_look"]}
    assert code == 1
    assert flagged == {
        (claude_settings, "changed"),
        (chatgpt_article, "changed"),
        (gemini_page, "gone"),
        (moved_page, "moved"),
    }
    lost = {(r["service"], m["label"], m["part"]) for r in records for m in r["labels_missing"]}
    assert ("claude", "Help Improve Claude", "steps (web-desktop) step 4") in lost
    assert ("claude", "Help Improve Claude", "steps (mobile) step 4") in lost
    assert {label for _, label, _ in lost} == {"Help Improve Claude"}


def test_the_human_report_groups_by_service_and_says_how_to_accept(
    proxy: HttpsProxy, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_bundled_content(proxy, content)
    code, out = run(capsys, "check", "--content", str(content), "--service", "claude")
    assert code == 0
    assert out.startswith("claude: 0 of ")
    assert "NOT-ACCEPTED" in out
    assert "record a baseline: optout-bot sources accept --service claude" in out


def test_an_unknown_service_cannot_be_checked(
    proxy: HttpsProxy, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "check", "--content", str(content), "--service", "nonesuch"]) == 2
    assert "no service with id 'nonesuch'" in capsys.readouterr().err


def test_validate_ignores_accepted_baselines(
    proxy: HttpsProxy, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_bundled_content(proxy, content)
    run(capsys, "accept", "--content", str(content), "--service", "claude")
    assert main(["validate", "--content", str(content)]) == 0
