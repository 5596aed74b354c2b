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
import operator
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from math import prod

from assess.config import Scoring
from assess.results.kinds import Maturity, Severity, Status
from assess.results.report import Score, StepResult, new_score, new_step_result
from assess.steps import STEPS

# Plain classes with __slots__ rather than dataclasses: creating a dataclass costs a cold run of the
# command line a fraction of a millisecond each, and these are made once a plan or more.


class Scored:
    """What scoring needs to know of one rule's outcome (the form `score` takes; the pipeline scores by `Rules`)."""

    __slots__ = ("charged", "rule_id", "severity", "status", "step", "weight")

    def __init__(
        self, rule_id: str, step: int, severity: Severity, weight: float, status: Status, charged: bool = False
    ) -> None:
        self.rule_id = rule_id
        self.step = step
        self.severity = severity
        self.weight = weight
        self.status = status
        self.charged = charged  # not applicable or unknown only because a failing rule hides it: scored as failed

    def __repr__(self) -> str:
        return f"Scored({self.rule_id!r}, {self.step}, {self.severity}, {self.weight}, {self.status}, {self.charged})"


_RANKS = len(Severity)
_FAIL, _PASS, _SUPPRESSED, _UNKNOWN = Status.FAIL, Status.PASS, Status.SUPPRESSED, Status.UNKNOWN
_NOT_APPLICABLE = Status.NOT_APPLICABLE
_LEVELS = (Maturity.ABSENT, Maturity.CRAWL, Maturity.WALK, Maturity.RUN, Maturity.FLY)
_MATURITY_BY_WORST = {
    Severity.CRITICAL: Maturity.ABSENT,
    Severity.HIGH: Maturity.CRAWL,
    Severity.MEDIUM: Maturity.WALK,
    Severity.LOW: Maturity.RUN,
    Severity.INFO: Maturity.RUN,
}
_SEVERITY_BY_RANK = {severity.rank: severity for severity in Severity}
_LEVEL_BY_RANK = tuple(_LEVELS.index(_MATURITY_BY_WORST[_SEVERITY_BY_RANK[rank]]) for rank in range(_RANKS))


def _round(value: float) -> float:
    return round(value + 0.0, 1)


class Written:
    """The share of a plan's texts that are written rather than placeholders, and the rule reporting them."""

    __slots__ = ("rule_id", "share")

    def __init__(self, share: float = 1.0, rule_id: str | None = None) -> None:
        self.share = share
        self.rule_id = rule_id  # predicting it as passing (every placeholder written) lifts the limit

    def limit(self, overall: float, rule_ids: Collection[str] = ()) -> float:
        """The overall score once limited to the written share (unless `rule_ids` holds the rule)."""
        if self.share >= 1.0 or (self.rule_id is not None and self.rule_id in rule_ids):
            return overall
        return min(overall, _round(100.0 * self.share))


ALL_WRITTEN = Written()
"""A plan with no placeholder: nothing limits its score."""


