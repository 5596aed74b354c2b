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

import bisect
import dataclasses
import functools
import hashlib
import json
import operator
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard, Union

from assess._version import __version__
from assess.config import Config, Scoring
from assess.engines.evaluate import RuleOutcome, evaluate
from assess.errors import PlanError, PlanReadError, PlanSchemaError, PlanSyntaxError, Problem
from assess.i18n import label
from assess.plan.inmemory import canonical_bytes, canonical_json, check_data
from assess.plan.load import DEFAULT_LIMITS, Document, Limits, SourceMap, load_path, parse_bytes
from assess.plan.validate import PlanData, checked_data, checked_document, is_plan, typed_plan
from assess.results.gate import Settings, judge, judged, plan_gate
from assess.results.report import (
    REPORT_VERSION,
    Finding,
    PlanProblem,
    PlanReport,
    ReadOnlyList,
    Recommendation,
    Report,
    RuleResult,
    Severity,
    Status,
    SuppressedFinding,
    SuppressionNotice,
    ToolInfo,
    new_plan_report,
    new_recommendation,
    new_report,
    new_rule_result,
    new_summary,
)
from assess.results.score import (
    ALL_WRITTEN,
    Predicted,
    Rules,
    ScoreCard,
    Written,
    predict_rule,
    still_failing_criticals,
)
from assess.results.score import card as score_card
from assess.results.suppress import apply_suppressions
from assess.rules.catalog import Catalog, build_catalog
from assess.rules.facts import build_facts
from assess.rules.placeholders import Scan, fill_first, placeholder_facts
from assess.rules.rulepack import required_options

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
        return parse_bytes(_utf8(source, name or "<memory>"), name or "<memory>", limits=limits, lazy=True)
    if isinstance(source, bytes):
        return parse_bytes(source, name or "<memory>", limits=limits, lazy=True)
    return None


def _utf8(text: str, name: str) -> bytes:
    """Document text as UTF-8; half a surrogate pair (a str may hold one, no text file can) is a located
    `PlanSyntaxError`, as it is in a file or in data (it was a bare UnicodeEncodeError)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        column = error.start - (text.rfind("\n", 0, error.start) + 1) + 1
        message = (
            f"the text holds half a surrogate pair (U+{ord(text[error.start]):04X}), which is not text (nor UTF-8)"
        )
        raise PlanSyntaxError([Problem(name, line, column, "", message)]) from None


_PATH_LIKE = re.compile(r"[^\n{}\[\]]*\.(json|ya?ml)|[^\s:{}\[\]]*[/\\][^\s:{}\[\]]*", re.IGNORECASE)


def _looks_like_a_path(text: str) -> bool:
    """A single line ending in .json/.yaml/.yml, or a blank-free name with a slash: a path, not a document."""
    return len(text) < 4096 and ": " not in text and _PATH_LIKE.fullmatch(text.strip()) is not None


def _canonical_sha256(data: Any) -> str:
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


def _is_typed_plan(source: object) -> TypeGuard[Plan]:
    """Whether `source` is a typed `Plan` (none can exist unless the typed model was imported)."""
    model = sys.modules.get("assess.plan.model")
    return model is not None and isinstance(source, model.Plan)


def load(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Parse and validate a source; raises a `PlanError` subclass with located problems."""
    if _is_typed_plan(source):
        data = source.model_dump(mode="json", by_alias=True, exclude_none=True)
        try:
            sha256 = _canonical_sha256(data)
        except ValueError:  # pydantic lets a str hold half a surrogate pair: say where, as for data
            check_data(data, name or "<memory>", limits.max_depth)
            raise
        return Loaded(data, name or "<memory>", None, sha256, given=source)
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
            data = _checked_plain(data, name)
        canonical = canonical_json(data, limits.max_depth)  # of valid data: no deeper than the schema
        if canonical is None:
            check_data(source, name, limits.max_depth)
            return Loaded(data, name, None, _canonical_sha256(data))
        return Loaded(data, name, None, hashlib.sha256(canonical).hexdigest())
    raise TypeError(f"cannot assess a {type(source).__name__}: pass a path, text, bytes, a mapping or a Plan")


