"""Reading the files around a plan (configuration, rule packs, baselines) with bounds.

A file named by the user may be anything: ``/dev/zero`` never ends, a baseline
may hold a million nested brackets. Every such read stops at a size limit and
every parsed document is checked for depth before anything walks it
recursively, so a hostile or mistaken input is one clear error, never a hang
or a RecursionError. (Plans have their own limits: `assess.plan.load.Limits`.)
"""

from __future__ import annotations

import os
import re
from typing import Any

MAX_CONFIG_BYTES = 1024 * 1024  # a configuration file
MAX_PACK_FILE_BYTES = 8 * 1024 * 1024  # one file of a rule pack
MAX_BASELINE_BYTES = 256 * 1024 * 1024  # a baseline (one line per accepted finding)
MAX_DEPTH = 64  # nesting of objects and lists in any of them
DEFAULT_MAX_PLAN_BYTES = 10 * 1024 * 1024  # a plan file (raise it with --max-size or max_size)

_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]i?b?|b)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: str | int) -> int:
    """A size in bytes from ``52428800``, ``50MB``, ``50 MiB``, ``512K`` or ``1.5GB`` (units of 1,024, as shown).

    `ValueError` with a sentence for anything else, or for a size below one byte.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.fullmatch(value)
        if match is None:
            raise ValueError(f"{value!r} is not a size (e.g. 50MB, 512KB or a number of bytes)")
        number, unit = match.groups()
        size = int(float(number) * _UNITS[(unit or "")[:1].lower()])
    if size < 1:
        raise ValueError(f"{value!r}: a size must be at least one byte")
    return size


_UNIT_NAMES = {"en": ("MB", "KB", "bytes"), "fr": ("Mo", "Ko", "octets")}


def size_text(size: int, lang: str = "en", *, exact: bool = False) -> str:
    """A size as people read it, at most one decimal: ``2 MB``, ``2.5 MB``, ``512 KB``, ``80 bytes`` (units of
    1,024, as `parse_size` reads them; French ``2,5 Mo``, a no-break space before the unit); `exact`: every byte,
    ``2,097,153 bytes`` (French ``2 097 153 octets``), for a size the rounding would show as its limit."""
    mega, kilo, unit = _UNIT_NAMES.get(lang, _UNIT_NAMES["en"])
    space = "\u00a0" if lang == "fr" else " "
    if exact:
        return f"{size:,}".replace(",", space if lang == "fr" else ",") + f"{space}{unit}"
    for name, scale in ((mega, 1024 * 1024), (kilo, 1024)):
        if size >= scale:
            number = f"{size / scale:.1f}".removesuffix(".0")
            return (number.replace(".", ",") if lang == "fr" else number) + f"{space}{name}"
    return f"{size}{space}{unit}"


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
