"""Hot reload: edits are served without a restart; a broken edit keeps the last good version."""

import asyncio
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.bootstrap import build_assistant, load_content
from bot.content.loader import LoadResult
from bot.content.reload import ContentWatcher
from bot.core.clock import FixedClock
from tests.support import FIXTURE_CONTENT, answer_line, instant


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def test_an_edit_is_served_after_the_next_check(content: Path) -> None:
    assistant, live = build_assistant(content, FixedClock(instant("2025-09-20T12:00:00+00:00")))
    watcher = ContentWatcher(content, live, lambda: load_content(content), interval=0.01)
    before = live().version
    assert not await watcher.check()
    edit(content / "services" / "quietnote.yaml", "name: QuietNote", "name: QuietNote Cloud")
    assert await watcher.check()
    assert live().version != before
    assert answer_line(assistant, "/optout quietnote").title == "QuietNote Cloud"


async def test_a_broken_edit_is_logged_and_the_last_good_version_kept(
    content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assistant, live = build_assistant(content, FixedClock(instant("2025-09-20T12:00:00+00:00")))
    watcher = ContentWatcher(content, live, lambda: load_content(content), interval=0.01)
    good = live().version
    edit(content / "services" / "quietnote.yaml", "kind: not-needed", "kind: maybe")
    with caplog.at_level(logging.ERROR):
        assert not await watcher.check()
    assert live().version == good
    assert answer_line(assistant, "/optout quietnote").title == "QuietNote"
    assert any(
        "quietnote.yaml:9:3: opt_out.kind" in record.getMessage() for record in caplog.records
    )
    edit(content / "services" / "quietnote.yaml", "kind: maybe", "kind: not-needed")
    assert await watcher.check()


async def test_a_new_service_file_is_picked_up_by_the_running_watcher(content: Path) -> None:
    assistant, live = build_assistant(content, FixedClock(instant("2025-09-20T12:00:00+00:00")))
    watcher = ContentWatcher(content, live, lambda: load_content(content), interval=0.01)
    task = asyncio.create_task(watcher.run())
    try:
        source = (content / "services" / "quietnote.yaml").read_text(encoding="utf-8")
        clone = source.replace("id: quietnote", "id: loudnote").replace(
            "name: QuietNote", "name: LoudNote"
        )
        (content / "services" / "loudnote.yaml").write_text(
            clone.replace("aliases: [qn]", "aliases: [ln]")
        )
        for _ in range(200):
            if answer_line(assistant, "/optout loudnote").title == "LoudNote":
                break
            await asyncio.sleep(0.01)
        assert answer_line(assistant, "/optout loudnote").title == "LoudNote"
    finally:
        task.cancel()


async def test_after_hostile_files_the_watcher_still_serves_a_later_good_edit(
    content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.content.test_hostile_files import ALIAS_BOMB

    assistant, live = build_assistant(content, FixedClock(instant("2025-09-20T12:00:00+00:00")))
    watcher = ContentWatcher(content, live, lambda: load_content(content), interval=0.01)
    good = live().version
    os.mkfifo(content / "services" / "pipe.yaml")
    (content / "services" / "bomb.yaml").write_text(ALIAS_BOMB)
    (content / "services" / "zero.yaml").symlink_to("/dev/zero")
    with caplog.at_level(logging.ERROR):
        assert not await asyncio.wait_for(watcher.check(), timeout=30)
    assert live().version == good
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "pipe.yaml:1:1: is a FIFO" in logged
    assert "bomb.yaml:2:8: aliases are not allowed" in logged
    assert "zero.yaml:1:1: leads outside the content folder" in logged
    for name in ("pipe.yaml", "bomb.yaml", "zero.yaml"):
        (content / "services" / name).unlink()
    edit(content / "services" / "quietnote.yaml", "name: QuietNote", "name: QuietNote Cloud")
    assert await asyncio.wait_for(watcher.check(), timeout=30)
    assert answer_line(assistant, "/optout quietnote").title == "QuietNote Cloud"


async def test_an_unexpected_failure_is_logged_once_and_the_next_change_retried(
    content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assistant, live = build_assistant(content, FixedClock(instant("2025-09-20T12:00:00+00:00")))
    failures = [RecursionError("maximum recursion depth exceeded")]

    def load() -> LoadResult:
        if failures:
            raise failures.pop()
        return load_content(content)

    watcher = ContentWatcher(content, live, load, interval=0.01)
    good = live().version
    task = asyncio.create_task(watcher.run())
    try:
        with caplog.at_level(logging.ERROR):
            edit(content / "services" / "quietnote.yaml", "name: QuietNote", "name: QuietNote 2")
            await until(lambda: not failures)
            await asyncio.sleep(0.1)  # many polls: the failure must not be logged again
            assert live().version == good
            errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
            assert len(errors) == 1
            assert errors[0].exc_info and isinstance(errors[0].exc_info[1], RecursionError)
            edit(content / "services" / "quietnote.yaml", "QuietNote 2", "QuietNote 3")
            await until(lambda: live().version != good)
        assert answer_line(assistant, "/optout quietnote").title == "QuietNote 3"
        assert not task.done()
    finally:
        task.cancel()


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met within 5 seconds")


async def test_every_listener_hears_of_a_reload_even_after_one_fails(
    content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assistant, live = build_assistant(content, FixedClock(instant("2025-09-20T12:00:00+00:00")))
    heard: list[str] = []

    def failing() -> None:
        heard.append("failing")
        raise RuntimeError("listener bug")

    listeners = [failing, lambda: heard.append("second")]
    watcher = ContentWatcher(content, live, lambda: load_content(content), 0.01, listeners)
    edit(content / "services" / "quietnote.yaml", "name: QuietNote", "name: QuietNote Cloud")
    with caplog.at_level(logging.ERROR):
        assert await watcher.check()
    assert heard == ["failing", "second"]
    assert answer_line(assistant, "/optout quietnote").title == "QuietNote Cloud"
    [error] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert error.exc_info and isinstance(error.exc_info[1], RuntimeError)
    assert not await watcher.check()
    assert heard == ["failing", "second"]
