"""Text for a person at a terminal: per plan, the score, the steps, the findings and what to do.

Laid out to a string: colour only when the options ask for it (the CLI decides
from the terminal, ``NO_COLOR`` and ``--color``), and a fixed width when piped,
so the output is stable. Finding lines are never wrapped: each starts with
``file:line:col`` and stays greppable and clickable in editors; explanations are
wrapped and indented under them. Uncoloured text that needs no layout is written
without rich, with the same bytes (`assess.formats.layout`).
"""

from __future__ import annotations

from collections.abc import Iterable

from assess.errors import no_workflow_commands
from assess.formats import NOT_STARTED_BELOW, RenderOptions, for_people, held_notes, score_text
from assess.formats.layout import Column, Grid, Line, NotPlain, PlainPage, RichPage
from assess.i18n import colon, counted, label, percent
from assess.plan.sourcemap import field_name
from assess.results.gate import headline, plan_verdict
from assess.results.report import Finding, Gate, PlanReport, Report, Severity, Status

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
MATURITY_STYLES = {"absent": "red", "crawl": "red", "walk": "yellow", "run": "cyan", "fly": "green"}
INDENT = 4

Page = PlainPage | RichPage


def render(report: Report, options: RenderOptions) -> str:
    if options.quiet >= 2:
        return ""
    report, options = for_people(report, options)
    page: Page
    if not options.color:
        try:
            page = PlainPage(options.width)
            _write(page, report, options)
            return _finished(page.text())
        except NotPlain:
            pass
    page = RichPage(options.width, options.color)
    _write(page, report, options)
    return _finished(page.text())


def _finished(text: str) -> str:
    # Tables pad their last column; trailing blanks are noise in files and diffs.
    return no_workflow_commands("".join(line.rstrip() + "\n" for line in text.splitlines()))


def _write(page: Page, report: Report, options: RenderOptions) -> None:
    if options.quiet:
        for plan in report.plans:
            page.print(summary_line(plan, options), soft_wrap=True)
    else:
        for index, plan in enumerate(report.plans):
            if index:
                page.print()
            _plan(page, plan, options, report.gate)
    if len(report.plans) > 1 or report.summary.skipped:
        if not options.quiet:
            page.print()
        page.print(_total_line(report), soft_wrap=True)
        if not options.quiet and report.gate is not None:
            page.print(_run_verdict(report.gate, report.plans[0].language if report.plans else "en"), soft_wrap=True)


def location(file: str, line: int | None, column: int | None) -> str:
    """``file:line:col`` (line 1 when the element has no line, so editors can still jump)."""
    return f"{file}:{line or 1}:{column or 1}"


