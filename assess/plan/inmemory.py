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
                if _has_lone_surrogate(key):
                    message = f"the key {_short(key)} holds half a surrogate pair, which is not text"
                    raise PlanSchemaError([Problem(name, None, None, pointer or "/", message)])
                stack.append((value, f"{pointer}/{_escape(key)}", depth + 1))
        elif isinstance(node, list | tuple):
            stack.extend((value, f"{pointer}/{index}", depth + 1) for index, value in enumerate(node))
        elif isinstance(node, str):
            if _has_lone_surrogate(node):
                message = f"{_short(node)} holds half a surrogate pair, which is not text (nor JSON, nor UTF-8)"
                raise PlanSchemaError([Problem(name, None, None, pointer, message)])
        elif isinstance(node, bool):
            continue
        elif isinstance(node, int) and node.bit_length() > MAX_INT_DIGITS * 3.32:
            message = f"an integer of more than {MAX_INT_DIGITS} digits is not a plan value"
            raise PlanSchemaError([Problem(name, None, None, pointer, message)])
        elif isinstance(node, float) and not math.isfinite(node):
            message = f"{node} is not a number a plan can hold (JSON has no NaN or infinity)"
            raise PlanSchemaError([Problem(name, None, None, pointer, message)])


def _has_lone_surrogate(text: str) -> bool:
    """Whether a str holds half a surrogate pair (Python allows it, UTF-8 and JSON text do not)."""
    if text.isascii():
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


_FALLBACK = json.JSONEncoder(sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
"""What writes the canonical text of data orjson does not take (an integer past 64 bits, a float subclass)."""


def canonical_bytes(data: Any) -> bytes:
    """The canonical JSON of plan data, the text whose SHA-256 a report gives for a plan passed as data.

    Keys sorted, no white space, UTF-8 (nothing escaped but what JSON must), as orjson writes it
    (its OPT_SORT_KEYS), so a plan's digest does not depend on the order its mappings were
    filled in. orjson writes a plan in about a sixth of the time of the standard library's
    encoder with sorted keys (which was a sixth of a whole assessment). Data orjson does not
    take (an integer past 64 bits, a float subclass) is written by `json` with the same keys,
    separators and strings, where only floats in exponent notation read differently
    (``1e+16`` against ``1e16``): one plan always takes the same path, so its digest is stable.
    Raises ValueError, TypeError, RecursionError or UnicodeEncodeError when data is not JSON.
    orjson is imported on first use: a command line reading plan files never needs it.
    """
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _FALLBACK.encode(data).encode()


def canonical_json(data: Mapping[str, Any], max_depth: int) -> bytes | None:
    """The canonical JSON (`canonical_bytes`) of data that passed validation, or None when `check_data`
    must look closer.

    `check_data` walks every value in Python, building a pointer for each: most of the
    cost of a plan given as data. Validation answers first instead (at C speed, safe on
    any data: it prints nothing), and `check_data` runs when it fails. Valid data is no
    deeper than `PLAN_DEPTH` (the schema is closed), so it has no cycle and its keys are
    strings; what validation lets through but `check_data` would not is refused here:
    ``json.dumps`` refuses NaN and infinities, and a ``max_depth`` below `PLAN_DEPTH`
    gives None. (Integers of 4,001 to 4,300 digits, which print, are far past the
    schema's bounds.) Half a surrogate pair, which a Python str may hold, cannot be written as
    UTF-8: None too, and `check_data` says where it is. The text is the one the plan's sha256 is
    taken of.
    """
    if type(data) is not dict or max_depth < PLAN_DEPTH:
        return None
    try:
        return canonical_bytes(data)
    except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
        return None


def _short(key: Any) -> str:
    try:
        text = repr(key)
    except Exception:  # a hostile __repr__ must not replace the real problem
        return "(unprintable)"
    return text if len(text) <= 40 else text[:37] + "..."
