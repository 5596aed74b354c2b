"""Scores, grades, maturity levels and the recommendations' predicted scores.

The model (documented in the README's Scoring section, knobs in `assess.config.Scoring`):

- a rule counts in its step when it passed or failed (suppressed counts as
  passed); not applicable and unknown rules do not count, unless a failing
  rule hides them (`Scored.charged`, the details of a missing section): those
  count as failed, so stating a section can never lower the score;
- step score = 100 x (1 - weight of failed rules / weight of counted rules),
  capped at ``critical_step_cap`` while a critical rule of the step fails, and
  ``critical_cap_step_down`` lower for each further critical rule failing there;
- breadth = mean of the step scores weighted by ``step_weights`` (steps with
  no counted rule are left out): how much of the article the plan covers;
- overall = breadth x the share each failing (or charged) rule leaves
  (1 - ``severity_penalties`` of its severity; at least ``named_check_penalty``
  for the named checks) x min(1, completeness / ``completeness_full``): the
  worst problems weigh most, every further one still counts, and plans with
  the same critical failure are told apart by everything else; an optional
  flat ``critical_overall_cap`` still applies when configured;
- completeness = counted rules / (counted + unknown rules);
- placeholders (`Written`): the overall score cannot exceed the share of the
  plan's texts that are written (100 x written), and completeness is
  multiplied by that share, so an untouched starter scores next to nothing
  whatever its numbers say; the rule reporting the placeholders lifts the
  limit when predicted as passing;
- grade from ``grades``; maturity per step from the most severe failure, and
  never above what the step score reaches (``maturity_floors``).

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
from assess.results.kinds import Maturity, Severity, Status
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


_RANKS = len(Severity)
_RANK = {severity: severity.rank for severity in Severity}  # 0 for critical: the property looks it up in a list
_FAIL, _PASS, _SUPPRESSED, _UNKNOWN = Status.FAIL, Status.PASS, Status.SUPPRESSED, Status.UNKNOWN
_LEVELS = (Maturity.ABSENT, Maturity.CRAWL, Maturity.WALK, Maturity.RUN, Maturity.FLY)
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
    shares: tuple[tuple[float, ...], ...] = ()  # per severity rank: the penalties of its failing (or charged) rules

    def figures(self) -> _Figures:
        return _Figures(
            self.step, self.in_overall, self.score, self.criticals, self.shares, self.passed + self.failed, self.unknown
        )

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


@dataclass(frozen=True, slots=True)
class _Sums:
    """A card's figures summed over its steps, so that each prediction only swaps what changes."""

    by_rank: tuple[tuple[float, ...], ...]  # every failing or charged rule's penalty, per severity, largest first
    criticals: int
    counted: int
    unknown: int
    step_of: dict[str, int]  # rule id -> index of its step


@dataclass(frozen=True)
class ScoreCard:
    score: OverallScore
    steps: tuple[StepScore, ...]
    by_step: tuple[tuple[Scored, ...], ...] = field(default=(), compare=False, repr=False)
    written: Written = field(default=Written(), compare=False, repr=False)

    def step_score(self, step: int) -> float | None:
        return self.steps[step - 1].score

    @functools.cached_property
    def sums(self) -> _Sums:
        """The steps' figures summed once, for `predict_with_pass` (computed on first use)."""
        figures = [step.figures() for step in self.steps]
        by_rank: list[list[float]] = [[] for _ in range(_RANKS)]
        for step in figures:
            for rank, group in enumerate(step.shares):
                by_rank[rank].extend(group)
        return _Sums(
            tuple(tuple(sorted(shares, reverse=True)) for shares in by_rank),
            sum(step.criticals for step in figures),
            sum(step.counted for step in figures),
            sum(step.unknown for step in figures),
            {r.rule_id: index for index, group in enumerate(self.by_step) for r in group},
        )

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
    shares: tuple[tuple[float, ...], ...] = ()  # per severity rank: the failing or charged rules' penalties
    failed_by_rank: dict[int, int] = field(default_factory=dict)  # severity rank -> failing or charged rules

    @classmethod
    def of(cls, results: Sequence[Scored], scoring: Scoring) -> _Tally:
        """The sums of a step's results."""
        tally = cls()
        shares: list[list[float]] = [[] for _ in range(_RANKS)]
        failed_by_rank = tally.failed_by_rank
        for r in results:
            status = r.status
            if status is _FAIL or r.charged:  # a charged rule counts under its own status
                tally.total += r.weight
                tally.lost += r.weight
                rank = _RANK[r.severity]
                failed_by_rank[rank] = failed_by_rank.get(rank, 0) + 1
                tally.criticals += rank == 0
                shares[rank].append(penalty(r, scoring))
            if status is _FAIL:
                tally.failed += 1
            elif status is _PASS or status is _SUPPRESSED:
                tally.passed += 1
                tally.total += r.weight
            elif status is _UNKNOWN:
                tally.unknown += 1
            else:
                tally.not_applicable += 1
        tally.shares = tuple(tuple(group) for group in shares)
        return tally

    def value(self, scoring: Scoring) -> tuple[float | None, bool]:
        """The step score (None when nothing counted) and whether a critical failure capped it."""
        if self.total > 0:
            value = 100.0 * (1.0 - self.lost / self.total)
            if self.criticals and value > (cap := _cap(scoring.critical_step_cap, self.criticals, scoring)):
                return _round(cap), True
            return _round(value), False
        if self.criticals:
            return 0.0, False  # only zero-weight rules counted, and a critical one failed
        return None, False

    def figures(self, number: int, scoring: Scoring) -> _Figures:
        value, _ = self.value(scoring)
        return _Figures(
            number, self.total > 0, value, self.criticals, self.shares, self.passed + self.failed, self.unknown
        )


