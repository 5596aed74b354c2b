"""SARIF 2.1.0, for GitHub code scanning and any other SARIF consumer.

One run. ``tool.driver.rules`` describes every rule evaluated (from the catalog,
not only the failing ones), so a consumer can explain a rule and count passes;
each result points at its rule by id and index, at the plan file (relative,
under ``%SRCROOT%``) with a 1-based line and column (line 1 when the element has
no position: consumers reject 0), and at the plan element by its JSON pointer.
Fingerprints are the findings' own, stable across edits elsewhere in the plan.
Suppressed findings stay, with their justification, as SARIF suppressions.
Plans that could not be assessed are the invocation's notifications, and make
``executionSuccessful`` false.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from assess.formats import RenderOptions, RuleInfo
from assess.results.report import Finding, PlanReport, Report, Severity
from assess.steps import STEP_BY_NUMBER

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "assessFindingHash/v1"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render(report: Report, options: RenderOptions) -> str:
    rules = _rules(report, options.rules)
    index = {rule.id: position for position, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    configuration: list[dict[str, Any]] = []
    for plan in report.plans:
        if not plan.assessed:
            notifications.extend(_problem(plan, position) for position in range(len(plan.problems)))
            continue
        results.extend(_result(plan, finding, index, None) for finding in plan.findings)
        results.extend(
            _result(plan, s.finding, index, _suppression(s.justification, s.expires)) for s in plan.suppressed
        )
        configuration.extend(
            {
                "level": "warning",
                "message": {"text": notice.message},
                "locations": [_location(plan.file, notice.line, notice.column, notice.pointer)],
                "properties": {"problem": notice.problem, "ruleId": notice.rule_id},
            }
            for notice in plan.suppression_notices
        )
    invocation: dict[str, Any] = {"executionSuccessful": all(plan.assessed for plan in report.plans)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                **({"informationUri": report.tool.information_uri} if report.tool.information_uri else {}),
                "properties": {"engine": report.tool.engine},
                "rules": [_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The folder assess was run from."}}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"plans": [_plan_properties(plan) for plan in report.plans]},
    }
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False)


def _rules(report: Report, catalog: tuple[RuleInfo, ...]) -> list[RuleInfo]:
    """The catalog's rules, plus any rule the report mentions that the catalog lacks (library callers)."""
    rules = list(catalog)
    known = {rule.id for rule in rules}
    for plan in report.plans:
        texts = {f.rule_id: f for f in [*plan.findings, *(s.finding for s in plan.suppressed)]}
        for result in plan.rules:
            if result.rule_id in known:
                continue
            known.add(result.rule_id)
            finding = texts.get(result.rule_id)
            rules.append(
                RuleInfo(
                    id=result.rule_id,
                    step=result.step,
                    severity=result.severity,
                    title=result.title,
                    rationale=finding.rationale if finding else result.title,
                    recommendation=finding.recommendation if finding else "",
                    help_uri="",
                    pack="",
                )
            )
    return rules


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    step = STEP_BY_NUMBER[rule.step]
    help_text = f"Why: {rule.rationale}\n\nWhat to do: {rule.recommendation}"
    help_markdown = f"**Why.** {rule.rationale}\n\n**What to do.** {rule.recommendation}"
    if rule.help_uri:
        help_markdown += f"\n\n[Rule {rule.id}]({rule.help_uri})"
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": help_markdown},
        **({"helpUri": rule.help_uri} if rule.help_uri else {}),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "step": rule.step,
            "stepName": step.name["en"],
            "severity": rule.severity.value,
            "tags": [f"step-{rule.step}", step.key, rule.severity.value],
            **({"pack": rule.pack} if rule.pack else {}),
        },
    }


def artifact_uri(file: str) -> dict[str, str]:
    """A relative path under %SRCROOT%; an absolute path as a file: URI (no base)."""
    if file.startswith("/"):
        return {"uri": "file://" + quote(file)}
    return {"uri": quote(file), "uriBaseId": SRCROOT}


def _location(file: str, line: int | None, column: int | None, pointer: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact_uri(file),
            "region": {"startLine": line or 1, "startColumn": column or 1},
        }
    }
    if pointer is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": pointer, "kind": "element"}]
    return location


def _suppression(justification: str, expires: Any) -> dict[str, Any]:
    suppression: dict[str, Any] = {"kind": "inSource", "status": "accepted", "justification": justification}
    if expires is not None:
        suppression["properties"] = {"expires": expires.isoformat()}
    return suppression


def _result(
    plan: PlanReport, finding: Finding, index: dict[str, int], suppression: dict[str, Any] | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(plan.file, finding.line, finding.column, finding.pointer)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "severity": finding.severity.value,
            "step": finding.step,
            "recommendation": finding.recommendation,
        },
    }
    if suppression is not None:
        result["suppressions"] = [suppression]
    return result


def _problem(plan: PlanReport, position: int) -> dict[str, Any]:
    problem = plan.problems[position]
    notification: dict[str, Any] = {
        "level": "error",
        "message": {"text": f"{plan.file}: could not be assessed ({problem.kind}): {problem.message}"},
        "properties": {"kind": problem.kind},
    }
    if problem.line is not None:
        notification["locations"] = [_location(plan.file, problem.line, problem.column, problem.pointer)]
    else:
        notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact_uri(plan.file)}}]
    return notification


def _plan_properties(plan: PlanReport) -> dict[str, Any]:
    properties: dict[str, Any] = {"file": plan.file, "assessed": plan.assessed}
    if plan.score is not None:
        properties.update(
            organization=plan.organization,
            score=plan.score.overall,
            grade=plan.score.grade,
            completeness=plan.score.completeness,
        )
    return properties
