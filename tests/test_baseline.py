"""Baselines: record today's findings, then report and gate only on new ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.api import assess_many
from assess.cli import cli
from assess.results.baseline import (
    Baseline,
    BaselineError,
    apply_baseline,
    baseline_text,
    parse_baseline,
    read_baseline,
    write_baseline,
)
from assess.results.report import Report

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FAILING = "no-crisis-single-admin.json"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(SAMPLES / FAILING, tmp_path / "plan.json")
    shutil.copy(SAMPLES / "exemplary.json", tmp_path / "good.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def report(workdir: Path) -> Report:
    return assess_many([("plan.json", Path("plan.json")), ("good.json", Path("good.json"))])


def test_the_baseline_file_is_sorted_deterministic_and_readable(report: Report) -> None:
    text = baseline_text(report)
    assert text == baseline_text(report)
    assert text.endswith("\n")
    document = json.loads(text)
    assert document["assess_baseline"] == 1
    entries = document["findings"]
    assert entries, "the failing sample has findings"
    keys = [(e["file"], e["rule_id"], e["fingerprint"]) for e in entries]
    assert keys == sorted(keys)
    assert {e["file"] for e in entries} == {"plan.json"}
    assert all(e["message"] for e in entries)


def test_write_and_read_round_trip(report: Report, workdir: Path) -> None:
    count = write_baseline(workdir / "baseline.json", report)
    baseline = read_baseline(workdir / "baseline.json")
    assert len(baseline.entries) == count == len(report.plans[0].findings)


def test_applying_the_baseline_removes_exactly_its_findings_and_keeps_the_scores(report: Report) -> None:
    baseline = parse_baseline(baseline_text(report))
    dropped = next(iter(sorted(baseline.entries)))
    partial = Baseline(baseline.entries - {dropped})
    filtered = apply_baseline(report, partial)
    plan = filtered.report.plans[0]
    assert [(plan.file, f.rule_id, f.fingerprint) for f in plan.findings] == [dropped]
    assert filtered.baselined == {"plan.json": len(baseline.entries) - 1}
    assert filtered.total == len(baseline.entries) - 1
    assert plan.score == report.plans[0].score
    assert sum(filtered.report.summary.findings.values()) == 1


def test_a_baseline_for_another_file_does_not_apply(report: Report) -> None:
    entries = {
        ("other.json", rule, fingerprint) for _, rule, fingerprint in parse_baseline(baseline_text(report)).entries
    }
    filtered = apply_baseline(report, Baseline(frozenset(entries)))
    assert filtered.report == report
    assert filtered.total == 0


# Each error is the plans' one-line form, file:line:col: /pointer: message (`Problem.one_line`).
@pytest.mark.parametrize(
    ("text", "line"),
    [
        # Not JSON: where the strict parser stops, and the value it was reading.
        (
            '{"assess_baseline": 1, "findings": [\n',
            "b.json:1:37: /findings/0: expected a value, found the end of the input",
        ),
        ("not json", "b.json:1:1: /: expected a value, found 'not' (strings must be in double quotes)"),
        (
            '{"assess_baseline": 1,\n "findings": [\n  {"file": "a",}\n ]}',
            "b.json:3:15: /findings/0/file: trailing comma before '}' is not allowed in JSON",
        ),
        ("", "b.json:1:1: /: the file is empty: not an assess baseline (write one with --write-baseline)"),
        ("[" * 100_000, "b.json:1:65: " + "/0" * 64 + ": nested more than 64 levels deep: not an assess baseline"),
        # JSON of the wrong shape: the pointer of the value, and its line and column.
        ("[]", "b.json:1:1: /: not an assess baseline: an array, not an object (write one with --write-baseline)"),
        ('{"findings": []}', 'b.json:1:1: /: not an assess baseline: no "assess_baseline" member (write one with'),
        (
            '{\n  "assess_baseline": 2, "findings": []}',
            "b.json:2:3: /assess_baseline: found 2: not an assess baseline of version 1, the one this assess reads",
        ),
        ('{"assess_baseline": true, "findings": []}', "b.json:1:2: /assess_baseline: found true: not an assess"),
        ('{"assess_baseline": 1}', "b.json:1:1: /: 'findings' is missing: a baseline needs a 'findings' list"),
        ('{"assess_baseline": 1,\n "findings": {}}', "b.json:2:2: /findings: 'findings' must be a list, not an object"),
        (
            '{"assess_baseline": 1, "findings": [\n  "x"]}',
            "b.json:2:3: /findings/0: an entry must be an object with 'file', 'rule_id' and 'fingerprint' strings, "
            "not a string",
        ),
        (
            '{"assess_baseline": 1, "findings": [\n  {"file": "a", "fingerprint": "f"}]}',
            "b.json:2:3: /findings/0: 'rule_id' is missing: an entry needs 'file', 'rule_id' and 'fingerprint' strings",
        ),
        (
            '{"assess_baseline": 1, "findings": [\n  {"file": "a", "rule_id": "R", "fingerprint": "f"},\n'
            '  {"file": "a", "rule_id": 7, "fingerprint": "f"}]}',
            "b.json:3:17: /findings/1/rule_id: 'rule_id' must be a string, not a number",
        ),
    ],
)
def test_a_broken_baseline_is_one_located_line(text: str, line: str) -> None:
    with pytest.raises(BaselineError) as raised:
        parse_baseline(text, "b.json")
    assert str(raised.value).startswith(line), str(raised.value)
    assert "\n" not in str(raised.value)
    problem = raised.value.problem
    assert problem is not None and problem.one_line() == str(raised.value)


def test_a_baseline_that_is_not_utf8_is_located_and_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b'{"assess_baseline": 1,\n "findings": ["\xff"]}')
    with pytest.raises(BaselineError, match=r"/b\.json:2:16: /: not valid UTF-8 \(byte 0xFF"):
        read_baseline(path)
    path.write_bytes(b'\xef\xbb\xbf{"assess_baseline": 1, "findings": []}')
    assert read_baseline(path).entries == frozenset()


def test_a_baseline_keeps_the_messages_it_records() -> None:
    text = '{"assess_baseline": 1, "findings": [{"file": "a", "rule_id": "R", "fingerprint": "f", "message": "m"}]}'
    baseline = parse_baseline(text)
    assert baseline.entries == {("a", "R", "f")}
    assert baseline.messages == {("a", "R", "f"): "m"}


def test_a_missing_baseline_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="--write-baseline"):
        read_baseline(tmp_path / "nope.json")


# ---------------------------------------------------------------- through the command line


def test_write_baseline_then_only_new_findings_fail(workdir: Path) -> None:
    runner = CliRunner()
    written = runner.invoke(cli, ["plan.json", "good.json", "--write-baseline", "baseline.json", "-q"])
    assert written.exit_code == 0, written.output
    assert "wrote baseline.json" in written.stderr
    first = (workdir / "baseline.json").read_bytes()

    again = runner.invoke(cli, ["plan.json", "good.json", "--baseline", "baseline.json"])
    assert again.exit_code == 0, again.output
    entries = json.loads(first)["findings"]
    assert f"{len(entries)} findings accepted by the baseline" in again.stdout

    # Re-writing gives the same bytes: the file diffs cleanly in version control.
    runner.invoke(cli, ["plan.json", "good.json", "--write-baseline", "baseline.json", "-q"])
    assert (workdir / "baseline.json").read_bytes() == first

    # A finding missing from the baseline is "new": it is reported and gated on.
    pol01 = [e for e in entries if e["rule_id"] == "POL-01"]
    assert pol01, "the failing sample has no crisis plan (POL-01)"
    kept = [e for e in entries if e["rule_id"] != "POL-01"]
    (workdir / "old.json").write_text(json.dumps({"assess_baseline": 1, "findings": kept}), encoding="utf-8")
    new = runner.invoke(cli, ["plan.json", "--baseline", "old.json", "--format", "json"])
    assert new.exit_code == 1
    findings = json.loads(new.stdout)["plans"][0]["findings"]
    assert {f["rule_id"] for f in findings} == {"POL-01"}


def test_baseline_errors_exit_2_in_one_line(workdir: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["plan.json", "--baseline", "nope.json"])
    assert missing.exit_code == 2
    assert missing.stderr.strip().splitlines() == [
        "assess: nope.json: no such baseline file (write one with --write-baseline)"
    ]
    both = runner.invoke(cli, ["plan.json", "--baseline", "a.json", "--write-baseline", "b.json"])
    assert both.exit_code == 2
    assert "not both" in both.stderr


def test_a_broken_baseline_on_the_command_line_is_its_located_line(workdir: Path) -> None:
    (workdir / "bad.json").write_text('{"assess_baseline": 1,\n "findings": [\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan.json", "--baseline", "bad.json"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "assess: bad.json:2:15: /findings/0: expected a value, found the end of the input"
    ]