@dataclass(frozen=True, slots=True)
class _Figures:
    """What the overall score needs of one step."""

    step: int
    in_overall: bool
    value: float | None
    criticals: int
    shares: tuple[tuple[float, ...], ...]
    counted: int
    unknown: int


def penalty(result: Scored, scoring: Scoring) -> float:
    """The share of the overall score a failing (or charged) rule takes away.

    Its severity's share (at least ``named_check_penalty`` for a named check), in proportion
    to the rule's weight against its severity's default weight (a rule weighing 0 takes
    nothing) and to its step's weight; never more than the whole.
    """
    if result.weight <= 0:
        return 0.0
    share = scoring.severity_penalties.get(result.severity, 0.0)
    if result.rule_id in scoring.named_checks:
        share = max(share, scoring.named_check_penalty)
    usual = scoring.severity_weights.get(result.severity, 0.0)
    if usual > 0:
        share *= result.weight / usual
    return min(1.0, share * scoring.step_weights.get(result.step, 1.0))


_SEVERITY_BY_RANK = {severity.rank: severity for severity in Severity}


def maturity(worst: Severity | None, passed: int, value: float | None, scoring: Scoring) -> Maturity:
    """The step's level: set by its most severe failure, and never above what its score reaches."""
    if worst is None:
        return Maturity.FLY if passed else Maturity.ABSENT
    level = _MATURITY_BY_WORST[worst]
    if value is not None:
        reached = Maturity.ABSENT
        for level_reached, floor in _floors(tuple(scoring.maturity_floors.items())):
            if value >= floor:
                reached = level_reached
        level = min(level, reached, key=_LEVELS.index)
    return level


@functools.lru_cache(maxsize=16)
def _floors(floors: tuple[tuple[str, float], ...]) -> tuple[tuple[Maturity, float], ...]:
    """The maturity floors lowest first, sorted once per table rather than on every step scored."""
    return tuple((Maturity(name), floor) for name, floor in sorted(floors, key=lambda item: item[1]))


def _step(number: int, tally: _Tally, scoring: Scoring, lang: str) -> StepScore:
    total, criticals = tally.total, tally.criticals
    value, capped = tally.value(scoring)
    worst = _SEVERITY_BY_RANK[min(tally.failed_by_rank)] if tally.failed_by_rank else None
    step = STEPS[number - 1]
    return StepScore(
        step=number,
        key=step.key,
        name=step.name.get(lang, step.name["en"]),
        score=value,
        maturity=maturity(worst, tally.passed, value, scoring),
        passed=tally.passed,
        failed=tally.failed,
        not_applicable=tally.not_applicable,
        unknown=tally.unknown,
        capped=capped,
        criticals=criticals,
        in_overall=total > 0,
        shares=tally.shares,
    )


def _overall(steps: Iterable[_Figures], scoring: Scoring) -> tuple[float, bool, float]:
    """The overall score of the steps' figures, whether a configured flat cap holds it, and the completeness."""
    by_rank: list[list[float]] = [[] for _ in range(_RANKS)]
    criticals = counted = unknown = 0
    for figures in steps:
        criticals += figures.criticals
        for rank, group in enumerate(figures.shares):
            by_rank[rank].extend(group)
        counted += figures.counted
        unknown += figures.unknown
    for shares in by_rank:
        shares.sort(reverse=True)
    return _combine(by_rank, criticals, counted, unknown, scoring)


