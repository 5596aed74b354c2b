"""The facts that judge substance: distinct current humans, audience research, reconfirmation, labels vs metrics.

Each test edits the example base plan (which passes every rule) in one way and reads the
facts the rules see, so what a rule can rely on is pinned here, independent of any rule.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from strategies import plans

from assess.api import load
from assess.errors import PlanError
from assess.plan.model import Plan
from assess.resources import RULES_DIR
from assess.rules.facts import Fact, Humans, build_facts, from_epoch_day
from assess.rules.rulepack import load_pack
from bench.plans import generate

BASE: dict[str, Any] = load_pack(RULES_DIR).example_base or {}


def plan_with(**changes: Any) -> dict[str, Any]:
    plan = copy.deepcopy(BASE)
    plan.update(copy.deepcopy(changes))
    return plan


def valid(plan: dict[str, Any]) -> dict[str, Any]:
    """The validated plain plan, as facts are built from it."""
    return load(plan).data


def facts(plan: dict[str, Any]) -> list[Fact]:
    return build_facts(valid(plan))


def one(plan: dict[str, Any], kind: str, ptr: str | None = None) -> Fact:
    (found,) = [f for f in facts(plan) if f["kind"] == kind and (ptr is None or f["ptr"] == ptr)]
    return found


def people(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [*copy.deepcopy(BASE["people"]), *extra]


# ------------------------------------------------------------------ humans


def test_same_as_joins_entries_into_one_human_and_left_on_removes_them() -> None:
    plan = valid(
        plan_with(
            people=people(
                {"id": "ana-personal", "name": "Ana (personal)", "same_as": "ana"},
                {"id": "ana-phone", "name": "Ana (phone)", "same_as": "ana-personal"},
                {"id": "gus", "name": "Gus", "left_on": "2024-08-31"},
                {"id": "hana", "name": "Hana", "left_on": "2025-03-01"},  # leaves on the as-of date: still here
                {"id": "ivy", "name": "Ivy", "left_on": "2025-06-30"},  # leaves after it
            )
        )
    )
    humans = Humans(plan)
    assert humans.human("ana-phone") == humans.human("ana-personal") == humans.human("ana") == "ana"
    assert humans.count(["ana", "ana-personal", "ana-phone"]) == 1
    assert not humans.current("gus")
    assert humans.current("hana") and humans.current("ivy")
    assert humans.count(["ana", "gus", "hana", "ivy", "unknown-id"]) == 4


def test_a_human_who_left_under_one_entry_left_under_all() -> None:
    plan = valid(
        plan_with(
            people=people(
                {"id": "tom-work", "name": "Tom", "left_on": "2024-08-01"},
                {"id": "tom", "name": "Tom (personal)", "same_as": "tom-work"},
            )
        )
    )
    assert not Humans(plan).current("tom")


def test_without_an_as_of_date_the_start_date_or_any_departure_counts() -> None:
    gone = {"id": "gus", "name": "Gus", "left_on": "2025-02-01"}
    with_start = plan_with(people=people(gone))
    del with_start["plan"]["as_of"]  # start 2025-01-06: Gus is still there then
    assert Humans(valid(with_start)).current("gus")
    undated = plan_with(people=people(gone))
    del undated["plan"]["as_of"]
    del undated["plan"]["start_date"]
    assert not Humans(valid(undated)).current("gus")


def test_admins_count_distinct_current_humans_and_personal_accounts_are_marked() -> None:
    plan = plan_with(people=people({"id": "ana-personal", "name": "Ana", "same_as": "ana"}))
    plan["people"][1]["left_on"] = "2024-12-01"  # ben left
    plan["channels"][0]["account"]["admins"] = ["ana", "ana-personal"]
    plan["channels"][2]["account"]["admins"] = ["ben", "ana"]
    plan["channels"][1]["account"]["ownership"] = "personal"
    channels = [f for f in facts(plan) if f["kind"] == "channel"]
    assert [(c["admins"], c["admins_listed"], c["personal"]) for c in channels[:3]] == [
        (1, 2, False),
        (3, 3, True),
        (1, 2, False),
    ]
    assert channels[2]["owner_current"] is False  # ben owns LinkedIn
    assert channels[0]["owner_current"] is True


def test_crisis_backup_must_be_another_current_human_than_the_responder() -> None:
    def crisis(**changes: Any) -> Fact:
        plan = plan_with(people=people({"id": "ana-personal", "name": "Ana", "same_as": "ana"}))
        plan["policies"]["crisis_plan"].update(changes)
        return one(plan, "crisis")

    assert crisis()["backup"] is True
    assert crisis(backup_responder="ana")["backup"] is False  # the first contact backs herself up
    assert crisis(backup_responder="ana-personal")["backup"] is False  # the same human
    assert crisis(responder="ben")["backup"] is False  # ben is the responder and his own backup
    assert crisis(responder="fatima", backup_responder="ana")["backup"] is True
    gone = plan_with()
    gone["people"][1]["left_on"] = "2024-06-30"
    assert one(gone, "crisis")["backup"] is False and one(gone, "crisis")["backup_named"] is True
    fact = crisis(contacts=["ana", "ana-personal", "fatima"])
    assert (fact["contacts"], fact["contacts_listed"]) == (2, 3)


def test_committee_counts_current_distinct_members_and_their_traits() -> None:
    plan = plan_with()
    for person in plan["people"]:
        if person["id"] in ("ben", "chloe", "dev"):
            person["left_on"] = "2024-10-01"
    committee = one(plan, "committee")
    assert (committee["members"], committee["members_listed"]) == (2, 5)
    assert committee["departments"] == 2  # communications and board
    assert "stakeholder_facing" in committee["missing_traits"]  # only ben and chloe brought it


# ------------------------------------------------------------------ evidence and history


def test_research_that_asked_only_staff_or_board_is_not_audience_research() -> None:
    plan = plan_with()
    for research in plan["audience"]["research"]:
        research["participants"] = ["staff", "board"]
    facts_ = facts(plan)
    summary = next(f for f in facts_ if f["kind"] == "plan")
    assert (summary["research"], summary["insider_research"]) == (0, 3)
    assert "first_research_day" not in summary
    assert summary["assumption_segments"] == 4  # every segment rests only on staff opinion
    assert {f["audience"] for f in facts_ if f["kind"] == "research"} == {False}
    mixed = plan_with()
    mixed["audience"]["research"][0]["participants"] = ["staff", "volunteers"]
    assert one(mixed, "plan")["research"] == 3


def test_latest_research_day() -> None:
    assert from_epoch_day(one(plan_with(), "plan")["latest_research_day"]).isoformat() == "2024-11-04"


def test_a_channel_is_reconfirmed_by_a_date_or_by_research_on_its_segments() -> None:
    plan = plan_with()
    plan["channels"][1]["selected_on"] = "2011-05-01"  # Facebook; its segments rest on the 2024 research
    plan["channels"][2]["selected_on"] = "2011-05-01"  # LinkedIn
    plan["channels"][2]["reconfirmed_on"] = "2024-10-15"
    plan["audience"]["segments"][3]["research"] = []  # LinkedIn's segment rests on nothing now
    plan["channels"][0]["reconfirmed_on"] = "2024-01-01"
    channels = [f for f in facts(plan) if f["kind"] == "channel"]
    assert channels[1]["reconfirmed_by_research"] is True
    assert channels[2]["reconfirmed_by_research"] is False
    assert channels[2]["reconfirmed_after_research"] is True  # on the day of the first research
    assert channels[0]["reconfirmed_after_research"] is False
    assert "reconfirmed_after_research" not in channels[3]


def test_research_on_a_segment_that_gathers_elsewhere_reconfirms_nothing() -> None:
    plan = plan_with()
    plan["channels"][1]["selected_on"] = "2011-05-01"
    plan["channels"][1]["platform"] = "x"  # its segments gather on Facebook, the newsletter and WhatsApp
    assert [f for f in facts(plan) if f["kind"] == "channel"][1]["reconfirmed_by_research"] is False


@pytest.mark.parametrize(
    ("category", "metrics", "fundraising", "donations_only", "vanity_only"),
    [
        ("awareness", ["m-online-donations"], True, True, False),
        ("community", ["m-online-donations", "m-instagram-followers"], False, False, False),
        ("fundraising", ["m-volunteer-signups"], True, False, False),
        ("email_signups", ["m-instagram-followers"], False, False, True),
        ("awareness", [], False, None, None),
    ],
)
def test_a_goal_is_judged_by_what_its_metrics_count(
    category: str, metrics: list[str], fundraising: bool, donations_only: bool | None, vanity_only: bool | None
) -> None:
    plan = plan_with()
    plan["goals"][0]["category"] = category
    plan["goals"][0]["metrics"] = metrics
    goal = one(plan, "goal", "/goals/0")
    assert goal["fundraising"] is fundraising
    assert goal.get("donations_only") is donations_only
    assert goal.get("vanity_only") is vanity_only
    assert one(plan, "plan")["fundraising_goals"] == 1 + fundraising  # the base plan's Giving Tuesday goal


def test_policy_review_date_is_the_later_of_adoption_and_review() -> None:
    plan = plan_with()
    plan["policies"]["social_media_policy"]["adopted_on"] = "2016-05-09"
    plan["policies"]["social_media_policy"]["last_reviewed"] = "2024-11-04"
    assert from_epoch_day(one(plan, "policy")["reviewed_day"]).isoformat() == "2024-11-04"
    del plan["policies"]["social_media_policy"]["last_reviewed"]
    assert from_epoch_day(one(plan, "policy")["reviewed_day"]).isoformat() == "2016-05-09"


# ------------------------------------------------------------------ absent keys: the model's defaults


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (``X | None``, ``list[X]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((model for arg in get_args(annotation) if (model := _model_in(arg)) is not None), None)


def without_defaults(data: dict[str, Any], model: type[BaseModel], drop: Callable[[], bool]) -> dict[str, Any]:
    """A copy of ``data`` without some of the keys whose value is the model's default (`drop` decides which)."""
    fields = {field.alias or name: field for name, field in model.model_fields.items()}
    result: dict[str, Any] = {}
    for key, value in data.items():
        field = fields[key]
        inner = _model_in(field.annotation)
        if inner is not None and isinstance(value, dict):
            value = without_defaults(value, inner, drop)
        elif inner is not None and isinstance(value, list):
            value = [without_defaults(item, inner, drop) for item in value]
        if not field.is_required() and value == field.get_default(call_default_factory=True) and drop():
            continue
        result[key] = value
    return result


