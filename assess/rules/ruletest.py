"""Run a pack's own examples: every rule must fail on its failing plans and pass on the others.

An example is a JSON Merge Patch (RFC 7386) applied to the pack's base plan
(a pack without one borrows the built-in base). The patched plan must be a
valid plan; the rule must then fail (with the stated number of findings, when
given) or not fail, as the example says. The base plan itself must not fail
any rule of the pack.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.api import Loaded, assess_loaded, load
from assess.config import Config
from assess.errors import PlanError
from assess.i18n import counted
from assess.resources import RULES_DIR
from assess.results.report import PlanReport, Status
from assess.rules.catalog import build_catalog, load_packs
from assess.rules.rulepack import Example, RulePack, load_pack


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def set_pointer(document: Any, pointer: str, value: Any) -> None:
    """Set (or with None remove) the element at a JSON pointer, creating parent objects as needed."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node = document
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node.setdefault(token, {})
    last = tokens[-1]
    if isinstance(node, list):
        if last == "-":
            node.append(value)
        elif value is None:
            del node[int(last)]
        else:
            node[int(last)] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def patched(base: dict[str, Any], example: Example) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(merge_patch(base, example.patch))
    for pointer, value in example.set.items():
        set_pointer(document, pointer, copy.deepcopy(value))
    return document


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    kind: str  # "base", "pass" or "fail"
    index: int
    note: str
    ok: bool
    detail: str


def _status(report: PlanReport, rule_id: str) -> tuple[Status, int]:
    for result in report.rules:
        if result.rule_id == rule_id:
            return result.status, result.findings
    raise LookupError(rule_id)


def run_examples(
    path: str | Path | None = None, *, config: Config | None = None, alone: bool = False
) -> Iterator[ExampleResult]:
    """Check every example of the pack at `path` (default: the built-in catalog).

    A custom pack runs beside the built-in catalog, as ``--rules`` runs it: its rules are
    registered in the same engine as the catalog's (which is what decided whether a join
    crashed durable_rules) and its ids must not clash with the catalog's. With `alone`,
    the pack runs by itself, as with ``builtin_rules = false``.
    """
    pack_path = Path(path) if path is not None else RULES_DIR
    pack: RulePack = load_pack(pack_path)
    builtin = pack_path.resolve() == RULES_DIR.resolve()
    base_config = (config or Config()).merged(
        builtin_rules=builtin or not alone, rules=() if builtin else (pack_path,), select=(), ignore=()
    )
    catalog = build_catalog(base_config)
    base = pack.example_base
    if base is None:
        base = load_packs(Config())[0].example_base or {}

    def assess_doc(document: dict[str, Any], label: str) -> PlanReport:
        loaded: Loaded = load(document, name=label)
        return assess_loaded(loaded, catalog, base_config)

    try:
        base_report = assess_doc(base, f"{pack.name}:example_base")
        base_error = None
    except PlanError as error:
        base_report, base_error = None, error
    for rule in pack.rules:
        spec = rule.spec
        if base_error is not None or base_report is None:
            yield ExampleResult(rule.id, "base", 0, "base plan", False, f"the base plan is invalid: {base_error}")
            continue
        status, _ = _status(base_report, rule.id)
        if status is Status.FAIL:
            yield ExampleResult(rule.id, "base", 0, "base plan", False, "fails on the pack's base plan")
        for kind, examples in (("pass", spec.examples.passing), ("fail", spec.examples.failing)):
            for index, example in enumerate(examples):
                label = f"{rule.id} {kind} example {index + 1}"
                try:
                    report = assess_doc(patched(base, example), label)
                except (PlanError, LookupError, ValueError, TypeError) as error:
                    first = error.problems[0] if isinstance(error, PlanError) and error.problems else None
                    detail = (
                        f"the patched plan is invalid: {first.pointer}: {first.message}"
                        if first
                        else f"the example cannot be applied: {error}"
                    )
                    yield ExampleResult(rule.id, kind, index, example.note, False, detail)
                    continue
                status, count = _status(report, rule.id)
                if kind == "pass":
                    ok = status is not Status.FAIL
                    detail = f"status {status.value}" + ("" if ok else f" with {counted('finding', count)}")
                else:
                    ok = status is Status.FAIL and (example.findings is None or example.findings == count)
                    detail = f"status {status.value}, {counted('finding', count)}"
                    if example.findings is not None and status is Status.FAIL and not ok:
                        detail += f" (expected {example.findings})"
                yield ExampleResult(rule.id, kind, index, example.note, ok, detail)
