"""Databases for the store tests: a SQLite file per test, and one real PostgreSQL server per run.

The server comes from ``scripts/postgres.sh``, which installs PostgreSQL with apt-get when it is
missing and starts a throwaway cluster on a free loopback port. Where it cannot, the tests that
need it fail under CI (or with OPTOUT_REQUIRE_POSTGRES=1) rather than being skipped quietly.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "postgres.sh"


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server."""

    url: str
    data: str


def must_have_postgres() -> bool:
    """True where a missing PostgreSQL is a failure, not a reason to skip."""
    return bool(os.environ.get("CI") or os.environ.get("OPTOUT_REQUIRE_POSTGRES"))


def start_postgres() -> Iterator[PostgresServer]:
    """Start the server for the whole run; stop and delete it afterwards."""
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _unavailable(f"scripts/postgres.sh did not run: {error}")
    if result.returncode != 0:
        _unavailable(f"scripts/postgres.sh start failed:\n{result.stderr[-2000:]}")
    values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    server = PostgresServer(values["DATABASE_URL"], values["PGDATA"])
    try:
        yield server
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", server.data], timeout=120, check=False)


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL is not available for the store tests: {reason}"
    if must_have_postgres():
        pytest.fail(message, pytrace=False)
    pytest.skip(message + " (set OPTOUT_REQUIRE_POSTGRES=1 to make this a failure)")
