"""A strict RFC 8259 JSON parser that records where every value is.

The stdlib `json` module gives no positions, so this parser walks the text itself:
strings go through the C-accelerated `json.decoder.scanstring`, numbers and
whitespace through compiled regexes. It keeps an explicit stack of open containers
instead of recursing, so no nesting depth can exhaust the Python stack; the depth
limit is checked as each container opens.
"""

from __future__ import annotations

import json
import json.scanner
import math
import re
from collections.abc import Callable
from json.decoder import JSONDecodeError
from typing import Any

from assess.errors import PlanLimitError, PlanSyntaxError
from assess.plan.sourcemap import (
    COMPACT_ABOVE,
    SHARED_UP_TO,
    CompactPositions,
    Positions,
    SourceError,
    SourceMap,
    pointer_join,
)

# The C-accelerated string scanner the stdlib decoder uses (typeshed does not declare it).
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Whitespace is folded into the separators so that one regex call reads each of them.
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,}\]])[ \t\n\r]*")  # after a value
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,30}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NOT_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity")


def parse_json(text: str, max_depth: int) -> tuple[Any, Positions]:
    """Parse ``text``: the value and, per JSON pointer, the offset of its key or value.

    Raises `SourceError` (carrying `PlanSyntaxError` or `PlanLimitError`) at the first
    problem. Objects nested more than ``max_depth`` deep (the root is depth 1) are
    refused at the bracket that goes too deep.
    """
    return _Parser(text, max_depth).parse()