def _severity_counts(findings: Iterable[Finding], lang: str) -> str:
    counts: dict[Severity, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return ", ".join(counted("sev_" + s.value, counts[s], lang) for s in Severity if s in counts)


def summary_line(plan: PlanReport, options: RenderOptions) -> Line:
    """One line per plan: the score and grade and the findings by severity (or why it was not assessed)."""
    lang = plan.language
    text = Line(f"{plan.file}{colon(lang)}")
    if not plan.assessed or plan.score is None:
        kinds = sorted({problem.kind for problem in plan.problems})
        text.append(f"{label('could_not_assess', lang).lower()} ({', '.join(kinds)})", style="bold red")
        return text
    text.append(
        f"{score_text(plan.score.overall, lang)}/100 ({plan.score.grade})", style=_grade_style(plan.score.grade)
    )
    findings = plan.findings
    if findings:
        text.append(f", {counted('finding', len(findings), lang)} ({_severity_counts(findings, lang)})")
    else:
        text.append(f", {label('no_findings', lang).lower().rstrip('.')}")
    baselined = options.baselined.get(plan.file, 0)
    if baselined:
        text.append(f", {label('baselined_short', lang).format(count=baselined)}", style="dim")
    return text


def _grade_style(grade: str) -> str:
    return {"A": "bold green", "B": "green", "C": "yellow", "D": "yellow"}.get(grade, "bold red")


def _total_line(report: Report) -> Line:
    lang = report.plans[0].language if report.plans else "en"
    summary = report.summary
    assessed = counted("assessed", summary.assessed, lang)
    text = Line(f"{counted('plan', summary.plans, lang)}{colon(lang)}{assessed}")
    if summary.errors:
        text.append(", " + counted("unassessed_plans", summary.errors, lang), style="bold red")
    if summary.skipped:
        text.append(", " + counted("skipped_not_plans", summary.skipped, lang))
    total = sum(summary.findings.values())
    counts = ", ".join(counted("sev_" + s.value, n, lang) for s, n in summary.findings.items() if n)
    text.append(label("semicolon", lang) + counted("finding", total, lang) + (f" ({counts})" if counts else ""))
    return text


def _run_verdict(gate: Gate, lang: str) -> Line:
    """The run's stored verdict (`Report.gate`), as the exit code has it: "Gate failed (exit 1; ...): 1 plan ..."."""
    words = headline(gate, lang)
    return Line(words[:1].upper() + words[1:], style="green" if gate.passed else "bold red")


def _verdict(page: Page, plan: PlanReport, gate: Gate | None) -> None:
    """The plan's stored verdict (`PlanReport.gate`): one line when it passed, and the reasons when it failed."""
    verdict = plan_verdict(plan, gate, plan.language)
    if verdict is None:
        return
    page.print(Line(verdict.line, style="green" if verdict.status == "passed" else "bold red"), soft_wrap=True)
    for reason in verdict.reasons:
        page.print(Line(f"  - {reason}"), soft_wrap=True)


def _heading(page: Page, words: str) -> None:
    page.print()
    page.print(Line(words, style="bold underline"))


def _wrapped(page: Page, words: str, style: str = "", indent: int = INDENT) -> None:
    """Explanations: wrapped to the width, indented under the line they explain."""
    import textwrap  # here: compiling its patterns costs a cold run that has nothing to explain

    margin = " " * indent
    wrapped = textwrap.fill(
        words,
        width=max(page.width, 40),
        initial_indent=margin,
        subsequent_indent=margin,
        break_long_words=False,
        break_on_hyphens=False,
    )
    page.print(Line(wrapped, style=style), soft_wrap=True)


def _plan(page: Page, plan: PlanReport, options: RenderOptions, gate: Gate | None) -> None:
    lang = plan.language
    header = Line(plan.file, style="bold")
    if plan.organization:
        header.append(f"  {plan.organization}")
    page.print(header, soft_wrap=True)
    if not plan.assessed or plan.score is None:
        _problems(page, plan, options)
        _verdict(page, plan, gate)
        return
    score = plan.score
    line = Line(f"{label('score', lang)} ")
    line.append(f"{score_text(score.overall, lang)}/100", style=_grade_style(score.grade))
    line.append(f"  {label('grade', lang)} ")
    line.append(score.grade, style=_grade_style(score.grade))
    line.append(f"  {label('completeness', lang)} {percent(score.completeness, lang)}")
    if score.capped:
        line.append(f"  ({label('capped', lang)})", style="red")
    page.print(line, soft_wrap=True)
    _verdict(page, plan, gate)
    _placeholders(page, plan)
    page.print()
    page.print(_steps_table(plan))
    if any(step.capped for step in plan.steps):
        page.print(Line(label("capped_legend", lang), style="dim"))
    _findings(page, plan, options)
    _recommendations(page, plan)
    _missing(page, plan)
    _suppressions(page, plan)
    if options.verbose:
        _rules(page, plan)
    baselined = options.baselined.get(plan.file, 0)
    if baselined:
        page.print()
        note = label("baselined_note_one" if baselined == 1 else "baselined_note", lang)
        page.print(Line(note.format(count=baselined), style="dim"))


def _placeholders(page: Page, plan: PlanReport) -> None:
    """What placeholders leave unwritten, and which to fill in first."""
    score = plan.score
    if score is None or score.written >= 100:
        return
    lang = plan.language
    key = "not_started" if score.written < NOT_STARTED_BELOW else "placeholders_left"
    words = label(key, lang).format(
        written=percent(score.written, lang),
        count=counted("placeholder" if key == "not_started" else "placeholder_left", plan.placeholders, lang),
    )
    page.print(Line(words, style="bold red" if key == "not_started" else "yellow"), soft_wrap=True)
    if plan.fill_first:
        fields = ", ".join(field_name(pointer) for pointer in plan.fill_first)
        page.print(Line(label("fill_first", lang).format(fields=fields)), soft_wrap=True)


EXCERPT_GUTTER = "    | "
"""Before each line of a problem's source excerpt: indented under the problem, and never the start of a line a
CI log would read as a workflow command."""


def _problems(page: Page, plan: PlanReport, options: RenderOptions) -> None:
    lang = plan.language
    problems = plan.problems if options.verbose else plan.problems[:1]
    page.print(Line(label("could_not_assess", lang), style="bold red"))
    for problem in problems:
        if problem.line is None and not problem.pointer:
            page.print(Line(f"  {plan.file}: {problem.message}"), soft_wrap=True)
            continue
        where = location(plan.file, problem.line, problem.column) if problem.line else plan.file
        page.print(Line(f"  {where}: {problem.pointer or '/'}: {problem.message}"), soft_wrap=True)
        for source in problem.excerpt.splitlines() if problem.excerpt else ():  # the line, and a caret under the spot
            page.print(Line(EXCERPT_GUTTER + source), soft_wrap=True)
    hidden = len(plan.problems) - len(problems)
    if hidden:
        page.print(Line("  " + label("more_problems", lang).format(count=hidden), style="dim"))


def _steps_table(plan: PlanReport) -> Grid:
    lang = plan.language
    columns = [Column(label("step", lang)), Column(label("score", lang), "right"), Column(label("maturity", lang))]
    columns += [Column(label(column, lang), "right") for column in ("passed", "failed", "not_applicable")]
    columns.append(Column(label("unknown_column", lang), "right"))
    rows = []
    for step in plan.steps:
        style = MATURITY_STYLES.get(step.maturity.value, "")
        row = [
            f"{step.step:>2} {step.name}",
            ("-" if step.score is None else score_text(step.score, lang)) + ("*" if step.capped else ""),
            label("mat_" + step.maturity.value, lang),
            str(step.passed),
            str(step.failed),
            str(step.not_applicable),
            str(step.unknown),
        ]
        cells = [Line(cell) for cell in row]
        cells[2] = Line(row[2], style=style)
        rows.append(cells)
    return Grid(columns, rows)


def _findings(page: Page, plan: PlanReport, options: RenderOptions) -> None:
    lang = plan.language
    _heading(page, f"{label('findings', lang)} ({len(plan.findings)})")
    if not plan.findings:
        page.print(Line(label("no_findings", lang), style="green"))
        return
    for severity in Severity:
        mine = [f for f in plan.findings if f.severity is severity]
        if not mine:
            continue
        style = SEVERITY_STYLES[severity]
        page.print(Line(f"{label('sev_' + severity.value, lang).capitalize()} ({len(mine)})", style=style))
        rule_ids = list(dict.fromkeys(f.rule_id for f in mine))
        for rule_id in rule_ids:
            of_rule = [f for f in mine if f.rule_id == rule_id]
            for finding in of_rule:
                line = Line("  ")
                line.append(location(plan.file, finding.line, finding.column))
                line.append("  ")
                line.append(finding.rule_id, style=style)
                line.append(f"  {finding.message}")
                page.print(line, soft_wrap=True)
            first = of_rule[0]
            if options.verbose:
                _wrapped(page, f"{label('why', lang)}{colon(lang)}{first.rationale}", style="dim")
            _wrapped(page, f"{label('what_to_do', lang)}{colon(lang)}{first.recommendation}")


def _recommendations(page: Page, plan: PlanReport) -> None:
    lang = plan.language
    if not plan.recommendations:
        return
    _heading(page, label("recommendations", lang))
    for rec in plan.recommendations:
        line = Line(f"{rec.rank:>2}. ")
        line.append(rec.rule_id, style=SEVERITY_STYLES[rec.severity])
        line.append(f" [{label('sev_' + rec.severity.value, lang)}] {rec.title}{colon(lang)}")
        line.append(f"{score_text(rec.score_before, lang)} -> {score_text(rec.score_after, lang)}", style="bold")
        if rec.step_score_before != rec.step_score_after:
            step_name = plan.steps[rec.step - 1].name if len(plan.steps) >= rec.step else str(rec.step)
            line.append(
                f" ({label('step', lang).lower()} {rec.step} {step_name}{colon(lang)}"
                f"{score_text(rec.step_score_before, lang)} -> {score_text(rec.step_score_after, lang)})"
            )
        page.print(line, soft_wrap=True)
        for note in held_notes(rec, lang):
            _wrapped(page, f"({note})", style="dim")
        _wrapped(page, rec.action)


def _suppressions(page: Page, plan: PlanReport) -> None:
    lang = plan.language
    if plan.suppressed:
        _heading(page, f"{label('suppressed', lang)} ({len(plan.suppressed)})")
        for accepted in plan.suppressed:
            finding = accepted.finding
            line = Line(f"  {location(plan.file, finding.line, finding.column)}  {finding.rule_id}  {finding.message}")
            page.print(line, soft_wrap=True, style="dim")
            expires = f" ({label('expires', lang)} {accepted.expires.isoformat()})" if accepted.expires else ""
            justification = f"{label('justification', lang)}{colon(lang)}{accepted.justification}{expires}"
            _wrapped(page, justification, style="dim")
    if plan.suppression_notices:
        _heading(page, label("suppression_notices", lang))
        for notice in plan.suppression_notices:
            line = Line(f"  {location(plan.file, notice.line, notice.column)}  ")
            line.append(notice.rule_id, style="yellow")
            line.append(f"  {notice.message}")
            page.print(line, soft_wrap=True)


def _missing(page: Page, plan: PlanReport) -> None:
    """The rules that could not be judged and the fields each lacks (as the HTML report lists them): what to
    state so that they count."""
    lang = plan.language
    unknown = [rule for rule in plan.rules if rule.status is Status.UNKNOWN]
    if not unknown:
        return
    _heading(page, f"{label('missing_information', lang)} ({len(unknown)})")
    page.print(Line(f"  {label('missing_explained', lang)}", style="dim"), soft_wrap=True)
    for rule in unknown:
        page.print(Line(f"  {rule.rule_id}  {rule.title}"), soft_wrap=True)
        if rule.missing:
            _wrapped(page, ", ".join(rule.missing))
        if rule.blocked_by:
            _wrapped(page, label("blocked_by", lang).format(rule=rule.blocked_by), style="dim")


def _rules(page: Page, plan: PlanReport) -> None:
    """--verbose: the rules that passed or do not apply (those not judged are always listed, by `_missing`)."""
    lang = plan.language
    for status, key in (
        (Status.PASS, "passed"),
        (Status.NOT_APPLICABLE, "not_applicable"),
    ):
        rules = [r for r in plan.rules if r.status is status]
        if not rules:
            continue
        _heading(page, f"{label(key, lang)} ({len(rules)})")
        for rule in rules:
            page.print(Line(f"  {rule.rule_id}  {rule.title}"), soft_wrap=True)
            if rule.missing:
                missing = ", ".join(rule.missing)
                _wrapped(page, f"{label('missing_information', lang)}{colon(lang)}{missing}", style="dim")
            if rule.blocked_by:
                _wrapped(page, label("blocked_by", lang).format(rule=rule.blocked_by), style="dim")
