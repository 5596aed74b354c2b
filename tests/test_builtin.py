"""The built-in engine reproduces durable_rules' matching, case by case (each case measured on durable).

Every case runs on both engines where durable_rules is installed, so a case that
misdescribes durable fails here, not only in the differential suite.
"""

from __future__ import annotations

import functools
import math
import os
import random
import tempfile
from typing import Any
from unittest import mock

import packgen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.api import load
from assess.config import Config
from assess.engines.base import CompiledRule, EngineError, Match
from assess.engines.builtin import (
    _MAX_NESTING,
    BuiltinEngine,
    _frames,
    _integer_join,
    _integer_join_maker,
    _kind_selector,
    _Pattern,
    _test,
    arithmetic,
    compare,
)
from assess.engines.select import durable_problem
from assess.rules.catalog import build_catalog
from assess.rules.facts import build_facts
from bench.plans import generate

ENGINES: list[Any] = [BuiltinEngine]
if durable_problem() is None:
    from assess.engines.durable import DurableEngine

    ENGINES.append(DurableEngine)


def _facts(*facts: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"fid": f"f{i}", "ptr": f"/x/{i}", **fact} for i, fact in enumerate(facts)]


def _keys(engine: Any, patterns: list[dict[str, Any]], facts: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [m.key for m in engine([CompiledRule("T-01", (tuple(patterns),))]).run(facts)]


def _ch(**fields: Any) -> dict[str, Any]:
    return {"kind": "channel", **fields}


def _where(*terms: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"a": {"$and": [{"kind": "channel"}, *terms]}}]


