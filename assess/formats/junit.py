"""JUnit XML, for CI dashboards (GitLab, Jenkins, Azure DevOps, test reporters on GitHub).

One testsuite per plan file; one testcase per rule evaluated, passes included so
a dashboard counts them (classname = the step, name = "RULE-ID title"). A rule
with findings is a ``<failure>`` (type = severity) whose text lists each finding
as ``file:line:col: /pointer: message`` and what to do. What is a failure
follows the gate: given the gate's ``--fail-on`` (the report's `Report.gate`, or for a
report without one `RenderOptions.fail_on`), a rule whose findings are less severe passes, its findings
in ``<system-out>``, so a green pipeline never shows red tests. A rule that was
suppressed, did not apply, lacked information or whose findings the baseline
accepted is ``<skipped>`` with the reason. A plan that could not be assessed is
a testsuite with one ``<error>`` testcase. No timestamps or durations: the same
report gives the same bytes.

Each testsuite's properties say the gate's verdict on the plan (`PlanReport.gate`, the one
that decided the exit code): ``gate`` is ``passed``, ``failed`` or ``not_assessed``, and each
``gate_reason`` says why, in the plan's language. The gate followed is the report's own
(`assess.formats.gate_settings`).

The score gate is a test case too: with ``--fail-under N`` (as ``--fail-on``: the report's gate),
each assessed plan's suite ends with a testcase ``score >= N`` (classname ``assess``),
a ``<failure>`` naming the score and the minimum when the plan scores below N, as the
gate decides (`assess.results.gate.below_minimum`: a score equal to N passes), so a red
job never shows a green dashboard. Without ``--fail-under`` there is no such testcase.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from assess.formats import RenderOptions, first_actions, gate_settings, score_text
from assess.i18n import colon, counted, label
from assess.results.gate import below_minimum, fails_gate, minimum_text, score_reason
from assess.results.report import PlanReport, Report, RuleResult, Status
from assess.steps import STEP_BY_NUMBER

# Characters XML 1.0 cannot carry at all, even escaped (plan texts may hold control characters).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(report: Report, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name="assess")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    fail_on, fail_under = gate_settings(report, options)
    suites = [_suite(plan, fail_on, fail_under) for plan in report.plans]
    for suite in suites:
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _verdict(plan: PlanReport) -> str:
    if plan.gate is None or plan.gate.passed:
        return "passed"
    return "failed" if plan.assessed else "not_assessed"


def _suite(plan: PlanReport, fail_on: str | None, fail_under: float | None) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(plan.file))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    values: list[tuple[str, str]] = []
    if plan.score is not None:
        values += [
            ("organization", plan.organization or ""),
            ("score", f"{plan.score.overall:g}"),
            ("grade", plan.score.grade),
            ("completeness", f"{plan.score.completeness:g}"),
        ]
    if plan.gate is not None:
        values.append(("gate", _verdict(plan)))
        values += [("gate_reason", reason) for reason in plan.gate.reasons]
    if values:
        properties = ET.SubElement(suite, "properties")
        for name, value in values:
            ET.SubElement(properties, "property", name=name, value=_clean(value))
    if not plan.assessed:
        name = label("junit_assessable", plan.language)
        case = ET.SubElement(suite, "testcase", classname="assess", name=name, file=_clean(plan.file))
        first = plan.problems[0] if plan.problems else None
        error = ET.SubElement(
            case,
            "error",
            message=_clean(first.message if first else label("gate_unassessed", plan.language)),
            type=first.kind if first else "error",
        )
        error.text = _clean("\n".join(_where(plan, p.line, p.column, p.pointer, p.message) for p in plan.problems))
        counts["tests"] = counts["errors"] = 1
    for rule in plan.rules:
        counts["tests"] += 1
        outcome = _case(suite, plan, rule, fail_on)
        if outcome:
            counts[outcome] += 1
    if plan.assessed and plan.score is not None and fail_under is not None:
        counts["tests"] += 1
        if _score_case(suite, plan, plan.score.overall, fail_under):
            counts["failures"] += 1
    for key, count in counts.items():
        suite.set(key, str(count))
    return suite


def _score_case(suite: ET.Element, plan: PlanReport, score: float, minimum: float) -> bool:
    """Add the score gate's testcase (``score >= 80``); returns whether it failed."""
    case = ET.SubElement(
        suite, "testcase", classname="assess", name=f"score >= {minimum_text(minimum)}", file=_clean(plan.file)
    )
    if not below_minimum(score, minimum):
        return False
    lang = plan.language
    reason = score_reason(score, minimum, lang)
    lines = [f"{plan.file}: {reason}"]
    actions = first_actions(plan.recommendations)
    if actions:
        lines.append(label("what_to_do_first_scored", lang) + colon(lang).rstrip())
        lines += [
            f"- {rec.rule_id} {rec.title} ({score_text(rec.score_before, lang)} -> "
            f"{score_text(rec.score_after, lang)}){colon(lang)}{rec.action}"
            for rec in actions
        ]
    failure = ET.SubElement(case, "failure", message=_clean(reason), type="score")
    failure.text = _clean("\n".join(lines))
    return True


