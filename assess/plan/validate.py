"""Document -> typed `Plan`, or every way the document breaks the plan schema.

Most plans are valid, so the common case must be cheap: a compiled
jsonschema-rs validator answers "valid?" (formats included, so 2025-02-30 is
not a date), then references are resolved and pydantic builds the `Plan`. Only
an invalid document pays for the slow path: the reference `jsonschema` library
lists *every* error with its path, and each becomes a one-line `Problem` a
non-programmer can act on ("'name' is missing: The organisation's name...",
"must be one of: ... (found 'facebok'; did you mean 'facebook'?)"), located in
the source with the document's source map.

References between sections are data (`REFERENCES`, `ID_LISTS`): a dangling id
or a duplicate id is reported like a schema error, at its own pointer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import jsonschema_rs

from assess.errors import PlanSchemaError, Problem
from assess.plan.patterns import ID_PATTERN, ONE_LINE, POINTER_PATTERN, RULE_ID_PATTERN, SCHEMA_VERSIONS
from assess.plan.sourcemap import pointer_join
from assess.resources import PLAN_SCHEMA_PATH

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError as SchemaViolation
    from pydantic import ValidationError

    from assess.plan.load import Document
    from assess.plan.model import Plan
    from assess.plan.sourcemap import SourceMap

__all__ = [
    "ID_LISTS",
    "REFERENCES",
    "PlanData",
    "Reference",
    "checked_data",
    "checked_document",
    "is_plan",
    "plan_schema",
    "reference_problems",
    "references_resolve",
    "validate_data",
    "validate_document",
]

PlanData = dict[str, Any]
"""A plan as its document gives it, once it passed the schema and the reference table: plain JSON values,
keys as written ("x-assess"), dates as ISO strings, enum values as strings, and every key that has a
default possibly absent (`assess.plan.defaults` says what an absent key stands for). The pipeline works
on it; the typed `Plan` is built only for the library's callers who ask for one."""


# ------------------------------------------------------------------ references


@dataclass(frozen=True)
class Reference:
    """Values at ``source`` must be the id of an entry of the list at ``target``.

    ``source`` is a JSON pointer in which ``*`` stands for every item of a list.
    """

    source: str
    target: str
    noun: str  # what the id names, for messages: "unknown metric 'm9'"


REFERENCES: tuple[Reference, ...] = (
    Reference("/plan/owner", "/people", "person"),
    Reference("/people/*/same_as", "/people", "person"),
    Reference("/committee/members/*/person", "/people", "person"),
    Reference("/goals/*/metrics/*", "/metrics", "metric"),
    Reference("/policies/crisis_plan/contacts/*", "/people", "person"),
    Reference("/policies/crisis_plan/responder", "/people", "person"),
    Reference("/policies/crisis_plan/backup_responder", "/people", "person"),
    Reference("/audience/segments/*/research/*", "/audience/research", "research entry"),
    Reference("/channels/*/segments/*", "/audience/segments", "audience segment"),
    Reference("/channels/*/owner", "/people", "person"),
    Reference("/channels/*/account/admins/*", "/people", "person"),
    Reference("/content/calendar/channels/*", "/channels", "channel"),
    Reference("/celebration/milestones/*/metric", "/metrics", "metric"),
)
"""Every cross-reference of the plan format (pointer pattern -> list of targets)."""

ID_LISTS: tuple[str, ...] = (
    "/people",
    "/goals",
    "/metrics",
    "/audience/research",
    "/audience/segments",
    "/channels",
    "/celebration/milestones",
)
"""The lists whose entries have an ``id`` that must be unique within the list."""

_SHOWN_IDS = 10  # known ids listed in a "dangling reference" message


def _tokens(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("/")[1:])


_COMPILED = tuple((ref, _tokens(ref.source), _tokens(ref.target)) for ref in REFERENCES)
_ID_LIST_TOKENS = tuple(_tokens(path) for path in ID_LISTS)


