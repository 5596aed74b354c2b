"""The rule engine: durable_rules, driven through its C engine so that none of its traps can bite.

The wrapper calls durable's C extension (``durable_rules_engine``) directly: durable's Python
``Host`` runs each action through a closure, a promise, two JSON round trips of the session
state and an ``update_state`` call, about half of the engine's time for ~19 actions a plan,
and none of it is needed by actions that only record what matched. What the wrapper guarantees
(each point answers a trap measured on durable_rules 2.0.28, see the project docs):

- no ``Host`` and no background threads (the Host's timer threads call into the C engine
  concurrently and crashed it): every call runs in the caller's thread, and one process-wide
  lock is held around every assessment, so several threads can call in safely;
- a ruleset is registered once per distinct set of compiled rules (durable cannot
  unregister, and a registration costs memory that is never freed);
- every rule starts with the trigger fact, which is asserted last, after all data facts, in
  one call: a negation is only evaluated once every fact is in;
- facts get unique ``fid`` keys (durable treats identical facts as one: an error here);
- a catch-all rule that can never complete consumes every fact, so no fact is "not handled"
  and any result code but "ok" from an assertion is an error;
- a "done" rule fires on the trigger alone: it proves the run completed (its action is
  among the results), and a session in which no action ever ran crashes durable's
  ``delete_state`` (a segmentation fault, reproduced in tests/test_engine.py);
- there are no Python actions: the results are read straight from the C engine
  (``start_action_for_state``, then ``complete_and_start_action`` until none is left), so no
  exception can be swallowed, and every error code is raised as `EngineError`;
- a condition shared by several rules (e.g. "no active channel") is registered once and its
  match is credited to each owner (fewer rules to match, fewer actions);
- one session per ruleset, reused: creating a session costs more than matching a plan (durable
  clears ~8 kB of tables for every node of the ruleset), so after a run the trigger is retracted
  first (no rule can match without it, so retracting the other facts cannot fire anything),
  then the facts; the session must then have no action pending. On any error, and after a
  plan with many facts (to give its memory back), the session is deleted instead, and the
  next run starts a new one: at most one live session (durable allows 1,024);
- only the fields some condition reads are sent to durable (less JSON to write, parse and
  match); the matches are mapped back to the full facts by ``fid``;
- matches are de-duplicated and sorted, so results never depend on the order in which facts
  were asserted;
- every pattern with a join ends with an empty ``$or`` group (`_end_joins_safely`): durable's
  short-circuit of a false join reads past the end of the pattern's expression list, which
  crashed the process (a segmentation fault) whenever the memory that follows happened to be
  unmapped.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

from assess.engines.base import CompiledRule, EngineError, Match, Owner
from assess.rules.conditions import COMPARISONS
from assess.rules.facts import TRIGGER_KIND, Fact

__all__ = ["CompiledRule", "DurableEngine", "EngineError", "Match", "durable_version"]

TRIGGER_BINDING = "assess_trigger"
_CATCH_ALL = "assess_catch_all"
_DONE = "assess_done"
_NEVER_KIND = "assess_never"


def _definitions(rules: Sequence[CompiledRule]) -> tuple[dict[str, Any], dict[str, tuple[Owner, ...]]]:
    """durable rule definitions, one per *distinct* condition, and the rule alternatives owning each.

    Many rules share a condition (e.g. "no active channel" makes a dozen rules not
    applicable): it is registered and evaluated once, and its match counts for each owner.
    """
    trigger = {TRIGGER_BINDING: {"kind": TRIGGER_KIND}}
    owners: dict[str, list[Owner]] = {}
    patterns_by_key: dict[str, tuple[dict[str, Any], ...]] = {}
    for rule in rules:
        for outcome, alternatives in (("fail", rule.fail), ("skip", rule.skip)):
            for index, patterns in enumerate(alternatives):
                key = json.dumps(patterns, sort_keys=True)
                owners.setdefault(key, []).append((rule.rule_id, outcome, index))
                patterns_by_key[key] = patterns
    definitions: dict[str, Any] = {}
    owned: dict[str, tuple[Owner, ...]] = {}
    for key, owning in owners.items():
        rule_id, outcome, index = owning[0]  # a shared condition is named after its first owner
        name = f"{rule_id}|{outcome}|{index}"
        safe = [_end_joins_safely(pattern) for pattern in patterns_by_key[key]]
        definitions[name] = {"all": [trigger, *safe], "run": name}
        owned[name] = tuple(owning)
    definitions[_DONE] = {"all": [trigger], "run": _DONE}
    definitions[_CATCH_ALL] = {
        "all": [{"any_fact": {"$ex": {"kind": 1}}}, {"never": {"kind": _NEVER_KIND}}],
        "run": _CATCH_ALL,
    }
    return definitions, owned


def _is_join(term: Any) -> bool:
    """A term of a compiled ``$and`` that compares a field with an earlier binding (possibly through arithmetic).

    Such a term is a *beta* expression in durable: it is evaluated per combination of facts,
    from the pattern's expression list; every other term is an alpha test on the fact alone.
    Thresholds are numbers by the time they get here, so a dict operand is a binding or arithmetic.
    """
    if not isinstance(term, dict) or len(term) != 1:
        return False
    ((key, value),) = term.items()
    if key in COMPARISONS:
        return isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), dict)
    return not key.startswith("$") and isinstance(value, dict)


def _end_joins_safely(pattern: dict[str, Any]) -> dict[str, Any]:
    """The pattern, with an empty ``$or`` group after its joins when it has any: durable's overrun made safe.

    durable_rules 2.0.28 lays a pattern's joins out as ``[AND, join..., END]`` (``createAlpha``
    in rete.c) and evaluates them in ``reduceExpressionSequence`` (events.c). When a join of an
    AND is false, it skips to the END with ``do { ++i; } until expressions[i] is END``, but ``i``
    already points past the join it evaluated: when that join is the last one, the END is
    skipped and the scan runs on through the rest of the 32-slot array, then through the
    following rule nodes, until some byte happens to read as END, or into unmapped memory
    (a segmentation fault). So every false last join (CHN-07 on a channel that posted
    recently) reads out of bounds, and whether the process dies depends on what the other
    registered rules put after it: that is the crash of a custom pack beside the catalog.

    A nested ``$or`` of alpha tests adds ``[OR, END]`` to the list and nothing between them, and
    evaluates as true there (its alternatives are tested in the alpha network). Appended after
    the joins, its END is the slot the skip lands on, so the scan never leaves the list. The
    group's only test is the pattern's own ``kind``, so what the pattern matches is unchanged.
    """
    ((name, expression),) = pattern.items()
    if not isinstance(expression, dict) or set(expression) != {"$and"}:
        return pattern
    terms = expression["$and"]
    if not any(_is_join(term) for term in terms):
        return pattern
    kinds = [term["kind"] for term in terms if isinstance(term, dict) and set(term) == {"kind"}]
    if len(kinds) != 1:
        raise EngineError(f"a pattern with a join must test its kind once: {json.dumps(pattern)}")
    return {name: {"$and": [*terms, {"$or": [{"kind": kinds[0]}]}]}}


def _names_in(node: Any, into: set[str]) -> set[str]:
    """Every non-operator key and every string value of a definition: a superset of the fields it reads."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("$"):
                into.add(key)
            _names_in(value, into)
    elif isinstance(node, list | tuple):
        for item in node:
            _names_in(item, into)
    elif isinstance(node, str):
        into.add(node)
    return into


