"""The gate's verdict is in the stored reports: JSON, SARIF and JUnit say what the exit code says, and why.

A CI job keeps the JSON report and the SARIF log as artifacts (or uploads the SARIF to code
scanning); a person or a tool reading them later must not have to recompute the gate. Each case
runs the command line once, writing the three files, and checks that every file agrees with the
exit code and with the reasons printed on standard error: pass, fail by severity, fail by score
(at and just above the minimum), could not assess, a mixed batch, a baseline that hides the only
failing finding, French plans, ``--fail-on none``, and the default gate when none is configured.
The reports for people (text, the Markdown job summary, HTML) show the same stored verdict, in
each plan's language: one line when a plan passed, its reasons when it failed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.i18n import colon, label

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SARIF_SCHEMA = ROOT.parent / "shared" / "reference" / "sarif-schema-2.1.0.json"
TODAY = "2025-06-01"
EXEMPLARY = SAMPLES / "exemplary.json"  # scores 100, no finding
CHANNELS_FIRST = SAMPLES / "channels-first.json"  # 4 findings at or above high, scores 50.2
FUNDRAISING = SAMPLES / "fundraising-only.json"  # exactly 1 finding at or above high (PLN-03), scores 66.6
BROKEN = SAMPLES / "invalid" / "syntax-error.json"


class Run(NamedTuple):
    code: int
    stderr: str
    json: dict[str, Any]
    sarif: dict[str, Any]
    junit: ET.Element
    text: str
    markdown: str
    html: str


def run(tmp_path: Path, *args: str) -> Run:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    files = {fmt: out / f"report.{fmt}" for fmt in ("json", "sarif", "junit", "text", "markdown", "html")}
    result = CliRunner().invoke(
        cli,
        [*args, "--no-config", "--today", TODAY, *(f"--format={fmt}:{path}" for fmt, path in files.items())],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return Run(
        result.exit_code,
        result.stderr,
        json.loads(files["json"].read_text(encoding="utf-8")),
        json.loads(files["sarif"].read_text(encoding="utf-8")),
        ET.parse(files["junit"]).getroot(),
        files["text"].read_text(encoding="utf-8"),
        files["markdown"].read_text(encoding="utf-8"),
        files["html"].read_text(encoding="utf-8"),
    )


def stderr_reasons(stderr: str) -> list[str]:
    """The reasons standard error gives under ``assess: gate failed (exit 1):`` (or its French)."""
    lines = stderr.splitlines()
    heads = [
        i
        for i, line in enumerate(lines)
        if line.startswith("assess: ") and ("(exit 1)" in line or "(code de sortie 1)" in line)
    ]
    if not heads:
        return []
    reasons: list[str] = []
    for line in lines[heads[0] + 1 :]:
        if not line.startswith("  "):
            break
        reasons.append(line[2:])
    return reasons


def junit_verdicts(root: ET.Element) -> list[tuple[str | None, list[str]]]:
    """Per testsuite: its ``gate`` property and its ``gate_reason`` properties."""
    verdicts = []
    for suite in root.iter("testsuite"):
        props = [(p.get("name"), p.get("value") or "") for p in suite.iter("property")]
        gate = next((value for name, value in props if name == "gate"), None)
        verdicts.append((gate, [value for name, value in props if name == "gate_reason"]))
    return verdicts


def assert_agrees(run: Run) -> None:
    """Every stored output says what the exit code says, with standard error's reasons."""
    gate = run.json["gate"]
    assert gate["exit_code"] == run.code
    assert gate["passed"] is (run.code == 0)
    plans = run.json["plans"]
    assert gate["plans_not_assessed"] == sum(not p["assessed"] for p in plans)
    assert gate["plans_failed"] == sum(p["assessed"] and not p["gate"]["passed"] for p in plans)
    assert (run.code == 2) is (gate["plans_not_assessed"] > 0)
    assert (run.code == 1) is (gate["plans_failed"] > 0 and gate["plans_not_assessed"] == 0)
    # The overall reasons are each plan's, prefixed with its file: standard error's lines.
    assert gate["reasons"] == [f"{p['file']}: {r}" for p in plans for r in p["gate"]["reasons"]][:10]
    if run.code == 1:
        assert stderr_reasons(run.stderr) == gate["reasons"]
    for plan in plans:
        assert plan["gate"]["passed"] is (plan["assessed"] and not plan["gate"]["reasons"])
    # SARIF: the invocation's exit code and description; findings are not a failed execution.
    (invocation,) = run.sarif["runs"][0]["invocations"]
    assert invocation["exitCode"] == run.code
    assert invocation["executionSuccessful"] is (run.code != 2)
    assert invocation["properties"]["gate"] == gate
    description = invocation["exitCodeDescription"]
    # In the plans' language when they share one, else English (`assess.formats.common_language`).
    lang = languages.pop() if len(languages := {p["language"] for p in plans}) == 1 else "en"
    head = {0: "gate_run_passed", 1: "gate_run_failed", 2: "gate_run_unassessed"}[run.code]
    assert description.startswith(label(head, lang).split(" (")[0] + " (")
    assert all(reason in description for reason in gate["reasons"])
    assert [p["gate"] for p in run.sarif["runs"][0]["properties"]["plans"]] == [p["gate"] for p in plans]
    # JUnit: each suite's verdict and reasons; failures only when a plan failed the gate.
    expected = [
        ("passed" if p["gate"]["passed"] else "failed" if p["assessed"] else "not_assessed", p["gate"]["reasons"])
        for p in plans
    ]
    assert junit_verdicts(run.junit) == expected
    assert (int(run.junit.get("failures", "0")) > 0) is (gate["plans_failed"] > 0)
    assert (int(run.junit.get("errors", "0")) > 0) is (run.code == 2)
    assert_shown(run)
    if SARIF_SCHEMA.is_file():
        from jsonschema import Draft4Validator

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        assert not list(Draft4Validator(schema).iter_errors(run.sarif))