class Rules:
    """What scoring reads of each rule, by position, and the scoring's tables: all a plan's score needs
    but its statuses.

    The pipeline builds it once per catalog and scoring (`Catalog.derived`); `score` builds one for
    the results it is given. Read only once built, so shared by threads.
    """

    __slots__ = (
        "_memo",
        "by_step",
        "decay",
        "floors",
        "grades",
        "ids",
        "penalties",
        "pick",
        "positions",
        "ranks",
        "scoring",
        "steps",
        "weights",
    )

    def __init__(
        self,
        ids: Sequence[str],
        steps: Sequence[int],
        severities: Sequence[Severity],
        weights: Sequence[float],
        scoring: Scoring,
    ) -> None:
        self.scoring = scoring
        self.ids = tuple(ids)
        self.steps = tuple(steps)  # the step's number, 1 to 11
        self.ranks = tuple(severity.rank for severity in severities)  # 0 for critical
        self.weights = tuple(weights)
        # Each rule's penalty should it fail (or be charged), whether it does or not: it depends on the rule alone.
        self.penalties = tuple(
            _penalty(rule_id, step, severity, weight, scoring)
            for rule_id, step, severity, weight in zip(ids, steps, severities, weights, strict=True)
        )
        grouped: list[list[int]] = [[] for _ in STEPS]
        positions: dict[str, list[int]] = {}
        for position, (rule_id, step) in enumerate(zip(self.ids, self.steps, strict=True)):
            grouped[step - 1].append(position)
            positions.setdefault(rule_id, []).append(position)
        self.by_step = tuple(tuple(group) for group in grouped)  # each step's rules, in order
        self.pick = tuple(_picker(group) for group in self.by_step)  # each step's statuses, from the plan's
        self.positions = {rule_id: tuple(found) for rule_id, found in positions.items()}
        self.floors = _floors(tuple(scoring.maturity_floors.items()))
        self.grades = _by_floor(tuple(scoring.grades.items()))
        # repeat_decay^k for the k-th penalty of a severity, as `_product` multiplies them
        self.decay = tuple(scoring.repeat_decay**k for k in range(len(self.ids) + 1))
        self._memo: dict[str, tuple[dict[Hashable, _Step], ...]] = {}

    def memo(self, lang: str) -> tuple[dict[Hashable, _Step], ...]:
        """Each step's figures already worked out, by the statuses of its rules (and which are charged).

        A step's figures depend on nothing else, and plans repeat them: most steps of most plans
        end in one of a few ways. At most `_MEMO_SIZE` of them a step, kept while the rules are.
        """
        found = self._memo.get(lang)
        if found is None:
            found = self._memo.setdefault(lang, tuple({} for _ in STEPS))
        return found


_MEMO_SIZE = 256

_Step = tuple[StepResult, float, tuple[int, ...], int, int, int, dict[int, tuple[float | None, bool]]]
"""A step's figures: its record, its counted weight, its failing or charged rules, its failing (or charged)
criticals, its counted rules and its unknown ones; and for each failing rule, the step's score and whether
a critical failure still caps it should that rule alone pass (what a recommendation predicts)."""


def _picker(positions: tuple[int, ...]) -> Callable[[Sequence[Status]], tuple[Status, ...]]:
    """A function picking the statuses at `positions` from a plan's, as a tuple (itemgetter's, done in C)."""
    if len(positions) != 1:
        return operator.itemgetter(*positions) if positions else lambda statuses: ()
    (position,) = positions
    return lambda statuses: (statuses[position],)


class _Basis:
    """What a card keeps of its sums so that each prediction only swaps what changes (`predict_with_pass`)."""

    __slots__ = (
        "alone",
        "bad",
        "by_rank",
        "charged",
        "counted",
        "criticals",
        "known",
        "product",
        "rules",
        "statuses",
        "totals",
        "unknown",
    )

    def __init__(
        self,
        rules: Rules,
        statuses: Sequence[Status],
        charged: Collection[int],
        totals: list[float],
        bad: list[tuple[int, ...]],
        alone: list[dict[int, tuple[float | None, bool]]],
        by_rank: list[list[float]],
        product: _Product,
        criticals: int,
        counted: int,
        unknown: int,
        known: float,
    ) -> None:
        self.rules = rules
        self.statuses = statuses
        self.charged = charged  # positions of the rules charged as failed
        self.totals = totals  # each step's counted weight
        self.bad = bad  # each step's failing or charged rules, in order
        self.alone = alone  # each step's score should one of its failing rules alone pass (`_Step`)
        self.by_rank = by_rank  # every failing or charged rule's penalty, per severity, largest first
        self.product = product  # the share the penalties leave, and how it was multiplied (`_product`)
        self.criticals = criticals
        self.counted = counted
        self.unknown = unknown
        self.known = known  # the share the completeness leaves (`_known`)


