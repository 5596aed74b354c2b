"""Markdown: a report a consultant can paste into a document or an issue, or a GitHub job summary.

Per plan: the score, a table of step scores and maturity, the findings grouped
by step (each with where it is and what to do), the top recommendations with
the score they lead to, and accepted findings. GitHub-flavoured (pipe tables);
plan texts are escaped so that a name with ``*`` or ``|`` cannot break the layout.
"""

from __future__ import annotations

import re

from assess.errors import no_workflow_commands, single_line
from assess.formats import NOT_STARTED_BELOW, RenderOptions, action_about, held_notes, score_text
from assess.i18n import colon, counted, label, percent
from assess.plan.sourcemap import field_name
from assess.results.gate import headline, plan_verdict
from assess.results.report import Gate, PlanReport, Report, Status

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Plan text as literal Markdown (also safe inside a table cell); control characters shown escaped."""
    return single_line(_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " "))


def code(text: str, *, in_table: bool = False) -> str:
    """`text` as an inline code span that nothing inside can end early (CommonMark: a longer fence).

    A file name or JSON pointer may hold backticks; a one-backtick span would end at
    the first and let raw HTML or links follow. In a table cell ``|`` is escaped too.
    """
    text = single_line(text)
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_CAPPED_MARK = "\\*"  # the step score is capped (the legend under the table says so)


def _score(value: float | None, lang: str) -> str:
    """As every format writes scores (`score_text`): 27.1, or 27,1 in French."""
    return "–" if value is None else score_text(value, lang)


def render(report: Report, options: RenderOptions) -> str:
    lang = report.plans[0].language if report.plans else "en"
    parts = [f"# {label('report_title', lang)}", ""]
    if len(report.plans) > 1:
        parts.extend(_overview(report, lang))
        if report.gate is not None:  # the run's stored verdict, as the exit code has it
            words = headline(report.gate, lang)
            parts.extend([f"**{escape(words[:1].upper() + words[1:])}**", ""])
    for plan in report.plans:
        parts.extend(_plan(plan, options, report.gate))
    parts.append(f"<sub>{label('generated_by', lang)} {escape(report.tool.version)}</sub>")
    return no_workflow_commands("\n".join(parts) + "\n")


def _overview(report: Report, lang: str) -> list[str]:
    rows = [
        f"| {label('plan_file', lang)} | {label('organization', lang)} | {label('score', lang)} | "
        f"{label('grade', lang)} | {label('findings', lang)} |",
        "|---|---|---:|:-:|---:|",
    ]
    for plan in report.plans:
        if plan.score is None:
            rows.append(f"| {code(plan.file, in_table=True)} | – | – | – | {label('could_not_assess', lang)} |")
            continue
        rows.append(
            f"| {code(plan.file, in_table=True)} | {escape(plan.organization or '')} | "
            f"{_score(plan.score.overall, lang)} | {plan.score.grade} | {len(plan.findings)} |"
        )
    return [*rows, ""]


def _verdict(plan: PlanReport, gate: Gate | None) -> list[str]:
    """The plan's stored verdict (`PlanReport.gate`): one line when it passed, and the reasons when it failed."""
    verdict = plan_verdict(plan, gate, plan.language)
    if verdict is None:
        return []
    return [f"**{escape(verdict.line)}**", *(f"- {escape(reason)}" for reason in verdict.reasons), ""]


def _plan(plan: PlanReport, options: RenderOptions, gate: Gate | None) -> list[str]:
    lang = plan.language
    title = escape(plan.organization) if plan.organization else code(plan.file)
    lines = [f"## {title}", ""]
    if plan.score is None:
        lines.append(f"**{label('could_not_assess', lang)}** ({code(plan.file)}):")
        lines.append("")
        for problem in plan.problems:
            where = f"{plan.file}:{problem.line}:{problem.column or 1}" if problem.line else plan.file
            lines.append(f"- {code(where)} {code(problem.pointer or '/')}: {escape(problem.message)}")
        return [*lines, "", *_verdict(plan, gate)]
    score = plan.score
    overall, completeness = _score(score.overall, lang), percent(score.completeness, lang)
    lines.append(
        f"{label('plan_file', lang)}{colon(lang)}{code(plan.file)} · "
        f"**{label('overall_score', lang)}{colon(lang)}{overall}/100** "
        f"· {label('grade', lang)} **{score.grade}** · "
        f"{label('completeness', lang)} {completeness}" + (f" · _{label('capped', lang)}_" if score.capped else "")
    )
    lines.append("")
    lines.extend(_verdict(plan, gate))
    if score.written < 100:
        key = "not_started" if score.written < NOT_STARTED_BELOW else "placeholders_left"
        words = label(key, lang).format(
            written=percent(score.written, lang),
            count=counted("placeholder" if key == "not_started" else "placeholder_left", plan.placeholders, lang),
        )
        lines.append(f"**{escape(words)}**")
        if plan.fill_first:  # its own paragraph: a single line break would join it to the line above
            fields = ", ".join(f"`{field_name(pointer)}`" for pointer in plan.fill_first)
            lines += ["", label("fill_first", lang).format(fields=fields)]
        lines.append("")
    lines.extend(_steps(plan))
    lines.extend(_findings(plan))
    lines.extend(_recommendations(plan))
    lines.extend(_missing(plan))
    lines.extend(_suppressed(plan))
    baselined = options.baselined.get(plan.file, 0)
    if baselined:
        note = label("baselined_note_one" if baselined == 1 else "baselined_note", lang)
        lines.extend([f"_{note.format(count=baselined)}_", ""])
    return lines


