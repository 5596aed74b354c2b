"""Schema validation: typed plans on the fast path, and every problem explained on the slow one."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import plans

import assess.plan.validate
from assess.errors import PlanSchemaError, Problem
from assess.plan.load import parse_bytes
from assess.plan.model import Plan
from assess.plan.patterns import ID_PATTERN, ONE_LINE
from assess.plan.validate import ID_LISTS, REFERENCES, reference_problems, validate_data, validate_document
from assess.resources import PLAN_SCHEMA_PATH

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXEMPLARY: dict[str, Any] = json.loads((SAMPLES / "exemplary.json").read_text(encoding="utf-8"))
MINIMAL: dict[str, Any] = {"schema_version": "1.0", "organization": {"name": "Riverside Food Bank"}}


def problems_of(data: Any) -> list[Problem]:
    with pytest.raises(PlanSchemaError) as raised:
        validate_data(data)
    return list(raised.value.problems)


def messages(data: Any) -> dict[str, str]:
    """pointer -> message of each problem (one per pointer in these tests)."""
    return {problem.pointer: problem.message for problem in problems_of(data)}


def with_changes(base: dict[str, Any], **sections: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data.update(sections)
    return data


# ------------------------------------------------------------------ the fast path


def test_a_valid_plan_becomes_a_typed_plan() -> None:
    plan = validate_data(EXEMPLARY)
    assert isinstance(plan, Plan)
    assert plan.organization.name == "Riverside Food Bank"
    assert plan.plan is not None
    assert plan.plan.as_of == dt.date(2025, 3, 1)


def test_the_smallest_valid_plan() -> None:
    assert validate_data(MINIMAL).organization.name == "Riverside Food Bank"


def test_validate_document_uses_the_documents_name_and_positions() -> None:
    raw = b'{\n  "schema_version": "1.0",\n  "organization": {\n    "name": "X",\n    "colour": "red"\n  }\n}\n'
    with pytest.raises(PlanSchemaError) as raised:
        validate_document(parse_bytes(raw, "plan.json"))
    (problem,) = raised.value.problems
    assert (problem.file, problem.line, problem.column, problem.pointer) == ("plan.json", 5, 5, "/organization/colour")
    assert problem.excerpt == '    "colour": "red"\n    ^'
    assert problem.one_line().startswith("plan.json:5:5: /organization/colour: unknown field 'colour'")


@pytest.mark.parametrize(
    ("flow", "hinted"),
    [
        ("{id: ms-1, description: 1,000 new singers, value: 1000}", True),  # the comma cut the value
        ('{id: ms-1, description: "1,000 new singers", value: 1000}', False),  # quoted: no problem at all
        ("{id: ms-1, description: New singers, colour: red}", False),  # a misplaced field, not a cut value
    ],
)
def test_a_value_cut_by_a_comma_in_a_flow_mapping_is_explained(flow: str, hinted: bool) -> None:
    """In YAML's { } a comma ends an unquoted value, so '1,000 new singers' becomes the number 1 and a
    field '000 new singers' with no value; 'unknown field' alone sent the author looking for a typo."""
    raw = f'schema_version: "1.0"\norganization: {{name: X}}\ncelebration:\n  milestones:\n    - {flow}\n'
    try:
        validate_document(parse_bytes(raw.encode(), "plan.yaml"))
    except PlanSchemaError as error:
        messages = [problem.message for problem in error.problems]
    else:
        messages = []
    cut = [message for message in messages if "a comma cut it there" in message]
    if hinted:
        assert cut == [
            "unknown field '000 new singers' (allowed here: id, description, metric, value; if this is the end"
            " of the value before it, a comma cut it there: inside { }, a comma ends an unquoted value, so put"
            " that value in quotes)"
        ]
    else:
        assert cut == []


def test_validate_data_problems_have_no_position() -> None:
    (problem,) = problems_of({"organization": {"name": "X"}})
    assert (problem.file, problem.line, problem.column, problem.excerpt) == ("<memory>", None, None, None)


def test_a_valid_plan_never_reaches_the_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid plans are checked by the compiled jsonschema-rs validator only (speed is measured by bench/)."""

    def slow_path(data: Any) -> Any:
        raise AssertionError("the Python jsonschema library ran for a valid plan")

    monkeypatch.setattr("assess.plan.validate._schema_problems", slow_path)
    assert validate_data(EXEMPLARY).organization.name == EXEMPLARY["organization"]["name"]
    broken = {**EXEMPLARY, "organization": {}}
    with pytest.raises(AssertionError, match="ran for a valid plan"):
        validate_data(broken)  # an invalid plan does take the slow path, for its explanations


