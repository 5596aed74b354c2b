"""The rule engine: durable_rules, wrapped so that none of its traps can bite.

What the wrapper guarantees (each point answers a trap measured on durable_rules
2.0.28, see the project docs):

- one `Host` per process, without its background timer threads (they call into
  the C engine concurrently and crashed it), and one lock around every
  assessment so several threads can call in safely;
- a ruleset is registered once per distinct set of compiled rules (durable
  cannot unregister, and a registration costs memory that is never freed);
- every rule starts with the trigger fact, which is asserted last, after all
  data facts, in one call: a negation is only evaluated once every fact is in;
- facts get unique ``fid`` keys (durable treats identical facts as one and raises);
- a catch-all rule that can never complete consumes every fact, so no fact is
  "not handled" (which would abort the batch and run actions later, on a thread);
- a "done" rule fires on the trigger alone: it proves the run completed, and a
  session in which no action ever ran crashes durable's ``delete_state``
  (a segmentation fault, reproduced in tests/test_engine.py);
- actions only record their bindings; an exception inside one (which durable
  swallows) or an error result is re-raised as `EngineError`;
- a condition shared by several rules (e.g. "no active channel") is registered
  once and its match is credited to each owner (fewer rules to match, fewer actions);
- the session is deleted in ``finally`` (durable allows 1,024 live sessions);
- only the fields some condition reads are sent to durable (less JSON to write,
  parse and match); the matches are mapped back to the full facts by ``fid``;
- matches are de-duplicated and sorted, so results never depend on the order
  in which facts were asserted;
- every pattern with a join ends with an empty ``$or`` group (`_end_joins_safely`):
  durable's short-circuit of a false join reads past the end of the pattern's
  expression list, which crashed the process (a segmentation fault) whenever the
  memory that follows happened to be unmapped.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
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


def import_durable_host() -> Any:
    """``durable.engine.Host``, imported so that it loads on every CPython from 3.11 on.

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
        from durable.engine import Host
    except ImportError as exc:
        raise EngineError(
            f"durable_rules cannot be imported ({exc}); install it with: pip install '{DURABLE_EXTRA}'"
            " (it builds from source and needs a C compiler)"
        ) from exc
    finally:
        if old is not None:
            sys.setdlopenflags(old)
    return Host


class _Recorder:
    """Per-assessment sink the actions write into (only touched under the lock)."""

    def __init__(self) -> None:
        self.matches: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[BaseException] = []


class _Host:
    """The process-wide durable Host and the rulesets registered on it."""

    _lock = threading.Lock()
    _instance: _Host | None = None

    def __init__(self) -> None:
        Host = import_durable_host()
        recorder_holder = self

        class QuietHost(Host):  # type: ignore[misc,valid-type]
            def _run(self) -> None:
                """No background dispatch threads: everything runs in the caller's thread."""

            def get_action(self, action_name: str) -> Any:
                def record(c: Any) -> None:
                    try:
                        recorder_holder.recorder.matches.append((action_name, c._m))
                    except BaseException as exc:
                        recorder_holder.recorder.errors.append(exc)

                return record

        self.recorder = _Recorder()
        self.host = QuietHost()
        self.rulesets: dict[str, str] = {}
        self.sessions = itertools.count(1)

    @classmethod
    def get(cls) -> _Host:
        if cls._instance is None:
            cls._instance = _Host()
        return cls._instance


def durable_version() -> str | None:
    """The installed durable_rules version, or None when it is not installed (nothing is imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("durable_rules")
    except PackageNotFoundError:
        return None


class DurableEngine:
    """Runs compiled rules over facts with durable_rules. Cheap to create; registration is shared per process."""

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.name = f"durable_rules {durable_version() or '?'}"
        self.rules = tuple(rules)
        self._definitions, self._owners = _definitions(self.rules)
        self._read = frozenset(_names_in(self._definitions, {"kind", "fid"}))
        digest = hashlib.sha256(json.dumps(self._definitions, sort_keys=True).encode()).hexdigest()[:16]
        self.ruleset = f"assess_{digest}"

    def _ensure_registered(self, host: _Host) -> None:
        if self.ruleset not in host.rulesets:
            # durable deletes "run" from the dicts it is given: hand it a copy.
            host.host.register_rulesets({self.ruleset: json.loads(json.dumps(self._definitions))})
            host.rulesets[self.ruleset] = self.ruleset

    def run(self, facts: Sequence[Fact]) -> list[Match]:
        """Assert the facts (trigger last) and return the sorted, de-duplicated matches."""
        with _Host._lock:
            host = _Host.get()
            self._ensure_registered(host)
            sid = str(next(host.sessions))
            read = self._read
            batch = [{name: value for name, value in fact.items() if name in read} for fact in facts]
            for sent in batch:
                sent["sid"] = sid
            batch.append({"kind": TRIGGER_KIND, "fid": "trigger", "sid": sid})
            host.recorder = _Recorder()
            try:
                try:
                    host.host.assert_facts(self.ruleset, batch)
                except Exception as exc:
                    raise EngineError(f"rule engine failed: {type(exc).__name__}: {exc}") from exc
                if host.recorder.errors:
                    raise EngineError(f"a rule action failed: {host.recorder.errors[0]!r}")
                raw = host.recorder.matches
                if not any(action == _DONE for action, _ in raw):
                    raise EngineError("the rule engine did not finish the run (the trigger rule never fired)")
            finally:
                with contextlib.suppress(Exception):
                    host.host.delete_state(self.ruleset, sid)
        return _matches(raw, self._owners, {fact["fid"]: fact for fact in facts})


def _matches(
    raw: list[tuple[str, dict[str, Any]]], owners: dict[str, tuple[Owner, ...]], by_fid: dict[str, Fact]
) -> list[Match]:
    found: dict[tuple[str, str, int, tuple[str, ...]], Match] = {}
    for action, bound in raw:
        if action == _DONE:
            continue
        bindings = tuple(sorted((name, by_fid[fact["fid"]]) for name, fact in bound.items() if name != TRIGGER_BINDING))
        key = tuple(f"{name}={fact['fid']}" for name, fact in bindings)
        for rule_id, outcome, index in owners[action]:
            found.setdefault((rule_id, outcome, index, key), Match(rule_id, outcome, index, key, bindings))
    return [found[k] for k in sorted(found)]
