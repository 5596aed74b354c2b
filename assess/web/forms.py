"""Forms generated from the plan schema, and the form data read back into plan data.

Nothing here names a plan field: the pages, the widgets and their order come from
``schemas/plan.schema.json`` (generated from `assess.plan.model`), and the pickers from
`assess.plan.validate.REFERENCES`. A field added to the model appears in the workbench
without a change here.

Every input is named by the JSON pointer of the value it edits (``/goals/0/statement``),
and every field, list and list item carries an anchor id derived from its pointer
(`anchor`), so a finding's pointer links straight to its field.

Widgets, by schema shape: a string enum is a select; a list of enum values is a group of
checkboxes; a reference by id (``/channels/*/owner``) is a select of the ids of its target
list, a list of references a group of checkboxes; ``format: date`` a date input; numbers and
integers number inputs with the schema's bounds; an optional boolean a yes/no/unstated
select, a boolean with a default a checkbox; a long text (maxLength > 200) a text area; a
list of free texts a text area, one item per line; an object a fieldset; a list of objects
a fieldset per item with remove buttons and an add button (plain form posts, no script).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assess.plan.validate import REFERENCES, is_date
from assess.resources import PLAN_SCHEMA_PATH
from assess.web.items import pair_items

BASICS = "basics"
"""The page of the plan's sections that belong to no step (organisation, plan, people)."""

HIDDEN_SECTIONS = frozenset({"schema_version", "x-assess"})
"""Top-level keys the forms leave alone: the format version, and the tool's own settings."""

LONG_TEXT = 200
"""Strings longer than this (maxLength) get a text area instead of a one-line input."""

_STEP = re.compile(r"^Steps? (\d+)")
_SEGMENT = re.compile(r"[^A-Za-z0-9_]")


# ------------------------------------------------------------------ the schema


@functools.cache
def plan_schema() -> dict[str, Any]:
    """The plan JSON Schema the validator uses (generated from the model)."""
    schema: dict[str, Any] = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def resolve(node: Mapping[str, Any]) -> dict[str, Any]:
    """A property's schema with its ``$ref`` followed (the property's own keys win)."""
    node = dict(node)
    while "$ref" in node:
        target = _definition(str(node.pop("$ref")))
        node = {**target, **node}
    if "anyOf" in node:  # a union of one type and null collapses to the type (schema.py drops null already)
        branches = [b for b in node["anyOf"] if b != {"type": "null"}]
        if len(branches) == 1:
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            return resolve({**branches[0], **rest})
    return node


def _definition(ref: str) -> dict[str, Any]:
    name = ref.rsplit("/", 1)[-1]
    definition: dict[str, Any] = plan_schema()["$defs"][name]
    return definition


@functools.cache
def sections_by_page() -> dict[str, tuple[str, ...]]:
    """Page key ('basics', '1' ... '11') -> the top-level sections it edits, in schema order.

    A section belongs to the step its description starts with ("Step 5: ...", or the first of
    "Steps 2, 3 and 10: ..."); sections of no step are the basics.
    """
    pages: dict[str, list[str]] = {BASICS: [], **{str(n): [] for n in range(1, 12)}}
    for key, prop in plan_schema()["properties"].items():
        if key in HIDDEN_SECTIONS:
            continue
        match = _STEP.match(str(prop.get("description", "")))
        pages[match.group(1) if match else BASICS].append(key)
    return {page: tuple(keys) for page, keys in pages.items()}


def page_of(pointer: str) -> str:
    """The page that edits the value at `pointer` (basics for the document itself)."""
    tokens = split(pointer)
    if tokens:
        for page, keys in sections_by_page().items():
            if tokens[0] in keys:
                return page
    return BASICS


# ------------------------------------------------------------------ pointers