def test_the_validators_are_built_once_even_when_threads_race() -> None:
    builds = []

    def build() -> object:
        builds.append(1)
        time.sleep(0.05)
        return object()

    once = assess.plan.validate._Once(build)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(once.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert len({id(result) for result in results}) == 1


def test_concurrent_validation_gives_the_same_answers() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                validate_data(EXEMPLARY)
                assert len(problems_of({"organization": {}})) == 2
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# ------------------------------------------------------------------ schema_version


def test_an_unknown_schema_version_is_the_only_problem_reported() -> None:
    data = {"schema_version": "2.0", "organization": {"colour": "red"}, "channels": "none"}
    (problem,) = problems_of(data)
    assert problem.pointer == "/schema_version"
    assert problem.message == "schema_version '2.0' is not supported by this version of assess (it reads 1.0, 1.1)"


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_both_schema_versions_read_the_same_fields(version: str) -> None:
    data = with_changes(EXEMPLARY, schema_version=version)
    data["people"].append({"id": "ana-personal", "name": "Ana (personal login)", "same_as": "ana"})
    data["people"][1]["left_on"] = "2024-12-31"
    data["policies"]["crisis_plan"]["responder"] = "ana"
    data["policies"]["social_media_policy"]["last_reviewed"] = "2025-01-15"
    data["audience"]["research"][0]["participants"] = ["supporters", "volunteers"]
    data["channels"][0]["reconfirmed_on"] = "2025-01-10"
    data["channels"][0]["account"]["ownership"] = "organisation"
    plan = validate_data(data)
    assert plan.schema_version == version
    assert plan.people[-1].same_as == "ana" and plan.people[1].left_on == dt.date(2024, 12, 31)
    assert plan.channels[0].account is not None and plan.channels[0].account.ownership == "organisation"


def test_new_fields_explain_themselves_when_misused() -> None:
    data = copy.deepcopy(EXEMPLARY)
    data["channels"][0]["account"]["ownership"] = "staff"
    data["audience"]["research"][0]["participants"] = ["staf"]
    found = messages(data)
    assert "organisation" in found["/channels/0/account/ownership"]
    assert "did you mean 'staff'?" in found["/audience/research/0/participants/0"]


def test_a_missing_schema_version_is_an_ordinary_missing_field() -> None:
    found = messages({"organization": {"name": "X"}})
    assert found == {
        "/schema_version": "'schema_version' is missing: Version of the plan format. This release reads '1.0' and '1.1' "
        "(the same fields; 'assess init' writes '1.1')."
    }


def test_a_schema_version_written_as_a_number() -> None:
    assert messages({**MINIMAL, "schema_version": 1.0}) == {
        "/schema_version": 'schema_version must be a string: write it quoted: "1.0"'
    }


# ------------------------------------------------------------------ messages


def test_missing_field_quotes_the_fields_description() -> None:
    assert messages({"schema_version": "1.0", "organization": {}}) == {
        "/organization/name": "'name' is missing: The organisation's name, as it should appear in reports."
    }


def test_missing_section_quotes_the_description_beside_its_ref() -> None:
    assert messages({"schema_version": "1.0"}) == {
        "/organization": "'organization' is missing: The organisation the plan is for."
    }


def test_misspelt_choice_suggests_the_closest() -> None:
    data = with_changes(MINIMAL, channels=[{"id": "fb", "platform": "facebok"}])
    message = messages(data)["/channels/0/platform"]
    assert message.startswith("must be one of: facebook, instagram, x, ")
    assert message.endswith("(found 'facebok'; did you mean 'facebook'?)")


def test_wrong_case_choice_suggests_the_right_case() -> None:
    data = with_changes(MINIMAL, organization={"name": "X", "type": "Charity"})
    assert messages(data)["/organization/type"].endswith("(found 'Charity'; did you mean 'charity'?)")


def test_choice_far_from_every_option_gets_no_suggestion() -> None:
    data = with_changes(MINIMAL, channels=[{"id": "fb", "platform": "carrier pigeon"}])
    assert "did you mean" not in messages(data)["/channels/0/platform"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1/3/2025", "must be a date like 2025-03-01 (found '1/3/2025')"),
        ("2025-3-1", "must be a date like 2025-03-01 (found '2025-3-1')"),
        ("2025-02-30", "must be a real date like 2025-03-01 (found '2025-02-30', which is not a day of the calendar)"),
        ("2023-02-29", "must be a real date like 2025-03-01 (found '2023-02-29', which is not a day of the calendar)"),
        (20250301, "must be text (found the number 20250301)"),
    ],
)
def test_dates_must_be_real_iso_dates(value: Any, expected: str) -> None:
    data = with_changes(MINIMAL, plan={"title": "T", "as_of": value})
    assert messages(data) == {"/plan/as_of": expected}


