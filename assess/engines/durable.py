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
- every rule with a negation starts with the trigger fact, which is asserted last, after all data
  facts, in one call: a negation is only evaluated once every fact is in. A rule of positive
  patterns only does without it: what it matches does not depend on the order facts arrive in,
  and the join with the trigger (a frame per rule, then a join per stored fact) was about a tenth
  of durable's work a plan (engine stage 2.30 -> 2.11 M instructions, same matches);
- every fact is sent with its place among the facts sent (0, 1, ...) as durable's ``id`` (two facts
  sharing a fid are an error, raised before durable sees them): durable takes the id as the fact's
  identity instead of hashing the whole fact, by a hash of its text that is distinct for every place
  up to 700,000 (where two fids could share one), and a fact is retracted by its id alone;
- a catch-all rule that can never complete consumes every fact, so no fact is "not handled"
  and any result code but "ok" from an assertion is an error;
- a "done" rule fires on the trigger alone: it proves the run completed (its action is
  among the results), and a session in which no action ever ran crashes durable's
  ``delete_state`` (a segmentation fault, reproduced in tests/test_engine.py);
- there are no Python actions: the results are read straight from the C engine
  (``start_action_for_state``, then ``complete_and_start_action`` until none is left), so no
  exception can be swallowed, and every error code is raised as `EngineError`; every rule and
  binding is registered with a mark in front of its name, so that one search of the results'
  text finds every rule and every binding's fact (`_RESULT`), with no JSON parsing;
- a condition shared by several rules (e.g. "no active channel") is registered once and its
  match is credited to each owner (fewer rules to match, fewer actions);
- one session per ruleset, reused: creating a session costs more than matching a plan (durable
  clears ~8 kB of tables for every node of the ruleset), so after a run the trigger is retracted
  first (no rule with a negation can match without it, and retracting a fact never completes a
  positive match, so retracting the other facts cannot fire anything),
  then the facts, each by its id (durable finds a stored fact by id and needs none of its
  fields to delete it); the session must then have no action pending. On any error, and after a
  plan with many facts (to give its memory back), the session is deleted instead, and the
  next run starts a new one: at most one live session (durable allows 1,024);
- a fact sends only the fields some condition reads of a fact of its kind (`_fields_by_kind`,
  computed once per ruleset), and a fact of a kind no pattern names is not sent at all (it
  could never be bound): less JSON to write, parse, hash and store; the matches are mapped
  back to the full facts by place. The JSON is written by a function compiled for each kind
  (`_encoder`), byte for byte what ``json.dumps`` wrote of the sent fields;
- matches are de-duplicated and sorted, so results never depend on the order in which facts
  were asserted;
- every pattern with a join ends with an empty ``$or`` group (`_end_joins_safely`): durable's
  short-circuit of a false join reads past the end of the pattern's expression list, which
  crashed the process (a segmentation fault) whenever the memory that follows happened to be
  unmapped.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assess.engines.base import CompiledRule, EngineError, Match, Owner
from assess.rules.conditions import ARITHMETIC, COMPARISONS
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
        negated = any(binding.endswith("$not") for pattern in safe for binding in pattern)
        definitions[name] = {"all": [trigger, *safe] if negated else safe, "run": name}  # see the module docstring
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


# durable takes these two fields of a fact as its session and its identity: no condition may read them.
_RESERVED = frozenset({"id", "sid"})


