"""Scores, grades, maturity levels and the recommendations' predicted scores.

The formula (documented in the README, knobs in `assess.config.Scoring`):

- a rule counts in its step when it passed or failed (suppressed counts as
  passed); not applicable and unknown rules do not count;
- step score = 100 x (1 - weight of failed rules / weight of counted rules),
  capped at ``critical_step_cap`` while a critical rule of the step fails, and
  ``critical_cap_step_down`` lower for each further critical rule failing there;
- overall = mean of the step scores weighted by ``step_weights`` (steps with
  no counted rule are left out), capped at ``critical_overall_cap`` while any
  critical rule fails, ``critical_cap_step_down`` lower for each further one
  (so that fixing one of several critical problems raises the score);
- completeness = counted rules / (counted + unknown rules);
- grade from ``grades``; maturity per step from the most severe failure.

A recommendation's predicted score is this same function applied with that
rule's status set to pass: an honest re-score, not an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assess.config import Scoring
from assess.report import Maturity, Score, Severity, Status, StepResult
from assess.steps import STEPS


@dataclass(frozen=True)
class Scored:
    """What scoring needs to know of one rule's outcome."""

    rule_id: str
    step: int
    severity: Severity
    weight: float
    status: Status


_MATURITY_BY_WORST = {
    Severity.CRITICAL: Maturity.ABSENT,
    Severity.HIGH: Maturity.CRAWL,
    Severity.MEDIUM: Maturity.WALK,
    Severity.LOW: Maturity.RUN,
    Severity.INFO: Maturity.RUN,
}


def _round(value: float) -> float:
    return round(value + 0.0, 1)


@dataclass(frozen=True)
class ScoreCard:
    score: Score
    steps: tuple[StepResult, ...]

    def step_score(self, step: int) -> float | None:
        return self.steps[step - 1].score


def score(results: Sequence[Scored], scoring: Scoring, lang: str = "en") -> ScoreCard:
    by_step: dict[int, list[Scored]] = {step.number: [] for step in STEPS}
    for result in results:
        by_step[result.step].append(result)
    steps: list[StepResult] = []
    weighted_sum = 0.0
    weight_total = 0.0
    critical_failures = 0
    counted_rules = 0
    unknown_rules = 0
    for step in STEPS:
        total = lost = 0.0
        passed = failed = not_applicable = unknown = critical_here = 0
        worst: Severity | None = None
        for r in by_step[step.number]:
            status = r.status
            if status is Status.FAIL:
                failed += 1
                total += r.weight
                lost += r.weight
                if worst is None or r.severity.rank < worst.rank:
                    worst = r.severity
                critical_here += r.severity is Severity.CRITICAL
            elif status is Status.PASS or status is Status.SUPPRESSED:
                passed += 1
                total += r.weight
            elif status is Status.UNKNOWN:
                unknown += 1
            else:
                not_applicable += 1
        critical = critical_here > 0
        critical_failures += critical_here
        value: float | None = None
        capped = False
        if total > 0:
            value = 100.0 * (1.0 - lost / total)
            step_cap = _cap(scoring.critical_step_cap, critical_here, scoring)
            if critical and value > step_cap:
                value, capped = step_cap, True
            value = _round(value)
            step_weight = scoring.step_weights.get(step.number, 1.0)
            weighted_sum += value * step_weight
            weight_total += step_weight
        elif critical:
            value = 0.0  # only zero-weight rules counted, and a critical one failed
        counted_rules += passed + failed
        unknown_rules += unknown
        if worst is not None:
            maturity = _MATURITY_BY_WORST[worst]
        elif passed:
            maturity = Maturity.FLY
        else:
            maturity = Maturity.ABSENT
        steps.append(
            StepResult.model_construct(
                step=step.number,
                key=step.key,
                name=step.name.get(lang, step.name["en"]),
                score=value,
                maturity=maturity,
                passed=passed,
                failed=failed,
                not_applicable=not_applicable,
                unknown=unknown,
                capped=capped,
            )
        )
    overall = weighted_sum / weight_total if weight_total else 0.0
    overall_capped = False
    overall_cap = _cap(scoring.critical_overall_cap, critical_failures, scoring)
    if critical_failures and overall > overall_cap:
        overall, overall_capped = overall_cap, True
    overall = _round(overall)
    decided = counted_rules + unknown_rules
    completeness = _round(100.0 * counted_rules / decided) if decided else 0.0
    return ScoreCard(
        Score.model_construct(
            overall=overall, grade=grade(overall, scoring.grades), completeness=completeness, capped=overall_capped
        ),
        tuple(steps),
    )


def _cap(first: float, failures: int, scoring: Scoring) -> float:
    return max(0.0, first - scoring.critical_cap_step_down * max(0, failures - 1))


def grade(value: float, grades: Mapping[str, float]) -> str:
    for letter, floor in sorted(grades.items(), key=lambda item: -item[1]):
        if value >= floor:
            return letter
    return "F"


def rescore_with_pass(results: Sequence[Scored], rule_id: str, scoring: Scoring) -> ScoreCard:
    """The score card if `rule_id` passed and nothing else changed."""
    changed = [
        Scored(r.rule_id, r.step, r.severity, r.weight, Status.PASS) if r.rule_id == rule_id else r for r in results
    ]
    return score(changed, scoring)