def status(plan: dict[str, Any]) -> str:
    return "passed" if plan["gate"]["passed"] else "failed" if plan["assessed"] else "not_assessed"


def verdict_line(plan: dict[str, Any], gate: dict[str, Any]) -> str:
    """The line the reports for people show for a plan: "Gate: failed (--fail-on high)", in its language."""
    lang = plan["language"]
    setting = f"--fail-on {gate['fail_on']}"
    if gate["fail_under"] is not None:
        setting += f", --fail-under {gate['fail_under']:g}"
    return f"{label('gate', lang)}{colon(lang)}{label('gate_status_' + status(plan), lang)} ({setting})"


def assert_shown(run: Run) -> None:
    """Text, Markdown and HTML show each plan's stored verdict (its reasons only when it failed), and for a batch
    the run's, which starts as the exit code says."""
    gate, plans = run.json["gate"], run.json["plans"]
    text_lines = run.text.splitlines()
    markdown_lines = run.markdown.splitlines()
    text_at = markdown_at = 0  # plan by plan, in order: two plans may show the same line
    for plan in plans:
        line = verdict_line(plan, gate)
        reasons = plan["gate"]["reasons"] if status(plan) == "failed" else []
        at = text_at = text_lines.index(line, text_at + 1)
        assert text_lines[at + 1 : at + 1 + len(reasons)] == [f"  - {reason}" for reason in reasons]
        assert not any(after.startswith("  - ") for after in text_lines[at + 1 + len(reasons) : at + 2 + len(reasons)])
        at = markdown_at = markdown_lines.index(f"**{line}**", markdown_at + 1)
        assert markdown_lines[at + 1 : at + 2 + len(reasons)] == [*(f"- {reason}" for reason in reasons), ""]
        html = f'<div class="gate gate-{status(plan)}"><p>{line}</p>'
        assert html.replace("'", "&#39;") in run.html
        assert all(reason.replace("'", "&#39;") in run.html for reason in reasons)
    for shown in (run.text, run.markdown, run.html):
        for word in ("passed", "failed", "not_assessed"):
            expected = sum(status(plan) == word for plan in plans if plan["language"] == "en")
            assert shown.count(f"Gate: {label('gate_status_' + word, 'en')} (") == expected
    head = {0: "Gate passed (exit 0;", 1: "Gate failed (exit 1;", 2: "Could not assess (exit 2;"}[run.code]
    if all(plan["language"] == "en" for plan in plans):
        runs = [line for line in text_lines if line.startswith(head)]
        assert runs == ([] if len(plans) == 1 else [runs[0]]), runs
        assert (f"**{head}" in run.markdown) is (len(plans) > 1)
        assert (f'<p class="gate gate-{"passed" if run.code == 0 else "failed"}">{head}' in run.html) is (
            len(plans) > 1
        )


