"""Where each part of a parsed document came from: JSON pointer -> line and column.

The parsers record a character offset per pointer; line and column are worked out
only when asked for, because most documents produce no findings that need them.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import operator
import re
import unicodedata
from array import array
from functools import cached_property
from typing import Protocol

from assess.errors import PlanError

# A line ends at "\n", "\r\n" or a lone "\r": what JSON allows as whitespace and what
# editors count. YAML 1.1 also breaks lines at U+0085/U+2028/U+2029; editors don't.
_LINE_BREAK = re.compile(r"\r\n?|\n")
_EXCERPT_WIDTH = 100  # characters of a long line shown around the column
COUNTED_OFFSETS = 32
"""Offsets `SourceMap.line_column` places by counting line feeds before it makes its table of lines."""


def pointer_join(parent: str, token: str | int) -> str:
    """The pointer of member or item ``token`` of the value at ``parent`` (RFC 6901)."""
    if isinstance(token, int):
        return f"{parent}/{token}"
    if "~" in token or "/" in token:
        token = token.replace("~", "~0").replace("/", "~1")
    return f"{parent}/{token}"


def pointer_parts(pointer: str) -> list[str]:
    """The unescaped reference tokens of ``pointer`` ("" -> [])."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer must be empty or start with '/': {pointer!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def field_name(pointer: str) -> str:
    """A JSON pointer as a reader writes the field: /goals/0/statement -> goals[0].statement."""
    out = ""
    for token in pointer_parts(pointer):
        out += f"[{token}]" if token.isdigit() else f".{token}"
    return out.lstrip(".")