def _walk(node: Any, tokens: tuple[str, ...], pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(pointer, value) of every value the pattern reaches; tolerant of ill-typed documents."""
    if not tokens:
        yield pointer, node
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _walk(item, rest, f"{pointer}/{index}")
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, f"{pointer}/{head}")


def _entries(data: Any, tokens: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(pointer of the id, id) of each entry of the list at ``tokens``."""
    for pointer, entry in _walk(data, (*tokens, "*")):
        if isinstance(entry, dict):
            entry_id = entry.get("id")
            if isinstance(entry_id, str):
                yield f"{pointer}/id", entry_id


def _values(data: Any, tokens: tuple[str, ...]) -> list[Any]:
    """The values the pattern reaches, without their pointers: the cheap walk of the fast path."""
    nodes = [data]
    for token in tokens:
        if token == "*":
            nodes = [item for node in nodes if isinstance(node, list) for item in node]
        else:
            nodes = [node[token] for node in nodes if isinstance(node, dict) and token in node]
        if not nodes:
            break
    return nodes


def references_resolve(data: Any) -> bool:
    """True when ids are unique and every reference resolves, for schema-valid ``data`` (every entry has
    an id; every list and object has its type); what is not gets `reference_problems`' answer."""
    try:
        return _resolve(data)
    except (KeyError, TypeError, AttributeError):  # ill-typed: only when the schema was not asked first
        return not reference_problems(data)


_EMPTY: tuple[Any, ...] = ()


def _resolve(data: PlanData) -> bool:
    """`references_resolve` of schema-valid data: `REFERENCES` and `ID_LISTS` written out, one statement a
    path. The walk the table drives (`_walk`, `reference_problems`) costs three times as much, at the
    front of every plan's assessment; tests/test_validate.py checks the two agree on every path of the
    table, and on generated plans."""
    people = data.get("people", _EMPTY)
    persons = {person["id"] for person in people}
    metrics = data.get("metrics", _EMPTY)
    metric_ids = {metric["id"] for metric in metrics}
    goals = data.get("goals", _EMPTY)
    channels = data.get("channels", _EMPTY)
    channel_ids = {channel["id"] for channel in channels}
    audience = data.get("audience")
    research = audience.get("research", _EMPTY) if audience is not None else _EMPTY
    research_ids = {entry["id"] for entry in research}
    segments = audience.get("segments", _EMPTY) if audience is not None else _EMPTY
    segment_ids = {segment["id"] for segment in segments}
    celebration = data.get("celebration")
    milestones = celebration.get("milestones", _EMPTY) if celebration is not None else _EMPTY
    if (
        len(persons) != len(people)
        or len(metric_ids) != len(metrics)
        or len(channel_ids) != len(channels)
        or len(research_ids) != len(research)
        or len(segment_ids) != len(segments)
        or len({goal["id"] for goal in goals}) != len(goals)
        or len({milestone["id"] for milestone in milestones}) != len(milestones)
    ):
        return False
    named = [person["same_as"] for person in people if "same_as" in person]  # person ids referred to
    info = data.get("plan")
    if info is not None and "owner" in info:
        named.append(info["owner"])
    committee = data.get("committee")
    if committee is not None:
        named += [member["person"] for member in committee.get("members", _EMPTY) if "person" in member]
    policies = data.get("policies")
    crisis = policies.get("crisis_plan") if policies is not None else None
    if crisis is not None:
        named += crisis.get("contacts", _EMPTY)
        if "responder" in crisis:
            named.append(crisis["responder"])
        if "backup_responder" in crisis:
            named.append(crisis["backup_responder"])
    for channel in channels:
        if "segments" in channel and not segment_ids.issuperset(channel["segments"]):
            return False
        if "owner" in channel:
            named.append(channel["owner"])
        account = channel.get("account")
        if account is not None:
            named += account.get("admins", _EMPTY)
    if not persons.issuperset(named):
        return False
    for goal in goals:
        if "metrics" in goal and not metric_ids.issuperset(goal["metrics"]):
            return False
    for milestone in milestones:
        if "metric" in milestone and milestone["metric"] not in metric_ids:
            return False
    for segment in segments:
        if "research" in segment and not research_ids.issuperset(segment["research"]):
            return False
    content = data.get("content")
    calendar = content.get("calendar") if content is not None else None
    return calendar is None or channel_ids.issuperset(calendar.get("channels", _EMPTY))


D = TypeVar("D", bound=dict[str, Any])

_REQUIRED_REFERENCES = frozenset({"/committee/members/*/person"})
"""References the model requires: the entry holding one goes when its target goes."""


def drop_dangling_references(data: D) -> D:
    """Remove, in place, every reference to an id that is not there (for plan generators and fixers).

    A reference in a list of ids loses its item; an optional single reference loses
    its key; a required one (a committee member's person) takes its entry with it.
    """
    known = {tokens: {entry["id"] for entry in _values(data, (*tokens, "*"))} for tokens in _ID_LIST_TOKENS}
    for reference, source, target in _COMPILED:
        *parent, last = source
        ids = known[target]
        if reference.source in _REQUIRED_REFERENCES:
            for entries in _values(data, tuple(parent[:-1])):
                entries[:] = [entry for entry in entries if entry.get(last) in ids]
            continue
        for node in _values(data, tuple(parent)):
            if last == "*" and isinstance(node, list):
                node[:] = [value for value in node if value in ids]
            elif isinstance(node, dict) and last in node and node[last] not in ids:
                del node[last]
    return data


def reference_problems(data: Any) -> list[tuple[str, str]]:
    """(pointer, message) of each duplicate id and each reference to an unknown id."""
    problems: list[tuple[str, str]] = []
    known: dict[tuple[str, ...], list[str]] = {}
    for tokens in _ID_LIST_TOKENS:
        first: dict[str, str] = {}
        for pointer, entry_id in _entries(data, tokens):
            if entry_id in first:
                where = ".".join(tokens)
                message = (
                    f"duplicate id {_quote(entry_id)}: {first[entry_id]} has it too (ids must be unique in '{where}')"
                )
                problems.append((pointer, message))
            else:
                first[entry_id] = pointer.removesuffix("/id")
        known[tokens] = list(first)
    for ref, source, target in _COMPILED:
        ids = known[target]
        for pointer, value in _walk(data, source):
            if isinstance(value, str) and value not in ids:
                problems.append((pointer, _dangling(ref, value, ids)))
    return problems


def _dangling(ref: Reference, value: str, ids: list[str]) -> str:
    where = ".".join(_tokens(ref.target))
    if not ids:
        return f"unknown {ref.noun} {_quote(value)}: '{where}' has no entries to refer to"
    shown = ", ".join(ids[:_SHOWN_IDS]) + (f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else "")
    close = _closest(value, ids)
    hint = f"; did you mean {_quote(close)}?" if close else ""
    return f"unknown {ref.noun} {_quote(value)}: no entry of '{where}' has this id (known: {shown}{hint})"


# ------------------------------------------------------------------ validators

T = TypeVar("T")


class _Once(Generic[T]):
    """A value built on first use, once per process even when threads race for it."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self) -> T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
                value = self._value
        return value


def _load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


_SCHEMA = _Once(_load_schema)


def is_date(text: str) -> bool:
    """The "date" format as Python reads dates, and as the slow validator checks it: YYYY-MM-DD, a day of the
    calendar, from year 1. jsonschema_rs's own check accepts year 0000, which no `datetime.date` holds: such a
    plan passed the schema, then the facts' date arithmetic raised a traceback (found by test_schema's property
    test, where the two validators disagreed). The quick validator reads `_quick_schema`, which says the same."""
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_NOT_YEAR_ZERO = {"not": {"pattern": "^0000"}}
"""What the quick validator adds to each date: jsonschema_rs's "date" is `is_date` but for year 0000."""


