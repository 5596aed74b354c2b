"""The report: what a user reads and what another tool consumes.

Plain typed records (frozen dataclasses), built by the pipeline and read by the
formats with no pydantic at all: a run of the command line never imports it
(issue 15: importing pydantic alone took a fifth of a peer tool's whole run).
Each record keeps pydantic's API for library callers (`model_dump_json`,
`model_dump`, `model_validate`, `model_validate_json`, `model_copy`,
`model_json_schema`), served by the pydantic models of
`assess.results.report_model`, which hold the same fields in the same order
and generate ``schemas/report.schema.json`` (tests/test_report_records.py keeps
the two in step).

`to_json` writes a record exactly as pydantic's ``model_dump_json(indent=2)``
does; `from_data` builds records from JSON data the pipeline made itself (a
trusted source: values are converted, not checked; `model_validate` checks).

A report holds no timestamps, durations or absolute paths, so the same inputs
give byte-identical output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import json.encoder
import re
import sys
import threading
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NoReturn, TypeVar

from assess.frozen import Frozen, record
from assess.results.kinds import Maturity, Severity, Status

if TYPE_CHECKING:
    from pydantic import BaseModel, TypeAdapter

__all__ = [
    "REPORT_VERSION",
    "Finding",
    "Gate",
    "Maturity",
    "PlanGate",
    "PlanProblem",
    "PlanReport",
    "Recommendation",
    "Report",
    "RulePackInfo",
    "RuleResult",
    "Score",
    "Severity",
    "Status",
    "StepResult",
    "Summary",
    "SuppressedFinding",
    "SuppressionNotice",
    "ToolInfo",
    "from_data",
    "plain_json",
    "to_data",
    "to_json",
]

REPORT_VERSION: Literal["1.1"] = "1.1"

R = TypeVar("R", bound="Record")


class Record(Frozen):
    """What every report record shares: conversion to and from JSON data, and pydantic's API on demand."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    # -- pydantic's API, for library callers (imports pydantic on first use)

    def model_dump_json(self, *, indent: int | None = None, **options: Any) -> str:
        """As pydantic's ``model_dump_json`` (with no options, `to_json` gives the same text faster)."""
        if not options:
            return to_json(self, indent)
        return self._model().model_dump_json(indent=indent, **options)

    def model_dump(self, *, mode: Literal["json", "python"] | str = "python", **options: Any) -> dict[str, Any]:
        """As pydantic's ``model_dump``."""
        if mode == "json" and not {key for key, value in options.items() if value} - {"by_alias"}:
            return to_data(self)  # no field has an alias
        dumped: dict[str, Any] = self._model().model_dump(mode=mode, **options)
        return dumped

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """Checked as pydantic checks it (bounds, types, no unknown field), or pydantic's ValidationError."""
        if isinstance(data, cls):
            return data
        model = _model_class(cls).model_validate(data.model_dump(mode="json") if isinstance(data, Record) else data)
        return from_data(cls, model.model_dump(mode="json"))

    @classmethod
    def model_validate_json(cls: type[R], text: str | bytes) -> R:
        """A report's JSON read back, checked as pydantic checks it."""
        model = _model_class(cls).model_validate_json(text)
        return from_data(cls, model.model_dump(mode="json"))

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        schema: dict[str, Any] = _model_class(cls).model_json_schema()
        return schema

    def model_copy(self: R, *, update: Mapping[str, Any] | None = None) -> R:
        """A copy with some fields replaced (not checked, as with pydantic)."""
        return dataclasses.replace(self, **(update or {}))

    def _model(self) -> BaseModel:
        return _model_class(type(self)).model_validate(to_data(self))


def _model_class(cls: type[Record]) -> type[BaseModel]:
    from assess.results import report_model

    model: type[BaseModel] = getattr(report_model, cls.__name__)
    return model


def _empty_list() -> list[Any]:
    return []


