"""The CLI is a thin shell: for every sample, `assess PLAN --format json` is exactly the library's report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import assess
from assess.cli import cli
from assess.config import Config
from assess.resources import REPORT_SCHEMA_PATH

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "samples").glob("*.*") if p.suffix in (".json", ".yaml")
)
ARGS = ["--format", "json", "--no-config", "--today", "2025-06-01", "--fail-on", "none"]
CONFIG = Config(today=__import__("datetime").date(2025, 6, 1), fail_on="none")  # the gate is in the report: as ARGS
VALIDATOR = jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.mark.parametrize("sample", SAMPLES)
def test_cli_json_is_the_library_report_and_follows_the_report_schema(
    sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    library = assess.assess_plan(Path(sample), config=CONFIG).model_dump_json(indent=2)
    result = CliRunner().invoke(cli, [sample, *ARGS])
    assert result.exit_code == 0, result.output
    assert result.stdout == library + "\n"
    VALIDATOR.validate(json.loads(result.stdout))


def test_the_same_holds_for_a_real_process() -> None:
    sample = "samples/channels-first.json"
    done = subprocess.run(
        [sys.executable, "-m", "assess", sample, *ARGS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    library = assess.assess_plan(ROOT / sample, config=CONFIG, name=sample)
    assert done.stdout == library.model_dump_json(indent=2) + "\n"
