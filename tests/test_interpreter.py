"""An unsupported interpreter (before 3.11) gets one line of explanation and exit 2, not a traceback.

Every CPython from 3.11 on is supported: there is no upper bound to explain.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("version", ["3.10"])
def test_unsupported_python_is_refused_in_one_line(version: str) -> None:
    candidates = [
        *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}"))),
        shutil.which(f"python{version}"),
    ]
    interpreter = next(
        (
            c
            for c in candidates
            if c and subprocess.run([c, "--version"], capture_output=True, check=False).returncode == 0
        ),
        None,
    )
    if interpreter is None:
        pytest.skip(f"no working python{version} on this machine")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [interpreter, "-m", "assess", "samples/exemplary.json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == f"assess: needs Python 3.11 or later, not {version}"
