"""The HTML report: one self-contained file a consultant can hand to a client.

Why it is built this way:

- One file, no network: CSS and SVG charts are inline, fonts are the reader's
  own, and there is no JavaScript at all. A strict Content-Security-Policy
  (``default-src 'none'``) makes the browser refuse anything else, so even a
  mistake in escaping could not run a script or load a tracker.
- Plans are untrusted text: Jinja2 renders with autoescape on, and the only
  markup that is not escaped is the SVG that `assess.formats.charts` writes (which
  escapes its own labels).
- Deterministic: no timestamps, no random ids; the same report gives the same bytes.
- The template receives a ready-made view (`_PlanView`): every label is looked up
  and every number formatted here, so the template only lays things out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess._version import __version__
from assess.formats import (
    FIRST_ACTIONS,
    NOT_STARTED_BELOW,
    RenderOptions,
    action_about,
    charts,
    common_language,
    first_actions,
    held_notes,
)
from assess.i18n import LABELS, colon, counted, label, number, percent
from assess.plan.sourcemap import field_name
from assess.results.gate import headline, plan_verdict
from assess.results.report import Finding, Gate, PlanReport, Report, Severity, Status
from assess.steps import STEP_BY_NUMBER

if TYPE_CHECKING:
    import jinja2

    from assess.results.diff import PlanDiff

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The appendix marks each rule's result with a symbol (explained in a legend), so 50 rules fit half a page.
MARKS: dict[str, str] = {
    Status.PASS.value: "✓",
    Status.FAIL.value: "✗",
    Status.UNKNOWN.value: "?",
    Status.NOT_APPLICABLE.value: "–",
    Status.SUPPRESSED.value: "⊘",
}


def render(report: Report, options: RenderOptions | None = None, *, lang: str | None = None) -> str:
    """The report as one HTML document.

    `lang` sets the language of the labels; by default each plan's section uses
    the language its report was written in (``PlanReport.language``), which is
    also the language of its rule texts. Of the options, only ``baselined`` is
    used (a note of how many findings the baseline set aside).
    """
    options = options or RenderOptions()
    plans = [
        _plan_view(index, plan, lang or plan.language, options.baselined.get(plan.file, 0), report.gate)
        for index, plan in enumerate(report.plans, start=1)
    ]
    document_lang = lang or common_language(plan.language for plan in report.plans)
    t = _translator(document_lang)
    run_gate = headline(report.gate, document_lang) if report.gate is not None else ""
    title = t("report_title")
    if len(report.plans) == 1 and plans[0].organization:
        title = f"{title} · {plans[0].organization}"
    template = _environment().get_template("report.html.j2")
    return template.render(
        lang=document_lang,
        t=t,
        number=lambda value: number(value, document_lang),
        title=title,
        plans=plans,
        tool=report.tool,
        packs=report.rule_packs,
        marks=list(MARKS.items()),
        run_gate=run_gate[:1].upper() + run_gate[1:],
        run_gate_status="passed" if report.gate is not None and report.gate.passed else "failed",
    )


def render_diff(diff: PlanDiff, *, lang: str | None = None) -> str:
    """Two versions of a plan compared, as one HTML document (same layout, CSS and guarantees as the report)."""
    from assess.results.diff import capped_legend, change, step_score

    lang = lang or diff.language
    t = _translator(lang)
    organization = diff.organization or diff.new_file

    def findings(key: str, file: str, items: Sequence[Finding]) -> tuple[str, str, list[_FindingView]]:
        return key, t(key), [_finding_view(file, finding, lang) for finding in items]

    groups = [
        findings("resolved", diff.old_file, diff.resolved),
        findings("new", diff.new_file, diff.new),
        findings("unchanged", diff.new_file, diff.unchanged),
    ]
    if diff.accepted:
        groups.insert(1, findings("accepted", diff.old_file, diff.accepted))

    def gauge(score: float, grade: str, which: str) -> Any:
        return _markup(
            charts.gauge(
                score,
                value_text=number(score, lang),
                caption=f"{t('out_of_100')} · {t('grade')} {grade}",
                title=f"{t(which)}{colon(lang)}{number(score, lang)} {t('out_of_100')}",
            )
        )

    template = _environment().get_template("diff.html.j2")
    return template.render(
        lang=lang,
        t=t,
        title=f"{t('diff_title')} · {organization}",
        organization=organization,
        organisation_warning=diff.organisation_warning(),
        diff=diff,
        before_gauge=gauge(diff.score_before, diff.grade_before, "before"),
        after_gauge=gauge(diff.score_after, diff.grade_after, "after"),
        score_change=change(diff.score_before, diff.score_after, lang),
        completeness_before=percent(diff.completeness_before, lang),
        completeness_after=percent(diff.completeness_after, lang),
        step_chart=_markup(
            charts.step_changes(
                [
                    (f"{s.step}. {step_name(s.step, lang)}", s.before, s.after, change(s.before, s.after, lang))
                    for s in diff.steps
                ],
                title=t("steps"),
            )
        ),
        steps=[
            {
                "number": s.step,
                "name": step_name(s.step, lang),
                "before": step_score(s.before, s.capped_before, lang, " *"),
                "after": step_score(s.after, s.capped_after, lang, " *"),
                "band": band(s.after),
                "change": change(s.before, s.after, lang),
                "direction": _direction(s.before, s.after),
                "maturity_before": t(f"mat_{s.maturity_before.value}"),
                "maturity_after": t(f"mat_{s.maturity_after.value}"),
                "maturity": s.maturity_after.value,
            }
            for s in diff.steps
        ],
        direction=_direction(diff.score_before, diff.score_after),
        capped=capped_legend(diff),
        groups=groups,
        tool={"name": "assess", "version": __version__},
        packs=[],
    )


def _direction(before: float | None, after: float | None) -> str:
    if before is None or after is None or round(after - before, 1) == 0:
        return "same"
    return "up" if after > before else "down"


@functools.cache
def _environment() -> jinja2.Environment:
    # Imported here: the CLI imports this module only for --format html, and jinja2 is heavy.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _markup(svg: str) -> Any:
    """Mark chart SVG as safe: `assess.formats.charts` escapes every text it writes."""
    import markupsafe

    return markupsafe.Markup(svg)


def _translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        text = label(key, lang)
        return text.format(**values) if values else text

    return t


def step_name(number_: int, lang: str) -> str:
    step = STEP_BY_NUMBER[number_]
    return step.name.get(lang, step.name["en"])


def location(file: str, line: int | None, column: int | None) -> str:
    """``file:line:col`` as editors and terminals link it (just the file when the line is unknown)."""
    if line is None:
        return file
    return f"{file}:{line}:{column or 1}"


@dataclass(frozen=True)
class _FindingView:
    rule_id: str
    severity: str
    severity_label: str
    title: str
    message: str
    rationale: str
    step: str
    recommendation: str
    location: str
    pointer: str


@dataclass(frozen=True)
class _ActionView:
    rank: int
    rule_id: str
    title: str
    action: str
    severity: str
    severity_label: str
    step: str
    findings: int
    before: str
    after: str
    gain: str
    step_before: str
    step_after: str
    held: list[str] = field(default_factory=list)
    first: bool = False
    about: list[str] = field(default_factory=list)  # its findings' messages (`action_about`)


@dataclass(frozen=True)
class _StepView:
    number: int
    name: str
    score: str
    band: str
    maturity: str
    maturity_label: str
    passed: int
    failed: int
    unknown: int
    not_applicable: int
    capped: bool


@dataclass(frozen=True)
class _SuppressedView:
    finding: _FindingView
    justification: str
    expires: str


@dataclass(frozen=True)
class _NoticeView:
    rule_id: str
    message: str
    location: str
    pointer: str


@dataclass(frozen=True)
class _ProblemView:
    location: str
    pointer: str
    message: str


@dataclass(frozen=True)
class _UnknownView:
    rule_id: str
    title: str
    step: str
    missing: list[str]


@dataclass(frozen=True)
class _BlockedView:
    rule_id: str
    title: str
    step: str
    blocker: str


@dataclass(frozen=True)
class _CheckView:
    rule_id: str
    title: str
    step: int
    status: str
    status_label: str
    mark: str


@dataclass(frozen=True)
class _PlanView:
    anchor: str
    lang: str
    t: Callable[..., str]
    organization: str
    file: str
    sha256: str
    assessed: bool
    gate_status: str = ""  # passed, failed, not_assessed ("" for a report without a verdict)
    gate_line: str = ""
    gate_reasons: tuple[str, ...] = ()
    problems: list[_ProblemView] = field(default_factory=list)
    score: str = ""
    overall: float | None = None  # the score as a number, for the contents, written in the document's language
    band: str = ""
    grade: str = ""
    completeness: str = ""
    verdict: str = ""
    capped: bool = False
    placeholders: str = ""  # what placeholders leave unwritten ("" without any)
    fill_first: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    first_actions: list[_ActionView] = field(default_factory=list)
    first_heading: str = ""
    actions: list[_ActionView] = field(default_factory=list)
    gauge: Any = None
    step_chart: Any = None
    severity_chart: Any = None
    steps: list[_StepView] = field(default_factory=list)
    findings: list[tuple[str, str, list[_FindingView]]] = field(default_factory=list)
    unknown: list[_UnknownView] = field(default_factory=list)
    blocked: list[_BlockedView] = field(default_factory=list)
    suppressed: list[_SuppressedView] = field(default_factory=list)
    notices: list[_NoticeView] = field(default_factory=list)
    rules_checked: int = 0
    baselined: int = 0
    checks: list[_CheckView] = field(default_factory=list)


def band(score: float | None) -> str:
    """good / fair / poor / none: the CSS class of a score (same thresholds as the charts)."""
    if score is None:
        return "none"
    return {charts.GOOD: "good", charts.FAIR: "fair"}.get(charts.score_colour(score), "poor")


def _finding_view(file: str, finding: Finding, lang: str) -> _FindingView:
    t = _translator(lang)
    return _FindingView(
        rule_id=finding.rule_id,
        severity=finding.severity.value,
        severity_label=t(f"sev_{finding.severity.value}"),
        title=finding.title,
        message=finding.message,
        rationale=finding.rationale,
        step=t("article_step", number=finding.step, name=step_name(finding.step, lang)),
        recommendation=finding.recommendation,
        location=location(file, finding.line, finding.column),
        pointer=finding.pointer or f"/ ({t('whole_plan')})",
    )


def _plan_view(index: int, plan: PlanReport, lang: str, baselined: int, gate: Gate | None) -> _PlanView:
    t = _translator(lang)
    verdict = plan_verdict(plan, gate, lang)
    common: dict[str, Any] = {
        "anchor": f"plan-{index}",
        "lang": lang,
        "t": t,
        "organization": plan.organization or "",
        "file": plan.file,
        "sha256": plan.sha256 or "",
        "assessed": plan.assessed,
    }
    if verdict is not None:
        common.update(gate_status=verdict.status, gate_line=verdict.line, gate_reasons=verdict.reasons)
    if not plan.assessed or plan.score is None:
        problems = [
            _ProblemView(location(plan.file, p.line, p.column), p.pointer or "/", p.message) for p in plan.problems
        ]
        return _PlanView(**common, problems=problems)

    score = plan.score
    counts = {severity.value: 0 for severity in Severity}
    for finding in plan.findings:
        counts[finding.severity.value] += 1
    first = first_actions(plan.recommendations)
    first_ids = {rec.rule_id for rec in first}
    actions = [
        _ActionView(
            rank=rec.rank,
            rule_id=rec.rule_id,
            title=rec.title,
            action=rec.action,
            severity=rec.severity.value,
            severity_label=t(f"sev_{rec.severity.value}"),
            step=t("article_step", number=rec.step, name=step_name(rec.step, lang)),
            findings=rec.findings,
            before=number(rec.score_before, lang),
            after=number(rec.score_after, lang),
            gain=f"+{number(max(0.0, round(rec.score_after - rec.score_before, 1)), lang)}",
            step_before=number(rec.step_score_before, lang),
            step_after=number(rec.step_score_after, lang),
            held=held_notes(rec, lang),
            first=rec.rule_id in first_ids,
            about=action_about(plan, rec),
        )
        for rec in plan.recommendations
    ]
    steps = [
        _StepView(
            number=step.step,
            name=step_name(step.step, lang),
            score=number(step.score, lang),
            band=band(step.score),
            maturity=step.maturity.value,
            maturity_label=t(f"mat_{step.maturity.value}"),
            passed=step.passed,
            failed=step.failed,
            unknown=step.unknown,
            not_applicable=step.not_applicable,
            capped=step.capped,
        )
        for step in plan.steps
    ]
    by_severity = [
        (
            severity.value,
            t(f"sev_{severity.value}"),
            [_finding_view(plan.file, f, lang) for f in plan.findings if f.severity is severity],
        )
        for severity in Severity
    ]
    unknown = [
        _UnknownView(
            rule.rule_id, rule.title, t("article_step", number=rule.step, name=step_name(rule.step, lang)), rule.missing
        )
        for rule in plan.rules
        if rule.status is Status.UNKNOWN
    ]
    blocked = [
        _BlockedView(
            rule.rule_id, rule.title, t("article_step", number=rule.step, name=step_name(rule.step, lang)), blocker
        )
        for rule in plan.rules
        if (blocker := rule.blocked_by) is not None
    ]
    verdict_key = f"verdict_{score.grade}"
    return _PlanView(
        **common,
        score=number(score.overall, lang),
        overall=score.overall,
        band=band(score.overall),
        grade=score.grade,
        completeness=percent(score.completeness, lang),
        verdict=t(verdict_key) if verdict_key in LABELS else "",
        capped=score.capped,
        placeholders=(
            t(
                "not_started" if score.written < NOT_STARTED_BELOW else "placeholders_left",
                written=percent(score.written, lang),
                count=counted(
                    "placeholder" if score.written < NOT_STARTED_BELOW else "placeholder_left", plan.placeholders, lang
                ),
            )
            if score.written < 100
            else ""
        ),
        fill_first=[field_name(pointer) for pointer in plan.fill_first],
        counts=counts,
        first_actions=[action for action in actions if action.first],
        first_heading=t("first_actions") if len(first) <= FIRST_ACTIONS else t("first_actions_many", count=len(first)),
        actions=actions,
        gauge=_markup(
            charts.gauge(
                score.overall,
                value_text=number(score.overall, lang),
                caption=f"{t('out_of_100')} · {t('grade')} {score.grade}",
                title=f"{t('overall_score')}{colon(lang)}{number(score.overall, lang)} {t('out_of_100')}",
            )
        ),
        step_chart=_markup(
            charts.step_scores(
                [(f"{s.number}. {s.name}", step.score, s.score) for s, step in zip(steps, plan.steps, strict=True)],
                title=t("steps"),
            )
        ),
        severity_chart=_markup(
            charts.severity_counts(
                [(severity.value, t(f"sev_{severity.value}"), counts[severity.value]) for severity in Severity],
                title=t("by_severity"),
            )
        ),
        steps=steps,
        findings=[group for group in by_severity if group[2]],
        unknown=unknown,
        blocked=blocked,
        suppressed=[
            _SuppressedView(
                _finding_view(plan.file, s.finding, lang),
                s.justification,
                s.expires.isoformat() if s.expires else t("no_expiry"),
            )
            for s in plan.suppressed
        ],
        notices=[
            _NoticeView(n.rule_id, n.message, location(plan.file, n.line, n.column), n.pointer or "/")
            for n in plan.suppression_notices
        ],
        rules_checked=len(plan.rules),
        baselined=baselined,
        checks=[
            _CheckView(
                rule.rule_id,
                rule.title,
                rule.step,
                rule.status.value,
                t(f"status_{rule.status.value}"),
                MARKS[rule.status.value],
            )
            for rule in sorted(plan.rules, key=lambda r: (r.step, r.rule_id))
        ],
    )
