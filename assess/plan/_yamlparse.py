"""YAML -> JSON-compatible data and positions, with a JSON-like scalar resolver.

PyYAML's event stream is walked with an explicit stack (its composer and
constructors recurse, and would build arbitrary objects for tags like
``!!python/object``). Only the tags of the YAML core schema are accepted and
scalars resolve as in YAML 1.2's core schema, so ``2024-05-01`` and ``yes`` stay
strings and only ``true``/``false`` are booleans. Merge keys (``<<``) are refused:
they are a YAML 1.1 extension whose result depends on the loader. Aliases are
shared, not copied, and every dereference counts against the alias limit,
including the ones inside the node an alias repeats, so expansion stays bounded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

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

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available

_LIBYAML_MAX_DEPTH = 1000  # libyaml refuses deeper nesting itself
_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_BASE = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NOT_A_NUMBER = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# libyaml's (and PyYAML's) wording -> what to write instead.
_PROBLEMS = {
    "did not find expected key": "expected a key at this indentation; check the indentation",
    "could not find expected ':'": "expected ':' after this key (a mapping holds 'key: value' lines)",
    "mapping values are not allowed in this context": (
        "unexpected ':' (check the indentation, or quote a value that contains ': ')"
    ),
    "did not find expected node content": "expected a value",
    "did not find expected ',' or ']'": "expected ',' or ']'",
    "did not find expected ',' or '}'": "expected ',' or '}'",
    "did not find expected '-' indicator": "expected a list item ('- ...') at this indentation",
    "found unexpected end of stream": "unexpected end of input",
    "found invalid Unicode character escape code": (
        "invalid escape: not a character (write \\U0001F600, not a \\u surrogate pair)"
    ),
    "found incompatible YAML document": "unsupported %YAML version; use 1.1 or 1.2",
}
_CONTEXTS = {
    "while parsing a block mapping": "the mapping",
    "while parsing a block collection": "the list",
    "while parsing a flow sequence": "the [...] list",
    "while parsing a flow mapping": "the {...} mapping",
    "while scanning a quoted scalar": "the quoted string",
    "while scanning a block scalar": "the block text",
}


@dataclass
class _Open:
    """A mapping or sequence whose end event has not come yet."""

    value: dict[str, Any] | list[Any]
    pointer: str
    anchor: str | None
    key: str | None = None  # in a mapping: the key whose value comes next
    aliases: int = 0  # alias dereferences inside, counting those inside what they repeat
    height: int = 1  # levels of nesting, this one included


@dataclass(frozen=True)
class _Anchor:
    value: Any
    pointer: str
    aliases: int
    height: int


def _positions() -> Positions:
    positions: dict[str, int] = {}
    return positions


@dataclass
class _Builder:
    text: str
    max_depth: int
    max_aliases: int
    positions: Positions = field(default_factory=_positions)
    # A big document's equal short strings, made one object each (`SHARED_UP_TO`); None: not shared.
    shared: dict[str, str] | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # alias pointer -> anchor pointer
    # An anchor on a node still open maps to that node: an alias to it would recurse.
    anchors: dict[str, _Anchor | _Open] = field(default_factory=dict)
    stack: list[_Open] = field(default_factory=list)
    dereferences: int = 0
    root: Any = None
    documents: int = 0

    def build(self) -> tuple[Any, Positions, dict[str, str]]:
        try:
            for event in yaml.parse(self.text, Loader=_Loader):
                self._event(event)
        except yaml.YAMLError as error:
            raise self._yaml_error(error) from None
        if self.documents == 0:
            raise SourceError(PlanSyntaxError, 0, "the document is empty; a plan must be a YAML mapping")
        return self.root, self.positions, self.aliases

    def _event(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self._syntax(event, "a plan file must hold one YAML document; this starts a second one")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self._close()
        elif isinstance(event, yaml.NodeEvent):
            top = self.stack[-1] if self.stack else None
            if top is not None and isinstance(top.value, dict) and top.key is None:
                self._key(top, event)
            else:
                self._value(top, event)

    def _key(self, top: _Open, event: yaml.NodeEvent) -> None:
        if isinstance(event, yaml.ScalarEvent) and event.tag is None and event.implicit[0] and event.value == "<<":
            raise self._syntax(event, "merge keys ('<<') are not supported; write the keys out")
        if isinstance(event, yaml.ScalarEvent):
            key = self._scalar(event, "")
        elif isinstance(event, yaml.AliasEvent):
            key = self._dereference(event, top, "").value
        else:
            found = "a mapping" if isinstance(event, yaml.MappingStartEvent) else "a list"
            raise self._syntax(event, f"mapping keys must be strings, found {found}")
        if not isinstance(key, str):
            raise self._syntax(event, f"mapping keys must be strings, found {_describe(key)}; quote the key")
        if self.shared is not None and len(key) <= SHARED_UP_TO:
            key = self.shared.setdefault(key, key)
        pointer = pointer_join(top.pointer, key)
        if key in top.value:
            first = SourceMap(self.text, {}).line_column(self.positions[pointer])[0]
            raise self._syntax(event, f"duplicate key {_quote(key)} (first defined on line {first})", pointer)
        self.positions[pointer] = _offset(event)
        top.key = key

    def _value(self, top: _Open | None, event: yaml.NodeEvent) -> None:
        if top is None:
            pointer = ""
            self.positions[pointer] = _offset(event)
        elif isinstance(top.value, dict):
            assert top.key is not None  # _event sent the key to _key
            pointer = pointer_join(top.pointer, top.key)  # positioned at its key
        else:
            pointer = pointer_join(top.pointer, len(top.value))
            self.positions[pointer] = _offset(event)
        value: Any
        if isinstance(event, yaml.ScalarEvent):
            value = self._scalar(event, pointer)
            if top is None and value is None and event.value == "" and event.tag is None:
                raise SourceError(PlanSyntaxError, 0, "the document is empty; a plan must be a YAML mapping")
            if self.shared is not None and type(value) is str and len(value) <= SHARED_UP_TO:
                value = self.shared.setdefault(value, value)
        elif isinstance(event, yaml.AliasEvent):
            anchor = self._dereference(event, top, pointer)
            value = anchor.value
            if isinstance(value, dict | list):
                self.aliases[pointer] = anchor.pointer
        else:
            assert isinstance(event, yaml.CollectionStartEvent)
            value = self._open(event, pointer)
        if top is None:
            self.root = value
        elif isinstance(top.value, dict):
            assert top.key is not None
            top.value[top.key] = value
            top.key = None
        else:
            top.value.append(value)
        if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, pointer, 0, 0)

    def _open(self, event: yaml.CollectionStartEvent, pointer: str) -> dict[str, Any] | list[Any]:
        is_mapping = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (None, "!", _CORE + ("map" if is_mapping else "seq")):
            raise self._syntax(event, _tag_refused(event.tag), pointer)
        if len(self.stack) >= self.max_depth:
            raise self._limit(
                event,
                f"nesting is deeper than {self.max_depth} levels (configurable limit)",
                pointer,
            )
        value: dict[str, Any] | list[Any] = {} if is_mapping else []
        node = _Open(value, pointer, event.anchor)
        self.stack.append(node)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return value

    def _close(self) -> None:
        done = self.stack.pop()
        if done.anchor is not None and self.anchors.get(done.anchor) is done:  # not redefined inside
            self.anchors[done.anchor] = _Anchor(done.value, done.pointer, done.aliases, done.height)
        if self.stack:
            parent = self.stack[-1]
            parent.aliases += done.aliases
            parent.height = max(parent.height, done.height + 1)

    def _dereference(self, event: yaml.AliasEvent, top: _Open | None, pointer: str) -> _Anchor:
        """The anchor an alias repeats, after charging it to the limits."""
        name = event.anchor
        anchor = self.anchors.get(name) if name is not None else None
        if isinstance(anchor, _Open):
            raise self._syntax(event, f"alias *{name} is inside the node it refers to", pointer)
        if anchor is None:
            raise self._syntax(event, f"alias *{name} has no anchor &{name} before it", pointer)
        self.dereferences += 1 + anchor.aliases
        if self.dereferences > self.max_aliases:
            raise self._limit(
                event,
                f"aliases expand to more than {self.max_aliases} uses (configurable limit)",
                pointer,
            )
        if len(self.stack) + anchor.height > self.max_depth:
            raise self._limit(
                event,
                f"alias *{name} nests deeper than {self.max_depth} levels (configurable limit)",
                pointer,
            )
        if top is not None:
            top.aliases += 1 + anchor.aliases
            top.height = max(top.height, anchor.height + 1)
        return anchor

    def _scalar(self, event: yaml.ScalarEvent, pointer: str) -> Any:
        text, tag = event.value, event.tag
        if tag is None:
            if not event.implicit[0]:  # quoted or block text
                if event.style == '"' and _SURROGATE.search(text):
                    raise self._syntax(event, "string contains half a surrogate pair", pointer)
                return text
            tag = _plain_tag(text)
        elif tag == "!":
            return text
        try:
            if tag == _CORE + "str":
                return text
            if tag == _CORE + "null" and _NULL.match(text):
                return None
            if tag == _CORE + "bool" and text in _BOOL:
                return _BOOL[text]
            if tag == _CORE + "int" and (_INT.match(text) or _INT_BASE.match(text)):
                return int(text, 0) if _INT_BASE.match(text) else int(text)
            if tag == _CORE + "float" and (_FLOAT.match(text) or _INT.match(text)):
                number = float(text)
                if number in (float("inf"), float("-inf")):
                    raise self._syntax(event, f"number {text[:20]} is too large", pointer)
                return number
        except ValueError:  # an int over sys.get_int_max_str_digits()
            raise self._syntax(event, f"number is too long ({len(text)} digits)", pointer) from None
        if _NOT_A_NUMBER.match(text):
            raise self._syntax(
                event,
                f"{text} is not allowed: JSON has no NaN or infinity; write a number or null",
                pointer,
            )
        if tag.startswith(_CORE) and tag[len(_CORE) :] in ("null", "bool", "int", "float"):
            raise self._syntax(event, f"{text[:40]!r} is not a valid !!{tag[len(_CORE) :]}", pointer)
        raise self._syntax(event, _tag_refused(tag), pointer)

    def _syntax(self, event: yaml.Event, message: str, pointer: str = "") -> SourceError:
        return SourceError(PlanSyntaxError, _offset(event), message, pointer)

    def _limit(self, event: yaml.Event, message: str, pointer: str) -> SourceError:
        return SourceError(PlanLimitError, _offset(event), message, pointer)

    def _yaml_error(self, error: yaml.YAMLError) -> SourceError:
        """PyYAML's error, at its position, in plainer words."""
        if isinstance(error, yaml.reader.ReaderError):
            char = chr(error.character) if isinstance(error.character, int) else "\0"
            return SourceError(
                PlanSyntaxError,
                max(self.text.find(char), 0),
                f'character U+{ord(char):04X} is not allowed in YAML; write it as an escape in a "quoted" string',
            )
        if not isinstance(error, yaml.MarkedYAMLError) or error.problem_mark is None:
            return SourceError(PlanSyntaxError, 0, " ".join(str(error).split()))
        problem = error.problem or "invalid YAML"
        mark = error.problem_mark
        if problem == "could not find expected ':'" and error.context_mark is not None:
            mark = error.context_mark  # the text that should be a key, not where libyaml gave up
        # At the end of the input, point just after the last thing written.
        offset = min(mark.index, len(self.text.rstrip()))
        pointer = self.stack[-1].pointer if self.stack else ""
        if problem == "exceeded maximum nesting depth":  # libyaml's own limit, met while reading ahead
            depth = min(self.max_depth, _LIBYAML_MAX_DEPTH)
            message = f"nesting is deeper than {depth} levels (configurable limit)"
            return SourceError(PlanLimitError, offset, message, pointer)
        message = _PROBLEMS.get(problem, problem)
        if problem == "found character that cannot start any token":
            char = self.text[offset : offset + 1]
            message = (
                "tabs are not allowed for indentation in YAML; use spaces"
                if char == "\t"
                else f"{char!r} cannot start a value (quote the value)"
            )
        where = _CONTEXTS.get(error.context or "")
        if where == "the quoted string" and problem == "found unexpected end of stream":
            message = "unterminated quoted string: no closing quote"
        if where and error.context_mark is not None:
            line = SourceMap(self.text, {}).line_column(error.context_mark.index)[0]
            message += f" ({where} starts on line {line})"
        return SourceError(PlanSyntaxError, offset, message, pointer)


