"""The gate: exit 0 passed, 1 gate failed, 2 could not assess (which wins over a failed gate)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import plans

import assess
from assess import api
from assess.config import Config
from assess.results import gate
from assess.results.gate import (
    EXIT_ERROR,
    EXIT_GATE_FAILED,
    EXIT_OK,
    REASONS_KEPT,
    Settings,
    Tally,
    decide,
    describe,
    judge,
    plan_failures,
    regate,
)
from assess.results.report import Finding, PlanProblem, PlanReport, Report, Score, Severity, Summary, ToolInfo
from assess.rules.catalog import build_catalog


def finding(severity: Severity, rule_id: str = "POL-01") -> Finding:
    return Finding(
        rule_id=rule_id,
        step=4,
        severity=severity,
        title="title",
        message="message",
        rationale="rationale",
        recommendation="recommendation",
        pointer="",
        line=1,
        column=1,
        fingerprint=f"{rule_id}-{severity}",
    )


def assessed(file: str, overall: float, *severities: Severity) -> PlanReport:
    return PlanReport(
        file=file,
        assessed=True,
        score=Score(overall=overall, grade="B", completeness=100.0),
        findings=[finding(severity) for severity in severities],
    )


def broken(file: str) -> PlanReport:
    return PlanReport(file=file, assessed=False, problems=[PlanProblem(kind="syntax", message="bad", pointer="")])


def report(*plans: PlanReport) -> Report:
    return Report(
        tool=ToolInfo(name="assess", version="0"),
        rule_packs=[],
        plans=list(plans),
        summary=Summary(
            plans=len(plans),
            assessed=sum(p.assessed for p in plans),
            errors=sum(not p.assessed for p in plans),
            findings={s: 0 for s in Severity},
        ),
    )


def test_the_default_gate_fails_on_high_and_above() -> None:
    assert Config().fail_on == Severity.HIGH
    assert decide(report(assessed("a.json", 90, Severity.MEDIUM, Severity.LOW)), Config()).exit_code == EXIT_OK
    verdict = decide(report(assessed("a.json", 90, Severity.HIGH)), Config())
    assert verdict.exit_code == EXIT_GATE_FAILED
    assert verdict.reasons == ("a.json: 1 finding at or above high (worst: high; --fail-on high)",)


@pytest.mark.parametrize(
    ("fail_on", "severity", "fails"),
    [
        ("critical", Severity.HIGH, False),
        ("critical", Severity.CRITICAL, True),
        ("medium", Severity.MEDIUM, True),
        ("low", Severity.INFO, False),
        ("info", Severity.INFO, True),
        ("none", Severity.CRITICAL, False),
    ],
)
def test_fail_on(fail_on: str, severity: Severity, fails: bool) -> None:
    config = Config.model_validate({"fail_on": fail_on})
    assert bool(plan_failures(assessed("a.json", 100, severity), config)) is fails


def test_fail_under_compares_the_overall_score() -> None:
    config = Config(fail_on="none", fail_under=60)
    assert decide(report(assessed("a.json", 60)), config).passed
    verdict = decide(report(assessed("a.json", 59.9)), config)
    assert verdict.exit_code == EXIT_GATE_FAILED
    assert "the overall score is 59.9, below 60" in verdict.reasons[0]


@pytest.mark.parametrize(("lang", "shown"), [("en", "below 59.95 "), ("fr", "sous 59,95 ")])
def test_the_minimum_is_shown_as_given_not_rounded_like_a_score(lang: str, shown: str) -> None:
    """59.9 fails --fail-under 59.95: saying "59.9, below 60" (or "below 59.9") would contradict the verdict."""
    plan = dataclasses.replace(assessed("a.json", 59.9), language=lang)
    (reason,) = plan_failures(plan, Config(fail_on="none", fail_under=59.95))
    assert shown in reason
    assert not plan_failures(assessed("a.json", 59.95), Config(fail_on="none", fail_under=59.95))


def test_both_gates_give_both_reasons() -> None:
    reasons = plan_failures(assessed("a.json", 10, Severity.CRITICAL, Severity.CRITICAL), Config(fail_under=50))
    assert len(reasons) == 2
    assert reasons[0].startswith("2 findings at or above high (worst: critical")


def test_a_plan_that_could_not_be_assessed_wins_over_a_failed_gate() -> None:
    verdict = decide(report(assessed("a.json", 10, Severity.CRITICAL), broken("b.json")), Config())
    assert verdict.exit_code == EXIT_ERROR
    assert "b.json: could not be assessed" in verdict.reasons


def test_a_batch_passes_only_when_every_plan_passes() -> None:
    assert decide(report(assessed("a.json", 90), assessed("b.json", 95)), Config()).exit_code == EXIT_OK
    verdict = decide(report(assessed("a.json", 90), assessed("b.json", 95, Severity.HIGH)), Config())
    assert verdict.exit_code == EXIT_GATE_FAILED
    assert [reason.split(":")[0] for reason in verdict.reasons] == ["b.json"]


def test_an_empty_report_is_never_a_pass() -> None:
    assert decide(report(), Config()).exit_code == EXIT_ERROR


def test_the_runs_gate_lists_the_first_reasons_and_counts_the_rest() -> None:
    plans = [assessed(f"p{index:02d}.json", 40, Severity.CRITICAL) for index in range(REASONS_KEPT + 3)]
    tally = Tally(Settings("high", 50), keep=REASONS_KEPT)
    judged = [tally.add(plan) for plan in plans]
    gate = tally.gate()
    assert (gate.exit_code, gate.passed, gate.plans_failed, gate.plans_not_assessed) == (1, False, 13, 0)
    assert len(gate.reasons) == REASONS_KEPT and gate.more_reasons == 2 * 13 - REASONS_KEPT  # two reasons a plan
    assert gate.reasons[:2] == [
        "p00.json: 1 finding at or above high (worst: critical; --fail-on high)",
        "p00.json: the overall score is 40, below 50 (--fail-under)",
    ]
    assert all(plan.gate is not None and plan.gate.findings == 1 and plan.gate.below_minimum for plan in judged)
    assert describe(gate).startswith(
        "gate failed (exit 1; --fail-on high, --fail-under 50): 13 plans failed the gate: "
    )
    assert describe(gate).endswith("; ... and 16 more")


def test_regate_judges_a_report_again_under_its_own_gate_or_another() -> None:
    made = regate(report(assessed("a.json", 70, Severity.HIGH), broken("b.json")), Settings())
    assert made.gate is not None and made.gate.exit_code == EXIT_ERROR and made.gate.plans_not_assessed == 1
    assert [p.gate.passed for p in made.plans if p.gate] == [False, False]
    # A baseline set the high finding aside: judged again under the report's own gate, the plan passes.
    first = made.plans[0].model_copy(update={"findings": []})
    again = regate(made.model_copy(update={"plans": [first, made.plans[1]]}))
    assert again.plans[0].gate is not None and again.plans[0].gate.passed
    assert again.gate is not None and (again.gate.plans_failed, again.gate.reasons) == (
        0,
        ["b.json: could not be assessed"],
    )
    assert regate(report(assessed("a.json", 70))).gate is None  # no gate of its own, none given: left as it is


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drawn=st.lists(plans(), min_size=1, max_size=3),
    broken_at=st.none() | st.integers(0, 3),
    fail_on=st.sampled_from(["none", "critical", "high", "medium", "low", "info"]),
    fail_under=st.none() | st.floats(0, 100),
    lang=st.sampled_from([None, "en", "fr"]),
)
def test_a_report_of_plans_judged_as_they_were_made_is_the_one_judged_again(
    drawn: list[dict[str, Any]], broken_at: int | None, fail_on: str, fail_under: float | None, lang: str | None
) -> None:
    # assess_plan and assess_many count each plan's verdict as `assess_loaded` (or `problem_report`) made it,
    # rather than judging it a second time: the same report as `make_report`, which judges every plan again.
    config = Config(fail_on=fail_on, fail_under=fail_under, lang=lang)
    sources: list[tuple[str, Any]] = [(f"p{index}.json", plan) for index, plan in enumerate(drawn)]
    if broken_at is not None:
        sources.insert(min(broken_at, len(sources)), ("broken.json", "{not json"))
    made = assess.assess_many(sources, config=config)
    assert made == api.make_report(made.plans, build_catalog(config), config)
    single = assess.assess_plan(drawn[0], config=config, name="p0.json")
    assert single == api.make_report(single.plans, build_catalog(config), config)


@settings(max_examples=200, deadline=None)
@given(
    severities=st.lists(st.sampled_from(list(Severity)), max_size=30),
    fail_on=st.sampled_from(["none", "critical", "high", "medium", "low", "info"]),
    lang=st.sampled_from(["en", "fr"]),
)
def test_judge_counts_the_findings_at_or_above_the_gate_and_names_the_worst(
    severities: list[Severity], fail_on: str, lang: str
) -> None:
    # `judge` counts by severity, worst first, rather than ranking every finding: the same count and worst.
    ranks = list(Severity)
    limit = -1 if fail_on == "none" else ranks.index(Severity(fail_on))
    serious = [severity for severity in severities if ranks.index(severity) <= limit]
    verdict = judge([finding(severity) for severity in severities], None, lang, Settings(fail_on))
    assert (verdict.passed, verdict.findings) == (not serious, len(serious))
    if serious:
        worst = min(serious, key=ranks.index)
        assert verdict.reasons == [gate._findings_reason(len(serious), fail_on, worst.value, lang)]
