"""The scoring formula, worked by hand, and its properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assess.config import Scoring
from assess.results.report import Maturity, Severity, Status
from assess.results.score import Scored, grade, predict_with_pass, rescore_with_pass, score

DEFAULT = Scoring()


def r(rule_id: str, step: int, severity: Severity, status: Status, weight: float | None = None) -> Scored:
    return Scored(rule_id, step, severity, DEFAULT.severity_weights[severity] if weight is None else weight, status)


def test_step_score_is_the_share_of_weight_kept() -> None:
    results = [
        r("A-01", 1, Severity.HIGH, Status.PASS),  # 6
        r("A-02", 1, Severity.MEDIUM, Status.FAIL),  # 3 lost
        r("A-03", 1, Severity.LOW, Status.PASS),  # 1
        r("A-04", 1, Severity.LOW, Status.UNKNOWN),  # not counted
        r("A-05", 1, Severity.HIGH, Status.NOT_APPLICABLE),  # not counted
    ]
    card = score(results, DEFAULT)
    step = card.steps[0]
    assert step.score == 70.0  # 100 * (1 - 3/10)
    assert (step.passed, step.failed, step.unknown, step.not_applicable) == (2, 1, 1, 1)
    assert step.maturity is Maturity.WALK
    assert card.score.overall == 70.0  # the only step with a score
    assert card.score.completeness == 75.0  # 3 counted of 4 decidable
    assert card.score.grade == "C"


def test_overall_is_the_weighted_mean_of_scored_steps() -> None:
    results = [r("A-01", 1, Severity.HIGH, Status.PASS), r("B-01", 2, Severity.HIGH, Status.FAIL)]
    assert score(results, DEFAULT).score.overall == 50.0
    weighted = Scoring(step_weights={1: 3.0})
    assert score(results, weighted).score.overall == 75.0


def test_a_failed_critical_caps_the_step_and_the_total() -> None:
    results = [r(f"A-{i:02}", 1, Severity.HIGH, Status.PASS) for i in range(1, 10)]
    results.append(r("A-10", 1, Severity.CRITICAL, Status.FAIL))
    results += [r(f"B-{i:02}", 2, Severity.HIGH, Status.PASS) for i in range(1, 4)]
    card = score(results, DEFAULT)
    assert card.steps[0].score == DEFAULT.critical_step_cap and card.steps[0].capped
    assert card.steps[0].maturity is Maturity.ABSENT
    # uncapped mean would be (40 + 100) / 2 = 70 > 69: the overall cap applies
    assert card.score.overall == DEFAULT.critical_overall_cap and card.score.capped
    assert card.steps[1].maturity is Maturity.FLY


def test_suppressed_counts_as_passed_and_steps_without_rules_are_left_out() -> None:
    card = score([r("A-01", 1, Severity.HIGH, Status.SUPPRESSED), r("A-02", 1, Severity.LOW, Status.FAIL)], DEFAULT)
    assert card.steps[0].score == round(100 * 6 / 7, 1)
    assert card.steps[1].score is None and card.steps[1].maturity is Maturity.ABSENT
    assert card.score.overall == card.steps[0].score


def test_grades() -> None:
    assert [grade(v, DEFAULT.grades) for v in (100, 90, 89.9, 80, 70, 60, 59.9, 0)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "F",
        "F",
    ]


def test_rescore_with_pass_is_the_score_of_the_fixed_results() -> None:
    results = [r("A-01", 1, Severity.CRITICAL, Status.FAIL), r("A-02", 1, Severity.LOW, Status.PASS)]
    fixed = [r("A-01", 1, Severity.CRITICAL, Status.PASS), r("A-02", 1, Severity.LOW, Status.PASS)]
    assert rescore_with_pass(results, "A-01", DEFAULT) == score(fixed, DEFAULT)
    assert score(fixed, DEFAULT).score.overall == 100.0


statuses = st.sampled_from([Status.PASS, Status.FAIL, Status.NOT_APPLICABLE, Status.UNKNOWN, Status.SUPPRESSED])
results_strategy = st.lists(
    st.builds(
        lambda i, step, severity, status, charged: Scored(
            f"R-{i:03}",
            step,
            severity,
            DEFAULT.severity_weights[severity],
            status,
            charged and status in (Status.NOT_APPLICABLE, Status.UNKNOWN),
        ),
        st.integers(0, 999),
        st.integers(1, 11),
        st.sampled_from(list(Severity)),
        statuses,
        st.booleans(),
    ),
    max_size=60,
    unique_by=lambda s: s.rule_id,
)


@settings(max_examples=300, deadline=None)
@given(results_strategy)
def test_scores_stay_in_range_and_fixing_never_lowers_them(results: list[Scored]) -> None:
    card = score(results, DEFAULT)
    assert 0 <= card.score.overall <= 100
    assert 0 <= card.score.completeness <= 100
    for step in card.steps:
        assert step.score is None or 0 <= step.score <= 100
    for result in results:
        if result.status is Status.FAIL:
            assert rescore_with_pass(results, result.rule_id, DEFAULT).score.overall >= card.score.overall


def test_each_further_critical_failure_lowers_the_caps() -> None:
    passing = [r(f"B-{i:02}", 2, Severity.HIGH, Status.PASS) for i in range(1, 4)]
    two = [r("A-01", 1, Severity.CRITICAL, Status.FAIL), r("A-02", 1, Severity.CRITICAL, Status.FAIL)]
    two += [r(f"A-{i:02}", 1, Severity.LOW, Status.PASS) for i in range(3, 40)]
    card = score([*two, *passing], DEFAULT)
    step_cap = DEFAULT.critical_step_cap - DEFAULT.critical_cap_step_down
    assert card.steps[0].score == min(step_cap, card.steps[0].score or 0)
    assert card.score.overall == DEFAULT.critical_overall_cap - DEFAULT.critical_cap_step_down
    # Fixing either critical problem now shows in the score.
    assert rescore_with_pass([*two, *passing], "A-01", DEFAULT).score.overall == DEFAULT.critical_overall_cap


@st.composite
def results_and_fixes(draw: st.DrawFn) -> tuple[list[Scored], list[str]]:
    """Rule results, and a few of their rule ids to re-score as passing."""
    results = draw(results_strategy)
    ids = [result.rule_id for result in results]
    return results, draw(st.lists(st.sampled_from(ids), max_size=4)) if ids else []


def test_a_rule_hidden_by_a_failing_one_is_scored_as_failed() -> None:
    """A blocked detail (charged) costs its weight; passing its blocker with it restores it."""
    gate = r("A-01", 1, Severity.LOW, Status.FAIL)
    hidden = Scored("A-02", 1, Severity.HIGH, DEFAULT.severity_weights[Severity.HIGH], Status.NOT_APPLICABLE, True)
    other = r("A-03", 1, Severity.MEDIUM, Status.PASS)
    card = score([gate, hidden, other], DEFAULT)
    step = card.steps[0]
    assert (step.passed, step.failed, step.not_applicable) == (1, 1, 1)  # counted under its own status
    assert step.score == 30.0  # lost 1 + 6 of 10
    assert step.maturity is Maturity.CRAWL  # the hidden high failure counts for maturity too
    fixed = rescore_with_pass([gate, hidden, other], ["A-01", "A-02"], DEFAULT)
    assert fixed.steps[0].score == 100.0
    uncharged = score([gate, Scored("A-02", 1, Severity.HIGH, 6.0, Status.NOT_APPLICABLE), other], DEFAULT)
    assert uncharged.steps[0].score == 75.0  # lost 1 of 4: what a missing section used to earn


@settings(max_examples=300, deadline=None)
@given(results_and_fixes())
def test_the_recommendations_prediction_is_the_rescored_card(drawn: tuple[list[Scored], list[str]]) -> None:
    results, chosen = drawn
    card = score(results, DEFAULT)
    overall, steps = predict_with_pass(card, chosen, DEFAULT)
    full = rescore_with_pass(results, chosen, DEFAULT)
    assert overall == full.score.overall
    touched = {result.step for result in results if result.rule_id in chosen}
    assert steps == {number: full.step_score(number) for number in touched}
