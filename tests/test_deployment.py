"""The compose file, the Dockerfile, .env.example and the settings agree with each other.

No container engine runs here: these tests read the files and check them against the code
(bot/config.py for settings, the real argument parser for service commands).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import parser as _parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
# Variables of the compose file itself, not settings of the bot.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
# Standard variables the settings fall back on, not settings of their own.
STANDARD = {"XDG_CACHE_HOME"}
_ASSIGNMENT = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")
_INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


class RecordingEnvironment(dict[str, str]):
    """An environment that remembers every variable the settings read."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        super().__init__(values or {})
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def setting_names() -> set[str]:
    environment = RecordingEnvironment()
    Settings.from_environ(environment)
    return environment.read - STANDARD


def env_example() -> dict[str, tuple[str, bool]]:
    """Every variable in .env.example: its value, and whether the line is commented out."""
    entries = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = _ASSIGNMENT.match(line)
        if match:
            entries[match.group(1)] = (match.group(2), line.startswith("#"))
    return entries


def compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(document, dict)
    return document


def bot_services() -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in compose()["services"].items() if name != "postgres"}


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    listed = set(env_example())
    assert listed - COMPOSE_ONLY == setting_names()


def test_every_setting_in_env_example_has_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if _ASSIGNMENT.match(line):
            above = [previous for previous in lines[:number] if previous.strip()][-1]
            explained = above.startswith("# ") or _ASSIGNMENT.match(above)
            assert explained, f"{line!r} has no comment above it"


def test_env_example_values_are_valid_settings() -> None:
    values = {name: value for name, (value, _) in env_example().items() if name not in COMPOSE_ONLY}
    uncommented = {name: value for name, value in values.items() if value}
    settings = Settings.from_environ(uncommented)
    assert settings.database_url == "sqlite:///data/optout.db"
    assert settings.reminder_offsets == (14, 3, 1, 0)


def test_compose_interpolates_only_listed_variables() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert set(_INTERPOLATION.findall(text)) <= set(env_example())


def test_bot_services_read_env_and_override_only_settings() -> None:
    names = setting_names()
    services = bot_services()
    assert set(services) == {"migrate", "slack", "discord"}
    for name, spec in services.items():
        assert spec["env_file"] == ".env", name
        assert set(spec.get("environment", {})) <= names, name
        assert spec["environment"]["DATABASE_URL"].startswith("postgresql://"), name
        assert spec["build"] == "." and spec["image"] == "optout-bot:latest", name


@pytest.mark.parametrize(
    ("service", "expected", "handler"),
    [
        ("migrate", "migrate", "migrate_handler"),
        ("slack", "run", "start"),
        ("discord", "run", "start"),
    ],
)
def test_service_commands_are_real_subcommands(service: str, expected: str, handler: str) -> None:
    command = bot_services()[service]["command"]
    arguments = _parser().parse_args(command)
    assert command[0] == expected
    assert arguments.handler.__name__ == handler
    if service != "migrate":
        assert arguments.platform == [service]


def test_the_bots_start_after_the_migration_which_waits_for_a_healthy_database() -> None:
    document = compose()
    postgres = document["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert set(document["volumes"]) == {"postgres-data"}
    services = bot_services()
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("slack", "discord"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_the_dockerfile_builds_a_slim_non_root_image_with_the_content() -> None:
    instructions = [
        line.split(maxsplit=1)
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    by_kind: dict[str, list[str]] = {}
    for kind, rest in instructions:
        by_kind.setdefault(kind, []).append(rest)
    assert by_kind["FROM"] == ["python:3.11-slim"]
    assert any(rest.startswith("content ") for rest in by_kind["COPY"])
    assert by_kind["USER"] == ["optout"]
    assert by_kind["ENTRYPOINT"] == ['["optout-bot"]']
    assert "OPTOUT_CONTENT_DIR=/app/content" in " ".join(by_kind["ENV"])
