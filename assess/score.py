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
rule's status set to pass (and the rules it `unlocks`, the details of a missing
section that do not apply while it is missing, passing too): an honest re-score
of the plan once the recommendation is done, not an estimate.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assess.config import Scoring
from assess.report import Maturity, Severity, Status
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


@dataclass(frozen=True, slots=True)
class StepScore:
    """One step's result: the fields of `assess.report.StepResult`, plus what the overall needs.

    Plain data rather than pydantic models, because re-scoring for recommendations makes many.
    """

    step: int
    key: str
    name: str
    score: float | None
    maturity: Maturity
    passed: int
    failed: int
    not_applicable: int
    unknown: int
    capped: bool
    criticals: int
    in_overall: bool  # some counted rule has weight: the step takes part in the overall mean

    def as_report_fields(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "key": self.key,
            "name": self.name,
            "score": self.score,
            "maturity": self.maturity,
            "passed": self.passed,
            "failed": self.failed,
            "not_applicable": self.not_applicable,
            "unknown": self.unknown,
            "capped": self.capped,
        }


@dataclass(frozen=True, slots=True)
class OverallScore:
    """The fields of `assess.report.Score`."""

    overall: float
    grade: str
    completeness: float
    capped: bool


@dataclass(frozen=True)
class ScoreCard:
    score: OverallScore
    steps: tuple[StepScore, ...]

    def step_score(self, step: int) -> float | None:
        return self.steps[step - 1].score

    def as_report_fields(self) -> dict[str, Any]:
        """``score`` and ``steps`` as the report model expects them."""
        overall = self.score
        return {
            "score": {
                "overall": overall.overall,
                "grade": overall.grade,
                "completeness": overall.completeness,
                "capped": overall.capped,
            },
            "steps": [step.as_report_fields() for step in self.steps],
        }


def _step(number: int, results: Sequence[Scored], scoring: Scoring, lang: str) -> StepScore:
    total = lost = 0.0
    passed = failed = not_applicable = unknown = criticals = 0
    worst: Severity | None = None
    for r in results:
        status = r.status
        if status is Status.FAIL:
            failed += 1
            total += r.weight
            lost += r.weight
            if worst is None or r.severity.rank < worst.rank:
                worst = r.severity
            criticals += r.severity is Severity.CRITICAL
        elif status is Status.PASS or status is Status.SUPPRESSED:
            passed += 1
            total += r.weight
        elif status is Status.UNKNOWN:
            unknown += 1
        else:
            not_applicable += 1
    value: float | None = None
    capped = False
    if total > 0:
        value = 100.0 * (1.0 - lost / total)
        cap = _cap(scoring.critical_step_cap, criticals, scoring)
        if criticals and value > cap:
            value, capped = cap, True
        value = _round(value)
    elif criticals:
        value = 0.0  # only zero-weight rules counted, and a critical one failed
    if worst is not None:
        maturity = _MATURITY_BY_WORST[worst]
    elif passed:
        maturity = Maturity.FLY
    else:
        maturity = Maturity.ABSENT
    step = STEPS[number - 1]
    return StepScore(
        step=number,
        key=step.key,
        name=step.name.get(lang, step.name["en"]),
        score=value,
        maturity=maturity,
        passed=passed,
        failed=failed,
        not_applicable=not_applicable,
        unknown=unknown,
        capped=capped,
        criticals=criticals,
        in_overall=total > 0,
    )


def _card(steps: tuple[StepScore, ...], scoring: Scoring) -> ScoreCard:
    weighted_sum = weight_total = 0.0
    for step in steps:
        if step.in_overall and step.score is not None:
            weight = scoring.step_weights.get(step.step, 1.0)
            weighted_sum += step.score * weight
            weight_total += weight
    criticals = sum(step.criticals for step in steps)
    overall = weighted_sum / weight_total if weight_total else 0.0
    capped = False
    cap = _cap(scoring.critical_overall_cap, criticals, scoring)
    if criticals and overall > cap:
        overall, capped = cap, True
    overall = _round(overall)
    counted = sum(step.passed + step.failed for step in steps)
    decided = counted + sum(step.unknown for step in steps)
    completeness = _round(100.0 * counted / decided) if decided else 0.0
    return ScoreCard(OverallScore(overall, grade(overall, scoring.grades), completeness, capped), steps)


def score(results: Sequence[Scored], scoring: Scoring, lang: str = "en") -> ScoreCard:
    by_step: dict[int, list[Scored]] = {step.number: [] for step in STEPS}
    for result in results:
        by_step[result.step].append(result)
    return _card(tuple(_step(number, by_step[number], scoring, lang) for number in by_step), scoring)


def _cap(first: float, failures: int, scoring: Scoring) -> float:
    return max(0.0, first - scoring.critical_cap_step_down * max(0, failures - 1))


def grade(value: float, grades: Mapping[str, float]) -> str:
    for letter, floor in sorted(grades.items(), key=lambda item: -item[1]):
        if value >= floor:
            return letter
    return "F"


def rescore_with_pass(
    results: Sequence[Scored],
    rule_ids: str | Collection[str],
    scoring: Scoring,
    before: ScoreCard | None = None,
    lang: str = "en",
) -> ScoreCard:
    """The score card if the given rules passed and nothing else changed.

    With `before` (the card of `results`), only the steps of those rules are computed again.
    """
    passing = {rule_ids} if isinstance(rule_ids, str) else set(rule_ids)
    changed = [
        Scored(r.rule_id, r.step, r.severity, r.weight, Status.PASS) if r.rule_id in passing else r for r in results
    ]
    if before is None:
        return score(changed, scoring, lang)
    numbers = {r.step for r in results if r.rule_id in passing}
    steps = tuple(
        _step(s.step, [r for r in changed if r.step == s.step], scoring, lang) if s.step in numbers else s
        for s in before.steps
    )
    return _card(steps, scoring)