def _fields_by_kind(definitions: dict[str, Any]) -> dict[str, frozenset[str]] | None:
    """For each fact kind some pattern names, the fields any condition reads of such a fact (``kind`` included).

    A field is read by a test in a pattern of its kind, or by a join (``{binding: field}``, possibly
    inside arithmetic) to a binding of its kind. A fact of a kind no pattern names can never be
    bound, so it need not be sent at all. None when a definition has a shape this walk does not
    know (a pattern without a kind, an operator it does not list): every fact is then sent, with
    every name the definitions mention (`_names_in`), as before.
    """
    reads: dict[str, set[str]] = {}
    for rule, definition in definitions.items():
        if rule == _CATCH_ALL:  # its one pattern tests that a fact has a kind: it reads no other field
            continue
        bound: dict[str, str] = {}
        for pattern in definition["all"]:
            if not isinstance(pattern, dict) or len(pattern) != 1:
                return None
            ((name, expression),) = pattern.items()
            kind = _pattern_kind(expression)
            if kind is None:
                return None
            reads.setdefault(kind, {"kind"})
            if not _read_fields(expression, kind, bound, reads):
                return None
            if not name.endswith("$not"):
                bound[name] = kind
    return {kind: frozenset(fields) for kind, fields in reads.items()}


def _pattern_kind(expression: Any) -> str | None:
    """The kind a pattern tests, at its top level or as a term of its top-level ``$and`` (as the compiler writes it)."""
    if not isinstance(expression, dict):
        return None
    kinds = [expression["kind"]] if "kind" in expression else []
    terms = expression.get("$and")
    if isinstance(terms, list):
        kinds += [term["kind"] for term in terms if isinstance(term, dict) and "kind" in term]
    return kinds[0] if len(kinds) == 1 and isinstance(kinds[0], str) else None


def _read_fields(node: Any, kind: str, bound: dict[str, str], reads: dict[str, set[str]]) -> bool:
    """Add the fields an expression of a `kind` pattern reads to `reads`; False on a shape it does not know."""
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not all(_read_fields(item, kind, bound, reads) for item in value):
                return False
            continue
        if key in COMPARISONS or key in ("$ex", "$nex", "$iall", "$iany"):
            if not isinstance(value, dict) or len(value) != 1:
                return False
            ((field, operand),) = value.items()
            if key in COMPARISONS and not _read_operand(operand, bound, reads):
                return False  # $ex/$nex take 1, $iall/$iany tests on the list's items ($i)
        elif key.startswith("$"):
            return False  # $mt, or anything else: not analysed
        else:
            field = key
            if not _read_operand(value, bound, reads):
                return False
        if field in _RESERVED:
            return False
        reads[kind].add(field)
    return True


def _read_operand(operand: Any, bound: dict[str, str], reads: dict[str, set[str]]) -> bool:
    """A literal reads nothing; a join ``{binding: field}`` reads the field of the bound fact's kind."""
    if not isinstance(operand, dict):
        return True
    if len(operand) != 1:
        return False
    ((key, inner),) = operand.items()
    if key in ARITHMETIC:
        return isinstance(inner, dict) and all(_read_operand(inner.get(side), bound, reads) for side in ("$l", "$r"))
    kind = bound.get(key)
    if kind is None or not isinstance(inner, str) or inner in _RESERVED:
        return False
    reads[kind].add(inner)
    return True


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

# Every fact is sent with a number as durable's ``id``, first: its place among the facts sent (0, 1, ...), so a
# result names its facts by place, and the text of the ids is the same from run to run. durable takes the id as
# the fact's identity, by a 32-bit FNV-1 hash of its text alone: two ids with one hash are "a fact asserted
# twice". The texts of 0 to 699,999 and "trigger" hash apart (tests/test_engine.py checks it), where any two
# fids could collide (46,010 distinct ones once did). A fact is retracted by its id alone. The session is
# durable's default, "0".
_TRIGGER_ID = "trigger"
_TRIGGER_JSON = json.dumps({"id": _TRIGGER_ID, "kind": TRIGGER_KIND})
_RETRACT_TRIGGER = json.dumps({"id": _TRIGGER_ID})
DISTINCT_IDS = 700_000
_ids: tuple[str, ...] = ()  # '{"id": 0', '{"id": 1', ... (see `_id_texts`)


def _id_texts(count: int) -> tuple[str, ...]:
    """At least `count` texts of a fact's beginning, by place: '{"id": 0', '{"id": 1', ...

    Kept between runs and only ever replaced by a longer tuple of the same texts (safe from any thread).
    """
    global _ids
    if len(_ids) < count:
        _ids = tuple([f'{{"id": {place}' for place in range(max(count, 2 * len(_ids), 64))])
    return _ids


