"""The plan schema's fixed vocabulary: versions, id and pointer patterns, list bounds.

Plain constants with no pydantic, shared by the models (`assess.plan.model`), which
generate the schema from them, and by the validator, which must not import the
models on the command line's path.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ID_PATTERN", "MAX_ITEMS", "ONE_LINE", "POINTER_PATTERN", "RULE_ID_PATTERN", "SCHEMA_VERSIONS"]

SCHEMA_VERSIONS = ("1.0", "1.1")
"""Plan schema versions this release understands."""

MAX_ITEMS = 500
"""Longest list a plan may hold. Real plans hold a handful of goals or channels; the cap keeps
hostile input from reaching the rule engine (durable_rules crashed at ~35,000 facts)."""

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*-[0-9]{2,3}$"
POINTER_PATTERN = r"^(/([^/~]|~[01])*)*$"
# In ECMA-262 regexes (JSON Schema, jsonschema-rs, editors) and in pydantic's Rust regex,
# "$" is the end of the text; in Python's `re` (the jsonschema library) it also matches
# before a final newline, so "m1\n" would pass there. Forbidding line breaks outright
# makes every validator agree without a lookaround, which the Rust regex (linear-time,
# so safe on hostile input) does not support.
ONE_LINE: dict[str, Any] = {"not": {"pattern": "\n"}}