def test_a_leap_day_is_a_real_date() -> None:
    assert validate_data(with_changes(MINIMAL, plan={"title": "T", "as_of": "2024-02-29"}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ten", 'must be a number (found the text "ten")'),
        ("10", 'must be a number (found the text "10") (remove the quotes)'),
        (True, "must be a number (found true)"),
        (None, "must be a number (found null (no value))"),
        ([1], "must be a number (found a list of 1 item)"),
        (-1, "must be at least 0 (found the number -1)"),
        (200, "must be at most 168 (found the number 200)"),
    ],
)
def test_numbers(value: Any, expected: str) -> None:
    data = with_changes(MINIMAL, organization={"name": "X", "staff_hours_per_week": value})
    assert messages(data) == {"/organization/staff_hours_per_week": expected}


def test_percentages_are_at_most_100() -> None:
    data = with_changes(MINIMAL, visuals={"share_percent": 150})
    assert messages(data) == {"/visuals/share_percent": "must be at most 100 (found the number 150)"}


def test_whole_numbers() -> None:
    data = with_changes(MINIMAL, plan={"title": "T", "horizon_months": 6.5})
    assert messages(data) == {"/plan/horizon_months": "must be a whole number (found the number 6.5)"}


def test_unknown_field_lists_the_allowed_ones_and_suggests() -> None:
    data = with_changes(MINIMAL, organization={"name": "X", "nmae": "Y"})
    assert messages(data) == {
        "/organization/nmae": "unknown field 'nmae' (allowed here: name, type, size, staff_hours_per_week, website; "
        "did you mean 'name'?)"
    }


def test_unknown_top_level_section() -> None:
    message = messages(with_changes(MINIMAL, colour="green"))["/colour"]
    assert message.startswith("unknown field 'colour' (allowed here: schema_version, organization, plan, ")


def test_empty_text() -> None:
    assert messages({"schema_version": "1.0", "organization": {"name": ""}}) == {
        "/organization/name": "must not be empty"
    }


def test_too_long_text() -> None:
    found = messages({"schema_version": "1.0", "organization": {"name": "x" * 201}})
    assert found == {"/organization/name": "must be at most 200 characters long (found 201)"}


@pytest.mark.parametrize("value", ["my id", "-m1", "m1\n", "x" * 65])
def test_ids_have_a_form(value: str) -> None:
    found = messages(with_changes(MINIMAL, people=[{"id": value, "name": "P"}]))
    assert list(found) == ["/people/0/id"]
    assert found["/people/0/id"].startswith("must be an id: letters, digits, '.', '_' or '-', ")


def test_suppression_rule_ids_have_a_form() -> None:
    data = with_changes(MINIMAL, **{"x-assess": {"suppress": [{"rule": "chn-4", "justification": "x" * 12}]}})
    assert messages(data) == {"/x-assess/suppress/0/rule": "must be a rule id like 'CHN-04' (found 'chn-4')"}