_WHOLE_TEXT_PATTERNS = frozenset({ID_PATTERN, RULE_ID_PATTERN})
"""Patterns that span the whole text (``^...$``) and whose characters exclude line breaks: in Rust's regex,
where ``$`` is the end of the text, a text they match is one line, without `ONE_LINE` beside them."""


def _quick_schema(node: Any) -> Any:
    """A copy of the plan schema (or of a part of it) for jsonschema_rs: each date also refuses year 0000,
    and a text a whole-text pattern bounds is not checked a second time for a line break.

    jsonschema_rs's own "date" format checks what `is_date` checks (YYYY-MM-DD in ASCII digits, a day of
    the calendar) but takes year 0000 for a date. Handing it `is_date` instead cost a call into Python a
    date (some twenty a plan, half of what the quick validation cost); the pattern is checked in Rust.
    `ONE_LINE` is there for Python's ``re`` (the slow validator), whose ``$`` also matches before a final
    line break; in Rust an id's pattern already refuses one, and the second search cost an eighth of the
    quick validation. tests/test_validate.py checks that the two validators agree on drawn texts, in every
    date field and every field `ONE_LINE` guards."""
    if isinstance(node, list):
        return [_quick_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _quick_schema(value) for key, value in node.items()}
    if copied.get("format") == "date":
        copied["allOf"] = [*copied.get("allOf", ()), _NOT_YEAR_ZERO]
    if (
        copied.get("not") == ONE_LINE["not"]
        and copied.get("type") == "string"
        and copied.get("pattern") in _WHOLE_TEXT_PATTERNS
    ):
        del copied["not"]
    return copied