def split(pointer: str) -> list[str]:
    """A JSON pointer's tokens, unescaped."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def join(tokens: Sequence[str | int]) -> str:
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)


def anchor(pointer: str) -> str:
    """The HTML id of the field (or list, or item) at `pointer`: 'f' then '-token' per token."""
    return "f" + "".join("-" + _SEGMENT.sub("_", token) for token in split(pointer))


def has(data: Any, pointer: str) -> bool:
    """Whether the plan states a value (null included) at `pointer`."""
    parent, _, token = pointer.rpartition("/")
    if not pointer:
        return True
    node = get(data, parent) if parent else data
    token = token.replace("~1", "/").replace("~0", "~")
    if isinstance(node, Mapping):
        return token in node
    return isinstance(node, list) and token.isdigit() and int(token) < len(node)


def get(data: Any, pointer: str) -> Any:
    """The value at `pointer`, None where the path does not exist."""
    node = data
    for token in split(pointer):
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _pattern_matches(pattern: str, pointer: str) -> bool:
    tokens, parts = split(pattern), split(pointer)
    return len(tokens) == len(parts) and all(
        (t == "*" and p.isdigit()) or t == p for t, p in zip(tokens, parts, strict=True)
    )


def reference_target(pointer: str, *, item: bool = False) -> tuple[str, str] | None:
    """(target list pointer, noun) when the value at `pointer` (or each item of it) is an id of another list."""
    probe = f"{pointer}/0" if item else pointer
    for ref in REFERENCES:
        if _pattern_matches(ref.source, probe):
            return ref.target, ref.noun
    return None


# ------------------------------------------------------------------ the widgets


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class Widget:
    """One node of a generated form: a field, a fieldset, a list, or an item of a list."""

    pointer: str
    key: str
    kind: str  # object, objects, item, text, textarea, lines, number, integer, date, checkbox, select, choices
    title: str
    description: str = ""
    required: bool = False
    value: str = ""
    options: list[Option] = field(default_factory=list)
    children: list[Widget] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    placeholder: str = ""
    example: str = ""
    noun: str = ""  # for references: what the ids name
    still_to_fill: bool = False
    note: str = ""  # why the plan's value is shown as it is written (it is not one the widget can hold)

    @property
    def anchor(self) -> str:
        return anchor(self.pointer)

    @property
    def count(self) -> int:
        return len(self.children)

    def walk(self) -> list[Widget]:
        """This widget and every widget under it."""
        return [self, *(w for child in self.children for w in child.walk())]


def _title(key: str, node: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    if key in titles:
        return titles[key]
    return str(node.get("title") or key.replace("_", " ").capitalize())


def _enum_label(value: Any) -> str:
    return str(value).replace("_", " ")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _choices(pointer: str, data: Any) -> list[tuple[str, str]]:
    """(id, label) for each entry of the list at `pointer` in the plan: the options of a picker."""
    entries = get(data, pointer)
    options: list[tuple[str, str]] = []
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
                name = entry.get("name") or entry.get("statement") or entry.get("description") or entry.get("platform")
                label = (
                    f"{entry['id']} · {name}" if isinstance(name, str) and name and name != entry["id"] else entry["id"]
                )
                options.append((entry["id"], label))
    return options


def build(
    data: Any, keys: Sequence[str], *, titles: Mapping[str, str] | None = None, unstated: str = "—"
) -> list[Widget]:
    """The widgets of the top-level sections `keys`, filled with `data` (the plan as parsed)."""
    titles = titles or {}
    root = plan_schema()
    required = set(root.get("required", []))
    return [
        _widget(data, f"/{key}", key, root["properties"][key], key in required, titles, unstated)
        for key in keys
        if key in root["properties"]
    ]


def _widget(
    data: Any,
    pointer: str,
    key: str,
    raw: Mapping[str, Any],
    required: bool,
    titles: Mapping[str, str],
    unstated: str,
) -> Widget:
    node = resolve(raw)
    value = get(data, pointer)
    widget = Widget(
        pointer=pointer,
        key=key,
        kind="text",
        title=_title(key, node, titles),
        description=str(raw.get("description") or node.get("description") or ""),
        required=required,
    )
    examples = raw.get("examples") or node.get("examples")
    if isinstance(examples, list) and examples:
        widget.example = _text(examples[0])
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        widget.kind = "object"
        own_required = set(node.get("required", []))
        widget.children = [
            _widget(data, f"{pointer}/{name}", name, prop, name in own_required, titles, unstated)
            for name, prop in node.get("properties", {}).items()
        ]
        return widget
    if kind == "array":
        items = resolve(node.get("items", {}))
        values = value if isinstance(value, list) else []
        if items.get("type") == "object" or "properties" in items:
            widget.kind = "objects"
            widget.children = []
            for index in range(len(values)):
                item = _widget(data, f"{pointer}/{index}", str(index), node["items"], True, titles, unstated)
                item.kind = "item"
                item.title = f"{widget.title} {index + 1}"
                widget.children.append(item)
            return widget
        target = reference_target(pointer, item=True)
        if target is not None:
            chosen = [_text(v) for v in values]
            known = _choices(target[0], data)
            ids = [i for i, _ in known]
            widget.kind = "choices"
            widget.noun = target[1]
            widget.options = [Option(i, label, i in chosen) for i, label in known]
            widget.options += [Option(v, f"{v} (?)", True) for v in chosen if v not in ids]
            return widget
        if "enum" in items:
            chosen = [_text(v) for v in values]
            listed = [_text(e) for e in items["enum"]]
            widget.kind = "choices"
            widget.options = [Option(_text(e), _enum_label(e), _text(e) in chosen) for e in items["enum"]]
            widget.options += [_unknown(v, titles) for v in chosen if v not in listed]
            return widget
        widget.kind = "lines"
        widget.value = "\n".join(_text(v) for v in values)
        return widget
    widget.value = _text(value)
    target = reference_target(pointer)
    if target is not None:
        known = _choices(target[0], data)
        widget.kind = "select"
        widget.noun = target[1]
        widget.options = [Option("", unstated, not widget.value)]
        widget.options += [Option(i, label, i == widget.value) for i, label in known]
        if widget.value and widget.value not in {i for i, _ in known}:
            widget.options.append(Option(widget.value, f"{widget.value} (?)", True))
        return widget
    if "enum" in node or "const" in node:
        choices = node.get("enum", [node.get("const")])
        widget.kind = "select"
        if "default" in node and not widget.value:
            widget.value = _text(node["default"])
        widget.options = [] if required or "default" in node else [Option("", unstated, not widget.value)]
        if required and not widget.value:
            widget.options.append(Option("", unstated, True))
        widget.options += [Option(_text(c), _enum_label(c), _text(c) == widget.value) for c in choices]
        if widget.value and widget.value not in {_text(c) for c in choices}:
            widget.options.append(_unknown(widget.value, titles))
        return widget
    if kind == "boolean":
        if "default" in node and (value is None or isinstance(value, bool)):
            widget.kind = "checkbox"
            widget.value = "true" if (value if isinstance(value, bool) else node["default"]) else ""
        else:
            widget.kind = "select"
            widget.options = [
                Option("", unstated, value is None),
                Option("true", titles.get("__yes", "yes"), value is True),
                Option("false", titles.get("__no", "no"), value is False),
            ]
            if value is not None and not isinstance(value, bool):
                widget.options.append(_unknown(widget.value, titles))
        return widget
    if kind in ("number", "integer") and _is_number(value):
        widget.kind = str(kind)
        widget.minimum = node.get("minimum")
        widget.maximum = node.get("maximum")
        if not widget.value and "default" in node:
            widget.value = _text(node["default"])
        return widget
    if node.get("format") == "date" and (value is None or is_date(widget.value)):
        widget.kind = "date"
        return widget
    widget.max_length = node.get("maxLength")
    widget.kind = "textarea" if (widget.max_length or 0) > LONG_TEXT or "\n" in widget.value else "text"
    if kind in ("number", "integer", "boolean") or node.get("format") == "date":
        # A number or date input would show nothing for it, and the save would delete it
        widget.note = titles.get("__kept", "Not a valid value here: kept as written until you correct it.")
        widget.max_length = None
    return widget


def _unknown(value: str, titles: Mapping[str, str]) -> Option:
    """The option for a plan's value that is none of the choices: shown, selected, and saved as it is."""
    return Option(value, f"{value} ({titles.get('__not_a_choice', 'not one of the choices')})", True)


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