def _combine(
    by_rank: Sequence[Sequence[float]], criticals: int, counted: int, unknown: int, scoring: Scoring
) -> tuple[float, bool, float]:
    """`_overall` from its sums: each severity's penalties (largest first), the failing criticals, the counts."""
    kept = 1.0
    for shares in by_rank:  # the k-th largest penalty of a severity counts repeat_decay^(k-1) of itself
        for k, share in enumerate(shares):
            kept *= 1.0 - share * scoring.repeat_decay**k
    completeness = 100.0 * counted / (counted + unknown) if counted + unknown else 0.0
    known = min(1.0, completeness / scoring.completeness_full) if scoring.completeness_full > 0 else 1.0
    overall = 100.0 * kept * known
    if scoring.critical_overall_cap is not None and criticals:
        cap = _cap(scoring.critical_overall_cap, criticals, scoring)
        if overall > cap:
            return _round(cap), True, completeness
    return _round(overall), False, completeness


def _card(
    steps: tuple[StepScore, ...], scoring: Scoring, by_step: tuple[tuple[Scored, ...], ...], written: Written
) -> ScoreCard:
    overall, capped, completeness = _overall((s.figures() for s in steps), scoring)
    overall = written.limit(overall)
    total = OverallScore(
        overall,
        grade(overall, scoring.grades),
        _round(completeness * written.share),
        capped,
        _round(100.0 * written.share),
    )
    return ScoreCard(total, steps, by_step, written)


def score(results: Sequence[Scored], scoring: Scoring, lang: str = "en", written: Written = Written()) -> ScoreCard:
    """The score card of a plan's rule results (`written`: its placeholders' limit, none by default)."""
    grouped: list[list[Scored]] = [[] for _ in STEPS]
    for result in results:
        grouped[result.step - 1].append(result)
    by_step = tuple(tuple(group) for group in grouped)
    steps = tuple(_step(index + 1, _Tally.of(group, scoring), scoring, lang) for index, group in enumerate(by_step))
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


@dataclass(frozen=True)
class Prediction:
    """The figures `rescore_with_pass` would give, and which caps still hold them."""

    overall: float
    capped: bool  # a configured flat overall cap holds the score
    limited_by: str | None  # the rule reporting placeholders, when their limit holds the score
    steps: dict[int, float | None]  # the touched steps' scores
    steps_capped: dict[int, bool]  # whether a critical failure still caps each touched step


def predict_with_pass(card: ScoreCard, rule_ids: Collection[str], scoring: Scoring) -> Prediction:
    """The overall score, and the touched steps' scores, if the given rules passed.

    The same figures as `rescore_with_pass`: only the steps of those rules are summed again
    (kept in ``card.by_step``), and their old penalties and counts are swapped for the new
    ones in the card's totals (`_Sums`); the penalties are multiplied in the same order as
    `_overall` would, so the figures are the same to the last bit. The recommendations rank
    every failing rule this way.
    """
    passing = set(rule_ids)
    sums = card.sums
    touched = sorted({sums.step_of[rule_id] for rule_id in passing if rule_id in sums.step_of})
    changed: dict[int, float | None] = {}
    capped: dict[int, bool] = {}
    criticals, counted, unknown = sums.criticals, sums.counted, sums.unknown
    by_rank: list[Sequence[float]] = list(sums.by_rank)
    for index in touched:
        before = card.steps[index].figures()
        tally = _Tally.of([_passed(r) if r.rule_id in passing else r for r in card.by_step[index]], scoring)
        after = tally.figures(index + 1, scoring)
        changed[index + 1], capped[index + 1] = tally.value(scoring)
        criticals += after.criticals - before.criticals
        counted += after.counted - before.counted
        unknown += after.unknown - before.unknown
        for rank, (old, new) in enumerate(zip(before.shares, after.shares, strict=True)):
            if old != new:
                shares = list(by_rank[rank])
                for share in old:
                    shares.remove(share)
                shares.extend(new)
                shares.sort(reverse=True)
                by_rank[rank] = shares
    overall, overall_capped, _ = _combine(by_rank, criticals, counted, unknown, scoring)
    limited = card.written.limit(overall, passing)
    limited_by = card.written.rule_id if limited < overall else None
    return Prediction(limited, overall_capped, limited_by, changed, capped)


def still_failing_criticals(card: ScoreCard, rule_ids: Collection[str], step: int | None = None) -> list[str]:
    """The critical rules that would still fail (or be charged) once the given rules pass: what holds a cap.

    Only those of one step when `step` is given (a step's cap), else all of them (the overall cap).
    """
    groups = card.by_step if step is None else card.by_step[step - 1 : step]
    return sorted(
        r.rule_id
        for group in groups
        for r in group
        if r.severity is Severity.CRITICAL and r.rule_id not in rule_ids and (r.status is Status.FAIL or r.charged)
    )
