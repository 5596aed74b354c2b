"""The durable_rules wrapper: each trap it guards against, reproduced as a test."""

from __future__ import annotations

import functools
import json
import random
import subprocess
import sys
import textwrap
import threading
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.engines.durable import (
    COMPILE_AFTER,
    DISTINCT_IDS,
    CompiledRule,
    EngineError,
    Match,
    _encoder,
    _Encoders,
    _Host,
    _written,
)
from assess.engines.durable import DurableEngine as Engine
from assess.engines.select import durable_problem
from assess.rules.conditions import compile_condition

pytestmark = pytest.mark.skipif(durable_problem() is not None, reason="durable_rules is not importable here")


def _rule(
    rule_id: str, when: object, skip: object | None = None, thresholds: dict[str, float] | None = None
) -> CompiledRule:
    fail = compile_condition(when, thresholds or {})
    skipped = compile_condition(skip, thresholds or {}) if skip is not None else []
    return CompiledRule(rule_id, tuple(tuple(a) for a in fail), tuple(tuple(a) for a in skipped))


def _fact(kind: str, ptr: str, **fields: object) -> dict[str, object]:
    return {"kind": kind, "fid": f"{kind}:{ptr}", "ptr": ptr, **fields}


NO_CRISIS = _rule("T-01", [{"p": {"kind": "plan", "$gt": {"active_channels": 0}}}, {"c$not": {"kind": "crisis"}}])
ALL_FUNDRAISING = _rule(
    "T-02", [{"p": {"kind": "plan", "$gt": {"goals": 0}}}, {"other$not": {"kind": "goal", "fundraising": False}}]
)
ONE_ADMIN = _rule("T-03", [{"ch": {"kind": "channel", "active": True, "$lt": {"admins": 2}}}])
BEFORE_RESEARCH = _rule(
    "T-04",
    [
        {"ch": {"kind": "channel", "active": True, "$ex": {"selected_day": 1}}},
        {"p": {"kind": "plan", "$gt": {"first_research_day": {"ch": "selected_day"}}}},
    ],
)
ENGINE = Engine([NO_CRISIS, ALL_FUNDRAISING, ONE_ADMIN, BEFORE_RESEARCH])


def _plan_facts(
    *, crisis: bool, goals: list[bool], admins: list[int], research_day: int | None
) -> list[dict[str, object]]:
    facts: list[dict[str, object]] = [
        _fact(
            "plan",
            "",
            active_channels=len(admins),
            goals=len(goals),
            **({"first_research_day": research_day} if research_day is not None else {}),
        )
    ]
    facts += [_fact("goal", f"/goals/{i}", fundraising=f) for i, f in enumerate(goals)]
    facts += [
        _fact("channel", f"/channels/{i}", active=True, admins=n, selected_day=100 + i * 10)
        for i, n in enumerate(admins)
    ]
    if crisis:
        facts.append(_fact("crisis", "/policies/crisis_plan", contacts=2))
    return facts


def _ids(matches: list[Match]) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.rule_id, m.key) for m in matches]


def test_negation_sees_every_fact_whatever_the_order() -> None:
    """Trap 1: the crisis fact arriving after the plan fact must still block T-01."""
    facts = _plan_facts(crisis=True, goals=[True], admins=[2], research_day=50)
    for seed in range(20):
        random.Random(seed).shuffle(facts)
        assert "T-01" not in {m.rule_id for m in ENGINE.run(facts)}


def test_negation_fires_when_the_fact_is_absent() -> None:
    matches = ENGINE.run(_plan_facts(crisis=False, goals=[False], admins=[2], research_day=50))
    assert [m.rule_id for m in matches] == ["T-01"]
    assert matches[0].binding("p") is not None


def test_all_fundraising_needs_a_witness_that_is_not_the_exception() -> None:
    """Trap 2: an awareness goal must stop the 'all goals are fundraising' rule."""
    assert "T-02" not in {
        m.rule_id for m in ENGINE.run(_plan_facts(crisis=True, goals=[True, False], admins=[], research_day=None))
    }
    assert "T-02" in {
        m.rule_id for m in ENGINE.run(_plan_facts(crisis=True, goals=[True, True], admins=[], research_day=None))
    }


