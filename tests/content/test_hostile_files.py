"""Hostile files in the content folder are refused with their place, through the real CLI.

Each run is a subprocess with a time limit and an address-space limit, so a regression shows up
as a failed test rather than a hung or swapping machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import FIXTURE_CONTENT

ROOT = Path(__file__).parent.parent.parent
MEMORY_LIMIT = 1024 * 1024 * 1024  # far above what validating the fixtures needs
TIME_LIMIT = 60

# Nine levels of nine aliases each: under 700 bytes that expand to 9**9 strings.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def validate(content: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``optout-bot validate`` on ``content``, bounded in time and memory."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--content", str(content)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=ROOT,
        env={**os.environ, **env},
        preexec_fn=limit_memory,
    )


def refused(content: Path, **env: str) -> str:
    result = validate(content, **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout + result.stderr


def test_the_alias_bomb_is_small() -> None:
    assert len(ALIAS_BOMB) < 700


def test_an_alias_bomb_is_refused_before_it_expands(content: Path) -> None:
    (content / "services" / "bomb.yaml").write_text(ALIAS_BOMB)
    shown = refused(content)
    assert "bomb.yaml:2:8: aliases are not allowed" in shown
    assert "bomb.yaml:9:8: aliases are not allowed" in shown


def test_a_self_referencing_alias_is_refused(content: Path) -> None:
    (content / "services" / "loop.yaml").write_text("id: &me [*me]\n")
    assert "loop.yaml:1:10: aliases are not allowed" in refused(content)


def test_a_fifo_is_refused_without_waiting_for_a_writer(content: Path) -> None:
    os.mkfifo(content / "services" / "pipe.yaml")
    assert "pipe.yaml:1:1: is a FIFO, not a regular file; not read" in refused(content)


def test_a_link_to_a_device_is_refused(content: Path) -> None:
    (content / "services" / "zero.yaml").symlink_to("/dev/zero")
    assert "zero.yaml:1:1: leads outside the content folder" in refused(content)


def test_a_link_outside_the_folder_is_never_read_or_quoted(content: Path, tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.yaml"
    secret.write_text("database_password: hunter2-do-not-print\n")
    (content / "services" / "leak.yaml").symlink_to(secret)
    shown = refused(content)
    assert "leak.yaml:1:1: leads outside the content folder" in shown
    assert "hunter2" not in shown and "database_password" not in shown


def test_a_link_inside_the_folder_is_read(content: Path) -> None:
    (content / "services" / "copy.yaml").symlink_to("quietnote.yaml")
    assert "copy.yaml:2:1: id: 'quietnote' must equal the file name 'copy'" in refused(content)


def test_a_linked_services_folder_outside_the_content_is_refused(
    content: Path, tmp_path: Path
) -> None:
    shutil.move(content / "services", tmp_path / "outside")
    (content / "services").symlink_to(tmp_path / "outside")
    assert "chatterbox.yaml:1:1: leads outside the content folder" in refused(content)


def test_a_directory_named_like_a_service_file_is_refused(content: Path) -> None:
    (content / "services" / "folder.yaml").mkdir()
    assert "folder.yaml:1:1: is a directory, not a regular file; not read" in refused(content)


def test_a_file_over_the_default_size_limit_is_refused(content: Path) -> None:
    path = content / "services" / "quietnote.yaml"
    path.write_text(path.read_text() + "#" * (1024 * 1024) + "\n")
    assert f"quietnote.yaml:1:1: is {path.stat().st_size} bytes, over the limit of 1048576" in (
        refused(content)
    )


def test_the_size_limit_is_a_setting(content: Path) -> None:
    # The limit is checked against the largest file of the knowledge base, whichever it is.
    largest = max(content.rglob("*.yaml"), key=lambda path: path.stat().st_size)
    size = largest.stat().st_size
    shown = refused(content, OPTOUT_CONTENT_MAX_BYTES=str(size - 1))
    assert f"{largest.name}:1:1: is {size} bytes, over the limit of {size - 1}" in shown
    assert validate(content, OPTOUT_CONTENT_MAX_BYTES=str(size)).returncode == 0


def test_nesting_deeper_than_any_content_is_refused(content: Path) -> None:
    (content / "services" / "deep.yaml").write_text("id: " + "[" * 400 + "]" * 400 + "\n")
    shown = refused(content)
    assert "deep.yaml:1:" in shown and "nested deeper than 24 levels" in shown


def test_the_bundled_content_still_validates() -> None:
    result = validate(ROOT / "content")
    assert result.returncode == 0, result.stdout + result.stderr
