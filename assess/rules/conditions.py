"""Check and translate rule conditions into durable_rules' own JSON rule language.

A condition is a list of patterns, each ``{binding: expression}``, all of which
must match (durable's ``all``); a binding whose name ends in ``$not`` must not
match (durable's negation). ``{"any": [[...], [...]]}`` gives alternatives.

Expressions are durable's: ``{field: value}`` equality, ``$lt $lte $gt $gte $neq``,
``$ex``/``$nex``, ``$and``/``$or``, ``$iall``/``$iany`` with ``$i``,
joins to an earlier binding (``{"$lt": {"selected_day": {"r": "day"}}}``) and
arithmetic (``$add $sub $mul $div`` with ``$l``/``$r``). Rejected, because durable
evaluates them wrongly or not at all: ``$mt`` (its regex engine hangs on some
patterns) and a join inside ``$or``. A field another pattern joins to gets an
``$ex`` test on its own pattern (durable crashes on a join to an absent field).
Two additions, both resolved here so durable never sees them:

- an object with several keys means all of them (durable silently reads only
  one key of such an object, a trap this translation removes);
- ``{"$threshold": "name"}`` is replaced by the configured threshold value.

Every pattern must name its fact ``kind``, and every field must exist in
`assess.rules.facts.FACT_MODEL`: durable accepts a misspelt field and then never
matches, so this check is what makes a wrong condition fail loudly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from assess.rules.facts import FACT_MODEL

# Limits checked when a pack loads (durable_rules compiles conditions into a network and regular
# expressions into automata, hence no $mt: past these it hangs, ignoring Ctrl-C, or fails; see README "Limits").
MAX_DEPTH = 16  # nesting of objects and lists in one condition
MAX_TERMS = 32  # items of one $and / $or
MAX_PATTERNS = 16  # patterns in one alternative
MAX_ALTERNATIVES = 32  # alternatives of one 'any'

COMPARISONS = frozenset({"$lt", "$lte", "$gt", "$gte", "$neq"})
ARITHMETIC = frozenset({"$add", "$sub", "$mul", "$div"})
_BINDING = re.compile(r"^[a-z][a-z0-9_]*(\$not)?$")
_COMMON_FIELDS = frozenset({"kind", "fid", "ptr"})


class ConditionError(ValueError):
    """A condition that is not valid; the message says where in the condition."""


class _Scope:
    """What the patterns seen so far have bound: binding name -> fact kind."""

    def __init__(self) -> None:
        self.bindings: dict[str, str] = {}


def compile_condition(condition: Any, thresholds: Mapping[str, float | int]) -> list[list[dict[str, Any]]]:
    """Alternatives, each a durable ``all`` list, or raise ConditionError."""
    _check_depth(condition)
    if isinstance(condition, dict) and set(condition) == {"any"}:
        alternatives = condition["any"]
        if not isinstance(alternatives, list) or not alternatives:
            raise ConditionError("'any' takes a non-empty list of pattern lists")
        if len(alternatives) > MAX_ALTERNATIVES:
            raise ConditionError(f"'any' has {len(alternatives)} alternatives; at most {MAX_ALTERNATIVES} are allowed")
        return [_compile_patterns(alt, thresholds, f"any[{i}]") for i, alt in enumerate(alternatives)]
    return [_compile_patterns(condition, thresholds, "")]


def alternative_bindings(condition: Any) -> list[dict[str, str]]:
    """For each alternative, its positive binding names -> fact kind, in pattern order.

    Call only on a condition that `compile_condition` accepted.
    """
    alternatives = condition["any"] if isinstance(condition, dict) and "any" in condition else [condition]
    result: list[dict[str, str]] = []
    for patterns in alternatives:
        found: dict[str, str] = {}
        for pattern in patterns:
            ((name, expression),) = pattern.items()
            if not name.endswith("$not"):
                found[name] = _kind_of(expression, name)
        result.append(found)
    return result


def absent_kinds(condition: Any) -> list[str | None]:
    """For each alternative, the kind of its first negated binding (what it says is missing), or None.

    Call only on a condition that `compile_condition` accepted.
    """
    alternatives = condition["any"] if isinstance(condition, dict) and "any" in condition else [condition]
    result: list[str | None] = []
    for patterns in alternatives:
        negated = [
            _kind_of(expression, name)
            for pattern in patterns
            for name, expression in pattern.items()
            if name.endswith("$not")
        ]
        result.append(negated[0] if negated else None)
    return result


def _compile_patterns(patterns: Any, thresholds: Mapping[str, float | int], where: str) -> list[dict[str, Any]]:
    if not isinstance(patterns, list) or not patterns:
        raise ConditionError(f"{where or 'condition'}: expected a non-empty list of patterns")
    if len(patterns) > MAX_PATTERNS:
        raise ConditionError(f"{where or 'condition'}: {len(patterns)} patterns; at most {MAX_PATTERNS} are allowed")
    scope = _Scope()
    out: list[dict[str, Any]] = []
    for index, pattern in enumerate(patterns):
        at = f"{where}[{index}]" if where else f"[{index}]"
        if not isinstance(pattern, dict) or len(pattern) != 1:
            raise ConditionError(f"{at}: a pattern is an object with exactly one binding name")
        ((name, expression),) = pattern.items()
        if not isinstance(name, str) or not _BINDING.match(name):
            raise ConditionError(f"{at}: binding name {name!r} must be lower_snake_case, optionally ending in '$not'")
        if name in scope.bindings or name.removesuffix("$not") in scope.bindings:
            raise ConditionError(f"{at}: binding {name!r} is used twice")
        kind = _kind_of(expression, at)
        compiled = _expression(expression, kind, scope, thresholds, f"{at}.{name}")
        out.append({name: compiled})
        if not name.endswith("$not"):
            scope.bindings[name] = kind
    guarded = _guard_joins(out)
    for index, pattern in enumerate(guarded):
        ((name, expression),) = pattern.items()
        slots = pattern_slots(expression)
        if slots > MAX_PATTERN_SLOTS:
            at = f"{where}[{index}]" if where else f"[{index}]"
            raise ConditionError(
                f"{at}.{name}: too many joins and $and/$or groups in one pattern ({slots} entries; durable_rules "
                f"holds {MAX_PATTERN_SLOTS}: each join takes 1, each $and/$or 2, 2 more when it joins); "
                "split it into several patterns or rules"
            )
    return guarded


MAX_PATTERN_SLOTS = 31
"""durable_rules 2.0.28 keeps a pattern's joins and group markers in a fixed array of 32 entries, and
fails registration (error 113) when the 32nd is added: at most 31 (``MAX_SEQUENCE_EXPRESSIONS``
in rete.h, ``APPEND_EXPRESSION`` in rete.c)."""


def pattern_slots(expression: Any) -> int:
    """How many entries durable_rules' expression list takes for this compiled pattern.

    Each ``$and``/``$or`` (at any depth, inside ``$iall``/``$iany`` too) takes 2 (its marker and
    its END), each join 1, and a pattern with a join 2 more: the empty ``$or`` group the durable
    engine appends after the joins (`assess.engines.durable._end_joins_safely`). Checked here,
    for both engines, so that a pack durable cannot register is refused at load on either.
    """
    groups = joins = 0

    def walk(term: Any, items: bool) -> None:
        nonlocal groups, joins
        if not isinstance(term, dict):
            return
        for key, value in term.items():
            if key in ("$and", "$or"):
                groups += 1
                for item in value:
                    walk(item, items)
            elif key in ("$iall", "$iany"):
                for inner in value.values():
                    walk(inner, True)  # tests on $i: never joins, but their groups count
            elif not items and _has_join({key: value}):
                joins += 1

    walk(expression, False)
    return 2 * groups + joins + (2 if joins else 0)


def _kind_of(expression: Any, at: str) -> str:
    """The fact kind a pattern matches: a top-level ``kind`` equality is required."""
    kinds: list[Any] = []
    if isinstance(expression, dict):
        if "kind" in expression:
            kinds.append(expression["kind"])
        for item in expression.get("$and", []) if isinstance(expression.get("$and"), list) else []:
            if isinstance(item, dict) and "kind" in item:
                kinds.append(item["kind"])
    if len(kinds) != 1 or not isinstance(kinds[0], str):
        raise ConditionError(f"{at}: a pattern must say which kind of fact it matches, e.g. {{kind: channel}}")
    if kinds[0] not in FACT_MODEL:
        raise ConditionError(f"{at}: unknown fact kind {kinds[0]!r} (known: {', '.join(sorted(FACT_MODEL))})")
    return str(kinds[0])


def _check_field(field: str, kind: str, at: str) -> None:
    if field in _COMMON_FIELDS:
        return
    if field not in FACT_MODEL[kind]:
        known = ", ".join(sorted(FACT_MODEL[kind]))
        raise ConditionError(f"{at}: fact kind {kind!r} has no field {field!r} (fields: {known})")


def _expression(
    expression: Any, kind: str, scope: _Scope, thresholds: Mapping[str, float | int], at: str
) -> dict[str, Any]:
    if not isinstance(expression, dict) or not expression:
        raise ConditionError(f"{at}: expected an expression object, found {expression!r}")
    if len(expression) > 1:
        parts = [{key: value} for key, value in expression.items()]
        return _conjunction([_expression(part, kind, scope, thresholds, at) for part in parts])
    ((key, value),) = expression.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{at}: {key} takes a non-empty list")
        if len(value) > MAX_TERMS:
            raise ConditionError(f"{at}: {key} has {len(value)} terms; at most {MAX_TERMS} are allowed")
        items = [_expression(item, kind, scope, thresholds, f"{at}.{key}[{i}]") for i, item in enumerate(value)]
        if key == "$or" and any(_joins_in(item) for item in items):
            raise ConditionError(
                f"{at}: a join to another binding cannot sit inside $or (durable_rules evaluates it wrongly); "
                "write the alternatives as 'any' instead"
            )
        return _conjunction(items) if key == "$and" else {key: items}
    if key in COMPARISONS:
        field, operand = _single(value, key, at)
        _check_field(field, kind, at)
        return {key: {field: _operand(operand, scope, thresholds, f"{at}.{key}")}}
    if key in ("$ex", "$nex"):
        field, operand = _single(value, key, at)
        _check_field(field, kind, at)
        if operand != 1:
            raise ConditionError(f"{at}: {key} takes {{field: 1}}")
        return {key: {field: 1}}
    if key == "$mt":
        raise ConditionError(
            f"{at}: $mt (regular expressions) is not supported: durable_rules hangs or fails on many patterns; "
            "compare with equality or $or instead"
        )
    if key in ("$iall", "$iany"):
        field, inner = _single(value, key, at)
        _check_field(field, kind, at)
        return {key: {field: _item_expression(inner, thresholds, f"{at}.{key}")}}
    if key.startswith("$"):
        raise ConditionError(f"{at}: unknown operator {key!r}")
    _check_field(key, kind, at)
    return {key: _operand(value, scope, thresholds, f"{at}.{key}")}


def _joins_in(node: Any) -> list[tuple[str, str]]:
    """Every (binding, field) a compiled expression joins to, inside arithmetic and $and/$or too."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$and", "$or"):
                for item in value:
                    found += _joins_in(item)
            elif key in COMPARISONS:
                found += _operand_joins(next(iter(value.values())))
            elif not key.startswith("$"):
                found += _operand_joins(value)
    return found


