"""The corpus quality gate (issue 12, part 3): how far `assess` agrees with the expert's labels.

Every plan under ``corpus/plans`` is assessed through the library (``assess.assess_plan``) and
compared with ``corpus/labels.yaml``. Definitions (per plan, then summed over the corpus):

- a rule *fired* when the plan's report has at least one finding of it; its observed severity is
  the most serious severity among those findings;
- a labelled concern is *caught* when one of its rule ids (``rule`` and ``also``) fired;
  recall = caught concerns / labelled concerns;
- a fired rule is *judged right* when a concern names it, *indifferent* when the plan's
  ``may_fire`` lists it (left out of precision), and *wrong* otherwise;
  precision = right / (right + wrong), 1.0 when nothing was judged;
- a *false critical* is a fired rule whose observed severity is critical while no concern of the
  plan names that rule with severity critical (``may_fire`` gives no licence to be critical);
- a *named check fired where it must not* is a fired rule listed in the plan's ``must_not_fire``;
- *rho* is Spearman's rank correlation (average ranks for ties) between the expert's ranking
  (1 = best) and the overall score (highest = best), over the plans that could be assessed;
- the *top recommendation agrees* when the report's first recommendation is the labelled
  ``first_fix`` or one of ``first_fix_also``, or when the plan needs no fix and gets no
  recommendation; agreement = agreeing plans / plans;
- a plan that cannot be assessed (e.g. its schema version is not supported yet) catches none of
  its concerns, disagrees on the top recommendation, is left out of rho, and fails the gate.

Run from the repository root: ``python -m corpus.gate`` (or ``python corpus/gate.py``, or
``make corpus``). Exit status: 0 when every threshold holds, 1 when one does not, 2 when the
labels or the corpus are malformed (e.g. a label names a rule id the catalog does not know).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_LABELS = HERE / "labels.yaml"
DEFAULT_PLANS = HERE / "plans"
PLAN_SUFFIXES = (".yaml", ".yml", ".json")
SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORIES = ("good", "near_miss", "subtle", "draft", "flawed")


class LabelError(Exception):
    """The labels file (or the corpus it describes) is malformed."""


@dataclass(frozen=True)
class Thresholds:
    """The figures the gate requires (issue 12)."""

    recall: float = 0.95
    precision: float = 0.95
    false_criticals: int = 0
    rho: float = 0.85
    top_recommendation: float = 0.90
    not_assessed: int = 0


@dataclass(frozen=True)
class Concern:
    """One expected concern: the rule that should raise it, at the severity the expert expects."""

    rule: str
    severity: str
    why: str
    also: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule id whose firing raises this concern."""
        return (self.rule, *self.also)


@dataclass(frozen=True)
class PlanLabel:
    """The expert's labels for one plan."""

    name: str
    category: str
    expected: tuple[Concern, ...]
    must_not_fire: frozenset[str]
    may_fire: frozenset[str]
    first_fix: str | None
    first_fix_also: frozenset[str] = frozenset()

    def expected_severity(self, rule: str) -> str | None:
        """The most serious severity a concern expects of `rule`, None if no concern names it."""
        found = [c.severity for c in self.expected if rule in c.rules]
        return min(found, key=SEVERITIES.index) if found else None


@dataclass(frozen=True)
class Labels:
    """All the labels: per plan, and the expert's ranking as average ranks (1 = best)."""

    plans: Mapping[str, PlanLabel]
    ranks: Mapping[str, float]


