"""The console adapter, driven as a person would: through stdin and through a real terminal."""

import os
import pty
import select
import subprocess
import sys
import time

from tests.cli.test_main import ROOT, run_cli
from tests.support import FIXTURE_CONTENT


def test_console_answers_piped_commands_until_end_of_input() -> None:
    result = run_cli(
        "run",
        "--platform",
        "console",
        "--content",
        str(FIXTURE_CONTENT),
        stdin="/optout chatterbox\n\n/deadline quietnote\n/nonsense\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Chatterbox AI\n=============" in out
    assert "QuietNote has no dated events" in out
    assert "There is no command /nonsense" in out
    assert "Traceback" not in out + result.stderr


def test_console_answers_reminder_subactions_with_where_reminders_are_set() -> None:
    result = run_cli(
        "run",
        "--platform",
        "console",
        "--content",
        str(FIXTURE_CONTENT),
        stdin="/deadline subscribe chatterbox\n/deadline subscriptions\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Reminders are posted in a chat channel") == 2
    assert "Here, /deadline lists every date." in out
    assert "I don't know a service" not in out


def test_console_quit_stops_reading() -> None:
    result = run_cli(
        "run",
        "--platform",
        "console",
        "--content",
        str(FIXTURE_CONTENT),
        stdin="/help\n/quit\n/optout chatterbox\n",
    )
    assert result.returncode == 0
    assert "optout-bot: stop AI training" in result.stdout
    assert "Chatterbox AI" not in result.stdout


def test_console_starts_by_default_without_tokens() -> None:
    result = run_cli("run", "--content", str(FIXTURE_CONTENT), stdin="/optout qn\n")
    assert result.returncode == 0
    assert "QuietNote" in result.stdout


def _read_until(fd: int, needle: bytes, timeout: float = 20.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out waiting for {needle!r}; saw {seen[-500:]!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_console_in_a_real_terminal_prompts_answers_and_leaves_on_ctrl_d() -> None:
    controller, terminal = pty.openpty()
    environment = {**os.environ, "OPTOUT_RELOAD_SECONDS": "0", "TERM": "dumb"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--platform",
            "console",
            "--content",
            str(FIXTURE_CONTENT),
        ],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        env=environment,
        close_fds=True,
    )
    os.close(terminal)
    try:
        _read_until(controller, b"optout> ")
        os.write(controller, b"/optout cbx\n")
        answer = _read_until(controller, b"optout> ")
        assert b"Chatterbox AI" in answer
        # The card: its settings link, and the command that shows the guide.
        assert b"Open settings: https://chatterbox.example.com/settings/data" in answer
        assert b"Full guide: /optout chatterbox full" in answer
        os.write(controller, b"\x04")
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=20)
        os.close(controller)