def test_one_match_per_element_and_sorted() -> None:
    matches = ENGINE.run(_plan_facts(crisis=True, goals=[False], admins=[1, 2, 0], research_day=None))
    assert _ids(matches) == [("T-03", ("ch=channel:/channels/0",)), ("T-03", ("ch=channel:/channels/2",))]


def test_join_between_two_facts() -> None:
    """Channels selected (days 100, 110, 120) before the first research on day 115: the first two."""
    matches = ENGINE.run(_plan_facts(crisis=True, goals=[False], admins=[2, 2, 2], research_day=115))
    found = [m.key for m in matches if m.rule_id == "T-04"]
    assert found == [("ch=channel:/channels/0", "p=plan:"), ("ch=channel:/channels/1", "p=plan:")]


def test_results_do_not_depend_on_fact_order() -> None:
    facts = _plan_facts(crisis=False, goals=[True, True], admins=[1, 3, 1], research_day=105)
    expected = _ids(ENGINE.run(facts))
    for seed in range(10):
        shuffled = list(facts)
        random.Random(seed).shuffle(shuffled)
        assert _ids(ENGINE.run(shuffled)) == expected


def test_only_rules_with_a_negation_wait_for_the_trigger() -> None:
    """The trigger orders negations after every fact; a rule of positive patterns only is registered
    without it (its matches do not depend on the order facts arrive in: the two tests above)."""
    from assess.engines.durable import TRIGGER_BINDING

    firsts = {name: next(iter(definition["all"][0])) for name, definition in ENGINE._definitions.items()}
    assert firsts["T-01|fail|0"] == firsts["T-02|fail|0"] == TRIGGER_BINDING
    assert (firsts["T-03|fail|0"], firsts["T-04|fail|0"]) == ("ch", "ch")
    assert all(TRIGGER_BINDING not in pattern for pattern in ENGINE._definitions["T-04|fail|0"]["all"])


def test_unhandled_fact_kinds_do_not_abort() -> None:
    """Trap 5: a fact no rule consumes would raise MessageNotHandledException without the catch-all."""
    facts = [*_plan_facts(crisis=True, goals=[False], admins=[2], research_day=1), _fact("visuals", "/visuals")]
    assert ENGINE.run(facts) == []


