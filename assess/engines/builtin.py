"""The built-in engine: durable_rules' rule language evaluated in plain Python, with durable's results.

It runs exactly what `assess.rules.conditions` emits, for machines where
durable_rules cannot be installed (no C compiler, Windows), and it returns the
same matches as `assess.engines.durable` for the same rules and facts; the
differential tests (tests/test_differential.py) hold it to that on every CI run.
What it reproduces of durable's matching, each point measured on durable_rules 2.0.28
(tests/test_builtin.py) or read in its C sources (events.c):

- the positive patterns of an alternative bind *distinct* facts, and every
  combination matches (two channel patterns over two channels: both orders);
- a negated pattern (``name$not``) is judged once every fact is in, and never
  sees a fact already bound earlier in the same frame;
- a test of an absent field is false, ``$neq`` included; ``$nex`` is true;
- values compare as durable's C code does: booleans, integers and floats as
  numbers (``true == 1``); strings byte by byte; a number or boolean against a
  string by its text (``%lld``, ``%f``, ``"true "``); anything against a list
  never matches; ``null`` equals nothing but ``null``;
- arithmetic: integer division truncates, a float makes the result a float,
  ``$add``/``$mul`` of two booleans are ``and``/``xor``;
- ``$iany``/``$iall`` test the items of a list (an empty list or a non-list: no match);
- a join (``{binding: field}``) needs the current fact's field (else no match);
  a bound fact lacking the joined field, or arithmetic durable cannot do, is an
  error of the whole run (durable: error 311/312), here `EngineError`.

Facts are indexed by kind, so each pattern only looks at facts of its own kind.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from assess.engines.base import CompiledRule, EngineError, Match, Owner, distinct_conditions, make_match
from assess.rules.facts import Fact

__all__ = ["BuiltinEngine"]

Frame = dict[str, Fact]
Test = Callable[[Fact, Frame], bool]
Value = Callable[[Fact, Frame], Any]

_MISSING = object()
_UNSUPPORTED = object()


def _text(value: Any) -> bytes | None:
    """How durable's C code spells a scalar when it compares it with a string."""
    if isinstance(value, bool):
        return b"true " if value else b"false "
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, float):
        return (f"{value:f}").encode()
    return None


def _strncmp(left: bytes, right: bytes, length: int) -> int:
    left, right = left.split(b"\0", 1)[0][:length], right.split(b"\0", 1)[0][:length]
    return (left > right) - (left < right)


def _text_length(value: Any) -> int:
    if isinstance(value, bool):
        return 4 if value else 5
    return len(_text(value) or b"")


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float)  # bool is an int


def compare(op: str, left: Any, right: Any) -> Any:
    """durable's reduceProperties for a comparison: True/False, or _UNSUPPORTED."""
    if left is None or right is None:
        if left is None and right is None:
            return op == "$eq"
        other = right if left is None else left
        if left is None or not (_numeric(other) or isinstance(other, str)):
            return _UNSUPPORTED
        return op == "$neq"
    if _numeric(left) and _numeric(right):
        order = (left > right) - (left < right)
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left.encode(), right.encode()
        order = _strncmp(a, b, max(len(a), len(b)))
    elif isinstance(left, str) and _numeric(right):
        a, b = left.encode(), _text(right) or b""
        order = _strncmp(a, b, max(len(a), _text_length(right)))
    elif _numeric(left) and isinstance(right, str):
        a, b = _text(left) or b"", right.encode()
        order = _strncmp(a, b, max(_text_length(left), len(b)))
    else:
        return _UNSUPPORTED
    if op == "$eq":
        return order == 0
    if op == "$neq":
        return order != 0
    if op == "$lt":
        return order < 0
    if op == "$lte":
        return order <= 0
    if op == "$gt":
        return order > 0
    return order >= 0  # $gte


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """durable's reduceProperties for arithmetic, or _UNSUPPORTED."""
    if isinstance(left, bool) and isinstance(right, bool):
        if op == "$add":
            return left and right
        if op == "$mul":
            return left != right
        return _UNSUPPORTED
    if not (_numeric(left) and _numeric(right)):
        return _UNSUPPORTED
    if isinstance(left, float) or isinstance(right, float):
        a, b = float(left), float(right)
        if op == "$add":
            return a + b
        if op == "$sub":
            return a - b
        if op == "$mul":
            return a * b
        if b == 0:  # C: IEEE division
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    i, j = int(left), int(right)
    if op == "$add":
        return i + j
    if op == "$sub":
        return i - j
    if op == "$mul":
        return i * j
    if j == 0:
        raise EngineError("rule engine failed: division by zero in a condition")
    quotient = abs(i) // abs(j)
    return quotient if (i >= 0) == (j >= 0) else -quotient  # C truncates toward zero


_COMPARISONS = ("$lt", "$lte", "$gt", "$gte", "$neq")
_ARITHMETIC = ("$add", "$sub", "$mul", "$div")


def _is_join(operand: Any) -> bool:
    return isinstance(operand, dict)


def _operand(operand: Any) -> Value:
    """A join ``{binding: field}`` or arithmetic on joins and literals, read from the frame."""
    if isinstance(operand, dict):
        ((key, inner),) = operand.items()
        if key in _ARITHMETIC:
            left, right = _operand(inner["$l"]), _operand(inner["$r"])

            def reduce(fact: Fact, frame: Frame) -> Any:
                result = arithmetic(key, left(fact, frame), right(fact, frame))
                if result is _UNSUPPORTED:
                    raise EngineError("rule engine failed: arithmetic on values that do not support it (error 312)")
                return result

            return reduce
        binding, field = key, inner

        def read(fact: Fact, frame: Frame) -> Any:
            value = frame[binding].get(field, _MISSING)
            if value is _MISSING:
                raise EngineError(f"rule engine failed: {binding}.{field} is absent (error 311)")
            return value

        return read
    return lambda fact, frame: operand