CASES: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, ...]]]] = [
    (
        "distinct facts, every order",
        [{"a": {"kind": "channel"}}, {"b": {"kind": "channel"}}],
        _facts(_ch(), _ch()),
        [("a=f0", "b=f1"), ("a=f1", "b=f0")],
    ),
    (
        "a negation ignores the fact bound before it",
        [{"a": {"kind": "channel"}}, {"b$not": {"kind": "channel"}}],
        _facts(_ch()),
        [("a=f0",)],
    ),
    (
        "a negation sees the other facts",
        [{"a": {"kind": "channel"}}, {"b$not": {"kind": "channel"}}],
        _facts(_ch(), _ch()),
        [],
    ),
    ("absent field: $lt false", _where({"$lt": {"hours": 5}}), _facts(_ch(), _ch(hours=3), _ch(hours=5)), [("a=f1",)]),
    (
        "absent field: $neq false too",
        _where({"$neq": {"hours": 5}}),
        _facts(_ch(), _ch(hours=3), _ch(hours=5)),
        [("a=f1",)],
    ),
    (
        "int equals float",
        _where({"hours": 5}),
        _facts(_ch(hours=5), _ch(hours=5.0), _ch()),
        [("a=f0",), ("a=f1",)],
    ),
    (
        "true equals 1 and 'true'",
        _where({"hours": True}),
        _facts(_ch(hours=1), _ch(hours=True), _ch(hours=0), _ch(hours="true")),
        [("a=f0",), ("a=f1",), ("a=f3",)],
    ),
    (
        "a number against text compares as text",
        _where({"$lt": {"platform": "m"}}),
        _facts(_ch(platform="a"), _ch(platform="z"), _ch(platform=3), _ch(platform=True)),
        [("a=f0",), ("a=f2",)],
    ),
    ("null equals nothing", _where({"hours": None}), _facts(_ch(hours=3), _ch()), []),
    (
        "a list never equals a value",
        [{"s": {"$and": [{"kind": "segment"}, {"platforms": "x"}]}}],
        _facts({"kind": "segment", "platforms": ["x"]}, {"kind": "segment", "platforms": "x"}),
        [("s=f1",)],
    ),
    (
        "$iall: an empty list does not match",
        [{"s": {"$and": [{"kind": "segment"}, {"$iall": {"platforms": {"$i": "x"}}}]}}],
        _facts(
            {"kind": "segment", "platforms": []},
            {"kind": "segment", "platforms": ["x"]},
            {"kind": "segment", "platforms": ["x", "y"]},
            {"kind": "segment"},
        ),
        [("s=f1",)],
    ),
    (
        "$iany with $or",
        [{"s": {"$and": [{"kind": "segment"}, {"$iany": {"platforms": {"$or": [{"$i": "x"}, {"$i": "y"}]}}}]}}],
        _facts(
            {"kind": "segment", "platforms": []},
            {"kind": "segment", "platforms": ["z", "y"]},
            {"kind": "segment", "platforms": "x"},
        ),
        [("s=f1",)],
    ),
    (
        "join with arithmetic",
        [
            {"i": {"kind": "info"}},
            {"a": {"$and": [{"$lt": {"hours": {"$sub": {"$l": {"i": "as_of_day"}, "$r": 90}}}}, {"kind": "channel"}]}},
        ],
        _facts({"kind": "info", "as_of_day": 100}, _ch(hours=5), _ch(hours=10), _ch()),
        [("a=f1", "i=f0")],
    ),
    (
        "integer division truncates",
        [
            {"i": {"kind": "info"}},
            {"a": {"$and": [{"$lt": {"hours": {"$div": {"$l": {"i": "as_of_day"}, "$r": 4}}}}, {"kind": "channel"}]}},
        ],
        _facts({"kind": "info", "as_of_day": 10}, _ch(hours=1), _ch(hours=2), _ch(hours=1.9)),
        [("a=f1", "i=f0"), ("a=f3", "i=f0")],
    ),
    (
        "a join needs the current fact's field",
        [
            {"p": {"kind": "plan"}},
            {"a": {"$and": [{"$lt": {"selected_day": {"p": "first_research_day"}}}, {"kind": "channel"}]}},
        ],
        _facts({"kind": "plan", "first_research_day": 100}, _ch(), _ch(selected_day=50)),
        [("a=f2", "p=f0")],
    ),
    (
        "a pair with two joins: every join must hold",
        [
            {"i": {"kind": "info"}},
            {
                "a": {
                    "$and": [
                        {"$lt": {"hours": {"i": "as_of_day"}}},
                        {"$gt": {"hours": {"i": "start_day"}}},
                        {"kind": "channel"},
                    ]
                }
            },
        ],
        _facts({"kind": "info", "as_of_day": 100, "start_day": 10}, _ch(hours=5), _ch(hours=50), _ch(hours=150)),
        [("a=f2", "i=f0")],
    ),
    (
        "a negation joins to an earlier binding",
        [
            {"p": {"kind": "plan"}},
            {"c$not": {"$and": [{"$lt": {"selected_day": {"p": "first_research_day"}}}, {"kind": "channel"}]}},
        ],
        _facts({"kind": "plan", "first_research_day": 100}, _ch(selected_day=150)),
        [("p=f0",)],
    ),
]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
@pytest.mark.parametrize(("patterns", "facts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matching_semantics(
    engine: Any, patterns: list[dict[str, Any]], facts: list[dict[str, Any]], expected: list[tuple[str, ...]]
) -> None:
    assert _keys(engine, patterns, facts) == expected


def test_a_join_to_an_absent_field_is_an_error_of_the_run() -> None:
    # durable: error 311 (or a crash); the compiler guards every joined field with $ex so it never happens.
    patterns: list[dict[str, Any]] = [
        {"p": {"kind": "plan"}},
        {"a": {"$and": [{"$lt": {"selected_day": {"p": "first_research_day"}}}, {"kind": "channel"}]}},
    ]
    with pytest.raises(EngineError, match="absent"):
        _keys(BuiltinEngine, patterns, _facts({"kind": "plan"}, _ch(selected_day=1)))


def test_values_compare_and_compute_like_durables_c_code() -> None:
    assert compare("$eq", True, 1) is True
    assert compare("$lt", "3", 5) is True  # "3" < "5" as text
    assert compare("$eq", 2.5, "2.500000") is True  # %f
    assert compare("$neq", "x", None) is True
    assert compare("$eq", None, None) is True
    assert compare("$lt", [1], 2) is not True
    assert arithmetic("$div", -7, 2) == -3  # C truncates toward zero
    assert arithmetic("$div", 7.0, 2) == 3.5
    assert arithmetic("$add", True, False) is False
    with pytest.raises(EngineError):
        arithmetic("$div", 1, 0)


def test_matches_are_independent_of_fact_order() -> None:
    patterns: list[dict[str, Any]] = [
        {"a": {"kind": "channel"}},
        {"b": {"$and": [{"kind": "channel"}, {"$gt": {"hours": {"a": "hours"}}}]}},
    ]
    facts = _facts(*(_ch(hours=h) for h in (3, 1, 2, 5)))
    engine = BuiltinEngine([CompiledRule("T-01", (tuple(patterns),))])
    assert engine.run(facts) == engine.run(list(reversed(facts)))


def test_the_generated_selectors_pick_the_facts_the_compiled_tests_pick() -> None:
    """Each pattern's tests on the fact alone run as one generated loop: the same facts as its closures,
    alone and with every other pattern of its kind.

    Over the catalog's patterns and 20 generated packs' (every operator, numbers and strings), on the
    facts of 100 generated plans.
    """
    fact_lists = [build_facts(load(plan).data) for plan in generate(100, seed=5)]
    seen = packgen.observe(fact_lists)
    rules = list(build_catalog(Config(engine="builtin")).engine.rules)
    for number in range(20):
        rules += packgen.pack(random.Random(number), seen, 10, prefix=f"G{number}")
    engine = BuiltinEngine(rules)
    checked = 0
    for condition in engine._conditions:
        for pattern in condition.patterns:
            if pattern.alpha_id < 0 or pattern.alpha is None:
                continue
            select = _kind_selector({0: pattern})
            for facts in fact_lists:
                of_kind = [fact for fact in facts if fact["kind"] == pattern.kind]
                alone: list[list[dict[str, Any]]] = [[]]
                select(of_kind, alone)
                assert alone[0] == [fact for fact in of_kind if pattern.alpha(fact)], pattern.alpha_terms
            checked += 1
    assert checked > 200
    # As the engine runs them: all of a kind's patterns in one loop (`_kind_lines`), every one the same facts.
    patterns = {p.alpha_id: p for c in engine._conditions for p in c.patterns if p.alpha_id >= 0}
    for facts in fact_lists:
        passing: list[list[dict[str, Any]]] = [[]] * engine._alpha_count
        for kind, of_its_kind in engine._by_kind.items():
            _kind_selector(of_its_kind)([fact for fact in facts if fact["kind"] == kind], passing)
        for index, pattern in patterns.items():
            of_kind = [fact for fact in facts if fact["kind"] == pattern.kind]
            alpha = pattern.alpha
            assert passing[index] == (of_kind if alpha is None else [f for f in of_kind if alpha(f)]), index


_FIELDS = ("p", "q", "r")
_CONSTANTS = st.one_of(
    st.integers(-2, 2), st.booleans(), st.just(0.5), st.just(math.nan), st.sampled_from(["", "a", "b", "a\0", "1"])
)
_VALUES = st.one_of(
    _CONSTANTS, st.floats(allow_nan=True), st.text(max_size=2), st.none(), st.lists(_CONSTANTS, max_size=2)
)
_ALPHA_TERMS = st.one_of(
    st.builds(lambda field, constant: {field: constant}, st.sampled_from(_FIELDS), _CONSTANTS),
    st.builds(
        lambda op, field, constant: {op: {field: constant}},
        st.sampled_from(["$neq", "$lt", "$lte", "$gt", "$gte"]),
        st.sampled_from(_FIELDS),
        _CONSTANTS,
    ),
    st.builds(lambda op, field: {op: {field: 1}}, st.sampled_from(["$ex", "$nex"]), st.sampled_from(_FIELDS)),
    st.builds(lambda field, constant: {"$iany": {field: {"$i": constant}}}, st.sampled_from(_FIELDS), _CONSTANTS),
    st.builds(
        lambda a, b, c: {"$or": [{a: b}, {"$nex": {c: 1}}]},
        st.sampled_from(_FIELDS),
        _CONSTANTS,
        st.sampled_from(_FIELDS),
    ),
)


def _alpha_pattern(terms: list[dict[str, Any]]) -> _Pattern:
    return _Pattern("a", {"$and": [{"kind": "channel"}, *terms]}, [])


def _selected(patterns: list[_Pattern], facts: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """What `_kind_selector` picks for each of `patterns` (all of a kind, in one loop), by position."""
    passing: list[list[dict[str, Any]]] = [[] for _ in patterns]
    _kind_selector(dict(enumerate(patterns)))(facts, passing)
    return passing


@settings(max_examples=300, deadline=None)
@given(
    pool=st.lists(_ALPHA_TERMS, min_size=1, max_size=8),
    picks=st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=5), min_size=1, max_size=8),
    facts=st.lists(st.dictionaries(st.sampled_from(_FIELDS), _VALUES), max_size=6),
)
def test_a_kinds_tests_written_once_in_a_tree_pick_what_each_patterns_closures_pick(
    pool: list[dict[str, Any]], picks: list[list[int]], facts: list[dict[str, Any]]
) -> None:
    """`_tree_lines` runs a test shared by several patterns once and nests them under it, the tests put in
    another order, and reads each field only on the paths whose tests need it (a field read for one fact
    and not for the next must never be tested with the first fact's value): each pattern still gets
    exactly the facts its own compiled tests pass, in order.

    Drawn: a pool of tests on the fact alone (every operator, numbers, booleans, NaN, strings with NUL,
    lists, ``$ex``/``$nex``, ``$iany``, ``$or``), patterns of a kind picking from it (so they share tests, in
    any order, some twice), and facts with any values, absent fields included."""
    patterns = [_alpha_pattern([pool[pick % len(pool)] for pick in chosen]) for chosen in picks]
    of_kind = [{"kind": "channel", "fid": f"channel:{i}", **fields} for i, fields in enumerate(facts)]
    expected = [[fact for fact in of_kind if pattern.alpha is not None and pattern.alpha(fact)] for pattern in patterns]
    assert _selected(patterns, of_kind) == expected