DURABLE_EXTRA = "assess-social-plan[durable]"


def _import_durable(module: str) -> Any:
    """Import one of durable_rules' modules so that it loads on every CPython from 3.11 on.

    durable_rules 2.0.28 calls ``PyEval_CallObject``, which Python 3.13 removed from its C
    API, but only from its storage and queue callbacks, which assess never sets. Python loads
    extensions with immediate binding (``RTLD_NOW``), so on 3.13+ the import fails with
    "undefined symbol: PyEval_CallObject"; lazy binding defers the lookup to a call that never
    happens. The interpreter's flags are restored afterwards. Raises `EngineError` (one line,
    naming the extra to install) when durable_rules is not installed or cannot load.
    """
    old = sys.getdlopenflags() if hasattr(sys, "setdlopenflags") else None  # not on Windows
    try:
        if old is not None:
            sys.setdlopenflags((old & ~os.RTLD_NOW) | os.RTLD_LAZY)
        return importlib.import_module(module)
    except ImportError as exc:
        raise EngineError(
            f"durable_rules cannot be imported ({exc}); install it with: pip install '{DURABLE_EXTRA}'"
            " (it builds from source and needs a C compiler)"
        ) from exc
    finally:
        if old is not None:
            sys.setdlopenflags(old)


def import_durable_host() -> Any:
    """durable's Python ``durable.engine.Host`` (see `_import_durable`); the engine itself only needs the C module."""
    return _import_durable("durable.engine").Host