def _checked_plain(data: dict[str, Any], name: str) -> PlanData:
    """`checked_data`, for data `check_data` cleared: a subclass of str, int, float, list or dict that
    the schema's quick validator does not take for its JSON type (while the full one finds nothing
    wrong) is read as its plain JSON copy, which is the same plan."""
    try:
        return checked_data(data, name=name)
    except PlanSchemaError as error:
        if error.problems:
            raise
    plain = json.loads(json.dumps(data, ensure_ascii=False))
    try:
        return checked_data(plain, name=name)
    except PlanSchemaError as error:
        if error.problems:
            raise
    raise PlanSchemaError([Problem(name, None, None, "", "the validators disagree on this data: report it, please")])


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
    return _plan_report(loaded, catalog, config, lang, scan, outcomes)


def _plan_report(
    loaded: Loaded, catalog: Catalog, config: Config, lang: str, scan: Scan, outcomes: list[RuleOutcome]
) -> PlanReport:
    """The plan's report from its rules' outcomes: suppressions, scores, recommendations, the typed records.

    Rules are read by position: `evaluate` gives one outcome per active rule, in catalog order, and
    what does not change from plan to plan is in the catalog's `_Tables`.
    """
    tables = _tables(catalog, config.scoring)
    statuses = list(map(_STATUS, outcomes))
    # The failing rules, in catalog order: the only ones with findings (`evaluate` gives a rule that does not
    # fail none), and the only ones a recommendation can name.
    failing = [position for position, status in enumerate(statuses) if status is _FAIL]
    findings = tables.findings(outcomes, failing)
    settings = loaded.data.get("x-assess")
    suppress = settings.get("suppress", []) if settings else []
    suppressed: list[SuppressedFinding] = []
    notices: list[SuppressionNotice] = []
    if suppress:
        applied = apply_suppressions(
            findings,
            suppress,
            known_rules=tables.known,
            today=config.effective_today(),
            source_map=loaded.source_map,
            lang=lang,
        )
        findings = list(applied.findings)
        suppressed_ids = {s["finding"].fingerprint for s in applied.suppressed}
        for position in failing:
            if all(f.fingerprint in suppressed_ids for f in outcomes[position].findings):
                statuses[position] = _SUPPRESSED
        failing = [position for position in failing if statuses[position] is _FAIL]
        suppressed = [
            SuppressedFinding(finding=item["finding"], justification=item["justification"], expires=item["expires"])
            for item in applied.suppressed
        ]
        notices = [SuppressionNotice(**notice) for notice in applied.notices]
    blockers = _blockers(tables, outcomes, statuses)
    card = score_card(tables.scoring_rules, statuses, blockers, lang, _written(scan, tables))
    rule_results = tables.rule_results(lang, statuses, outcomes, blockers)
    # Records built from the pipeline's own values (typed already; floats from `score`'s rounding).
    return new_plan_report(
        loaded.name,
        loaded.sha256,
        _organization(scan, lang),
        lang,
        True,
        [],
        card.score,
        judge(findings, card.score, lang, Settings.of(config)),
        list(card.steps),
        rule_results,
        findings,
        suppressed,
        notices,
        _recommendations(outcomes, failing, blockers, card, tables, config, lang),
        len(scan.found),
        fill_first(scan),
    )


_RANK = {severity: severity.rank for severity in Severity}
_SEVERITIES = tuple(Severity)  # the summary's keys, in order
_STATUS = operator.itemgetter(1)  # a `RuleOutcome`'s status
_FIRST = operator.itemgetter(0)


def _report_order(finding: Finding) -> tuple[int, int, str, int, str]:
    """The order of the report's findings: most severe first, then by step, rule, line and pointer."""
    return (_RANK[finding.severity], finding.step, finding.rule_id, finding.line or 0, finding.pointer)


def _place(finding: Finding) -> tuple[int, str]:
    """The order of a rule's findings in the report (`_report_order`, within one rule)."""
    return (finding.line or 0, finding.pointer)


