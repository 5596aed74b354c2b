"""The report's pydantic models: its JSON Schema, and validation of reports read back.

``schemas/report.schema.json`` is generated from these models (field descriptions and
bounds live here). The pipeline and the formats use the plain records of
`assess.results.report`, which hold the same fields in the same order (checked by
tests/test_report_records.py) and turn into these models only when a caller asks for
pydantic's API (`model_dump_json`, `model_validate`...): so a run of the command line
never imports pydantic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assess.results.kinds import Maturity, Severity, Status

__all__ = [
    "Finding",
    "Gate",
    "Maturity",
    "PlanGate",
    "PlanProblem",
    "PlanReport",
    "Recommendation",
    "Report",
    "RulePackInfo",
    "RuleResult",
    "Score",
    "Severity",
    "Status",
    "StepResult",
    "Summary",
    "SuppressedFinding",
    "SuppressionNotice",
    "ToolInfo",
]

REPORT_VERSION = "1.1"


def _empty_list() -> list[Any]:
    """A new empty list: a field's default. pydantic inspects a default factory's signature when it builds a
    schema; for the builtin `list` or `dict` that means parsing its text signature, 20 times slower than for
    a function (issue 15: the cold start builds ~60 such fields)."""
    return []


class _Model(BaseModel):
    # Built on first use, not at import (issue 15): most of these models are only ever validated or
    # serialized as part of a `PlanReport` or `Report`, whose validator holds theirs.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Finding(_Model):
    """One failed check about one element of the plan."""

    rule_id: str = Field(description="Stable rule id, e.g. 'POL-03'.")
    step: int = Field(ge=1, le=11, description="The step of the article (1-11) the rule comes from.")
    severity: Severity = Field(description="How serious the problem is.")
    title: str = Field(description="The rule's title.")
    message: str = Field(description="What is wrong, with the plan's own names, dates and counts.")
    rationale: str = Field(description="Why it matters, citing the step of the article.")
    recommendation: str = Field(description="What to do about it.")
    pointer: str = Field(description="JSON pointer of the plan element the finding is about.")
    line: int | None = Field(None, ge=1, description="1-based line of that element in the plan file.")
    column: int | None = Field(None, ge=1, description="1-based column (in characters) of that element.")
    fingerprint: str = Field(description="Stable identity of the finding across runs and edits elsewhere in the plan.")


class SuppressedFinding(_Model):
    finding: Finding = Field(description="The finding that was suppressed.")
    justification: str = Field(description="Why the plan's authors accepted it.")
    expires: dt.date | None = Field(None, description="When the suppression lapses.")


class SuppressionNotice(_Model):
    """A suppression that is expired, or that suppresses nothing."""

    rule_id: str = Field(description="The suppressed rule id.")
    problem: Literal["expired", "unused", "unknown_rule"] = Field(description="What is wrong with the suppression.")
    message: str = Field(description="A sentence for the user.")
    pointer: str = Field(description="JSON pointer of the suppression entry in the plan.")
    line: int | None = Field(None, ge=1, description="Line of the suppression entry.")
    column: int | None = Field(None, ge=1, description="Column of the suppression entry.")


class RuleResult(_Model):
    """The outcome of one rule on one plan (JUnit: one testcase)."""

    rule_id: str = Field(description="Rule id.")
    step: int = Field(ge=1, le=11, description="Step of the article.")
    severity: Severity = Field(description="Effective severity (after configuration).")
    title: str = Field(description="The rule's title.")
    status: Status = Field(
        description="pass, fail, not_applicable, unknown (the plan lacks what the rule needs) or suppressed."
    )
    findings: int = Field(ge=0, description="How many findings the rule produced (before suppression).")
    missing: list[str] = Field(
        default_factory=_empty_list, description="For unknown: JSON pointers of the fields the plan lacks."
    )
    blocked_by: str | None = Field(
        None,
        description=(
            "For not_applicable or unknown: the failing rule whose missing section hides this one"
            " (its `unlocks`); the score counts this rule as failed until that is fixed."
        ),
    )


class StepResult(_Model):
    step: int = Field(ge=1, le=11, description="Step number.")
    key: str = Field(description="Step key, e.g. 'policies'.")
    name: str = Field(description="Step name, e.g. 'Policies'.")
    score: float | None = Field(
        None, ge=0, le=100, description="0-100; null when no rule of the step could be decided."
    )
    maturity: Maturity = Field(description="Maturity level of the step.")
    passed: int = Field(ge=0, description="Rules that passed.")
    failed: int = Field(ge=0, description="Rules that failed.")
    not_applicable: int = Field(ge=0, description="Rules that did not apply.")
    unknown: int = Field(ge=0, description="Rules the plan lacks information for.")
    capped: bool = Field(False, description="True when a failed critical rule capped the step's score.")


class Recommendation(_Model):
    """An action, with the score the plan would reach once it is done."""

    rank: int = Field(
        ge=1,
        description="1 comes first: worst severity first (every critical before any high...), named checks first "
        "within a severity, then the larger score gain.",
    )
    rule_id: str = Field(description="The rule whose findings this action fixes.")
    step: int = Field(ge=1, le=11, description="Step of the article.")
    severity: Severity = Field(description="Severity of the rule.")
    title: str = Field(description="What to do, as an imperative headline (the rule's action).")
    rule_title: str = Field("", description="The rule's title (what a passing plan does).")
    named_check: bool = Field(False, description="True for the checks a consultant names first (configurable).")
    action: str = Field(description="What to do, in detail.")
    findings: int = Field(ge=1, description="How many findings the action resolves.")
    score_before: float = Field(ge=0, le=100, description="Overall score now.")
    score_after: float = Field(
        ge=0, le=100, description="Overall score once this rule passes, everything else unchanged."
    )
    step_score_before: float | None = Field(None, ge=0, le=100, description="Step score now.")
    step_score_after: float | None = Field(None, ge=0, le=100, description="Step score once this rule passes.")
    capped_by: list[str] = Field(
        default_factory=_empty_list,
        description="When a configured overall cap still holds score_after: the other critical rules that hold it "
        "(fix them to lift the cap).",
    )
    held_by_placeholders: str | None = Field(
        None,
        description="When the plan's placeholders hold score_after (the score cannot exceed the written share): "
        "the rule reporting them (fill them in to lift the limit).",
    )
    step_capped_by: list[str] = Field(
        default_factory=_empty_list,
        description="When the step's critical cap still holds step_score_after: the other critical rules of the step "
        "that hold it.",
    )
    includes: list[str] = Field(
        default_factory=_empty_list,
        description="The rules this action unlocks (the details of the section it asks for, not applicable while the "
        "section is missing), counted as done properly in score_after and step_score_after: they are checked "
        "once the section is written, so the score reaches score_after only if they pass too.",
    )


class Score(_Model):
    overall: float = Field(ge=0, le=100, description="Overall score, 0-100.")
    grade: str = Field(description="Letter grade A-F from the overall score.")
    completeness: float = Field(
        ge=0,
        le=100,
        description="Share of applicable rules the plan gave enough information to decide (100 = none unknown).",
    )
    capped: bool = Field(
        False, description="True when a configured flat cap (critical_overall_cap) holds the overall score."
    )
    written: float = Field(
        100.0,
        ge=0,
        le=100,
        description="Share of the plan's texts that are written, not placeholders (100 = none left). "
        "The overall score cannot exceed it, and completeness is multiplied by it.",
    )


class PlanProblem(_Model):
    """Why a plan could not be assessed (syntax or schema error, unreadable file...)."""

    kind: str = Field(description="read, syntax, limit or schema; crash when the process assessing it died.")
    message: str = Field(description="What is wrong.")
    pointer: str = Field(description="JSON pointer, '' for the whole document.")
    line: int | None = Field(None, ge=1, description="1-based line.")
    column: int | None = Field(None, ge=1, description="1-based column.")
    excerpt: str | None = Field(None, description="The offending source line and a caret under the column.")


class PlanGate(_Model):
    """The gate's verdict on one plan: the part of the exit code it decides, and why.

    The same verdict as the exit code's and the lines on standard error: findings set aside by a
    suppression or a baseline do not count, and the reasons are in the plan's language.
    """

    passed: bool = Field(
        description="True when the plan was assessed and passed the gate; false when it failed it or could not be "
        "assessed (see the plan's `assessed`)."
    )
    findings: int = Field(
        0,
        ge=0,
        description="The plan's findings at or above the gate's fail_on (after suppressions and the baseline): each "
        "fails the gate.",
    )
    below_minimum: bool = Field(False, description="True when the overall score is below the gate's fail_under.")
    reasons: list[str] = Field(
        default_factory=_empty_list,
        description="Why the plan did not pass, one sentence each, as on standard error (empty when it passed).",
    )


class PlanReport(_Model):
    """The assessment of one plan (or why it could not be assessed)."""

    file: str = Field(description="The plan file as given (relative), '<stdin>' or '<memory>'.")
    sha256: str | None = Field(
        None,
        description="SHA-256 of the plan's bytes; of a plan passed as data, of its canonical JSON "
        "(keys sorted, no white space, UTF-8).",
    )
    organization: str | None = Field(None, description="The organisation's name.")
    language: str = Field("en", description="Language of the report's texts.")
    assessed: bool = Field(description="False when the plan could not be assessed; see problems.")
    problems: list[PlanProblem] = Field(default_factory=_empty_list, description="Why the plan could not be assessed.")
    score: Score | None = Field(None, description="Scores; null when not assessed.")
    gate: PlanGate | None = Field(
        None, description="The gate's verdict on this plan (null only in a report made without a gate)."
    )
    steps: list[StepResult] = Field(default_factory=_empty_list, description="One entry per step, 1 to 11.")
    rules: list[RuleResult] = Field(default_factory=_empty_list, description="One entry per rule evaluated.")
    findings: list[Finding] = Field(default_factory=_empty_list, description="Findings, most serious first.")
    suppressed: list[SuppressedFinding] = Field(
        default_factory=_empty_list, description="Findings accepted in the plan's x-assess section."
    )
    suppression_notices: list[SuppressionNotice] = Field(
        default_factory=_empty_list, description="Expired or unused suppressions."
    )
    recommendations: list[Recommendation] = Field(
        default_factory=_empty_list,
        description="Top actions, worst first: every failing critical and named check, then the best of the rest.",
    )
    placeholders: int = Field(0, ge=0, description="How many of the plan's texts are still placeholders.")
    fill_first: list[str] = Field(
        default_factory=_empty_list,
        description="JSON pointers of the placeholders to replace first (at most five): those naming a whole "
        "element (a goal, the crisis plan...), then by step. Empty when the plan holds none.",
    )


class ToolInfo(_Model):
    name: str = Field(description="'assess'.")
    version: str = Field(description="Version of assess.")
    information_uri: str | None = Field(default=None, description="Where to read about the tool (when published).")
    engine: str | None = Field(
        default=None,
        description="The rule engine that ran: 'durable_rules VERSION' or 'builtin' (the same results; "
        "see README: Engines).",
    )


class RulePackInfo(_Model):
    name: str = Field(description="Pack name.")
    version: str = Field(description="Pack version.")
    rules: int = Field(ge=0, description="Number of rules in the pack.")
    sha256: str = Field(description="SHA-256 of the pack's canonical content.")


class Summary(_Model):
    plans: int = Field(ge=0, description="Plans given.")
    assessed: int = Field(ge=0, description="Plans assessed.")
    errors: int = Field(ge=0, description="Plans that could not be assessed.")
    findings: dict[Severity, int] = Field(description="Unsuppressed findings by severity, over all plans.")
    skipped: int = Field(
        default=0, ge=0, description="Files in the folders searched that were skipped: not plans (no schema_version)."
    )


class Gate(_Model):
    """The gate the run applied, and its verdict: what the exit code says, and why."""

    fail_on: Literal["critical", "high", "medium", "low", "info", "none"] = Field(
        description="A finding at least this severe fails the gate (--fail-on; 'none': findings do not)."
    )
    fail_under: float | None = Field(
        None, ge=0, le=100, description="A plan scoring below this fails the gate (--fail-under); null: no score gate."
    )
    exit_code: Literal[0, 1, 2] = Field(
        description="The run's exit code: 0 every plan was assessed and passed, 1 a plan failed the gate, "
        "2 a plan could not be assessed (this wins over 1)."
    )
    passed: bool = Field(description="True when the exit code is 0.")
    plans_failed: int = Field(ge=0, description="Plans assessed that failed the gate.")
    plans_not_assessed: int = Field(ge=0, description="Plans that could not be assessed.")
    reasons: list[str] = Field(
        default_factory=_empty_list,
        description="Why, as on standard error: 'FILE: reason', one per failing reason of each plan in order, "
        "the first 10 (each plan's `gate` has all of its own).",
    )
    more_reasons: int = Field(0, ge=0, description="How many further reasons `reasons` leaves out.")


class Report(_Model):
    """The whole output of one run: the same shape for one plan or many."""

    report_version: Literal["1.0", "1.1"] = Field(
        "1.1", description="Version of this report format (1.1 added the gate's verdict: `gate`, `plans[].gate`)."
    )
    tool: ToolInfo = Field(description="The tool that made the report.")
    rule_packs: list[RulePackInfo] = Field(description="The rule packs used.")
    plans: list[PlanReport] = Field(description="One entry per plan, in a stable order.")
    summary: Summary = Field(description="Totals over all plans.")
    gate: Gate | None = Field(
        None,
        description="The gate and its verdict, which decides the exit code (null only in a report made "
        "without a gate: report_version 1.0, or records built by hand).",
    )