def test_a_wrong_type_for_a_section() -> None:
    assert messages(with_changes(MINIMAL, channels={"id": "fb"})) == {
        "/channels": "must be a list (found a set of named fields (an object))"
    }


def test_the_root_must_be_an_object() -> None:
    assert messages(["not", "a", "plan"]) == {"": "must be a set of named fields (an object) (found a list of 3 items)"}


def test_values_that_are_not_json_are_reported_not_raised() -> None:
    found = messages(with_changes(MINIMAL, plan={"title": "T", "as_of": dt.date(2025, 3, 1)}))
    assert found == {
        "/plan/as_of": "must be a date written as text, like 2025-03-01 (found a Python date object: write it with"
        " .isoformat(), or pass the file's path or text, which assess reads keeping dates as text)"
    }


def test_every_error_is_reported_once_and_sorted() -> None:
    data = with_changes(
        MINIMAL,
        organization={"name": "", "colour": "red"},
        visuals={"share_percent": 101, "assets_per_month": -1},
        channels=[{"id": "fb", "platform": "facebok", "owner": "nobody"}],
    )
    problems = problems_of(data)
    pointers = [problem.pointer for problem in problems]
    assert pointers == sorted(pointers)
    assert len(set(pointers)) == len(pointers) == 6
    assert all("\n" not in problem.message for problem in problems)


@pytest.mark.parametrize("value", [5, 2.5, True, None, ["fb"], {"id": "fb"}])
def test_an_id_of_the_wrong_type_is_one_problem_saying_its_type(value: Any) -> None:
    # An id is text matching a pattern, and one line (`not: {pattern: "\\n"}`, which any non-text value fails too).
    data = with_changes(MINIMAL, people=[{"id": value, "name": "Kim"}])
    at_id = [problem.message for problem in problems_of(data) if problem.pointer == "/people/0/id"]
    assert len(at_id) == 1
    assert at_id[0].startswith("must be text (found ")


def test_an_id_of_two_lines_is_still_said_to_break_the_id_form() -> None:
    data = with_changes(MINIMAL, people=[{"id": "kim\n", "name": "Kim"}])
    at_id = [problem.message for problem in problems_of(data) if problem.pointer == "/people/0/id"]
    assert at_id and all(message.startswith("must be an id: ") for message in at_id)


def test_control_characters_in_values_do_not_break_the_line() -> None:
    found = messages(with_changes(MINIMAL, channels=[{"id": "fb", "platform": "face\nbook\x1b[31m"}]))
    assert "\n" not in found["/channels/0/platform"]
    assert "\x1b" not in found["/channels/0/platform"]


def test_a_very_long_value_is_shortened_in_the_message() -> None:
    found = messages(with_changes(MINIMAL, channels=[{"id": "fb", "platform": "f" * 5000}]))
    assert len(found["/channels/0/platform"]) < 300


def test_model_errors_after_a_passing_schema_are_still_a_plan_schema_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulate a schema that lets through what the model refuses: the user must still get located lines.
    monkeypatch.setattr(assess.plan.validate, "_is_valid", lambda data: True)
    (problem,) = problems_of(with_changes(MINIMAL, organization={"name": 5}))
    assert problem.pointer == "/organization/name"
    assert "string" in problem.message


# ------------------------------------------------------------------ references


def _first_pointer(data: Any, pattern: str) -> str:
    """The pointer of the first value ``pattern`` reaches in ``data`` ("*" = any list item)."""
    node, pointer = data, ""
    for token in pattern.split("/")[1:]:
        key: str | int = 0 if token == "*" else token
        node = node[key]
        pointer += f"/{key}"
    return pointer


def _set(data: Any, pointer: str, value: Any) -> None:
    *parents, last = pointer.split("/")[1:]
    node = data
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda ref: ref.source)
def test_each_dangling_reference_is_reported_at_its_own_pointer(reference: assess.plan.validate.Reference) -> None:
    data = copy.deepcopy(EXEMPLARY)
    data["people"][0]["same_as"] = data["people"][1]["id"]  # optional references the exemplary plan leaves out
    data["policies"]["crisis_plan"]["responder"] = data["policies"]["crisis_plan"]["contacts"][0]
    pointer = _first_pointer(data, reference.source)
    _set(data, pointer, "nobody-by-this-id")
    found = messages(data)
    assert list(found) == [pointer]
    assert found[pointer].startswith(f"unknown {reference.noun} 'nobody-by-this-id': no entry of ")


