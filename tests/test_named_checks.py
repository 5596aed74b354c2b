"""The five checks the product owner named, against independent plain-Python statements.

Plans are generated around the fields each check reads; the engine's verdict (through
the whole pipeline) must equal a direct reading of the plan. Also: the engine's
matches do not depend on the order of the facts, and elements no rule looks at do
not change the findings.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assess
from assess.api import load
from assess.config import Config
from assess.plan.model import Cadence, GoalCategory, Platform
from assess.resources import RULES_DIR
from assess.rules.catalog import build_catalog
from assess.rules.facts import build_facts
from assess.rules.rulepack import load_pack

BASE: dict[str, Any] = load_pack(RULES_DIR).example_base or {}
EXTRA_PEOPLE = [
    {"id": "ana-personal", "name": "Ana Okafor (personal login)", "same_as": "ana"},
    {"id": "gus", "name": "Gus Former", "left_on": "2024-12-31"},
    {"id": "hana", "name": "Hana Leaving", "left_on": "2025-06-30"},
]
"""Identity cases: the same human as ana, someone who left before the as-of date, someone leaving after it."""
PEOPLE = [person["id"] for person in BASE["people"]] + [person["id"] for person in EXTRA_PEOPLE]
HUMAN = {"ana-personal": "ana"}
GONE = {"gus"}
DONATION_METRICS = {metric["id"] for metric in BASE["metrics"] if metric["kind"] == "donations"}
METRICS = [metric["id"] for metric in BASE["metrics"]]
SEGMENTS = [segment["id"] for segment in BASE["audience"]["segments"]]
CONFIG = Config(today=dt.date(2025, 6, 1))
DAY0 = dt.date(2024, 1, 1)

days = st.integers(0, 430).map(lambda n: (DAY0 + dt.timedelta(days=n)).isoformat())
maybe = st.booleans()


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    plan = copy.deepcopy(BASE)
    plan["people"] += copy.deepcopy(EXTRA_PEOPLE)
    plan["goals"] = [
        {
            "id": f"g{i}",
            "statement": f"Goal number {i}",
            "category": draw(st.sampled_from(list(GoalCategory))).value,
            "metrics": [draw(st.sampled_from(METRICS))],
            "target_value": 100,
            "target_date": "2025-12-31",
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    plan["audience"]["research"] = [
        {
            "id": f"r{i}",
            "method": "survey",
            "date": draw(days),
            "participants": draw(
                st.sampled_from([[], ["supporters"], ["staff"], ["staff", "board"], ["board", "donors"]])
            ),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    for segment in plan["audience"]["segments"]:
        segment["research"] = []
    channels = []
    for i in range(draw(st.integers(0, 4))):
        channel: dict[str, Any] = {
            "id": f"c{i}",
            "platform": draw(st.sampled_from(list(Platform))).value,
            "status": draw(st.sampled_from(["active", "planned", "paused", "retired"])),
            "segments": [draw(st.sampled_from(SEGMENTS))],
            "owner": draw(st.sampled_from(PEOPLE)),
            "rationale": "Because our supporters are there.",
        }
        if draw(maybe):
            channel["selected_on"] = draw(days)
        if draw(maybe):
            channel["reconfirmed_on"] = draw(days)
        if draw(maybe):
            channel["account"] = {"admins": draw(st.lists(st.sampled_from(PEOPLE), max_size=3)), "two_factor": True}
        channels.append(channel)
    plan["channels"] = channels
    plan["content"]["calendar"]["channels"] = [c["id"] for c in channels]
    if not draw(maybe):
        del plan["policies"]["crisis_plan"]
    visuals = draw(st.sampled_from(["absent", "normal", "zero_assets", "zero_share", "empty"]))
    if visuals == "absent":
        del plan["visuals"]
    elif visuals == "zero_assets":
        plan["visuals"]["assets_per_month"] = 0
    elif visuals == "zero_share":
        plan["visuals"]["share_percent"] = 0
    elif visuals == "empty":
        plan["visuals"] = {}
    sources = draw(st.sampled_from(["kept", "none", "vanity_only"]))  # where the goal metrics' numbers come from
    for metric in plan["metrics"]:
        if sources == "none" or (sources == "vanity_only" and metric["kind"] not in VANITY_KINDS):
            metric.pop("source", None)
    measurement = draw(st.sampled_from(["absent", "normal", "nothing", "tools_only", "cadence_only", "never"]))
    if measurement == "absent":
        del plan["measurement"]
    elif measurement == "nothing":
        plan["measurement"] = {}
    elif measurement == "tools_only":
        plan["measurement"] = {"tools": ["Insights"]}
    elif measurement == "cadence_only":
        plan["measurement"] = {"review_cadence": draw(st.sampled_from(list(Cadence))).value}
    elif measurement == "never":
        plan["measurement"] = {"review_cadence": "never"}
    return plan


VANITY_KINDS = {"followers", "likes", "impressions", "reach"}
"""Counts that say nothing of results (steps.md): their source is no measurement."""


def expected(plan: dict[str, Any]) -> dict[str, set[str]]:
    """Each named check, read straight from the plan: rule id -> pointers of its findings."""
    channels = plan["channels"]
    live = [i for i, c in enumerate(channels) if c["status"] in ("active", "planned")]
    active = [i for i, c in enumerate(channels) if c["status"] == "active"]
    research_dates = [
        r["date"]
        for r in plan["audience"]["research"]
        if not r["participants"] or set(r["participants"]) - {"staff", "board"}
    ]
    goals = plan["goals"]
    visuals = plan.get("visuals")
    measurement = plan.get("measurement")
    result: dict[str, set[str]] = {}
    result["CHN-01"] = {""} if live and not research_dates else set()
    first = min(research_dates) if research_dates else None
    result["CHN-02"] = {
        f"/channels/{i}"
        for i in live
        if first is not None
        and "selected_on" in channels[i]
        and channels[i]["selected_on"] < first
        and not channels[i].get("reconfirmed_on", "") >= first  # a channel re-checked after the research rests on it
    }
    fundraising = [g["category"] == "fundraising" or set(g["metrics"]) <= DONATION_METRICS for g in goals]
    result["PLN-03"] = {"/goals"} if goals and all(fundraising) else set()
    crisis = plan["policies"].get("crisis_plan")
    result["POL-01"] = {"/policies"} if active and crisis is None else set()
    result["POL-03"] = {
        f"/channels/{i}"
        for i in active
        if len({HUMAN.get(p, p) for p in channels[i].get("account", {}).get("admins", []) if p not in GONE}) < 2
    }
    no_visuals = (
        visuals is None
        or visuals.get("assets_per_month") == 0
        or visuals.get("share_percent") == 0
        or not (visuals.get("assets_per_month") or visuals.get("share_percent") or visuals.get("formats"))
    )
    result["VIS-01"] = {"any"} if active and no_visuals else set()
    goal_metrics = {metric for goal in goals for metric in goal["metrics"]}
    sourced = [
        m for m in plan["metrics"] if m.get("source") and m["id"] in goal_metrics and m["kind"] not in VANITY_KINDS
    ]
    # No measurement is nothing read: no named tool and no goal metric with a source. A review cadence
    # alone (the starter pre-fills 'monthly') reads nothing, so it does not count.
    result["MEA-01"] = {"any"} if not sourced and (measurement is None or not measurement.get("tools")) else set()
    return result


def actual(report: assess.Report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {
        rule: set() for rule in ("CHN-01", "CHN-02", "PLN-03", "POL-01", "POL-03", "VIS-01", "MEA-01")
    }
    for finding in report.plans[0].findings:
        if finding.rule_id in ("CHN-02", "POL-03"):
            found[finding.rule_id].add("/".join(finding.pointer.split("/")[:3]))  # the channel, not its field
        elif finding.rule_id in found:
            found[finding.rule_id].add("any")
    return found


def normalise(expected_findings: dict[str, set[str]]) -> dict[str, set[str]]:
    """Plan-wide checks are compared as fired / not fired; per-element ones by pointer."""
    return {
        rule: (pointers if rule in ("CHN-02", "POL-03") else ({"any"} if pointers else set()))
        for rule, pointers in expected_findings.items()
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_named_checks_agree_with_plain_python(plan: dict[str, Any]) -> None:
    report = assess.assess_plan(plan, config=CONFIG)
    assert actual(report) == normalise(expected(plan))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.integers(0, 2**32 - 1))
def test_matches_do_not_depend_on_fact_order(plan: dict[str, Any], seed: int) -> None:
    catalog = build_catalog(CONFIG)
    facts = build_facts(load(plan).data)
    expected_matches = [(m.rule_id, m.outcome, m.key) for m in catalog.engine.run(facts)]
    shuffled = list(facts)
    random.Random(seed).shuffle(shuffled)
    assert [(m.rule_id, m.outcome, m.key) for m in catalog.engine.run(shuffled)] == expected_matches


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.integers(1, 5))
def test_unrelated_elements_do_not_change_findings(plan: dict[str, Any], extra: int) -> None:
    before = assess.assess_plan(plan, config=CONFIG).plans[0]
    bigger = copy.deepcopy(plan)
    bigger["people"] += [
        {"id": f"visitor-{i}", "name": f"Visitor {i}", "department": "volunteers"} for i in range(extra)
    ]
    bigger["tracking"]["sheet"] = bigger["tracking"].get("sheet", "") + " (copy)"
    after = assess.assess_plan(bigger, config=CONFIG).plans[0]
    assert [(f.rule_id, f.pointer, f.message) for f in after.findings] == [
        (f.rule_id, f.pointer, f.message) for f in before.findings
    ]
    assert after.score == before.score