# Draft 2020-12 treats "format" as an annotation unless asked: both validators are asked.
_FAST = _Once(lambda: jsonschema_rs.validator_for(_quick_schema(_SCHEMA.get()), validate_formats=True))


def _slow_validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # only invalid documents need it: keep it out of every start-up

    return jsonschema.Draft202012Validator(_SCHEMA.get(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


_SLOW = _Once(_slow_validator)


# ------------------------------------------------------------------ entry points


def checked_document(doc: Document) -> PlanData:
    """The document's data once it is a valid plan, or `PlanSchemaError` with every problem located."""
    if doc.recheck is None:
        return _check(doc.data, doc.name, doc.source_map)
    try:  # read the quick way (`parse_bytes(lazy=True)`): valid data is what the strict parser gives
        return _check(doc.data, doc.name, None)
    except PlanSchemaError:
        pass
    checked = doc.recheck()  # the strict parser's error first (nesting too deep), as without the quick way
    return _check(checked.data, checked.name, checked.source_map)


def checked_data(data: Any, *, name: str = "<memory>") -> PlanData:
    """JSON-compatible data once it is a valid plan (no source text, so problems have no line)."""
    return _check(data, name, None)


def is_plan(data: Any) -> bool:
    """Whether data is a valid plan (the schema's quick validator, then the reference table), without a word
    on why not: nothing of the data is printed, so data no parser would make (a cycle, nesting a thousand
    levels deep) can be asked before `assess.plan.inmemory.check_data` has cleared it; `checked_data` not."""
    return _is_valid(data) and references_resolve(data)


def validate_document(doc: Document) -> Plan:
    """The typed plan of a parsed document, or `PlanSchemaError` with every problem located."""
    return typed_plan(checked_document(doc), doc.name, doc.source_map)


def validate_data(data: Any, *, name: str = "<memory>") -> Plan:
    """The typed plan of JSON-compatible data (no source text, so problems have no line)."""
    return typed_plan(checked_data(data, name=name), name, None)


def typed_plan(data: PlanData, name: str = "<memory>", source_map: SourceMap | None = None) -> Plan:
    """The typed `Plan` of checked data (`checked_document`, `checked_data`)."""
    from pydantic import ValidationError

    from assess.plan.model import Plan  # the typed model: only for those who ask for it

    try:
        return Plan.model_validate(data)
    except ValidationError as error:  # the schema and the model disagree: a bug, still no traceback
        raise PlanSchemaError(_located(_pydantic_problems(error), name, source_map)) from None


def plan_schema() -> dict[str, Any]:
    """The plan's JSON Schema as `assess` validates with it (read once; never modify it)."""
    return _SCHEMA.get()


def _check(data: Any, name: str, source_map: SourceMap | None) -> PlanData:
    if _is_valid(data):
        if references_resolve(data):
            checked: PlanData = data  # the schema says: an object
            return checked
        problems = reference_problems(data)
    else:
        version = _version_problem(data)
        problems = [version] if version else [*_schema_problems(data), *reference_problems(data)]
    raise PlanSchemaError(_located(problems, name, source_map))


def _is_valid(data: Any) -> bool:
    try:
        return bool(_FAST.get().is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False  # not JSON-compatible (e.g. a date object): the slow path says why


def _version_problem(data: Any) -> tuple[str, str] | None:
    """An unknown schema_version voids every other message: the document follows other rules."""
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int | float) and not isinstance(version, bool) and f"{version:.1f}" in SCHEMA_VERSIONS:
        # YAML reads `schema_version: 1.0` as the number 1.0: the version is a string.
        return "/schema_version", f'schema_version must be a string: write it quoted: "{version:.1f}"'
    if isinstance(version, str) and version not in SCHEMA_VERSIONS:
        reads = ", ".join(SCHEMA_VERSIONS)
        return "/schema_version", (
            f"schema_version {_quote(version)} is not supported by this version of assess (it reads {reads})"
        )
    return None


def _located(problems: Iterable[tuple[str, str]], name: str, source_map: SourceMap | None) -> list[Problem]:
    located: list[Problem] = []
    for pointer, message in dict.fromkeys(problems):  # one problem per place and message
        position = source_map.locate(pointer) if source_map is not None else None
        if position is None:
            located.append(Problem(name, None, None, pointer, message))
            continue
        line, column = position
        excerpt = source_map.excerpt(line, column) if source_map is not None else ""
        located.append(Problem(name, line, column, pointer, message, excerpt or None))
    located.sort(key=lambda p: (p.line or 0, p.column or 0, p.pointer, p.message))
    return located


def _pydantic_problems(error: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for detail in error.errors(include_url=False):
        pointer = ""
        for token in detail["loc"]:
            pointer = pointer_join(pointer, token)
        problems.append((pointer, _one_line(detail["msg"])))
    return problems


# ------------------------------------------------------------------ schema messages


def _schema_problems(data: Any) -> Iterator[tuple[str, str]]:
    errors = list(_SLOW.get().iter_errors(data))
    # "must be one of: ..." already says what type is expected; don't say it twice.
    listed = {tuple(error.absolute_path) for error in errors if error.validator in ("enum", "const")}
    # A value of the wrong type also fails a `not` whose inner keywords only apply to another type (the
    # one-line rule `not: {pattern: ...}` holds for any number): the type's message is the one to give.
    typed = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == "type" and path in listed:
            continue
        if error.validator == "not" and path in typed:
            continue
        yield from _explain(error)


def _explain(error: SchemaViolation) -> Iterator[tuple[str, str]]:
    """(pointer, message) for one violation; some violations name several places."""
    pointer = ""
    for token in error.absolute_path:
        pointer = pointer_join(pointer, token)
    kind, found, schema = error.validator, error.instance, error.schema
    expected: Any = error.validator_value
    if kind in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        # A branch whose type fits the value is the one the author meant: explain why it failed.
        fitting = [branch for branch in error.context if branch.validator != "type"]
        yield from _explain(best_match(fitting or error.context))
    elif kind == "required" and isinstance(found, dict) and isinstance(schema, dict):
        for missing in expected:
            if missing not in found:
                yield pointer_join(pointer, missing), _missing(missing, schema)
    elif kind == "additionalProperties" and isinstance(found, dict) and isinstance(schema, dict):
        allowed = list(schema.get("properties", {}))
        for key in found:
            if key not in allowed:
                yield pointer_join(pointer, key), _unknown_field(key, allowed, split=_split_at_comma(found[key], key))
    else:
        explain = _MESSAGES.get(str(kind))
        message = explain(expected, found, schema) if explain else _one_line(error.message)
        yield pointer, message


def _missing(name: str, schema: dict[str, Any]) -> str:
    prop = schema.get("properties", {}).get(name, {})
    description = prop.get("description") or _definition(prop).get("description")
    return f"'{name}' is missing: {description}" if description else f"'{name}' is missing"


def _definition(prop: dict[str, Any]) -> dict[str, Any]:
    """The local definition a ``$ref`` points to ({} if none)."""
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found: dict[str, Any] = _SCHEMA.get()["$defs"].get(ref.removeprefix("#/$defs/"), {})
        return found
    return {}


def _unknown_field(key: str, allowed: list[str], *, split: bool = False) -> str:
    close = _closest(key, allowed)
    hint = f"; did you mean {_quote(close)}?" if close else ""
    if split and not close:
        hint = (
            "; if this is the end of the value before it, a comma cut it there: inside { }, a comma ends an"
            " unquoted value, so put that value in quotes"
        )
    return f"unknown field {_quote(key)} (allowed here: {', '.join(allowed)}{hint})"


def _split_at_comma(value: Any, key: str) -> bool:
    """Whether an unknown key looks like the rest of a value that a comma cut off: in a YAML flow mapping
    (``{description: 1,000 new singers, ...}``) the text after the comma becomes a key with no value.
    A key with a space and no value is no field name anyone types, and JSON cannot write a key alone."""
    return value is None and " " in key.strip()


_TYPES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a set of named fields (an object)",
    "null": "null",
}

_PATTERNS = {
    ID_PATTERN: "an id: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters",
    RULE_ID_PATTERN: "a rule id like 'CHN-04'",
    POINTER_PATTERN: "a JSON pointer like '/channels/2'",
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _type(expected: Any, found: Any, schema: Any) -> str:
    types = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPES.get(t, t) for t in types)
    hint = ""
    if isinstance(found, str) and {"number", "integer"} & set(types) and _is_number(found):
        hint = " (remove the quotes)"
    if isinstance(found, dt.date) and isinstance(schema, dict) and schema.get("format") == "date":
        # Data a YAML library parsed (yaml.safe_load makes a date of an unquoted 2025-03-01): JSON holds no date.
        method = ".date().isoformat()" if isinstance(found, dt.datetime) else ".isoformat()"
        return (
            f"must be a date written as text, like 2025-03-01 (found a Python {type(found).__name__} object: write"
            f" it with {method}, or pass the file's path or text, which assess reads keeping dates as text)"
        )
    return f"must be {wanted} (found {_describe(found)}){hint}"


def _enum(expected: Any, found: Any, schema: Any) -> str:
    choices = [str(choice) for choice in expected]
    close = _closest(found, choices)
    hint = f"; did you mean {_quote(close)}?" if close else ""
    return f"must be one of: {', '.join(choices)} (found {_short(found)}{hint})"


def _const(expected: Any, found: Any, schema: Any) -> str:
    return f"must be {_short(expected)} (found {_short(found)})"


def _format(expected: Any, found: Any, schema: Any) -> str:
    if expected == "date":
        if isinstance(found, str) and _DATE.fullmatch(found):
            return f"must be a real date like 2025-03-01 (found {_quote(found)}, which is not a day of the calendar)"
        return f"must be a date like 2025-03-01 (found {_short(found)})"
    return f"must be a valid {expected} (found {_short(found)})"


def _pattern(expected: Any, found: Any, schema: Any) -> str:
    what = _PATTERNS.get(expected, f"text matching the pattern {expected}")
    return f"must be {what} (found {_short(found)})"


def _not(expected: Any, found: Any, schema: Any) -> str:
    if expected == ONE_LINE["not"] and isinstance(schema, dict) and "pattern" in schema:
        return _pattern(schema["pattern"], found, schema)  # the same fault as the pattern's, said the same way
    return f"must not match {json.dumps(expected)} (found {_short(found)})"


def _bound(word: str) -> Callable[[Any, Any, Any], str]:
    def explain(expected: Any, found: Any, schema: Any) -> str:
        return f"must be {word} {_number(expected)} (found {_short(found)})"

    return explain


def _min_length(expected: Any, found: Any, schema: Any) -> str:
    if expected == 1:
        return "must not be empty"
    return f"must be at least {expected} characters long (found {len(found)})"


def _max_length(expected: Any, found: Any, schema: Any) -> str:
    return f"must be at most {expected} characters long (found {len(found)})"


def _min_items(expected: Any, found: Any, schema: Any) -> str:
    return f"must have at least {expected} item{'s' * (expected != 1)} (found {len(found)})"


def _max_items(expected: Any, found: Any, schema: Any) -> str:
    return f"must have at most {expected} item{'s' * (expected != 1)} (found {len(found)})"


def _unique_items(expected: Any, found: Any, schema: Any) -> str:
    return "must not list the same item twice"


_MESSAGES: dict[str, Callable[[Any, Any, Any], str]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "format": _format,
    "pattern": _pattern,
    "not": _not,
    "minimum": _bound("at least"),
    "maximum": _bound("at most"),
    "exclusiveMinimum": _bound("more than"),
    "exclusiveMaximum": _bound("less than"),
    "minLength": _min_length,
    "maxLength": _max_length,
    "minItems": _min_items,
    "maxItems": _max_items,
    "uniqueItems": _unique_items,
}
"""Validation keyword -> message; keywords not listed keep the library's wording."""


# ------------------------------------------------------------------ wording helpers

_QUOTED_MAX = 60


def _one_line(text: str) -> str:
    """``text`` with control characters escaped, so a message never spans lines."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _quote(text: str) -> str:
    if len(text) > _QUOTED_MAX:
        text = text[: _QUOTED_MAX - 3] + "..."
    return f"'{_one_line(text)}'"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _short(value: Any) -> str:
    """A value as found in a message: strings quoted, others described."""
    return _quote(value) if isinstance(value, str) else _describe(value)


def _describe(value: Any) -> str:
    """What a value is, in words: 'the text "ten"', 'the number 5', 'a list of 2 items'."""
    if isinstance(value, str):
        return f'the text "{_one_line(value if len(value) <= _QUOTED_MAX else value[: _QUOTED_MAX - 3] + "...")}"'
    if value is None:
        return "null (no value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {_number(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        return "a set of named fields (an object)"
    return f"a {type(value).__name__}"


def _closest(value: Any, choices: list[str]) -> str | None:
    """The choice ``value`` is a near miss of ('facebok' -> 'facebook'), if any."""
    if not isinstance(value, str):
        return None
    folded = value.strip().lower()
    for choice in choices:
        if choice.lower() == folded:
            return choice
    import difflib  # here, not at the top: only an invalid document (the slow path) needs it

    close = difflib.get_close_matches(folded, choices, n=1, cutoff=0.6)
    return close[0] if close else None