def parse_yaml(
    text: str, max_depth: int, max_aliases: int, *, big: bool | None = None
) -> tuple[Any, Positions, dict[str, str]]:
    """Parse ``text``: the value, per pointer the offset of its key or value, and aliases.

    The third result maps the pointer of each alias of a mapping or sequence to the
    pointer of the node it repeats (see `SourceMap`). Raises `SourceError` carrying
    `PlanSyntaxError` or `PlanLimitError` at the first problem. A ``big`` document (by
    default: above `COMPACT_ABOVE` characters) keeps its positions in `CompactPositions`
    and shares its equal short strings (`SHARED_UP_TO`); the results are equal either way.
    """
    if big is None:
        big = len(text) > COMPACT_ABOVE
    if big:
        return _Builder(text, max_depth, max_aliases, CompactPositions(len(text)), shared={}).build()
    return _Builder(text, max_depth, max_aliases).build()


def _offset(event: yaml.Event) -> int:
    return event.start_mark.index if event.start_mark is not None else 0


def _plain_tag(text: str) -> str:
    """The core-schema tag of an untagged plain scalar."""
    if _NULL.match(text):
        return _CORE + "null"
    if text in _BOOL:
        return _CORE + "bool"
    if _INT.match(text) or _INT_BASE.match(text):
        return _CORE + "int"
    if _FLOAT.match(text) or _NOT_A_NUMBER.match(text):
        return _CORE + "float"
    return _CORE + "str"


def _tag_refused(tag: str | None) -> str:
    shown = "!!" + tag[len(_CORE) :] if tag and tag.startswith(_CORE) else str(tag)
    return (
        f"YAML tag {shown} is not allowed; use plain values "
        "(only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are accepted)"
    )


def _quote(key: str) -> str:
    """A key in double quotes, shortened so the message stays one readable line."""
    return json.dumps(key if len(key) <= 60 else key[:57] + "...", ensure_ascii=False)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"the number {value}" if isinstance(value, int | float) else "a non-string"
