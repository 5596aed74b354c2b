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


def canonical_json(data: Mapping[str, Any], max_depth: int) -> str | None:
    """The canonical JSON text of plain data (sorted keys), or None when `check_data` must look closer.

    `check_data` walks every value in Python, building a pointer for each: most of the
    cost of a plan given as data. This screen does the same job at C speed for the
    usual plan (built of exact dicts, lists and JSON scalars) and yields the text the
    plan's sha256 is taken of. `json.dumps` refuses NaN, infinities, values that are
    not JSON and integers too long to print; one pass over the containers, level by
    level, refuses keys that are not strings and nesting deeper than ``max_depth``.
    Integers of 4,001 to 4,300 digits pass the screen, but the schema bounds every
    number far below them, so the caller runs `check_data` when validation fails,
    and its problem comes first, as it would have. None whenever anything is unusual
    (a tuple, a Mapping that is not a dict, a subclass): `check_data` then decides.
    """
    if type(data) is not dict:
        return None
    level: list[Any] = [data]
    depth = 1
    while level:
        if depth > max_depth:
            return None
        for node in level:
            if type(node) is dict:
                if not all(type(key) is str for key in node):
                    return None
            elif type(node) is not list:
                return None
        level = [
            value
            for node in level
            for value in (node.values() if type(node) is dict else node)
            if not (type(value) is str or type(value) is int or type(value) is float or type(value) is bool)
            and value is not None
        ]
        depth += 1
    try:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        return None


def _short(key: Any) -> str:
    try:
        text = repr(key)
    except Exception:  # a hostile __repr__ must not replace the real problem
        return "(unprintable)"
    return text if len(text) <= 40 else text[:37] + "..."