class _Parser:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.positions: Positions = CompactPositions(len(text)) if len(text) > COMPACT_ABOVE else {}
        self.pointer = ""  # of the value being read, so that errors can name it

    def parse(self) -> tuple[Any, Positions]:
        try:
            return self._parse()
        except SourceError as error:
            if error.pointer is None:
                error.pointer = self.pointer
            raise

    def _parse(self) -> tuple[Any, Positions]:
        text, positions = self.text, self.positions
        index = _skip(text, 0)
        if index == len(text):
            raise self._syntax(index, "the document is empty; a plan must be a JSON object")
        root: Any = None
        # Open containers, innermost last: (container, its pointer, offset of its bracket).
        stack: list[tuple[dict[str, Any] | list[Any], str, int]] = []
        pointer, key = "", ""
        positions[""] = index
        while True:
            # A value starts at `index`; it belongs at `pointer` (member `key` if in an object).
            char = text[index : index + 1]
            value: Any
            if char == '"':
                value, index = self._string(index)
            elif char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    message = f"nesting is deeper than {self.max_depth} levels (configurable limit)"
                    raise SourceError(PlanLimitError, index, message, pointer)
                value = {} if char == "{" else []
            else:
                value, index = self._scalar(index)
            if not stack:
                root = value
            elif isinstance(container := stack[-1][0], dict):
                container[key] = value
            else:
                container.append(value)
            if char == "{" or char == "[":
                opened = index
                index = _skip(text, index + 1)
                if text.startswith("}" if char == "{" else "]", index):
                    index += 1
                else:
                    stack.append((value, pointer, opened))
                    if char == "{":
                        pointer, key, index = self._member(value, pointer, index, "'{'")
                    else:
                        pointer = f"{pointer}/0"
                        positions[pointer] = index
                    self.pointer = pointer
                    continue

            # After a value: close containers until one takes another member or item.
            while True:
                if not stack:
                    index = _skip(text, index)
                    if index < len(text):
                        raise self._syntax(index, f"expected the end of the document, found {self._found(index)}")
                    return root, positions
                container, parent, opened = stack[-1]
                is_object = isinstance(container, dict)
                separator = _SEPARATOR.match(text, index)
                if separator is None or separator.group(1) == ("]" if is_object else "}"):
                    raise self._unclosed(_skip(text, index), opened, is_object, parent)
                index = separator.end()
                if separator.group(1) != ",":
                    self.pointer = pointer = stack.pop()[1]
                    continue
                if text.startswith("}" if is_object else "]", index):
                    comma = separator.start(1)
                    raise self._syntax(comma, f"trailing comma before '{text[index]}' is not allowed in JSON")
                if isinstance(container, dict):
                    pointer, key, index = self._member(container, parent, index, "','")
                else:
                    pointer = f"{parent}/{len(container)}"
                    positions[pointer] = index
                self.pointer = pointer
                break

    def _member(self, container: dict[str, Any], parent: str, index: int, after: str) -> tuple[str, str, int]:
        """Read ``"name":`` at ``index`` (which follows ``after``): (pointer, name, value offset)."""
        text = self.text
        if not text.startswith('"', index):
            if text.startswith("'", index):
                raise self._syntax(index, "member names must be in double quotes (\"), not '")
            raise self._syntax(
                index, f"expected a member name in double quotes after {after}, found {self._found(index)}"
            )
        key, end = self._string(index)
        pointer = pointer_join(parent, key)
        if key in container:
            first = self._line(self.positions[pointer])
            message = f"duplicate key {_quote(key)} (first defined on line {first})"
            raise SourceError(PlanSyntaxError, index, message, pointer)
        self.positions[pointer] = index
        colon = _COLON.match(text, end)
        if colon is None:
            end = _skip(text, end)
            message = f"expected ':' after the member name {_quote(key)}, found {self._found(end)}"
            raise SourceError(PlanSyntaxError, end, message, pointer)
        return pointer, key, colon.end()

    def _string(self, index: int) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, index + 1, True)
        except JSONDecodeError as error:
            raise self._string_error(index, error) from None
        if not value.isascii() and _SURROGATE.search(value):
            raise self._syntax(index, "string contains a \\u escape of half a surrogate pair, which is not text")
        return value, end

    def _string_error(self, start: int, error: JSONDecodeError) -> SourceError:
        if error.msg.startswith("Invalid control character"):
            char = self.text[error.pos]
            if char in "\r\n":
                return self._syntax(
                    start,
                    "unterminated string: close it with '\"' before the end of the line (write \\n for a line break)",
                )
            return self._syntax(error.pos, f"control character U+{ord(char):04X} must be escaped in a string")
        if error.msg.startswith("Invalid \\escape"):
            escape = self.text[error.pos : error.pos + 2]
            return self._syntax(
                error.pos,
                f'invalid escape {escape!r} in a string; valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX',
            )
        if error.msg.startswith("Invalid \\uXXXX"):
            return self._syntax(error.pos, "invalid \\u escape: expected 4 hexadecimal digits")
        return self._syntax(start, "unterminated string: no closing '\"'")

    def _scalar(self, index: int) -> tuple[Any, int]:
        """A number, true, false or null at ``index``; anything else is an error there."""
        text = self.text
        match = _NUMBER.match(text, index)
        if match:
            end = match.end()
            token = match.group()
            follow = text[end : end + 1]
            if follow.isdigit() and token in ("0", "-0"):
                raise self._syntax(index, "numbers cannot have leading zeros")
            if follow == "." and not (match.group(1) or match.group(2)):
                raise self._syntax(end + 1, "expected a digit after '.' in the number")
            if follow and follow in "eE" and not match.group(2):
                raise self._syntax(end + 1, "expected a digit after the exponent in the number")
            if match.group(1) is None and match.group(2) is None:
                try:
                    return int(token), end
                except ValueError:  # over sys.get_int_max_str_digits()
                    raise self._syntax(index, f"number is too long ({len(token)} digits)") from None
            number = float(token)
            if number in (float("inf"), float("-inf")):
                raise self._syntax(index, f"number {token[:20]} is too large")
            return number, end
        for literal, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, index):
                return value, index + len(literal)
        for name in _NOT_JSON_NUMBERS:
            if text.startswith(name, index):
                raise self._syntax(index, f"{name} is not valid JSON; write a number or null")
        char = text[index : index + 1]
        if char == "-":
            raise self._syntax(index + 1, "expected a digit after '-'")
        if char == "'":
            raise self._syntax(index, "strings must be in double quotes (\"), not '")
        if char == "/":
            raise self._syntax(index, "comments are not allowed in JSON")
        bare = _WORD.match(text, index)
        if bare and bare.group().lower() in ("true", "false", "null", "none"):
            fix = "null" if bare.group().lower() == "none" else bare.group().lower()
            raise self._syntax(index, f"{bare.group()} is not valid JSON; write {fix}")
        if bare:
            raise self._syntax(index, f"expected a value, found {bare.group()!r} (strings must be in double quotes)")
        raise self._syntax(index, f"expected a value, found {self._found(index)}")

    def _unclosed(self, index: int, opened: int, is_object: bool, pointer: str) -> SourceError:
        """What is wrong where a container (at `pointer`, opened at `opened`) takes neither another entry nor its end.

        At the end of the input, the problem is the container left open: it is the one named.
        """
        closer, what = ("}", "an object member") if is_object else ("]", "an array item")
        if index == len(self.text):
            name = "object" if is_object else "array"
            error = self._syntax(
                index,
                f"unexpected end of input: expected ',' or '{closer}' "
                f"(the {name} opened on line {self._line(opened)} is not closed)",
            )
            error.pointer = pointer
            return error
        return self._syntax(index, f"expected ',' or '{closer}' after {what}, found {self._found(index)}")

    def _syntax(self, index: int, message: str) -> SourceError:
        if index >= len(self.text):
            # At the end of the input, point just after the last thing written.
            index = len(self.text.rstrip(" \t\n\r"))
        return SourceError(PlanSyntaxError, index, message)

    def _found(self, index: int) -> str:
        if index >= len(self.text):
            return "the end of the input"
        char = self.text[index]
        return repr(char) if char.isprintable() else f"U+{ord(char):04X}"

    def _line(self, index: int) -> int:
        return SourceMap(self.text, {}).line_column(index)[0]


