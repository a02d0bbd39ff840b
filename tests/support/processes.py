"""Bot processes for the tests of what replicas sharing a database do at once: each a real OS
process running a module of ``tests`` (``python -m``), so that they race as deployed replicas do."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PROCESS_TIMEOUT = 60.0


async def start(module: str, *args: str) -> asyncio.subprocess.Process:
    """``python -m module args…`` from the repository root, its standard streams piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process, given: bytes | None = None) -> str:
    """What the process printed once it exited successfully (given ``given`` on its input)."""
    out, err = await asyncio.wait_for(process.communicate(given), PROCESS_TIMEOUT)
    assert process.returncode == 0, err.decode()[-3000:]
    return out.decode()


async def run_together(module: str, *argument_lists: list[str]) -> list[str]:
    """Start one process of ``module`` per argument list and, once every one printed ``ready``,
    let them all go at once; what each printed after. Any still running at the end is killed."""
    processes = [await start(module, *arguments) for arguments in argument_lists]
    try:
        for process in processes:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), PROCESS_TIMEOUT)
            if line != b"ready\n":
                await finished(process)  # says why it stopped
                raise AssertionError(f"not ready: {line!r}")
        return await asyncio.gather(*(finished(process, b"go\n") for process in processes))
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
