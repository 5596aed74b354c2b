"""The report's plain records and its pydantic models say the same thing, and write the same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import assess
from assess.results import report, report_model
from assess.results.kinds import Maturity, Severity, Status

RECORDS = [
    cls
    for cls in vars(report).values()
    if isinstance(cls, type) and issubclass(cls, report.Record) and cls is not report.Record
]
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_every_model_has_its_record() -> None:
    models = {
        name
        for name, cls in vars(report_model).items()
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == report_model.__name__
    }
    models.discard("_Model")
    assert models == {cls.__name__ for cls in RECORDS}


@pytest.mark.parametrize("record", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_has_its_models_fields_in_order_with_the_same_defaults(record: type[report.Record]) -> None:
    model: type[BaseModel] = getattr(report_model, record.__name__)
    fields = dataclasses.fields(record)
    assert [field.name for field in fields] == list(model.model_fields)
    for field in fields:
        info = model.model_fields[field.name]
        if field.default_factory is not dataclasses.MISSING:
            assert field.default_factory() == info.get_default(call_default_factory=True)
        elif field.default is dataclasses.MISSING:
            assert info.is_required(), field.name
        else:
            assert not info.is_required() and info.default == field.default, field.name


@pytest.mark.parametrize(
    ("record", "new"),
    [
        (report.RuleResult, report.new_rule_result),
        (report.StepResult, report.new_step_result),
        (report.Finding, report.new_finding),
        (report.Recommendation, report.new_recommendation),
        (report.Score, report.new_score),
        (report.PlanReport, report.new_plan_report),
        (report.Summary, report.new_summary),
        (report.Report, report.new_report),
        (report.PlanGate, report.new_plan_gate),
        (report.Gate, report.new_gate),
    ],
    ids=lambda item: getattr(item, "__name__", ""),
)
def test_a_positional_constructor_takes_every_field_in_order_and_builds_the_same_record(
    record: type[report.Record], new: Any
) -> None:
    names = [field.name for field in dataclasses.fields(record)]
    assert list(inspect.signature(new).parameters) == names
    values = {name: f"{name}!" for name in names}  # each field's own value, to catch one set in another's place
    built = new(*values.values())
    assert built == record(**values) and type(built) is record
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, names[0], "changed")


def _reports() -> list[report.Report]:
    return [assess.assess_plan(path) for path in sorted(SAMPLES.glob("*.json"))]


def test_to_json_writes_what_pydantic_writes_for_every_sample() -> None:
    for whole in _reports():
        model = report_model.Report.model_validate(report.to_data(whole))
        assert report.to_json(whole, 2) == model.model_dump_json(indent=2)
        assert report.to_json(whole) == model.model_dump_json()
        assert report.plain_json(whole, 2) == model.model_dump_json(indent=2)
        assert report.plain_json(whole) == model.model_dump_json()
        assert whole.model_dump_json(indent=2) == model.model_dump_json(indent=2)


def test_from_data_reads_back_what_to_data_wrote() -> None:
    for whole in _reports():
        assert report.from_data(report.Report, report.to_data(whole)) == whole
        assert report.Report.model_validate_json(whole.model_dump_json()) == whole


texts = st.text(st.characters(codec="utf-8"), max_size=40)  # control characters, quotes, any script
scores = st.floats(0, 100, allow_nan=False) | st.integers(0, 100)


@settings(max_examples=200, deadline=None)
@given(
    message=texts,
    file=texts,
    overall=scores,
    step_score=st.none() | scores,
    line=st.none() | st.integers(1, 10**9),
    severity=st.sampled_from(Severity),
    expires=st.none() | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
)
def test_to_json_writes_what_pydantic_writes_for_any_text_and_number(
    message: str,
    file: str,
    overall: float,
    step_score: float | None,
    line: int | None,
    severity: Severity,
    expires: dt.date | None,
) -> None:
    finding = {
        "rule_id": "POL-01",
        "step": 4,
        "severity": severity.value,
        "title": message,
        "message": message,
        "rationale": "r",
        "recommendation": "\u2028" + message,
        "pointer": "/policies",
        "line": line,
        "fingerprint": "0" * 16,
    }
    data = {
        "tool": {"name": "assess", "version": "1"},
        "rule_packs": [],
        "plans": [
            {
                "file": file,
                "assessed": True,
                "score": {"overall": overall, "grade": "A", "completeness": overall},
                "steps": [
                    {
                        "step": 4,
                        "key": "policies",
                        "name": "Policies",
                        "score": step_score,
                        "maturity": Maturity.WALK.value,
                        "passed": 1,
                        "failed": 0,
                        "not_applicable": 0,
                        "unknown": 0,
                    }
                ],
                "rules": [
                    {
                        "rule_id": "POL-01",
                        "step": 4,
                        "severity": "high",
                        "title": message,
                        "status": "fail",
                        "findings": 1,
                    }
                ],
                "findings": [finding],
                "suppressed": [
                    {"finding": finding, "justification": message, "expires": expires and expires.isoformat()}
                ],
            }
        ],
        "summary": {"plans": 1, "assessed": 1, "errors": 0, "findings": {s.value: 0 for s in Severity}},
    }
    record = report.from_data(report.Report, data)
    model = report_model.Report.model_validate(data)
    assert report.to_json(record, 2) == model.model_dump_json(indent=2)
    assert report.to_json(record) == model.model_dump_json()
    assert report.plain_json(record, 2) == model.model_dump_json(indent=2)
    assert report.plain_json(record) == model.model_dump_json()
    assert report.to_data(record) == model.model_dump(mode="json")
    assert record.plans[0].rules[0].status is Status.FAIL
    assert isinstance(record.plans[0].score and record.plans[0].score.overall, float)  # JSON's 100 is 100.0


def test_model_validate_checks_what_from_data_trusts() -> None:
    data = report.to_data(_reports()[0].plans[0])
    data["rules"][0]["step"] = 12
    assert report.from_data(report.PlanReport, data).rules[0].step == 12
    with pytest.raises(ValidationError):
        report.PlanReport.model_validate(data)


def test_model_copy_and_model_dump_keep_pydantics_meaning() -> None:
    plan = _reports()[0].plans[0]
    copy = plan.model_copy(update={"file": "other.json"})
    assert copy.file == "other.json" and copy.findings == plan.findings and plan.file != "other.json"
    assert plan.model_dump(mode="json") == report_model.PlanReport.model_validate(report.to_data(plan)).model_dump(
        mode="json"
    )
    assert plan.model_dump()["rules"][0]["status"] in set(Status)
    assert report.Report.model_json_schema()["title"] == "Report"


def test_without_pydantic_loaded_to_json_writes_the_same_bytes_without_loading_it() -> None:
    code = (
        "import sys, json, assess\n"
        "from assess.results.report import to_json\n"
        "plan = sys.argv[1]\n"
        "report = assess.assess_plan(plan)\n"
        "before = 'pydantic' in sys.modules\n"
        "print(json.dumps([before, to_json(report, 2)]))\n"
    )
    sample = SAMPLES / "exemplary.json"
    result = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True, check=True)
    _, text = json.loads(result.stdout)
    assert text == assess.assess_plan(sample).model_dump_json(indent=2)


def test_the_records_import_no_pydantic() -> None:
    code = "import sys, assess.results.report, assess.results.kinds; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout.strip().lower()) is False


def test_records_shared_by_several_reports_cannot_be_changed_through_their_lists() -> None:
    """Rule results are made once and shared by the plans that end alike: editing one report's must fail,
    not edit the other reports (and every later one); reading, copying and writing them is a list's."""
    import copy
    import pickle

    config = assess.Config(engine="builtin", today=dt.date(2026, 1, 1))
    path = Path(__file__).resolve().parent.parent / "samples" / "small-nonprofit.json"  # some rules unknown
    first, second = (assess.assess_plan(path, config=config).plans[0] for _ in range(2))
    shared = [(a, b) for a, b in zip(first.rules, second.rules, strict=True) if a is b]
    assert len(shared) == len(first.rules)  # the same plan twice: every record shared
    missing = next(rule.missing for rule in first.rules if rule.missing)
    passing = next(rule.missing for rule in first.rules if rule.status is Status.PASS)
    for readonly in (missing, passing):
        before = list(readonly)
        changes: list[Callable[[list[str]], object]] = [
            lambda m: m.append("/x"),
            lambda m: m.extend(["/x"]),
            lambda m: m.insert(0, "/x"),
            lambda m: m.clear(),
            lambda m: m.sort(),
            lambda m: m.reverse(),
            lambda m: m.__setitem__(slice(None), ["/x"]),
            lambda m: m.__delitem__(slice(None)),
            lambda m: m.__iadd__(["/x"]),
            lambda m: m.__imul__(2),
        ]
        for change in changes:
            with pytest.raises(TypeError, match="frozen record shared"):
                change(readonly)
        if before:
            with pytest.raises(TypeError):
                readonly.pop()
            with pytest.raises(TypeError):
                readonly.remove(before[0])
        assert readonly == before and list(readonly) == before
        assert copy.copy(readonly) == copy.deepcopy(readonly) == pickle.loads(pickle.dumps(readonly)) == before
    # Written as lists, read back equal.
    again = report.from_data(report.PlanReport, json.loads(report.to_json(first)))
    assert again == first
    assert isinstance(report_model.PlanReport.model_validate(report.to_data(first)), BaseModel)
    assert report.plain_json(first, 2) == report.to_json(first, indent=2)  # without pydantic, the CLI's way
    assert report.to_json(first, indent=2) == json.dumps(
        json.loads(report.to_json(first)), indent=2, ensure_ascii=False
    )


@pytest.mark.parametrize(
    ("text", "exponent"),
    [
        ('"sha256": "0c9e4f1e5a"', False),  # a hex digest: no sign after its e
        ('"fingerprint": "3e2d"', False),
        ('"score": 1e+16', True),
        ('"share": 1e-05', True),
        ('"value": -2.5e-07', True),
        ('"message": "quotes 3e+5"', True),  # a false alarm: that report is written by pydantic, same bytes
    ],
)
def test_only_a_signed_exponent_sends_a_report_to_pydantic(text: str, exponent: bool) -> None:
    """Python signs every exponent it writes (repr(1e16) is '1e+16'); a report whose pack sha256 held '9e4' was
    written by pydantic, importing it on a cold run (caught by test_cold_start once rules/ changed)."""
    assert (report._EXPONENT.search(text) is not None) is exponent
    for number in (1e16, 1e-5, -2.5e-7, 1.5e300, 123456789012345680.0):
        assert report._EXPONENT.search(json.dumps(number)) is not None
    for number in (0.5, 99.9, 100.0, 1e15):
        assert report._EXPONENT.search(json.dumps(number)) is None
