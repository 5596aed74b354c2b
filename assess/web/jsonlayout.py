"""Write changed data back into a JSON text in the text's own layout.

A plan written by hand has its own layout: an indent of 4 or a tab, one-line objects in a list,
a whole file on one line, non-ASCII as is or escaped, a final newline or none. A save that changes
one value should change that value's text only, so that `git diff` shows the change and nothing else.

`rewrite` walks the new data beside the old text (`Text`: the place of each value, read where needed):
a value that did not change is copied from the text byte for byte; a container that did keeps its
own spacing (what stands before each key or item, around each colon, before the closing bracket);
only a value that is new or changed is written, in the file's style (`Style`) and at the
indentation of the line it goes on, on one line where its neighbours are on one line.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assess.web.items import ids

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_ESCAPED = re.compile(r"(?<!\\)(?:\\\\)*\\u(?:00[89a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]{2})")
"""A \\u escape of a character beyond ASCII (not one whose backslash is itself escaped)."""


@dataclass(frozen=True)
class Node:
    """A value of the text: where it starts and ends, and what it is."""

    start: int
    end: int
    value: Any


@dataclass(frozen=True)
class Entry:
    """A member of an object (`key` and `key_text` set) or an item of an array: what stands before it (after
    the opening bracket, or from the previous value through the comma), and around its colon."""

    lead: str
    node: Node
    key: str | None = None
    key_text: str = ""
    colon: str = ""


class Text:
    """The old text, taken apart one container at a time, and only where asked: a save that changes one value
    reads the containers on the way to it; the rest is parsed by the C decoder, as whole values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = self._node(_skip(text, 0))
        self._parts: dict[int, tuple[list[Entry], str]] = {}

    def _node(self, start: int) -> Node:
        value, end = _DECODER.raw_decode(self.text, start)
        return Node(start, end, value)

    def entries(self, node: Node) -> list[Entry]:
        """The members or items of a container (none for a scalar)."""
        return self._split(node)[0]

    def closing(self, node: Node) -> str:
        """The text before a container's closing bracket (after its last entry, or inside an empty one)."""
        return self._split(node)[1]

    def one_line(self, node: Node) -> bool:
        return "\n" not in self.text[node.start : node.end]

    def _split(self, node: Node) -> tuple[list[Entry], str]:
        if node.start not in self._parts:
            self._parts[node.start] = self._read_container(node) if isinstance(node.value, dict | list) else ([], "")
        return self._parts[node.start]

    def _read_container(self, node: Node) -> tuple[list[Entry], str]:
        text, keyed = self.text, isinstance(node.value, dict)
        close = "}" if keyed else "]"
        entries: list[Entry] = []
        after = node.start + 1  # where the text before the next entry begins
        index = _skip(text, after)
        while text[index] != close:
            if text[index] == ",":
                index = _skip(text, index + 1)
            key, key_text, colon = None, "", ""
            entry_start = index
            if keyed:
                key, key_end = _DECODER.raw_decode(text, index)
                key_text = text[index:key_end]
                index = _skip(text, _skip(text, key_end) + 1)  # past the colon
                colon = text[key_end:index]
            value = self._node(index)
            entries.append(Entry(text[after:entry_start], value, key, key_text, colon))
            after = value.end
            index = _skip(text, after)
        return entries, text[after:index]

    def walk(self) -> Iterator[Entry]:
        """Every entry of the text, a container's before those of its first child (`Style` takes the first)."""
        stack = [self.root]
        while stack:
            entries = self.entries(stack.pop())
            yield from entries
            stack.extend(entry.node for entry in reversed(entries) if isinstance(entry.node.value, dict | list))


def _skip(text: str, index: int) -> int:
    space = _SPACE.match(text, index)
    return space.end() if space else index


class Style:
    """How the file writes what a save has to write anew; what needs the whole text read, only when asked."""

    def __init__(self, text: Text) -> None:
        self._text = text
        entries = text.entries(text.root)
        first = entries[0] if entries else None
        self.indent = _indentation(first.lead) or None if first and "\n" in first.lead else None
        """One level: "  ", "    " or "\t"; None for a file on one line."""
        self.colon = first.colon if first and first.key is not None else ": "
        """ ": " or ":" (or " : ")."""
        self.ascii = text.text.isascii() and _ESCAPED.search(text.text) is not None
        """Non-ASCII written as \\u escapes (the file has some, and no raw non-ASCII)."""
        self.newline = "\r\n" if "\r\n" in text.text else "\n"

    @functools.cached_property
    def comma(self) -> str:
        """Between entries on one line: ", " or ","."""
        found = (e.lead for e in self._text.walk() if e.lead.startswith(",") and "\n" not in e.lead)
        return next(found, "," + self.colon[self.colon.index(":") + 1 :])

    @functools.cached_property
    def short_lists(self) -> bool:
        """A list of strings or numbers on one line (["a", "b"]), as the file mostly writes them."""
        lists = [entry.node for entry in self._text.walk() if _scalars(entry.node.value)]
        return sum(self._text.one_line(node) for node in lists) * 2 > len(lists)