class ReadOnlyList(list[str]):
    """A list of texts that refuses to change: the lists of a record shared by several reports.

    The pipeline makes some records once and shares them by every plan that ends the same
    way (a rule's `RuleResult`, by catalog): a record is frozen, and its lists must be too,
    or editing one report would edit others, and every later one. Reading is a list's (it
    compares equal to one, and is written to JSON as one); changing it raises `TypeError`.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("this list belongs to a frozen record shared by several reports: copy it to change it")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle build it whole, not item by item
        return (type(self), (list(self),))

    def __copy__(self) -> ReadOnlyList:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadOnlyList:
        return self  # texts, and it cannot change


@record
class Finding(Record):
    """One failed check about one element of the plan."""

    rule_id: str
    step: int
    severity: Severity
    title: str
    message: str
    rationale: str
    recommendation: str
    pointer: str
    line: int | None = None
    column: int | None = None
    fingerprint: str


@record
class SuppressedFinding(Record):
    finding: Finding
    justification: str
    expires: dt.date | None = None


@record
class SuppressionNotice(Record):
    """A suppression that is expired, or that suppresses nothing."""

    rule_id: str
    problem: Literal["expired", "unused", "unknown_rule"]
    message: str
    pointer: str
    line: int | None = None
    column: int | None = None


@record
class RuleResult(Record):
    """The outcome of one rule on one plan (JUnit: one testcase)."""

    rule_id: str
    step: int
    severity: Severity
    title: str
    status: Status
    findings: int
    missing: list[str] = dataclasses.field(default_factory=_empty_list)
    blocked_by: str | None = None


@record
class StepResult(Record):
    step: int
    key: str
    name: str
    score: float | None = None
    maturity: Maturity
    passed: int
    failed: int
    not_applicable: int
    unknown: int
    capped: bool = False


@record
class Recommendation(Record):
    """An action, with the score the plan would reach once it is done."""

    rank: int
    rule_id: str
    step: int
    severity: Severity
    title: str
    rule_title: str = ""
    named_check: bool = False
    action: str
    findings: int
    score_before: float
    score_after: float
    step_score_before: float | None = None
    step_score_after: float | None = None
    capped_by: list[str] = dataclasses.field(default_factory=_empty_list)
    held_by_placeholders: str | None = None
    step_capped_by: list[str] = dataclasses.field(default_factory=_empty_list)
    includes: list[str] = dataclasses.field(default_factory=_empty_list)


@record
class Score(Record):
    overall: float
    grade: str
    completeness: float
    capped: bool = False
    written: float = 100.0


@record
class PlanProblem(Record):
    """Why a plan could not be assessed (syntax or schema error, unreadable file...)."""

    kind: str
    message: str
    pointer: str
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None


@record
class PlanGate(Record):
    """The gate's verdict on one plan: whether it passed, and why not (`assess.results.gate`)."""

    passed: bool
    findings: int = 0
    below_minimum: bool = False
    reasons: list[str] = dataclasses.field(default_factory=_empty_list)


@record
class PlanReport(Record):
    """The assessment of one plan (or why it could not be assessed)."""

    file: str
    sha256: str | None = None
    organization: str | None = None
    language: str = "en"
    assessed: bool
    problems: list[PlanProblem] = dataclasses.field(default_factory=_empty_list)
    score: Score | None = None
    gate: PlanGate | None = None
    steps: list[StepResult] = dataclasses.field(default_factory=_empty_list)
    rules: list[RuleResult] = dataclasses.field(default_factory=_empty_list)
    findings: list[Finding] = dataclasses.field(default_factory=_empty_list)
    suppressed: list[SuppressedFinding] = dataclasses.field(default_factory=_empty_list)
    suppression_notices: list[SuppressionNotice] = dataclasses.field(default_factory=_empty_list)
    recommendations: list[Recommendation] = dataclasses.field(default_factory=_empty_list)
    placeholders: int = 0
    fill_first: list[str] = dataclasses.field(default_factory=_empty_list)


@record
class ToolInfo(Record):
    name: str
    version: str
    information_uri: str | None = None
    engine: str | None = None


@record
class RulePackInfo(Record):
    name: str
    version: str
    rules: int
    sha256: str


@record
class Summary(Record):
    plans: int
    assessed: int
    errors: int
    findings: dict[Severity, int]
    skipped: int = 0


@record
class Gate(Record):
    """The gate the run applied and its verdict: what the exit code says, and why (`assess.results.gate`)."""

    fail_on: str
    fail_under: float | None = None
    exit_code: int
    passed: bool
    plans_failed: int
    plans_not_assessed: int
    reasons: list[str] = dataclasses.field(default_factory=_empty_list)
    more_reasons: int = 0


@record
class Report(Record):
    """The whole output of one run: the same shape for one plan or many."""

    report_version: Literal["1.0", "1.1"] = "1.1"
    tool: ToolInfo
    rule_packs: list[RulePackInfo]
    plans: list[PlanReport]
    summary: Summary
    gate: Gate | None = None