def _operand_joins(operand: Any) -> list[tuple[str, str]]:
    if not isinstance(operand, dict):
        return []
    ((key, inner),) = operand.items()
    if key in ARITHMETIC:
        return _operand_joins(inner["$l"]) + _operand_joins(inner["$r"])
    return [(key, inner)] if not key.startswith("$") else []


def _guard_joins(out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each field a later pattern joins to must exist on the bound fact: ``$ex`` is added to its pattern.

    durable_rules fails the whole run (error 311) or crashes (segmentation fault) when a
    join reads a field the bound fact lacks; with the guard such a frame simply does not match.
    """
    needed: dict[str, list[str]] = {}
    for pattern in out:
        ((_, expression),) = pattern.items()
        for binding, field in _joins_in(expression):
            if field not in needed.setdefault(binding, []):
                needed[binding].append(field)
    guarded: list[dict[str, Any]] = []
    for pattern in out:
        ((name, expression),) = pattern.items()
        terms = expression["$and"] if set(expression) == {"$and"} else [expression]
        missing = [{"$ex": {f: 1}} for f in needed.get(name, []) if {"$ex": {f: 1}} not in terms]
        guarded.append({name: _conjunction([expression, *missing])} if missing else pattern)
    return guarded


def _has_join(term: dict[str, Any]) -> bool:
    """A comparison whose operand names an earlier binding (possibly inside arithmetic)."""
    ((key, value),) = term.items()
    if key not in COMPARISONS and key.startswith("$"):
        return False
    operand = next(iter(value.values())) if key in COMPARISONS else value
    return isinstance(operand, dict)  # thresholds are numbers by now: a dict is a binding or arithmetic


def _conjunction(terms: list[dict[str, Any]]) -> dict[str, Any]:
    """An ``$and`` durable evaluates as written: flat, joins before any nested ``$or``.

    durable_rules silently drops a join that follows a nested ``$and``/``$or`` in the
    same pattern (the pattern then matches every fact); nested ``$and`` is flattened
    and joins are moved to the front, which changes nothing else since AND commutes.
    """
    flat: list[dict[str, Any]] = []
    for term in terms:
        if set(term) == {"$and"}:
            flat.extend(term["$and"])
        else:
            flat.append(term)
    order = sorted(range(len(flat)), key=lambda i: (0 if _has_join(flat[i]) else 2 if "$or" in flat[i] else 1, i))
    return {"$and": [flat[i] for i in order]}


def _item_expression(expression: Any, thresholds: Mapping[str, float | int], at: str) -> dict[str, Any]:
    """Inside $iall/$iany: tests on ``$i`` (the array item)."""
    if not isinstance(expression, dict) or len(expression) != 1:
        raise ConditionError(f"{at}: expected one test on $i, e.g. {{$i: x}} or {{$neq: {{$i: x}}}}")
    ((key, value),) = expression.items()
    if key == "$i":
        return {"$i": _literal(value, thresholds, at)}
    if key in ("$and", "$or") and isinstance(value, list):
        if len(value) > MAX_TERMS:
            raise ConditionError(f"{at}: {key} has {len(value)} terms; at most {MAX_TERMS} are allowed")
        return {key: [_item_expression(item, thresholds, at) for item in value]}
    if key in COMPARISONS:
        field, operand = _single(value, key, at)
        if field != "$i":
            raise ConditionError(f"{at}: inside {key}, compare $i (the item), e.g. {{{key}: {{$i: 3}}}}")
        return {key: {"$i": _literal(operand, thresholds, at)}}
    raise ConditionError(f"{at}: tests on array items must use $i (durable silently never matches otherwise)")


def _single(value: Any, key: str, at: str) -> tuple[str, Any]:
    if not isinstance(value, dict) or len(value) != 1:
        raise ConditionError(f"{at}: {key} takes an object with one field")
    ((field, operand),) = value.items()
    return str(field), operand


def _literal(value: Any, thresholds: Mapping[str, float | int], at: str) -> Any:
    if isinstance(value, dict) and set(value) == {"$threshold"}:
        return _threshold(value["$threshold"], thresholds, at)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return _engine_number(value, at)
    raise ConditionError(f"{at}: expected a literal value, found {value!r}")


def _engine_number(value: float, at: str) -> float | int:
    """A number durable_rules reads as written: whole numbers as ints, no exponent (5e-05, 1e+16)."""
    if not math.isfinite(value):
        raise ConditionError(f"{at}: {value!r} is not a finite number")
    if value.is_integer():
        if abs(value) > 2**53:
            raise ConditionError(f"{at}: number {value!r} is too large for the engine")
        return int(value)
    if "e" in repr(value):
        raise ConditionError(f"{at}: number {value!r} is too small or too precise for the engine")
    return value


def _threshold(name: Any, thresholds: Mapping[str, float | int], at: str) -> float | int:
    if name not in thresholds:
        raise ConditionError(f"{at}: unknown threshold {name!r} (known: {', '.join(sorted(thresholds))})")
    value = thresholds[name]
    return _engine_number(value, at) if isinstance(value, float) else value


def _operand(value: Any, scope: _Scope, thresholds: Mapping[str, float | int], at: str) -> Any:
    """A literal, a threshold, a join ``{binding: field}`` or arithmetic on those."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$threshold":
            return _threshold(inner, thresholds, at)
        if key in ARITHMETIC:
            if not isinstance(inner, dict) or set(inner) != {"$l", "$r"}:
                raise ConditionError(f"{at}: {key} takes {{$l: ..., $r: ...}}")
            left = _operand(inner["$l"], scope, thresholds, f"{at}.{key}.$l")
            right = _operand(inner["$r"], scope, thresholds, f"{at}.{key}.$r")
            for side in (left, right):
                # durable_rules crashes (segfault) on a float literal inside arithmetic.
                if isinstance(side, float):
                    raise ConditionError(f"{at}: arithmetic operands must be whole numbers or fields, found {side!r}")
            return {key: {"$l": left, "$r": right}}
        if isinstance(key, str) and not key.startswith("$"):
            if key not in scope.bindings:
                raise ConditionError(f"{at}: {key!r} is not a binding defined earlier in this condition")
            if not isinstance(inner, str):
                raise ConditionError(f"{at}: a join names a field of {key!r}")
            _check_field(inner, scope.bindings[key], at)
            return {key: inner}
    return _literal(value, thresholds, at)


def _check_depth(condition: Any) -> None:
    """Refuse a condition nested deeper than MAX_DEPTH (iteratively: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(condition, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ConditionError(f"nested more than {MAX_DEPTH} levels deep")
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