def import_durable_engine() -> Any:
    """durable's C engine, ``durable_rules_engine``, the module the engine drives (see `_import_durable`)."""
    return _import_durable("durable_rules_engine")


# A session is deleted rather than emptied after a plan with more facts than this: emptying keeps
# its tables at their largest size, which is right for the next ordinary plan, not for a giant one.
_KEEP_SESSION_FACTS = 1000

_TRIGGER_JSON = json.dumps({"kind": TRIGGER_KIND, "fid": "trigger"})  # the session is durable's default, "0"


class _Recorder:
    """What the last run returned, by durable rule (read by bench/run.py to count the actions)."""

    def __init__(self) -> None:
        self.matches: list[tuple[str, list[tuple[str, str]]]] = []


class _Host:
    """The process-wide durable C engine, the rulesets registered on it and their sessions (under `_lock`)."""

    _lock = threading.Lock()
    _instance: _Host | None = None

    def __init__(self) -> None:
        self.engine = import_durable_engine()
        self.rulesets: dict[str, int] = {}  # ruleset name -> durable's handle
        self.live: set[int] = set()  # the handles whose session exists (holds facts only during a run)
        self.recorder = _Recorder()

    @classmethod
    def get(cls) -> _Host:
        if cls._instance is None:
            cls._instance = _Host()
        return cls._instance

    def handle(self, name: str, definitions: dict[str, Any]) -> int:
        """The ruleset's handle, registering it the first time (without the ``run`` names, which durable never sees)."""
        handle = self.rulesets.get(name)
        if handle is None:
            plain = {rule: {"all": definition["all"]} for rule, definition in definitions.items()}
            # durable's own error ("Could not create ruleset, error code: N") goes up as it is, as it always has.
            handle = int(self.engine.create_ruleset(name, json.dumps(plain, ensure_ascii=False)))
            self.rulesets[name] = handle
        return handle

    def run(self, handle: int, facts_json: str, count: int) -> list[str]:
        """Assert the facts (a JSON array) and the trigger in one call; every result, as durable's JSON messages.

        The session is left empty for the next run, or deleted (see the module docstring).
        """
        engine = self.engine
        assert_json = f"{facts_json[:-1]}, {_TRIGGER_JSON}]" if count else f"[{_TRIGGER_JSON}]"
        try:
            self.live.add(handle)
            code, state = engine.assert_facts(handle, assert_json)
            if code != 0:
                raise EngineError(
                    f"rule engine failed: durable result {code} for the plan's facts ({_RESULTS.get(code)})"
                )
            messages: list[str] = []
            started = engine.start_action_for_state(handle, state)
            if started is not None:
                messages.append(started[1])
                message = engine.complete_and_start_action(handle, state)
                while message is not None:
                    messages.append(message)
                    message = engine.complete_and_start_action(handle, state)
            if count > _KEEP_SESSION_FACTS or not self._emptied(handle, facts_json, count):
                self.drop(handle)
        except EngineError:
            self.drop(handle)
            raise
        except Exception as exc:
            self.drop(handle)
            raise EngineError(f"rule engine failed: {type(exc).__name__}: {exc}") from exc
        except BaseException:  # KeyboardInterrupt: no half-run session is kept
            self.drop(handle)
            raise
        return messages

    def _emptied(self, handle: int, facts_json: str, count: int) -> bool:
        """Retract the trigger, then every fact, from the session; whether it is now empty and idle."""
        engine = self.engine
        retract_json = f"[{_TRIGGER_JSON}, {facts_json[1:]}" if count else f"[{_TRIGGER_JSON}]"
        code, state = engine.retract_facts(handle, retract_json)
        return code == 0 and engine.start_action_for_state(handle, state) is None

    def drop(self, handle: int) -> None:
        """Delete the handle's session, if it has one (the next run starts a new one)."""
        if handle in self.live:
            self.live.discard(handle)
            with contextlib.suppress(Exception):
                self.engine.delete_state(handle, None)


