"""The library: load, validate and assess plans. The CLI is a thin shell over this.

    >>> import assess
    >>> report = assess.assess_plan(Path("samples/exemplary.json"))
    >>> report.plans[0].score.overall

Sources: a `pathlib.Path` (or any os.PathLike) is read from disk; ``bytes`` and
``str`` are document text (a ``str`` naming an existing file is read as a path);
a mapping is an already-parsed document; a `Plan` is used as it is.
Every function is safe to call from several threads at once.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard, Union

from assess._version import __version__
from assess.config import Config
from assess.engines.evaluate import RuleOutcome, evaluate
from assess.errors import PlanError, PlanReadError, Problem
from assess.i18n import label
from assess.plan.inmemory import canonical_json, check_data
from assess.plan.load import DEFAULT_LIMITS, Document, Limits, SourceMap, load_path, parse_bytes
from assess.plan.validate import PlanData, checked_data, checked_document, is_plan, typed_plan
from assess.results.report import (
    Finding,
    PlanProblem,
    PlanReport,
    Recommendation,
    Report,
    RuleResult,
    Score,
    Severity,
    Status,
    StepResult,
    Summary,
    SuppressedFinding,
    SuppressionNotice,
    ToolInfo,
)
from assess.results.score import ScoreCard, Scored, Written, predict_with_pass, score, still_failing_criticals
from assess.results.suppress import apply_suppressions
from assess.rules.catalog import Catalog, build_catalog
from assess.rules.facts import build_facts
from assess.rules.placeholders import Scan, fill_first, placeholder_facts

if TYPE_CHECKING:
    from assess.plan.model import Plan

Source = Union[str, bytes, "os.PathLike[str]", Mapping[str, Any], "Plan"]
# No informationUri: the project publishes no documentation site yet (a made-up address would mislead).
TOOL = ToolInfo(name="assess", version=__version__)


@dataclass(frozen=True)
class Loaded:
    """A validated plan with what is known of its origin.

    `data` is what the pipeline reads; the typed `plan` is built from it only when asked for.
    """

    data: PlanData
    name: str
    source_map: SourceMap | None
    sha256: str
    given: Plan | None = dataclasses.field(default=None, repr=False, compare=False)

    @functools.cached_property
    def plan(self) -> Plan:
        """The typed plan (pydantic): the caller's own when it gave one."""
        return self.given if self.given is not None else typed_plan(self.data, self.name, self.source_map)


def _document(source: Source, name: str | None, limits: Limits) -> Document | None:
    # lazy: `load` validates every document (and `validate_document` rechecks one that fails).
    if isinstance(source, os.PathLike):
        return load_path(source, limits=limits, lazy=True)
    if isinstance(source, str) and "\n" not in source and len(source) < 4096 and source and os.path.isfile(source):
        return load_path(source, limits=limits, lazy=True)
    if isinstance(source, str) and _looks_like_a_path(source):
        # A str naming a file that does not exist: say so, rather than parse the name as a document.
        raise PlanReadError([Problem(source, None, None, "", "no such file (a str naming a file is read as a path)")])
    if isinstance(source, str):
        return parse_bytes(source.encode("utf-8"), name or "<memory>", limits=limits, lazy=True)
    if isinstance(source, bytes):
        return parse_bytes(source, name or "<memory>", limits=limits, lazy=True)
    return None


_PATH_LIKE = re.compile(r"[^\n{}\[\]]*\.(json|ya?ml)|[^\s:{}\[\]]*[/\\][^\s:{}\[\]]*", re.IGNORECASE)


def _looks_like_a_path(text: str) -> bool:
    """A single line ending in .json/.yaml/.yml, or a blank-free name with a slash: a path, not a document."""
    return len(text) < 4096 and ": " not in text and _PATH_LIKE.fullmatch(text.strip()) is not None