def test_a_plan_that_passes(tmp_path: Path) -> None:
    result = run(tmp_path, str(EXEMPLARY))
    assert result.code == 0
    assert_agrees(result)
    assert result.json["gate"] == {
        "fail_on": "high",  # no gate configured: the default gate
        "fail_under": None,
        "exit_code": 0,
        "passed": True,
        "plans_failed": 0,
        "plans_not_assessed": 0,
        "reasons": [],
        "more_reasons": 0,
    }
    assert result.json["plans"][0]["gate"] == {"passed": True, "findings": 0, "below_minimum": False, "reasons": []}
    invocation = result.sarif["runs"][0]["invocations"][0]
    assert (
        invocation["exitCodeDescription"] == "gate passed (exit 0; --fail-on high): every plan was assessed and passed"
    )


def test_a_plan_that_fails_by_severity(tmp_path: Path) -> None:
    result = run(tmp_path, str(CHANNELS_FIRST))
    assert result.code == 1
    assert_agrees(result)
    (plan,) = result.json["plans"]
    assert plan["gate"] == {
        "passed": False,
        "findings": 4,
        "below_minimum": False,
        "reasons": ["4 findings at or above high (worst: critical; --fail-on high)"],
    }
    assert result.json["gate"]["reasons"] == [
        f"{plan['file']}: 4 findings at or above high (worst: critical; --fail-on high)"
    ]
    assert result.sarif["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_fail_on_none_passes_the_same_plan(tmp_path: Path) -> None:
    result = run(tmp_path, str(CHANNELS_FIRST), "--fail-on", "none")
    assert result.code == 0
    assert_agrees(result)
    assert result.json["gate"]["fail_on"] == "none"
    assert result.json["plans"][0]["gate"] == {"passed": True, "findings": 0, "below_minimum": False, "reasons": []}


@pytest.mark.parametrize(("minimum", "code"), [("66.6", 0), ("66.65", 1)])
def test_a_score_exactly_at_fail_under_passes_and_just_below_it_fails(tmp_path: Path, minimum: str, code: int) -> None:
    result = run(tmp_path, str(FUNDRAISING), "--fail-on", "none", "--fail-under", minimum)
    assert result.json["plans"][0]["score"]["overall"] == 66.6
    assert result.code == code
    assert_agrees(result)
    gate = result.json["plans"][0]["gate"]
    assert gate["below_minimum"] is (code == 1)
    assert gate["reasons"] == ([f"the overall score is 66.6, below {minimum} (--fail-under)"] if code else [])
    assert result.json["gate"]["fail_under"] == float(minimum)


def test_a_plan_that_could_not_be_assessed(tmp_path: Path) -> None:
    result = run(tmp_path, str(BROKEN))
    assert result.code == 2
    assert_agrees(result)
    assert result.json["plans"][0]["gate"] == {
        "passed": False,
        "findings": 0,
        "below_minimum": False,
        "reasons": ["could not be assessed"],
    }
    assert result.json["gate"]["plans_not_assessed"] == 1


def test_a_mixed_batch(tmp_path: Path) -> None:
    result = run(tmp_path, str(EXEMPLARY), str(CHANNELS_FIRST), str(BROKEN), str(FUNDRAISING), "--fail-under", "60")
    assert result.code == 2  # could not assess wins over a failed gate
    assert_agrees(result)
    assert [p["gate"]["passed"] for p in result.json["plans"]] == [True, False, False, False]
    gate = result.json["gate"]
    assert (gate["plans_failed"], gate["plans_not_assessed"]) == (2, 1)
    # channels-first fails both gates (severity, then score); fundraising-only only the severity gate.
    assert [len(p["gate"]["reasons"]) for p in result.json["plans"]] == [0, 2, 1, 1]
    description = result.sarif["runs"][0]["invocations"][0]["exitCodeDescription"]
    assert description.startswith(
        "could not assess (exit 2; --fail-on high, --fail-under 60): 1 plan could not be assessed, 2 plans failed the gate: "
    )


def test_a_baseline_that_hides_the_only_failing_finding_passes(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run(tmp_path, str(FUNDRAISING), "--write-baseline", str(baseline))
    data = json.loads(baseline.read_text(encoding="utf-8"))
    data["findings"] = [entry for entry in data["findings"] if entry["rule_id"] == "PLN-03"]  # the high one
    assert len(data["findings"]) == 1
    baseline.write_text(json.dumps(data), encoding="utf-8")
    without = run(tmp_path, str(FUNDRAISING))
    assert without.code == 1 and without.json["plans"][0]["gate"]["findings"] == 1
    result = run(tmp_path, str(FUNDRAISING), "--baseline", str(baseline))
    assert result.code == 0
    assert_agrees(result)
    (plan,) = result.json["plans"]
    assert plan["gate"] == {"passed": True, "findings": 0, "below_minimum": False, "reasons": []}
    assert plan["findings"] and all(f["severity"] not in ("critical", "high") for f in plan["findings"])


def test_reasons_are_in_each_plans_language(tmp_path: Path) -> None:
    data = json.loads(CHANNELS_FIRST.read_text(encoding="utf-8"))
    data["plan"]["language"] = "fr"
    french = tmp_path / "plan-fr.json"
    french.write_text(json.dumps(data), encoding="utf-8")
    result = run(tmp_path, str(french), str(FUNDRAISING), "--fail-under", "60")
    assert result.code == 1
    assert_agrees(result)
    fr, en = (p["gate"]["reasons"] for p in result.json["plans"])
    assert fr == [
        "4 constats de gravité élevée ou plus (le pire : critique ; --fail-on high)",
        "le score global est de 50,2, sous 60 (--fail-under)",
    ]
    assert en == ["1 finding at or above high (worst: high; --fail-on high)"]
    assert junit_verdicts(result.junit)[0] == ("failed", fr)


def test_the_verdict_is_the_same_bytes_each_run(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = run(tmp_path / "a", str(CHANNELS_FIRST), str(BROKEN))
    second = run(tmp_path / "b", str(CHANNELS_FIRST), str(BROKEN))
    assert first.json == second.json and first.sarif == second.sarif
    for name in ("report.json", "report.sarif", "report.junit", "report.text", "report.markdown", "report.html"):
        assert (tmp_path / "a" / "out" / name).read_bytes() == (tmp_path / "b" / "out" / name).read_bytes()


def test_a_french_run_shows_and_describes_the_verdict_in_french(tmp_path: Path) -> None:
    data = json.loads(CHANNELS_FIRST.read_text(encoding="utf-8"))
    data["plan"]["language"] = "fr"
    french = tmp_path / "plan-fr.json"
    french.write_text(json.dumps(data), encoding="utf-8")
    result = run(tmp_path, str(french), "--fail-under", "60")
    assert result.code == 1
    assert_agrees(result)
    file = result.json["plans"][0]["file"]
    line = "Seuil\u00a0: non respecté (--fail-on high, --fail-under 60)"
    reasons = [
        "4 constats de gravité élevée ou plus (le pire : critique ; --fail-on high)",
        "le score global est de 50,2, sous 60 (--fail-under)",
    ]
    assert f"{line}\n" + "".join(f"  - {reason}\n" for reason in reasons) in result.text
    assert f"**{line}**\n" + "".join(f"- {reason}\n" for reason in reasons) in result.markdown
    # Every plan is French, so SARIF's one-line description is too (a mixed run's is English).
    assert result.sarif["runs"][0]["invocations"][0]["exitCodeDescription"] == (
        "seuil non respecté (code de sortie 1\u00a0; --fail-on high, --fail-under 60)\u00a0: 1 plan n'a pas respecté "
        f"le seuil\u00a0: {file}: {reasons[0]}\u00a0; {file}: {reasons[1]}"
    )


def test_an_english_run_shows_the_verdict_in_english(tmp_path: Path) -> None:
    result = run(tmp_path, str(CHANNELS_FIRST))
    assert result.code == 1
    reason = "4 findings at or above high (worst: critical; --fail-on high)"
    assert f"Completeness 98.2%\nGate: failed (--fail-on high)\n  - {reason}\n\n" in result.text
    assert f"\n\n**Gate: failed (--fail-on high)**\n- {reason}\n\n" in result.markdown
    passed = run(tmp_path, str(EXEMPLARY), str(FUNDRAISING), "--fail-on", "none")
    assert passed.code == 0
    assert passed.text.count("\nGate: passed (--fail-on none)\n") == 2
    assert "\nGate passed (exit 0; --fail-on none): every plan was assessed and passed\n" in passed.text
    assert "\n**Gate passed (exit 0; --fail-on none): every plan was assessed and passed**\n" in passed.markdown
