"""Where each part of a parsed document came from: JSON pointer -> line and column.

The parsers record a character offset per pointer; line and column are worked out
only when asked for, because most documents produce no findings that need them.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import cached_property

from assess.errors import PlanError

# A line ends at "\n", "\r\n" or a lone "\r": what JSON allows as whitespace and what
# editors count. YAML 1.1 also breaks lines at U+0085/U+2028/U+2029; editors don't.
_LINE_BREAK = re.compile(r"\r\n?|\n")
_EXCERPT_WIDTH = 100  # characters of a long line shown around the column


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

    def __init__(self, error: type[PlanError], offset: int, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.error = error
        self.offset = offset
        self.message = message
        self.pointer = pointer


class SourceMap:
    """Positions of a document's values in its source text.

    ``positions`` maps a pointer to the character offset of the member's key (object
    members) or of the value (array items, the root). ``aliases`` maps the pointer of
    a YAML alias to the pointer of the node it repeats, so that pointers into the
    alias's contents resolve to the anchored text instead of being stored again.
    """

    def __init__(self, text: str, positions: dict[str, int], aliases: dict[str, str] | None = None) -> None:
        self._text = text
        self._positions = positions
        self._aliases = aliases or {}

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
        """1-based (line, column) of a character offset into the text."""
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
    def _line_starts(self) -> list[int]:
        return [0, *(match.end() for match in _LINE_BREAK.finditer(self._text))]

    def _offset(self, pointer: str) -> int:
        """Offset of ``pointer``, else of its nearest existing parent (through aliases)."""
        offset = self._positions.get("", 0)
        if not pointer.startswith("/"):
            return offset
        current = ""
        for token in pointer[1:].split("/"):
            current = f"{current}/{token}"
            if current not in self._positions:
                break
            offset = self._positions[current]
            # Inside a YAML alias, go on from the node it repeats.
            current = self._aliases.get(current, current)
        return offset


def _blank(char: str) -> str:
    """What goes under ``char`` in the caret line so the caret stays aligned."""
    if char == "\t":
        return "\t"
    if unicodedata.combining(char):
        return ""
    return "  " if unicodedata.east_asian_width(char) in "WF" else " "
