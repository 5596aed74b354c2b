"""Baselines: accept today's findings so that CI fails only on new ones.

A team adopting `assess` on existing plans cannot fix everything at once; a
baseline records the findings of today (``--write-baseline FILE``) and later
runs (``--baseline FILE``) report and gate only on findings not in it, as
Checkov's baseline does. A finding is identified by its plan file, rule id and
fingerprint; the fingerprint survives edits elsewhere in the plan, so the
baseline does not go stale when a line is added above a finding. The message is
stored for the humans reviewing the file, never compared.

The file is JSON, sorted and without timestamps: the same findings give the
same bytes, so it diffs well in version control.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.atomic import write_atomic
from assess.errors import AssessError
from assess.reading import MAX_BASELINE_BYTES, TooLarge, read_limited
from assess.results.report import PlanReport, Report, Severity

BASELINE_VERSION = 1


class BaselineError(AssessError):
    """A baseline file cannot be read or is not a baseline."""


Key = tuple[str, str, str]  # (file, rule id, fingerprint)


@dataclass(frozen=True)
class Baseline:
    entries: frozenset[Key]

    def __contains__(self, key: object) -> bool:
        return key in self.entries


@dataclass(frozen=True)
class Filtered:
    """A report without its baselined findings, and how many were set aside per plan file."""

    report: Report
    baselined: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.baselined.values())


def baseline_text(report: Report) -> str:
    """The baseline file for the report's current (unsuppressed) findings."""
    recorded: dict[Key, str] = {}
    for plan in report.plans:
        record(recorded, plan)
    return recorded_text(recorded)


def record(recorded: dict[Key, str], plan: PlanReport) -> None:
    """Add a plan's current findings to `recorded` (key -> message), as `baseline_text` does; plan by plan."""
    for finding in plan.findings:
        recorded[(plan.file, finding.rule_id, finding.fingerprint)] = finding.message


def recorded_text(recorded: Mapping[Key, str]) -> str:
    """The baseline file for the findings `record` collected."""
    entries = sorted(recorded.items())
    document = {
        "assess_baseline": BASELINE_VERSION,
        "findings": [
            {"file": file, "rule_id": rule_id, "fingerprint": fingerprint, "message": message}
            for (file, rule_id, fingerprint), message in entries
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: str | Path, report: Report) -> int:
    """Write the baseline atomically; returns how many findings it records."""
    text = baseline_text(report)
    write_atomic(path, text)
    return sum(len(plan.findings) for plan in report.plans)


def parse_baseline(text: str, name: str = "baseline") -> Baseline:
    try:
        document: Any = json.loads(text)
    except ValueError as error:
        raise BaselineError(f"{name}: not valid JSON: {error}") from None
    except RecursionError:
        raise BaselineError(f"{name}: nested too deeply to be a baseline") from None
    if not isinstance(document, dict) or document.get("assess_baseline") != BASELINE_VERSION:
        raise BaselineError(f"{name}: not an assess baseline (write one with --write-baseline)")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{name}: 'findings' must be a list")
    entries: set[Key] = set()
    for index, entry in enumerate(findings):
        fields = [entry.get(key) if isinstance(entry, dict) else None for key in ("file", "rule_id", "fingerprint")]
        if not all(isinstance(value, str) for value in fields):
            raise BaselineError(f"{name}: /findings/{index}: needs 'file', 'rule_id' and 'fingerprint' strings")
        entries.add((str(fields[0]), str(fields[1]), str(fields[2])))
    return Baseline(frozenset(entries))


def read_baseline(path: str | Path) -> Baseline:
    try:
        text = read_limited(path, MAX_BASELINE_BYTES).decode("utf-8")
    except TooLarge as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error}") from None
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BaselineError(f"{path}: cannot read the baseline: {reason}") from None
    return parse_baseline(text, str(path))


def filter_plan(plan: PlanReport, baseline: Container[Key]) -> tuple[PlanReport, int]:
    """The plan without its baselined findings (scores unchanged), and how many it lost."""
    kept = [f for f in plan.findings if (plan.file, f.rule_id, f.fingerprint) not in baseline]
    if len(kept) == len(plan.findings):
        return plan, 0
    return plan.model_copy(update={"findings": kept}), len(plan.findings) - len(kept)


def apply_baseline(report: Report, baseline: Baseline) -> Filtered:
    """The report with baselined findings removed (scores unchanged) and the summary recounted."""
    plans: list[PlanReport] = []
    baselined: dict[str, int] = {}
    for plan in report.plans:
        plan, removed = filter_plan(plan, baseline)
        if removed:
            baselined[plan.file] = baselined.get(plan.file, 0) + removed
        plans.append(plan)
    counts = {severity: 0 for severity in Severity}
    for plan in plans:
        for finding in plan.findings:
            counts[finding.severity] += 1
    summary = report.summary.model_copy(update={"findings": counts})
    return Filtered(report.model_copy(update={"plans": plans, "summary": summary}), baselined)
