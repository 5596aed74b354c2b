"""Scores, grades, maturity levels and the recommendations' predicted scores.

The formula (documented in the README, knobs in `assess.config.Scoring`):

- a rule counts in its step when it passed or failed (suppressed counts as
  passed); not applicable and unknown rules do not count, unless a failing
  rule hides them (`Scored.charged`, the details of a missing section): those
  count as failed, so stating a section can never lower the score;
- step score = 100 x (1 - weight of failed rules / weight of counted rules),
  capped at ``critical_step_cap`` while a critical rule of the step fails, and
  ``critical_cap_step_down`` lower for each further critical rule failing there;
- overall = mean of the step scores weighted by ``step_weights`` (steps with
  no counted rule are left out), capped at ``critical_overall_cap`` while any
  critical rule fails, ``critical_cap_step_down`` lower for each further one
  (so that fixing one of several critical problems raises the score);
- completeness = counted rules / (counted + unknown rules);
- placeholders (`Written`): the overall score cannot exceed the share of the
  plan's texts that are written (100 x written), and completeness is
  multiplied by that share, so an untouched starter scores next to nothing
  whatever its numbers say; the rule reporting the placeholders lifts the
  limit when predicted as passing;
- grade from ``grades``; maturity per step from the most severe failure.

A recommendation's predicted score is this same function applied with that
rule's status set to pass (and the rules it `unlocks`, the details of a missing
section that do not apply while it is missing, passing too): an honest re-score
of the plan once the recommendation is done, not an estimate.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assess.config import Scoring
from assess.results.report import Maturity, Severity, Status
from assess.steps import STEPS


@dataclass(frozen=True)
class Scored:
    """What scoring needs to know of one rule's outcome."""

    rule_id: str
    step: int
    severity: Severity
    weight: float
    status: Status
    charged: bool = False  # not applicable or unknown only because a failing rule hides it: scored as failed


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
    """One step's result: the fields of `assess.results.report.StepResult`, plus what the overall needs.

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
class Written:
    """The share of a plan's texts that are written rather than placeholders, and the rule reporting them."""

    share: float = 1.0
    rule_id: str | None = None  # predicting it as passing (every placeholder written) lifts the limit

    def limit(self, overall: float, rule_ids: Collection[str] = ()) -> float:
        """The overall score once limited to the written share (unless `rule_ids` holds the rule)."""
        if self.share >= 1.0 or (self.rule_id is not None and self.rule_id in rule_ids):
            return overall
        return min(overall, _round(100.0 * self.share))


@dataclass(frozen=True, slots=True)
class OverallScore:
    """The fields of `assess.results.report.Score`."""

    overall: float
    grade: str
    completeness: float
    capped: bool
    written: float = 100.0


@dataclass(frozen=True)
class ScoreCard:
    score: OverallScore
    steps: tuple[StepScore, ...]
    by_step: tuple[tuple[Scored, ...], ...] = field(default=(), compare=False, repr=False)
    written: Written = field(default=Written(), compare=False, repr=False)

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
                "written": overall.written,
            },
            "steps": [step.as_report_fields() for step in self.steps],
        }


@dataclass(slots=True)
class _Tally:
    """The sums a step's score is made of."""

    total: float = 0.0
    lost: float = 0.0
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    unknown: int = 0
    criticals: int = 0
    failed_by_rank: dict[int, int] = field(default_factory=dict)  # severity rank -> failing or charged rules

    @classmethod
    def of(cls, results: Sequence[Scored]) -> _Tally:
        """The sums of a step's results."""
        tally = cls()
        for r in results:
            status = r.status
            if status is Status.FAIL or r.charged:  # a charged rule counts under its own status
                tally.total += r.weight
                tally.lost += r.weight
                rank = r.severity.rank
                tally.failed_by_rank[rank] = tally.failed_by_rank.get(rank, 0) + 1
                tally.criticals += r.severity is Severity.CRITICAL
            if status is Status.FAIL:
                tally.failed += 1
            elif status is Status.PASS or status is Status.SUPPRESSED:
                tally.passed += 1
                tally.total += r.weight
            elif status is Status.UNKNOWN:
                tally.unknown += 1
            else:
                tally.not_applicable += 1
        return tally

    def value(self, scoring: Scoring) -> tuple[float | None, bool]:
        """The step score (None when nothing counted) and whether a critical failure capped it."""
        if self.total > 0:
            value = 100.0 * (1.0 - self.lost / self.total)
            cap = _cap(scoring.critical_step_cap, self.criticals, scoring)
            if self.criticals and value > cap:
                return _round(cap), True
            return _round(value), False
        if self.criticals:
            return 0.0, False  # only zero-weight rules counted, and a critical one failed
        return None, False


_SEVERITY_BY_RANK = {severity.rank: severity for severity in Severity}


