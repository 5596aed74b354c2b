"""Suppressions written in the plan itself (``x-assess.results.suppress``).

Each entry names a rule, a mandatory justification, and optionally an expiry
date and a JSON pointer that narrows it to one element. A suppressed finding is
kept in the report with its justification (and in SARIF as a suppression); an
expired entry, one that suppresses nothing, or one naming an unknown rule is
reported as a notice, as ruff reports unused ``noqa`` comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from assess.plan.load import SourceMap
from assess.plan.model import Suppression
from assess.results.report import Finding, SuppressedFinding, SuppressionNotice


@dataclass(frozen=True)
class Applied:
    findings: tuple[Finding, ...]
    suppressed: tuple[SuppressedFinding, ...]
    notices: tuple[SuppressionNotice, ...]


def _covers(entry: Suppression, finding: Finding) -> bool:
    if entry.rule != finding.rule_id:
        return False
    if entry.pointer is None:
        return True
    return finding.pointer == entry.pointer or finding.pointer.startswith(entry.pointer.rstrip("/") + "/")


def apply_suppressions(
    findings: Sequence[Finding],
    entries: Sequence[Suppression],
    *,
    known_rules: Collection[str],
    today: dt.date,
    source_map: SourceMap | None,
) -> Applied:
    kept: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    used: set[int] = set()
    live = [(i, e) for i, e in enumerate(entries) if e.expires is None or e.expires >= today]
    for finding in findings:
        entry_index = next((i for i, entry in live if _covers(entry, finding)), None)
        if entry_index is None:
            kept.append(finding)
            continue
        used.add(entry_index)
        entry = entries[entry_index]
        suppressed.append(SuppressedFinding(finding=finding, justification=entry.justification, expires=entry.expires))
    notices: list[SuppressionNotice] = []
    problem: Literal["expired", "unused", "unknown_rule"]
    for index, entry in enumerate(entries):
        pointer = f"/x-assess/suppress/{index}"
        location = source_map.locate(pointer) if source_map is not None else None
        if entry.rule not in known_rules:
            problem, message = "unknown_rule", f"suppression of {entry.rule}: no such rule is active"
        elif entry.expires is not None and entry.expires < today:
            problem = "expired"
            message = f"suppression of {entry.rule} expired on {entry.expires.isoformat()}: review it or remove it"
        elif index not in used:
            problem = "unused"
            message = f"suppression of {entry.rule} suppresses nothing: remove it"
        else:
            continue
        notices.append(
            SuppressionNotice(
                rule_id=entry.rule,
                problem=problem,
                message=message,
                pointer=pointer,
                line=location[0] if location else None,
                column=location[1] if location else None,
            )
        )
    return Applied(tuple(kept), tuple(suppressed), tuple(notices))
