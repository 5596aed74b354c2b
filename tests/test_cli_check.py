"""`assess PLAN...` end to end: exit codes, formats and files, config flags, batches, determinism.

Most tests go through click's CliRunner (fast, in process); the ones about what a
CI job really sees (exit codes, stdout bytes across runs and hash seeds, no
traceback) run ``python -m assess`` in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from assess.atomic import atomic_writer, write_atomic
from assess.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = "samples/exemplary.json"
FAILING = "samples/no-crisis-single-admin.json"
SYNTAX = "samples/invalid/syntax-error.json"
SCHEMA = "samples/invalid/schema-violations.json"
ANSI = re.compile(r"\x1b\[")


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, as CI does, with no colour or config from the environment."""
    monkeypatch.chdir(ROOT)
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def report_of(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def assess_process(*args: str, seed: str = "0", cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env["PYTHONHASHSEED"] = seed
    return subprocess.run(
        [sys.executable, "-m", "assess", *args], cwd=cwd, env=env, capture_output=True, timeout=120, check=False
    )


# ---------------------------------------------------------------- exit codes (CliRunner)


def test_a_clean_plan_exits_0() -> None:
    result = run(GOOD)
    assert result.exit_code == 0, result.output
    assert "Riverside Food Bank" in result.stdout
    assert result.stderr == ""


def test_a_plan_failing_the_default_gate_exits_1_and_says_why() -> None:
    result = run(FAILING)
    assert result.exit_code == 1
    assert re.search(rf"^  {FAILING}:\d+:\d+  POL-01  ", result.stdout, re.MULTILINE)
    assert "gate failed" in result.stderr
    assert "--fail-on high" in result.stderr


def test_check_is_the_default_command() -> None:
    assert run("check", FAILING, "-q").stdout == run(FAILING, "-q").stdout


def test_the_text_report_shows_a_syntax_error_line_with_a_caret_under_the_column() -> None:
    result = run(SYNTAX)
    lines = result.stdout.splitlines()
    at = lines.index(f"  {SYNTAX}:11:5: /plan/start_date: expected ',' or '}}' after an object member, found '\"'")
    source, caret = lines[at + 1 : at + 3]
    assert source == '    |     "horizon_months": 12'  # line 11 of the file, behind the gutter
    assert caret == "    | " + " " * 4 + "^"  # under column 5
    assert run(SYNTAX, "-q").stdout.count("|") == 0  # the one-line summary only


def test_an_excerpt_keeps_its_lines_and_escapes_every_other_control(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(b'{"a": "\x1b]0;owned\x07" x}\n')  # a terminal title sequence on the broken line
    lines = run(str(plan)).stdout.splitlines()
    source = next(line for line in lines if line.startswith("    | {"))
    assert "\x1b" not in source and "\x07" not in source
    assert "\\u001b]0;owned\\u0007" in source
    assert lines[lines.index(source) + 1].strip().endswith("^")


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ("samples/missing.json", "samples/missing.json: no such file"),
        (SYNTAX, f"{SYNTAX}:11:5: /plan/start_date: "),
        (SCHEMA, f"{SCHEMA}:6:5: /organization/colour: unknown field 'colour'"),
        ("samples/*.toml", "samples/*.toml: no file matches this pattern"),
    ],
)
def test_a_plan_that_cannot_be_assessed_exits_2_with_located_lines(plan: str, expected: str) -> None:
    result = run(plan)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "could not be assessed (exit 2)" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_batch_with_broken_plans_exits_2_but_reports_every_good_plan() -> None:
    result = run(GOOD, SYNTAX, FAILING, "samples/missing.json", "--format", "json")
    assert result.exit_code == 2
    plans = report_of(result)["plans"]
    assert [p["file"] for p in plans] == [GOOD, SYNTAX, FAILING, "samples/missing.json"]
    assert [p["assessed"] for p in plans] == [True, False, True, False]
    assert any(f["rule_id"] == "POL-01" and f["line"] for f in plans[2]["findings"])
    assert report_of(result)["summary"]["errors"] == 2


def test_gate_flags() -> None:
    assert run(FAILING, "--fail-on", "none", "-q").exit_code == 0
    assert run(FAILING, "--fail-on", "NONE", "-q").exit_code == 0
    assert run(GOOD, "--fail-under", "100", "-q").exit_code == 0
    failed = run(FAILING, "--fail-on", "none", "--fail-under", "99.5", "-q")
    assert failed.exit_code == 1
    assert "below 99.5 (--fail-under)" in failed.stderr
    for bad in (["--fail-under", "101"], ["--fail-on", "severe"]):
        usage = run(GOOD, *bad)
        assert usage.exit_code == 2
        assert "Error: Invalid value" in usage.stderr


@pytest.mark.parametrize(
    ("gate", "code", "failures", "case"),
    [
        (["--fail-under", "80"], 1, "1", "score >= 80"),  # 71 < 80: the job is red, so is the XML
        (["--fail-under", "71"], 0, "0", "score >= 71"),  # equal passes, as the gate does
        ([], 0, "0", None),  # no score gate, no score testcase
    ],
)
def test_junit_and_github_annotations_follow_the_score_gate(
    gate: list[str], code: int, failures: str, case: str | None, tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    junit, github = tmp_path / "out.xml", tmp_path / "out.txt"
    plan = "samples/community-garden.yaml"
    result = run(plan, "--no-config", "--fail-on", "none", *gate, "-f", f"junit:{junit}", "-f", f"github:{github}")
    assert result.exit_code == code, result.output
    root = ET.fromstring(junit.read_text(encoding="utf-8"))
    (suite,) = root
    assert root.get("failures") == suite.get("failures") == failures
    cases = [c for c in suite if c.tag == "testcase" and c.get("classname") == "assess"]
    assert [c.get("name") for c in cases] == ([case] if case else [])
    annotations = [line for line in github.read_text(encoding="utf-8").splitlines() if "title=assess%3A score" in line]
    if code:
        (annotation,) = annotations
        assert annotation.startswith(
            f"::error file={plan},title=assess%3A score >= 80::the overall score is 71, below 80"
        )
        assert "What to do first: POL-05 " in annotation  # its gain counts POL-07 and POL-09, which it unlocks
    else:
        assert annotations == []


# ---------------------------------------------------------------- inputs


def test_stdin_is_read_with_a_dash() -> None:
    text = (ROOT / FAILING).read_text(encoding="utf-8")
    result = run("-", "--format", "json", input=text)
    assert result.exit_code == 1
    (plan,) = report_of(result)["plans"]
    assert plan["file"] == "<stdin>"
    assert plan["findings"]


def test_folders_and_globs_expand_in_sorted_order() -> None:
    result = run("samples", "--format", "json", "--fail-on", "none")
    files = [p["file"] for p in report_of(result)["plans"]]
    assert files == sorted(files, key=lambda f: Path(f).parts)
    assert GOOD in files and SYNTAX in files
    assert result.exit_code == 2  # samples/invalid holds broken plans
    globbed = run("samples/*.json", "--format", "json", "--fail-on", "none")
    assert globbed.exit_code == 0
    assert all(p["file"].count("/") == 1 for p in report_of(globbed)["plans"])


# ---------------------------------------------------------------- formats and files


def test_several_formats_in_one_run_written_atomically(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = run(FAILING, "--format", f"sarif:{sarif}", "--format", f"junit:{junit}", "--format", "text")
    assert result.exit_code == 1
    assert "POL-01" in result.stdout
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert junit.read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sarif", "out.xml"]  # no temporary file left


def test_output_applies_to_a_single_format(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run(FAILING, "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["plans"][0]["file"] == FAILING
    text = tmp_path / "report.txt"
    assert run(GOOD, "-o", str(text)).exit_code == 0
    assert "Riverside Food Bank" in text.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "'pdf' is not a format"),
        (["--format", "json", "--format", "sarif"], "only one format can go to standard output"),
        (["--format", "json", "--format", "sarif", "-o", "x"], "--output goes with a single --format"),
        (["--format", "json:a.out", "--format", "sarif:a.out"], "the same file"),
        (["--format", "json:"], "a file name must follow the colon"),
        (["--quiet", "--verbose"], "contradict"),
    ],
)
def test_output_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(GOOD, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_unwritable_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run(GOOD, "--format", f"json:{tmp_path}/no/such/folder/r.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("assess: ")
    assert "no such folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_json_output_is_the_report_model_with_a_final_newline() -> None:
    result = run(GOOD, "--format", "json")
    from assess.api import assess_many

    expected = assess_many([(GOOD, Path(GOOD))]).model_dump_json(indent=2)
    assert result.stdout == expected + "\n"


def test_the_same_report_whatever_the_number_of_jobs() -> None:
    plans = [GOOD, FAILING, SYNTAX, "samples/small-nonprofit.json", "samples/community-garden.yaml", SCHEMA]
    one = run(*plans, "--format", "json", "--jobs", "1")
    two = run(*plans, "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 2
    assert one.stdout == two.stdout
    assert [p["file"] for p in report_of(two)["plans"]] == plans


@pytest.mark.parametrize("cpus", [1, 2, 3, 8])
def test_jobs_are_capped_to_the_cpus(monkeypatch: pytest.MonkeyPatch, cpus: int) -> None:
    from assess.cli import check

    monkeypatch.setattr(check, "usable_cpus", lambda: cpus)
    assert check.workers(0) == cpus  # one per CPU
    assert check.workers(1) == 1
    assert check.workers(cpus) == cpus
    assert check.workers(cpus + 1) == max(cpus, 2)  # one more than the CPUs: capped
    assert check.workers(100_000) == max(cpus, 2)
    assert check.workers(2) == 2  # two stay two, even on one CPU: a crash still costs one plan only


def test_a_huge_jobs_starts_no_more_workers_than_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.cli import check

    started: list[int] = []
    real = check._assess_in_processes

    def counting(items: Any, config: Any, jobs: int, advance: Any) -> Any:
        started.append(jobs)
        return real(items, config, jobs, advance)

    monkeypatch.setattr(check, "usable_cpus", lambda: 2)
    monkeypatch.setattr(check, "_assess_in_processes", counting)
    plans = [GOOD, FAILING, "samples/small-nonprofit.json"]
    huge = run(*plans, "--format", "json", "--jobs", "100000")
    assert started == [2]
    assert huge.stdout == run(*plans, "--format", "json", "--jobs", "1").stdout


def test_usable_cpus_is_the_affinity_where_there_is_one() -> None:
    from assess.cli.check import usable_cpus

    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    assert usable_cpus() == expected >= 1


# ---------------------------------------------------------------- people: colour, quiet, verbose


def test_colour_follows_the_flags_and_no_color() -> None:
    assert ANSI.search(run(FAILING, "--color").stdout)
    assert not ANSI.search(run(FAILING).stdout)  # not a terminal
    assert not ANSI.search(run(FAILING, "--no-color").stdout)


def test_no_color_wins_over_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import assess.cli.check as check

    monkeypatch.setattr(check, "_isatty", lambda stream: True)
    assert ANSI.search(run(FAILING).stdout)
    assert not ANSI.search(run(FAILING, env={"NO_COLOR": "1"}).stdout)


def test_quiet_and_verbose() -> None:
    quiet = run(GOOD, FAILING, "-q")
    assert len(quiet.stdout.splitlines()) == 3
    silent = run(GOOD, FAILING, "-qq")
    assert silent.stdout == "" and silent.stderr == "" and silent.exit_code == 1
    broken = run(SYNTAX, "-qq")
    assert broken.stdout == "" and SYNTAX in broken.stderr
    assert "Why: " in run(FAILING, "-v").stdout


@pytest.mark.parametrize("quiet", [0, 1, 2])
@pytest.mark.parametrize("broken", [False, True])
def test_qq_prints_nothing_but_errors_and_q_keeps_the_notes(tmp_path: Path, quiet: int, broken: bool) -> None:
    """-qq is "nothing but errors": the skipped-file and wrote-baseline notes went out anyway."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "plan.json").write_text((ROOT / FAILING).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    if broken:
        (folder / "broken.json").write_text((ROOT / SYNTAX).read_text(encoding="utf-8"), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    flags = ["-" + "q" * quiet] if quiet else []
    result = run(str(folder), "--no-config", "--write-baseline", str(baseline), *flags)
    assert result.exit_code == (2 if broken else 0)
    assert json.loads(baseline.read_text(encoding="utf-8"))  # written whatever the verbosity
    notes = ["assess: 1 file skipped: not a plan", f"assess: wrote {baseline} ("]
    assert all((note in result.stderr) is (quiet < 2) for note in notes), result.stderr
    if broken:  # the plan that could not be assessed is an error: shown at every level
        assert f"{folder / 'broken.json'}:" in result.stderr
        assert ("could not be assessed (exit 2)" in result.stderr) is (quiet < 2)
    else:
        assert (result.stderr == "") is (quiet == 2)
    assert (result.stdout == "") is (quiet == 2)


def test_qq_still_prints_usage_errors() -> None:
    result = run(GOOD, "-qq", "--fail-under", "101")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--fail-under'" in result.stderr


# ---------------------------------------------------------------- configuration flags


def rules_run(result: Result) -> set[str]:
    return {r["rule_id"] for r in report_of(result)["plans"][0]["rules"]}


def test_select_ignore_and_severity() -> None:
    selected = run(FAILING, "--format", "json", "--select", "pol-01,POL-03")
    assert rules_run(selected) == {"POL-01", "POL-03"}
    ignored = run(FAILING, "--format", "json", "--ignore", "POL", "--ignore", "CHN-")
    assert not {r for r in rules_run(ignored) if r.startswith(("POL", "CHN-"))}
    lowered = run(FAILING, "--format", "json", "--select", "POL-01", "--severity", "POL-01=low")
    assert lowered.exit_code == 0
    assert {f["severity"] for f in report_of(lowered)["plans"][0]["findings"]} == {"low"}


@pytest.mark.parametrize(("option", "value"), [("--select", ""), ("--select", " , "), ("--ignore", "")])
def test_a_selection_that_names_no_rule_is_an_error_not_every_rule(option: str, value: str) -> None:
    # `--select "$RULES"` with RULES unset in CI ran every rule without a word: a flag silently doing nothing.
    result = run(FAILING, option, value)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': names no rule" in result.output
    assert run(FAILING, "--format", "json", option, "POL-01").exit_code in (0, 1)  # a named rule still runs


def test_threshold_lang_and_today() -> None:
    relaxed = run(FAILING, "--format", "json", "--select", "POL-03", "--threshold", "min_admins=1")
    assert relaxed.exit_code == 0
    assert report_of(relaxed)["plans"][0]["findings"] == []
    french = run(FAILING, "--lang", "fr")
    assert "Que faire" in french.stdout
    assert run(GOOD, "--today", "2025-01-31", "-q").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "pol 01"], "is not a rule id or prefix"),
        (["--select", "XYZ"], "select: 'XYZ' matches no rule"),
        (["--severity", "POL-01"], "is not ID=LEVEL"),
        (["--severity", "POL-01=severe"], "is not a severity"),
        (["--threshold", "min_admins=many"], "is not a number"),
        (["--threshold", "no_such=1"], "unknown threshold"),
        (["--today", "31/01/2025"], "is not a date like"),
        (["--lang", "de"], "Invalid value for '--lang'"),
        (["--config", "nope.toml"], "does not exist"),
        (["--rules", "nope/"], "does not exist"),
    ],
)
def test_bad_configuration_values_are_one_clear_error_and_exit_2(args: list[str], message: str) -> None:
    result = run(GOOD, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_config_file_discovery_explicit_file_and_no_config(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.json").write_bytes((ROOT / FAILING).read_bytes())
    (tmp_path / ".assess.toml").write_text('fail_on = "none"\n', encoding="utf-8")
    assert run(str(plans / "plan.json"), "-q").exit_code == 0  # discovered from the plan's folder upward
    assert run(str(plans / "plan.json"), "-q", "--no-config").exit_code == 1
    strict = tmp_path / "strict.toml"
    strict.write_text('fail_on = "info"\nignore = ["POL-01"]\n', encoding="utf-8")
    result = run(str(plans / "plan.json"), "--config", str(strict), "--format", "json")
    assert result.exit_code == 1
    assert "POL-01" not in rules_run(result)
    assert "POL-03" in rules_run(result)
    contradiction = run(str(plans / "plan.json"), "--config", str(strict), "--no-config")
    assert contradiction.exit_code == 2
    (tmp_path / ".assess.toml").write_text("fail_on = [", encoding="utf-8")
    broken = run(str(plans / "plan.json"))
    assert broken.exit_code == 2
    assert "not valid TOML" in broken.stderr


def test_a_broken_rule_pack_exits_2(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: extra\nversion: '1'\nrules:\n  - id: bad\n", encoding="utf-8")
    result = run(GOOD, "--rules", str(pack))
    assert result.exit_code == 2
    assert result.stderr.startswith("assess: rule pack")


# ---------------------------------------------------------------- atomic files


def test_an_output_file_is_replaced_only_when_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report\n", encoding="utf-8")

    def broken_finish(writer: object, summary: object, gate: object) -> None:
        raise RuntimeError("renderer bug")  # after the plans were streamed into the file

    import assess.formats.json as json_format

    monkeypatch.setattr(json_format.Writer, "finish", broken_finish)
    result = run(GOOD, FAILING, "--format", f"json:{target}")
    assert isinstance(result.exception, RuntimeError)
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_atomic_writer_leaves_the_old_file_and_no_temporary_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)

    def interrupted() -> None:
        with atomic_writer(target) as file:
            file.write("new and half")
            raise ValueError("half way")

    with pytest.raises(ValueError, match="half way"):
        interrupted()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its mode
    write_atomic(tmp_path / "fresh.txt", "x")
    assert (tmp_path / "fresh.txt").read_text(encoding="utf-8") == "x"


# ---------------------------------------------------------------- progress, pre-commit, start-up


def test_progress_bar_only_for_large_batches_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import assess.cli.check as check

    with check._progress_bar(100, enabled=True) as advance:  # stderr is not a terminal under pytest
        advance(1)
    monkeypatch.setattr(check, "_isatty", lambda stream: True)
    with check._progress_bar(5, enabled=True) as advance:  # too small to bother
        advance(5)
    with check._progress_bar(30, enabled=True) as advance:
        for _ in range(30):
            advance(1)


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "assess"
    assert hook["entry"] == "assess check"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("plans/riverside.json") and files.search("strategy.yaml") and files.search("a/b.yml")
    assert not files.search("README.md")
    # What pre-commit runs for a commit touching a plan and a file that is not one.
    staged = [FAILING, "schemas/report.schema.json", ".pre-commit-hooks.yaml"]
    command = [*hook["entry"].split()[1:], *hook["args"]]
    result = run(*command, *staged)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"{FAILING}: ")
    assert run(*command, "schemas/report.schema.json").exit_code == 0  # no plan staged: nothing to do


def test_start_up_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from assess.cli import cli; import assess.cli.check, assess.cli.options;"
        "print(sorted(m for m in ('rich', 'pydantic', 'durable', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- a real process, as CI runs it


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([GOOD], 0),
        ([FAILING], 1),
        (["samples/missing.json"], 2),
        ([SYNTAX], 2),
        ([SCHEMA], 2),
        (["--fail-under", "x", GOOD], 2),
    ],
)
def test_exit_codes_in_a_real_process(args: list[str], code: int) -> None:
    done = assess_process(*args)
    assert done.returncode == code, done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_a_real_batch_reports_every_good_plan_and_exits_2() -> None:
    done = assess_process(GOOD, SYNTAX, FAILING, "--format", "json")
    assert done.returncode == 2
    plans = json.loads(done.stdout)["plans"]
    assert [(p["file"], p["assessed"]) for p in plans] == [(GOOD, True), (SYNTAX, False), (FAILING, True)]
    assert f"{SYNTAX}:11:5:".encode() in done.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_output_is_byte_identical_across_runs_and_hash_seeds(fmt: str) -> None:
    args = [GOOD, FAILING, "samples/community-garden.yaml", "--format", fmt, "--today", "2025-06-01"]
    first = assess_process(*args, seed="1")
    second = assess_process(*args, seed="2")
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    assert str(ROOT).encode() not in first.stdout