class _Tables:
    """What the report reads of each active rule, by position in the catalog: built once per catalog and
    scoring (`_tables`), read only after."""

    __slots__ = (
        "_active",
        "_advice",
        "_heads",
        "_records",
        "always_shown",
        "depths",
        "first",
        "groups",
        "ids",
        "known",
        "named",
        "placeholder_rule",
        "scoring",
        "scoring_rules",
        "severities",
        "steps",
        "unlocking",
        "unlocks",
    )

    def __init__(self, catalog: Catalog, scoring: Scoring) -> None:
        active = catalog.rules
        self.scoring = scoring
        self.ids = tuple(rule.id for rule in active)
        self.steps = tuple(rule.step for rule in active)
        self.severities = tuple(rule.severity for rule in active)
        self.scoring_rules = Rules(self.ids, self.steps, self.severities, [rule.weight for rule in active], scoring)
        self.known = frozenset(self.ids)
        self.named = frozenset(scoring.named_checks)
        # The order of the recommendations before their gains: severity, then the named checks first
        # (2 x rank, plus 1 for the others); the criticals and the named checks are always shown.
        self.groups = tuple(2 * rule.severity.rank + (rule.id not in self.named) for rule in active)
        self.always_shown = tuple(group < 2 or group % 2 == 0 for group in self.groups)
        position = {rule_id: index for index, rule_id in enumerate(self.ids)}
        # The rules each one `unlocks` (the details of its section), by position: those active.
        self.unlocks = tuple(
            tuple(position[hidden] for hidden in rule.rule.spec.unlocks if hidden in position) for rule in active
        )
        self.unlocking = tuple((index, unlocks) for index, unlocks in enumerate(self.unlocks) if unlocks)
        # How deep the fields a rule requires lie (`_section_missing`).
        self.depths = tuple(
            min((p.count("/") for entry in rule.rule.spec.requires for p in required_options(entry)), default=0)
            for rule in active
        )
        # The rule reporting placeholders (PLAN-01 in the core pack): passing it lifts their limit on the score.
        self.placeholder_rule = next(
            (rule.id for rule in active if any("placeholder" in b.values() for b in rule.rule.alternatives)), None
        )
        # Each rule's place in the report's order of findings (`_report_order` but line and pointer); None
        # when two rules share one, as the same rule in two packs (their findings then mingle by line).
        heads = [(rule.severity.rank, rule.step, rule.id) for rule in active]
        order = sorted(range(len(active)), key=heads.__getitem__)
        self.first: tuple[int, ...] | None = None
        if len(set(heads)) == len(heads):
            self.first = tuple(sorted(range(len(order)), key=order.__getitem__))
        self._active = active
        self._heads: dict[str, tuple[tuple[str, int, Severity, str], ...]] = {}
        self._advice: dict[str, tuple[_Advice, ...]] = {}
        self._records: dict[str, tuple[tuple[RuleResult, ...], tuple[dict[_Ending, RuleResult], ...]]] = {}

    def heads(self, lang: str) -> tuple[tuple[str, int, Severity, str], ...]:
        """Each rule's id, step, severity and title in `lang`: what its `RuleResult` starts with."""
        found = self._heads.get(lang)
        if found is None:
            found = self._heads[lang] = tuple(
                (rule.id, rule.step, rule.severity, rule.texts(lang)["title"]) for rule in self._active
            )
        return found

    def advice(self, lang: str) -> tuple[_Advice, ...]:
        """Each rule's id, step, severity, action, title, whether it is a named check, and recommendation in
        `lang`: what its `Recommendation` says of it whatever the plan, in the record's order."""
        found = self._advice.get(lang)
        if found is None:
            advice = []
            for rule in self._active:
                words = rule.texts(lang)
                named = rule.id in self.named
                advice.append(
                    (rule.id, rule.step, rule.severity, words["action"], words["title"], named, words["recommendation"])
                )
            found = self._advice[lang] = tuple(advice)
        return found

    def findings(self, outcomes: list[RuleOutcome], failing: list[int]) -> list[Finding]:
        """The findings of the plan's `failing` rules (by position: the only outcomes with findings), in the
        report's order (`_report_order`): the rules in their order (`first`), each rule's findings by line and
        pointer, rather than every finding sorted by a key made in Python."""
        first = self.first
        if first is None:
            findings = [finding for position in failing for finding in outcomes[position].findings]
            findings.sort(key=_report_order)
            return findings
        findings = []
        for position in sorted(failing, key=first.__getitem__):
            found = outcomes[position].findings
            if len(found) == 1:
                findings.append(found[0])
            else:
                findings += sorted(found, key=_place)
        return findings

    def rule_results(
        self, lang: str, statuses: list[Status], outcomes: list[RuleOutcome], blockers: Mapping[int, str]
    ) -> list[RuleResult]:
        """Each rule's `RuleResult`, in catalog order.

        A rule's record depends on its status, number of findings, missing fields and blocker alone, and
        plans repeat them (most rules pass): each is made once and shared by every plan that ends so (a
        record is frozen, its list of missing fields a `ReadOnlyList`), up to `_ENDINGS` endings a rule; a
        plan makes few records, not one a rule.
        """
        found = self._records.get(lang)
        if found is None:
            passed = tuple(
                new_rule_result(rule_id, step, severity, title, Status.PASS, 0, ReadOnlyList(), None)
                for rule_id, step, severity, title in self.heads(lang)
            )
            found = self._records[lang] = (passed, tuple({} for _ in passed))
        passed, endings = found
        records = list(passed)
        for position, status in enumerate(statuses):
            if status is _PASS:  # a passing rule has no findings, misses nothing and is blocked by nothing
                continue
            outcome = outcomes[position]
            ending = (status, len(outcome.findings), outcome.missing, blockers.get(position))
            record = endings[position].get(ending)
            if record is None:
                rule_id, step, severity, title = self.heads(lang)[position]
                missing = ReadOnlyList(ending[2])  # shared by the plans that end so: see ReadOnlyList
                record = new_rule_result(rule_id, step, severity, title, status, ending[1], missing, ending[3])
                if len(endings[position]) >= _ENDINGS:
                    endings[position].clear()
                endings[position][ending] = record
            records[position] = record
        return records


