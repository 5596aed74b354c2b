"""The report's small vocabularies, without pydantic: code that only names a severity (the
configuration, the CLI's check path) need not import the report's models to do so."""

from __future__ import annotations

from enum import StrEnum


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
