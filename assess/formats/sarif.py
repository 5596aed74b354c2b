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

The gate's verdict (`Report.gate`, the one that decides the exit code) is the invocation's:
``exitCode`` (0 passed, 1 failed, 2 could not assess), ``exitCodeDescription`` (the outcome,
the gate and the reasons in one line, as on standard error) and ``properties.gate`` (the
report's `gate` object: fail_on, fail_under, counts, reasons). A failed gate is not a failed
execution: findings are the results a run exists to produce, so ``executionSuccessful`` stays
true (SARIF 2.1.0, 3.20.14: false only when the tool could not do its job; here, a plan it could
not assess). Each plan's verdict (its `gate`) is in ``runs[0].properties.plans``.
`Writer` writes the same bytes plan by plan, for batches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

from assess.formats import RenderOptions, RuleInfo, common_language
from assess.formats.stream import ListSpool, splice
from assess.i18n import colon, label
from assess.results.gate import describe
from assess.results.report import Finding, Gate, PlanReport, Report, Severity, Summary, ToolInfo, to_data
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
    lang = common_language(plan.language for plan in report.plans)
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    configuration: list[dict[str, Any]] = []
    for plan in report.plans:
        if not plan.assessed:
            notifications.extend(_problems(plan))
            continue
        results.extend(_results(plan, index))
        configuration.extend(_configuration(plan))
    document = _document(
        report.tool,
        _in_language(rules, options, lang),
        all(plan.assessed for plan in report.plans),
        notifications,
        configuration,
        results,
        [_plan_properties(plan) for plan in report.plans],
        report.gate,
        lang,
    )
    return json.dumps(document, indent=2, ensure_ascii=False)


# Where the long lists sit in the document (indent=2): the depth of their keys, in document order.
NOTIFICATIONS_DEPTH = 10  # runs[0].invocations[0].toolExecutionNotifications
CONFIGURATION_DEPTH = 10  # runs[0].invocations[0].toolConfigurationNotifications
RESULTS_DEPTH = 6  # runs[0].results
PLANS_DEPTH = 8  # runs[0].properties.plans


def _document(
    tool: ToolInfo,
    rules: list[RuleInfo],
    successful: bool,
    notifications: list[dict[str, Any]],
    configuration: list[dict[str, Any]],
    results: list[dict[str, Any]],
    plans: list[dict[str, Any]],
    gate: Gate | None,
    lang: str,
) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": successful}
    if gate is not None:
        invocation.update(exitCode=gate.exit_code, exitCodeDescription=describe(gate, lang))
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    if gate is not None:
        invocation["properties"] = {"gate": to_data(gate)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": tool.name,
                "version": tool.version,
                "semanticVersion": tool.version,
                **({"informationUri": tool.information_uri} if tool.information_uri else {}),
                "properties": {"engine": tool.engine},
                "rules": [_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The folder assess was run from."}}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"plans": plans},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _problems(plan: PlanReport) -> Iterator[dict[str, Any]]:
    """The notifications of a plan that could not be assessed."""
    return (_problem(plan, position) for position in range(len(plan.problems)))


def _results(plan: PlanReport, index: dict[str, int]) -> Iterator[dict[str, Any]]:
    """An assessed plan's results: its findings, then its suppressed findings."""
    yield from (_result(plan, finding, index, None) for finding in plan.findings)
    yield from (_result(plan, s.finding, index, _suppression(s.justification, s.expires)) for s in plan.suppressed)


def _configuration(plan: PlanReport) -> Iterator[dict[str, Any]]:
    """An assessed plan's suppressions that are expired or unused."""
    return (
        {
            "level": "warning",
            "message": {"text": notice.message},
            "locations": [_location(plan.file, notice.line, notice.column, notice.pointer)],
            "properties": {"problem": notice.problem, "ruleId": notice.rule_id},
        }
        for notice in plan.suppression_notices
    )


class Writer:
    """`render`'s bytes, written plan by plan (`assess.formats.stream`).

    The invocation, which says whether every plan was assessed, comes before the results
    in the document: the results and the plans' properties wait in temporary files until
    `finish`, then the document is written around them.
    """

    def __init__(self, head: Report, options: RenderOptions, out: IO[str]) -> None:
        self._tool = head.tool
        self._out = out
        self._options = options
        self._rules = list(options.rules)
        self._index = {rule.id: position for position, rule in enumerate(self._rules)}
        self._successful = True
        self._notifications = ListSpool(NOTIFICATIONS_DEPTH)
        self._configuration = ListSpool(CONFIGURATION_DEPTH)
        self._results = ListSpool(RESULTS_DEPTH)
        self._plans = ListSpool(PLANS_DEPTH)
        self._languages: set[str] = set()

    def add(self, plan: PlanReport) -> None:
        self._languages.add(plan.language)
        for rule in _unknown_rules(plan, self._index):
            self._index[rule.id] = len(self._rules)
            self._rules.append(rule)
        if plan.assessed:
            for result in _results(plan, self._index):
                self._results.add(result)
            for notification in _configuration(plan):
                self._configuration.add(notification)
        else:
            self._successful = False
            for notification in _problems(plan):
                self._notifications.add(notification)
        self._plans.add(_plan_properties(plan))

    def finish(self, summary: Summary, gate: Gate | None) -> None:
        spools = (self._notifications, self._configuration, self._results, self._plans)
        try:
            # The skeleton: each long list empty; the notifications present only when render writes them.
            nonempty: list[dict[str, Any]] = [{}]
            lang = common_language(self._languages)
            document = _document(
                self._tool,
                _in_language(self._rules, self._options, lang),
                self._successful,
                nonempty if self._notifications.count else [],
                nonempty if self._configuration.count else [],
                [],
                [],
                gate,
                lang,
            )
            invocation = document["runs"][0]["invocations"][0]
            lists = [("results", RESULTS_DEPTH, self._results), ("plans", PLANS_DEPTH, self._plans)]
            for key, depth, spool in (
                ("toolConfigurationNotifications", CONFIGURATION_DEPTH, self._configuration),
                ("toolExecutionNotifications", NOTIFICATIONS_DEPTH, self._notifications),
            ):
                if key in invocation:
                    invocation[key] = []
                    lists.insert(0, (key, depth, spool))
            splice(self._out, json.dumps(document, indent=2, ensure_ascii=False), lists)
        finally:
            for spool in spools:
                spool.close()


def _rules(report: Report, catalog: tuple[RuleInfo, ...]) -> list[RuleInfo]:
    """The catalog's rules, plus any rule the report mentions that the catalog lacks (library callers)."""
    rules = list(catalog)
    known = {rule.id: position for position, rule in enumerate(rules)}
    for plan in report.plans:
        for rule in _unknown_rules(plan, known):
            known[rule.id] = len(rules)
            rules.append(rule)
    return rules


def _in_language(rules: list[RuleInfo], options: RenderOptions, lang: str) -> list[RuleInfo]:
    """`rules` with the catalog's (the first ones, `options.rules`) in `lang`, when the run left the language
    to the plans (`options.rules_in`): a French plan's SARIF described its rules in English. The same rules in
    the same order, so each result's ruleIndex still points at its rule."""
    catalog = options.rules
    if options.rules_in is None or not catalog or catalog[0].lang == lang:
        return rules
    translated = options.rules_in(lang)
    if [rule.id for rule in translated] != [rule.id for rule in catalog]:
        return rules  # another catalog than the one the options describe: keep the order they gave
    return [*translated, *rules[len(catalog) :]]


def _unknown_rules(plan: PlanReport, known: dict[str, int]) -> list[RuleInfo]:
    """The rules a plan's report mentions that are not `known`, described from the report, in its order."""
    texts = {f.rule_id: f for f in [*plan.findings, *(s.finding for s in plan.suppressed)]}
    found: dict[str, RuleInfo] = {}
    for result in plan.rules:
        if result.rule_id in known or result.rule_id in found:
            continue
        finding = texts.get(result.rule_id)
        found[result.rule_id] = RuleInfo(
            id=result.rule_id,
            step=result.step,
            severity=result.severity,
            title=result.title,
            rationale=finding.rationale if finding else result.title,
            recommendation=finding.recommendation if finding else "",
            help_uri="",
            pack="",
            lang=plan.language,
        )
    return list(found.values())


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    step = STEP_BY_NUMBER[rule.step]
    why, what_to_do, sep = label("why", rule.lang), label("what_to_do", rule.lang), colon(rule.lang)
    help_text = f"{why}{sep}{rule.rationale}\n\n{what_to_do}{sep}{rule.recommendation}"
    help_markdown = f"**{why}.** {rule.rationale}\n\n**{what_to_do}.** {rule.recommendation}"
    if rule.help_uri:
        help_markdown += f"\n\n[{label('rule', rule.lang)} {rule.id}]({rule.help_uri})"
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
        "message": {"text": _unassessed(plan.file, problem.kind, problem.message, plan.language)},
        "properties": {"kind": problem.kind},
    }
    if problem.line is not None:
        notification["locations"] = [_location(plan.file, problem.line, problem.column, problem.pointer)]
    else:
        notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact_uri(plan.file)}}]
    return notification


def _unassessed(file: str, kind: str, message: str, lang: str) -> str:
    """A notification's text: "FILE: could not be assessed (KIND): MESSAGE", in the plan's language."""
    return f"{file}{colon(lang)}{label('gate_unassessed', lang)} ({kind}){colon(lang)}{message}"


def _plan_properties(plan: PlanReport) -> dict[str, Any]:
    properties: dict[str, Any] = {"file": plan.file, "assessed": plan.assessed}
    if plan.score is not None:
        properties.update(
            organization=plan.organization,
            score=plan.score.overall,
            grade=plan.score.grade,
            completeness=plan.score.completeness,
        )
    if plan.gate is not None:
        properties["gate"] = to_data(plan.gate)
    return properties