def test_a_run_with_no_match_still_deletes_its_session() -> None:
    """A session where no action ran made durable's delete_state segfault: the 'done' rule prevents it.

    Run in a subprocess so a regression shows as a crash of that process, not of the test runner.
    """
    code = textwrap.dedent(
        """
        from assess.rules.conditions import compile_condition
        from assess.engines.durable import CompiledRule, DurableEngine as Engine
        rule = CompiledRule("X-01", tuple(tuple(a) for a in compile_condition([{"p": {"kind": "plan", "goals": 99}}], {})))
        engine = Engine([rule])
        for _ in range(3):
            assert engine.run([{"kind": "plan", "fid": "plan:", "ptr": "", "goals": 1}]) == []
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_more_sessions_than_durables_limit() -> None:
    """Trap 8: 1,024 live sessions per ruleset at most; each run deletes its own."""
    facts = _plan_facts(crisis=False, goals=[True], admins=[1], research_day=None)
    for _ in range(1100):
        assert len(ENGINE.run(facts)) == 3


def test_duplicate_facts_are_an_engine_error_not_a_silent_merge() -> None:
    """Trap 4: two facts with the same fid: the wrapper reports it loudly."""
    fact = _fact("goal", "/goals/0", fundraising=True)
    with pytest.raises(EngineError):
        ENGINE.run([_fact("plan", "", goals=2, active_channels=0), fact, dict(fact)])


def test_an_error_while_reading_the_results_is_raised_and_the_session_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Trap 6 (durable swallows exceptions in actions) cannot happen: there are no Python actions.

    An error of the C engine between two results is an `EngineError`, the half-read session is
    deleted, and the next run starts a new one with the right results.
    """
    facts = _plan_facts(crisis=False, goals=[True], admins=[1], research_day=None)
    expected = _ids(ENGINE.run(facts))
    host = _Host.get()
    real = host.engine

    class Failing:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def complete_and_start_action(self, handle: int, state: int) -> object:
            raise RuntimeError("boom")

    monkeypatch.setattr(host, "engine", Failing())
    with pytest.raises(EngineError, match="boom"):
        ENGINE.run(facts)
    assert host.rulesets[ENGINE.ruleset] not in host.live
    monkeypatch.setattr(host, "engine", real)
    assert _ids(ENGINE.run(facts)) == expected


def test_the_session_is_emptied_between_runs_and_dropped_after_a_big_plan() -> None:
    """One session per ruleset, reused: a run leaves it empty (the next run's results are its own)."""
    host = _Host.get()
    small = _plan_facts(crisis=False, goals=[True], admins=[1], research_day=None)
    other = _plan_facts(crisis=True, goals=[False], admins=[2, 0], research_day=105)
    alone = [_ids(Engine([NO_CRISIS, ALL_FUNDRAISING, ONE_ADMIN, BEFORE_RESEARCH]).run(f)) for f in (small, other)]
    for _ in range(3):
        assert [_ids(ENGINE.run(f)) for f in (small, other)] == alone
    handle = host.rulesets[ENGINE.ruleset]
    assert handle in host.live
    big = _plan_facts(crisis=True, goals=[True] * 1200, admins=[1], research_day=None)
    assert {m.rule_id for m in ENGINE.run(big)} == {"T-02", "T-03"}
    assert handle not in host.live
    assert [_ids(ENGINE.run(f)) for f in (small, other)] == alone


def test_shared_conditions_are_evaluated_once_and_credited_to_each_rule() -> None:
    no_channel = [{"p": {"kind": "plan", "active_channels": 0}}]
    rules = [_rule("S-01", no_channel), _rule("S-02", no_channel), _rule("S-03", [{"p": {"kind": "plan", "goals": 0}}])]
    engine = Engine(rules)
    assert [name for name in engine._definitions if name.startswith("S-")] == ["S-01|fail|0", "S-03|fail|0"]
    matches = engine.run([_fact("plan", "", active_channels=0, goals=1)])
    assert [m.rule_id for m in matches] == ["S-01", "S-02"]


def test_registration_is_shared_between_engines_with_the_same_rules() -> None:
    again = Engine([NO_CRISIS, ALL_FUNDRAISING, ONE_ADMIN, BEFORE_RESEARCH])
    assert again.ruleset == ENGINE.ruleset
    other = Engine([NO_CRISIS])
    assert other.ruleset != ENGINE.ruleset


def test_threads_get_the_same_results_as_serial_calls() -> None:
    cases = [
        _plan_facts(crisis=bool(i % 2), goals=[bool(i % 3), True], admins=[i % 3, 2], research_day=100 + i)
        for i in range(16)
    ]
    expected = [_ids(ENGINE.run(facts)) for facts in cases]
    results: list[list[tuple[str, tuple[str, ...]]] | None] = [None] * len(cases)

    def work(index: int) -> None:
        for _ in range(20):
            results[index] = _ids(ENGINE.run(cases[index]))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(cases))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


def test_no_background_threads_are_started() -> None:
    ENGINE.run(_plan_facts(crisis=True, goals=[False], admins=[2], research_day=1))
    names = [t.name for t in threading.enumerate()]
    assert not any(name.startswith("Thread-") and "Timer" in name for name in names)
    assert all(not isinstance(t, threading.Timer) for t in threading.enumerate())