# ------------------------------------------------------------------ records the pipeline builds by the dozen

# A dataclass's own __init__ costs ~17,000 instructions for a record of eight fields (keywords, defaults,
# and a call of `object.__setattr__` per field, as the record is frozen), and the pipeline builds ~80
# records a plan. These constructors take every field positionally, in order, and fill in a draft: an
# instance of a plain twin of the record's class (the same slots on the same base), where each field is
# a plain attribute store, the quickest the interpreter does; then the draft becomes the record by taking
# its class (allowed, as the two lay out their instances alike), frozen from then on: ~3,900
# instructions. Only for values the pipeline made itself (nothing is checked); tests/test_report_records.py
# keeps their parameters the class's fields.

_new = object.__new__


def _draft(cls: type[Record]) -> type[Record]:
    return type(f"{cls.__name__}Draft", (Record,), {"__slots__": cls.__slots__})


# By number, not by name: only the records are classes of this module.
_DRAFTS = tuple(
    _draft(cls)
    for cls in (RuleResult, StepResult, Finding, Recommendation, Score, PlanReport, Summary, Report, PlanGate, Gate)
)


def new_rule_result(
    rule_id: str,
    step: int,
    severity: Severity,
    title: str,
    status: Status,
    findings: int,
    missing: list[str],
    blocked_by: str | None,
) -> RuleResult:
    record: Any = _new(_DRAFTS[0])
    record.rule_id = rule_id
    record.step = step
    record.severity = severity
    record.title = title
    record.status = status
    record.findings = findings
    record.missing = missing
    record.blocked_by = blocked_by
    record.__class__ = RuleResult
    built: RuleResult = record
    return built


def new_step_result(
    step: int,
    key: str,
    name: str,
    score: float | None,
    maturity: Maturity,
    passed: int,
    failed: int,
    not_applicable: int,
    unknown: int,
    capped: bool,
) -> StepResult:
    record: Any = _new(_DRAFTS[1])
    record.step = step
    record.key = key
    record.name = name
    record.score = score
    record.maturity = maturity
    record.passed = passed
    record.failed = failed
    record.not_applicable = not_applicable
    record.unknown = unknown
    record.capped = capped
    record.__class__ = StepResult
    built: StepResult = record
    return built


def new_finding(
    rule_id: str,
    step: int,
    severity: Severity,
    title: str,
    message: str,
    rationale: str,
    recommendation: str,
    pointer: str,
    line: int | None,
    column: int | None,
    fingerprint: str,
) -> Finding:
    record: Any = _new(_DRAFTS[2])
    record.rule_id = rule_id
    record.step = step
    record.severity = severity
    record.title = title
    record.message = message
    record.rationale = rationale
    record.recommendation = recommendation
    record.pointer = pointer
    record.line = line
    record.column = column
    record.fingerprint = fingerprint
    record.__class__ = Finding
    built: Finding = record
    return built


def new_recommendation(
    rank: int,
    rule_id: str,
    step: int,
    severity: Severity,
    title: str,
    rule_title: str,
    named_check: bool,
    action: str,
    findings: int,
    score_before: float,
    score_after: float,
    step_score_before: float | None,
    step_score_after: float | None,
    capped_by: list[str],
    held_by_placeholders: str | None,
    step_capped_by: list[str],
    includes: list[str],
) -> Recommendation:
    record: Any = _new(_DRAFTS[3])
    record.rank = rank
    record.rule_id = rule_id
    record.step = step
    record.severity = severity
    record.title = title
    record.rule_title = rule_title
    record.named_check = named_check
    record.action = action
    record.findings = findings
    record.score_before = score_before
    record.score_after = score_after
    record.step_score_before = step_score_before
    record.step_score_after = step_score_after
    record.capped_by = capped_by
    record.held_by_placeholders = held_by_placeholders
    record.step_capped_by = step_capped_by
    record.includes = includes
    record.__class__ = Recommendation
    built: Recommendation = record
    return built


def new_score(
    overall: float,
    grade: str,
    completeness: float,
    capped: bool,
    written: float,
) -> Score:
    record: Any = _new(_DRAFTS[4])
    record.overall = overall
    record.grade = grade
    record.completeness = completeness
    record.capped = capped
    record.written = written
    record.__class__ = Score
    built: Score = record
    return built