# The statuses as module globals: reading one off its enum class (`Status.FAIL`) costs a plan's loops ~1,000
# instructions each time, three times a global's.
_PASS, _FAIL, _SUPPRESSED = Status.PASS, Status.FAIL, Status.SUPPRESSED
_NOT_APPLICABLE, _UNKNOWN = Status.NOT_APPLICABLE, Status.UNKNOWN
_Advice = tuple[str, int, Severity, str, str, bool, str]
"""What a rule's `Recommendation` says of it whatever the plan (`_Tables.advice`)."""
_Ending = tuple[Status, int, tuple[str, ...], str | None]
"""How a rule ended on a plan, all its `RuleResult` says of it but its heading: status, findings, missing, blocker."""
_ENDINGS = 64


def _tables(catalog: Catalog, scoring: Scoring) -> _Tables:
    """The catalog's `_Tables` (built for the scoring it is first used with; that of its own configuration)."""
    tables = catalog.derived("assess.api", lambda built: _Tables(built, scoring))
    if tables.scoring is scoring or tables.scoring == scoring:
        return tables
    return _Tables(catalog, scoring)  # a catalog assessed under another configuration's scoring


def _written(scan: Scan, tables: _Tables) -> Written:
    """The placeholders' limit on the score, lifted by the rule that reports them (PLAN-01 in the core pack)."""
    if not scan.found:
        return ALL_WRITTEN
    return Written(scan.written, tables.placeholder_rule)


def _organization(scan: Scan, lang: str) -> str:
    """The organisation's name, or a note saying it is still a placeholder (never shown as if real)."""
    name = str(scan.plan["organization"]["name"])
    return (
        label("organization_placeholder", lang).format(name=name) if scan.is_placeholder("/organization/name") else name
    )