_encode = json.encoder.encode_basestring  # how json.dumps(ensure_ascii=False) writes a string: the same id text


class _Host:
    """The process-wide durable C engine, the rulesets registered on it and their sessions (under `_lock`)."""

    _lock = threading.Lock()
    _instance: _Host | None = None

    def __init__(self) -> None:
        self.engine = import_durable_engine()
        self.rulesets: dict[str, int] = {}  # ruleset name -> durable's handle
        self.live: set[int] = set()  # the handles whose session exists (holds facts only during a run)

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

    def run(self, handle: int, assert_json: str, retract_json: str, count: int) -> list[str]:
        """Assert the facts and the trigger (`assert_json`, trigger last); every result, as durable's JSON messages.

        The session is then emptied with `retract_json` (the trigger first, then every fact, by id)
        for the next run, or deleted (see the module docstring).
        """
        engine = self.engine
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
            if count > _KEEP_SESSION_FACTS or not self._emptied(handle, retract_json):
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

    def _emptied(self, handle: int, retract_json: str) -> bool:
        """Retract the trigger, then every fact, from the session; whether it is now empty and idle."""
        code, state = self.engine.retract_facts(handle, retract_json)
        return code == 0 and self.engine.start_action_for_state(handle, state) is None

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
        # The fields each fact sends, by kind, computed once: durable parses, hashes and stores every
        # field it is given, and a fact of a kind no pattern names (None) is not sent at all.
        reads = _fields_by_kind(self._definitions)
        if reads is None:  # not analysed: every fact, with every name the definitions mention
            every = _sent_order(_names_in(self._definitions, {"kind", "fid"}))
            self._sent: Callable[[Any], tuple[str, ...] | None] = lambda kind: every
            encoders = _Encoders({None: every})
            self._encoder: Callable[[Any], _Encoder | None] = lambda kind: encoders(None)
            # Bindings keep their names: the results are read with json.loads (`_read_parsed`).
            self._registered, self._marked = self._definitions, False
        else:
            sent = {kind: _sent_order(fields) for kind, fields in reads.items()}
            self._sent = sent.get
            self._encoder = _Encoders(sent)
            self._registered, self._marked = _marked_definitions(self._definitions), True
        digest = hashlib.sha256(json.dumps(self._registered, sort_keys=True).encode()).hexdigest()[:16]
        self.ruleset = f"assess_{digest}"

    def run(self, facts: Sequence[Fact]) -> list[Match]:
        """Assert the facts (trigger last) and return the sorted, de-duplicated matches."""
        # Written before taking the lock: other threads' runs need not wait for it. The text is what
        # json.dumps(ensure_ascii=False) writes of each fact's sent fields, its place first as "id".
        out = ["["]
        put = out.append
        sent: list[Fact] = []
        send = sent.append
        by_fid: dict[str, Fact] = {}
        encoder_of = self._encoder
        ids = _id_texts(len(facts))
        for fact in facts:
            by_fid[fact["fid"]] = fact
            encode = encoder_of(fact["kind"])
            if encode is not None:
                put(ids[len(sent)])
                send(fact)
                encode(fact, put)
                put("}, ")
        if len(by_fid) != len(facts):
            raise EngineError("rule engine failed: two facts share a fid (a fact asserted twice)")
        put(_TRIGGER_JSON + "]")
        assert_json = "".join(out)
        count = len(sent)
        retract_json = f"[{'}, '.join([_RETRACT_TRIGGER[:-1], *ids[:count]])}}}]"  # each id's '}' written by the join
        with _Host._lock:
            host = _Host.get()
            messages = host.run(host.handle(self.ruleset, self._registered), assert_json, retract_json, count)
        text = "".join(messages)
        if self._marked and "\\" not in text:
            return _read(text, len(messages), self._owners, sent)
        return _read_parsed(messages, self._owners, sent, self._marked)