def test_a_join_after_a_nested_or_still_joins() -> None:
    """durable drops a join written after a nested $or in the same pattern; the compiler reorders it."""
    written_badly = _rule(
        "T-05",
        [
            {"p": {"kind": "plan"}},
            {
                "ch": {
                    "kind": "channel",
                    "$or": [{"status": "active"}, {"status": "planned"}],
                    "$lt": {"selected_day": {"p": "first_research_day"}},
                }
            },
        ],
    )
    facts = [
        _fact("plan", "", first_research_day=100),
        _fact("channel", "/channels/0", status="active", selected_day=50),
        _fact("channel", "/channels/1", status="active", selected_day=150),
        _fact("channel", "/channels/2", status="paused", selected_day=50),
    ]
    keys = [m.key for m in Engine([written_badly]).run(facts)]
    assert keys == [("ch=channel:/channels/0", "p=plan:")]


def test_each_kind_sends_only_the_fields_its_patterns_and_joins_read() -> None:
    """durable parses and stores every field it is given: a fact sends what some condition reads of its kind.

    T-04 joins plan.first_research_day to the channel's selected_day: each kind reads the field of the other.
    """
    sent = {kind: ENGINE._sent(kind) for kind in ("plan", "goal", "channel", "crisis", "visuals", "assess")}
    assert sent == {
        "plan": ("kind", "active_channels", "first_research_day", "goals"),
        "goal": ("kind", "fundraising"),
        "channel": ("kind", "active", "admins", "selected_day"),
        "crisis": ("kind",),
        "visuals": None,  # no pattern names it: never sent
        "assess": ("kind",),
    }


def test_a_condition_of_a_shape_the_analysis_does_not_know_sends_every_named_field() -> None:
    odd = CompiledRule("T-09", (({"p": {"kind": "plan", "$mt": {"name": "x"}}},),))
    assert "name" in (Engine([odd])._sent("visuals") or ())


def test_fids_with_quotes_and_backslashes_are_mapped_back_to_their_facts() -> None:
    """A fact is sent with its place as id, never its fid: whatever a fid holds, the match names its fact."""
    facts = [_fact("channel", f"/channels/{name}", active=True, admins=1) for name in ('a"b', "c\\d", "e")]
    matches = ENGINE.run(facts)
    assert [(m.key, m.bindings[0][1] is fact) for m, fact in zip(matches, facts, strict=True)] == [
        (('ch=channel:/channels/a"b',), True),
        (("ch=channel:/channels/c\\d",), True),
        (("ch=channel:/channels/e",), True),
    ]


def test_two_facts_with_one_fid_are_an_error_even_when_they_differ() -> None:
    """A match names its facts by fid: a second fact with one would be taken for the first."""
    facts = [_fact("goal", "/goals/0", fundraising=True), _fact("goal", "/goals/0", fundraising=False)]
    with pytest.raises(EngineError, match="share a fid"):
        ENGINE.run([_fact("plan", "", goals=2, active_channels=0), *facts])
    with pytest.raises(EngineError, match="share a fid"):
        ENGINE.run([_fact("visuals", "/visuals"), _fact("visuals", "/visuals")])  # a kind that is not sent, too
    assert _ids(ENGINE.run(_plan_facts(crisis=False, goals=[True], admins=[1], research_day=None)))


