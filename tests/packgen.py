"""Generated custom rule packs over the fact model: joins, comparisons, arithmetic, negation, $or/$and.

Conditions are written in the pack language (what an author writes) and compiled by
`assess.rules.conditions`, exactly as a pack's rules are. Literals are drawn from values
the facts of real plans hold for that field, so comparisons are between values of one type.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from assess.engines.base import CompiledRule
from assess.rules.conditions import ConditionError, compile_condition
from assess.rules.facts import FACT_MODEL, Fact

Observed = dict[str, dict[str, list[Any]]]  # kind -> field -> values seen


def observe(fact_lists: Sequence[Sequence[Fact]]) -> Observed:
    seen: Observed = {kind: {} for kind in FACT_MODEL}
    for facts in fact_lists:
        for fact in facts:
            fields = seen.setdefault(fact["kind"], {})
            for name, value in fact.items():
                if name in ("kind", "fid", "ptr"):
                    continue
                values = fields.setdefault(name, [])
                if len(values) < 40 and value not in values:
                    values.append(value)
    return seen


def _scalar(values: list[Any]) -> list[Any]:
    return [v for v in values if not isinstance(v, list)]


def _numeric_fields(seen: Observed, kind: str) -> list[str]:
    return [
        f
        for f, vs in seen.get(kind, {}).items()
        if vs and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vs)
    ]


def _term(rng: random.Random, seen: Observed, kind: str) -> dict[str, Any] | None:
    fields = {f: _scalar(vs) for f, vs in seen.get(kind, {}).items() if _scalar(vs)}
    lists = {f: [i for v in vs if isinstance(v, list) for i in v] for f, vs in seen.get(kind, {}).items()}
    lists = {f: items for f, items in lists.items() if items}
    choice = rng.random()
    if choice < 0.15:
        field = rng.choice(sorted(FACT_MODEL[kind]))
        return {rng.choice(["$ex", "$nex"]): {field: 1}}
    if choice < 0.25 and lists:
        field = rng.choice(sorted(lists))
        return {rng.choice(["$iany", "$iall"]): {field: {"$i": rng.choice(lists[field])}}}
    if not fields:
        return None
    field = rng.choice(sorted(fields))
    value = rng.choice(fields[field])
    if choice < 0.35:
        other = rng.choice(fields[field])
        return {"$or": [{field: value}, {rng.choice(["$lt", "$gt", "$neq"]): {field: other}}]}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {rng.choice(["$lt", "$lte", "$gt", "$gte", "$neq"]): {field: value}}
    return {field: value} if rng.random() < 0.7 else {"$neq": {field: value}}


def _join(rng: random.Random, seen: Observed, kind: str, bound: list[tuple[str, str]]) -> dict[str, Any] | None:
    mine = _numeric_fields(seen, kind)
    targets = [(name, f) for name, k in bound for f in _numeric_fields(seen, k)]
    if not mine or not targets:
        return None
    binding, field = rng.choice(targets)
    operand: Any = {binding: field}
    if rng.random() < 0.5:
        operand = {rng.choice(["$add", "$sub", "$mul"]): {"$l": operand, "$r": rng.choice([0, 1, 2, 7, 30, 90, 365])}}
    return {rng.choice(["$lt", "$lte", "$gt", "$gte", "$neq"]): {rng.choice(mine): operand}}


def condition(rng: random.Random, seen: Observed, joins: bool = True) -> list[dict[str, Any]]:
    kinds = [k for k in FACT_MODEL if seen.get(k)]
    patterns: list[dict[str, Any]] = []
    bound: list[tuple[str, str]] = []
    for index in range(rng.randint(1, 3)):
        kind = rng.choice(kinds)
        expression: dict[str, Any] = {"kind": kind}
        terms = [t for t in (_term(rng, seen, kind) for _ in range(rng.randint(0, 2))) if t]
        if joins and bound and rng.random() < 0.6:
            join = _join(rng, seen, kind, bound)
            if join:
                terms.append(join)
        if terms:
            expression = {"$and": [{"kind": kind}, *terms]} if rng.random() < 0.5 else {"kind": kind, **_merge(terms)}
        name = f"b{index}"
        patterns.append({name: expression})
        bound.append((name, kind))
    if rng.random() < 0.4:
        kind = rng.choice(kinds)
        terms = [t for t in (_term(rng, seen, kind),) if t]
        join = _join(rng, seen, kind, bound) if joins and rng.random() < 0.5 else None
        patterns.append({"n$not": {"$and": [{"kind": kind}, *terms, *([join] if join else [])]}})
    return patterns


def _merge(terms: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for term in terms:
        ((key, value),) = term.items()
        if key in merged:
            return {"$and": terms}
        merged[key] = value
    return merged


def pack(rng: random.Random, seen: Observed, size: int, prefix: str = "GEN", joins: bool = True) -> list[CompiledRule]:
    """`size` compiled rules; a condition the compiler rejects is drawn again."""
    rules: list[CompiledRule] = []
    while len(rules) < size:
        alternatives = [condition(rng, seen, joins) for _ in range(rng.choice([1, 1, 2]))]
        when: Any = alternatives[0] if len(alternatives) == 1 else {"any": alternatives}
        compiled = compile_condition(when, {})
        skip = compile_condition(condition(rng, seen, joins), {}) if rng.random() < 0.2 else []
        rules.append(
            CompiledRule(
                f"{prefix}-{len(rules) + 1:02d}", tuple(tuple(a) for a in compiled), tuple(tuple(a) for a in skip)
            )
        )
    return rules


def pack_document(
    rng: random.Random, seen: Observed, size: int, name: str = "gen", prefix: str = "GEN", joins: bool = True
) -> dict[str, Any]:
    """A custom rule pack file (what an author writes) with `size` generated rules; load it with --rules.

    Each rule's conditions are written in the pack language; a condition the compiler rejects is
    drawn again, so every pack loads. Messages name the bound facts' ``ptr`` so that a finding
    depends on which facts matched, not only on whether the rule failed.
    """
    rules: list[dict[str, Any]] = []
    while len(rules) < size:
        alternatives = [condition(rng, seen, joins) for _ in range(rng.choice([1, 1, 2]))]
        when: Any = alternatives[0] if len(alternatives) == 1 else {"any": alternatives}
        skip = condition(rng, seen, joins) if rng.random() < 0.2 else None
        try:
            compile_condition(when, {})
            if skip is not None:
                compile_condition(skip, {})
        except ConditionError:
            continue
        first = next(iter(alternatives[0][0]))
        number = len(rules) + 1
        rule: dict[str, Any] = {
            "id": f"{prefix}-{number:02d}",
            "step": rng.randint(1, 11),
            "title": f"Generated rule {number}",
            "severity": rng.choice(["critical", "high", "medium", "low", "info"]),
            "rationale": "Generated to compare the engines.",
            "recommendation": "Nothing: a generated rule.",
            "message": f"generated rule {number} matched {{{first}.ptr}}",
            "about": first,
            "when": when,
            "examples": {"pass": [{"note": "none", "patch": {}}], "fail": [{"note": "none", "patch": {}}]},
        }
        if skip is not None:
            rule["skip_when"] = skip
        rules.append(rule)
    return {"pack": name, "version": "1", "rules": rules}
