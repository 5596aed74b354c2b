"""assess: rules-based assessment of nonprofit social media strategy plans.

The public API (documented in the README)::

    import assess
    report = assess.assess_plan(Path("plan.json"))       # -> assess.Report
    plan = assess.load_plan(Path("plan.yaml"))           # -> assess.Plan, or raises assess.PlanError
    problems = assess.validate_plan(text)                # -> tuple of assess.Problem

Names are imported lazily so that ``import assess`` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assess._version import __version__

_EXPORTS = {
    "assess_plan": "assess.api",
    "assess_many": "assess.api",
    "load_plan": "assess.api",
    "validate_plan": "assess.api",
    "Config": "assess.config",
    "Limits": "assess.plan.load",
    "Plan": "assess.plan.model",
    "Report": "assess.results.report",
    "PlanReport": "assess.results.report",
    "Finding": "assess.results.report",
    "Gate": "assess.results.report",
    "PlanGate": "assess.results.report",
    "Severity": "assess.results.report",
    "Recommendation": "assess.results.report",
    "Score": "assess.results.report",
    "StepResult": "assess.results.report",
    "AssessError": "assess.errors",
    "PlanError": "assess.errors",
    "PlanReadError": "assess.errors",
    "PlanSyntaxError": "assess.errors",
    "PlanLimitError": "assess.errors",
    "PlanSchemaError": "assess.errors",
    "ConfigError": "assess.errors",
    "RulePackError": "assess.errors",
    "Problem": "assess.errors",
}

__all__ = [
    "AssessError",
    "Config",
    "ConfigError",
    "Finding",
    "Gate",
    "Limits",
    "Plan",
    "PlanError",
    "PlanGate",
    "PlanLimitError",
    "PlanReadError",
    "PlanReport",
    "PlanSchemaError",
    "PlanSyntaxError",
    "Problem",
    "Recommendation",
    "Report",
    "RulePackError",
    "Score",
    "Severity",
    "StepResult",
    "__version__",
    "assess_many",
    "assess_plan",
    "load_plan",
    "validate_plan",
]

if TYPE_CHECKING:
    from assess.api import assess_many, assess_plan, load_plan, validate_plan
    from assess.config import Config
    from assess.errors import (
        AssessError,
        ConfigError,
        PlanError,
        PlanLimitError,
        PlanReadError,
        PlanSchemaError,
        PlanSyntaxError,
        Problem,
        RulePackError,
    )
    from assess.plan.load import Limits
    from assess.plan.model import Plan
    from assess.results.report import (
        Finding,
        Gate,
        PlanGate,
        PlanReport,
        Recommendation,
        Report,
        Score,
        Severity,
        StepResult,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'assess' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
