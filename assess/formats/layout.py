"""Pages for the text format: lines of styled text and one kind of table, laid out by rich or by hand.

The text format describes what it prints (`Line`, `Grid`) and a page lays it out:

- `RichPage` hands everything to rich (colour, wrapping, tables of any width, any character);
- `PlainPage` writes the same bytes itself for the common case, uncoloured output whose lines fit
  the width and whose characters each take one cell, and raises `NotPlain` for anything else,
  so the caller starts again with a `RichPage`.

Importing rich takes about 50 ms, an eighth of a peer tool's whole run (issue 15): a piped or
plain `assess PLAN` should not pay it to print lines that need no layout at all.
tests/test_text_layout.py checks that both pages give byte-identical text, on the samples and on
Hypothesis reports of any text, at widths around every line's and the table's own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

Justify = Literal["left", "right"]

# Characters one cell wide on every terminal and that rich prints as they are (it strips some control
# characters and measures wide and combining ones): printable ASCII, Latin-1, Latin Extended-A and the
# typographic punctuation plans use. Soft hyphen excluded (zero-width for some). tests/test_text_layout.py
# asks rich about each of them.
ONE_CELL = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180) if c != 0xAD]
    + list("‐‑‒–—―‘’‚“”„†‡•…‰‹›€™")
)
_SEPARATOR = "   "  # rich's SIMPLE_HEAD box without edges: a cell's right padding, the blank rule, the left padding
_HEAD_RULE = "─"


class NotPlain(Exception):
    """The page needs rich: colour, a character wider or narrower than one cell, or a line to wrap."""


class Line:
    """A line of text in styled runs (styles matter only to a coloured page)."""

    __slots__ = ("first", "parts", "plain", "style")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.first = text  # styled by `style`, which covers the whole line
        self.style = style
        self.parts: list[tuple[str, str]] = []  # after the first text, as rich's `Text.append` takes them
        self.plain = text

    def append(self, text: str, style: str = "") -> Line:
        self.parts.append((text, style))
        self.plain += text
        return self


class Column(NamedTuple):  # not a dataclass: creating one costs a cold run about 0.7 ms
    header: str
    justify: Justify = "left"


class Grid(NamedTuple):
    """A table with a header rule and no borders (rich's ``box.SIMPLE_HEAD``, no edges)."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Line]]


class RichPage:
    """Everything through rich."""

    def __init__(self, width: int, color: bool) -> None:
        from rich.console import Console

        self._out = io.StringIO()
        self.console: Console = Console(
            file=self._out,
            width=width,
            force_terminal=color,
            force_jupyter=False,
            force_interactive=False,
            color_system="standard" if color else None,
            no_color=not color,
            legacy_windows=False,
            markup=False,
            emoji=False,
            highlight=False,
        )
        self.width = self.console.width

    def print(self, item: Line | Grid | None = None, *, soft_wrap: bool = False, style: str = "") -> None:
        if item is None:
            self.console.print()
        elif isinstance(item, Grid):
            self.console.print(_rich_table(item))
        else:
            self.console.print(_rich_text(item), soft_wrap=soft_wrap, style=style or None)

    def text(self) -> str:
        return self._out.getvalue()


class PlainPage:
    """The same bytes as an uncoloured `RichPage`, without rich, where no line needs laying out."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._lines: list[str] = []

    def print(self, item: Line | Grid | None = None, *, soft_wrap: bool = False, style: str = "") -> None:
        if item is None:
            self._lines.append("")
        elif isinstance(item, Grid):
            self._lines.extend(self._grid(item))
        else:
            self._lines.extend(self._line(line, soft_wrap) for line in _split(item.plain))

    def text(self) -> str:
        return "".join(line + "\n" for line in self._lines)

    def _line(self, text: str, soft_wrap: bool) -> str:
        if not ONE_CELL.issuperset(text) or (not soft_wrap and len(text) > self.width):
            raise NotPlain
        return text

    def _grid(self, grid: Grid) -> list[str]:
        cells = [[column.header for column in grid.columns]] + [[cell.plain for cell in row] for row in grid.rows]
        for row in cells:
            for cell in row:
                self._line(cell, soft_wrap=True)
        widths = [max(len(row[index]) for row in cells) for index in range(len(grid.columns))]
        total = sum(widths) + len(_SEPARATOR) * (len(widths) - 1)
        if total > self.width:
            raise NotPlain  # rich would shrink and wrap columns
        lines = []
        for number, row in enumerate(cells):
            lines.append(
                _SEPARATOR.join(
                    cell.rjust(width) if column.justify == "right" else cell.ljust(width)
                    for cell, width, column in zip(row, widths, grid.columns, strict=True)
                )
            )
            if number == 0:
                lines.append(_HEAD_RULE * total)
        return lines


def _split(text: str) -> list[str]:
    """Lines of a text with newlines, as rich prints them (a final newline is left to rich)."""
    if text.endswith("\n"):
        raise NotPlain
    return text.split("\n")


def _rich_text(line: Line) -> Text:
    from rich.text import Text

    text = Text(line.first, style=line.style)
    for part, style in line.parts:
        text.append(part, style=style or None)
    return text


def _rich_table(grid: Grid) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
    for column in grid.columns:
        table.add_column(column.header, justify=column.justify)
    for row in grid.rows:
        table.add_row(*(_rich_text(cell) if cell.parts or cell.style else cell.plain for cell in row))
    return table
