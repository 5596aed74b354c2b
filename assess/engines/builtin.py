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

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from typing import Any, NamedTuple

from assess.codecache import compiled
from assess.engines.base import CompiledRule, EngineError, Match, Owner, distinct_conditions
from assess.rules.facts import Fact

__all__ = ["BuiltinEngine"]

Frame = dict[str, Fact]
Test = Callable[[Fact, Frame], bool]
Value = Callable[[Fact, Frame], Any]

_MISSING = object()
_UNSUPPORTED = object()
RUN_FILENAME = "<assess: the built-in engine's run>"  # a traceback's file name for the generated run
LITERALS_FILENAME = "<assess: the built-in engine's literal tests>"


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

        return [lambda fact, frame: field in fact], [_integer_join(op, field, operand, join) or join]

    def literal(fact: Fact, frame: Frame) -> bool:
        found = fact.get(field, _MISSING)
        return found is not _MISSING and compare(op, found, operand) is True

    return [literal], []


_INTEGER_ORDER = {"$eq": "==", "$neq": "!=", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
_INTEGER_ARITHMETIC = {"$add": "+", "$sub": "-", "$mul": "*"}  # not $div: C truncates, and a zero is an error
_INTEGER_JOIN = """
def make(field, binding, bound_field, constant, general, missing):
    def join(fact, frame):
        value = fact[field]
        bound = frame[binding].get(bound_field, missing)
        if value.__class__ is int and bound.__class__ is int:
            return value {order} {right}
        return general(fact, frame)
    return join
"""


def _integer_join(op: str, field: str, operand: dict[str, Any], general: Test) -> Test | None:
    """`general` (a join ``field op {binding: field}``, or ``{binding: field} + - * integer``) with its operator
    written inline when both values are integers, or None for any other join.

    Why: a join went through four closures and `compare`/`arithmetic`'s type tests (~10 calls) to compare
    two day numbers (the catalog's every join: "reviewed before as_of_day - 365"). It must equal `general`:
    on two ints (not booleans) durable compares and computes exactly as Python does (integers, no
    division); any other value, or an absent bound field (error 311), goes to `general`.
    """
    ((key, inner),) = operand.items()
    right = "bound"
    constant: Any = None
    if key in _INTEGER_ARITHMETIC:
        left, constant = inner.get("$l"), inner.get("$r")
        if not (isinstance(left, dict) and len(left) == 1 and type(constant) is int):
            return None
        ((key, inner),) = left.items()
        right = f"bound {_INTEGER_ARITHMETIC[next(iter(operand))]} constant"
    if key.startswith("$") or not isinstance(inner, str):
        return None
    join: Test = _integer_join_maker(_INTEGER_ORDER[op], right)(field, key, inner, constant, general, _MISSING)
    return join


@cache
def _integer_join_maker(order: str, right: str) -> Callable[..., Test]:
    """`_INTEGER_JOIN`'s factory for one operator and right-hand side, compiled once a process (at most 24 of
    them; the catalog's 20 joins use 3): compiling one for each join took a twentieth of building the engine."""
    namespace: dict[str, Any] = {}
    exec(_INTEGER_JOIN.replace("{order}", order).replace("{right}", right), namespace)
    maker: Callable[..., Test] = namespace["make"]
    return maker


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


# ------------------------------------------------------------------ tests on the fact alone, compiled once

AlphaTest = Callable[[Fact], Any]

# durable orders two values as -1, 0 or 1 (``(a > b) - (a < b)`` here), so NaN is "equal" to every number:
# each comparison is written with < and > only, as that order is.
_ORDERED = {
    "$eq": "not (value < constant or value > constant)",
    "$neq": "value < constant or value > constant",
    "$lt": "value < constant",
    "$lte": "not value > constant",
    "$gt": "value > constant",
    "$gte": "not value < constant",
}
_LITERAL_TEMPLATE = """
def literal(field, op, constant, compare, missing, types):
    def test(fact):
        value = fact.get(field, missing)
        if value.__class__ in types{guard}:
            return {order}
        return value is not missing and compare(op, value, constant) is True
    return test
"""


def _literal_factories() -> tuple[dict[str, Callable[..., AlphaTest]], dict[str, Callable[..., AlphaTest]]]:
    """One closure factory per comparison, its operator written inline (a test runs ~200 times a plan), for
    numbers and for text: one source for all twelve, compiled once (`assess.codecache`), not on every import."""
    guards = {"N": "", "T": ' and "\\0" not in value'}
    parts = [
        _LITERAL_TEMPLATE.replace("def literal(", f"def literal_{kind}{number}(")
        .replace("{guard}", guard)
        .replace("{order}", order)
        for kind, guard in guards.items()
        for number, order in enumerate(_ORDERED.values())
    ]
    namespace: dict[str, Any] = {}
    exec(compiled("".join(parts), LITERALS_FILENAME).code, namespace)
    numeric, text = (
        {op: namespace[f"literal_{kind}{number}"] for number, op in enumerate(_ORDERED)} for kind in guards
    )
    return numeric, text


_NUMBERS = frozenset((int, float, bool))  # a set: a bool or a str is found as fast as an int (a tuple compares each)
_NUMERIC, _TEXT = _literal_factories()


def _literal(field: str, op: str, constant: Any) -> AlphaTest:
    """``field op constant`` with durable's semantics (`compare`), the common cases without its detour.

    Numbers (and booleans) against a number compare as numbers; strings against a string without
    NUL compare by code point, which is the order of their UTF-8 bytes (durable's ``strncmp``).
    Anything else goes through `compare`.
    """
    if type(constant) in _NUMBERS:
        return _NUMERIC[op](field, op, constant, compare, _MISSING, _NUMBERS)
    if type(constant) is str and "\0" not in constant:
        return _TEXT[op](field, op, constant, compare, _MISSING, (str,))

    def other(fact: Fact) -> bool:
        value = fact.get(field, _MISSING)
        return value is not _MISSING and compare(op, value, constant) is True

    return other


def _every(tests: list[AlphaTest]) -> AlphaTest:
    """One test that holds when all of `tests` hold, tried in order (no generator for the usual two or three)."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda fact: a(fact) and b(fact)
    if len(tests) == 3:
        a, b, c = tests
        return lambda fact: a(fact) and b(fact) and c(fact)
    first, rest = tests[0], _every(tests[1:])
    return lambda fact: first(fact) and rest(fact)


def _split(expression: dict[str, Any], kind: str) -> tuple[list[AlphaTest], list[Test]] | None:
    """(tests on the fact alone, join tests in order) of one pattern, or None when a test mixes both.

    The pattern's own ``kind`` test is left out: facts are indexed by kind. A join's ``field in
    fact`` precondition is a test on the fact; ``$or`` is one when none of its branches joins.
    """
    ((key, value),) = expression.items()
    if key == "$and":
        alpha: list[AlphaTest] = []
        beta: list[Test] = []
        for item in value:
            split = _split(item, kind)
            if split is None:
                return None
            alpha += split[0]
            beta += split[1]
        return alpha, beta
    if key == "kind" and value == kind:
        return [], []
    if key == "$or":
        branches: list[AlphaTest] = []
        for item in value:
            split = _split(item, "")
            if split is None or split[1]:
                return None
            branches.append(_every(split[0]) if split[0] else lambda fact: True)
        return [lambda fact: any(branch(fact) for branch in branches)], []
    if key in ("$ex", "$nex"):
        ((field, _),) = value.items()
        if key == "$ex":
            return [lambda fact: field in fact], []
        return [lambda fact: field not in fact], []
    if key in ("$iall", "$iany", "$mt"):
        ((test,), _) = _test(expression)
        return [lambda fact: test(fact, _NO_FRAME)], []
    op, (field, operand) = (key, next(iter(value.items()))) if key in _COMPARISONS else ("$eq", (key, value))
    if _is_join(operand):
        return [lambda fact: field in fact], _test(expression)[1]
    return [_literal(field, op, operand)], []


_NO_FRAME: Frame = {}
_NO_FACTS: list[Fact] = []  # shared by every empty selection: never changed, only read
# A named tuple's own __new__ is a Python function; tuple's builds the same tuple, at a fraction of the cost.
_new_match = tuple.__new__


class _Pattern:
    """One pattern of a condition, compiled: its kind, its tests on the fact alone (shared by key), its joins."""

    __slots__ = (
        "alpha",
        "alpha_id",
        "alpha_key",
        "alpha_terms",
        "beta",
        "kind",
        "name",
        "negated",
        "same_kind",
        "test",
    )

    def __init__(self, name: str, expression: dict[str, Any], earlier: list[_Pattern]) -> None:
        self.negated = name.endswith("$not")
        self.name = name.removesuffix("$not")
        self.kind = _kind(expression)
        split = _split(expression, self.kind)
        # The whole test, for the rare pattern that cannot be split (building it for every pattern took a
        # fifth of building the engine, its joins made twice).
        self.test: Test | None = _single(expression) if split is None else None
        self.alpha: AlphaTest | None = None
        self.beta: tuple[Test, ...] = ()
        self.alpha_key: str | None = None
        self.alpha_terms: list[Any] = []
        self.alpha_id = -1  # its tests on the fact alone, in the engine's table (-1: not split)
        if split is not None:
            alpha, beta = split
            self.alpha = _every(alpha) if alpha else None
            self.beta = tuple(beta)
            self.alpha_terms = _alpha_terms(expression, self.kind)
            # Facts passing the same tests on themselves are found once a run, whichever pattern asks.
            self.alpha_key = json.dumps([self.kind, self.alpha_terms], sort_keys=True)
        # Distinctness: only facts of this kind bound before can be this pattern's fact.
        self.same_kind = any(p.kind == self.kind and not p.negated for p in earlier)


def _alpha_terms(expression: dict[str, Any], kind: str) -> list[Any]:
    """The terms of a pattern that test the fact alone (joins stand as the presence of their field)."""
    ((key, value),) = expression.items()
    if key == "$and":
        return [term for item in value for term in _alpha_terms(item, kind)]
    if key == "kind" and value == kind:
        return []
    if key not in ("$or", "$ex", "$nex", "$iall", "$iany", "$mt"):
        field, operand = next(iter(value.items())) if key in _COMPARISONS else (key, value)
        if _is_join(operand):
            return [{"$ex": {field: 1}}]
    return [expression]


def _term_tests(
    pattern: _Pattern,
    namespace: dict[str, Any],
    tag: str,
    fields: dict[str, str],
    terms: dict[str, str],
    reads: dict[str, str],
) -> list[str] | None:
    """The pattern's tests on ``fact`` as boolean expressions, or None when a test cannot be written so.

    The common tests (a field against a number or a string, ``$ex``, ``$nex``) with the very expressions
    of `_literal`'s closures, any other one by calling its compiled test. A field is read from the local
    variable `fields` names for it (added when new), and `reads` gives the variable each expression reads:
    the caller reads each where the tests need it (`_tree_lines`), at most once a fact. A term is written
    once for all of a kind's patterns (`terms`, by its JSON): the same term gives the same expression,
    which is how `_tree_lines` finds the tests patterns share. The names an expression uses are added to
    `namespace` with `tag` in them.
    """
    tests: list[str] = []
    for term in pattern.alpha_terms:
        key = json.dumps(term, sort_keys=True)
        test = terms.get(key)
        if test is None:
            written = _term_test(term, pattern.kind, namespace, f"{tag}_{len(terms)}", fields)
            if written is None:
                return None
            test, read = written
            terms[key] = test
            if read:
                reads[test] = read
        tests.append(test)
    return tests


def _term_test(
    term: dict[str, Any], kind: str, namespace: dict[str, Any], name: str, fields: dict[str, str]
) -> tuple[str, str] | None:
    """One term's test on ``fact`` as a boolean expression (see `_term_tests`), its names ending in `name`, and
    the variable it reads ("" for a compiled test, which reads the fact itself)."""
    ((key, value),) = term.items()
    field: Any = None
    constant: Any = None
    if isinstance(value, dict) and len(value) == 1:
        ((field, constant),) = value.items()
    if key in ("$ex", "$nex") and field is not None:
        read = fields.setdefault(field, f"v{len(fields)}")
        return f"{read} is {'not ' if key == '$ex' else ''}MISSING", read
    op, field, constant = (key, field, constant) if key in _COMPARISONS else ("$eq", key, value)
    numeric = type(constant) in _NUMBERS
    text = type(constant) is str and "\0" not in constant
    if ((key in _COMPARISONS and field is not None) or not key.startswith("$")) and (numeric or text):
        namespace.update({f"C{name}": constant, f"O{name}": op})
        read = fields.setdefault(field, f"v{len(fields)}")
        guard = f"{read}.__class__ in NUMBERS" if numeric else f'{read}.__class__ is str and "\\0" not in {read}'
        order = _ORDERED[op].replace("value", read).replace("constant", f"C{name}")
        test = f"({order}) if {guard} else ({read} is not MISSING and compare(O{name}, {read}, C{name}) is True)"
        return _typed_test(op, constant, read, test), read
    split = _split(term, kind)
    if split is None or split[1] or not split[0]:
        return None
    namespace[f"T{name}"] = _every(split[0])
    return f"T{name}(fact)", ""


_PYTHON_ORDER = {"$eq": "==", "$neq": "!=", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}


def _typed_test(op: str, constant: Any, read: str, test: str) -> str:
    """`test` (``read op constant`` for any value) with a first test for the value type the constant implies.

    Why: the catalog's fields hold booleans compared with ``true``/``false`` and integers compared with
    integers, and the general test paid a type lookup in `_NUMBERS` and two comparisons for each
    (``not (v < c or v > c)``: durable's order, for NaN). A boolean against a boolean constant is decided
    by identity (its two answers known here, from `compare`); an int against an int constant by Python's
    own operator, as durable's C code orders two integers. Any other value goes on to `test`.
    """
    if type(constant) is bool:  # (a value that is neither True nor False is not a boolean)
        on_true, on_false = (compare(op, value, constant) is True for value in (True, False))
        if on_true and on_false:
            return f"{read} is True or {read} is False or ({test})"
        if on_true or on_false:
            return f"{read} is {on_true} or ({read} is not {on_false} and ({test}))"
        return f"{read} is not True and {read} is not False and ({test})"
    if type(constant) is int:
        return f"({read} {_PYTHON_ORDER[op]} {constant!r}) if {read}.__class__ is int else ({test})"
    return test


KindSelector = Callable[[list[Fact], list[list[Fact]]], None]
_MAX_NESTING = 20  # tests nested deeper than this are joined by ``and`` on one line (Python allows 100 indents)


def _kind_lines(patterns: dict[int, _Pattern], namespace: dict[str, Any], tag: str) -> list[str]:
    """Lines (indented for a function's body) that set ``a{id}`` to the facts of ``of_kind`` passing each
    pattern's tests on the fact alone, by the patterns' ids (`patterns`, all of one kind); `tag` keeps the
    names they add to `namespace` apart from another kind's.

    One loop over the kind's facts: a fact's fields are read at most once for all of its kind's ~10
    patterns, and each distinct test run once for all the patterns that have it (`_tree_lines`). A pattern whose tests
    cannot be written so (`_term_tests` None) runs its compiled tests apart; one that asks for its kind
    alone takes ``of_kind`` itself.
    """
    tail: list[str] = []
    fields: dict[str, str] = {}  # each field any test reads, read once a fact
    terms: dict[str, str] = {}  # each distinct test, written once
    reads: dict[str, str] = {}  # the variable each test reads
    chains: dict[int, list[str]] = {}
    for index, pattern in patterns.items():
        if pattern.alpha is None:  # its kind is all it asks
            tail.append(f"    a{index} = of_kind")
            continue
        tests = _term_tests(pattern, namespace, tag, fields, terms, reads)
        if tests is None:
            namespace[f"APART{index}"] = partial(_passing, pattern.alpha)
            tail.append(f"    a{index} = APART{index}(of_kind)")
            continue
        chains[index] = tests
    if not chains:
        return tail
    # Each list starts as the shared empty one and is made at a pattern's first fact: most stay empty.
    head = [f"    {' = '.join(f'a{index}' for index in chains)} = NO_FACTS", "    for fact in of_kind:"]
    statements = _field_reads(fields, namespace, tag)
    return head + _tree_lines(chains, "        ", _Reads(reads, statements)) + tail


class _Reads(NamedTuple):
    """Where `_branch_lines` finds what a test reads: the variable each test reads (none for a compiled
    test), and the statement reading each variable from ``fact``."""

    of_test: dict[str, str]
    statement: dict[str, str]

    def lines(self, variables: Iterable[str], indent: str) -> list[str]:
        return [f"{indent}{self.statement[variable]}" for variable in variables]


def _tree_lines(chains: dict[int, list[str]], indent: str, reads: _Reads) -> list[str]:
    """Lines appending ``fact`` to ``a{id}`` for each pattern id of `chains` whose every test (expression)
    holds, each test written once for the patterns that share it and those patterns nested under it.

    Why: a kind's patterns repeat the same few tests (``active == true`` opens 8 of a channel's 16), and a
    block per pattern evaluated them again for each: a third of the tests run. Each pattern's tests are
    put in one order, the ones most patterns have first (calls last), so patterns with tests in common
    share a prefix: a tree of ``if``s. The tests on the fact alone are pure and never raise, so the order
    they run in changes nothing but their count.

    A field is read where the tests first need it (`_branch_lines`), not for every fact at the loop's top:
    a metric's 19 fields were all read for each metric, where most of its tests sit under a few that fail.
    """
    # Not sets: a set's order varies from process to process, and the source must not (`assess.codecache`).
    distinct = {index: list(dict.fromkeys(tests)) for index, tests in chains.items()}
    count: dict[str, int] = {}
    for tests in distinct.values():
        for test in tests:
            count[test] = count.get(test, 0) + 1
    # A compiled test (``T…(fact)``) costs a call, often a loop over a list: after the tests written inline.
    rank = {test: number for number, test in enumerate(sorted(count, key=lambda t: (t.endswith("(fact)"), -count[t])))}
    ordered = {index: sorted(tests, key=rank.__getitem__) for index, tests in distinct.items()}
    return _branch_lines(ordered, 0, indent, reads, frozenset())


def _branch_lines(
    chains: dict[int, list[str]], depth: int, indent: str, reads: _Reads, read: frozenset[str]
) -> list[str]:
    """`_tree_lines` below a node `depth` tests deep: each chain's first `depth` tests hold (and are shared),
    and the variables `read` are read. A variable the tests below need is read here when two branches need
    it, else in the branch that does (just before its test when the test reads it): once on every path, and
    only on the paths that need it."""
    lines = [line for index, tests in chains.items() if len(tests) == depth for line in _append_lines(index, indent)]
    if depth == _MAX_NESTING:
        for index, tests in chains.items():
            if len(tests) > depth:
                needed = dict.fromkeys(reads.of_test[test] for test in tests[depth:] if test in reads.of_test)
                lines += reads.lines((variable for variable in needed if variable not in read), indent)
                lines += [f"{indent}if {' and '.join(f'({test})' for test in tests[depth:])}:"]
                lines += _append_lines(index, indent + "    ")
        return lines
    below: dict[str, dict[int, list[str]]] = {}
    for index, tests in chains.items():
        if len(tests) > depth:
            below.setdefault(tests[depth], {})[index] = tests
    # Not sets: the order of the reads written must not vary from process to process (`assess.codecache`).
    needs = {
        test: dict.fromkeys(
            reads.of_test[later] for tests in sharing.values() for later in tests[depth:] if later in reads.of_test
        )
        for test, sharing in below.items()
    }
    branches = Counter(variable for needed in needs.values() for variable in needed if variable not in read)
    shared = [variable for variable, count in branches.items() if count > 1]
    lines += reads.lines(shared, indent)
    read = read.union(shared)
    for test, sharing in below.items():
        own = reads.of_test.get(test)
        if own is not None and own not in read:
            lines += reads.lines([own], indent)
        lines.append(f"{indent}if {test}:")
        lines += _branch_lines(sharing, depth + 1, indent + "    ", reads, read if own is None else read | {own})
    return lines


def _append_lines(index: int, indent: str) -> list[str]:
    """``fact`` added to ``a{index}``, which is the shared empty list (`_NO_FACTS`, never changed) until its first."""
    return [
        f"{indent}if a{index}:",
        f"{indent}    a{index}.append(fact)",
        f"{indent}else:",
        f"{indent}    a{index} = [fact]",
    ]


def _kind_selector(patterns: dict[int, _Pattern]) -> KindSelector:
    """`_kind_lines` as a function that sets ``passing[id]`` for each of `patterns`: the engine runs those
    lines inside its generated run (`_run_function`); this one is what the tests compare with the closures."""
    namespace: dict[str, Any] = {"MISSING": _MISSING, "NUMBERS": _NUMBERS, "compare": compare, "NO_FACTS": _NO_FACTS}
    lines = ["def select(of_kind, passing):", *_kind_lines(patterns, namespace, "")]
    lines += [f"    passing[{index}] = a{index}" for index in patterns]
    exec("\n".join(lines), namespace)
    select: KindSelector = namespace["select"]
    return select


def _field_reads(fields: dict[str, str], namespace: dict[str, Any], tag: str) -> dict[str, str]:
    """The statement reading each of `fields` from ``fact`` into its variable (MISSING when absent), by
    variable; the field's name is ``K{tag}{variable}`` in `namespace`."""
    statements = {}
    for field, read in fields.items():
        namespace[f"K{tag}{read}"] = field
        statements[read] = f"{read} = fact.get(K{tag}{read}, MISSING)"
    return statements


def _passing(alpha: AlphaTest, facts: list[Fact]) -> list[Fact]:
    return [fact for fact in facts if alpha(fact)]


class _Condition:
    """A distinct condition, its owners, and what the run loop needs to know of it without looking twice."""

    __slots__ = ("first", "name", "names", "owners", "pair", "patterns", "simple")

    def __init__(self, patterns: tuple[dict[str, Any], ...], owners: list[Owner]) -> None:
        compiled: list[_Pattern] = []
        for pattern in patterns:
            ((name, expression),) = pattern.items()
            compiled.append(_Pattern(name, expression, compiled))
        self.patterns = tuple(compiled)
        self.owners = tuple(owners)
        self.names = tuple(sorted(p.name for p in compiled if not p.negated))  # a match's bindings, by name
        self.first = -1  # the alpha id of the first pattern when it is positive and split: no fact, no match
        self.name = compiled[0].name
        # One positive pattern with tests on the fact alone: each of its facts is a match.
        self.simple = False
        # Two patterns, both split, the first positive: the run joins them without frames (`_pair_lines`, `_unless`).
        self.pair: _Pattern | None = None

    def link(self, alpha_ids: dict[str, int]) -> None:
        for pattern in self.patterns:
            if pattern.alpha_key is not None:
                pattern.alpha_id = alpha_ids.setdefault(pattern.alpha_key, len(alpha_ids))
        head = self.patterns[0]
        if not head.negated and head.alpha_id >= 0:
            self.first = head.alpha_id
            self.simple = len(self.patterns) == 1 and not head.beta
            if len(self.patterns) == 2 and not head.beta:
                second = self.patterns[1]
                if second.alpha_id >= 0 and second.name != head.name:
                    self.pair = second


class BuiltinEngine:
    """Runs compiled rules over facts in plain Python, with durable_rules' matching semantics."""

    name = "builtin"

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        self._conditions = [
            _Condition(patterns, owners) for patterns, owners in distinct_conditions(self.rules).values()
        ]
        alpha_ids: dict[str, int] = {}
        for condition in self._conditions:
            condition.link(alpha_ids)
        # The distinct tests on the fact alone, by id, run a kind at a time (`_kind_lines`), every one each run.
        self._by_kind: dict[str, dict[int, _Pattern]] = {}
        for condition in self._conditions:
            for pattern in condition.patterns:
                if pattern.alpha_id >= 0:
                    self._by_kind.setdefault(pattern.kind, {}).setdefault(pattern.alpha_id, pattern)
        self._alpha_count = len(alpha_ids)
        self.run: Callable[[Sequence[Fact]], list[Match]]
        self.run, self.run_cached = _run_function(self._by_kind, self._conditions)


Entry = tuple[tuple[str, ...], tuple[tuple[str, Fact], ...]]  # a match's key and bindings, its owner aside


def _by_key(entry: Entry) -> tuple[str, ...]:
    return entry[0]


def _ordered(entries: list[Entry]) -> list[Entry]:
    """A condition's matches by key, each key once (its first match): what a dict by key, then sorted, holds."""
    if len(entries) < 2:
        return entries
    entries.sort(key=_by_key)  # stable: of equal keys, the first found stays first
    kept = [entries[0]]
    for entry in entries[1:]:
        if entry[0] != kept[-1][0]:
            kept.append(entry)
    return kept


def _alone(name: str, facts: list[Fact]) -> list[Entry]:
    """The matches of a condition whose every fact of `facts` is a match under `name`, by key."""
    return _ordered([((f"{name}={fact['fid']}",), ((name, fact),)) for fact in facts])


def _general(
    patterns: tuple[_Pattern, ...],
    names: tuple[str, ...],
    passing: list[list[Fact]],
    by_kind: dict[str, list[Fact]],
) -> list[Entry]:
    """The matches of any condition (its `patterns` and the `names` its matches bind, sorted), by key, from its
    frames (`_frames`)."""

    def candidates(pattern: _Pattern) -> list[Fact]:
        index = pattern.alpha_id
        return by_kind.get(pattern.kind, _NO_FACTS) if index < 0 else passing[index]

    entries: list[Entry] = []
    for frame in _frames(patterns, candidates):
        bindings = tuple((name, frame[name]) for name in names)
        entries.append((tuple(f"{name}={fact['fid']}" for name, fact in bindings), bindings))
    return _ordered(entries)


def _run_function(
    patterns_by_kind: dict[str, dict[int, _Pattern]], conditions: Sequence[_Condition]
) -> tuple[Callable[[Sequence[Fact]], list[Match]], bool]:
    """The engine's run, generated once per catalog: the facts by kind, the facts passing each distinct test on
    the fact alone, each condition's matches, and the matches in order, as one function; and whether its
    code came from the cache of compiled code (`assess.codecache`) rather than from `compile`.

    Why: a loop over the ~20 kinds called a selector each and stored what passed in a list by test id; a
    loop over the ~140 conditions asked each one what it is (simple, paired, general) and found most of
    them without a fact; then a dict by (rule, outcome, alternative, key) took the matches and `sorted`
    put them in order. Here what passes each test is a local variable (``a{id}``, set by the lines of
    `_kind_lines`, the shared empty list when no fact has its kind), and the owners, written in their sorted
    order, each add their condition's matches to the list: a condition is a few lines of its own, decided
    once a catalog (`_condition_lines`), written at its first owner; only one shared by several owners keeps
    its matches by key in a local (``m{i}``) for the others. It must equal (tests/test_builtin.py holds it
    to that) every match of every condition's frames, one per owner and key (the first frame found), sorted
    by rule, outcome, alternative and key: each owner has one condition, so a condition's keys sorted and
    the owners sorted give that order without sorting. (The conditions are found in their first owners'
    order, so of two joins that would both fail (error 311/312, which the rule compiler's guards prevent),
    the one raised may not be the one `_frames` meets first over the conditions in the rules' order.)

    Why the owners' order: a condition found apart kept its matches as (key, bindings) entries in a tuple
    for the owners' loop to read, in ~140 locals (the run had 317, 193 now: past 256, a local's every read
    and write pays an extended argument), and the owners' loop tested each of ~190 owners; most conditions
    have one owner, whose matches are now made where they are found.
    """
    namespace: dict[str, Any] = {
        "Match": Match,
        "new": _new_match,
        "alone": _alone,
        "general": _general,
        "unless": _unless,
        "ordered": _ordered,
        "MISSING": _MISSING,
        "NUMBERS": _NUMBERS,
        "compare": compare,
        "NO_FACTS": _NO_FACTS,
    }
    lines = [
        "def run(facts):",
        "    by_kind = {}",
        "    for fact in facts:",
        # One line a fact: a get, a test and two branches cost more than the empty list setdefault may not keep.
        '        by_kind.setdefault(fact["kind"], []).append(fact)',
    ]
    alpha_ids: list[int] = []
    for number, (kind, patterns) in enumerate(patterns_by_kind.items()):
        namespace[f"KIND{number}"] = kind
        alpha_ids += patterns
        lines += [
            f"    of_kind = by_kind.get(KIND{number})",
            "    if of_kind is None:",
            f"        {' = '.join(f'a{index}' for index in patterns)} = NO_FACTS",
            "    else:",
            *["    " + line for line in _kind_lines(patterns, namespace, f"k{number}")],
        ]
    if any(condition.first < 0 or (condition.pair is None and not condition.simple) for condition in conditions):
        lines.append(f"    passing = [{', '.join(f'a{index}' for index in sorted(alpha_ids))}]")  # for `_general`
    owners = sorted((owner, i) for i, condition in enumerate(conditions) for owner in condition.owners)
    shared = {i for i, count in Counter(i for _, i in owners).items() if count > 1}
    lines += ["    out = []", "    append = out.append"]
    found: set[int] = set()
    for (rule_id, outcome, alternative), i in owners:
        match = f"append(new(Match, ({rule_id!r}, {outcome!r}, {alternative!r}, key, bindings)))"
        if i in found:  # a condition shared with an earlier owner: its matches are in m{i} already
            lines += [f"    if m{i}:", f"        for key, bindings in m{i}:", f"            {match}"]
            continue
        found.add(i)
        lines += _condition_lines(i, conditions[i], f"m{i}" if i in shared else "", match, namespace)
    lines.append("    return out")
    code, cached = compiled("\n".join(lines), RUN_FILENAME)  # compiled once per catalog, not once a process
    exec(code, namespace)
    run: Callable[[Sequence[Fact]], list[Match]] = namespace["run"]
    return run, cached


def _condition_lines(i: int, condition: _Condition, kept: str, match: str, namespace: dict[str, Any]) -> list[str]:
    """Lines of the run that find condition `i`'s matches and add each to ``out`` with `match` (a line using
    ``key`` and ``bindings``); `kept` names the variable keeping them for the condition's later owners ("" when
    it has none). The names the lines use are added to `namespace`."""
    namespace[f"N{i}"] = condition.name
    namespace[f"P{i}"] = condition.patterns
    namespace[f"B{i}"] = condition.names
    index, second = condition.first, condition.pair
    found = kept or "m"
    each = [f"    if {found}:", f"        for key, bindings in {found}:", f"            {match}"]
    if index < 0:
        return [f"    {found} = general(P{i}, B{i}, passing, by_kind)", *each]
    if condition.simple or (second is not None and second.negated and not second.beta and not second.same_kind):
        # each fact of the first pattern is a match (unless, negated, any fact of the second kind blocks all)
        blocked = "" if condition.simple else f" and not a{second.alpha_id}"  # type: ignore[union-attr]
        one = f"(f\"{{N{i}}}={{x['fid']}}\",), ((N{i}, x),)"
        if not kept:  # one fact (the usual case): its match made at once, without the (key, bindings) between
            return [
                f"    if a{index}{blocked}:",
                f"        if len(a{index}) == 1:",
                f"            x = a{index}[0]",
                f"            key, bindings = {one}",
                f"            {match}",
                "        else:",
                f"            for key, bindings in alone(N{i}, a{index}):",
                f"                {match}",
            ]
        return [
            f"    if a{index}{blocked}:",
            f"        if len(a{index}) == 1:",
            f"            x = a{index}[0]",
            f"            {kept} = (({one}),)",
            "        else:",
            f"            {kept} = alone(N{i}, a{index})",
            *["    " + line for line in each],
            "    else:",
            f"        {kept} = ()",
        ]
    if second is not None and not second.negated:
        return _pair_lines(i, found, condition.name, index, second, namespace) + each
    if second is not None:
        namespace[f"S{i}"] = second
        call = f"unless(N{i}, a{index}, S{i}, a{second.alpha_id})"
    else:
        call = f"general(P{i}, B{i}, passing, by_kind)"
    return [f"    {found} = {call} if a{index} else ()", *each]


def _pair_lines(i: int, found: str, name: str, index: int, second: _Pattern, namespace: dict[str, Any]) -> list[str]:
    """The matches of two patterns, both split, the second positive, written out as lines of the run (in
    the variable `found`, by key): each fact of the first paired with every other fact of the second that passes its
    joins, in `_frames`' order (so the same matches, and the same first error of a join)."""
    other = second.name
    namespace[f"O{i}"] = other
    lines = [
        f"    if a{index} and a{second.alpha_id}:",  # no fact for either pattern: no pair
        f"        {found} = []",
        f"        for x in a{index}:",
    ]
    if second.beta:
        lines.append(f"            frame = {{N{i}: x}}")
    lines.append(f"            for y in a{second.alpha_id}:")
    if second.same_kind:
        lines.append("                if y is x:\n                    continue")
    for number, join in enumerate(second.beta):  # in order, as all() would call them
        namespace[f"J{i}_{number}"] = join
        lines.append(f"                if not J{i}_{number}(y, frame):\n                    continue")
    x_key, y_key = f"f\"{{N{i}}}={{x['fid']}}\"", f"f\"{{O{i}}}={{y['fid']}}\""
    if name < other:  # a match's bindings are in the order of their names
        entry = f"(({x_key}, {y_key}), ((N{i}, x), (O{i}, y)))"
    else:
        entry = f"(({y_key}, {x_key}), ((O{i}, y), (N{i}, x)))"
    lines += [
        f"                {found}.append({entry})",
        f"        if len({found}) > 1:",
        f"            {found} = ordered({found})",
        "    else:",
        f"        {found} = ()",
    ]
    return lines


def _unless(name: str, first: list[Fact], second: _Pattern, facts: list[Fact]) -> list[Entry]:
    """`_frames` for two patterns, both split, the first positive and the second negated: the matches' keys
    and bindings, by key. A fact of the first is a match unless some other fact of the second passes its
    joins; the same combinations in the same order as `_frames` (so the same first error of a join)."""
    beta = second.beta
    same_kind = second.same_kind
    entries: list[Entry] = []
    if facts and not beta and not same_kind:
        return entries  # any fact of the second kind blocks every fact of the first (no join can fail)
    for fact in first:
        if facts:
            frame = {name: fact}
            if any(
                all(join(candidate, frame) for join in beta)
                for candidate in facts
                if not (same_kind and candidate is fact)
            ):
                continue
        entries.append(((f"{name}={fact['fid']}",), ((name, fact),)))
    return _ordered(entries)


def _frames(patterns: tuple[_Pattern, ...], candidates: Callable[[_Pattern], list[Fact]]) -> list[Frame]:
    frames: list[Frame] = [{}]
    for pattern in patterns:
        facts = candidates(pattern)
        beta = pattern.beta if pattern.test is None else (pattern.test,)  # not split: the whole test on each
        same_kind = pattern.same_kind
        if pattern.negated:
            if not facts:
                continue
            frames = [
                frame
                for frame in frames
                if not any(
                    all(join(fact, frame) for join in beta)
                    for fact in facts
                    if not (same_kind and any(fact is bound for bound in frame.values()))
                )
            ]
        else:
            extended: list[Frame] = []
            name = pattern.name
            for frame in frames:
                for fact in facts:
                    if same_kind and any(fact is bound for bound in frame.values()):
                        continue
                    if beta and not all(join(fact, frame) for join in beta):
                        continue
                    extended.append({**frame, name: fact})
            frames = extended
        if not frames:
            break
    return frames