def _canonical_sha256(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _is_typed_plan(source: object) -> TypeGuard[Plan]:
    """Whether `source` is a typed `Plan` (none can exist unless the typed model was imported)."""
    model = sys.modules.get("assess.plan.model")
    return model is not None and isinstance(source, model.Plan)


def load(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Parse and validate a source; raises a `PlanError` subclass with located problems."""
    if _is_typed_plan(source):
        data = source.model_dump(mode="json", by_alias=True, exclude_none=True)
        return Loaded(data, name or "<memory>", None, _canonical_sha256(data), given=source)
    doc = _document(source, name, limits)
    if doc is not None:
        display = name or doc.name  # a caller's name wins, for paths too (e.g. relative in reports)
        return Loaded(checked_document(doc), display, doc.source_map, doc.sha256)
    if isinstance(source, Mapping):
        name = name or "<memory>"
        data = dict(source)
        if not is_plan(data):
            # Data no parser would make (too deep, a cycle, NaN...) gets its own problem first; only
            # data it clears goes to the messages of `checked_data`, which print values.
            check_data(source, name, limits.max_depth)
            data = checked_data(data, name=name)
        canonical = canonical_json(data, limits.max_depth)  # of valid data: no deeper than the schema
        if canonical is None:
            check_data(source, name, limits.max_depth)
            return Loaded(data, name, None, _canonical_sha256(data))
        return Loaded(data, name, None, hashlib.sha256(canonical.encode()).hexdigest())
    raise TypeError(f"cannot assess a {type(source).__name__}: pass a path, text, bytes, a mapping or a Plan")


def load_plan(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Plan:
    """The typed plan of a source; raises `PlanError` (syntax, schema...) with file, line, column, pointer."""
    return load(source, name=name, limits=limits).plan


def validate_plan(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> tuple[Problem, ...]:
    """Every problem that stops the source from being a valid plan (empty when it is valid)."""
    try:
        load(source, name=name, limits=limits).plan  # noqa: B018 - the typed model must build too
    except PlanError as error:
        return error.problems
    return ()


def _language(loaded: Loaded, config: Config) -> str:
    if config.lang:
        return config.lang
    info = loaded.data.get("plan")
    return str(info.get("language", "en")) if info else "en"


def assess_loaded(loaded: Loaded, catalog: Catalog, config: Config) -> PlanReport:
    """Assess an already validated plan against a compiled catalog."""
    lang = _language(loaded, config)
    scan = catalog.placeholders.scan(loaded.data)
    stated = scan.stated  # the plan without its placeholders: a placeholder is not a fact
    facts = build_facts(stated) + placeholder_facts(scan)
    outcomes = evaluate(catalog, facts, stated, loaded.source_map, lang)
    findings = [finding for outcome in outcomes for finding in outcome.findings]
    settings = loaded.data.get("x-assess")
    applied = apply_suppressions(
        findings,
        settings.get("suppress", []) if settings else [],
        known_rules={active.id for active in catalog.rules},
        today=config.effective_today(),
        source_map=loaded.source_map,
    )
    suppressed_ids = {s["finding"]["fingerprint"] for s in applied.suppressed}
    statuses: dict[str, Status] = {}
    for outcome in outcomes:
        status = outcome.status
        if status is Status.FAIL and all(f["fingerprint"] in suppressed_ids for f in outcome.findings):
            status = Status.SUPPRESSED
        statuses[outcome.active.id] = status
    blockers = _blockers(outcomes, statuses)
    scored: list[Scored] = []
    rule_results: list[RuleResult] = []
    for outcome in outcomes:
        active = outcome.active
        status = statuses[active.id]
        blocked_by = blockers.get(active.id)
        scored.append(Scored(active.id, active.step, active.severity, active.weight, status, blocked_by is not None))
        rule_results.append(
            RuleResult(
                rule_id=active.id,
                step=active.step,
                severity=active.severity,
                title=active.texts(lang)["title"],
                status=status,
                findings=len(outcome.findings),
                missing=list(outcome.missing),
                blocked_by=blocked_by,
            )
        )
    card = score(scored, config.scoring, lang, _written(scan, outcomes))
    kept = sorted(
        applied.findings,
        key=lambda f: (f["severity"].rank, f["step"], f["rule_id"], f["line"] or 0, f["pointer"]),
    )
    overall = card.score
    # Records built from the pipeline's own values (typed already; floats from `score`'s rounding).
    return PlanReport(
        file=loaded.name,
        sha256=loaded.sha256,
        organization=_organization(scan, lang),
        language=lang,
        assessed=True,
        score=Score(
            overall=overall.overall,
            grade=overall.grade,
            completeness=overall.completeness,
            capped=overall.capped,
            written=overall.written,
        ),
        steps=[StepResult(**step.as_report_fields()) for step in card.steps],
        rules=rule_results,
        findings=[Finding(**finding) for finding in kept],
        suppressed=[
            SuppressedFinding(
                finding=Finding(**item["finding"]), justification=item["justification"], expires=item["expires"]
            )
            for item in applied.suppressed
        ],
        suppression_notices=[SuppressionNotice(**notice) for notice in applied.notices],
        recommendations=[
            Recommendation(**recommendation)
            for recommendation in _recommendations(outcomes, scored, card, blockers, config, lang)
        ],
        placeholders=len(scan.found),
        fill_first=fill_first(scan),
    )


def _written(scan: Scan, outcomes: list[RuleOutcome]) -> Written:
    """The placeholders' limit on the score, lifted by the rule that reports them (PLAN-01 in the core pack)."""
    if not scan.found:
        return Written()
    reporting = next(
        (o.active.id for o in outcomes if any("placeholder" in b.values() for b in o.active.rule.alternatives)), None
    )
    return Written(scan.written, reporting)


def _organization(scan: Scan, lang: str) -> str:
    """The organisation's name, or a note saying it is still a placeholder (never shown as if real)."""
    name = str(scan.plan["organization"]["name"])
    return (
        label("organization_placeholder", lang).format(name=name) if scan.is_placeholder("/organization/name") else name
    )


def _blockers(outcomes: list[RuleOutcome], statuses: Mapping[str, Status]) -> dict[str, str]:
    """Rules that cannot be judged because a failing rule hides them -> that rule.

    A rule `unlocks` the details of its section (WRK-01, "a scheduling tool", unlocks
    WRK-02, "still log in daily"). While it fails, those details are not applicable, or
    unknown because the section itself is absent; they are scored as failed, so a
    missing section costs what its details are worth and stating it can never lower
    the score. A detail that is unknown only because one of its own fields is unstated
    is not hidden by anything: it stays out of the score, as unknowns do.
    """
    by_id = {outcome.active.id: outcome for outcome in outcomes}
    blocked: dict[str, str] = {}
    for outcome in outcomes:
        if statuses[outcome.active.id] is not Status.FAIL:
            continue
        for hidden in outcome.active.rule.spec.unlocks:
            status = statuses.get(hidden)
            if status is Status.NOT_APPLICABLE or (status is Status.UNKNOWN and _section_missing(by_id[hidden])):
                blocked.setdefault(hidden, outcome.active.id)
    return blocked


def _section_missing(outcome: RuleOutcome) -> bool:
    """Whether an unknown rule lacks a whole part of the plan above the fields it needs (not just a field)."""
    depth = min((pattern.count("/") for pattern in outcome.active.rule.spec.requires), default=0)
    return any(pointer.count("/") < depth for pointer in outcome.missing)


def _recommendations(
    outcomes: list[RuleOutcome],
    scored: list[Scored],
    before: ScoreCard,
    blockers: Mapping[str, str],
    config: Config,
    lang: str,
) -> list[dict[str, Any]]:
    """Each failing rule re-scored as passing, ranked worst first.

    Severity dominates: every failing critical comes before any high, and so on down; within
    a severity the named checks come first, then the larger score gain. The list holds
    `config.recommendations` actions, and more when needed so that no failing critical or
    named check is left out (none at all when it is 0).
    """
    if config.recommendations == 0:
        return []
    overall = before.score.overall
    named = set(config.scoring.named_checks)
    candidates: list[tuple[tuple[int, bool, float, float, str], dict[str, Any]]] = []
    for outcome, result in zip(outcomes, scored, strict=True):
        if result.status is not Status.FAIL:
            continue
        unlocked = [r for r in outcome.active.rule.spec.unlocks if blockers.get(r) == result.rule_id]
        fixed = [result.rule_id, *unlocked]
        predicted = predict_with_pass(before, fixed, config.scoring)
        words = outcome.active.texts(lang)
        step_before = before.step_score(result.step)
        step_after = predicted.steps.get(result.step, step_before)
        is_named = result.rule_id in named
        recommendation = {
            "rule_id": result.rule_id,
            "step": result.step,
            "severity": result.severity,
            "title": words["action"],
            "rule_title": words["title"],
            "named_check": is_named,
            "action": words["recommendation"],
            "findings": len(outcome.findings),
            "score_before": overall,
            "score_after": predicted.overall,
            "step_score_before": step_before,
            "step_score_after": step_after,
            "capped_by": still_failing_criticals(before, fixed) if predicted.capped else [],
            "held_by_placeholders": predicted.limited_by,
            "step_capped_by": (
                still_failing_criticals(before, fixed, result.step) if predicted.steps_capped.get(result.step) else []
            ),
        }
        step_gain = (step_after or 0.0) - (step_before or 0.0)
        key = (result.severity.rank, not is_named, overall - predicted.overall, -step_gain, result.rule_id)
        candidates.append((key, recommendation))
    candidates.sort(key=lambda c: c[0])
    must = sum(1 for _, rec in candidates if rec["severity"] is Severity.CRITICAL or rec["named_check"])
    shown = candidates[: max(config.recommendations, must)]
    return [{**rec, "rank": rank} for rank, (_, rec) in enumerate(shown, start=1)]


def problem_report(name: str, error: PlanError, lang: str = "en") -> PlanReport:
    """The report entry of a plan that could not be assessed."""
    return PlanReport(
        file=name,
        language=lang,
        assessed=False,
        problems=[
            PlanProblem(
                kind=error.kind, message=p.message, pointer=p.pointer, line=p.line, column=p.column, excerpt=p.excerpt
            )
            for p in error.problems
        ],
    )


def make_report(plans: Iterable[PlanReport], catalog: Catalog) -> Report:
    """Wrap plan reports into the top-level report, with totals."""
    plans = list(plans)
    counts = {severity: 0 for severity in Severity}
    for plan in plans:
        for finding in plan.findings:
            counts[finding.severity] += 1
    assessed = sum(plan.assessed for plan in plans)
    return Report(
        tool=dataclasses.replace(TOOL, engine=catalog.engine.name),
        rule_packs=catalog.pack_info,
        plans=plans,
        summary=Summary(plans=len(plans), assessed=assessed, errors=len(plans) - assessed, findings=counts),
    )


_DEFAULT_CONFIG: list[Config] = []


def _config(config: Config | None) -> Config:
    """The caller's configuration, or the default one, built once: a `Config` is frozen, and the
    catalog lookup is quickest for a configuration it has seen."""
    if config is not None:
        return config
    if not _DEFAULT_CONFIG:
        _DEFAULT_CONFIG.append(Config())
    return _DEFAULT_CONFIG[0]


def config_limits(config: Config) -> Limits:
    """The read limits a configuration sets (its max_size; the other limits are fixed)."""
    if config.max_size == DEFAULT_LIMITS.max_bytes:
        return DEFAULT_LIMITS
    return dataclasses.replace(DEFAULT_LIMITS, max_bytes=config.max_size)


def assess_plan(
    source: Source, *, config: Config | None = None, name: str | None = None, limits: Limits | None = None
) -> Report:
    """Assess one plan. Raises a `PlanError` subclass when it cannot be read or is invalid.

    `limits` default to the configuration's (`Config.max_size`).
    """
    config = _config(config)
    catalog = build_catalog(config)
    loaded = load(source, name=name, limits=limits or config_limits(config))
    return make_report([assess_loaded(loaded, catalog, config)], catalog)


def assess_many(
    sources: Iterable[tuple[str, Source]],
    *,
    config: Config | None = None,
    limits: Limits | None = None,
    on_done: Callable[[PlanReport], None] | None = None,
) -> Report:
    """Assess many plans with one engine; a broken plan is reported in place, not raised.

    `sources` yields (display name, source) pairs; the report keeps their order.
    """
    config = _config(config)
    catalog = build_catalog(config)
    plans: list[PlanReport] = []
    for plan_report in iter_assess(sources, config=config, limits=limits):
        plans.append(plan_report)
        if on_done is not None:
            on_done(plan_report)
    return make_report(plans, catalog)


def iter_assess(
    sources: Iterable[tuple[str, Source]], *, config: Config | None = None, limits: Limits | None = None
) -> Iterator[PlanReport]:
    """`assess_many`'s plan reports one at a time, as each is done, holding none of them."""
    config = _config(config)
    catalog = build_catalog(config)
    limits = limits or config_limits(config)
    for name, source in sources:
        try:
            plan_report = assess_loaded(load(source, name=name, limits=limits), catalog, config)
        except PlanError as error:
            plan_report = problem_report(name, error, config.lang or "en")
        yield plan_report
