"""Reading the files around a plan (configuration, rule packs, baselines) with bounds.

A file named by the user may be anything: ``/dev/zero`` never ends, a baseline
may hold a million nested brackets. Every such read stops at a size limit and
every parsed document is checked for depth before anything walks it
recursively, so a hostile or mistaken input is one clear error, never a hang
or a RecursionError. (Plans have their own limits: `assess.plan.load.Limits`.)
"""

from __future__ import annotations

import os
from typing import Any

MAX_CONFIG_BYTES = 1024 * 1024  # a configuration file
MAX_PACK_FILE_BYTES = 8 * 1024 * 1024  # one file of a rule pack
MAX_BASELINE_BYTES = 256 * 1024 * 1024  # a baseline (one line per accepted finding)
MAX_DEPTH = 64  # nesting of objects and lists in any of them


class TooLarge(ValueError):
    """The file is over its size limit."""


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The file's bytes; `TooLarge` past `limit` (an endless device is cut short, not read forever)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"larger than {limit // 1024 // 1024} MiB, the limit for this file")
    return data


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest deeper than `limit` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
