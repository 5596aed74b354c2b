"""A symbolic link that leads back to itself, named as a plan, an output or a pack path.

`Path.resolve()` raises RuntimeError on such a loop in Python 3.11 and 3.12: `assess loop.json`
ended with a traceback and exit 1 (a "gate failed" to CI). Once resolving was made safe, an output
named by the loop would have replaced the link with a regular file. Each is now one line, exit 2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assess.atomic import write_atomic
from assess.paths import resolved

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "samples" / "exemplary.json"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(PLAN, tmp_path / "plan.json")
    (tmp_path / "loop-a.json").symlink_to("loop-b.json")
    (tmp_path / "loop-b.json").symlink_to("loop-a.json")
    return tmp_path


def _assess(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assess", *args, "--no-config"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
        check=False,
    )


def test_a_plan_that_is_a_loop_is_a_read_error(folder: Path) -> None:
    run = _assess(folder, "plan.json", "loop-a.json", "-q")
    assert "Traceback" not in run.stderr
    assert run.returncode == 2
    assert "loop-a.json: cannot be read: Too many levels of symbolic links" in run.stderr.splitlines()
    assert run.stdout.startswith("plan.json: ")  # the other plan is still assessed


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "loop-a.json"],
        ["--format", "json:loop-a.json"],
        ["--write-baseline", "loop-a.json"],
        ["--summary", "csv", "-o", "loop-a.json"],
    ],
)
def test_an_output_that_is_a_loop_is_refused_and_left_a_link(folder: Path, args: list[str]) -> None:
    run = _assess(folder, "plan.json", *args)
    assert "Traceback" not in run.stderr
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "assess: loop-a.json: cannot write: a loop of symbolic links (it leads back to itself)"
    ]
    assert os.readlink(folder / "loop-a.json") == "loop-b.json"


def test_an_output_beside_the_loop_is_written(folder: Path) -> None:
    run = _assess(folder, "plan.json", "-o", "report.txt", "-q")
    assert run.returncode in (0, 1) and (folder / "report.txt").read_text(encoding="utf-8").startswith("plan.json: ")


def test_the_atomic_writer_does_not_replace_a_loop(folder: Path) -> None:
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        write_atomic(folder / "loop-a.json", "text\n")
    assert (folder / "loop-a.json").is_symlink()
    assert sorted(p.name for p in folder.iterdir()) == ["loop-a.json", "loop-b.json", "plan.json"]


def test_resolved_falls_back_to_the_absolute_path_on_a_loop(folder: Path) -> None:
    assert resolved(folder / "loop-a.json") == folder / "loop-a.json"
    assert resolved(folder / "x" / ".." / "plan.json") == (folder / "plan.json").resolve()
