"""From engine matches to rule outcomes and located findings.

Each rule ends as one of: not applicable (its ``skip_when`` matched), fail (its
``when`` matched: one finding per match), unknown (no failure, but a field in
its ``requires`` is absent from the plan) or pass.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from assess.engines.base import Match
from assess.i18n import is_singular, label, number, value_label
from assess.plan.defaults import Shape, plan_shape
from assess.plan.load import SourceMap
from assess.plan.validate import PlanData
from assess.results.kinds import Status
from assess.rules.catalog import ActiveRule, Catalog
from assess.rules.facts import Fact, from_epoch_day
from assess.rules.rulepack import PLACEHOLDER

FindingData = dict[str, Any]
"""A `Finding` as plain data (its fields by name): the pipeline's form; the report validates it once."""


@dataclass(frozen=True)
class RuleOutcome:
    active: ActiveRule
    status: Status
    findings: tuple[FindingData, ...]
    missing: tuple[str, ...]


def _format_value(value: Any, flt: str | None, lang: str = "en", forms: tuple[str, str] | None = None) -> str:
    if value is None:
        return "?"
    if flt == "date" and isinstance(value, int) and not isinstance(value, bool):
        return from_epoch_day(value).isoformat()
    if flt == "list" and isinstance(value, list):
        return ", ".join(value_label(item, lang) for item in value) or "-"
    if flt == "label":
        return value_label(value, lang)
    if flt == "round" and isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang, 0)
    if flt == "count" and forms is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{number(value, lang)} {forms[0] if is_singular(value, lang) else forms[1]}"
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang == "fr" else f"{value:g}"
    return str(value)


def render(template: str, match: Match, thresholds: dict[str, float], lang: str = "en") -> str:
    """A message with its placeholders filled, numbers and labels written for `lang`."""

    def fill(found: Any) -> str:
        binding, name, flt, one, many = found.groups()
        forms = (one, many) if one is not None else None
        if binding == "threshold":
            return _format_value(thresholds.get(name), flt, lang, forms)
        fact = match.binding(binding)
        return _format_value(fact.get(name) if fact else None, flt, lang, forms)

    return PLACEHOLDER.sub(fill, template)


def _identity(fact: Fact) -> str:
    """What a fact stands for, independent of its position in the plan (for fingerprints)."""
    kind = fact["kind"]
    natural = fact.get(kind) if kind != "member" else fact.get("person")
    return f"{kind}:{natural}" if isinstance(natural, str) else f"{kind}:{fact['ptr']}"


_FILTERED = re.compile(r"^\*\[([a-z_]+)=([^\]]*)\]$")


def missing_pointers(plan: PlanData, pattern: str) -> list[str]:
    """Concrete pointers matching `pattern` that the plan leaves unstated.

    A key with a default is stated (a list the model defaults to empty, a channel's
    status...), as in the typed plan. ``*`` stands for every item of an array;
    ``*[field=value]`` for the items whose ``field`` equals ``value`` (e.g.
    ``/channels/*[status=active]/posts_per_week``).
    """
    tokens = pattern.split("/")[1:]
    missing: list[str] = []

    def walk(node: Any, shape: Shape | None, index: int, prefix: str) -> None:
        if index == len(tokens):
            return
        token = tokens[index]
        if token.startswith("*"):
            selector = _FILTERED.match(token)
            if isinstance(node, list):
                for position, item in enumerate(node):
                    if selector and str(_child(item, shape, selector[1])) != selector[2]:
                        continue
                    walk(item, shape, index + 1, f"{prefix}/{position}")
            return
        child = _child(node, shape, token)
        if child is None:
            missing.append(f"{prefix}/{token}")
        else:
            walk(child, shape.children.get(token) if shape else None, index + 1, f"{prefix}/{token}")

    walk(plan, plan_shape(), 0, "")
    return missing


def _child(node: Any, shape: Shape | None, name: str) -> Any:
    if not isinstance(node, dict):
        return None
    return shape.get(node, name) if shape is not None else node.get(name)


def evaluate(
    catalog: Catalog, facts: list[Fact], plan: PlanData, source_map: SourceMap | None, lang: str
) -> list[RuleOutcome]:
    """Run the engine and turn its matches into one outcome per active rule, in catalog order."""
    matches = catalog.engine.run(facts)
    by_rule: dict[str, list[Match]] = {}
    for match in matches:
        by_rule.setdefault(match.rule_id, []).append(match)
    outcomes: list[RuleOutcome] = []
    for active in catalog.rules:
        rule_matches = by_rule.get(active.id)
        if rule_matches is None:  # most rules: no match at all, so nothing to scan
            outcomes.append(_passed_or_unknown(active, plan))
            continue
        if any(m.outcome == "skip" for m in rule_matches):
            outcomes.append(RuleOutcome(active, Status.NOT_APPLICABLE, (), ()))
            continue
        failures = [m for m in rule_matches if m.outcome == "fail"]
        if failures:
            findings = tuple(
                sorted(
                    {
                        f["fingerprint"]: f for f in (_finding(catalog, active, m, source_map, lang) for m in failures)
                    }.values(),
                    key=lambda f: (f["line"] or 0, f["column"] or 0, f["pointer"], f["message"]),
                )
            )
            outcomes.append(RuleOutcome(active, Status.FAIL, findings, ()))
            continue
        outcomes.append(_passed_or_unknown(active, plan))
    return outcomes


def _passed_or_unknown(active: ActiveRule, plan: PlanData) -> RuleOutcome:
    """A rule that did not fail passes, unless the plan lacks a field it requires: then it is unknown."""
    requires = active.rule.spec.requires
    missing = tuple(sorted({p for pattern in requires for p in missing_pointers(plan, pattern)})) if requires else ()
    return RuleOutcome(active, Status.UNKNOWN if missing else Status.PASS, (), missing)


def _finding(
    catalog: Catalog, active: ActiveRule, match: Match, source_map: SourceMap | None, lang: str
) -> FindingData:
    rule = active.rule
    fact = match.binding(rule.about(match.alternative)) or match.bindings[0][1]
    pointer = str(fact["ptr"])
    if rule.spec.field:
        pointer = f"{pointer}/{rule.spec.field}"
    elif not pointer:  # about the plan as a whole: point at the element it says is missing, if any
        pointer = rule.absent[match.alternative] or pointer
    location = source_map.locate(pointer) if source_map is not None else None
    words = active.texts(lang)
    identity = "|".join([rule.id, rule.spec.field or "", *sorted(_identity(f) for _, f in match.bindings)])
    return {
        "rule_id": rule.id,
        "step": rule.spec.step,
        "severity": active.severity,
        "title": words["title"],
        "message": render(rule.message(match.alternative, lang), match, catalog.thresholds, lang),
        "rationale": words["rationale"],
        "recommendation": words["recommendation"],
        "pointer": pointer,
        "line": location[0] if location else None,
        "column": location[1] if location else None,
        "fingerprint": hashlib.sha256(identity.encode()).hexdigest()[:16],
    }