_TYPED_CONSTANTS = st.one_of(
    st.booleans(), st.integers(-3, 3), st.integers(), st.just(0.5), st.sampled_from(["a", "1"])
)
_TYPED_VALUES = st.one_of(
    st.booleans(),
    st.integers(-3, 3),
    st.integers(),
    st.floats(allow_nan=True),
    st.sampled_from(["", "1", "true ", "a\0", "0.500000"]),
    st.none(),
    st.lists(st.integers(-1, 1), max_size=1),
)


@settings(max_examples=400, deadline=None)
@given(
    op=st.sampled_from(["$eq", "$neq", "$lt", "$lte", "$gt", "$gte"]),
    constant=_TYPED_CONSTANTS,
    values=st.lists(st.one_of(_TYPED_VALUES, st.just(KeyError)), min_size=1, max_size=6),
)
def test_a_literal_test_with_a_fast_path_for_its_constants_type_picks_what_compare_picks(
    op: str, constant: Any, values: list[Any]
) -> None:
    """`_typed_test`: a test against a boolean constant decided by identity for booleans, against an int
    constant by Python's operator for ints, anything else by the general test: the facts it picks are those
    `compare` (durable's order) says pass, for every operator and values of every type (bool is not an int;
    NaN is "equal" to every number; text compares with a number by its text; KeyError: the field is absent)."""
    term = {"p": constant} if op == "$eq" else {op: {"p": constant}}
    of_kind = [{"kind": "channel"} if value is KeyError else {"kind": "channel", "p": value} for value in values]
    expected = [fact for fact in of_kind if "p" in fact and compare(op, fact["p"], constant) is True]
    assert _selected([_alpha_pattern([term])], of_kind) == [expected]


