import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.support import FIXTURE_CONTENT

ROOT = Path(__file__).parent.parent.parent


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "OPTOUT_RELOAD_SECONDS": "0", **(env or {})}
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environment,
    )


def test_ask_prints_the_reply(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "ask",
            "/optout chatterbox",
            "--content",
            str(FIXTURE_CONTENT),
            "--now",
            "2025-09-20T12:00:00Z",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Chatterbox AI\n")
    assert "“Improve Chatterbox for everyone”" in out


def test_ask_now_changes_the_countdown(capsys: pytest.CaptureFixture[str]) -> None:
    for now, expected in (
        ("2025-09-20T12:00:00Z", "in 18 days"),
        ("2025-10-07T09:00:00Z", "tomorrow"),
    ):
        main(
            [
                "ask",
                "/deadline chatterbox",
                "--content",
                str(FIXTURE_CONTENT),
                "--now",
                now,
                "--tz",
                "UTC",
            ]
        )
        assert f"8 Oct 2025 ({expected})" in capsys.readouterr().out


def test_ask_shows_timed_events_in_the_requested_zone(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "ask",
            "/deadline chatterbox",
            "--content",
            str(FIXTURE_CONTENT),
            "--now",
            "2026-12-01T00:00:00Z",
            "--tz",
            "Europe/Berlin",
        ]
    )
    assert "11 Dec 2026 02:00 CET" in capsys.readouterr().out


def test_ask_rejects_an_instant_without_zone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["ask", "/deadline", "--now", "2025-09-20T12:00:00"])
    assert exited.value.code == 2
    assert "give a time zone" in capsys.readouterr().err


def test_ask_with_broken_content_lists_problems_and_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "/help", "--content", "tests/fixtures/broken"]) == 1
    err = capsys.readouterr().err
    assert "alpha.yaml:7:1: duplicate key 'summary'" in err
    assert "Traceback" not in err


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert '"title": "Service"' in out
    assert '"additionalProperties": false' in out


def test_python_dash_m_bot_ask_works_without_importing_platform_sdks() -> None:
    # Nor the HTTP client of the source checks, the database layer or an event loop: a one-shot
    # answer starts in a fraction of a second only while it loads none of them.
    probe = (
        "import sys, bot.cli as cli; code = cli.main(['ask', '/optout chatterbox', "
        f"'--content', {str(FIXTURE_CONTENT)!r}]);"
        "sdks = ('discord', 'slack_bolt', 'slack_sdk', 'aiohttp', 'httpx', 'trafilatura',"
        " 'sqlalchemy', 'asyncio');"
        "loaded = [m for m in sdks if m in sys.modules];"
        "print('LOADED', loaded); sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_an_answer_from_the_content_cache_needs_no_validator_or_yaml_parser(
    tmp_path: Path,
) -> None:
    probe = (
        "import sys, bot.cli as cli; code = cli.main(['ask', '/optout chatterbox', "
        f"'--content', {str(FIXTURE_CONTENT)!r}]);"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'yaml'}));"
        "sys.exit(code)"
    )
    env = {**os.environ, "OPTOUT_CACHE_DIR": str(tmp_path)}

    def loaded() -> str:
        result = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env
        )
        assert result.returncode == 0, result.stderr
        assert "Chatterbox" in result.stdout
        return result.stdout.splitlines()[-1]

    assert loaded() == "LOADED ['pydantic', 'yaml']"  # the first run fills the cache
    assert loaded() == "LOADED []"


def test_module_entry_point_runs() -> None:
    result = run_cli("ask", "/help", "--content", str(FIXTURE_CONTENT))
    assert result.returncode == 0, result.stderr
    assert "/optout [service]" in result.stdout


def test_run_refuses_to_start_on_broken_content() -> None:
    result = run_cli("run", "--platform", "console", "--content", "tests/fixtures/broken")
    assert result.returncode == 1
    assert "zeta.yaml:21:11: related.0: unknown service 'nowhere'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_configuration_is_reported_before_anything_starts() -> None:
    result = run_cli("ask", "/help", env={"OPTOUT_TIMEZONE": "Nowhere/Land", "LOG_LEVEL": "LOUD"})
    assert result.returncode == 2
    assert (
        "OPTOUT_TIMEZONE: must be an IANA time zone such as Europe/Paris, not 'Nowhere/Land'"
        in (result.stderr)
    )
    assert "LOG_LEVEL: must be" in result.stderr
