"""Odd files a CI checkout can hold: a name that is not UTF-8, a FIFO or a very deep JSON file in a folder.

A name that is not UTF-8 reaches Python holding lone surrogates ('bad\\udcff.json'): every report
written to a file, the baseline and `assess diff -o` ended with UnicodeEncodeError (a traceback,
exit 1) after the plans were assessed. Reports now name it with its byte escaped, as `ls -b` does.
A FIFO found in a folder was opened to sniff for schema_version and waited for ever; a JSON file of
thousands of nested brackets made that sniffing raise RecursionError.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import assess
from assess.paths import printable_name

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "samples" / "channels-first.json"
RAW_NAME = os.fsdecode(b"caf\xe9.json")  # Latin-1 'café.json': 'caf\udce9.json' in Python
SHOWN = "caf\\xe9.json"


def _assess(folder: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assess", *args, "--no-config"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def latin1(tmp_path: Path) -> Path:
    try:
        shutil.copy(PLAN, tmp_path / RAW_NAME)
    except (OSError, UnicodeEncodeError):  # pragma: no cover - a file system that refuses such names
        pytest.skip("this file system refuses names that are not UTF-8")
    return tmp_path


def test_printable_name() -> None:
    assert printable_name("plans/a.json") == "plans/a.json"
    assert printable_name("plans/café.json") == "plans/café.json"  # UTF-8 names are left alone
    assert printable_name(RAW_NAME) == SHOWN
    assert printable_name(SHOWN) == SHOWN


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "markdown", "html", "text"])
def test_a_name_that_is_not_utf8_is_reported_escaped_in_every_format(latin1: Path, fmt: str) -> None:
    run = _assess(latin1, RAW_NAME, "--format", f"{fmt}:report.out", "--fail-on", "none", "-q")
    assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr
    text = (latin1 / "report.out").read_text(encoding="utf-8")
    assert SHOWN in (json.dumps(json.loads(text)) if fmt in ("json", "sarif") else text).replace("\\\\", "\\")
    if fmt == "json":
        assert json.loads(text)["plans"][0]["file"] == SHOWN


def test_a_name_that_is_not_utf8_in_the_baseline_and_the_summary(latin1: Path) -> None:
    run = _assess(latin1, RAW_NAME, "--write-baseline", "baseline.json", "-q")
    assert run.returncode == 0, run.stderr
    entries = json.loads((latin1 / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert entries and {entry["file"] for entry in entries} == {SHOWN}
    again = _assess(latin1, RAW_NAME, "--baseline", "baseline.json", "-q")  # the entries match it again
    assert again.returncode == 0 and "no findings" in again.stdout
    summary = _assess(latin1, RAW_NAME, "--summary", "csv", "-o", "summary.csv", "--fail-on", "none")
    assert summary.returncode == 0, summary.stderr
    assert (latin1 / "summary.csv").read_text(encoding="utf-8").splitlines()[1].startswith(SHOWN + ",")


def test_a_name_that_is_not_utf8_in_diff_output(latin1: Path) -> None:
    shutil.copy(PLAN, latin1 / "new.json")
    run = _assess(latin1, "diff", RAW_NAME, "new.json", "-o", "changes.md")
    assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr
    assert SHOWN in (latin1 / "changes.md").read_text(encoding="utf-8")


def test_the_library_names_such_a_path_escaped(latin1: Path) -> None:
    report = assess.assess_plan(latin1 / RAW_NAME)
    assert report.plans[0].file.endswith(SHOWN)
    report.model_dump_json().encode("utf-8")  # a report that can be written
    with pytest.raises(assess.PlanReadError) as caught:
        assess.assess_plan(latin1 / os.fsdecode(b"gone\xe9.json"))
    assert caught.value.problems[0].file.endswith("gone\\xe9.json")


def test_a_fifo_in_a_folder_is_not_waited_on(tmp_path: Path) -> None:
    shutil.copy(PLAN, tmp_path / "plan.json")
    os.mkfifo(tmp_path / "pipe.json")  # nobody ever writes to it
    run = _assess(tmp_path, ".", "--fail-on", "none", "-q", timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("plan.json: ") and "1 plan: 1 assessed, 1 skipped (not a plan)" in run.stdout
    assert run.stderr.splitlines() == ["assess: 1 file skipped: not a plan (no schema_version): pipe.json"]


def test_a_very_deep_json_file_in_a_folder_is_sniffed_without_recursion_error(tmp_path: Path) -> None:
    shutil.copy(PLAN, tmp_path / "plan.json")
    (tmp_path / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    (tmp_path / "deep-plan.json").write_text('{"schema_version": 1, "x": ' + "[" * 100_000, encoding="utf-8")
    run = _assess(tmp_path, ".", "--fail-on", "none", "-q")
    assert "Traceback" not in run.stderr
    assert run.returncode == 2  # deep-plan.json mentions schema_version: reported, not skipped
    assert "deep-plan.json:1:" in run.stderr and "nesting is deeper than 64 levels" in run.stderr
    assert "assess: 1 file skipped: not a plan (no schema_version): deep.json" in run.stderr.splitlines()
    only = _assess(tmp_path, "deep.json", "plan.json", "--only-plans", "--fail-on", "none", "-q")
    assert only.returncode == 0 and only.stdout.startswith("plan.json: ")
