"""What every engine shares: the compiled rules it is given, the matches it returns, its interface.

An engine runs compiled rules (`assess.rules.conditions` translates a rule's
condition into durable_rules' JSON rule language) over a plan's facts and returns
every match, de-duplicated and sorted, so that the matches never depend on the
order of the facts or on the engine: ``durable`` (durable_rules, a C engine) and
``builtin`` (pure Python) return equal lists for the same rules and facts, which
the differential tests check on every CI run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from assess.rules.facts import Fact


class EngineError(RuntimeError):
    """The engine failed in a way that is a bug, not a user error."""


@dataclass(frozen=True)
class CompiledRule:
    """What the engine runs for one rule: alternatives for failing and for skipping."""

    rule_id: str
    fail: tuple[tuple[dict[str, Any], ...], ...]
    skip: tuple[tuple[dict[str, Any], ...], ...] = ()


class Match(NamedTuple):
    """A rule that matched: ``outcome`` is "fail" or "skip"; ``bindings`` maps a binding name to its fact.

    A named tuple, not a frozen dataclass: both engines build ~20 a plan, and a tuple is built
    several times faster than a frozen dataclass sets its five fields.
    """

    rule_id: str
    outcome: str
    alternative: int
    key: tuple[str, ...]
    bindings: tuple[tuple[str, Fact], ...]

    def binding(self, name: str) -> Fact | None:
        for bound, fact in self.bindings:
            if bound == name:
                return fact
        return None


Owner = tuple[str, str, int]  # (rule id, "fail" or "skip", alternative)


class Engine(Protocol):
    """Runs compiled rules over facts; ``name`` says which engine (and version) it is."""

    name: str
    rules: tuple[CompiledRule, ...]

    def run(self, facts: Sequence[Fact]) -> list[Match]:
        """Every match of every rule alternative, de-duplicated and sorted."""
        ...


def distinct_conditions(rules: Sequence[CompiledRule]) -> dict[str, tuple[tuple[dict[str, Any], ...], list[Owner]]]:
    """Each distinct condition (by its canonical JSON) with the rule alternatives owning it, in rule order.

    Many rules share a condition (e.g. "no active channel" makes a dozen rules not
    applicable): an engine evaluates it once and credits its match to each owner.
    """
    import json

    found: dict[str, tuple[tuple[dict[str, Any], ...], list[Owner]]] = {}
    for rule in rules:
        for outcome, alternatives in (("fail", rule.fail), ("skip", rule.skip)):
            for index, patterns in enumerate(alternatives):
                key = json.dumps(patterns, sort_keys=True)
                found.setdefault(key, (patterns, []))[1].append((rule.rule_id, outcome, index))
    return found


def make_match(owner: Owner, bindings: Sequence[tuple[str, Fact]]) -> Match:
    """A match with its bindings sorted by name and its key of ``name=fid`` strings."""
    ordered = tuple(sorted(bindings, key=lambda pair: pair[0]))
    key = tuple(f"{name}={fact['fid']}" for name, fact in ordered)
    return Match(owner[0], owner[1], owner[2], key, ordered)


def sorted_matches(found: dict[tuple[str, str, int, tuple[str, ...]], Match]) -> list[Match]:
    return [found[k] for k in sorted(found)]
