"""The report's vocabularies: how serious a finding is, how a rule ended, how mature a step is.

Plain enums with no pydantic, so that every stage (the engines, scoring, the CLI) can name
them without importing the report's models; `assess.results.report` re-exports them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Maturity", "Severity", "Status"]


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical ... 4 for info: sort key, most serious first."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: Severity) -> bool:
        """True when self is as serious as `other` or more."""
        return self.rank <= other.rank


_SEVERITY_ORDER = list(Severity)


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"
    SUPPRESSED = "suppressed"


class Maturity(StrEnum):
    """Per step: the highest level whose requirements all pass.

    absent: a critical rule fails (or the step has no data); crawl: a high rule
    fails; walk: a medium rule fails; run: only low/info rules fail; fly: nothing fails.
    """

    ABSENT = "absent"
    CRAWL = "crawl"
    WALK = "walk"
    RUN = "run"
    FLY = "fly"
