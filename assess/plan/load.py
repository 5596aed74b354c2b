"""Bytes -> `Document`: the parsed plan, a source map, and located, bounded errors.

This is the only place that reads plan files. Everything a user can get wrong here
(a missing file, bad UTF-8, a syntax error, a duplicate key, a nesting or alias
bomb) becomes a `PlanReadError`, `PlanSyntaxError` or `PlanLimitError` whose
`Problem` gives file, line and column; nothing else escapes.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from assess.errors import PlanError, PlanLimitError, PlanReadError, PlanSyntaxError, Problem
from assess.paths import printable_name
from assess.plan._jsonparse import LazyPositions, parse_json, parse_json_quickly
from assess.plan.sourcemap import SourceError, SourceMap, pointer_join, pointer_parts
from assess.reading import DEFAULT_MAX_PLAN_BYTES, size_text

__all__ = [
    "DEFAULT_LIMITS",
    "Document",
    "Format",
    "Limits",
    "SourceMap",
    "load_path",
    "parse_bytes",
    "pointer_join",
    "pointer_parts",
]

Format = Literal["json", "yaml"]

_EXTENSIONS: dict[str, Format] = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class Limits:
    """Safety limits, so a hostile or broken file fails fast instead of eating memory."""

    max_bytes: int = DEFAULT_MAX_PLAN_BYTES  # --max-size, max_size in the configuration
    max_depth: int = 64  # nesting of arrays/objects; the root object is level 1
    max_aliases: int = 100  # YAML alias dereferences, nested ones included


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Document:
    """A parsed plan and where each of its values came from.

    ``data`` is JSON-compatible (dict/list/str/int/float/bool/None) with a dict at the
    top. Values repeated by YAML aliases are shared objects: treat ``data`` as
    read-only.
    """

    name: str  # the path as the user gave it, or "<stdin>"
    data: Any
    source_map: SourceMap
    sha256: str  # of the raw bytes
    format: Format
    # Set when the document was read the quick way (``lazy``): reads it again with the strict
    # parser, whose error (nesting too deep) comes before any schema problem. Call it when
    # the data does not validate; data that does is exactly what the strict parser gives.
    recheck: Callable[[], Document] | None = field(default=None, compare=False, repr=False)


PLAN_DEPTH = 8
"""Nesting of arrays and objects no valid plan exceeds (the schema's deepest is 5; a test keeps the bound true)."""


def parse_bytes(
    raw: bytes, name: str, *, format: Format | None = None, limits: Limits = DEFAULT_LIMITS, lazy: bool = False
) -> Document:
    """Parse a plan's bytes; ``format`` None means guess from the first character.

    Raises `PlanLimitError` (too big, too deep, too many aliases) or
    `PlanReadError` / `PlanSyntaxError`, each with the file, line and column.
    ``lazy``: for a caller that validates the plan and calls `Document.recheck`
    when it does not validate: JSON is read by the C decoder when it safely can,
    and its source map finds positions only when asked.
    """
    if len(raw) > limits.max_bytes:
        raise _too_big(name, len(raw), limits)
    return _parse_text(decode_text(raw, name), hashlib.sha256(raw).hexdigest(), name, format, limits, lazy)


def _parse_text(
    text: str, sha256: str, name: str, format: Format | None, limits: Limits, lazy: bool = False
) -> Document:
    kind = format or _sniff(text)
    if lazy and kind == "json" and limits.max_depth >= PLAN_DEPTH:
        data = parse_json_quickly(text)
        if data is not None:

            def recheck() -> Document:
                return _parse_text(text, sha256, name, kind, limits)

            return Document(name, data, SourceMap(text, LazyPositions(text)), sha256, kind, recheck)
    aliases: dict[str, str] = {}
    try:
        if kind == "json":
            data, positions = parse_json(text, limits.max_depth)
        else:
            from assess.plan._yamlparse import parse_yaml  # PyYAML is imported only for YAML plans

            data, positions, aliases = parse_yaml(text, limits.max_depth, limits.max_aliases)
    except SourceError as error:
        pointer = error.pointer or ""
        raise _located(error.error, name, SourceMap(text, {}), error.offset, pointer, error.message) from None
    source_map = SourceMap(text, positions, aliases)
    if not isinstance(data, dict):
        raise _located(PlanSyntaxError, name, source_map, positions[""], "", _not_a_mapping(data, kind))
    return Document(name, data, source_map, sha256, kind)


def load_path(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS, lazy: bool = False) -> Document:
    """Read and parse a plan file; "-" reads standard input (named "<stdin>").

    The format follows the extension (.json, .yaml, .yml); otherwise, and for
    standard input, it is guessed: JSON if the text starts with '{' or '[', else YAML.
    """
    name = os.fspath(path)
    if name == "-":
        raw = sys.stdin.buffer.read(limits.max_bytes + 1)
        if len(raw) > limits.max_bytes:
            raise _too_big("<stdin>", None, limits)
        return parse_bytes(raw, "<stdin>", limits=limits, lazy=lazy)
    extension = os.path.splitext(name)[1].lower()
    raw = _read(name, limits)
    shown = printable_name(name)  # a name that is not UTF-8 is reported with its bytes escaped
    text, sha256 = decode_text(raw, shown), hashlib.sha256(raw).hexdigest()
    del raw  # a big file's bytes need not stay while its text is parsed
    return _parse_text(text, sha256, shown, _EXTENSIONS.get(extension), limits, lazy)


def _read(path: str, limits: Limits) -> bytes:
    """The file's bytes, refusing an oversized regular file before reading it."""
    name = printable_name(path)
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limits.max_bytes:
                raise _too_big(name, info.st_size, limits)
            # Read at most one byte past the limit: the file may be a pipe or growing.
            raw = file.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise _unreadable(name, "no such file") from None
    except IsADirectoryError:
        raise _unreadable(name, "is a directory, not a plan file") from None
    except PermissionError:
        raise _unreadable(name, "permission denied") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise _unreadable(name, f"cannot be read: {reason}") from None
    if len(raw) > limits.max_bytes:
        raise _too_big(name, None, limits)
    return raw


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text without its byte order mark, or a `PlanReadError` at the first bad byte."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PlanReadError([Problem(name, 1, 1, "", "the file is UTF-16 encoded; save it as UTF-8")])
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        good = raw[: error.start].decode("utf-8")
        source_map = SourceMap(good + raw[error.start :].decode("utf-8", "replace"), {})
        message = f"not valid UTF-8 (byte 0x{raw[error.start]:02X}: {error.reason}); save the file as UTF-8"
        raise _located(PlanReadError, name, source_map, len(good), "", message) from None


def _sniff(text: str) -> Format:
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def _located(
    error: type[PlanError],
    name: str,
    source_map: SourceMap,
    offset: int,
    pointer: str,
    message: str,
) -> PlanError:
    line, column = source_map.line_column(offset)
    excerpt = source_map.excerpt(line, column) or None
    return error([Problem(name, line, column, pointer, message, excerpt)])


def _unreadable(name: str, reason: str) -> PlanReadError:
    return PlanReadError([Problem(name, None, None, "", reason)])


def _too_big(name: str, size: int | None, limits: Limits) -> PlanLimitError:
    limit = size_text(limits.max_bytes)
    shown = size_text(size) if size is not None else None
    if shown == limit:  # e.g. one byte over: "10 MB, over the 10 MB limit" would puzzle
        shown, limit = f"{size:,} bytes", f"{limits.max_bytes:,}-byte"
    what = f"is {shown}, over" if shown else "is over"
    return PlanLimitError([Problem(name, None, None, "", f"{name} {what} the {limit} limit (--max-size raises it)")])


def _not_a_mapping(data: Any, kind: Format) -> str:
    mapping, array = ("JSON object", "an array") if kind == "json" else ("YAML mapping", "a list")
    if isinstance(data, list):
        found = array
    elif isinstance(data, str):
        found = "a string"
    elif isinstance(data, bool):
        found = "a boolean"
    elif data is None:
        found = "null"
    else:
        found = "a number"
    return f"a plan must be a {mapping} at the top level, found {found}"
