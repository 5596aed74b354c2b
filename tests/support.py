"""Helpers several test files share (importable as `support`, like `strategies`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def sample(name: str, **extra: Any) -> tuple[str, bytes]:
    """A sample plan as (display name, bytes), with top-level sections replaced by `extra`."""
    data = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    data.update(extra)
    return f"samples/{name}", json.dumps(data, indent=2).encode()