# json.dumps(ensure_ascii=False) without its check for circular references (a fact is plain data).
_to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _sent_order(fields: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The fields a fact sends, ``kind`` first, without durable's own ``id`` and ``sid`` (the id is the fid)."""
    return ("kind", *sorted(fields - _RESERVED - {"kind"}))


# --- Writing the facts -----------------------------------------------------------------------------

_Encoder = Callable[[Fact, Callable[[str], object]], None]
"""Writes a fact's sent fields, each as ``, "name": value``, by calling its second argument with each piece."""

# A field's texts are remembered by value (a str or an int; a bool is written directly): most values
# recur from plan to plan (a kind, a category, a count, a day), and a dict lookup costs a fraction of
# writing the text. At most this many a field, each of a str at most this long: a bounded memory.
_TEXTS = 256
_TEXT_LENGTH = 64


def _text(texts: dict[Any, str], prefix: str, value: Any) -> str:
    """``prefix`` and the JSON of a str or an int `value` (exactly), remembered in `texts` while there is room."""
    if value.__class__ is str:
        text = prefix + _encode(value)
        if len(value) > _TEXT_LENGTH:
            return text
    else:
        text = prefix + int.__repr__(value)
    if len(texts) < _TEXTS:
        texts[value] = text
    return text


COMPILE_AFTER = 64
"""Facts of a kind written by `_written` before its encoder is compiled (`_Encoders`)."""


class _Encoders:
    """Each kind's encoder: `_written` for its first `COMPILE_AFTER` facts, then its compiled one.

    Compiling the encoders of a catalog's ~23 kinds costs ~10 ms, what a one-plan command spends
    writing a few thousand facts: a command-line run on one plan never compiles them, a batch or a
    library caller soon does. Both write the same bytes (tests/test_engine.py). Thread-safe: at
    worst two threads compile the same kind's encoder, and one of the two is kept.
    """

    __slots__ = ("_compiled", "_fields", "_texts", "_uncompiled", "_written")

    def __init__(self, fields: Mapping[Any, tuple[str, ...]]) -> None:
        self._fields = dict(fields)
        self._compiled: dict[Any, _Encoder] = {}
        # Each field's remembered texts, one table a kind's field: the loop's, then the compiled function's.
        self._texts: dict[Any, tuple[dict[Any, str], ...]] = {
            kind: tuple({} for _ in names) for kind, names in self._fields.items()
        }
        self._uncompiled: dict[Any, _Encoder] = {
            kind: functools.partial(_written, tuple(zip(names, _prefixes(names), self._texts[kind], strict=True)))
            for kind, names in self._fields.items()
        }
        self._written = dict.fromkeys(self._fields, 0)

    def __call__(self, kind: Any) -> _Encoder | None:
        found = self._compiled.get(kind)
        if found is not None:
            return found
        uncompiled = self._uncompiled.get(kind)
        if uncompiled is None:
            return None
        self._written[kind] += 1
        if self._written[kind] <= COMPILE_AFTER:
            return uncompiled
        encoder = self._compiled[kind] = _encoder(self._fields[kind], self._texts[kind])
        return encoder


def _prefixes(fields: tuple[str, ...]) -> list[str]:
    """What comes before each field's value: ``, "name": ``."""
    return [f", {_encode(name)}: " for name in fields]


def _written(fields: tuple[tuple[str, str, dict[Any, str]], ...], fact: Fact, put: Callable[[str], object]) -> None:
    """What `_encoder`'s compiled function writes, by a loop over the (name, prefix, remembered texts) of
    the fields (no compiling)."""
    for name, prefix, remembered in fields:
        if name in fact:
            value = fact[name]
            if value is True:
                put(prefix + "true")
            elif value is False:
                put(prefix + "false")
            elif value.__class__ is str or value.__class__ is int:
                put(remembered.get(value) or _text(remembered, prefix, value))
            else:
                put(prefix + _to_json(value))


def _encoder(fields: tuple[str, ...], texts: Sequence[dict[Any, str]] | None = None) -> _Encoder:
    """A function that writes the `fields` a fact has, in this order, as json.dumps(ensure_ascii=False) would.

    It is Python source compiled once per kind: one test and one call a field, with its key's text a
    constant, where a loop over the fields cost about as much again (~180 fields a plan). Each value
    is written by its exact class: ``true``/``false``; a str or an int from its remembered text
    (`_text`: a str key never equals an int one, and neither a bool nor a float ever looks one up, so
    ``1``, ``True`` and ``1.0`` never share a text); anything else (a float, a list, a str subclass)
    by the json encoder itself. Names are written into the source with repr(), so any name is a literal.
    ``texts``: each field's remembered texts so far (`_Encoders` hands over the loop's).
    """
    lines = ["def encode(fact, put):"]
    scope: dict[str, Any] = {"_text": _text, "_to_json": _to_json}
    for index, (name, prefix) in enumerate(zip(fields, _prefixes(fields), strict=True)):
        scope[f"texts_{index}"] = {} if texts is None else texts[index]
        lines += [
            f"    if {name!r} in fact:",
            f"        value = fact[{name!r}]",
            f"        if value is True: put({prefix + 'true'!r})",
            f"        elif value is False: put({prefix + 'false'!r})",
            "        elif value.__class__ is str or value.__class__ is int:",
            f"            put(texts_{index}.get(value) or _text(texts_{index}, {prefix!r}, value))",
            f"        else: put({prefix!r} + _to_json(value))",
        ]
    if not fields:
        lines.append("    pass")
    exec("\n".join(lines), scope)  # the source is built above from repr()s of names only
    encode: _Encoder = scope["encode"]
    return encode


# --- Reading the results ---------------------------------------------------------------------------

# Every durable rule and every binding but the trigger is registered under its name with this mark in
# front (`_marked_definitions`): durable writes a result as ``{"RULE":{"binding":{fact},...}}``, with
# each fact the very text `run` asserted (its id first), so one search for the mark finds every rule
# and every binding of all the results at once, the trigger's binding (unmarked) left out.
_MARK = "@"
# A rule: its name, then `{` and the trigger or a binding's name (no id follows). A binding: its name and its
# fact's id. Searched only in results without a backslash: every quote then delimits a string, and
# ``":{`` is only ever written by durable (json.dumps writes a space after a colon), so a fact's own
# text never matches, whatever it holds (a string starting with the mark is followed by ``,`` or ``}``).
_RESULT = re.compile(r'"@([^"]*)":\{(?:"id": ([0-9]+))?')


def _marked_definitions(definitions: dict[str, Any]) -> dict[str, Any]:
    """The definitions as durable registers them: every rule and binding but the trigger named with `_MARK`.

    A join names an earlier binding (``{binding: field}``, possibly inside arithmetic): renamed too.
    Only called on definitions `_fields_by_kind` could analyse, whose every shape the walk below knows.
    """
    marked: dict[str, Any] = {}
    for rule, definition in definitions.items():
        if rule == _CATCH_ALL:  # never completes: never in a result
            marked[rule] = definition
            continue
        bound: set[str] = set()
        patterns = []
        for pattern in definition["all"]:
            ((name, expression),) = pattern.items()
            if name == TRIGGER_BINDING:
                patterns.append(pattern)
                continue
            patterns.append({_MARK + name: _marked_expression(expression, bound)})
            bound.add(name)
        marked[_MARK + rule] = {"all": patterns, "run": definition["run"]}
    return marked


def _marked_expression(node: dict[str, Any], bound: set[str]) -> dict[str, Any]:
    """A pattern's expression with every join to a `bound` name renamed (see `_read_fields` for the shapes)."""
    marked: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$and", "$or"):
            marked[key] = [_marked_expression(item, bound) for item in value]
        elif key in COMPARISONS:
            marked[key] = {field: _marked_operand(operand, bound) for field, operand in value.items()}
        elif key.startswith("$"):  # $ex, $nex, $iall, $iany: no join
            marked[key] = value
        else:
            marked[key] = _marked_operand(value, bound)
    return marked


def _marked_operand(operand: Any, bound: set[str]) -> Any:
    if not isinstance(operand, dict) or len(operand) != 1:
        return operand
    ((key, inner),) = operand.items()
    if key in ARITHMETIC:
        return {key: {side: _marked_operand(value, bound) for side, value in inner.items()}}
    return {_MARK + key: inner} if key in bound else operand


def _read(text: str, count: int, owners: dict[str, tuple[Owner, ...]], sent: list[Fact]) -> list[Match]:
    """The matches of the `count` results `text` (one after the other, with no backslash; see `_RESULT`).

    The body of `_add`, written out for the result of one binding (most of them): ~20 results a plan.
    """
    found = _RESULT.findall(text)
    found.append(("", ""))  # ends the last result
    matches: list[Match] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    done = False
    results = -1  # the end is not one
    action = ""
    pairs: list[tuple[str, Fact]] = []
    for name, place in found:
        if place:
            pairs.append((name, sent[int(place)]))
            continue
        results += 1
        if action == _DONE:
            done = True
        elif action:
            if len(pairs) == 1:
                key: tuple[str, ...] = (pairs[0][0] + "=" + pairs[0][1]["fid"],)
            else:
                pairs.sort(key=_by_name_and_fid)
                key = tuple([bound + "=" + fact["fid"] for bound, fact in pairs])
            bindings = tuple(pairs)
            if (action, key) not in seen:
                seen.add((action, key))
                for rule_id, outcome, index in owners[action]:
                    matches.append(_new_match(Match, (rule_id, outcome, index, key, bindings)))
        action, pairs = name, []
    if results != count:  # a result of a shape the search does not know (durable writes none)
        raise EngineError(f"rule engine failed: {count} results, {results} read")
    if not done:
        raise EngineError("the rule engine did not finish the run (the trigger rule never fired)")
    matches.sort()  # by rule, outcome, alternative and key: unique, so the bindings are never compared
    return matches


def _by_name_and_fid(pair: tuple[str, Fact]) -> tuple[str, str]:
    return pair[0], pair[1]["fid"]


def _read_parsed(
    messages: list[str], owners: dict[str, tuple[Owner, ...]], sent: list[Fact], marked: bool
) -> list[Match]:
    """`_read` of results that may hold escapes (a value with a quote or a backslash): each parsed as JSON."""
    start = len(_MARK) if marked else 0
    matches: list[Match] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    done = False
    for message in messages:
        ((action, bound),) = json.loads(message).items()
        action = action[start:]
        pairs = [(name[start:], sent[fact["id"]]) for name, fact in bound.items() if name != TRIGGER_BINDING]
        if action == _DONE:
            done = True
        else:
            _add(matches, seen, owners[action], action, pairs)
    if not done:
        raise EngineError("the rule engine did not finish the run (the trigger rule never fired)")
    matches.sort()
    return matches


def _add(
    matches: list[Match],
    seen: set[tuple[str, tuple[str, ...]]],
    owners: tuple[Owner, ...],
    action: str,
    pairs: list[tuple[str, Fact]],
) -> None:
    """A match for each rule alternative owning the durable rule `action`, once per set of (binding, fact) `pairs`."""
    pairs.sort(key=_by_name_and_fid)
    key = tuple([name + "=" + fact["fid"] for name, fact in pairs])
    if (action, key) in seen:
        return
    seen.add((action, key))
    for rule_id, outcome, index in owners:
        matches.append(_new_match(Match, (rule_id, outcome, index, key, tuple(pairs))))


# A named tuple's own __new__ is a Python function; tuple's builds the same tuple, at a fraction of the cost.
_new_match = tuple.__new__
