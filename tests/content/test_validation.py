import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.loader import ContentError, load_knowledge
from bot.content.schema import service_schema
from tests.support import BUNDLED_CONTENT, FIXTURE_CONTENT, FIXTURE_TODAY

BROKEN = Path("tests/fixtures/broken")

EXPECTED_PROBLEMS = [
    "services/alpha.yaml:7:1: duplicate key 'summary'",
    "services/alpha.yaml:11:3: opt_out.text: '[' at character 10 is not closed by ']'",
    "services/alpha.yaml:17:3: default.state: Input should be 'on', 'off', 'varies' or"
    " 'not-applicable'",
    "services/alpha.yaml:18:3: default.text: contains mention syntax (@everyone, @here, <@…>,"
    " <!…>); rephrase it",
    "services/alpha.yaml:22:5: steps.0.settings_url: must be a well-formed https:// URL",
    "services/alpha.yaml:25:5: steps.0.colour: unknown key (check the spelling against"
    " content/schema.json)",
    "services/beta.yaml:2:1: id: 'gamma' must equal the file name 'beta'",
    "services/delta.yaml:7:1: last_verified: is in the future; use the date you checked",
    "services/delta.yaml:11:1: sources: no vendor source: cite the vendor's own page or explain"
    " in no_vendor_source",
    "services/epsilon.yaml:1:1: first line must be"
    " '# yaml-language-server: $schema=../schema.json'",
    "services/epsilon.yaml:3:1: YAML: did not find expected ',' or ']'",
    "services/zeta.yaml:5:11: aliases.0: 'shared name' is already a name of 'delta'",
    "services/zeta.yaml:9:48: applies_to.sources.1: cites 'missing-source', which is not in"
    " sources",
    "services/zeta.yaml:18:1: changes: changes must be ordered oldest first",
    "services/zeta.yaml:21:11: related.0: unknown service 'nowhere'",
    "services/zeta.yaml:21:20: related.1: a service cannot relate to itself",
    "services/zeta.yaml:23:94: sources.0.published: is after the date the page was accessed",
    "services/zeta.yaml:24:6: sources.1.id: source id 'vendor' repeats",
]


def test_validate_reports_every_problem_with_file_line_and_column(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--content", str(BROKEN)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:-1] == [f"{BROKEN}/{problem}" for problem in EXPECTED_PROBLEMS]
    assert lines[-1] == f"{BROKEN}: invalid: {len(EXPECTED_PROBLEMS)} problem(s)"


def test_valid_content_passes_with_a_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--content", str(BUNDLED_CONTENT)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert ": valid: " in out[0]
    assert "0 warning(s)" in out[0]


def test_stale_entries_are_warnings_not_errors() -> None:
    result = load_knowledge(FIXTURE_CONTENT, FIXTURE_TODAY)
    assert [str(w).split(": ", 1)[1] for w in result.warnings] == [
        "warning: last_verified: entry was last verified 576 days ago; re-check its sources"
    ]
    assert result.warnings[0].path.name == "oldsocial.yaml"


def test_missing_messages_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    with pytest.raises(ContentError) as caught:
        load_knowledge(tmp_path, FIXTURE_TODAY)
    messages = [problem.message for problem in caught.value.problems]
    assert any("cannot read file" in message for message in messages)
    assert "no service files found" in messages


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "messages.yaml").write_bytes((FIXTURE_CONTENT / "messages.yaml").read_bytes())
    (tmp_path / "services" / "bad.yaml").write_bytes(b"\xff\xfe id: bad")
    with pytest.raises(ContentError) as caught:
        load_knowledge(tmp_path, FIXTURE_TODAY)
    assert [problem.message for problem in caught.value.problems] == ["not UTF-8 (byte 0)"]


def test_checked_in_schema_matches_the_model() -> None:
    checked_in = json.loads((BUNDLED_CONTENT / "schema.json").read_text(encoding="utf-8"))
    assert checked_in == service_schema(), "run `make schema` to regenerate content/schema.json"


def test_every_service_file_points_editors_at_the_schema() -> None:
    for path in (BUNDLED_CONTENT / "services").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema.json", path