def test_the_ids_durable_hashes_are_distinct_for_as_many_facts_as_documented() -> None:
    """durable takes a fact's identity from a 32-bit FNV-1 hash of its id's text alone (state.c, storeMessage).

    A fact is sent with its place, 0, 1, ...: no two of their texts up to DISTINCT_IDS, nor the
    trigger's, hash alike, so a plan below that many facts is never taken for one asserting a fact twice.
    """

    def step(state: int, byte: int) -> int:
        return ((state ^ byte) * 16777619) & 0xFFFFFFFF  # fnv1Hash32: xor each byte, then multiply

    basis = 0x811C9DC5
    hashes = [step(basis, ord("0"))]
    for place in range(1, DISTINCT_IDS):  # a number's text is its tenth's text and one digit more
        hashes.append(step(hashes[place // 10] if place >= 10 else basis, ord("0") + place % 10))
    trigger = basis
    for byte in b"trigger":
        trigger = step(trigger, byte)
    assert len(set(hashes)) == DISTINCT_IDS
    assert trigger not in set(hashes)


class _Kind(StrEnum):
    GOAL = "goal"


_VALUES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=80),
    st.sampled_from([0, 1, 1.0, 0.0, True, False, "1", "@c", '@c":{"id": 1', _Kind.GOAL, None]),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.sampled_from(["@k", "id"]), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(["a", "b", 'c"', "kind"]), _VALUES), min_size=1, max_size=6),
    st.booleans(),
)
def test_a_fact_is_written_as_json_dumps_writes_its_sent_fields_whatever_their_values(
    facts: list[dict[str, object]], compiled: bool
) -> None:
    """Each encoder (compiled, and the loop used before it is) against json.dumps(ensure_ascii=False), fact
    after fact, so its remembered texts are used.

    1, True and 1.0 (equal, and of one hash) in one field, a str subclass, long texts, lists and dicts.
    """
    fields = ("kind", "a", "b", 'c"')
    encode = (
        _encoder(fields)
        if compiled
        else functools.partial(_written, tuple((n, f", {json.dumps(n)}: ", {}) for n in fields))
    )
    for fact in facts + facts:
        pieces: list[str] = []
        encode(fact, pieces.append)
        expected = json.dumps({name: fact[name] for name in fields if name in fact}, ensure_ascii=False)
        assert "{" + "".join(pieces)[2:] + "}" == expected


def test_a_kinds_encoder_is_compiled_only_after_it_has_written_compile_after_facts() -> None:
    """A one-plan run writes with the loop (nothing compiled: ~10 ms saved at every start); a kind in use
    gets its compiled encoder after `COMPILE_AFTER` facts; a kind never sent has none."""
    encoders = _Encoders({"goal": ("kind", "a"), "plan": ("kind",)})
    fact = {"kind": "goal", "a": 1, "fid": "goal:/goals/0"}
    written: list[str] = []
    for number in range(1, COMPILE_AFTER + 3):
        encode = encoders("goal")
        assert encode is not None
        assert isinstance(encode, functools.partial) is (number <= COMPILE_AFTER), number
        pieces: list[str] = []
        encode(fact, pieces.append)
        written.append("".join(pieces))
    assert set(written) == {', "kind": "goal", "a": 1'}
    assert isinstance(encoders("plan"), functools.partial)  # counted by kind
    assert encoders("member") is None


def test_values_that_look_like_marked_names_do_not_confuse_the_reading_of_results() -> None:
    """Rules and bindings are registered with a mark ("@"), found in the results by one search: a fact's own
    text never matches it (a value ends with a quote and a comma or brace, and json.dumps writes ": ").
    A result with an escape in it (a quote in a value) is parsed as JSON instead."""
    rule = _rule("T-05", [{"ch": {"kind": "channel", "active": True}}, {"p": {"kind": "plan", "$gt": {"goals": 0}}}])
    plain: list[object] = ["@p", "a@b", "@", "@p:{id: 0", {"@p": {"id": 1}}, ["@ch", 2]]
    for values in (plain, [*plain, '"@p":{"id": 0']):
        facts = [_fact("plan", "", goals=1, note="@ch")] + [
            _fact("channel", f"/channels/{index}", active=True, name=value) for index, value in enumerate(values)
        ]
        expected = [("T-05", (f"ch=channel:/channels/{i}", "p=plan:")) for i in range(len(values))]
        engine = Engine([rule])
        assert "name" not in (engine._sent("channel") or ())  # not read by any rule: never sent...
        assert _ids(engine.run(facts)) == expected
        read = Engine([rule, _rule("T-06", [{"ch": {"kind": "channel", "name": "x"}}])])  # ...unless one does
        assert "name" in (read._sent("channel") or ())
        assert _ids(read.run(facts)) == expected