_RESULTS = {1: "a fact no rule consumed", 2: "a fact asserted twice", 3: "deferred"}


def durable_version() -> str | None:
    """The installed durable_rules version, or None when it is not installed (nothing is imported)."""
    from assess.installed import installed_version  # not importlib.metadata: see its module

    return installed_version("durable_rules", "durable_rules_engine")


class DurableEngine:
    """Runs compiled rules over facts with durable_rules. Cheap to create; registration is shared per process."""

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.name = f"durable_rules {durable_version() or '?'}"
        self.rules = tuple(rules)
        self._definitions, self._owners = _definitions(self.rules)
        self._read = frozenset(_names_in(self._definitions, {"kind", "fid"}))
        digest = hashlib.sha256(json.dumps(self._definitions, sort_keys=True).encode()).hexdigest()[:16]
        self.ruleset = f"assess_{digest}"

    def run(self, facts: Sequence[Fact]) -> list[Match]:
        """Assert the facts (trigger last) and return the sorted, de-duplicated matches."""
        read = self._read
        # Written before taking the lock: other threads' runs need not wait for it.
        facts_json = json.dumps(
            [{name: value for name, value in fact.items() if name in read} for fact in facts], ensure_ascii=False
        )
        with _Host._lock:
            host = _Host.get()
            messages = host.run(host.handle(self.ruleset, self._definitions), facts_json, len(facts))
            results = [_result(message) for message in messages]
            host.recorder.matches = results
        if not any(action == _DONE for action, _ in results):
            raise EngineError("the rule engine did not finish the run (the trigger rule never fired)")
        return _matches(results, self._owners, {fact["fid"]: fact for fact in facts})


_BINDING = '":{"'  # in a result, only where a binding's fact begins: a fact's own keys are followed by '": '
_FID = '"fid": "'


def _result(message: str) -> tuple[str, list[tuple[str, str]]]:
    """The durable rule of one result message and its (binding, fid) pairs, read without parsing the facts.

    A message is ``{"RULE":{"binding":{fact},...}}`` with each fact the very JSON text that was
    asserted (``json.dumps``: its keys are followed by ``": "``, and a quote inside a string is
    escaped), so an unescaped ``":{"`` only ends a rule or binding name, and the first
    ``"fid": "`` after it starts that fact's fid. A fid with an escape in it, or any surprise,
    is read with `json.loads` instead.
    """
    end = message.find(_BINDING, 2)
    if not message.startswith('{"') or end == -1:
        return _parsed(message)
    pairs: list[tuple[str, str]] = []
    at = message.find(_BINDING, end + 3)
    while at != -1:
        name = message[message.rfind('"', 0, at) + 1 : at]
        start = message.find(_FID, at)
        if start == -1:
            return _parsed(message)
        start += len(_FID)
        stop = message.find('"', start)
        fid = message[start:stop]
        if "\\" in fid:
            return _parsed(message)
        pairs.append((name, fid))
        at = message.find(_BINDING, stop)
    return message[2:end], pairs


def _parsed(message: str) -> tuple[str, list[tuple[str, str]]]:
    ((action, bound),) = json.loads(message).items()
    return action, [(name, fact["fid"]) for name, fact in bound.items()]


def _matches(
    results: list[tuple[str, list[tuple[str, str]]]], owners: dict[str, tuple[Owner, ...]], by_fid: dict[str, Fact]
) -> list[Match]:
    found: dict[tuple[str, str, int, tuple[str, ...]], Match] = {}
    for action, pairs in results:
        if action == _DONE:
            continue
        named = sorted((name, fid) for name, fid in pairs if name != TRIGGER_BINDING)
        key = tuple(f"{name}={fid}" for name, fid in named)
        bindings = tuple((name, by_fid[fid]) for name, fid in named)
        for rule_id, outcome, index in owners[action]:
            found.setdefault((rule_id, outcome, index, key), Match(rule_id, outcome, index, key, bindings))
    return [found[k] for k in sorted(found)]
