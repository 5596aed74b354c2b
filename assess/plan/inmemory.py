"""Checks on a plan handed to the library as data (a mapping), before anything walks it recursively.

Text goes through the parsers, which bound size and depth and reject NaN; data
built in Python skips them, so the same guarantees are checked here, without
recursion: nesting deeper than the limit, keys that are not strings, integers
too large to print, and NaN or infinite numbers each raise a `PlanError` whose
problem names the JSON pointer of the offending value.
"""

from __future__ import annotations

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


def _short(key: Any) -> str:
    try:
        text = repr(key)
    except Exception:  # a hostile __repr__ must not replace the real problem
        return "(unprintable)"
    return text if len(text) <= 40 else text[:37] + "..."
