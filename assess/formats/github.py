"""GitHub Actions workflow commands: findings appear as annotations on the pull request's files.

``::error file=F,line=L,col=C,title=ID title::message`` (``warning`` for medium,
``notice`` for low and info), escaped as the Actions toolkit does: ``%``, CR and
LF everywhere, and also ``:`` and ``,`` in properties. Each plan also gets one
``::notice`` with its score and the gate's verdict on it ("Gate: failed (--fail-on high)":
why the job fails, beside the findings that made it fail); a plan that could not be assessed gets one
``::error`` per problem. With ``--fail-under N`` (`RenderOptions.fail_under`), a plan
scoring below N (as the gate decides) gets an ``::error`` titled ``assess: score >= N``
with its score, the minimum and the actions to do first: the job fails for it, so the
annotations say so. The gate followed is the report's own (`assess.formats.gate_settings`).
"""

from __future__ import annotations

from assess.errors import single_line
from assess.formats import RenderOptions, first_actions, gate_settings, score_text
from assess.i18n import colon, counted, label
from assess.results.gate import below_minimum, minimum_text, plan_verdict, score_reason
from assess.results.report import Gate, PlanReport, Report, Severity

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """The message part (after ``::``); other control characters and line breaks shown escaped (``\\u001b``)."""
    return single_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A property value (file, title, ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name} {fields}::{escape_data(message)}" if fields else f"::{name}::{escape_data(message)}"


def render(report: Report, options: RenderOptions) -> str:
    lines: list[str] = []
    _, fail_under = gate_settings(report, options)
    options = options._replace(fail_under=fail_under)
    for plan in report.plans:
        lines.extend(_plan(plan, options, report.gate))
    return "\n".join(lines) + ("\n" if lines else "")


def _plan(plan: PlanReport, options: RenderOptions, gate: Gate | None) -> list[str]:
    lang = plan.language
    if not plan.assessed or plan.score is None:
        return [
            command(
                "error",
                label("problem_unassessed", lang).format(
                    file=plan.file, kind=problem.kind, where=problem.pointer or "/", message=problem.message
                ),
                file=plan.file,
                line=problem.line,
                col=problem.column,
                title=label("annotation_unassessed", lang),
            )
            for problem in plan.problems
        ]
    what_to_do = label("what_to_do", lang) + colon(lang)
    lines = [
        command(
            COMMANDS[finding.severity],
            f"{finding.message}\n\n{what_to_do}{finding.recommendation}",
            file=plan.file,
            line=finding.line or 1,
            col=finding.column or 1,
            title=f"{finding.rule_id} {finding.title}",
        )
        for finding in plan.findings
    ]
    lines.extend(
        command(
            "warning",
            notice.message,
            file=plan.file,
            line=notice.line or 1,
            col=notice.column or 1,
            title=label("annotation_suppression", lang).format(rule=notice.rule_id),
        )
        for notice in plan.suppression_notices
    )
    score = plan.score
    if options.fail_under is not None and below_minimum(score.overall, options.fail_under):
        lines.append(_score_gate(plan, score.overall, options.fail_under))
    counts: dict[Severity, int] = {}
    for finding in plan.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    found = ", ".join(counted("sev_" + s.value, counts[s], lang) for s in Severity if s in counts)
    found = found or label("no_findings", lang).lower().rstrip(".")
    baselined = options.baselined.get(plan.file, 0)
    summary = label("plan_summary", lang).format(
        organization=plan.organization or plan.file,
        score=score_text(score.overall, lang),
        grade=score.grade,
        found=found,
    )
    if baselined:
        summary += ", " + label("baselined_short", lang).format(count=baselined)
    verdict = plan_verdict(plan, gate, lang)
    if verdict is not None:
        summary += label("semicolon", lang) + verdict.line
    lines.append(command("notice", summary, file=plan.file, title=label("annotation_summary", lang)))
    return lines


def _score_gate(plan: PlanReport, score: float, minimum: float) -> str:
    """The ``::error`` of a plan that scores below ``--fail-under``: why, and what to do first."""
    lang = plan.language
    message = score_reason(score, minimum, lang)
    actions = [
        f"{rec.rule_id} {rec.title} ({score_text(rec.score_before, lang)} -> {score_text(rec.score_after, lang)})"
        for rec in first_actions(plan.recommendations)
    ]
    if actions:
        message += f"\n\n{label('what_to_do_first', lang)}{colon(lang)}" + label("semicolon", lang).join(actions)
    title = label("annotation_score_gate", lang).format(minimum=minimum_text(minimum))
    return command("error", message, file=plan.file, title=title)