class ScoreCard:
    """A plan's scores: its `Score` and one `StepResult` per step, the report's own records."""

    __slots__ = ("basis", "score", "steps", "written")

    def __init__(self, score: Score, steps: tuple[StepResult, ...], basis: _Basis, written: Written) -> None:
        self.score = score
        self.steps = steps
        self.basis = basis
        self.written = written

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoreCard):
            return NotImplemented
        return self.score == other.score and self.steps == other.steps

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ScoreCard(score={self.score!r}, steps={self.steps!r})"

    def step_score(self, step: int) -> float | None:
        return self.steps[step - 1].score


def _penalty(rule_id: str, step: int, severity: Severity, weight: float, scoring: Scoring) -> float:
    """The share of the overall score a failing (or charged) rule takes away.

    Its severity's share (at least ``named_check_penalty`` for a named check), in proportion
    to the rule's weight against its severity's default weight (a rule weighing 0 takes
    nothing) and to its step's weight; never more than the whole.
    """
    if weight <= 0:
        return 0.0
    share = scoring.severity_penalties.get(severity, 0.0)
    if rule_id in scoring.named_checks:
        share = max(share, scoring.named_check_penalty)
    usual = scoring.severity_weights.get(severity, 0.0)
    if usual > 0:
        share *= weight / usual
    return min(1.0, share * scoring.step_weights.get(step, 1.0))


def _maturity(worst: int, passed: int, value: float | None, floors: tuple[tuple[int, float], ...]) -> Maturity:
    """A step's level: set by its most severe failure (`worst`, its rank; `_RANKS`: none), and never above
    what its score reaches (`floors`, as `_floors` sorts them)."""
    if worst == _RANKS:
        return Maturity.FLY if passed else Maturity.ABSENT
    level = _LEVEL_BY_RANK[worst]
    if value is not None:
        reached = 0
        for level_reached, floor in floors:
            if value >= floor:
                reached = level_reached
        level = min(level, reached)
    return _LEVELS[level]


@functools.lru_cache(maxsize=16)
def _floors(floors: tuple[tuple[str, float], ...]) -> tuple[tuple[int, float], ...]:
    """The maturity floors lowest first (each level by its place in `_LEVELS`), sorted once per table."""
    return tuple((_LEVELS.index(Maturity(name)), floor) for name, floor in sorted(floors, key=lambda item: item[1]))


def _value(total: float, lost: float, criticals: int, scoring: Scoring) -> tuple[float | None, bool]:
    """The step score (None when nothing counted) and whether a critical failure capped it."""
    if total > 0:
        value = 100.0 * (1.0 - lost / total)
        if criticals and value > (cap := _cap(scoring.critical_step_cap, criticals, scoring)):
            return _round(cap), True
        return _round(value), False
    if criticals:
        return 0.0, False  # only zero-weight rules counted, and a critical one failed
    return None, False


def _known(counted: int, unknown: int, scoring: Scoring) -> tuple[float, float]:
    """The completeness, and the share of the score it leaves."""
    completeness = 100.0 * counted / (counted + unknown) if counted + unknown else 0.0
    known = min(1.0, completeness / scoring.completeness_full) if scoring.completeness_full > 0 else 1.0
    return completeness, known


def _overall(kept: float, known: float, criticals: int, scoring: Scoring) -> tuple[float, bool]:
    """The overall score from the share the penalties leave (`_product`), the share the completeness leaves
    and the failing (or charged) criticals; and whether a configured flat cap holds it."""
    overall = 100.0 * kept * known
    if scoring.critical_overall_cap is not None and criticals:
        cap = _cap(scoring.critical_overall_cap, criticals, scoring)
        if overall > cap:
            return _round(cap), True
    return _round(overall), False


@functools.lru_cache(maxsize=8)
def _step_names(lang: str) -> tuple[str, ...]:
    return tuple(step.name.get(lang, step.name["en"]) for step in STEPS)


