"""JUnit XML: read by junitparser, one suite per plan, one case per rule, counts right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped, TestCase
from support import sample

from assess.api import assess_many
from assess.config import Config
from assess.formats import RenderOptions, render
from assess.results.gate import Settings, regate
from assess.results.report import Report, Status

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
JUSTIFICATION = "The second admin starts next month; tracked in the board minutes."


@pytest.fixture(scope="module")
def report() -> Report:
    return assess_many(
        [
            sample("exemplary.json"),
            sample(
                "no-crisis-single-admin.json",
                **{"x-assess": {"suppress": [{"rule": "POL-03", "justification": JUSTIFICATION}]}},
            ),
            ("samples/invalid/schema-violations.json", (SAMPLES / "invalid" / "schema-violations.json").read_bytes()),
        ],
        config=Config(today="2025-01-01"),
    )


@pytest.fixture(scope="module")
def xml(report: Report, tmp_path_factory: pytest.TempPathFactory) -> JUnitXml:
    path = tmp_path_factory.mktemp("junit") / "assess.xml"
    # Every finding a failure: the gate at its most severe (--fail-on info), which the report carries.
    path.write_text(render("junit", regate(report, Settings("info")), RenderOptions()), encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_one_suite_per_plan_named_after_its_file(xml: JUnitXml, report: Report) -> None:
    assert [suite.name for suite in xml] == [plan.file for plan in report.plans]


def test_one_case_per_rule_evaluated_with_the_right_counts(xml: JUnitXml, report: Report) -> None:
    suites = list(xml)
    for suite, plan in zip(suites[:2], report.plans[:2], strict=True):
        cases = list(suite)
        assert len(cases) == len(plan.rules) == suite.tests
        assert [case.name for case in cases] == [f"{r.rule_id} {r.title}" for r in plan.rules]
        failures = sum(1 for case in cases for r in case.result if isinstance(r, Failure))
        skipped = sum(1 for case in cases for r in case.result if isinstance(r, Skipped))
        assert failures == suite.failures == sum(r.status is Status.FAIL for r in plan.rules)
        assert (
            skipped
            == suite.skipped
            == sum(r.status is not Status.FAIL and r.status is not Status.PASS for r in plan.rules)
        )
        assert suite.errors == 0
    assert xml.tests == sum(suite.tests for suite in suites)
    assert xml.failures == sum(suite.failures for suite in suites)


def test_a_failure_carries_the_findings_and_what_to_do(xml: JUnitXml, report: Report) -> None:
    suite = list(xml)[1]
    case = next(case for case in suite if case.name.startswith("POL-01 "))
    assert case.classname == "Policies"
    (failure,) = case.result
    assert isinstance(failure, Failure)
    assert failure.type == "critical"
    finding = next(f for f in report.plans[1].findings if f.rule_id == "POL-01")
    assert failure.message == finding.message
    assert f"samples/no-crisis-single-admin.json:{finding.line}:" in failure.text
    assert "What to do:" in failure.text


def test_suppressed_not_applicable_and_unknown_rules_are_skipped_with_the_reason(xml: JUnitXml) -> None:
    exemplary, failing, _ = list(xml)
    pol03 = next(case for case in failing if case.name.startswith("POL-03 "))
    (skipped,) = pol03.result
    assert isinstance(skipped, Skipped)
    assert skipped.message == f"suppressed: {JUSTIFICATION}"
    reasons = {r.message for case in exemplary for r in case.result if isinstance(r, Skipped)}
    assert all(reason.startswith(("not applicable", "unknown", "suppressed")) for reason in reasons)


def test_a_plan_that_could_not_be_assessed_is_one_error(xml: JUnitXml, report: Report) -> None:
    suite = list(xml)[2]
    assert (suite.tests, suite.errors, suite.failures) == (1, 1, 0)
    (case,) = list(suite)
    (error,) = case.result
    assert isinstance(error, Error)
    assert error.type == "schema"
    assert error.text.count("\n") == len(report.plans[2].problems) - 1
    assert "samples/invalid/schema-violations.json:" in error.text
    assert xml.errors == 1


def test_control_characters_from_a_plan_do_not_break_the_xml() -> None:
    data = json.loads(sample("no-crisis-single-admin.json")[1])
    data["organization"]["name"] = "Bad\x01name <&>"
    text = render("junit", assess_many([("p.json", data)]), RenderOptions())
    import xml.etree.ElementTree as ET

    ET.fromstring(text.encode())  # parses: the control character was replaced
    assert "\x01" not in text


def test_identical_output_each_time(report: Report) -> None:
    assert render("junit", report, RenderOptions()) == render("junit", report, RenderOptions())
    assert "time=" not in render("junit", report, RenderOptions())


# ---------------------------------------------------------------- the score gate (--fail-under)


def _parsed(report: Report, options: RenderOptions, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "assess.xml"
    path.write_text(render("junit", report, options), encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def _score_cases(xml: JUnitXml) -> list[list[TestCase]]:
    """Per suite, its score-gate testcases (``score >= N``)."""
    return [[case for case in suite if case.name.startswith("score >= ")] for suite in xml]


def test_without_fail_under_there_is_no_score_testcase(report: Report, tmp_path: Path) -> None:
    xml = _parsed(regate(report, Settings("none")), RenderOptions(), tmp_path)
    assert _score_cases(xml) == [[], [], []]
    assert xml.failures == 0  # --fail-on none, no score gate: the run passes, so nothing is red


def test_a_plan_under_fail_under_is_a_failing_score_testcase_counted_in_failures(
    report: Report, tmp_path: Path
) -> None:
    """The QA case: --fail-on none --fail-under 80 exits 1; the XML must not say failures="0"."""
    failing_score = report.plans[1].score
    assert failing_score is not None and failing_score.overall == 50.2
    xml = _parsed(regate(report, Settings("none", 80)), RenderOptions(), tmp_path)
    exemplary, failing, broken = _score_cases(xml)
    assert broken == []  # a plan that could not be assessed has its <error>, no score
    (passed,) = exemplary
    assert passed.name == "score >= 80" and passed.classname == "assess" and passed.is_passed
    (case,) = failing
    (failure,) = case.result
    assert isinstance(failure, Failure)
    assert failure.type == "score"
    assert failure.message == "the overall score is 50.2, below 80 (--fail-under)"
    assert failure.text.startswith("samples/no-crisis-single-admin.json: the overall score is 50.2, below 80")
    assert "What to do first" in failure.text and "POL-01 " in failure.text
    suites = list(xml)
    assert [suite.failures for suite in suites] == [0, 1, 0]
    assert [suite.tests for suite in suites[:2]] == [len(plan.rules) + 1 for plan in report.plans[:2]]
    assert xml.failures == 1
    assert xml.tests == sum(suite.tests for suite in suites)


@pytest.mark.parametrize(
    ("minimum", "name", "fails"),
    [(50.2, "score >= 50.2", False), (50.25, "score >= 50.25", True), (50, "score >= 50", False)],
)
def test_a_score_equal_to_the_minimum_passes_as_the_gate_does(
    report: Report, tmp_path: Path, minimum: float, name: str, fails: bool
) -> None:
    from assess.results.gate import decide

    score = report.plans[1].score
    assert score is not None and score.overall == 50.2
    xml = _parsed(regate(report, Settings("high", minimum)), RenderOptions(), tmp_path)
    (case,) = _score_cases(xml)[1]
    assert case.name == name  # the minimum as given: 50.25 is not shown as 50.2 or 50.3
    assert (not case.is_passed) is fails
    one_plan = report.model_copy(update={"plans": report.plans[1:2]})
    assert (decide(one_plan, Config(fail_on="none", fail_under=minimum)).exit_code == 1) is fails
