"""The plan schema: generated from the model, well-formed, documented, and read alike by everyone.

Three readers must agree on what a plan is: the pydantic model (which builds the
typed `Plan`), jsonschema-rs (the fast path of `assess validate`) and the
reference `jsonschema` library (the slow path that explains errors). The
property tests below generate plans from the schema and break them at random,
and check all three give the same answer.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import hypothesis.internal.conjecture.utils as conjecture_utils
import hypothesis_jsonschema._from_schema as hjs_from_schema
import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from assess.errors import PlanSchemaError
from assess.plan.model import Plan
from assess.plan.schema import PLAN_SCHEMA_ID, dumps, plan_schema
from assess.plan.validate import _quick_schema, validate_data
from assess.resources import PLAN_SCHEMA_PATH

SCHEMA: dict[str, Any] = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))
# The quick validator as assess builds it: jsonschema-rs's own "date" format accepts year 0000, which
# python-jsonschema (and assess) refuse, so the schema it reads guards that year (`_quick_schema`). Compared
# with the plain schema, a drawn "0000-01-01" in a date field would fail these tests at random.
RS = jsonschema_rs.validator_for(_quick_schema(SCHEMA), validate_formats=True)
PY = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

PROPERTY_SETTINGS = settings(
    max_examples=150,  # x2 tests: 300 generated documents read by both validators
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# ------------------------------------------------------------------ the committed file


def test_committed_schema_is_generated_from_the_model() -> None:
    assert PLAN_SCHEMA_PATH.read_text(encoding="utf-8") == dumps(plan_schema()), (
        "schemas/plan.schema.json is stale: run `python -m assess.plan.schema --plan-only`"
    )


def test_schema_passes_the_2020_12_metaschema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_has_an_id() -> None:
    assert SCHEMA["$id"] == PLAN_SCHEMA_ID


def _properties(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(where, schema) of every property declared anywhere in the schema."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            found.append((f"{path}/properties/{name}", prop))
        for key, value in node.items():
            found += _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _properties(item, f"{path}/{index}")
    return found


def test_every_property_at_every_level_has_a_title_and_a_description() -> None:
    properties = _properties(SCHEMA)
    assert len(properties) > 100
    lacking = [where for where, prop in properties if not prop.get("title") or not prop.get("description")]
    assert lacking == []


def test_every_definition_has_a_description() -> None:
    lacking = [name for name, definition in SCHEMA["$defs"].items() if not definition.get("description")]
    assert lacking == []


def test_patterns_forbid_a_trailing_newline_in_every_engine() -> None:
    # Python's `re` lets "$" match before a final "\n"; ECMA-262 does not. The schema must not care.
    for value, valid in [("m1", True), ("m1\n", False), ("m 1", False), ("-m1", False)]:
        plan = {"schema_version": "1.0", "organization": {"name": "X"}, "people": [{"id": value, "name": "P"}]}
        assert RS.is_valid(plan) is valid, value
        assert PY.is_valid(plan) is valid, value


# ------------------------------------------------------------------ generated plans

# hypothesis-jsonschema 0.23 drives Hypothesis' internal `many` with a `more()` method
# that newer Hypothesis releases replaced by a context manager; adapt it when needed.


class _ManyWithMore:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._many = conjecture_utils.many(*args, **kwargs)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        if next(self._elements, False) is None:
            return True
        self._many.__exit__(None, None, None)
        return False

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


class _CompatUtils:
    many = _ManyWithMore


if not hasattr(conjecture_utils.many, "more"):
    hjs_from_schema.cu = _CompatUtils  # type: ignore[attr-defined,assignment]

PLANS = from_schema(copy.deepcopy(SCHEMA))  # it rewrites the schema it is given


@PROPERTY_SETTINGS
@given(PLANS)
def test_generated_plans_are_accepted_by_every_reader_and_round_trip(doc: dict[str, Any]) -> None:
    assert RS.is_valid(doc)
    assert PY.is_valid(doc)
    plan = Plan.model_validate(doc)
    assert plan.model_dump(mode="json", by_alias=True, exclude_unset=True) == doc


TRICKY: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(
        [
            "",
            "m1\n",
            "a b",
            "2025-02-30",
            "2024-02-29",
            "1900-02-29",
            "0000-01-01",
            "2025-3-1",
            "2025-03-01\n",
            "1/3/2025",
            "facebok",
            "2.0",
            "CHN-04\n",
            "/a~2",
            "/channels/0",
            -1,
            0,
            100,
            100.5,
            101,
            168.5,
            5.0,
            1e300,
            True,
            None,
            [],
            {},
        ]
    ),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=2),
)


def _places(node: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every value inside ``node`` (not ``node`` itself)."""
    places: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            places.append((node, key))
            places += _places(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            places.append((node, index))
            places += _places(value)
    return places


@st.composite
def broken_plans(draw: st.DrawFn) -> Any:
    """A generated plan with one value replaced, removed, or one unknown field added."""
    doc: Any = copy.deepcopy(draw(PLANS))
    container: Any
    key: Any
    container, key = draw(st.sampled_from(_places(doc)))
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        container[key] = draw(TRICKY)
    elif action == "delete":
        del container[key]
    else:
        target: dict[str, Any] = container[key] if isinstance(container[key], dict) else doc
        target[draw(st.text(min_size=1, max_size=10))] = draw(TRICKY)
    return doc


@PROPERTY_SETTINGS
@given(broken_plans())
def test_both_schema_validators_agree_on_broken_plans_and_every_rejection_is_explained(doc: Any) -> None:
    valid = RS.is_valid(doc)
    assert PY.is_valid(doc) is valid
    if valid:
        Plan.model_validate(doc)  # the model may be laxer than the schema, never stricter
    else:
        # The slow path must find something to say whenever the fast path says no.
        with pytest.raises(PlanSchemaError) as raised:
            validate_data(doc)
        assert raised.value.problems
        assert all("\n" not in problem.message for problem in raised.value.problems)