def _step(number: int, tally: _Tally, scoring: Scoring, lang: str) -> StepScore:
    total, criticals = tally.total, tally.criticals
    value, capped = tally.value(scoring)
    if tally.failed_by_rank:
        maturity = _MATURITY_BY_WORST[_SEVERITY_BY_RANK[min(tally.failed_by_rank)]]
    elif tally.passed:
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
        passed=tally.passed,
        failed=tally.failed,
        not_applicable=tally.not_applicable,
        unknown=tally.unknown,
        capped=capped,
        criticals=criticals,
        in_overall=total > 0,
    )


def _overall(steps: Iterable[tuple[int, bool, float | None, int]], scoring: Scoring) -> tuple[float, bool]:
    """The overall score of (step number, in overall, step score, critical failures), and whether it is capped."""
    weighted_sum = weight_total = 0.0
    criticals = 0
    for number, in_overall, value, step_criticals in steps:
        criticals += step_criticals
        if in_overall and value is not None:
            weight = scoring.step_weights.get(number, 1.0)
            weighted_sum += value * weight
            weight_total += weight
    overall = weighted_sum / weight_total if weight_total else 0.0
    cap = _cap(scoring.critical_overall_cap, criticals, scoring)
    if criticals and overall > cap:
        return _round(cap), True
    return _round(overall), False


def _card(
    steps: tuple[StepScore, ...], scoring: Scoring, by_step: tuple[tuple[Scored, ...], ...], written: Written
) -> ScoreCard:
    overall, capped = _overall(((s.step, s.in_overall, s.score, s.criticals) for s in steps), scoring)
    overall = written.limit(overall)
    counted = sum(step.passed + step.failed for step in steps)
    decided = counted + sum(step.unknown for step in steps)
    completeness = _round(100.0 * written.share * counted / decided) if decided else 0.0
    total = OverallScore(overall, grade(overall, scoring.grades), completeness, capped, _round(100.0 * written.share))
    return ScoreCard(total, steps, by_step, written)


def score(results: Sequence[Scored], scoring: Scoring, lang: str = "en", written: Written = Written()) -> ScoreCard:
    """The score card of a plan's rule results (`written`: its placeholders' limit, none by default)."""
    grouped: list[list[Scored]] = [[] for _ in STEPS]
    for result in results:
        grouped[result.step - 1].append(result)
    by_step = tuple(tuple(group) for group in grouped)
    steps = tuple(_step(index + 1, _Tally.of(group), scoring, lang) for index, group in enumerate(by_step))
    return _card(steps, scoring, by_step, written)


@functools.lru_cache(maxsize=16)
def _by_floor(grades: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(grades, key=lambda item: -item[1]))


def _cap(first: float, failures: int, scoring: Scoring) -> float:
    return max(0.0, first - scoring.critical_cap_step_down * max(0, failures - 1))


def grade(value: float, grades: Mapping[str, float]) -> str:
    for letter, floor in _by_floor(tuple(grades.items())):
        if value >= floor:
            return letter
    return "F"


def _passed(r: Scored) -> Scored:
    return Scored(r.rule_id, r.step, r.severity, r.weight, Status.PASS)


def rescore_with_pass(
    results: Sequence[Scored],
    rule_ids: str | Collection[str],
    scoring: Scoring,
    lang: str = "en",
    written: Written = Written(),
) -> ScoreCard:
    """The score card if the given rules passed and nothing else changed (the reference for `predict_with_pass`)."""
    passing = {rule_ids} if isinstance(rule_ids, str) else set(rule_ids)
    if written.rule_id is not None and written.rule_id in passing:
        written = Written()
    return score([_passed(r) if r.rule_id in passing else r for r in results], scoring, lang, written)


def predict_with_pass(
    card: ScoreCard, rule_ids: Collection[str], scoring: Scoring
) -> tuple[float, dict[int, float | None]]:
    """The overall score, and the touched steps' scores, if the given rules passed.

    The same figures as `rescore_with_pass`, summing again only the steps of those rules
    (kept in ``card.by_step``): the recommendations rank every failing rule this way.
    """
    passing = set(rule_ids)
    values: list[tuple[int, bool, float | None, int]] = [
        (step.step, step.in_overall, step.score, step.criticals) for step in card.steps
    ]
    changed: dict[int, float | None] = {}
    for index, group in enumerate(card.by_step):
        if any(r.rule_id in passing for r in group):
            tally = _Tally.of([_passed(r) if r.rule_id in passing else r for r in group])
            value, _ = tally.value(scoring)
            values[index] = (index + 1, tally.total > 0, value, tally.criticals)
            changed[index + 1] = value
    overall, _ = _overall(values, scoring)
    return card.written.limit(overall, passing), changed