def _where(plan: PlanReport, line: int | None, column: int | None, pointer: str, message: str) -> str:
    place = f"{plan.file}:{line}:{column or 1}" if line else plan.file
    return f"{place}: {pointer or '/'}: {message}"


def _case(suite: ET.Element, plan: PlanReport, rule: RuleResult, fail_on: str | None) -> str | None:
    """Add the rule's testcase; returns 'failures', 'skipped' or None (passed)."""
    lang = plan.language
    case = ET.SubElement(
        suite,
        "testcase",
        classname=STEP_BY_NUMBER[rule.step].name.get(plan.language, STEP_BY_NUMBER[rule.step].name["en"]),
        name=_clean(f"{rule.rule_id} {rule.title}"),
        file=_clean(plan.file),
    )
    if rule.status is Status.PASS:
        return None
    if rule.status is Status.FAIL:
        findings = [f for f in plan.findings if f.rule_id == rule.rule_id]
        if findings:
            lines = [_where(plan, f.line, f.column, f.pointer, f.message) for f in findings]
            lines.append(f"{label('what_to_do', lang)}{colon(lang)}{findings[0].recommendation}")
            message = findings[0].message
            if len(findings) > 1:
                message = f"{counted('finding', len(findings), lang)}{colon(lang)}{message}"
            if not fails_gate(rule.severity, fail_on):
                out = ET.SubElement(case, "system-out")
                below = label("below_gate", lang).format(
                    severity=label(f"sev_{rule.severity.value}", lang), option=fail_on
                )
                out.text = _clean(below + "\n" + "\n".join(lines))
                return None
            failure = ET.SubElement(case, "failure", message=_clean(message), type=rule.severity.value)
            failure.text = _clean("\n".join(lines))
            return "failures"
        reason = label("skip_baselined", lang)
    elif rule.status is Status.SUPPRESSED:
        justifications = dict.fromkeys(s.justification for s in plan.suppressed if s.finding.rule_id == rule.rule_id)
        reason = label("skip_suppressed", lang)
        if justifications:
            reason += colon(lang) + label("semicolon", lang).join(justifications)
    elif rule.status is Status.NOT_APPLICABLE:
        reason = label("skip_not_applicable", lang)
    else:
        fields = ", ".join(rule.missing) or label("skip_unknown_anything", lang)
        reason = label("skip_unknown", lang).format(fields=fields)
    if rule.blocked_by:
        hidden = label("blocked_by", lang).format(rule=rule.blocked_by)
        reason += f" ({hidden[:1].lower()}{hidden[1:]})"
    ET.SubElement(case, "skipped", message=_clean(reason))
    return "skipped"