def _blockers(tables: _Tables, outcomes: list[RuleOutcome], statuses: list[Status]) -> dict[int, str]:
    """Rules that cannot be judged because a failing rule hides them (by position) -> that rule's id.

    A rule `unlocks` the details of its section (WRK-01, "a scheduling tool", unlocks
    WRK-02, "still log in daily"). While it fails, those details are not applicable, or
    unknown because the section itself is absent; they are scored as failed, so a
    missing section costs what its details are worth and stating it can never lower
    the score. A detail that is unknown only because one of its own fields is unstated
    is not hidden by anything: it stays out of the score, as unknowns do.
    """
    blocked: dict[int, str] = {}
    for position, unlocks in tables.unlocking:
        if statuses[position] is not _FAIL:
            continue
        for hidden in unlocks:
            status = statuses[hidden]
            if status is _NOT_APPLICABLE or (
                status is _UNKNOWN and _section_missing(outcomes[hidden], tables.depths[hidden])
            ):
                blocked.setdefault(hidden, tables.ids[position])
    return blocked


def _section_missing(outcome: RuleOutcome, depth: int) -> bool:
    """Whether an unknown rule lacks a whole part of the plan above the fields it needs (`depth`), not just a field."""
    return any(pointer.count("/") < depth for pointer in outcome.missing)


def _recommendations(
    outcomes: list[RuleOutcome],
    failing: list[int],
    blockers: Mapping[int, str],
    before: ScoreCard,
    tables: _Tables,
    config: Config,
    lang: str,
) -> list[Recommendation]:
    """Each failing rule re-scored as passing, ranked worst first.

    Severity dominates: every failing critical comes before any high, and so on down; within
    a severity the named checks come first, then the larger score gain. The list holds
    `config.recommendations` actions, and more when needed so that no failing critical or
    named check is left out (none at all when it is 0). Only the rules that can be shown are
    re-scored (`predict_positions`), and only those shown are written out. `failing`: the failing rules'
    positions.
    """
    if config.recommendations == 0:
        return []
    overall = before.score.overall
    ids, steps, groups = tables.ids, tables.steps, tables.groups
    # Sorted by severity and named check first (`groups`), only the rules up to the end of the group
    # holding the last one shown can be shown: the others need no prediction.
    failing = sorted(failing, key=groups.__getitem__)
    shown = max(config.recommendations, sum(map(tables.always_shown.__getitem__, failing)))
    if len(failing) > shown:
        failing = failing[: bisect.bisect_right(failing, groups[failing[shown - 1]], key=groups.__getitem__)]
    candidates: list[tuple[tuple[int, float, float, str], int, list[str], Predicted]] = []
    all_unlocks, scoring, step_cards = tables.unlocks, config.scoring, before.steps
    for position in failing:
        rule_id = ids[position]
        chosen, fixed = [position], [rule_id]  # by position and by id
        if blockers and all_unlocks[position]:  # the details it hides pass with it
            for hidden in all_unlocks[position]:
                if blockers.get(hidden) == rule_id:
                    chosen.append(hidden)
                    fixed.append(ids[hidden])
        predicted = predict_rule(before, chosen, fixed, scoring)
        step_gain = (predicted[3] or 0.0) - (step_cards[steps[position] - 1].score or 0.0)
        candidates.append(((groups[position], overall - predicted[0], -step_gain, rule_id), position, fixed, predicted))
    candidates.sort(key=_FIRST)
    recommendations: list[Recommendation] = []
    advice = tables.advice(lang)
    for number, (_, position, fixed, predicted) in enumerate(candidates[:shown], 1):
        after, capped, limited_by, step_after, step_capped = predicted
        rule_id, step, severity, action, title, named, recommendation = advice[position]
        recommendations.append(
            new_recommendation(
                number,
                rule_id,
                step,
                severity,
                action,
                title,
                named,
                recommendation,
                len(outcomes[position].findings),
                overall,
                after,
                before.steps[step - 1].score,
                step_after,
                still_failing_criticals(before, fixed) if capped else [],
                limited_by,
                still_failing_criticals(before, fixed, step) if step_capped else [],
                fixed[1:],  # the rules it unlocks, counted as done with it
            )
        )
    return recommendations