def assert_defaults_read(written: dict[str, Any]) -> None:
    """The facts of a plan as written equal those of its typed round trip, where every default is filled in."""
    filled = load(written).plan.model_dump(mode="json", by_alias=True)
    # json.dumps tells True from 1 and 1 from 1.0, and keeps the facts' key order.
    assert json.dumps(build_facts(written)) == json.dumps(build_facts(filled))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.randoms(use_true_random=False))
def test_an_absent_key_reads_as_the_models_default(plan: dict[str, Any], rng: random.Random) -> None:
    # Keys left out at random: a field read without its default (a goal's `primary`, a channel's
    # `status`, a list) gives another fact than the round trip, or a KeyError.
    assert_defaults_read(without_defaults(plan, Plan, lambda: rng.random() < 0.5))


@pytest.mark.parametrize("seed", [7, 2025])
def test_generated_plans_without_any_default_key_give_the_same_facts(seed: int) -> None:
    for plan in generate(60, seed):
        assert_defaults_read(without_defaults(plan, Plan, lambda: True))


def test_facts_need_neither_pydantic_nor_the_typed_model() -> None:
    # The pipeline works on plain data; the typed model (and pydantic) are for the library's return values.
    code = "import sys, assess.rules.facts; print(sorted({'pydantic', 'assess.plan.model'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ absent fields, numbers