def new_plan_report(
    file: str,
    sha256: str | None,
    organization: str | None,
    language: str,
    assessed: bool,
    problems: list[PlanProblem],
    score: Score | None,
    gate: PlanGate | None,
    steps: list[StepResult],
    rules: list[RuleResult],
    findings: list[Finding],
    suppressed: list[SuppressedFinding],
    suppression_notices: list[SuppressionNotice],
    recommendations: list[Recommendation],
    placeholders: int,
    fill_first: list[str],
) -> PlanReport:
    record: Any = _new(_DRAFTS[5])
    record.file = file
    record.sha256 = sha256
    record.organization = organization
    record.language = language
    record.assessed = assessed
    record.problems = problems
    record.score = score
    record.gate = gate
    record.steps = steps
    record.rules = rules
    record.findings = findings
    record.suppressed = suppressed
    record.suppression_notices = suppression_notices
    record.recommendations = recommendations
    record.placeholders = placeholders
    record.fill_first = fill_first
    record.__class__ = PlanReport
    built: PlanReport = record
    return built


def new_summary(plans: int, assessed: int, errors: int, findings: dict[Severity, int], skipped: int) -> Summary:
    record: Any = _new(_DRAFTS[6])
    record.plans = plans
    record.assessed = assessed
    record.errors = errors
    record.findings = findings
    record.skipped = skipped
    record.__class__ = Summary
    built: Summary = record
    return built


def new_report(
    report_version: Literal["1.0", "1.1"],
    tool: ToolInfo,
    rule_packs: list[RulePackInfo],
    plans: list[PlanReport],
    summary: Summary,
    gate: Gate | None,
) -> Report:
    record: Any = _new(_DRAFTS[7])
    record.report_version = report_version
    record.tool = tool
    record.rule_packs = rule_packs
    record.plans = plans
    record.summary = summary
    record.gate = gate
    record.__class__ = Report
    built: Report = record
    return built


def new_plan_gate(passed: bool, findings: int, below_minimum: bool, reasons: list[str]) -> PlanGate:
    record: Any = _new(_DRAFTS[8])
    record.passed = passed
    record.findings = findings
    record.below_minimum = below_minimum
    record.reasons = reasons
    record.__class__ = PlanGate
    built: PlanGate = record
    return built


def new_gate(
    fail_on: str,
    fail_under: float | None,
    exit_code: int,
    passed: bool,
    plans_failed: int,
    plans_not_assessed: int,
    reasons: list[str],
    more_reasons: int,
) -> Gate:
    record: Any = _new(_DRAFTS[9])
    record.fail_on = fail_on
    record.fail_under = fail_under
    record.exit_code = exit_code
    record.passed = passed
    record.plans_failed = plans_failed
    record.plans_not_assessed = plans_not_assessed
    record.reasons = reasons
    record.more_reasons = more_reasons
    record.__class__ = Gate
    built: Gate = record
    return built


# ------------------------------------------------------------------ records <-> JSON data