# ------------------------------------------------------------------ reading a form back


class FormError(ValueError):
    """A form value that cannot be read as its field's type (the browser's own checks were bypassed)."""


MISSING: Any = object()


def read(form: Mapping[str, Sequence[str]], keys: Sequence[str], old: Any = None) -> dict[str, Any]:
    """The values of the top-level sections `keys` posted by a generated form built from the plan `old`.

    An empty optional field is left out (not stated); an empty optional object is left out;
    a section left out entirely is returned as MISSING. A line break is LF whatever the browser
    sent: a textarea posts CRLF (HTML's form encoding), which would land in the file as "\\r\\n".

    Nothing the user left untouched changes: a field posted as the page showed it keeps the plan's
    value exactly as it is (a date no calendar has, a platform the list does not know, a number
    written as text, spaces around a text), and the fields of an object that the form does not
    know (not in the schema) are carried over from the plan.
    """
    form = {name: [_lf(value) for value in values] for name, values in form.items()}
    shown = untouched(build(old, keys)) if old is not None else {}
    root = plan_schema()
    required = set(root.get("required", []))
    reading = _Reading(form, old, shown)
    out: dict[str, Any] = {}
    for key in keys:
        if key in root["properties"]:
            out[key] = reading.value(f"/{key}", root["properties"][key], key in required)
    return out


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def untouched(widgets: Sequence[Widget]) -> dict[str, list[str]]:
    """What a browser posts for these widgets as shown (selected options, checked boxes, the texts)."""
    posted: dict[str, list[str]] = {}
    for widget in (w for top in widgets for w in top.walk()):
        if widget.kind in ("object", "objects", "item"):
            continue
        if widget.kind == "select":
            chosen = [o.value for o in widget.options if o.selected][:1]
            posted[widget.pointer] = chosen or [o.value for o in widget.options][:1]
        elif widget.kind == "choices":
            posted[widget.pointer] = [o.value for o in widget.options if o.selected]
        elif widget.kind == "checkbox":
            posted[widget.pointer] = ["true"] if widget.value else []
        else:
            posted[widget.pointer] = [widget.value]
    return posted