class SourceError(Exception):
    """A parser's complaint at a character offset; `assess.plan.load` turns it into a Problem.

    Parsers know offsets but not the file name or line table, so they raise this and
    let the loader build the located `Problem` (and pick the `PlanError` subclass).
    """

    def __init__(self, error: type[PlanError], offset: int, message: str, pointer: str | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.offset = offset
        self.message = message
        self.pointer = pointer  # None: the parser names the value it was reading


class Positions(Protocol):
    """pointer -> offset, as a parser records them: a dict, or `CompactPositions` for a big document."""

    def __setitem__(self, pointer: str, offset: int, /) -> None: ...

    def __getitem__(self, pointer: str, /) -> int: ...

    def __contains__(self, pointer: object, /) -> bool: ...

    def __len__(self) -> int: ...

    def get(self, pointer: str, default: int, /) -> int: ...


COMPACT_ABOVE = 1024 * 1024
"""Characters of text above which a parser records positions in `CompactPositions`, not a dict, and
shares equal short strings (`SHARED_UP_TO`)."""

SHARED_UP_TO = 64
"""In a document above `COMPACT_ABOVE` characters, string values up to this many characters (ids, the
references that repeat them, enumerations) are made one object each: a parser would otherwise build a new
string for every occurrence. In the largest plan (10 MB, a quarter of a million references) the parsed
data took 21 MB, 18 of them strings, while its distinct strings took 0.25 MB. Long texts seldom repeat,
and hashing them would cost more than it saves."""


class CompactPositions:
    """pointer -> offset for a big document, in about 5 bytes an entry instead of about 130.

    A dict keeps every pointer string (``/channels/417/account/admins/12``...) and an
    int object per offset: 30 MB for a 10 MB plan. Here the items of a list, which are
    most of a big plan's values (a quarter of a million references in the largest),
    are one array of offsets per list, appended in order as a parser records them
    (``/a/0``, ``/a/1``...: any pointer whose last token is the next index of its
    parent is kept there, whether the parent is a list or an object with such keys: the
    mapping is the same). Every other pointer is kept as a 64-bit BLAKE2 digest, in an
    open-addressing table of two arrays at most half full. The digest does not depend on
    the process, so a document always gives the same lines. Two such pointers with the
    same digest (odds about n^2 / 2^65) would share an offset: a line shown for one would
    be the other's. Slower to fill than a dict (a digest a member), so small documents
    keep the dict.
    """

    def __init__(self, length: int = 2**31) -> None:
        """``length``: the text's, in characters (offsets below 2**31 are kept in 4 bytes, not 8)."""
        self._typecode = "i" if length < 2**31 else "q"
        self._digests = array("q", bytes(8 * 1024))  # 0: an empty slot
        self._offsets = array(self._typecode, [0]) * 1024
        self._count = 0
        self._items: dict[str, array[int]] = {}  # parent pointer -> offsets of /0, /1, ...

    @staticmethod
    def _digest(pointer: str) -> int:
        digest = hashlib.blake2b(pointer.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "little", signed=True) or 1

    def _slot(self, digest: int) -> int:
        digests = self._digests
        mask = len(digests) - 1
        slot = digest & mask
        while digests[slot] != digest and digests[slot] != 0:
            slot = (slot + 1) & mask
        return slot

    def _item(self, pointer: str) -> tuple[array[int], int] | None:
        """The array holding ``pointer`` and its place in it, if it is a kept item."""
        parent, _, token = pointer.rpartition("/")
        items = self._items.get(parent)
        index = None if items is None else _index(token)
        return (items, index) if items is not None and index is not None and index < len(items) else None

    def __setitem__(self, pointer: str, offset: int, /) -> None:
        parent, _, token = pointer.rpartition("/")
        items = self._items.get(parent)
        if items is None:
            if token == "0" and pointer:
                self._items[parent] = array(self._typecode, [offset])
                return
        else:
            index = _index(token)
            if index is not None and index < len(items):
                items[index] = offset
                return
            if index == len(items):
                items.append(offset)
                return
        digest = self._digest(pointer)
        slot = self._slot(digest)
        if self._digests[slot] == 0:
            if (self._count + 1) * 2 > len(self._digests):
                self._grow()
                slot = self._slot(digest)
            self._digests[slot] = digest
            self._count += 1
        self._offsets[slot] = offset

    def _grow(self) -> None:
        digests, offsets = self._digests, self._offsets
        self._digests = array("q", bytes(16 * len(digests)))
        self._offsets = array(offsets.typecode, [0]) * (2 * len(offsets))
        for digest, offset in zip(digests, offsets, strict=True):
            if digest:
                slot = self._slot(digest)
                self._digests[slot] = digest
                self._offsets[slot] = offset

    def __getitem__(self, pointer: str, /) -> int:
        found = self.get(pointer, -1)
        if found < 0:
            raise KeyError(pointer)
        return found

    def __contains__(self, pointer: object, /) -> bool:
        return isinstance(pointer, str) and self.get(pointer, -1) >= 0

    def __len__(self) -> int:
        return self._count + sum(len(items) for items in self._items.values())

    def get(self, pointer: str, default: int, /) -> int:
        item = self._item(pointer)
        if item is not None:
            return item[0][item[1]]
        slot = self._slot(self._digest(pointer))
        return self._offsets[slot] if self._digests[slot] else default


def _index(token: str) -> int | None:
    """A pointer token as an array index (``0``, ``17``; not ``01``, ``-1`` or a non-ASCII digit), else None."""
    if token.isascii() and token.isdigit() and (token[0] != "0" or token == "0"):
        return int(token)
    return None


class SourceMap:
    """Positions of a document's values in its source text.

    ``positions`` maps a pointer to the character offset of the member's key (object
    members) or of the value (array items, the root). ``aliases`` maps the pointer of
    a YAML alias to the pointer of the node it repeats, so that pointers into the
    alias's contents resolve to the anchored text instead of being stored again.
    """

    def __init__(self, text: str, positions: Positions, aliases: dict[str, str] | None = None) -> None:
        self._text = text
        self._positions = positions
        self._aliases = aliases or {}
        self._counted = 0  # offsets `line_column` placed by counting line feeds (see there)

    @classmethod
    def empty(cls) -> SourceMap:
        """The map of a document that has no text (e.g. a dict given to the library)."""
        return cls("", {})

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of the value at ``pointer``; ``None`` if there is no text.

        For an object member it is the position of its key; for an array item, of the
        item's value; for "" the first character of the root value. A pointer that
        does not exist falls back to its nearest existing parent, so that a finding
        about a missing field points at the object that lacks it. Columns count
        characters (code points), not bytes.
        """
        if not self._positions:
            return None
        return self.line_column(self._offset(pointer))

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset into the text.

        The first `COUNTED_OFFSETS` offsets of a text without a carriage return are placed by counting
        the line feeds before them (at memchr speed); the table of `line_starts` is made only for
        more. A plan's findings place a dozen offsets: the table of its few hundred lines cost
        more than all of its findings' counts.
        """
        if self._counted < COUNTED_OFFSETS and self._line_feeds_only:
            self._counted += 1
            text = self._text
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def excerpt(self, line: int, column: int) -> str:
        """The source line and a caret line under ``column``; "" if there is no such line.

        Tabs are kept in both lines so the caret lines up in a terminal; wide (East
        Asian) characters get two spaces. A long line is clipped to a window around
        the column, marked with "...".
        """
        if not self._text or not 1 <= line <= len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self._text)
        text = self._text[start:end].rstrip("\r\n")
        index = min(max(column - 1, 0), len(text))
        head, tail = "", ""
        if len(text) > _EXCERPT_WIDTH:
            first = min(max(index - _EXCERPT_WIDTH // 2, 0), len(text) - _EXCERPT_WIDTH)
            last = first + _EXCERPT_WIDTH
            head = "..." if first > 0 else ""
            tail = "..." if last < len(text) else ""
            text, index = text[first:last], index - first
        caret = "".join(_blank(char) for char in text[:index])
        return f"{head}{text}{tail}\n{' ' * len(head)}{caret}^"

    @cached_property
    def _line_feeds_only(self) -> bool:
        return "\r" not in self._text

    @cached_property
    def _line_starts(self) -> array[int]:
        return line_starts(self._text)

    def _offset(self, pointer: str) -> int:
        """Offset of ``pointer``, else of its nearest existing parent (through aliases)."""
        positions = self._positions
        offset = positions.get("", 0)
        if not pointer.startswith("/"):
            return offset
        current = ""
        for token in pointer[1:].split("/"):
            current = f"{current}/{token}"
            found = positions.get(current, -1)  # one look-up, not `in` then `[]`: each walks lazy positions
            if found < 0:
                break
            offset = found
            # Inside a YAML alias, go on from the node it repeats.
            current = self._aliases.get(current, current)
        return offset


def line_starts(text: str) -> array[int]:
    """The offset of each line's first character (`_LINE_BREAK` ends a line), the first line's (0) first.

    An array, not a list: 8 bytes a line rather than 36 (400,000 lines in a 10 MB plan). Text
    without a carriage return (most) breaks only at "\n": line k starts after the k lines
    before it and their k line feeds, summed at C speed (a generator over the regular
    expression's matches cost ~4,000 instructions a line: a JSON plan's findings paid 1.4 M
    for them, a third of its assessment). tests/test_load.py checks both ways agree.
    """
    starts = array("q", [0])
    if "\r" in text:
        starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
    else:
        lines = text.split("\n")
        lines.pop()  # the text after the last line feed: no line starts after it
        starts.extend(map(operator.add, itertools.accumulate(map(len, lines)), itertools.count(1)))
    return starts


def _blank(char: str) -> str:
    """What goes under ``char`` in the caret line so the caret stays aligned."""
    if char == "\t":
        return "\t"
    if unicodedata.combining(char):
        return ""
    return "  " if unicodedata.east_asian_width(char) in "WF" else " "