def test_tests_deeper_than_the_nesting_limit_are_joined_on_one_line() -> None:
    """A pattern with more tests than `_MAX_NESTING` (and one sharing its first ones) still compiles and picks
    what its closures pick."""
    terms = [{"$neq": {"p": number}} for number in range(_MAX_NESTING + 5)]
    patterns = [_alpha_pattern(terms), _alpha_pattern(terms[:3]), _alpha_pattern([*terms, {"q": 1}])]
    values = (-1, 0, 3, _MAX_NESTING + 4, _MAX_NESTING + 5)
    of_kind: list[dict[str, Any]] = [{"kind": "channel", "p": p, "q": 1} for p in values]
    outside = [[0, 4], [0, 2, 3, 4], [0, 4]]  # each pattern's facts: those whose p none of its tests names
    assert _selected(patterns, of_kind) == [[of_kind[i] for i in indexes] for indexes in outside]


def _reference_run(engine: BuiltinEngine, facts: list[dict[str, Any]]) -> list[Match]:
    """What `BuiltinEngine.run` must return, found the plain way: every condition's frames over the facts
    passing each pattern's compiled tests, a dict by (rule, outcome, alternative, key) keeping the first
    match of each, sorted."""
    found: dict[tuple[Any, ...], Match] = {}
    for condition in engine._conditions:

        def candidates(pattern: Any) -> list[dict[str, Any]]:
            of_kind = [fact for fact in facts if fact["kind"] == pattern.kind]
            alpha = pattern.alpha
            return of_kind if pattern.alpha_id < 0 or alpha is None else [f for f in of_kind if alpha(f)]

        names = sorted(p.name for p in condition.patterns if not p.negated)
        for frame in _frames(condition.patterns, candidates):
            bindings = tuple((name, frame[name]) for name in names)
            key = tuple(f"{name}={fact['fid']}" for name, fact in bindings)
            for owner in condition.owners:
                found.setdefault((*owner, key), Match(*owner, key, bindings))
    return sorted(found.values())