def _first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or []
    return values[0] if values else ""


@dataclass
class _Reading:
    form: Mapping[str, Sequence[str]]
    old: Any
    shown: Mapping[str, Sequence[str]]

    def untouched(self, pointer: str) -> bool:
        """Whether the field at `pointer` was posted as the page showed it."""
        return pointer in self.shown and list(self.form.get(pointer) or []) == list(self.shown[pointer])

    def kept(self, pointer: str) -> bool:
        """Whether the field at `pointer` was posted as shown, for a value the plan states."""
        return self.untouched(pointer) and has(self.old, pointer)

    def value(self, pointer: str, raw: Mapping[str, Any], required: bool) -> Any:
        node = resolve(raw)
        if node.get("type") == "object" or "properties" in node:
            own_required = set(node.get("required", []))
            obj: dict[str, Any] = {}
            stated = False
            for name, prop in node.get("properties", {}).items():
                value = self.value(f"{pointer}/{name}", prop, name in own_required)
                if value is not MISSING:
                    obj[name] = value
                    stated = stated or self.kept(f"{pointer}/{name}")
            before = get(self.old, pointer)
            if isinstance(before, Mapping):
                unknown = {name: value for name, value in before.items() if name not in node.get("properties", {})}
                obj.update(copy.deepcopy(unknown))
                stated = stated or bool(unknown)
            if not required and not stated and all(_blank(v, node["properties"][n]) for n, v in obj.items()):
                return MISSING  # nothing stated: an optional object is left out rather than kept with empty fields
            if not obj and self.old is not None and not has(self.old, pointer):
                return MISSING  # the plan has none, and nothing was typed in it
            return obj
        if self.untouched(pointer):
            # as the plan has it (a default shown for a field it leaves out is not written in)
            return copy.deepcopy(get(self.old, pointer)) if has(self.old, pointer) else MISSING
        return _read(self.form, pointer, raw, required, self)