def card(
    rules: Rules,
    statuses: Sequence[Status],
    charged: Collection[int],
    lang: str = "en",
    written: Written = ALL_WRITTEN,
) -> ScoreCard:
    """The score card of a plan: each rule's status by position in `rules`, the positions of those charged."""
    scoring = rules.scoring
    ranks, penalties = rules.ranks, rules.penalties
    by_rank: list[list[float]] = [[] for _ in range(_RANKS)]
    steps: list[StepResult] = []
    totals: list[float] = []
    bad_by_step: list[tuple[int, ...]] = []
    alone: list[dict[int, tuple[float | None, bool]]] = []
    criticals = counted = unknown = 0
    memo = rules.memo(lang)
    charged_in: dict[int, tuple[int, ...]] = {}  # step index -> its charged rules: a step's figures depend on them
    for position in sorted(charged):
        charged_in[rules.steps[position] - 1] = (*charged_in.get(rules.steps[position] - 1, ()), position)
    for index, pick in enumerate(rules.pick):
        key: Hashable = pick(statuses)
        if index in charged_in:
            key = (key, charged_in[index])
        figures = memo[index].get(key)
        if figures is None:
            figures = _step(rules, index, statuses, charged, _step_names(lang)[index])
            if len(memo[index]) < _MEMO_SIZE:
                memo[index][key] = figures
        result, total, bad, step_criticals, step_counted, step_unknown, step_alone = figures
        steps.append(result)
        totals.append(total)
        bad_by_step.append(bad)
        alone.append(step_alone)
        for position in bad:
            by_rank[ranks[position]].append(penalties[position])
        criticals += step_criticals
        counted += step_counted
        unknown += step_unknown
    for shares in by_rank:
        shares.sort(reverse=True)
    product = _product(by_rank, rules.decay)
    completeness, known = _known(counted, unknown, scoring)
    overall, capped = _overall(product[0][-1][-1], known, criticals, scoring)
    overall = written.limit(overall)
    share = written.share
    total_score = new_score(
        overall, _grade(overall, rules.grades), _round(completeness * share), capped, _round(100.0 * share)
    )
    basis = _Basis(
        rules, statuses, charged, totals, bad_by_step, alone, by_rank, product, criticals, counted, unknown, known
    )
    return ScoreCard(total_score, tuple(steps), basis, written)


def _step(rules: Rules, index: int, statuses: Sequence[Status], charged: Collection[int], name: str) -> _Step:
    """A step's figures, from its rules' statuses."""
    weights, ranks = rules.weights, rules.ranks
    total = lost = 0.0
    passed = failed = not_applicable = unknown = criticals = 0
    worst = _RANKS
    bad: list[int] = []
    for position in rules.by_step[index]:
        status = statuses[position]
        if status is _FAIL or position in charged:  # a charged rule counts under its own status
            weight = weights[position]
            total += weight
            lost += weight
            rank = ranks[position]
            worst = min(worst, rank)
            criticals += not rank
            bad.append(position)
        if status is _FAIL:
            failed += 1
        elif status is _PASS or status is _SUPPRESSED:
            passed += 1
            total += weights[position]
        elif status is _UNKNOWN:
            unknown += 1
        else:
            not_applicable += 1
    value, capped = _value(total, lost, criticals, rules.scoring)
    step = STEPS[index]
    level = _maturity(worst, passed, value, rules.floors)
    result = new_step_result(step.number, step.key, name, value, level, passed, failed, not_applicable, unknown, capped)
    alone: dict[int, tuple[float | None, bool]] = {}
    for passing in bad:
        if statuses[passing] is _FAIL and passing not in charged:  # its weight stays in the total, as passed
            lost = 0.0
            for position in bad:
                if position != passing:
                    lost += weights[position]
            alone[passing] = _value(total, lost, criticals - (not ranks[passing]), rules.scoring)
    return result, total, tuple(bad), criticals, passed + failed, unknown, alone


