"""Write changed data back into a JSON text in the text's own layout.

A plan written by hand has its own layout: an indent of 4 or a tab, one-line objects in a list,
a whole file on one line, non-ASCII as is or escaped, a final newline or none. A save that changes
one value should change that value's text only, so that `git diff` shows the change and nothing else.

`rewrite` walks the new data beside the old text (parsed here with the place of every value):
a value that did not change is copied from the text byte for byte; a container that did keeps its
own spacing (what stands before each key or item, around each colon, before the closing bracket);
only a value that is new or changed is written, in the file's style (`Style.of`) and at the
indentation of the line it goes on, on one line where its neighbours are on one line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from assess.web.items import ids

_SPACE = " \t\n\r"
_DECODER = json.JSONDecoder()
_ESCAPED = re.compile(r"(?<!\\)(?:\\\\)*\\u(?:00[89a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]{2})")
"""A \\u escape of a character beyond ASCII (not one whose backslash is itself escaped)."""


@dataclass
class Node:
    """A value of the text: where it starts and ends, what it is, and for a container its parts."""

    start: int
    end: int
    value: Any
    entries: list[Entry] = field(default_factory=list)  # members of an object, items of an array
    closing: str = ""  # the text before the closing bracket (after the last entry, or inside an empty one)


@dataclass
class Entry:
    """A member of an object (`key` and `key_text` set) or an item of an array: what stands before it (after
    the opening bracket, or from the previous value through the comma), and around its colon."""

    lead: str
    node: Node
    key: str | None = None
    key_text: str = ""
    colon: str = ""


@dataclass(frozen=True)
class Style:
    """How the file writes what it has to write anew."""

    indent: str | None  # one level: "  ", "    " or "\t"; None for a file on one line
    colon: str  # ": " or ":" (or " : ")
    comma: str  # between entries on one line: ", " or ","
    ascii: bool  # non-ASCII written as \\u escapes (the file has some, and no raw non-ASCII)
    newline: str  # "\n" or "\r\n"
    short_lists: bool  # a list of strings or numbers on one line (["a", "b"]), as the file mostly writes them

    @classmethod
    def of(cls, text: str, root: Node) -> Style:
        indent: str | None = None
        if root.entries and "\n" in root.entries[0].lead:
            indent = _indentation(root.entries[0].lead) or None
        entries = _walk(root)
        colon = next((entry.colon for entry in entries if entry.key is not None), ": ")
        inline = [entry.lead for entry in entries if entry.lead.startswith(",") and "\n" not in entry.lead]
        comma = inline[0] if inline else "," + colon[colon.index(":") + 1 :]
        lists = [entry.node for entry in entries if _scalars(entry.node)]
        one_line = sum("\n" not in text[node.start : node.end] for node in lists)
        raw = any(ord(char) > 127 for char in text)
        ascii = _ESCAPED.search(text) is not None and not raw
        return cls(indent, colon, comma, ascii, _newline(text), one_line * 2 > len(lists))


def _scalars(node: Node) -> bool:
    """Whether `node` is a list of strings, numbers, booleans or nulls."""
    return isinstance(node.value, list) and bool(node.value) and not any(isinstance(v, dict | list) for v in node.value)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _walk(node: Node) -> list[Entry]:
    out: list[Entry] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.extend(current.entries)
        stack.extend(entry.node for entry in reversed(current.entries))
    return out


# ------------------------------------------------------------------ reading the text


def parse(text: str) -> Node:
    """The text's top value with the place of everything in it (the text is valid JSON: the plan loaded)."""
    return _value(text, _skip(text, 0))


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index


def _value(text: str, start: int) -> Node:
    char = text[start]
    if char == "{":
        return _container(text, start, "}", keyed=True)
    if char == "[":
        return _container(text, start, "]", keyed=False)
    value, end = _DECODER.raw_decode(text, start)
    return Node(start, end, value)


def _container(text: str, start: int, close: str, *, keyed: bool) -> Node:
    entries: list[Entry] = []
    after = start + 1  # where the text before the next entry begins
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
        node = _value(text, index)
        entries.append(Entry(text[after:entry_start], node, key, key_text, colon))
        after = node.end
        index = _skip(text, after)
    if keyed:
        value: Any = {entry.key: entry.node.value for entry in entries}
    else:
        value = [entry.node.value for entry in entries]
    return Node(start, index + 1, value, entries, text[after:index])


# ------------------------------------------------------------------ writing


def rewrite(text: str, data: Any) -> str:
    """`text` with its top value replaced by `data`: what did not change is kept byte for byte, the rest is
    written in the text's style (see the module's docstring)."""
    root = parse(text)
    style = Style.of(text, root)
    return (
        text[: root.start] + _Writer(text, style).write(data, root, "", inline=style.indent is None) + text[root.end :]
    )


def same(old: Any, new: Any) -> bool:
    """Whether two values are the same JSON, to the type (1, 1.0 and true differ) and the order of keys."""
    if isinstance(old, dict) and isinstance(new, dict):
        return list(old) == list(new) and all(same(old[key], new[key]) for key in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    return type(old) is type(new) and old == new


class _Writer:
    def __init__(self, text: str, style: Style) -> None:
        self.text = text
        self.style = style

    def write(self, value: Any, node: Node | None, indentation: str, *, inline: bool) -> str:
        """`value` where `node` was, on a line indented by `indentation` (`inline`: in a one-line container)."""
        if node is not None and same(node.value, value):
            return self.text[node.start : node.end]
        kind = dict if isinstance(value, dict) else list if isinstance(value, list) else None
        if kind is None or node is None or not isinstance(node.value, kind) or not node.entries or not value:
            was_one_line = node is not None and bool(node.entries) and self._one_line(node)  # [1, 2] becoming {...}
            return self.fresh(value, indentation, inline=inline or (kind is not None and was_one_line))
        old = node.entries
        matched = self._match(value, node)
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
                siblings_inline = any(self._one_line(e.node) for e in old if isinstance(e.node.value, dict | list))
            parts.append(self.write(item, entry.node if entry else None, line, inline=siblings_inline))
            previous = index
        parts.append(node.closing)
        parts.append("}" if isinstance(value, dict) else "]")
        return "".join(parts)

    def _match(self, value: Any, node: Node) -> list[int | None]:
        """For each entry of `value`, the index of the text's entry it continues (or None: a new one)."""
        if isinstance(value, dict):
            where = {entry.key: index for index, entry in enumerate(node.entries)}
            return [where.get(key) for key in value]
        new_ids, old_ids = ids(value), ids(node.value)
        if new_ids is not None and old_ids is not None:  # as `items.pair_items` pairs them
            by_id = {ident: index for index, ident in enumerate(old_ids)}
            return [by_id.get(ident) for ident in new_ids]
        return [index if index < len(node.entries) else None for index in range(len(value))]

    def _one_line(self, node: Node) -> bool:
        return "\n" not in self.text[node.start : node.end]

    def _dumps(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=self.style.ascii)

    def fresh(self, value: Any, indentation: str, *, inline: bool) -> str:
        """A value the text does not have, in the file's style, its lines indented from `indentation`."""
        style = self.style
        short = isinstance(value, list) and style.short_lists and not any(isinstance(v, dict | list) for v in value)
        if inline or short or style.indent is None or not isinstance(value, dict | list) or not value:
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
