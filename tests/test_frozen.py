"""`Frozen` gives its dataclasses exactly the methods `dataclasses` would generate for them: eq, hash and
repr, and for `record` classes also __init__, __setattr__, __delattr__ and pickling."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import importlib
import pickle
import pkgutil
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assess
from assess import frozen
from assess.config import Config
from assess.frozen import Frozen
from assess.results import report
from assess.rules.catalog import build_catalog

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _frozen_classes() -> set[type[Frozen]]:
    """Every `Frozen` dataclass in the package (its modules imported, the web workbench's included)."""
    for module in pkgutil.walk_packages(assess.__path__, "assess."):
        if module.name != "assess.__main__":  # that one runs the command line
            importlib.import_module(module.name)
    found: set[type[Frozen]] = set()
    pending: list[type[Frozen]] = [Frozen]
    while pending:
        for cls in pending.pop().__subclasses__():
            pending.append(cls)
            # slots=True makes a new class: the one it replaced lingers among the subclasses.
            if dataclasses.is_dataclass(cls) and getattr(sys.modules[cls.__module__], cls.__qualname__, None) is cls:
                found.add(cls)
    return found


def _twin(cls: type[Frozen]) -> type[Any]:
    """The class as `dataclasses` would write it (same fields, same compare and repr flags), methods generated."""
    fields = [(field.name, field.type, field) for field in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__qualname__, fields, frozen=True, eq=True, repr=True)


def _as_twin(record: Frozen, twin: type[Any]) -> Any:
    copy = object.__new__(twin)
    for field in dataclasses.fields(record):
        object.__setattr__(copy, field.name, getattr(record, field.name))
    return copy


def _instances() -> list[Frozen]:
    """Instances of every kind: the samples' reports and all they hold, configurations, the catalog and its packs."""
    found: list[Frozen] = []
    for path in sorted(SAMPLES.glob("*.json")):
        whole = assess.assess_plan(path)
        found += [whole, whole.tool, whole.summary, *([whole.gate] if whole.gate else []), *whole.rule_packs]
        for plan in whole.plans:
            found += [plan, *([plan.score] if plan.score else []), *([plan.gate] if plan.gate else [])]
            found += [*plan.steps, *plan.rules, *plan.findings]
            found += [*plan.recommendations, *plan.suppressed, *plan.suppression_notices, *plan.problems]
    first = next(record for record in found if isinstance(record, report.Finding))
    found += [
        report.SuppressedFinding(finding=first, justification="agreed", expires=dt.date(2027, 1, 1)),
        report.SuppressionNotice(rule_id="POL-01", problem="unused", message="m", pointer="/x-assess/suppress/0"),
    ]
    broken = assess.api.problem_report("x.json", assess.PlanSchemaError([assess.Problem("x.json", 1, 2, "/a", "no")]))
    found += [broken, *broken.problems]
    configs = [Config(), Config(lang="fr", fail_under=50.0), Config(engine="builtin")]
    found += [*configs, *(config.scoring for config in configs)]
    catalog = build_catalog(Config())
    found += [catalog, *catalog.rules]
    for pack in catalog.packs:
        found += [pack, pack.placeholders, *pack.thresholds.values()]
        for rule in pack.rules:
            spec = rule.spec
            found += [rule, spec, spec.examples, *spec.examples.passing, *spec.examples.failing]
            found += [spec.fr] if spec.fr is not None else []
    return found


def test_frozen_methods_are_what_dataclasses_generates() -> None:
    classes = _frozen_classes()
    twins = {cls: _twin(cls) for cls in classes}
    instances = _instances()
    assert {type(record) for record in instances} == classes  # every Frozen class is checked
    for record, other in zip(instances, instances[1:] + instances[:1], strict=True):
        cls = type(record)
        twin = twins[cls]
        mine = _as_twin(record, twin)
        assert repr(record) == repr(mine)
        twin_copy = copy.copy(record)  # equal values, another object
        assert twin_copy is not record and twin_copy == record
        assert (record == other) == (type(other) is cls and mine == _as_twin(other, twin))
        assert record.__eq__(object()) is NotImplemented
        try:
            expected: int | None = hash(mine)
        except TypeError:  # an unhashable value (a list, a dict), as with the generated hash
            expected = None
        if expected is None:
            with pytest.raises(TypeError):
                hash(record)
        else:
            assert hash(record) == expected


def test_equal_values_make_equal_records_and_a_changed_one_does_not() -> None:
    config = Config(fail_under=50.0)
    assert config == Config(fail_under=50.0)
    assert config != Config(fail_under=50.5)
    catalog = build_catalog(Config())
    pack = catalog.packs[0]
    # `compiled` is declared compare=False and repr=False: it changes neither.
    other = dataclasses.replace(pack, compiled="{}")
    assert other == pack and repr(other) == repr(pack) and "compiled" not in repr(pack)
    assert dataclasses.replace(pack, version="0") != pack


def test_records_of_two_classes_are_never_equal_even_with_the_same_values() -> None:
    @dataclasses.dataclass(frozen=True, eq=False, repr=False)
    class Near(Frozen):
        value: float
        unit: str
        description: str
        source: str

    from assess.rules.rulepack import Threshold

    threshold = Threshold(value=1.0, unit="u", description="d", source="s")
    near = Near(1.0, "u", "d", "s")
    assert threshold.__eq__(near) is NotImplemented and threshold != near
    assert threshold == Threshold(value=1.0, unit="u", description="d", source="s")


# ------------------------------------------------------------------ `record`: no method generated


def _records() -> list[type[Frozen]]:
    """The `record` classes: those whose constructor is `Frozen`'s (the others have their own)."""
    return sorted(
        (cls for cls in _frozen_classes() if cls.__init__ is Frozen.__init__), key=lambda cls: cls.__qualname__
    )


def _generated_twin(cls: type[Frozen]) -> type[Any]:
    """The class as `@dataclass(frozen=True, slots=True, kw_only=True)` writes it: every method generated."""
    fields = [(field.name, field.type, field) for field in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__qualname__, fields, frozen=True, slots=True, kw_only=True)


def _outcome(make: Any, *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """What a constructor call gives: the fields' values, or the error's type and message."""
    try:
        made = make(*args, **kwargs)
    except TypeError as error:
        return "error", str(error)
    return "made", [getattr(made, field.name) for field in dataclasses.fields(made)]


RECORDS = _records()
TWINS = {cls: _generated_twin(cls) for cls in RECORDS}


def test_the_records_are_the_report_pack_and_configuration_classes() -> None:
    names = {cls.__qualname__ for cls in RECORDS}
    assert {"Finding", "PlanReport", "Report", "RuleSpec", "Threshold"} <= names
    assert len(RECORDS) == 21  # the report's 15, the rule pack's 6 (Config and Scoring have their own __init__)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_record_is_built_and_refused_as_the_generated_init_would(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(RECORDS))
    twin = TWINS[cls]
    names = [field.name for field in dataclasses.fields(cls)]
    given_names = data.draw(st.lists(st.sampled_from(names), unique=True))  # any subset, in any order
    values: dict[str, Any] = {name: f"{name}!" for name in given_names}  # each its own, to catch misplacing
    if data.draw(st.booleans()):
        values[data.draw(st.sampled_from(["unknown", "other_field"]))] = 1
    positional = data.draw(st.lists(st.integers(), max_size=2))
    mine, expected = _outcome(cls, *positional, **values), _outcome(twin, *positional, **values)
    assert mine == expected
    if mine[0] == "made":  # a default factory gives each record its own list
        one, two = cls(**values), cls(**values)
        for field in dataclasses.fields(cls):
            if field.default_factory is not dataclasses.MISSING and field.name not in values:
                fresh = field.default_factory()
                assert getattr(one, field.name) == fresh and getattr(one, field.name) is not getattr(two, field.name)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__qualname__)
def test_a_record_refuses_changes_and_pickles_as_a_generated_one(cls: type[Frozen]) -> None:
    twin = TWINS[cls]
    values = {field.name: f"{field.name}!" for field in dataclasses.fields(cls)}
    mine, generated = cls(**values), twin(**values)
    name = next(iter(values))
    for target in (mine, generated):
        with pytest.raises(dataclasses.FrozenInstanceError) as refused:
            setattr(target, name, "changed")
        with pytest.raises(dataclasses.FrozenInstanceError) as deleted:
            delattr(target, name)
        if target is mine:
            messages = (str(refused.value), str(deleted.value))
    assert messages == (str(refused.value), str(deleted.value))
    assert getattr(mine, name) == f"{name}!"  # unchanged
    for copied in (pickle.loads(pickle.dumps(mine)), copy.copy(mine), copy.deepcopy(mine)):
        assert type(copied) is cls and copied == mine and copied is not mine
    replaced = dataclasses.replace(mine, **{name: "new"})
    assert getattr(replaced, name) == "new" and getattr(mine, name) == f"{name}!"


def test_the_configuration_also_refuses_changes_and_pickles() -> None:
    config = Config(fail_under=50.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.fail_under = 10.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del config.scoring
    assert pickle.loads(pickle.dumps(config)) == config and config.fail_under == 50.0


def test_a_record_declared_outside_the_package_works_alike() -> None:
    @frozen.record
    class Point(Frozen):
        x: int
        label: str = "origin"
        tags: list[str] = dataclasses.field(default_factory=list)

    point = Point(x=1)
    assert (point.x, point.label, point.tags) == (1, "origin", [])
    assert point == Point(x=1, label="origin") and point != Point(x=2)
    assert (
        repr(point)
        == "test_a_record_declared_outside_the_package_works_alike.<locals>.Point(x=1, label='origin', tags=[])"
    )
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only argument: 'x'"):
        Point()  # type: ignore[call-arg]
