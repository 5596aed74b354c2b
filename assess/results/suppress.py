"""Suppressions written in the plan itself (``x-assess.suppress``).

Each entry names a rule, a mandatory justification, and optionally an expiry
date and a JSON pointer that narrows it to one element. A suppressed finding is
kept in the report with its justification (and in SARIF as a suppression); an
expired entry, one that suppresses nothing, or one naming an unknown rule is
reported as a notice, as ruff reports unused ``noqa`` comments; the notice's
message is in the report's language (`assess.i18n` labels ``notice_*``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

from assess.i18n import label
from assess.plan.load import SourceMap
from assess.results.report import Finding


class Applied(NamedTuple):
    """The findings that stand, the suppressed ones with their justification, and the notices: the last two
    as plain data for the report (`SuppressedFinding` and `SuppressionNotice` fields by name)."""

    findings: tuple[Finding, ...]
    suppressed: tuple[dict[str, Any], ...]
    notices: tuple[dict[str, Any], ...]


class _Entry(NamedTuple):
    """One suppression of the plan's ``x-assess.suppress`` (checked by the plan's schema)."""

    rule: str
    justification: str
    expires: dt.date | None
    pointer: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> _Entry:
        expires = data.get("expires")
        day = dt.date.fromisoformat(expires) if expires else None
        return cls(data["rule"], data["justification"], day, data.get("pointer"))

    def covers(self, finding: Finding) -> bool:
        if self.rule != finding.rule_id:
            return False
        if self.pointer is None:
            return True
        pointer = finding.pointer
        return pointer == self.pointer or pointer.startswith(self.pointer.rstrip("/") + "/")


def apply_suppressions(
    findings: Sequence[Finding],
    suppressions: Sequence[Mapping[str, Any]],
    *,
    known_rules: Collection[str],
    today: dt.date,
    source_map: SourceMap | None,
    lang: str = "en",
) -> Applied:
    """Split the findings by the plan's suppressions (``x-assess.suppress`` entries, as the plan writes them).

    The notices' messages are written in `lang`.
    """
    if not suppressions:  # most plans: every finding stands, and there is nothing to notice
        return Applied(tuple(findings), (), ())
    entries = [_Entry.of(data) for data in suppressions]
    kept: list[Finding] = []
    suppressed: list[dict[str, Any]] = []
    used: set[int] = set()
    live = [(i, e) for i, e in enumerate(entries) if e.expires is None or e.expires >= today]
    for finding in findings:
        entry_index = next((i for i, entry in live if entry.covers(finding)), None)
        if entry_index is None:
            kept.append(finding)
            continue
        used.add(entry_index)
        entry = entries[entry_index]
        suppressed.append({"finding": finding, "justification": entry.justification, "expires": entry.expires})
    notices: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        pointer = f"/x-assess/suppress/{index}"
        location = source_map.locate(pointer) if source_map is not None else None
        if entry.rule not in known_rules:
            problem = "unknown_rule"
        elif entry.expires is not None and entry.expires < today:
            problem = "expired"
        elif index not in used:
            problem = "unused"
        else:
            continue
        date = entry.expires.isoformat() if entry.expires is not None else ""
        message = label(f"notice_{problem}", lang).format(rule=entry.rule, date=date)
        notices.append(
            {
                "rule_id": entry.rule,
                "problem": problem,
                "message": message,
                "pointer": pointer,
                "line": location[0] if location else None,
                "column": location[1] if location else None,
            }
        )
    return Applied(tuple(kept), tuple(suppressed), tuple(notices))