@functools.cache
def _engines_and_facts() -> tuple[list[BuiltinEngine], list[list[dict[str, Any]]]]:
    fact_lists = [build_facts(load(plan).data) for plan in generate(40, seed=11)]
    seen = packgen.observe(fact_lists)
    catalog = list(build_catalog(Config(engine="builtin")).engine.rules)
    packs: list[CompiledRule] = []
    for number in range(8):
        packs += packgen.pack(random.Random(number), seen, 10, prefix=f"G{number}")
    rule_sets = [catalog, catalog + packs, packs]
    # Each rule set's run compiled afresh, and read back from the cache of compiled code (`assess.codecache`).
    with mock.patch.dict(os.environ, {"ASSESS_CACHE_DIR": ""}):
        compiled = [BuiltinEngine(rules) for rules in rule_sets]
    with tempfile.TemporaryDirectory() as folder, mock.patch.dict(os.environ, {"ASSESS_CACHE_DIR": folder}):
        for rules in rule_sets:
            BuiltinEngine(rules)  # writes the entry
        cached = [BuiltinEngine(rules) for rules in rule_sets]
    assert [engine.run_cached for engine in compiled + cached] == [False] * 3 + [True] * 3
    return compiled + cached, fact_lists


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, 5),
    plan=st.integers(0, 39),
    order=st.randoms(use_true_random=False),
    twins=st.lists(st.integers(0, 200), max_size=4),
    drop=st.lists(st.integers(0, 200), max_size=6),
)
def test_the_generated_matches_are_the_frames_matches_in_order(
    which: int, plan: int, order: random.Random, twins: list[int], drop: list[int]
) -> None:
    """`_matches_function`'s generated code (fast paths for one pattern and for pairs, matches written in
    the owners' sorted order) returns the very matches of the plain frames, deduplicated and sorted: same
    tuples, same order, the same fact objects bound (a fid given twice keeps its first match).

    Drawn: the rules (the catalog, the catalog and generated packs with joins, the packs alone; the run
    compiled afresh or read from the cache of compiled code), the plan,
    the facts' order, facts dropped (so conditions lose their facts) and facts copied under the same fid."""
    engines, fact_lists = _engines_and_facts()
    engine = engines[which]
    facts = list(fact_lists[plan])
    for index in sorted({i % len(facts) for i in drop}, reverse=True):
        del facts[index]
    facts += [dict(facts[i % len(facts)]) for i in twins if facts]
    order.shuffle(facts)
    got, expected = engine.run(facts), _reference_run(engine, facts)
    assert got == expected
    assert [[id(fact) for _, fact in m.bindings] for m in got] == [
        [id(fact) for _, fact in m.bindings] for m in expected
    ]


_JOIN_VALUES = st.one_of(
    st.integers(-3, 3),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.sampled_from(["", "2", "-1", "2.000000", "true ", "a"]),
    st.none(),
    st.lists(st.integers(), max_size=1),
)