def _test(expression: dict[str, Any]) -> tuple[list[Test], list[Test]]:
    """(tests on the fact alone, join tests) for one expression; both lists must hold."""
    ((key, value),) = expression.items()
    if key == "$and":
        alpha: list[Test] = []
        beta: list[Test] = []
        for item in value:
            a, b = _test(item)
            alpha += a
            beta += b
        return alpha, beta
    if key == "$or":
        branches = [_single(item) for item in value]
        return [lambda fact, frame: any(branch(fact, frame) for branch in branches)], []
    if key in ("$ex", "$nex"):
        ((field, _),) = value.items()
        present = key == "$ex"
        return [lambda fact, frame: (field in fact) == present], []
    if key in ("$iall", "$iany"):
        ((field, inner),) = value.items()
        item_test = _item(inner)
        every = key == "$iall"

        def items(fact: Fact, frame: Frame) -> bool:
            found = fact.get(field, _MISSING)
            if not isinstance(found, list) or not found:
                return False
            return all(item_test(i) for i in found) if every else any(item_test(i) for i in found)

        return [items], []
    if key == "$mt":
        raise EngineError("the built-in engine does not evaluate $mt (the rule compiler rejects it)")
    op, (field, operand) = (key, next(iter(value.items()))) if key in _COMPARISONS else ("$eq", (key, value))
    if _is_join(operand):
        right = _operand(operand)

        def join(fact: Fact, frame: Frame) -> bool:
            result = compare(op, fact[field], right(fact, frame))
            if result is _UNSUPPORTED:
                raise EngineError("rule engine failed: a join compares values that cannot be compared (error 312)")
            return bool(result)

        return [lambda fact, frame: field in fact], [join]

    def literal(fact: Fact, frame: Frame) -> bool:
        found = fact.get(field, _MISSING)
        return found is not _MISSING and compare(op, found, operand) is True

    return [literal], []


def _single(expression: dict[str, Any]) -> Test:
    alpha, beta = _test(expression)
    tests = alpha + beta  # the fact's own tests first: a join is only evaluated for a fact that passes them
    if len(tests) == 1:
        return tests[0]
    return lambda fact, frame: all(test(fact, frame) for test in tests)


def _item(expression: dict[str, Any]) -> Callable[[Any], bool]:
    """A test on a list item (``$i``) inside $iall/$iany."""
    ((key, value),) = expression.items()
    if key in ("$and", "$or"):
        parts = [_item(item) for item in value]
        if key == "$and":
            return lambda item: all(part(item) for part in parts)
        return lambda item: any(part(item) for part in parts)
    op, operand = (key, value["$i"]) if key in _COMPARISONS else ("$eq", value)
    return lambda item: compare(op, item, operand) is True


def _kind(expression: dict[str, Any]) -> str:
    if "kind" in expression:
        return str(expression["kind"])
    for item in expression.get("$and", []):
        if "kind" in item:
            return str(item["kind"])
    raise EngineError(f"a pattern without a kind: {expression!r}")


class _Pattern:
    __slots__ = ("kind", "name", "negated", "test")

    def __init__(self, name: str, expression: dict[str, Any]) -> None:
        self.negated = name.endswith("$not")
        self.name = name.removesuffix("$not")
        self.kind = _kind(expression)
        self.test = _single(expression)


class BuiltinEngine:
    """Runs compiled rules over facts in plain Python, with durable_rules' matching semantics."""

    name = "builtin"

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        self._conditions: list[tuple[tuple[_Pattern, ...], tuple[Owner, ...]]] = [
            (tuple(_Pattern(*next(iter(p.items()))) for p in patterns), tuple(owners))
            for patterns, owners in distinct_conditions(self.rules).values()
        ]

    def run(self, facts: Sequence[Fact]) -> list[Match]:
        by_kind: dict[str, list[Fact]] = {}
        for fact in facts:
            by_kind.setdefault(fact["kind"], []).append(fact)
        found: dict[tuple[str, str, int, tuple[str, ...]], Match] = {}
        for patterns, owners in self._conditions:
            for frame in _frames(patterns, by_kind):
                bindings = list(frame.items())
                for owner in owners:
                    match = make_match(owner, bindings)
                    found.setdefault((owner[0], owner[1], owner[2], match.key), match)
        return [found[k] for k in sorted(found)]


def _frames(patterns: tuple[_Pattern, ...], by_kind: dict[str, list[Fact]]) -> list[Frame]:
    frames: list[Frame] = [{}]
    for pattern in patterns:
        candidates = by_kind.get(pattern.kind, ())
        test = pattern.test
        if pattern.negated:
            frames = [
                frame
                for frame in frames
                if not any(
                    test(fact, frame) for fact in candidates if not any(fact is bound for bound in frame.values())
                )
            ]
        else:
            extended: list[Frame] = []
            for frame in frames:
                for fact in candidates:
                    if any(fact is bound for bound in frame.values()):
                        continue
                    if test(fact, frame):
                        extended.append({**frame, pattern.name: fact})
            frames = extended
        if not frames:
            break
    return frames