def _json_value(value: Any) -> Any:
    if isinstance(value, Record):
        return to_data(value)
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {(key.value if isinstance(key, enum.Enum) else key): _json_value(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_data(record: Record) -> dict[str, Any]:
    """The record as JSON data, its fields in order: what ``model_dump(mode="json")`` gives."""
    return {name: _json_value(getattr(record, name)) for name in _field_names(type(record))}


def _field_names(cls: type[Record]) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return names


def to_json(record: Record, indent: int | None = None) -> str:
    """The record's JSON text, byte for byte what pydantic's ``model_dump_json(indent=indent)`` writes.

    With pydantic loaded already (a library caller, a long batch), its serializer writes it: ten times
    quicker than Python. Otherwise `plain_json` does, rather than pay for importing pydantic.
    """
    if "pydantic" in sys.modules:
        return _serializer(type(record)).dump_json(record, indent=indent).decode()
    return plain_json(record, indent)


def plain_json(record: Record, indent: int | None = None) -> str:
    """`to_json`'s text, written without pydantic.

    Python and pydantic both write a float's shortest digits, and the same way except with an
    exponent: Python writes ``1e-05`` and ``1e+16`` where pydantic writes ``0.00001`` and ``1e16``. A
    report `assess` makes never holds such a number (scores are rounded, 0 to 100), so the rare text
    with an exponent (or a message quoting one) is written by pydantic, and the bytes are always its.
    """
    try:
        if indent is None:
            text = json.dumps(to_data(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        else:
            text = _indented(record, "\n", " " * indent)
    except ValueError:  # not a finite number: as pydantic says it
        return record._model().model_dump_json(indent=indent)
    if _EXPONENT.search(text) is not None:
        return record._model().model_dump_json(indent=indent)
    return text


_EXPONENT = re.compile(r"[0-9]e[-+][0-9]")
"""A float Python wrote with an exponent: its repr always signs it (``1e-05``, ``1e+16``), so a hex digest in
the text (a rule pack's sha256, a fingerprint: ``9e4``) is not taken for one; a message quoting ``3e+5`` is,
and only costs writing that report with pydantic."""


def _serializer(cls: type[Record]) -> TypeAdapter[Any]:
    """pydantic's serializer of a record class (it reads the dataclass's fields; nothing is validated)."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


_ADAPTERS: dict[type[Record], TypeAdapter[Any]] = {}


def _indented(value: Any, newline: str, step: str) -> str:
    """`value` as indented JSON, its lines continued after `newline` (a line break and the current indent).

    `json.dumps(indent=...)` writes the same text, but with the json module's pure-Python encoder (its
    C encoder writes no indentation): five times slower than this, which encodes strings in C.
    """
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value or value in (_INFINITY, -_INFINITY):
            raise ValueError("not a finite number")
        return float.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    inner = newline + step
    if kind is list or kind is ReadOnlyList:
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join([_indented(item, inner, step) for item in value]) + newline + "]"
    if isinstance(value, Record):
        cls = kind
        keys = _KEYS.get(cls)
        if keys is None:
            keys = _KEYS[cls] = tuple((name, _string(name) + ": ") for name in _field_names(cls))
        return (
            "{"
            + inner
            + ("," + inner).join([key + _indented(getattr(value, name), inner, step) for name, key in keys])
            + newline
            + "}"
        )
    if isinstance(value, enum.Enum):
        return _indented(value.value, newline, step)
    if kind is dict:
        if not value:
            return "{}"
        return (
            "{"
            + inner
            + ("," + inner).join(
                [_string(_json_value(key)) + ": " + _indented(item, inner, step) for key, item in value.items()]
            )
            + newline
            + "}"
        )
    if isinstance(value, dt.date):
        return '"' + value.isoformat() + '"'
    raise TypeError(f"cannot write a {kind.__name__} as JSON")


_string: Callable[[str], str] = json.encoder.encode_basestring
_INFINITY = float("inf")
_KEYS: dict[type[Record], tuple[tuple[str, str], ...]] = {}  # a record's (field, '"field": ') in order

_NAMES: dict[type[Record], tuple[str, ...]] = {}  # a class's field names, in order (filled on first use)
Convert = Callable[[Any], Any]
_LOCK = threading.Lock()
_CONVERTERS: dict[type[Record], tuple[tuple[str, Convert | None], ...]] = {}


def from_data(cls: type[R], data: Mapping[str, Any]) -> R:
    """A record from JSON data made by `assess` itself (or by `to_data`): converted, not checked."""
    converters = _CONVERTERS.get(cls) or _converters(cls)
    values: dict[str, Any] = {}
    for name, convert in converters:
        if name in data:
            value = data[name]
            values[name] = value if convert is None or value is None else convert(value)
    return cls(**values)


def _converters(cls: type[Record]) -> tuple[tuple[str, Convert | None], ...]:
    hints = typing.get_type_hints(cls)
    converters = tuple((field.name, _converter(hints[field.name])) for field in dataclasses.fields(cls))
    with _LOCK:
        _CONVERTERS[cls] = converters
    return converters


def _converter(annotation: Any) -> Convert | None:
    """How JSON data becomes a value of the annotated type (None: as it is)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _converter(inner)
    if origin is list:
        (item,) = typing.get_args(annotation)
        convert = _converter(item)
        return None if convert is None else lambda values: [convert(value) for value in values]
    if origin is dict:
        key_type, value_type = typing.get_args(annotation)
        key, value = _converter(key_type), _converter(value_type)
        return lambda table: {
            (k if key is None else key(k)): (v if value is None else value(v)) for k, v in table.items()
        }
    if isinstance(annotation, type) and issubclass(annotation, Record):
        record_type = annotation
        return lambda data: data if isinstance(data, record_type) else from_data(record_type, data)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    if annotation is float:
        return float  # JSON's 100 is the float 100.0 (pydantic writes it "100.0")
    if annotation is dt.date:
        return lambda value: value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return None