@dataclass(frozen=True)
class Outcome:
    """What `assess` said about one plan."""

    name: str
    fired: Mapping[str, str]  # rule id -> most serious severity of its findings
    score: float | None
    top: str | None
    problem: str | None = None

    @property
    def assessed(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class PlanResult:
    """One plan's labels compared with its outcome."""

    name: str
    caught: tuple[Concern, ...]
    missed: tuple[Concern, ...]
    right: tuple[str, ...]
    wrong: tuple[str, ...]
    indifferent: tuple[str, ...]
    forbidden: tuple[str, ...]
    false_criticals: tuple[str, ...]
    severity_mismatches: tuple[tuple[str, str, str], ...]  # (rule, expected, observed)
    top_agrees: bool


@dataclass(frozen=True)
class Summary:
    """The corpus-wide figures."""

    plans: int
    assessed: int
    expected: int
    caught: int
    right: int
    wrong: int
    false_criticals: int
    forbidden: int
    rho: float
    top_agreeing: int
    results: tuple[PlanResult, ...] = field(default=())

    @property
    def recall(self) -> float:
        return self.caught / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        judged = self.right + self.wrong
        return self.right / judged if judged else 1.0

    @property
    def top_recommendation(self) -> float:
        return self.top_agreeing / self.plans if self.plans else 1.0

    @property
    def not_assessed(self) -> int:
        return self.plans - self.assessed


# --- ranks and Spearman ------------------------------------------------------------------------


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n of `values` in ascending order; tied values share the mean of their positions."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        mean = (start + end) / 2 + 1
        for position in range(start, end + 1):
            ranks[order[position]] = mean
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rho: the Pearson correlation of the average ranks of `xs` and `ys`.

    NaN when it is undefined (fewer than two pairs, or all values of one side tied).
    """
    if len(xs) != len(ys):
        raise ValueError(f"spearman needs pairs: {len(xs)} values against {len(ys)}")
    if len(xs) < 2:
        return math.nan
    rx, ry = average_ranks(xs), average_ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return math.nan
    return cov / math.sqrt(vx * vy)


# --- labels ------------------------------------------------------------------------------------


def _rule_ids(value: Any, where: str, known: frozenset[str]) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabelError(f"{where}: expected a list of rule ids, got {value!r}")
    for rule in value:
        _check_rule(rule, where, known)
    if len(set(value)) != len(value):
        raise LabelError(f"{where}: a rule id is listed twice")
    return frozenset(value)


def _check_rule(rule: Any, where: str, known: frozenset[str]) -> str:
    if not isinstance(rule, str) or rule not in known:
        raise LabelError(f"{where}: unknown rule id {rule!r} (not in the rule catalog)")
    return rule


def _concern(data: Any, where: str, known: frozenset[str]) -> Concern:
    if not isinstance(data, Mapping):
        raise LabelError(f"{where}: a concern is a mapping with rule, severity and why")
    unknown = set(data) - {"rule", "severity", "why", "also", "notes"}
    if unknown:
        raise LabelError(f"{where}: unknown key(s) {sorted(unknown)}")
    rule = _check_rule(data.get("rule"), where, known)
    severity = data.get("severity")
    if severity not in SEVERITIES:
        raise LabelError(f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    why = data.get("why")
    if not isinstance(why, str) or not why.strip():
        raise LabelError(f"{where}: every concern says why")
    also = _rule_ids(data.get("also"), f"{where} also", known)
    if rule in also:
        raise LabelError(f"{where}: {rule} is both the rule and an alternative")
    notes = data.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise LabelError(f"{where}: notes is text")
    return Concern(rule=rule, severity=str(severity), why=why, also=tuple(sorted(also)), notes=notes)


def _plan_label(name: str, data: Any, known: frozenset[str]) -> PlanLabel:
    where = f"labels for {name}"
    if not isinstance(data, Mapping):
        raise LabelError(f"{where}: expected a mapping")
    allowed = {
        "category",
        "situation",
        "expected",
        "must_not_fire",
        "may_fire",
        "first_fix",
        "first_fix_also",
        "notes",
    }
    unknown = set(data) - allowed
    if unknown:
        raise LabelError(f"{where}: unknown key(s) {sorted(unknown)}")
    category = data.get("category")
    if category not in CATEGORIES:
        raise LabelError(f"{where}: category {category!r} is not one of {', '.join(CATEGORIES)}")
    raw_expected = data.get("expected") or []
    if not isinstance(raw_expected, list):
        raise LabelError(f"{where}: expected is a list of concerns")
    expected = tuple(_concern(c, f"{where}, concern {i + 1}", known) for i, c in enumerate(raw_expected))
    named = [c.rule for c in expected]
    if len(set(named)) != len(named):
        raise LabelError(f"{where}: two concerns name the same rule")
    concern_rules = {r for c in expected for r in c.rules}
    must_not = _rule_ids(data.get("must_not_fire"), f"{where} must_not_fire", known)
    may = _rule_ids(data.get("may_fire"), f"{where} may_fire", known)
    for a, b, sa, sb in (
        (concern_rules, must_not, "expected", "must_not_fire"),
        (concern_rules, may, "expected", "may_fire"),
        (must_not, may, "must_not_fire", "may_fire"),
    ):
        if a & b:
            raise LabelError(f"{where}: {', '.join(sorted(a & b))} both in {sa} and in {sb}")
    first = data.get("first_fix")
    first_fix = None if first is None else _check_rule(first, f"{where} first_fix", known)
    first_also = _rule_ids(data.get("first_fix_also"), f"{where} first_fix_also", known)
    if first_fix is None and (expected or first_also):
        raise LabelError(f"{where}: a plan with concerns needs a first_fix (and first_fix_also needs one)")
    if first_fix is not None and first_fix in first_also:
        raise LabelError(f"{where}: {first_fix} is both first_fix and in first_fix_also")
    return PlanLabel(
        name=name,
        category=str(category),
        expected=expected,
        must_not_fire=must_not,
        may_fire=may,
        first_fix=first_fix,
        first_fix_also=first_also,
    )


def _ranks(ranking: Any, names: Iterable[str]) -> dict[str, float]:
    """Average ranks (1 = best) from the ordered ranking; an inner list is a tie."""
    if not isinstance(ranking, list):
        raise LabelError("ranking: expected a list, best plan first")
    groups: list[list[str]] = []
    for entry in ranking:
        group = entry if isinstance(entry, list) else [entry]
        if not group or not all(isinstance(n, str) for n in group):
            raise LabelError(f"ranking: {entry!r} is not a plan name or a list of plan names")
        groups.append(group)
    ranks: dict[str, float] = {}
    position = 0
    for group in groups:
        mean = position + (len(group) + 1) / 2
        for name in group:
            if name in ranks:
                raise LabelError(f"ranking: {name} is ranked twice")
            ranks[name] = mean
        position += len(group)
    expected = set(names)
    if set(ranks) != expected:
        missing, extra = sorted(expected - set(ranks)), sorted(set(ranks) - expected)
        raise LabelError(f"ranking must rank every labelled plan once: missing {missing}, unknown {extra}")
    return ranks


def parse_labels(data: Any, known_rules: Iterable[str]) -> Labels:
    """Check and read labels (the parsed labels.yaml) against the catalog's rule ids."""
    known = frozenset(known_rules)
    if not isinstance(data, Mapping) or not isinstance(data.get("plans"), Mapping):
        raise LabelError("labels: expected a mapping with 'plans' and 'ranking'")
    named = _rule_ids(data.get("named_checks"), "named_checks", known)
    plans = {str(name): _plan_label(str(name), value, known) for name, value in data["plans"].items()}
    for label in plans.values():
        loose = named - label.must_not_fire - {r for c in label.expected for r in c.rules} - label.may_fire
        if loose:
            raise LabelError(
                f"labels for {label.name}: say whether named check(s) {', '.join(sorted(loose))} "
                "are expected, may fire or must not fire"
            )
    return Labels(plans=plans, ranks=_ranks(data.get("ranking"), plans))


def known_rule_ids() -> frozenset[str]:
    """The ids of the rules `assess` evaluates, read from the report of a minimal plan."""
    import assess

    report = assess.assess_plan({"schema_version": "1.0", "organization": {"name": "corpus gate probe"}})
    return frozenset(rule.rule_id for rule in report.plans[0].rules)


def load_labels(path: Path, known_rules: Iterable[str]) -> Labels:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LabelError(f"{path}: {error}") from error
    return parse_labels(data, known_rules)


# --- observing assess --------------------------------------------------------------------------


# The optional fields schema 1.1 adds (issue 12), by where they stand; see strip_new_fields.
NEW_FIELDS: dict[str, tuple[str, ...]] = {
    "people": ("left_on", "same_as"),
    "channels": ("reconfirmed_on",),
    "account": ("ownership",),
    "research": ("participants",),
    "crisis_plan": ("responder",),
    "social_media_policy": ("last_reviewed",),
}


def strip_new_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a parsed plan without the schema 1.1 fields, declared as 1.0.

    Diagnostic only (``--strip-new-fields``): it shows what `assess` concludes from a plan when it
    cannot read the facts 1.1 states (who left, who is whom, what was reconfirmed...).
    """
    plan: dict[str, Any] = json.loads(json.dumps(document, default=str))
    if plan.get("schema_version") == "1.1":
        plan["schema_version"] = "1.0"

    def drop(entry: Any, keys: tuple[str, ...]) -> None:
        if isinstance(entry, dict):
            for key in keys:
                entry.pop(key, None)

    for person in plan.get("people") or []:
        drop(person, NEW_FIELDS["people"])
    for channel in plan.get("channels") or []:
        drop(channel, NEW_FIELDS["channels"])
        if isinstance(channel, dict):
            drop(channel.get("account"), NEW_FIELDS["account"])
    for research in (plan.get("audience") or {}).get("research") or []:
        drop(research, NEW_FIELDS["research"])
    policies = plan.get("policies") or {}
    drop(policies.get("crisis_plan"), NEW_FIELDS["crisis_plan"])
    drop(policies.get("social_media_policy"), NEW_FIELDS["social_media_policy"])
    return plan


def observe(path: Path, name: str | None = None, *, strip: bool = False) -> Outcome:
    """Assess one plan file through the library and keep what the gate compares."""
    import assess

    name = name or path.name
    try:
        if strip:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            report = assess.assess_plan(strip_new_fields(document), name=name)
        else:
            report = assess.assess_plan(path)
    except assess.PlanError as error:
        problem = str(error).splitlines()[0].replace(str(path), name)  # no machine-specific path
        return Outcome(name=name, fired={}, score=None, top=None, problem=problem)
    plan = report.plans[0]
    if not plan.assessed or plan.score is None:
        problem = "; ".join(p.message for p in plan.problems) or "not assessed"
        return Outcome(name=name, fired={}, score=None, top=None, problem=problem)
    fired: dict[str, str] = {}
    for finding in plan.findings:
        severity = str(finding.severity.value)
        previous = fired.get(finding.rule_id)
        if previous is None or SEVERITIES.index(severity) < SEVERITIES.index(previous):
            fired[finding.rule_id] = severity
    top = plan.recommendations[0].rule_id if plan.recommendations else None
    return Outcome(name=name, fired=fired, score=float(plan.score.overall), top=top)


# --- comparing ---------------------------------------------------------------------------------


def compare(label: PlanLabel, outcome: Outcome) -> PlanResult:
    """One plan's outcome judged against its labels (see the module docstring)."""
    fired = outcome.fired
    caught = tuple(c for c in label.expected if any(r in fired for r in c.rules))
    missed = tuple(c for c in label.expected if not any(r in fired for r in c.rules))
    concern_rules = {r for c in label.expected for r in c.rules}
    right = tuple(sorted(r for r in fired if r in concern_rules))
    indifferent = tuple(sorted(r for r in fired if r in label.may_fire))
    wrong = tuple(sorted(r for r in fired if r not in concern_rules and r not in label.may_fire))
    forbidden = tuple(sorted(r for r in fired if r in label.must_not_fire))
    false_criticals = tuple(
        sorted(r for r, sev in fired.items() if sev == "critical" and label.expected_severity(r) != "critical")
    )
    mismatches = tuple(
        (r, want, fired[r]) for r in right if (want := label.expected_severity(r)) is not None and want != fired[r]
    )
    if not outcome.assessed:
        top_agrees = False
    elif label.first_fix is None:
        top_agrees = outcome.top is None
    else:
        top_agrees = outcome.top == label.first_fix or outcome.top in label.first_fix_also
    return PlanResult(
        name=label.name,
        caught=caught,
        missed=missed,
        right=right,
        wrong=wrong,
        indifferent=indifferent,
        forbidden=forbidden,
        false_criticals=false_criticals,
        severity_mismatches=mismatches,
        top_agrees=top_agrees,
    )


def summarise(labels: Labels, outcomes: Mapping[str, Outcome]) -> Summary:
    """Compare every labelled plan with its outcome; `outcomes` must cover every labelled plan."""
    missing = sorted(set(labels.plans) - set(outcomes))
    if missing:
        raise LabelError(f"no outcome for labelled plan(s) {missing}")
    results = tuple(compare(labels.plans[name], outcomes[name]) for name in sorted(labels.plans))
    scored = [name for name in sorted(labels.plans) if outcomes[name].score is not None]
    rho = spearman(
        [labels.ranks[name] for name in scored],
        [-(outcomes[name].score or 0.0) for name in scored],
    )
    return Summary(
        plans=len(results),
        assessed=sum(outcomes[name].assessed for name in labels.plans),
        expected=sum(len(labels.plans[r.name].expected) for r in results),
        caught=sum(len(r.caught) for r in results),
        right=sum(len(r.right) for r in results),
        wrong=sum(len(r.wrong) for r in results),
        false_criticals=sum(len(r.false_criticals) for r in results),
        forbidden=sum(len(r.forbidden) for r in results),
        rho=rho,
        top_agreeing=sum(r.top_agrees for r in results),
        results=results,
    )


def failures(summary: Summary, thresholds: Thresholds = Thresholds()) -> list[str]:
    """The thresholds the summary misses, one sentence each (empty when the gate passes)."""
    out: list[str] = []
    if summary.recall < thresholds.recall:
        out.append(f"recall {summary.recall:.3f} < {thresholds.recall}")
    if summary.precision < thresholds.precision:
        out.append(f"precision {summary.precision:.3f} < {thresholds.precision}")
    if summary.false_criticals > thresholds.false_criticals:
        out.append(f"false criticals {summary.false_criticals} > {thresholds.false_criticals}")
    if math.isnan(summary.rho) or summary.rho < thresholds.rho:
        out.append(f"spearman rho {summary.rho:.3f} < {thresholds.rho}")
    if summary.top_recommendation < thresholds.top_recommendation:
        out.append(f"top recommendation {summary.top_recommendation:.3f} < {thresholds.top_recommendation}")
    if summary.not_assessed > thresholds.not_assessed:
        out.append(f"{summary.not_assessed} plan(s) could not be assessed")
    return out


# --- running -----------------------------------------------------------------------------------


def plan_files(directory: Path) -> dict[str, Path]:
    """The corpus plans, by file name."""
    return {p.name: p for p in sorted(directory.iterdir()) if p.suffix in PLAN_SUFFIXES and p.is_file()}


def run(
    labels_path: Path = DEFAULT_LABELS, plans_dir: Path = DEFAULT_PLANS, *, strip: bool = False
) -> tuple[Labels, Summary, dict[str, Outcome]]:
    """Assess the corpus and compare it with the labels."""
    labels = load_labels(labels_path, known_rule_ids())
    files = plan_files(plans_dir)
    unlabelled, absent = sorted(set(files) - set(labels.plans)), sorted(set(labels.plans) - set(files))
    if unlabelled or absent:
        raise LabelError(f"plans and labels differ: unlabelled {unlabelled}, labelled but absent {absent}")
    outcomes = {name: observe(path, name, strip=strip) for name, path in files.items()}
    return labels, summarise(labels, outcomes), outcomes


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def render(summary: Summary, labels: Labels, outcomes: Mapping[str, Outcome], thresholds: Thresholds) -> str:
    """The gate's report: the figures against their thresholds, then each plan's disagreements."""
    ok = "ok  "
    bad = "FAIL"
    lines = [
        f"corpus gate: {summary.plans} plans, {summary.assessed} assessed",
        "",
        f"  {ok if summary.recall >= thresholds.recall else bad} recall              "
        f"{_fmt(summary.recall)}  ({summary.caught}/{summary.expected} expected concerns caught; need >= "
        f"{thresholds.recall})",
        f"  {ok if summary.precision >= thresholds.precision else bad} precision           "
        f"{_fmt(summary.precision)}  ({summary.right}/{summary.right + summary.wrong} fired rules judged right; "
        f"need >= {thresholds.precision})",
        f"  {ok if summary.false_criticals <= thresholds.false_criticals else bad} false criticals     "
        f"{summary.false_criticals}      (need <= {thresholds.false_criticals})",
        f"  info named checks fired where they must not: {summary.forbidden}",
        f"  {ok if not math.isnan(summary.rho) and summary.rho >= thresholds.rho else bad} spearman rho        "
        f"{_fmt(summary.rho)}  (overall score against the expert ranking; need >= {thresholds.rho})",
        f"  {ok if summary.top_recommendation >= thresholds.top_recommendation else bad} top recommendation  "
        f"{_fmt(summary.top_recommendation)}  ({summary.top_agreeing}/{summary.plans} plans; need >= "
        f"{thresholds.top_recommendation})",
        f"  {ok if summary.not_assessed <= thresholds.not_assessed else bad} not assessed        "
        f"{summary.not_assessed}",
        "",
        "per plan (expert rank, score, top recommendation; then disagreements):",
    ]
    for result in summary.results:
        label, outcome = labels.plans[result.name], outcomes[result.name]
        want = label.first_fix or "none"
        if label.first_fix_also:
            want += " or " + "/".join(sorted(label.first_fix_also))
        score = "n/a" if outcome.score is None else f"{outcome.score:.1f}"
        lines.append(
            f"  {result.name}  [{label.category}]  rank {labels.ranks[result.name]:g}  score {score}  "
            f"top {outcome.top or 'none'} (want {want}){'' if result.top_agrees else '  <- top differs'}"
        )
        if outcome.problem:
            lines.append(f"      not assessed: {outcome.problem}")
        for concern in result.missed:
            lines.append(f"      missed  {concern.rule} ({concern.severity}): {concern.why}")
        for rule in result.wrong:
            tags = [outcome.fired[rule]]
            if rule in result.forbidden:
                tags.append("MUST NOT FIRE")
            lines.append(f"      extra   {rule} ({', '.join(tags)})")
        for rule in result.false_criticals:
            lines.append(f"      false critical  {rule}")
        for rule, expected, observed in result.severity_mismatches:
            lines.append(f"      severity  {rule}: expected {expected}, fired {observed}")
    failed = failures(summary, thresholds)
    lines += ["", "gate: " + ("PASS" if not failed else "FAIL: " + "; ".join(failed))]
    return "\n".join(lines)


def as_json(summary: Summary, outcomes: Mapping[str, Outcome]) -> str:
    """The figures and per-plan disagreements as JSON (for tools and the README)."""
    data = {
        "plans": summary.plans,
        "assessed": summary.assessed,
        "recall": summary.recall,
        "precision": summary.precision,
        "false_criticals": summary.false_criticals,
        "named_checks_fired_where_they_must_not": summary.forbidden,
        "spearman_rho": None if math.isnan(summary.rho) else summary.rho,
        "top_recommendation": summary.top_recommendation,
        "per_plan": {
            r.name: {
                "score": outcomes[r.name].score,
                "top": outcomes[r.name].top,
                "problem": outcomes[r.name].problem,
                "missed": [c.rule for c in r.missed],
                "extra": list(r.wrong),
                "must_not_fire_fired": list(r.forbidden),
                "false_criticals": list(r.false_criticals),
                "top_agrees": r.top_agrees,
            }
            for r in summary.results
        },
    }
    return json.dumps(data, indent=2, sort_keys=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.gate", description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="the labels file")
    parser.add_argument("--plans", type=Path, default=DEFAULT_PLANS, help="the folder of corpus plans")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--strip-new-fields",
        action="store_true",
        help="diagnostic: assess each plan without its schema 1.1 fields (as a 1.0 plan)",
    )
    args = parser.parse_args(argv)
    thresholds = Thresholds()
    try:
        labels, summary, outcomes = run(args.labels, args.plans, strip=args.strip_new_fields)
    except LabelError as error:
        print(f"corpus gate: {error}", file=sys.stderr)
        return 2
    print(as_json(summary, outcomes) if args.json else render(summary, labels, outcomes, thresholds))
    return 1 if failures(summary, thresholds) else 0


if __name__ == "__main__":
    sys.exit(main())