def _read(
    form: Mapping[str, Sequence[str]], pointer: str, raw: Mapping[str, Any], required: bool, reading: _Reading
) -> Any:
    node = resolve(raw)
    kind = node.get("type")
    if kind == "array":
        items_raw = node.get("items", {})
        items = resolve(items_raw)
        if items.get("type") == "object" or "properties" in items:
            count = _count(_first(form, f"#count{pointer}"))
            values = [reading.value(f"{pointer}/{index}", items_raw, True) for index in range(count)]
            return values if values else MISSING
        chosen = list(form.get(pointer) or [])
        if reference_target(pointer, item=True) is None and "enum" not in items:
            chosen = [line.strip() for text in chosen for line in text.splitlines()]
        values = [_scalar(items, v, pointer) for v in chosen if v.strip()]
        return values if values else MISSING
    text = _first(form, pointer).strip()
    if kind == "boolean" and "default" in node:
        if text not in ("", "true", "false"):
            raise FormError(f"{pointer}: expected yes or no")
        return MISSING if form.get(pointer) == [""] else text == "true"  # [""]: 'not stated' of a select
    if not text:
        if required and kind == "string" and "enum" not in node:
            return ""  # stays in the file, so the field shows (the plan is invalid until it is filled)
        return MISSING
    return _scalar(node, text, pointer)


def keep_order(sections: dict[str, Any], old: Any) -> None:
    """Put the values of checkbox lists back in the plan's order (a crisis plan's contacts are in order).

    Checkboxes post in the order of their options; values the plan had keep their place, new ones follow.
    """
    root = plan_schema()
    for key, value in sections.items():
        if key in root["properties"] and isinstance(old, Mapping):
            _keep_order(value, old.get(key), root["properties"][key], f"/{key}")


def _keep_order(new: Any, old: Any, raw: Mapping[str, Any], pointer: str) -> None:
    node = resolve(raw)
    if isinstance(new, dict) and isinstance(old, Mapping):
        for name, prop in node.get("properties", {}).items():
            if name in new:
                _keep_order(new[name], old.get(name), prop, f"{pointer}/{name}")
    elif isinstance(new, list) and isinstance(old, list):
        items = resolve(node.get("items", {}))
        if items.get("type") == "object" or "properties" in items:
            for index, (new_item, old_item) in enumerate(pair_items(new, old)):
                _keep_order(new_item, old_item, node["items"], f"{pointer}/{index}")
        elif "enum" in items or reference_target(pointer, item=True) is not None:
            kept = [value for value in old if value in new]
            new[:] = kept + [value for value in new if value not in kept]


def _blank(value: Any, raw: Mapping[str, Any]) -> bool:
    """Whether a read value states nothing: an empty required text, or a field's own default."""
    node = resolve(raw)
    return value == "" or ("default" in node and value == node["default"])


def _count(text: str) -> int:
    if not text.isdigit() or int(text) > 500:
        raise FormError(f"bad item count {text!r}")
    return int(text)