def _outcome(test: Any, fact: dict[str, Any], frame: dict[str, Any]) -> Any:
    try:
        return ("value", test(fact, frame))
    except EngineError as error:
        return ("error", str(error))


@settings(max_examples=400, deadline=None)
@given(
    op=st.sampled_from(["$eq", "$neq", "$lt", "$lte", "$gt", "$gte"]),
    arithmetic_op=st.sampled_from([None, "$add", "$sub", "$mul", "$div"]),
    constant=st.one_of(st.integers(-400, 400), st.just(0), st.floats(-5, 5), st.booleans()),
    value=_JOIN_VALUES,
    bound=st.one_of(_JOIN_VALUES, st.just(KeyError)),
)
def test_an_integer_join_written_inline_equals_the_general_join(
    op: str, arithmetic_op: str | None, constant: Any, value: Any, bound: Any
) -> None:
    """`_integer_join` (a join of two ints written as one comparison) gives what the general join gives, the
    same error included (an absent bound field, arithmetic durable cannot do, a division by zero), for every
    comparison, the join alone or with + - * / a constant, and values of every type (bool is not an int)."""
    operand: Any = {"p": "day"}
    if arithmetic_op is not None:
        operand = {arithmetic_op: {"$l": operand, "$r": constant}}
    expression = {"$and": [{"kind": "channel"}, {op: {"last": operand}} if op != "$eq" else {"last": operand}]}
    with mock.patch("assess.engines.builtin._integer_join", return_value=None):
        (general,) = _test(expression)[1]  # the join through `compare` and `arithmetic`, as before
    (join,) = _test(expression)[1]
    fact = {"kind": "channel", "last": value}
    frame = {"p": {"kind": "plan"} if bound is KeyError else {"kind": "plan", "day": bound}}
    assert _outcome(join, fact, frame) == _outcome(general, fact, frame)
    simple = arithmetic_op in (None, "$add", "$sub", "$mul") and (arithmetic_op is None or type(constant) is int)
    assert (_integer_join(op, "last", operand, general) is not None) == simple  # inline exactly for ints


def test_a_pattern_that_cannot_be_split_runs_its_whole_test() -> None:
    """An ``$or`` with a join cannot be split into tests on the fact alone and joins: the pattern keeps its whole
    test (`_Pattern.test`), which `_frames` runs on each fact; a pattern that can be split has none (its tests
    are run split, and building the whole test as well had doubled the work of building the engine).

    Built-in engine only: the rule compiler rejects a join inside ``$or``, as durable_rules evaluates it wrongly
    (here it matches b=f1 alone)."""
    patterns: list[dict[str, Any]] = [
        {"a": {"kind": "plan"}},
        {"b": {"$and": [{"kind": "channel"}, {"$or": [{"$lt": {"last": {"a": "day"}}}, {"hours": 5}]}]}},
    ]
    facts = _facts({"kind": "plan", "day": 10}, _ch(last=3), _ch(last=20, hours=5), _ch(last=20, hours=1))
    assert _keys(BuiltinEngine, patterns, facts) == [("a=f0", "b=f1"), ("a=f0", "b=f2")]
    first, second = BuiltinEngine([CompiledRule("T-01", (tuple(patterns),))])._conditions[0].patterns
    assert (first.test, first.alpha_id >= 0) == (None, True)
    assert second.test is not None and second.alpha_id == -1


def test_each_integer_join_is_compiled_once_a_process() -> None:
    """The catalog's joins are written from a few texts (an operator, a right-hand side): each text is compiled
    once, not once a join."""
    rules = build_catalog(Config(engine="builtin")).engine.rules
    sources: list[str] = []

    def counting(source: Any, namespace: dict[str, Any]) -> None:
        if isinstance(source, str):
            sources.append(source)
        exec(source, namespace)

    _integer_join_maker.cache_clear()
    with mock.patch("assess.engines.builtin.exec", side_effect=counting, create=True):
        for _ in range(2):
            BuiltinEngine(rules)
    joins = [source for source in sources if "def make(" in source]
    assert joins and len(joins) == len(set(joins)) == _integer_join_maker.cache_info().misses
    assert _integer_join_maker.cache_info().hits > len(joins)