def _scalars(value: Any) -> bool:
    """Whether `value` is a list of strings, numbers, booleans or nulls."""
    return isinstance(value, list) and bool(value) and not any(isinstance(item, dict | list) for item in value)


def rewrite(text: str, data: Any) -> str:
    """`text` with its top value replaced by `data`: what did not change is kept byte for byte, the rest is
    written in the text's style (see the module's docstring)."""
    old = Text(text)
    style = Style(old)
    written = _Writer(old, style).write(data, old.root, "", inline=style.indent is None)
    return text[: old.root.start] + written + text[old.root.end :]


def same(old: Any, new: Any) -> bool:
    """Whether two values are the same JSON, to the type (1, 1.0 and true differ) and the order of keys."""
    if isinstance(old, dict) and isinstance(new, dict):
        return list(old) == list(new) and all(same(old[key], new[key]) for key in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    return type(old) is type(new) and old == new


class _Writer:
    def __init__(self, old: Text, style: Style) -> None:
        self.old = old
        self.style = style

    def write(self, value: Any, node: Node | None, indentation: str, *, inline: bool) -> str:
        """`value` where `node` was, on a line indented by `indentation` (`inline`: in a one-line container)."""
        if node is not None and same(node.value, value):
            return self.old.text[node.start : node.end]
        kind = dict if isinstance(value, dict) else list if isinstance(value, list) else None
        old = self.old.entries(node) if node is not None else []
        if kind is None or node is None or not isinstance(node.value, kind) or not old or not value:
            was_one_line = bool(old) and node is not None and self.old.one_line(node)  # [1, 2] becoming {...}
            return self.fresh(value, indentation, inline=inline or (kind is not None and was_one_line))
        matched = self._match(value, node, old)
        inner = next((_indentation(e.lead) for e in old if "\n" in e.lead), None)
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        # What stands before an entry that is new, or that now follows another one than in the text:
        between = old[1].lead if len(old) > 1 else ("," + old[0].lead if old[0].lead else self.style.comma)
        parts = ["{" if isinstance(value, dict) else "["]
        previous: int | None = None
        for position, (key, item) in enumerate(items):
            index = matched[position]
            entry = old[index] if index is not None else None
            if position == 0:
                parts.append(old[0].lead)
            elif entry is not None and index is not None and previous is not None and index == previous + 1:
                parts.append(entry.lead)
            else:
                parts.append(between)
            lead = parts[-1]
            if isinstance(value, dict):
                parts.append(entry.key_text if entry is not None else self._dumps(key))
                parts.append(entry.colon if entry is not None else old[0].colon)
            line = _indentation(lead) if "\n" in lead else (inner if inner is not None else indentation)
            siblings_inline = "\n" not in lead and (inline or inner is None)
            if entry is None and not siblings_inline:
                siblings_inline = any(self.old.one_line(e.node) for e in old if isinstance(e.node.value, dict | list))
            parts.append(self.write(item, entry.node if entry else None, line, inline=siblings_inline))
            previous = index
        parts.append(self.old.closing(node))
        parts.append("}" if isinstance(value, dict) else "]")
        return "".join(parts)

    def _match(self, value: Any, node: Node, old: list[Entry]) -> list[int | None]:
        """For each entry of `value`, the index of the text's entry it continues (or None: a new one)."""
        if isinstance(value, dict):
            where = {entry.key: index for index, entry in enumerate(old)}
            return [where.get(key) for key in value]
        new_ids, old_ids = ids(value), ids(node.value)
        if new_ids is not None and old_ids is not None:  # as `items.pair_items` pairs them
            by_id = {ident: index for index, ident in enumerate(old_ids)}
            return [by_id.get(ident) for ident in new_ids]
        return [index if index < len(old) else None for index in range(len(value))]

    def _dumps(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=self.style.ascii)

    def fresh(self, value: Any, indentation: str, *, inline: bool) -> str:
        """A value the text does not have, in the file's style, its lines indented from `indentation`."""
        style = self.style
        if not isinstance(value, dict | list) or not value:
            return self._dumps(value)
        if inline or style.indent is None or (_scalars(value) and style.short_lists):
            return json.dumps(value, ensure_ascii=style.ascii, separators=(style.comma, style.colon))
        inner = indentation + style.indent
        if isinstance(value, dict):
            entries = [
                self._dumps(key) + style.colon + self.fresh(item, inner, inline=False) for key, item in value.items()
            ]
        else:
            entries = [self.fresh(item, inner, inline=False) for item in value]
        line = style.newline + inner
        brackets = "{}" if isinstance(value, dict) else "[]"
        return brackets[0] + line + ("," + line).join(entries) + style.newline + indentation + brackets[1]


def _indentation(lead: str) -> str:
    """The indentation of the line a value starts on, from the text before it (which holds a line break)."""
    return lead.rsplit("\n", 1)[1]
