"""Checks on a plan handed to the library as data (a mapping), before anything walks it recursively.

Text goes through the parsers, which bound size and depth and reject NaN; data
built in Python skips them, so the same guarantees are checked here, without
recursion: nesting deeper than the limit, keys that are not strings, integers
too large to print, and NaN or infinite numbers each raise a `PlanError` whose
problem names the JSON pointer of the offending value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from assess.errors import PlanLimitError, PlanSchemaError, Problem
from assess.plan.load import PLAN_DEPTH

MAX_INT_DIGITS = 4000  # Python refuses to print integers past 4,300 digits; no plan needs more than a few


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def check_data(data: Mapping[str, Any], name: str, max_depth: int) -> None:
    """Raise `PlanLimitError` or `PlanSchemaError` (located by pointer) for data no parser would produce."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        node, pointer, depth = stack.pop()
        if isinstance(node, Mapping | list | tuple) and depth > max_depth:
            message = f"nested more than {max_depth} levels deep (the limit; configurable with Limits)"
            raise PlanLimitError([Problem(name, None, None, pointer, message)])
        if isinstance(node, Mapping):
            for key, value in node.items():
                if not isinstance(key, str):
                    message = f"keys must be strings, found {type(key).__name__} {_short(key)}"
                    raise PlanSchemaError([Problem(name, None, None, pointer or "/", message)])
                stack.append((value, f"{pointer}/{_escape(key)}", depth + 1))
        elif isinstance(node, list | tuple):
            stack.extend((value, f"{pointer}/{index}", depth + 1) for index, value in enumerate(node))
        elif isinstance(node, bool):
            continue
        elif isinstance(node, int) and node.bit_length() > MAX_INT_DIGITS * 3.32:
            message = f"an integer of more than {MAX_INT_DIGITS} digits is not a plan value"
            raise PlanSchemaError([Problem(name, None, None, pointer, message)])
        elif isinstance(node, float) and not math.isfinite(node):
            message = f"{node} is not a number a plan can hold (JSON has no NaN or infinity)"
            raise PlanSchemaError([Problem(name, None, None, pointer, message)])


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, allow_nan=False, check_circular=False)
"""The encoder of the canonical text. Without ``check_circular`` (an eighth of its cost): it only
encodes valid plans, which the schema bounds (see `canonical_json`)."""


def canonical_json(data: Mapping[str, Any], max_depth: int) -> str | None:
    """The canonical JSON text (sorted keys) of data that passed validation, or None when `check_data`
    must look closer.

    `check_data` walks every value in Python, building a pointer for each: most of the
    cost of a plan given as data. Validation answers first instead (at C speed, safe on
    any data: it prints nothing), and `check_data` runs when it fails. Valid data is no
    deeper than `PLAN_DEPTH` (the schema is closed), so it has no cycle and its keys are
    strings; what validation lets through but `check_data` would not is refused here:
    ``json.dumps`` refuses NaN and infinities, and a ``max_depth`` below `PLAN_DEPTH`
    gives None. (Integers of 4,001 to 4,300 digits, which print, are far past the
    schema's bounds.) The text is the one the plan's sha256 is taken of.
    """
    if type(data) is not dict or max_depth < PLAN_DEPTH:
        return None
    try:
        return _CANONICAL.encode(data)
    except (ValueError, TypeError, RecursionError):
        return None


def _short(key: Any) -> str:
    try:
        text = repr(key)
    except Exception:  # a hostile __repr__ must not replace the real problem
        return "(unprintable)"
    return text if len(text) <= 40 else text[:37] + "..."