def _steps(plan: PlanReport) -> list[str]:
    lang = plan.language
    rows = [
        f"| {label('step', lang)} | {label('score', lang)} | {label('maturity', lang)} | {label('passed', lang)} | "
        f"{label('failed', lang)} |",
        "|---|---:|---|---:|---:|",
    ]
    for step in plan.steps:
        rows.append(
            f"| {step.step}. {step.name} | {_score(step.score, lang)}{_CAPPED_MARK if step.capped else ''} | "
            f"{label('mat_' + step.maturity.value, lang)} | {step.passed} | {step.failed} |"
        )
    if any(step.capped for step in plan.steps):
        rows.extend(["", escape(label("capped_legend", lang))])
    return [*rows, ""]


def _findings(plan: PlanReport) -> list[str]:
    lang = plan.language
    lines = [f"### {label('findings', lang)} ({len(plan.findings)})", ""]
    if not plan.findings:
        return [*lines, label("no_findings", lang), ""]
    for step in plan.steps:
        mine = sorted((f for f in plan.findings if f.step == step.step), key=lambda f: (f.severity.rank, f.rule_id))
        if not mine:
            continue
        lines.extend([f"#### {step.step}. {step.name}", ""])
        for rule_id in dict.fromkeys(f.rule_id for f in mine):
            of_rule = [f for f in mine if f.rule_id == rule_id]
            first = of_rule[0]
            severity = label("sev_" + first.severity.value, lang)
            lines.append(f"- **{severity}** · `{rule_id}` **{escape(first.title)}**")
            for finding in of_rule:
                where = f"{plan.file}:{finding.line or 1}:{finding.column or 1}"
                lines.append(f"  - {escape(finding.message)} ({code(where)})")
            lines.append(f"  - _{label('what_to_do', lang)}_{colon(lang)}{escape(first.recommendation)}")
        lines.append("")
    return lines


def _recommendations(plan: PlanReport) -> list[str]:
    lang = plan.language
    if not plan.recommendations:
        return []
    lines = [
        f"### {label('recommendations', lang)}",
        "",
        f"| # | {label('action', lang)} | {label('rule', lang)} | {label('score', lang)} | "
        f"{label('predicted_score', lang)} |",
        "|---:|---|---|---:|---:|",
    ]
    for rec in plan.recommendations:
        step = ""
        if rec.step_score_before != rec.step_score_after:
            step = f" ({label('step', lang).lower()} {rec.step}{colon(lang)}{_score(rec.step_score_after, lang)})"
        held = "".join(f"<br>_{escape(note)}_" for note in held_notes(rec, lang))
        about = "".join(f"<br>• {escape(message)}" for message in action_about(plan, rec))
        severity = label("sev_" + rec.severity.value, lang)
        lines.append(
            f"| {rec.rank} | **{escape(rec.title)}** ({severity}){about}<br>{escape(rec.action)} | `{rec.rule_id}` | "
            f"{_score(rec.score_before, lang)} | {_score(rec.score_after, lang)}{step}{held} |"
        )
    return [*lines, ""]


def _missing(plan: PlanReport) -> list[str]:
    """The rules that could not be judged and the fields each lacks (as the HTML report lists them)."""
    lang = plan.language
    unknown = [rule for rule in plan.rules if rule.status is Status.UNKNOWN]
    if not unknown:
        return []
    lines = [
        f"### {label('missing_information', lang)} ({len(unknown)})",
        "",
        f"_{label('missing_explained', lang)}_",
        "",
    ]
    for rule in unknown:
        fields = ", ".join(code(pointer) for pointer in rule.missing)
        blocked = f" ({escape(label('blocked_by', lang).format(rule=rule.blocked_by))})" if rule.blocked_by else ""
        lines.append(f"- `{rule.rule_id}` {escape(rule.title)}{colon(lang) + fields if fields else ''}{blocked}")
    return [*lines, ""]


def _suppressed(plan: PlanReport) -> list[str]:
    lang = plan.language
    lines: list[str] = []
    if plan.suppressed:
        lines.extend([f"### {label('suppressed', lang)}", ""])
        for accepted in plan.suppressed:
            finding = accepted.finding
            expires = f" ({label('expires', lang)} {accepted.expires.isoformat()})" if accepted.expires else ""
            lines.append(
                f"- `{finding.rule_id}` {escape(finding.message)}{colon(lang)}"
                f"_{escape(accepted.justification)}_{expires}"
            )
        lines.append("")
    if plan.suppression_notices:
        lines.extend([f"### {label('suppression_notices', lang)}", ""])
        lines.extend(f"- {code(n.rule_id)} {escape(n.message)}" for n in plan.suppression_notices)
        lines.append("")
    return lines