def _as_floats(node: Any) -> Any:
    """`node` with every integer written as a float (JSON may write 3 as 3.0; both are valid)."""
    if isinstance(node, dict):
        return {key: _as_floats(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_as_floats(value) for value in node]
    return float(node) if type(node) is int else node


def _assert_plain(facts: list[Fact]) -> None:
    """No fact holds a None (an absent field is an absent key) or a float `_number` would have rounded."""
    for fact in facts:
        assert fact["fid"] == f"{fact['kind']}:{fact['ptr']}"  # the builders write both out
        for name, value in fact.items():
            assert value is not None, (fact["kind"], name)
            if type(value) is float:
                assert not value.is_integer() and value == round(value, 4), (fact["kind"], name, value)


def _keys(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every key of every object in `node`."""
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in [(*path, key), *_keys(value, (*path, key))]]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in _keys(value, (*path, index))]
    return []


def test_a_plan_without_any_one_of_its_keys_gives_facts_without_none() -> None:
    # The builders write each field that may be absent only when it is not None: one written
    # unconditionally by mistake would hold a None, where the engines need an absent key ($nex).
    # The exemplary plan states every field: each one left out in turn (when the plan stays valid).
    exemplary = json.loads((Path(__file__).resolve().parent.parent / "samples" / "exemplary.json").read_text())
    tried = 0
    for path in _keys(exemplary):
        plan = copy.deepcopy(exemplary)
        parent = plan
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
        try:
            data = load(plan).data
        except PlanError:
            continue
        _assert_plain(build_facts(data))
        tried += 1
    assert tried > 100


def test_no_fact_holds_none_or_an_unrounded_float() -> None:
    from assess.config import Config
    from assess.plan.enums import Language
    from assess.plan.starter import starter_data
    from assess.rules.catalog import build_catalog

    samples = [load(path).data for path in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.json"))]
    detector = build_catalog(Config()).placeholders
    for lang in Language:  # the starter as the rules see it: its placeholders taken out
        _assert_plain(build_facts(detector.scan(load(starter_data(lang, today=dt.date(2026, 1, 5))).data).stated))
    for data in [*generate(150, 3), *samples]:
        filled = load(data).plan.model_dump(mode="json", by_alias=True)  # every absent field an explicit null
        for plan in (valid(data), filled):
            _assert_plain(build_facts(plan))
        # Every number of the plan goes through `_number`: an integer written 3.0 gives the same facts.
        assert json.dumps(build_facts(_as_floats(valid(data)))) == json.dumps(build_facts(valid(data)))


def test_element_facts_past_the_pointers_written_once_are_named_alike() -> None:
    """The first entries' ``ptr`` and ``fid`` are written once for every plan; entries past them get theirs
    the same way."""
    entries = 40
    plan = {
        "schema_version": "1.0",
        "organization": {"name": "Riverside Food Bank"},
        "people": [{"id": f"p{i}", "name": f"P {i}"} for i in range(entries)],
        "committee": {"members": [{"person": f"p{i}"} for i in range(entries)]},
        "goals": [{"id": f"g{i}", "statement": "Grow", "category": "awareness"} for i in range(entries)],
        "metrics": [{"id": f"m{i}", "name": "M", "kind": "followers"} for i in range(entries)],
        "channels": [{"id": f"c{i}", "platform": "facebook"} for i in range(entries)],
        "celebration": {"milestones": [{"id": f"s{i}", "description": "D"} for i in range(entries)]},
        "audience": {
            "research": [{"id": f"r{i}", "method": "survey", "date": "2025-01-06"} for i in range(entries)],
            "segments": [{"id": f"a{i}", "name": "A", "evidence": "survey"} for i in range(entries)],
        },
    }
    paths = {"goal": "/goals", "metric": "/metrics", "channel": "/channels", "member": "/committee/members"}
    paths |= {"milestone": "/celebration/milestones", "research": "/audience/research", "segment": "/audience/segments"}
    facts = build_facts(load(plan).data)
    for kind, path in paths.items():
        pointers = [fact["ptr"] for fact in facts if fact["kind"] == kind]
        assert pointers == [f"{path}/{index}" for index in range(entries)], kind
    _assert_plain(facts)
