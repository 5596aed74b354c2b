"""`assess validate`, `assess schema` and `assess init`, through click and through a real process.

The in-process runs (CliRunner) are fast and precise; the subprocess runs prove
the installed entry point (`python -m assess`) behaves the same, with real exit
codes, and never prints a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assess.cli import cli
from assess.plan.discover import display_name
from assess.plan.load import load_path, parse_bytes
from assess.plan.model import Language
from assess.plan.starter import starter_data, starter_text
from assess.plan.validate import validate_document
from assess.resources import PLAN_SCHEMA_PATH, REPORT_SCHEMA_PATH, RULE_PACK_SCHEMA_PATH

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
VALID = sorted([*SAMPLES.glob("*.json"), *SAMPLES.glob("*.yaml")])
INVALID = sorted((SAMPLES / "invalid").iterdir())
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<pointer>/\S*): (?P<message>.+)$", re.MULTILINE)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def run_process(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assess", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


# ------------------------------------------------------------------ assess validate


def test_validate_every_valid_sample() -> None:
    result = run("validate", *VALID)
    assert result.exit_code == 0, result.output
    assert result.output == f"{len(VALID)} files valid\n"


def test_validate_one_valid_file() -> None:
    result = run("validate", SAMPLES / "exemplary.json")
    assert result.exit_code == 0
    assert result.output.endswith("exemplary.json is valid\n")


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_validate_each_invalid_sample(path: Path) -> None:
    result = run("validate", path)
    assert result.exit_code == 2
    located = LOCATED.findall(result.output)
    assert located, result.output
    assert all(file == display_name(path) for file, *_ in located)  # relative to the working directory, as in reports
    assert "Traceback" not in result.output
    assert result.output.endswith("1 of 1 file invalid\n")


def test_validate_prints_file_line_col_pointer_message_then_the_excerpt() -> None:
    result = run("validate", SAMPLES / "invalid" / "schema-violations.json")
    lines = result.output.splitlines()
    first = lines.index(next(line for line in lines if "/organization/colour" in line))
    assert lines[first] == (
        f"{display_name(SAMPLES / 'invalid' / 'schema-violations.json')}:6:5: /organization/colour: unknown field 'colour' "
        "(allowed here: name, type, size, staff_hours_per_week, website)"
    )
    assert lines[first + 1] == '  |     "colour": "green"'
    assert lines[first + 2] == "  |     ^"


def test_validate_quiet_prints_only_the_problem_lines() -> None:
    result = run("validate", "--quiet", SAMPLES / "invalid" / "schema-violations.json")
    lines = result.output.splitlines()
    assert len(lines) == 6
    assert all(LOCATED.match(line) for line in lines[:-1])
    assert lines[-1] == "1 of 1 file invalid"


def test_validate_counts_the_invalid_files() -> None:
    result = run("validate", SAMPLES / "exemplary.json", *INVALID[:2])
    assert result.exit_code == 2
    assert result.output.endswith("2 of 3 files invalid\n")


def test_validate_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = run("validate", missing)
    assert result.exit_code == 2
    assert f"{display_name(missing)}: no such file" in result.output


def test_validate_a_folder_checks_the_plans_in_it(tmp_path: Path) -> None:
    result = run("validate", tmp_path)
    assert result.exit_code == 2
    assert "no plan in this folder" in result.output
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "plan.json").write_text(
        (SAMPLES / "exemplary.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "notes.json").write_text('{"not": "a plan"}', encoding="utf-8")
    result = run("validate", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("is valid\n")
    (tmp_path / "broken.yaml").write_text("schema_version: '1.0'\norganization: {}\n", encoding="utf-8")
    result = run("validate", tmp_path, "-q")
    assert result.exit_code == 2
    assert result.output.endswith("1 of 2 files invalid\n")


def test_validate_standard_input() -> None:
    text = (SAMPLES / "invalid" / "schema-violations.json").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "-"], input=text)
    assert result.exit_code == 2
    assert "<stdin>:20:18: /channels/0/platform: must be one of" in result.output


def test_validate_needs_a_file() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_validate_in_a_real_process_valid() -> None:
    done = run_process("validate", *(path.relative_to(ROOT) for path in VALID))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"{len(VALID)} files valid"


def test_validate_in_a_real_process_invalid() -> None:
    done = run_process("validate", *(path.relative_to(ROOT) for path in INVALID))
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    files = {file for file, *_ in LOCATED.findall(done.stdout)}
    assert files == {str(path.relative_to(ROOT)) for path in INVALID}
    assert done.stdout.endswith(f"{len(INVALID)} of {len(INVALID)} files invalid\n")


# ------------------------------------------------------------------ assess schema


def test_schema_prints_the_committed_plan_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.output == PLAN_SCHEMA_PATH.read_text(encoding="utf-8")
    assert json.loads(result.output)["$id"] == "plan.schema.json"


def test_schema_report() -> None:
    result = run("schema", "--report")
    assert result.exit_code == 0
    assert result.output == REPORT_SCHEMA_PATH.read_text(encoding="utf-8")


def test_schema_rule_pack() -> None:
    result = CliRunner().invoke(cli, ["schema", "--rule-pack"])
    if RULE_PACK_SCHEMA_PATH.exists():
        assert result.exit_code == 0
        assert result.output == RULE_PACK_SCHEMA_PATH.read_text(encoding="utf-8")
    else:
        assert result.exit_code == 2
        assert "Traceback" not in result.output


def test_schema_in_a_real_process() -> None:
    done = run_process("schema")
    assert done.returncode == 0
    assert done.stdout == PLAN_SCHEMA_PATH.read_text(encoding="utf-8")


# ------------------------------------------------------------------ assess init


@pytest.mark.parametrize("name", ["plan.yaml", "plan.yml", "plan.json", "plan"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_init_writes_a_plan_that_validates(tmp_path: Path, name: str, lang: str) -> None:
    target = tmp_path / name
    result = run("init", target, "--lang", lang)
    assert result.exit_code == 0, result.output
    document = load_path(target)
    assert document.format == ("yaml" if name.endswith((".yaml", ".yml")) else "json")
    plan = validate_document(document)
    assert plan.plan is not None and plan.plan.language == lang
    assert os.listdir(tmp_path) == [name], "no temporary file is left behind"


def test_init_yaml_explains_every_step_in_comments(tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    run("init", target)
    text = target.read_text(encoding="utf-8")
    for step in range(1, 12):
        assert f"# Step {step} - " in text, step


def test_init_json_guides_through_its_values(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    run("init", target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert "step 5" in data["channels"][0]["rationale"]
    assert "step 2" in data["goals"][0]["statement"]


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("my precious plan", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 2
    assert "already exists; use --force to overwrite it" in result.output
    assert target.read_text(encoding="utf-8") == "my precious plan"


def test_init_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old", encoding="utf-8")
    result = run("init", "--force", target)
    assert result.exit_code == 0
    validate_document(load_path(target))


def test_init_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "no" / "plan.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert "Traceback" not in result.output


def test_init_in_a_real_process(tmp_path: Path) -> None:
    done = run_process("init", "plan.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    again = run_process("init", "plan.yaml", cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert run_process("validate", tmp_path / "plan.yaml").returncode == 0


@pytest.mark.parametrize("lang", list(Language))
def test_the_yaml_starter_reads_back_as_the_same_data_as_the_json_one(lang: Language) -> None:
    today = dt.date(2025, 3, 1)
    for format in ("yaml", "json"):
        document = parse_bytes(starter_text(format, lang, today=today).encode(), f"plan.{format}", format=format)
        assert document.data == starter_data(lang, today=today)


def test_the_starter_claims_no_facts_it_cannot_know() -> None:
    # No research, baselines or two-factor: the first assessment must point at them.
    data = starter_data(today=dt.date(2025, 3, 1))
    assert "research" not in data["audience"]
    assert all("baseline" not in metric for metric in data["metrics"])
    assert all("two_factor" not in channel["account"] for channel in data["channels"])
    assert all(channel["status"] == "planned" for channel in data["channels"])