_Product = tuple[list[list[float]], list[float], list[int]]
"""How the share the penalties leave was multiplied: by severity, the product before each penalty and after
the last; every factor in order; and where each severity's factors start among them (and where they end)."""


def _product(by_rank: Sequence[Sequence[float]], decay: Sequence[float]) -> _Product:
    """The share the penalties leave, multiplied in order (`_Product`): a prediction takes it up from the
    first penalty it removes, with the same factors after, so that it is the product a full score gives."""
    kept = 1.0
    starts: list[list[float]] = []
    factors: list[float] = []
    offsets = [0]
    for shares in by_rank:  # the k-th largest penalty of a severity counts repeat_decay^(k-1) of itself
        before = [kept]
        for k, share in enumerate(shares):
            factor = 1.0 - share * decay[k]
            kept *= factor
            before.append(kept)
            factors.append(factor)
        starts.append(before)
        offsets.append(len(factors))
    return starts, factors, offsets


def score(results: Sequence[Scored], scoring: Scoring, lang: str = "en", written: Written = ALL_WRITTEN) -> ScoreCard:
    """The score card of a plan's rule results (`written`: its placeholders' limit, none by default)."""
    rules = Rules(
        [r.rule_id for r in results],
        [r.step for r in results],
        [r.severity for r in results],
        [r.weight for r in results],
        scoring,
    )
    charged = {position for position, r in enumerate(results) if r.charged}
    return card(rules, [r.status for r in results], charged, lang, written)


@functools.lru_cache(maxsize=16)
def _by_floor(grades: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(grades, key=lambda item: -item[1]))


def _cap(first: float, failures: int, scoring: Scoring) -> float:
    return max(0.0, first - scoring.critical_cap_step_down * max(0, failures - 1))


def grade(value: float, grades: Mapping[str, float]) -> str:
    return _grade(value, _by_floor(tuple(grades.items())))


def _grade(value: float, by_floor: Iterable[tuple[str, float]]) -> str:
    for letter, floor in by_floor:
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
    written: Written = ALL_WRITTEN,
) -> ScoreCard:
    """The score card if the given rules passed and nothing else changed (the reference for `predict_with_pass`)."""
    passing = {rule_ids} if isinstance(rule_ids, str) else set(rule_ids)
    if written.rule_id is not None and written.rule_id in passing:
        written = ALL_WRITTEN
    return score([_passed(r) if r.rule_id in passing else r for r in results], scoring, lang, written)


class Prediction:
    """The figures `rescore_with_pass` would give, and which caps still hold them."""

    __slots__ = ("capped", "limited_by", "overall", "steps", "steps_capped")

    def __init__(
        self,
        overall: float,
        capped: bool,
        limited_by: str | None,
        steps: dict[int, float | None],
        steps_capped: dict[int, bool],
    ) -> None:
        self.overall = overall
        self.capped = capped  # a configured flat overall cap holds the score
        self.limited_by = limited_by  # the rule reporting placeholders, when their limit holds the score
        self.steps = steps  # the touched steps' scores
        self.steps_capped = steps_capped  # whether a critical failure still caps each touched step


def predict_with_pass(card: ScoreCard, rule_ids: Collection[str], scoring: Scoring) -> Prediction:
    """The overall score, and the touched steps' scores, if the given rules passed.

    The same figures as `rescore_with_pass`, without scoring the plan again: a passing rule's
    penalty leaves its severity's list (kept sorted in the card), its counts move, and only its
    step's lost weight is summed again, over the step's failing rules in order; the penalties
    are multiplied in the same order as a full score would, so the figures are the same to the
    last bit. The recommendations rank every failing rule this way.
    """
    passing = set(rule_ids)
    positions = card.basis.rules.positions
    return predict_positions(card, [p for rule_id in passing for p in positions.get(rule_id, ())], passing, scoring)


