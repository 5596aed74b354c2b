"""Baselines: record today's findings, then report and gate only on new ones."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assess.api import assess_many
from assess.cli import cli
from assess.results.baseline import (
    Baseline,
    BaselineError,
    apply_baseline,
    baseline_text,
    merge,
    parse_baseline,
    read_baseline,
    read_previous,
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
        # A repeated key: the stdlib kept the last value silently (the entry read another finding than it showed).
        (
            '{"assess_baseline": 1, "findings": [\n  {"file": "a", "rule_id": "R", "rule_id": "S", "fingerprint": "f"}]}',
            'b.json:2:33: /findings/0/rule_id: duplicate key "rule_id" (first defined on line 2)',
        ),
        (
            '{"assess_baseline": 1,\n "assess_baseline": 1, "findings": []}',
            "b.json:2:2: /assess_baseline: duplicate key",
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


def test_a_baseline_being_updated_says_it_is_left_as_it_is() -> None:
    """`updating` (--write-baseline reads the file it will rewrite): the message says why it is not overwritten."""
    with pytest.raises(BaselineError) as reading:
        parse_baseline("[]", "b.json")
    with pytest.raises(BaselineError) as updating:
        parse_baseline("[]", "b.json", updating=True)
    assert str(reading.value) == (
        "b.json:1:1: /: not an assess baseline: an array, not an object (write one with --write-baseline)"
    )
    assert str(updating.value) == (
        "b.json:1:1: /: not an assess baseline: an array, not an object (left as it is: --write-baseline keeps "
        "its entries of plans not assessed; fix it, or delete it to start afresh)"
    )


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


# ---------------------------------------------------------------- rewriting a baseline: plan by plan


@pytest.fixture
def three(workdir: Path) -> Path:
    """plan.json and garden.yaml with findings, good.json without: three plans in the working folder."""
    shutil.copy(SAMPLES / "community-garden.yaml", workdir / "garden.yaml")
    return workdir


PLANS = ["plan.json", "garden.yaml", "good.json"]


def entries_of(path: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["findings"]
    return entries


def write(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--write-baseline", "baseline.json", "-q", "--no-config"])


def test_rewriting_with_a_broken_plan_keeps_its_accepted_findings(three: Path) -> None:
    assert write(*PLANS).exit_code == 0
    first = (three / "baseline.json").read_bytes()
    files = [e["file"] for e in entries_of(three / "baseline.json")]
    assert files.count("plan.json") > 0 and files.count("garden.yaml") > 0, "both samples have findings"
    garden = (three / "garden.yaml").read_bytes()
    (three / "garden.yaml").write_text("schema_version: [\n", encoding="utf-8")

    broken = write(*PLANS)
    assert broken.exit_code == 2  # the broken plan is still an error
    assert (
        f"assess: wrote baseline.json ({len(files)} findings; "
        f"kept {files.count('garden.yaml')} from 1 plan not assessed in this run)"
    ) in broken.stderr.splitlines()
    assert (three / "baseline.json").read_bytes() == first

    (three / "garden.yaml").write_bytes(garden)
    fixed = CliRunner().invoke(cli, [*PLANS, "--baseline", "baseline.json", "--format", "json", "--no-config"])
    assert fixed.exit_code == 0, fixed.stderr
    assert [f for plan in json.loads(fixed.stdout)["plans"] for f in plan["findings"]] == []


def test_naming_some_plans_keeps_the_entries_of_the_others(three: Path) -> None:
    assert write(*PLANS).exit_code == 0
    first = (three / "baseline.json").read_bytes()
    files = [e["file"] for e in entries_of(three / "baseline.json")]

    some = write("garden.yaml")
    assert some.exit_code == 0
    assert some.stderr.splitlines() == [
        f"assess: wrote baseline.json ({len(files)} findings; "
        f"kept {files.count('plan.json')} from 1 plan not assessed in this run)"
    ]
    assert (three / "baseline.json").read_bytes() == first  # same findings, same bytes
    # The same plans named another way (./, absolute) are the same entries: names are relative to the working folder.
    assert write("./garden.yaml", str(three / "plan.json")).exit_code == 0
    assert (three / "baseline.json").read_bytes() == first


def test_a_rewrite_replaces_the_entries_of_the_plans_it_assessed(three: Path) -> None:
    """A fixed finding leaves the baseline; other plans' entries stay, messages and all."""
    assert write(*PLANS).exit_code == 0
    entries = entries_of(three / "baseline.json")
    fixed = {"file": "plan.json", "rule_id": "OLD-01", "fingerprint": "0" * 16, "message": "fixed since"}
    other = {"file": "gone/other.json", "rule_id": "OLD-02", "fingerprint": "1" * 16, "message": "kept as written"}
    document = {"assess_baseline": 1, "findings": [*entries, fixed, other]}
    (three / "baseline.json").write_text(json.dumps(document), encoding="utf-8")

    result = write("plan.json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"assess: wrote baseline.json ({len(entries) + 1} findings; "
        f"kept {sum(e['file'] == 'garden.yaml' for e in entries) + 1} from 2 plans not assessed in this run)"
    ]
    assert entries_of(three / "baseline.json") == sorted(
        [*entries, other], key=lambda e: (e["file"], e["rule_id"], e["fingerprint"])
    )


def test_a_first_baseline_says_nothing_was_kept(three: Path) -> None:
    result = write("plan.json")
    count = len(entries_of(three / "baseline.json"))
    assert result.stderr.splitlines() == [f"assess: wrote baseline.json ({count} findings)"]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("{\n", "baseline.json:1:2: /: expected a member name in double quotes after '{', found the end of the input"),
        ('{"name": "a package.json"}', 'baseline.json:1:1: /: not an assess baseline: no "assess_baseline" member'),
    ],
)
def test_a_baseline_that_cannot_be_read_is_not_overwritten(three: Path, content: str, line: str) -> None:
    (three / "baseline.json").write_text(content, encoding="utf-8")
    result = write(*PLANS)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"assess: {line} (left as it is: --write-baseline keeps its entries of plans not assessed; "
        "fix it, or delete it to start afresh)"
    ]
    assert result.stdout == ""  # refused before assessing
    assert (three / "baseline.json").read_text(encoding="utf-8") == content


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_baseline_written_to_a_device_reads_nothing_from_it(three: Path) -> None:
    """/dev/null holds no baseline to keep (reading it would find an empty file, not a baseline)."""
    result = CliRunner().invoke(cli, ["plan.json", "--write-baseline", os.devnull, "-q", "--no-config"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"assess: wrote {os.devnull} (")
    assert read_previous(os.devnull) is None
    assert read_previous(three / "nothing-here.json") is None


def test_the_library_writes_a_baseline_plan_by_plan_too(three: Path) -> None:
    everything = assess_many([(name, Path(name)) for name in PLANS])
    count = write_baseline(three / "baseline.json", everything)
    first = (three / "baseline.json").read_bytes()
    assert count == len(entries_of(three / "baseline.json")) > 0
    assert write_baseline(three / "baseline.json", assess_many([("plan.json", Path("plan.json"))])) == count
    assert (three / "baseline.json").read_bytes() == first


def test_merge_counts_what_it_kept() -> None:
    previous = parse_baseline(
        json.dumps(
            {
                "assess_baseline": 1,
                "findings": [
                    {"file": "a", "rule_id": "R1", "fingerprint": "f", "message": "old a"},
                    {"file": "b", "rule_id": "R1", "fingerprint": "f", "message": "b1"},
                    {"file": "b", "rule_id": "R2", "fingerprint": "f", "message": "b2"},
                    {"file": "c", "rule_id": "R1", "fingerprint": "f"},
                ],
            }
        )
    )
    recorded = {("a", "R3", "g"): "new a"}
    merged, written = merge(previous, recorded, {"a"})
    assert merged == {("a", "R3", "g"): "new a", ("b", "R1", "f"): "b1", ("b", "R2", "f"): "b2", ("c", "R1", "f"): ""}
    assert (written.findings, written.kept, written.kept_plans) == (4, 3, 2)
    assert written.summary("x.json") == "wrote x.json (4 findings; kept 3 from 2 plans not assessed in this run)"
    assert written.summary("x.json", "fr") == (
        "x.json écrit (4 constats ; 3 gardés de 2 plans non évalués dans cette exécution)"
    )
    merged, written = merge(None, recorded, {"a"})
    assert merged == recorded and written.summary("x.json") == "wrote x.json (1 finding)"
    assert written.summary("x.json", "fr") == "x.json écrit (1 constat)"