def problem_report(name: str, error: PlanError, lang: str = "en") -> PlanReport:
    """The report entry of a plan that could not be assessed (which fails any gate)."""
    report = PlanReport(
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
    return report.model_copy(update={"gate": plan_gate(report, Settings())})


def make_report(plans: Iterable[PlanReport], catalog: Catalog, config: Config) -> Report:
    """Wrap plan reports into the top-level report, with totals and the verdict of `config`'s gate."""
    return _whole_report(plans, catalog, config, verdicts=False)


def _whole_report(plans: Iterable[PlanReport], catalog: Catalog, config: Config, verdicts: bool) -> Report:
    """`make_report`; `verdicts`: the plans carry their verdict under `config`'s gate already (made by
    `assess_loaded`, or `problem_report`'s, which no gate changes), not judged a second time."""
    plans, gate = judged(plans, Settings.of(config), verdicts=verdicts)
    counts = dict.fromkeys(_SEVERITIES, 0)
    assessed = 0
    for plan in plans:
        assessed += plan.assessed
        for finding in plan.findings:
            counts[finding.severity] += 1
    summary = new_summary(len(plans), assessed, len(plans) - assessed, counts, 0)
    return new_report(REPORT_VERSION, _tool(catalog.engine.name), catalog.pack_info, plans, summary, gate)


@functools.lru_cache(maxsize=8)
def _tool(engine: str) -> ToolInfo:
    """The tool's record naming an engine (a frozen record, made once per engine)."""
    return dataclasses.replace(TOOL, engine=engine)


_DEFAULT_CONFIG: list[Config] = []


def _config(config: Config | None) -> Config:
    """The caller's configuration, or the default one, built once: a `Config` is frozen, and the
    catalog lookup is quickest for a configuration it has seen."""
    if config is not None:
        if not isinstance(config, Config):
            raise TypeError(
                f"config must be an assess.Config, not a {type(config).__name__} "
                "(assess.Config.model_validate(settings) builds one from a dict of settings)"
            )
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
    return _whole_report([assess_loaded(loaded, catalog, config)], catalog, config, verdicts=True)


Sources = Iterable[Union[tuple[str, Source], str, "os.PathLike[str]"]]
"""What `assess_many` and `iter_assess` take: (display name, source) pairs, or paths (each its own name)."""


def assess_many(
    sources: Sources,
    *,
    config: Config | None = None,
    limits: Limits | None = None,
    on_done: Callable[[PlanReport], None] | None = None,
) -> Report:
    """Assess many plans with one engine; a broken plan is reported in place, not raised.

    `sources` yields (display name, source) pairs, or paths (a `Path`, or a str ending in .json, .yaml
    or .yml or holding a slash), each named by itself; the report keeps their order.
    """
    config = _config(config)
    catalog = build_catalog(config)
    plans: list[PlanReport] = []
    for plan_report in iter_assess(sources, config=config, limits=limits):
        plans.append(plan_report)
        if on_done is not None:
            on_done(plan_report)
    return _whole_report(plans, catalog, config, verdicts=True)  # `iter_assess` judged them


def iter_assess(
    sources: Sources, *, config: Config | None = None, limits: Limits | None = None
) -> Iterator[PlanReport]:
    """`assess_many`'s plan reports one at a time, as each is done, holding none of them."""
    config = _config(config)
    catalog = build_catalog(config)
    limits = limits or config_limits(config)
    for name, source in _named(sources):
        try:
            plan_report = assess_loaded(load(source, name=name, limits=limits), catalog, config)
        except PlanError as error:
            plan_report = problem_report(name, error, config.lang or "en")
        yield plan_report


def _named(sources: Sources) -> Iterator[tuple[str, Source]]:
    """Each source with its display name; anything else is a TypeError saying what to pass (a str given
    whole was read a character at a time: 'not enough values to unpack')."""
    if isinstance(sources, (str, bytes, os.PathLike, Mapping)):
        raise TypeError(
            f"assess_many takes many plans: a list of paths or of (name, source) pairs, not one "
            f"{type(sources).__name__} (for one plan, call assess_plan)"
        )
    for item in sources:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            yield item
        elif isinstance(item, os.PathLike):
            yield os.fspath(item), item
        elif isinstance(item, str) and _looks_like_a_path(item):
            yield item, item
        else:
            shown = repr(item) if len(repr(item)) <= 60 else f"a {type(item).__name__}"
            raise TypeError(
                f"assess_many: each plan is a path or a (name, source) pair, not {shown} "
                "(a plan's text or data needs a name: pass ('name', text))"
            )
