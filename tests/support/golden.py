"""Golden files: what a renderer produces, checked in, so every output change shows up in review.

Run ``UPDATE_GOLDEN=1 make test`` to rewrite them after an intended change, then read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).parent.parent / "golden"


def assert_golden(name: str, actual: Any) -> None:
    """Compare ``actual`` (text, or data serialised as JSON) with ``golden/<name>``."""
    path = GOLDEN_DIR / name
    text = actual if isinstance(actual, str) else json.dumps(actual, indent=2, ensure_ascii=False)
    if not text.endswith("\n"):
        text += "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"