# ------------------------------------------------------------------ the quick way, for documents that are plans


class _Unsure(ValueError):
    """Something `json.loads` would take that this parser refuses: the quick way gives up."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Unsure("duplicate key")
    return members


class _Sharing:
    """`_unique`, which also makes equal short string values one object (`SHARED_UP_TO`): a big document's
    hook. The C decoder shares equal keys but builds a new object for every value; members are shared
    as each object closes, so the copies never accumulate."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[str, str] = {}

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        shared = self._memo.setdefault
        members: dict[str, Any] = {}
        for key, value in pairs:
            kind = type(value)
            if kind is str:
                if len(value) <= SHARED_UP_TO:
                    value = shared(value, value)
            elif kind is list and value and type(value[0]) is str:  # a list of strings (the schema's only kind)
                value[:] = [
                    shared(item, item) if type(item) is str and len(item) <= SHARED_UP_TO else item for item in value
                ]
            members[key] = value
        if len(members) != len(pairs):
            raise _Unsure("duplicate key")
        return members


def _finite(token: str) -> float:
    number = float(token)
    if math.isinf(number):
        raise _Unsure("number too large")
    return number


def _constant(name: str) -> Any:
    raise _Unsure(name)


# The decoder's value scanner (C when available): reads one value at an offset, returns it and its end.
_make_scanner: Callable[[json.JSONDecoder], Callable[[str, int], tuple[Any, int]]] = json.scanner.make_scanner  # type: ignore[assignment]
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json_quickly(text: str, *, share_strings: bool | None = None) -> dict[str, Any] | None:
    """The object `parse_json` would give, read by the C decoder, or None when unsure.

    None whenever the strict parser might refuse the text or read it otherwise: a
    syntax error, a duplicate key, NaN or Infinity, a number too large, an escaped
    half of a surrogate pair (or what looks like one), a root that is not an object.
    Nesting is not bounded here: the caller takes this way only for plans, whose
    schema bounds it, and reads the text again with `parse_json` when the data does
    not validate (so a document too deep gets the strict parser's error). No
    positions: `LazyPositions` finds those of the values a finding points at.
    Above `COMPACT_ABOVE` characters (or with ``share_strings``) equal short strings
    are shared (`_Sharing`); the data is equal either way.
    """
    if "\\u" in text and _ESCAPED_SURROGATE.search(text):
        return None
    share = len(text) > COMPACT_ABOVE if share_strings is None else share_strings
    hook = _Sharing() if share else _unique
    try:
        data = json.loads(text, object_pairs_hook=hook, parse_float=_finite, parse_constant=_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and _Unsure are ValueErrors, as are too long integers
        return None
    return data if type(data) is dict else None


class LazyPositions:
    """pointer -> offset, as `parse_json` records them, found only for the pointers asked about.

    For a document `parse_json_quickly` read: the text is valid JSON without
    duplicate keys. Asked for a pointer, it reads the members (or items) of each
    container on the way down (each once): their names with the string scanner,
    their values skipped by the C decoder. A report's findings point into a few
    containers; recording every value's position up front cost ten times the parse.
    """

    def __init__(self, text: str, *, decode_to_skip: bool | None = None) -> None:
        self._text = text
        self._scan = _make_scanner(json.JSONDecoder())
        # Skipping a value with the C decoder is the fastest way past it, but it builds the value
        # (then drops it): in a big plan, decoding `/goals` to get past it held a copy of a quarter
        # of the plan. Above `COMPACT_ABOVE` characters values are skipped by scanning instead.
        self._decode_to_skip = len(text) <= COMPACT_ABOVE if decode_to_skip is None else decode_to_skip
        root = _skip(text, 0)
        self._found: dict[str, tuple[int, int]] = {"": (root, root)}  # pointer -> (its offset, its value's)
        self._read: set[str] = set()  # containers whose members are in _found

    def _entry(self, pointer: str) -> tuple[int, int] | None:
        found = self._found.get(pointer)
        if found is not None or not pointer.startswith("/"):
            return found
        current, entry = "", self._found[""]
        for token in pointer[1:].split("/"):
            if current not in self._read:
                self._read_members(current, entry[1])
            current = f"{current}/{token}"
            found = self._found.get(current)
            if found is None:
                return None
            entry = found
        return entry

    def _read_members(self, pointer: str, index: int) -> None:
        text, found = self._text, self._found
        self._read.add(pointer)
        char = text[index : index + 1]
        if char != "{" and char != "[":
            return
        index = _skip(text, index + 1)
        if text.startswith("}" if char == "{" else "]", index):
            return
        count = 0
        while True:
            if char == "{":
                key, end = _scanstring(text, index + 1, True)
                value = _COLON.match(text, end).end()  # type: ignore[union-attr]  # valid JSON
                found[pointer_join(pointer, key)] = (index, value)
            else:
                value = index
                found[f"{pointer}/{count}"] = (index, index)
                count += 1
            end = self._scan(text, value)[1] if self._decode_to_skip else value_end(text, value, self._scan)
            separator = _SEPARATOR.match(text, end)
            if separator is None or separator.group(1) != ",":
                return
            index = separator.end()

    def __setitem__(self, pointer: str, offset: int, /) -> None:
        raise TypeError("LazyPositions are read from the text, not set")

    def __getitem__(self, pointer: str, /) -> int:
        entry = self._entry(pointer)
        if entry is None:
            raise KeyError(pointer)
        return entry[0]

    def __contains__(self, pointer: object, /) -> bool:
        return isinstance(pointer, str) and self._entry(pointer) is not None

    def __len__(self) -> int:
        return len(self._found)  # at least the root's: a map with positions

    def get(self, pointer: str, default: int, /) -> int:
        entry = self._entry(pointer)
        return default if entry is None else entry[0]


# Everything up to the next bracket outside a string: text between tokens and whole strings.
_UP_TO_BRACKET = re.compile(r'(?:[^][{}"]+|"[^"\\]*(?:\\.[^"\\]*)*")*', re.DOTALL)


def value_end(text: str, index: int, scan: Callable[[str, int], tuple[Any, int]]) -> int:
    """End offset of the valid JSON value at ``index``, found without building it (``scan`` reads scalars).

    One regex call steps from bracket to bracket over whatever lies between (strings
    included, whole); the brackets are counted. Memory stays flat however large the value.
    """
    char = text[index]
    if char != "{" and char != "[":
        return scan(text, index)[1]  # a string, number, true, false or null: built, and small
    depth, position = 0, index
    while True:
        mark = text[position]
        depth += 1 if mark == "{" or mark == "[" else -1
        position += 1
        if depth == 0:
            return position
        position = _UP_TO_BRACKET.match(text, position).end()  # type: ignore[union-attr]  # always matches


def _skip(text: str, index: int) -> int:
    """Offset of the first non-whitespace character at or after ``index``."""
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index  # always a match: the pattern accepts ""


def _quote(key: str) -> str:
    """A key as written in JSON, shortened so the message stays one readable line."""
    return json.dumps(key if len(key) <= 60 else key[:57] + "...", ensure_ascii=False)