def _scalar(node: Mapping[str, Any], text: str, pointer: str) -> Any:
    kind = node.get("type")
    if kind == "boolean":
        if text not in ("true", "false"):
            raise FormError(f"{pointer}: expected yes or no")
        return text == "true"
    if kind == "integer":
        try:
            number = float(text)
        except ValueError as error:
            raise FormError(f"{pointer}: {text!r} is not a whole number") from error
        if not number.is_integer():
            raise FormError(f"{pointer}: {text!r} is not a whole number")
        return int(number)
    if kind == "number":
        try:
            number = float(text)
        except ValueError as error:
            raise FormError(f"{pointer}: {text!r} is not a number") from error
        if number != number or number in (float("inf"), float("-inf")):
            raise FormError(f"{pointer}: {text!r} is not a number")
        return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", text) else number
    return text


# ------------------------------------------------------------------ new list items


def new_item(data: Any, pointer: str, *, today: dt.date) -> dict[str, Any]:
    """A fresh item for the list at `pointer`: a unique id, the defaults, the first choice of required enums."""
    root = plan_schema()
    node: Mapping[str, Any] = root
    for token in split(pointer):
        node = resolve(node)
        node = node["items"] if node.get("type") == "array" else node["properties"][token]
    schema = resolve(node)
    items_raw = schema.get("items", {})
    item_schema = resolve(items_raw)
    existing = get(data, pointer)
    existing = existing if isinstance(existing, list) else []
    required = set(item_schema.get("required", []))
    item: dict[str, Any] = {}
    for name, raw in item_schema.get("properties", {}).items():
        prop = resolve(raw)
        if name == "id":
            item["id"] = _fresh_id(str(items_raw.get("$ref", pointer)).rsplit("/", 1)[-1].lower(), existing)
        elif name not in required:
            continue
        elif reference_target(f"{pointer}/0/{name}") is not None:
            choices = _choices(reference_target(f"{pointer}/0/{name}")[0], data)  # type: ignore[index]
            item[name] = choices[0][0] if choices else ""
        elif "enum" in prop:
            item[name] = prop["enum"][0]
        elif prop.get("format") == "date":
            item[name] = today.isoformat()
        elif prop.get("type") == "string":
            item[name] = ""
    return item


def _fresh_id(stem: str, existing: Sequence[Any]) -> str:
    taken = {entry.get("id") for entry in existing if isinstance(entry, Mapping)}
    number = len(existing) + 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def list_pointers(keys: Sequence[str]) -> set[str]:
    """Pointer patterns ('*' for indices) of every list of objects under the sections `keys`."""
    found: set[str] = set()

    def walk(raw: Mapping[str, Any], pointer: str) -> None:
        node = resolve(raw)
        if node.get("type") == "array":
            items = resolve(node.get("items", {}))
            if items.get("type") == "object" or "properties" in items:
                found.add(pointer)
                walk(node["items"], f"{pointer}/*")
            return
        for name, prop in node.get("properties", {}).items():
            walk(prop, f"{pointer}/{name}")

    root = plan_schema()
    for key in keys:
        if key in root["properties"]:
            walk(root["properties"][key], f"/{key}")
    return found


def is_list_pointer(pointer: str, keys: Sequence[str]) -> bool:
    """Whether `pointer` names a list of objects in the sections `keys` (indices in place of '*')."""
    return any(_pattern_matches(pattern, pointer) for pattern in list_pointers(keys))


def label_values(widgets: Sequence[Widget], lang: str) -> None:
    """Show each enumerated value by its display name in `lang` where `assess.i18n` has one (a French
    page reads "mensuel", not "monthly"); what is posted stays the raw value the schema names. Pickers of
    ids (a `noun`) are left alone: an id is the plan's own text."""
    from assess.i18n import VALUE_LABELS, value_label

    for top in widgets:
        for widget in top.walk():
            if widget.kind in ("select", "choices") and not widget.noun:
                for option in widget.options:
                    if option.value in VALUE_LABELS:
                        option.label = value_label(option.value, lang)