def test_dangling_reference_message_lists_the_known_ids() -> None:
    data = with_changes(
        MINIMAL,
        goals=[{"id": "g1", "statement": "S", "category": "awareness", "metrics": ["m9"]}],
        metrics=[{"id": "m1", "name": "M", "kind": "likes"}, {"id": "m2", "name": "M", "kind": "likes"}],
    )
    assert messages(data) == {
        "/goals/0/metrics/0": "unknown metric 'm9': no entry of 'metrics' has this id (known: m1, m2)"
    }


def test_dangling_reference_to_an_empty_list() -> None:
    data = with_changes(MINIMAL, plan={"title": "T", "owner": "ana"})
    assert messages(data) == {"/plan/owner": "unknown person 'ana': 'people' has no entries to refer to"}


def test_dangling_reference_suggests_a_near_id() -> None:
    data = with_changes(MINIMAL, people=[{"id": "colin", "name": "C"}], plan={"title": "T", "owner": "colinr"})
    assert messages(data)["/plan/owner"].endswith("(known: colin; did you mean 'colin'?)")


def test_long_lists_of_known_ids_are_cut() -> None:
    people = [{"id": f"p{index}", "name": "P"} for index in range(25)]
    message = messages(with_changes(MINIMAL, people=people, plan={"title": "T", "owner": "q"}))["/plan/owner"]
    assert message.endswith("(known: p0, p1, p2, p3, p4, p5, p6, p7, p8, p9 and 15 more)")


@pytest.mark.parametrize("id_list", ID_LISTS)
def test_a_duplicate_id_is_reported_at_the_duplicate(id_list: str) -> None:
    data = copy.deepcopy(EXEMPLARY)
    entries: Any = data
    for token in id_list.split("/")[1:]:
        entries = entries[token]
    entries.append(copy.deepcopy(entries[0]))
    duplicate = f"{id_list}/{len(entries) - 1}/id"
    found = messages(data)
    assert list(found) == [duplicate]
    assert found[duplicate].startswith(f"duplicate id '{entries[0]['id']}': {id_list}/0 has it too")


def test_reference_problems_come_with_schema_problems() -> None:
    data = with_changes(MINIMAL, plan={"title": "T", "owner": "ana", "as_of": "yesterday"})
    assert set(messages(data)) == {"/plan/owner", "/plan/as_of"}


def test_reference_checks_tolerate_ill_typed_documents() -> None:
    data = with_changes(MINIMAL, people="everyone", channels=[3, {"owner": 5}, {"owner": "x"}], goals={"a": 1})
    assert ("/channels/2/owner", "unknown person 'x': 'people' has no entries to refer to") in reference_problems(data)


# ------------------------------------------------------------------ the reference table is complete


SCHEMA: dict[str, Any] = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return _resolved(SCHEMA["$defs"][ref.removeprefix("#/$defs/")]) if ref else node


def _id_fields(node: dict[str, Any], pointer: str = "") -> tuple[set[str], set[str]]:
    """(patterns of fields holding ids of other entries, lists whose entries have an id), from the schema."""
    node = _resolved(node)
    references: set[str] = set()
    id_lists: set[str] = set()
    if node.get("type") == "array":
        item = _resolved(node["items"])
        if "id" in item.get("properties", {}):
            id_lists.add(pointer)
        more = _id_fields(item, f"{pointer}/*")
        return references | more[0], id_lists | more[1]
    if node.get("pattern") == ID_PATTERN:
        return {pointer}, id_lists
    for name, prop in node.get("properties", {}).items():
        if name != "id":
            more = _id_fields(prop, f"{pointer}/{name}")
            references |= more[0]
            id_lists |= more[1]
    return references, id_lists


def test_every_id_field_of_the_model_is_in_the_reference_table() -> None:
    references, id_lists = _id_fields(SCHEMA)
    assert references == {ref.source for ref in REFERENCES}
    assert id_lists == set(ID_LISTS)
    assert {ref.target for ref in REFERENCES} <= set(ID_LISTS)


