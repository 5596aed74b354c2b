"""The scoring formula, worked by hand, and its properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assess.config import Scoring
from assess.results.report import Maturity, Severity, Status
from assess.results.score import (
    Rules,
    Scored,
    card,
    grade,
    predict_positions,
    predict_rule,
    predict_with_pass,
    rescore_with_pass,
    score,
)

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
    assert card.score.overall == 97.0  # one medium failure takes 3%
    assert card.score.completeness == 75.0  # 3 counted of 4 decidable
    assert card.score.grade == "A"


def test_each_failure_takes_its_severity_share_of_the_overall() -> None:
    def overall(*severities: Severity) -> float:
        results = [r(f"A-{i:02}", 1 + i % 11, s, Status.FAIL) for i, s in enumerate(severities)]
        results += [r(f"P-{i:02}", 1 + i % 11, Severity.HIGH, Status.PASS) for i in range(20)]
        return score(results, DEFAULT).score.overall

    assert overall() == 100.0
    assert overall(Severity.CRITICAL) == 65.0
    assert overall(Severity.HIGH) == 88.0  # a high finding moves the score visibly
    assert overall(Severity.MEDIUM) == 97.0
    assert overall(Severity.LOW) == 99.0
    assert overall(Severity.INFO) == 100.0
    # The second failure of a severity takes 80% of its share: 0.65 x (1 - 0.35 x 0.8)
    assert overall(Severity.CRITICAL, Severity.CRITICAL) == round(100 * 0.65 * 0.72, 1)
    # Plans with a critical failure are told apart by everything else.
    assert (
        overall(Severity.CRITICAL)
        > overall(Severity.CRITICAL, Severity.MEDIUM)
        > overall(Severity.CRITICAL, Severity.HIGH)
    )


def test_a_failing_named_check_keeps_the_plan_out_of_a_and_b() -> None:
    passing = [r(f"P-{i:02}", 2, Severity.HIGH, Status.PASS) for i in range(20)]
    for rule_id in DEFAULT.named_checks:
        for severity in (Severity.HIGH, Severity.MEDIUM, Severity.LOW):
            card = score([r(rule_id, 2, severity, Status.FAIL), *passing], DEFAULT)
            assert card.score.overall == 75.0 and card.score.grade == "C", (rule_id, severity)
    unnamed = score([r("X-01", 2, Severity.HIGH, Status.FAIL), *passing], DEFAULT)
    assert unnamed.score.grade == "B"


def test_step_weights_scale_the_penalties_of_their_rules() -> None:
    results = [r("A-01", 1, Severity.HIGH, Status.PASS), r("B-01", 2, Severity.HIGH, Status.FAIL)]
    assert score(results, DEFAULT).score.overall == 88.0
    assert score(results, Scoring(step_weights={2: 0.5})).score.overall == 94.0
    assert score(results, Scoring(step_weights={2: 0.0})).score.overall == 100.0


def test_a_plan_that_says_little_scores_little() -> None:
    """Below completeness_full, the score is scaled by how much of the plan could be judged."""
    results = [r("A-01", 1, Severity.LOW, Status.PASS)]
    results += [r(f"U-{i:02}", 1 + i % 11, Severity.HIGH, Status.UNKNOWN) for i in range(19)]
    card = score(results, DEFAULT)
    assert card.score.completeness == 5.0
    assert card.score.overall == 10.0  # 100 x 5 / 50
    assert score(results, Scoring(completeness_full=0)).score.overall == 100.0
    assert score([r("A-01", 1, Severity.LOW, Status.UNKNOWN)], DEFAULT).score.overall == 0.0


def test_a_failed_critical_caps_its_step_and_takes_a_share_of_the_total() -> None:
    results = [r(f"A-{i:02}", 1, Severity.HIGH, Status.PASS) for i in range(1, 10)]
    results.append(r("A-10", 1, Severity.CRITICAL, Status.FAIL))
    results += [r(f"B-{i:02}", 2, Severity.HIGH, Status.PASS) for i in range(1, 4)]
    card = score(results, DEFAULT)
    assert card.steps[0].score == DEFAULT.critical_step_cap and card.steps[0].capped
    assert card.steps[0].maturity is Maturity.ABSENT
    assert card.score.overall == 65.0 and not card.score.capped
    assert card.steps[1].maturity is Maturity.FLY
    # A flat overall cap can still be configured.
    flat = Scoring(critical_overall_cap=59.0)
    card = score(results, flat)
    assert card.score.overall == 59.0 and card.score.capped


def test_maturity_never_exceeds_what_the_step_score_reaches() -> None:
    only_medium = score([r("A-01", 1, Severity.MEDIUM, Status.FAIL)], DEFAULT)
    assert only_medium.steps[0].score == 0.0 and only_medium.steps[0].maturity is Maturity.ABSENT
    low = [r("A-01", 1, Severity.LOW, Status.FAIL), r("A-02", 1, Severity.LOW, Status.PASS)]
    assert score(low, DEFAULT).steps[0].maturity is Maturity.WALK  # 50: only a low fails, but half is lost
    mostly = [r("A-01", 1, Severity.LOW, Status.FAIL), *(r(f"A-{i:02}", 1, Severity.HIGH, Status.PASS) for i in (2, 3))]
    assert score(mostly, DEFAULT).steps[0].maturity is Maturity.RUN


def test_suppressed_counts_as_passed_and_steps_without_rules_are_left_out() -> None:
    card = score([r("A-01", 1, Severity.HIGH, Status.SUPPRESSED), r("A-02", 1, Severity.LOW, Status.FAIL)], DEFAULT)
    assert card.steps[0].score == round(100 * 6 / 7, 1)
    assert card.steps[1].score is None and card.steps[1].maturity is Maturity.ABSENT
    assert card.score.overall == 99.0


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
    flat = Scoring(critical_overall_cap=69.0)
    passing = [r(f"B-{i:02}", 2, Severity.HIGH, Status.PASS) for i in range(1, 4)]
    two = [r("A-01", 1, Severity.CRITICAL, Status.FAIL), r("A-02", 1, Severity.CRITICAL, Status.FAIL)]
    two += [r(f"A-{i:02}", 1, Severity.LOW, Status.PASS) for i in range(3, 40)]
    card = score([*two, *passing], flat)
    step_cap = flat.critical_step_cap - flat.critical_cap_step_down
    assert card.steps[0].score == step_cap
    assert card.score.overall == min(59.0, round(100 * 0.65 * 0.72, 1))
    # Fixing either critical problem shows in the score.
    assert rescore_with_pass([*two, *passing], "A-01", flat).score.overall == 65.0


@settings(max_examples=300, deadline=None)
@given(results_strategy, st.sampled_from(list(Severity)), st.integers(1, 11))
def test_one_more_failure_never_raises_the_score(results: list[Scored], severity: Severity, step: int) -> None:
    """(Completeness aside: below completeness_full, saying more, even a failure, raises the score.)"""
    judged = Scoring(completeness_full=0)
    before = score(results, judged).score.overall
    extra = Scored("Z-999", step, severity, DEFAULT.severity_weights[severity], Status.FAIL)
    assert score([*results, extra], judged).score.overall <= before


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
    predicted = predict_with_pass(card, chosen, DEFAULT)
    full = rescore_with_pass(results, chosen, DEFAULT)
    assert predicted.overall == full.score.overall
    assert predicted.capped == full.score.capped
    touched = {result.step for result in results if result.rule_id in chosen}
    assert predicted.steps == {number: full.step_score(number) for number in touched}
    assert predicted.steps_capped == {number: full.steps[number - 1].capped for number in touched}


# ------------------------------------------------------------------ one table for many plans

# The pipeline scores every plan with one `Rules` per catalog, whose steps' figures are kept by their
# rules' statuses: a card made from kept figures is the card made afresh.
SHARED = [(f"S-{i:02}", 1 + i % 11, list(Severity)[i % 5]) for i in range(40)]
SHARED_RULES = Rules(
    [rule_id for rule_id, _, _ in SHARED],
    [step for _, step, _ in SHARED],
    [severity for _, _, severity in SHARED],
    [DEFAULT.severity_weights[severity] for _, _, severity in SHARED],
    DEFAULT,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([Status.PASS, Status.FAIL, Status.UNKNOWN]), min_size=40, max_size=40),
    st.sets(st.integers(0, 39), max_size=4),
    st.lists(st.integers(0, 39), min_size=1, max_size=3, unique=True),
)
def test_a_card_from_the_shared_table_is_the_card_scored_afresh(
    statuses: list[Status], charged: set[int], chosen: list[int]
) -> None:
    statuses = [Status.NOT_APPLICABLE if i in charged and s is Status.PASS else s for i, s in enumerate(statuses)]
    charged = {i for i in charged if statuses[i] is not Status.FAIL}
    results = [
        Scored(rule_id, step, severity, DEFAULT.severity_weights[severity], status, i in charged)
        for i, ((rule_id, step, severity), status) in enumerate(zip(SHARED, statuses, strict=True))
    ]
    shared = card(SHARED_RULES, statuses, charged)
    assert shared == score(results, DEFAULT)
    ids = [SHARED[i][0] for i in chosen]
    predicted = predict_positions(shared, chosen, ids, DEFAULT)
    full = rescore_with_pass(results, ids, DEFAULT)
    assert predicted.overall == full.score.overall and predicted.capped == full.score.capped
    assert predicted.steps == {SHARED[i][1]: full.step_score(SHARED[i][1]) for i in chosen}
    overall, _, _, step_score, step_capped = predict_rule(shared, chosen, ids, DEFAULT)
    first_step = SHARED[chosen[0]][1]
    assert (overall, step_score, step_capped) == (
        full.score.overall,
        full.step_score(first_step),
        full.steps[first_step - 1].capped,
    )
