"""What an absent key stands for, read from the schema, is what the typed model fills in."""

from __future__ import annotations

import enum
import typing

import pytest
from pydantic import BaseModel

from assess.plan.defaults import Shape, plan_shape, shape_of
from assess.plan.model import Plan


def _model_in(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _pairs(model: type[BaseModel], shape: Shape, seen: set[str]) -> typing.Iterator[tuple[type[BaseModel], Shape]]:
    if model.__name__ in seen:
        return
    seen.add(model.__name__)
    yield model, shape
    for name, info in model.model_fields.items():
        child = _model_in(info.annotation)
        if child is not None:
            yield from _pairs(child, shape.children[info.alias or name], seen)


def _expected_defaults(model: type[BaseModel]) -> dict[str, typing.Any]:
    expected: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            value = info.default_factory()  # type: ignore[call-arg]
        elif info.is_required():
            continue
        else:
            value = info.default
        if value is None:
            continue
        expected[info.alias or name] = value.value if isinstance(value, enum.Enum) else value
    return expected


PAIRS = list(_pairs(Plan, plan_shape(), set()))


def test_every_object_of_the_model_has_a_shape() -> None:
    assert {model.__name__ for model, _ in PAIRS} >= {"Plan", "Goal", "Channel", "Visuals", "Suppression"}


@pytest.mark.parametrize(("model", "shape"), PAIRS, ids=[model.__name__ for model, _ in PAIRS])
def test_the_defaults_read_from_the_schema_are_the_models(model: type[BaseModel], shape: Shape) -> None:
    assert shape.defaults == _expected_defaults(model)
    nested = {info.alias or name for name, info in model.model_fields.items() if _model_in(info.annotation)}
    assert set(shape.children) == nested


def test_an_absent_key_reads_as_its_default_a_stated_one_as_written() -> None:
    goal = plan_shape().children["goals"]
    assert goal.get({}, "primary") is False
    assert goal.get({"primary": True}, "primary") is True
    assert goal.get({}, "metrics") == []
    assert goal.get({}, "target_value") is None


def test_a_list_default_is_a_new_list_each_time() -> None:
    goal = plan_shape().children["goals"]
    first = goal.get({}, "metrics")
    first.append("m")
    assert goal.get({}, "metrics") == []


def test_shapes_follow_references_and_nested_items() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {
            "a": {"type": "array", "items": {"$ref": "#/$defs/A"}},
            "b": {"type": "array", "items": {"type": "string"}},
            "c": {"$ref": "#/$defs/A", "default": None},
        },
        "$defs": {"A": {"type": "object", "properties": {"on": {"type": "boolean", "default": True}}}},
    }
    shape = shape_of(schema)
    assert shape.defaults == {"b": []}  # a required list has no default; a null default is no default
    assert shape.children["a"] is shape.children["c"]
    assert shape.children["a"].defaults == {"on": True}