def test_any_of_is_narrowed_to_the_most_useful_branch() -> None:
    validator = jsonschema.Draft202012Validator({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 5}]})
    (error,) = validator.iter_errors(3)
    assert list(assess.plan.validate._explain(error)) == [("", "must be at least 5 (found the number 3)")]


def test_dangling_references_can_be_dropped() -> None:
    from assess.plan.validate import drop_dangling_references, references_resolve

    plan = copy.deepcopy(EXEMPLARY)
    del plan["metrics"][0]  # used by a goal and a milestone
    plan["people"] = [p for p in plan["people"] if p["id"] != "ben"]  # a committee member, an admin, an owner
    assert not references_resolve(plan)
    fixed = drop_dangling_references(plan)
    assert fixed is plan
    assert references_resolve(plan)
    assert "ben" not in {m["person"] for m in plan["committee"]["members"]}
    assert validate_data(plan).organization.name == EXEMPLARY["organization"]["name"]


def test_references_resolve_finds_each_dangling_reference_and_duplicate_id() -> None:
    """The quick check (one walk of all the table's paths) agrees with `reference_problems`, place by place."""
    from assess.plan.validate import _walk, references_resolve

    assert references_resolve(EXEMPLARY) and not reference_problems(EXEMPLARY)
    reached = 0
    for ref in REFERENCES:
        for pointer, _value in _walk(EXEMPLARY, tuple(ref.source.split("/")[1:])):
            plan = copy.deepcopy(EXEMPLARY)
            *parents, last = pointer.split("/")[1:]
            node: Any = plan
            for token in parents:
                node = node[int(token)] if isinstance(node, list) else node[token]
            node[int(last) if isinstance(node, list) else last] = "nobody-by-that-id"
            assert not references_resolve(plan), pointer
            assert [p for p, _ in reference_problems(plan)] == [pointer]
            reached += 1
    assert reached >= len(REFERENCES)
    for id_list in ID_LISTS:
        for pointer, entries in _walk(EXEMPLARY, tuple(id_list.split("/")[1:])):
            if len(entries) < 2:
                continue
            plan = copy.deepcopy(EXEMPLARY)
            entries_there: Any = plan
            for token in pointer.split("/")[1:]:
                entries_there = entries_there[token]
            entries_there.append({**entries_there[0]})  # its id twice (references to it still resolve)
            assert not references_resolve(plan), id_list


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(full=True), st.randoms(use_true_random=False))
def test_references_resolve_agrees_with_reference_problems(plan: dict[str, Any], rng: random.Random) -> None:
    """The written-out quick check answers as the table-driven walk on generated plans, some of them broken:
    a reference of the table pointed at an unknown id, or an entry of an id list given twice."""
    from assess.plan.validate import _walk, references_resolve

    assert references_resolve(plan) == (not reference_problems(plan))
    for ref in REFERENCES:
        reached = [pointer for pointer, _value in _walk(plan, tuple(ref.source.split("/")[1:]))]
        if reached and rng.random() < 0.5:
            *parents, last = rng.choice(reached).split("/")[1:]
            node: Any = plan
            for token in parents:
                node = node[int(token)] if isinstance(node, list) else node[token]
            node[int(last) if isinstance(node, list) else last] = rng.choice(["nobody-by-that-id", "x"])
    for id_list in ID_LISTS:
        for _pointer, entries in _walk(plan, tuple(id_list.split("/")[1:])):
            if entries and rng.random() < 0.2:
                entries.append({**rng.choice(entries)})
    assert references_resolve(plan) == (not reference_problems(plan))


@pytest.mark.parametrize("day", ["0000-01-01", "0000-02-29"])
def test_year_0000_is_not_a_date_for_either_validator(day: str) -> None:
    """jsonschema_rs accepted year 0000, which Python cannot hold: the plan passed, then assessing it raised."""
    plan = copy.deepcopy(EXEMPLARY)
    plan["plan"]["start_date"] = day
    assert messages(plan) == {
        "/plan/start_date": f"must be a real date like 2025-03-01 (found '{day}', which is not a day of the calendar)"
    }
    assert not assess.plan.validate.is_plan(plan)
    plan["plan"]["start_date"] = "0001-01-01"  # the first day Python holds is still a date
    assert assess.plan.validate.is_plan(plan)