def predict_positions(
    card: ScoreCard, chosen: Collection[int], rule_ids: Collection[str], scoring: Scoring
) -> Prediction:
    """`predict_with_pass` of the rules at the `chosen` positions (`rule_ids`: their ids)."""
    basis = card.basis
    steps = basis.rules.steps
    if len(chosen) == 1:
        (position,) = chosen
        if basis.statuses[position] is _FAIL and position not in basis.charged:
            overall, capped, limited_by, value, step_capped = _predict_one(card, position, rule_ids, scoring)
            number = steps[position]
            return Prediction(overall, capped, limited_by, {number: value}, {number: step_capped})
    overall, capped, limited_by = _predict_overall(card, chosen, rule_ids, scoring)
    changed: dict[int, float | None] = {}
    steps_capped: dict[int, bool] = {}
    for number in sorted({steps[position] for position in chosen}):
        changed[number], steps_capped[number] = _predict_step(basis, number, chosen, scoring)
    return Prediction(overall, capped, limited_by, changed, steps_capped)


def _predict_overall(
    card: ScoreCard, chosen: Collection[int], rule_ids: Collection[str], scoring: Scoring
) -> tuple[float, bool, str | None]:
    """The overall score once the rules at the `chosen` positions pass, whether a configured flat cap holds it,
    and the rule whose placeholders hold it: each failing (or charged) one's penalty leaves its severity's
    list (kept sorted in the card), the counts move, and the product is taken up from the first penalty
    removed, multiplied in the same order as a full score would."""
    basis = card.basis
    rules, statuses, charged = basis.rules, basis.statuses, basis.charged
    ranks, penalties = rules.ranks, rules.penalties
    criticals, counted, unknown = basis.criticals, basis.counted, basis.unknown
    by_rank = basis.by_rank
    removed: dict[int, list[float]] = {}  # severity rank -> its penalties once the chosen ones are gone
    first, k = _RANKS, 0  # the first penalty removed: the product is the card's up to there
    for position in chosen:
        status = statuses[position]
        if status is _FAIL or position in charged:
            rank = ranks[position]
            penalty = penalties[position]
            shares = removed.get(rank)
            if shares is None:
                shares = removed[rank] = by_rank[rank].copy()
            at = by_rank[rank].index(penalty)
            if rank < first or (rank == first and at < k):
                first, k = rank, at
            shares.remove(penalty)
            if not rank:
                criticals -= 1
        if status is _UNKNOWN:
            unknown -= 1
            counted += 1
        elif status is _NOT_APPLICABLE:
            counted += 1
    starts, factors, offsets = basis.product
    kept = starts[first][k] if first < _RANKS else starts[-1][-1]
    decay = rules.decay
    for rank in range(first, _RANKS):  # the same products as `_product`, from the first penalty removed on
        shares = removed.get(rank)
        if shares is None:  # the factors of a severity with none removed stay the same
            kept = prod(factors[offsets[rank] : offsets[rank + 1]], start=kept)
            continue
        for j in range(k if rank == first else 0, len(shares)):
            kept *= 1.0 - shares[j] * decay[j]
    overall, overall_capped = _overall(kept, _known(counted, unknown, scoring)[1], criticals, scoring)
    limited = card.written.limit(overall, rule_ids)
    return limited, overall_capped, card.written.rule_id if limited < overall else None


def _predict_step(basis: _Basis, number: int, chosen: Collection[int], scoring: Scoring) -> tuple[float | None, bool]:
    """A step's score once the rules at the `chosen` positions pass, and whether a critical failure still caps it:
    only its lost weight is summed again, over its failing (or charged) rules in order."""
    rules, statuses, charged = basis.rules, basis.statuses, basis.charged
    weights, ranks, steps = rules.weights, rules.ranks, rules.steps
    index = number - 1
    total = basis.totals[index]
    for position in chosen:
        # A passing rule's weight counts once in its step's total, where `card` counted it once already when
        # it failed or was charged, or else passed: then the total is the same sum, else it is summed again.
        status = statuses[position]
        if steps[position] == number and (status is _FAIL or position in charged) is (
            status is _PASS or status is _SUPPRESSED
        ):
            total = _total(rules, statuses, charged, index, chosen)
            break
    lost = 0.0
    step_criticals = 0
    for position in basis.bad[index]:
        if position not in chosen:
            lost += weights[position]
            step_criticals += not ranks[position]
    return _value(total, lost, step_criticals, scoring)