def _date_places(node: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every date of a plan (the exemplary sample has one in each date field it uses)."""
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return []
    places: list[tuple[Any, Any]] = []
    for key, value in items:
        if isinstance(value, str) and assess.plan.validate.is_date(value):
            places.append((node, key))
        places += _date_places(value)
    return places


DATE_LIKE = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),  # mostly no day of the calendar
    st.from_regex(r"0000-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9])", fullmatch=True),
    st.from_regex(r"\d{4}-\d{2}-\d{2}\s?", fullmatch=True),  # any Unicode digit, a trailing space
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.data(), DATE_LIKE)
def test_the_quick_validator_reads_dates_as_is_date_does(data: st.DataObject, text: str) -> None:
    """The quick validator checks dates in Rust (its own "date" format, and a pattern refusing year 0000,
    `_quick_schema`), not with `is_date`: the two must agree in every date field."""
    plan = copy.deepcopy(EXEMPLARY)
    container, key = data.draw(st.sampled_from(_date_places(plan)))
    container[key] = text
    assert assess.plan.validate._is_valid(plan) is assess.plan.validate.is_date(text)


def test_every_date_field_refuses_year_0000() -> None:
    """`_quick_schema` guards each date of the schema, wherever it stands (sample places and schema alike)."""
    for index in range(len(_date_places(EXEMPLARY))):
        plan = copy.deepcopy(EXEMPLARY)
        container, key = _date_places(plan)[index]
        container[key] = "0000-03-01"
        assert not assess.plan.validate._is_valid(plan), (index, key)
    quick = json.dumps(assess.plan.validate._quick_schema(assess.plan.validate.plan_schema()))
    assert quick.count('"format": "date"') == quick.count('"pattern": "^0000"') > 0


def _one_line_fields(node: Any) -> list[dict[str, Any]]:
    """Every part of the plan schema that `ONE_LINE` guards (ids, references, rule ids)."""
    if isinstance(node, list):
        return [found for item in node for found in _one_line_fields(item)]
    if not isinstance(node, dict):
        return []
    here = [node] if node.get("not") == ONE_LINE["not"] else []
    return here + [found for value in node.values() for found in _one_line_fields(value)]


ONE_LINE_FIELDS = _one_line_fields(assess.plan.validate.plan_schema())
BROKEN_LINES = st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\x85", "\v", ""])
ID_LIKE = st.one_of(
    st.builds(
        lambda head, tail, at, where: head[:at] + where + head[at:] + tail,
        st.from_regex(ID_PATTERN, fullmatch=True),
        BROKEN_LINES,
        st.integers(0, 64),
        BROKEN_LINES,
    ),
    st.from_regex(r"[A-Z]{1,4}-[0-9]{2,3}\n?", fullmatch=True),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ONE_LINE_FIELDS), ID_LIKE)
def test_the_quick_validator_keeps_ids_to_one_line_as_the_slow_one_does(field: dict[str, Any], text: str) -> None:
    """`_quick_schema` leaves out `ONE_LINE` where the field's own pattern already refuses a line break in Rust:
    on drawn texts, line breaks anywhere, the quick check of each such field answers as the full schema does."""
    quick = jsonschema_rs.validator_for(assess.plan.validate._quick_schema(field))
    full = jsonschema.Draft202012Validator(field)
    assert quick.is_valid(text) is full.is_valid(text)


def test_ids_are_checked_once_for_a_line_break_in_the_quick_schema() -> None:
    """Each field `ONE_LINE` guards is one of the whole-text patterns: the quick schema drops every guard."""
    assert len(ONE_LINE_FIELDS) > 20
    quick = json.dumps(assess.plan.validate._quick_schema(assess.plan.validate.plan_schema()))
    assert json.dumps(ONE_LINE["not"]) not in quick
    plan = copy.deepcopy(EXEMPLARY)
    plan["goals"][0]["metrics"][0] += "\n"
    assert not assess.plan.validate._is_valid(plan)