Predicted = tuple[float, bool, str | None, float | None, bool]
"""A prediction as a recommendation reads it: the overall score, whether a configured flat cap holds it, the
rule whose placeholders hold it, and the score of the rule's step and whether a critical failure caps it."""


def predict_rule(card: ScoreCard, chosen: Sequence[int], rule_ids: Collection[str], scoring: Scoring) -> Predicted:
    """`predict_positions` of a rule (`chosen[0]`) and the rules it unlocks, for a recommendation."""
    basis = card.basis
    if len(chosen) == 1:
        position = chosen[0]
        if basis.statuses[position] is _FAIL and position not in basis.charged:
            return _predict_one(card, position, rule_ids, scoring)
    overall, capped, limited_by = _predict_overall(card, chosen, rule_ids, scoring)
    return (overall, capped, limited_by, *_predict_step(basis, basis.rules.steps[chosen[0]], chosen, scoring))


def _predict_one(card: ScoreCard, position: int, rule_ids: Collection[str], scoring: Scoring) -> Predicted:
    """The prediction of one failing rule (not charged), as a recommendation predicts most: its step's
    score was worked out with the step's (`_Step`), the counts do not change, and the product takes up
    from its penalty (`_Product`): the penalties after it in its severity move up a place (one step of
    decay less), those of the severities below keep their factors; multiplied in the same order as a
    full score would."""
    basis = card.basis
    rules = basis.rules
    rank = rules.ranks[position]
    shares = basis.by_rank[rank]
    k = shares.index(rules.penalties[position])
    starts, factors, offsets = basis.product
    kept = starts[rank][k]
    decay = rules.decay
    for j in range(k + 1, len(shares)):
        kept *= 1.0 - shares[j] * decay[j - 1]
    kept = prod(factors[offsets[rank + 1] :], start=kept)
    value, step_capped = basis.alone[rules.steps[position] - 1][position]
    written = card.written
    if scoring.critical_overall_cap is None and written.share >= 1.0:  # the usual plan: nothing caps or limits it
        return round(100.0 * kept * basis.known + 0.0, 1), False, None, value, step_capped  # `_overall`'s figure
    overall, capped = _overall(kept, basis.known, basis.criticals - (not rank), scoring)
    limited = written.limit(overall, rule_ids)
    return limited, capped, written.rule_id if limited < overall else None, value, step_capped


def _total(
    rules: Rules, statuses: Sequence[Status], charged: Collection[int], index: int, chosen: Collection[int]
) -> float:
    """A step's counted weight once the `chosen` rules pass, summed in order as `card` sums it."""
    total = 0.0
    weights = rules.weights
    for position in rules.by_step[index]:
        if position in chosen:
            total += weights[position]
            continue
        status = statuses[position]
        if status is _FAIL or position in charged:
            total += weights[position]
        if status is _PASS or status is _SUPPRESSED:
            total += weights[position]
    return total


def still_failing_criticals(card: ScoreCard, rule_ids: Collection[str], step: int | None = None) -> list[str]:
    """The critical rules that would still fail (or be charged) once the given rules pass: what holds a cap.

    Only those of one step when `step` is given (a step's cap), else all of them (the overall cap).
    """
    basis = card.basis
    ids, ranks = basis.rules.ids, basis.rules.ranks
    groups = basis.bad if step is None else basis.bad[step - 1 : step]
    return sorted(ids[p] for group in groups for p in group if not ranks[p] and ids[p] not in rule_ids)
