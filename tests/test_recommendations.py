"""Each recommendation's predicted score is the score the plan gets once the fix is made.

For the samples' recommendations, the fix the recommendation describes is applied to the
plan (done properly, as the recommendation asks: a crisis plan with two contacts, a
backup and a fast first response, not an empty one) and the plan is assessed again.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import assess
from assess.config import Config

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CONFIG = Config(today=__import__("datetime").date(2025, 6, 1), recommendations=20)

Plan = dict[str, Any]


def _people(plan: Plan) -> list[str]:
    return [person["id"] for person in plan["people"]]


def _as_of(plan: Plan) -> str:
    return str(plan.get("plan", {}).get("as_of", "2025-03-01"))


def fix_crisis_plan(plan: Plan) -> None:
    first, second = _people(plan)[:2]
    plan.setdefault("policies", {})["crisis_plan"] = {
        "document": "Crisis communication plan (shared drive)",
        "contacts": [first, second],
        "backup_responder": second,
        "first_response_hours": 2,
        "last_reviewed": _as_of(plan),
    }


def fix_backup_admins(plan: Plan) -> None:
    first, second = _people(plan)[:2]
    for channel in plan["channels"]:
        if channel.get("status", "active") == "active":
            account = channel.setdefault("account", {})
            account["admins"] = [first, second]


def fix_visuals(plan: Plan) -> None:
    plan["visuals"] = {
        "share_percent": 80,
        "assets_per_month": 30,
        "formats": ["photo", "video", "infographic"],
        "sources": ["original", "user_generated"],
        "profile_images": "sized",
    }


def fix_measurement(plan: Plan) -> None:
    plan["measurement"] = {
        "tools": ["Platform insights", "Web analytics"],
        "review_cadence": "monthly",
        "decision_rule": "Each month, do more of the two post formats that brought the most sign-ups.",
        "last_review": _as_of(plan),
    }


def fix_fundraising_only(plan: Plan) -> None:
    # A lower rung measured by what it seeks: a newsletter goal counted in donations would still be
    # a fundraising goal (PLN-03 judges goals by what their metrics count).
    counted = next(m for m in plan["metrics"] if m["id"] == plan["goals"][0]["metrics"][0])
    plan["metrics"].append(
        {**counted, "id": "m-newsletter-signups", "name": "Newsletter sign-ups from social", "kind": "email_signups"}
    )
    plan["goals"].append(
        {
            "id": "g-newsletter",
            "statement": "Grow the newsletter with readers who found us on social media.",
            "category": "email_signups",
            "metrics": ["m-newsletter-signups"],
            "target_value": 500,
            "target_date": "2025-12-31",
            "objective": "Build a list of supporters we can invite to events.",
        }
    )


def fix_tools(plan: Plan) -> None:
    plan["tools"] = {"scheduler": "Buffer", "live_check": "daily", "automated_percent": 30}


FIXES: dict[str, Callable[[Plan], None]] = {
    "POL-01": fix_crisis_plan,
    "POL-03": fix_backup_admins,
    "VIS-01": fix_visuals,
    "MEA-01": fix_measurement,
    "PLN-03": fix_fundraising_only,
    "WRK-01": fix_tools,
}


def _report(plan: Plan) -> assess.PlanReport:
    return assess.assess_plan(plan, config=CONFIG).plans[0]


@pytest.mark.parametrize(
    "sample",
    ["small-nonprofit.json", "no-crisis-single-admin.json", "no-visuals-no-measurement.json", "fundraising-only.json"],
)
def test_predicted_scores_are_reached_once_the_fix_is_made(sample: str) -> None:
    plan = json.loads((SAMPLES / sample).read_text(encoding="utf-8"))
    report = _report(plan)
    assert report.score is not None
    checked = 0
    for recommendation in report.recommendations:
        fix = FIXES.get(recommendation.rule_id)
        if fix is None:
            continue
        fixed_plan = copy.deepcopy(plan)
        fix(fixed_plan)
        fixed = _report(fixed_plan)
        assert fixed.score is not None
        statuses = {rule.rule_id: rule.status.value for rule in fixed.rules}
        assert statuses[recommendation.rule_id] == "pass", (
            f"{sample}: the fix for {recommendation.rule_id} does not fix it"
        )
        assert recommendation.score_before == report.score.overall
        assert recommendation.score_after == fixed.score.overall, (sample, recommendation.rule_id)
        step = fixed.steps[recommendation.step - 1]
        assert recommendation.step_score_after == step.score, (sample, recommendation.rule_id)
        checked += 1
    assert checked >= 1, f"{sample}: no recommendation with a known fix"


def test_every_named_check_is_among_the_recommendations_it_should_be() -> None:
    """The samples' named problems come first or near the top (they are critical or high)."""
    ranks = {}
    for sample, rule in [
        ("no-crisis-single-admin.json", "POL-01"),
        ("no-crisis-single-admin.json", "POL-03"),
        ("no-visuals-no-measurement.json", "MEA-01"),
        ("fundraising-only.json", "PLN-03"),
    ]:
        report = _report(json.loads((SAMPLES / sample).read_text(encoding="utf-8")))
        ranks[(sample, rule)] = next(r.rank for r in report.recommendations if r.rule_id == rule)
    assert all(rank <= 3 for rank in ranks.values()), ranks


def test_a_missing_section_blocks_its_details_and_costs_what_they_are_worth() -> None:
    """Without a tools section, WRK-02/05 cannot be judged: blocked by WRK-01 and scored as failed."""
    plan = json.loads((SAMPLES / "exemplary.json").read_text(encoding="utf-8"))
    complete = _report(plan)
    del plan["tools"]
    report = _report(plan)
    rules = {rule.rule_id: rule for rule in report.rules}
    assert rules["WRK-01"].status.value == "fail"
    for detail in ("WRK-02", "WRK-05"):
        assert rules[detail].status.value in ("not_applicable", "unknown")
        assert rules[detail].blocked_by == "WRK-01"
    assert all(rule.blocked_by is None for rule in complete.rules)
    tools_step = report.steps[6]
    assert tools_step.score is not None and complete.steps[6].score is not None
    # WRK-01 is low (1) and the hidden details high (6) and medium (3): 10 of the step's weight lost.
    weights = {"critical": 10, "high": 6, "medium": 3, "low": 1, "info": 0}
    counted = [r for r in report.rules if r.step == 7 and (r.status.value in ("pass", "fail") or r.blocked_by)]
    lost = sum(weights[r.severity.value] for r in counted if r.status.value == "fail" or r.blocked_by)
    total = sum(weights[r.severity.value] for r in counted)
    assert tools_step.score == round(100 * (1 - lost / total), 1)
    recommendation = next(r for r in report.recommendations if r.rule_id == "WRK-01")
    fix_tools(plan)
    fixed = _report(plan)
    assert fixed.score is not None and recommendation.score_after == fixed.score.overall


def test_a_detail_unknown_for_its_own_unstated_field_is_not_blocked() -> None:
    """WRK-04 is unknown when the engagement section is missing (blocked by WRK-03, counted as
    failed) and also when only its own field is unstated (not blocked: out of the score)."""
    plan = json.loads((SAMPLES / "exemplary.json").read_text(encoding="utf-8"))
    slow_and_silent = copy.deepcopy(plan)
    slow_and_silent["engagement"] = {"reply_target_hours": 72}  # WRK-03 fails; WRK-04's fields unstated
    report = _report(slow_and_silent)
    rules = {rule.rule_id: rule for rule in report.rules}
    assert rules["WRK-03"].status.value == "fail"
    assert rules["WRK-04"].status.value == "unknown" and rules["WRK-04"].blocked_by is None
    recommendation = next(r for r in report.recommendations if r.rule_id == "WRK-03")
    fixed_plan = copy.deepcopy(slow_and_silent)
    fixed_plan["engagement"]["reply_target_hours"] = 4
    fixed = _report(fixed_plan)
    assert fixed.score is not None and recommendation.score_after == fixed.score.overall
    del plan["engagement"]
    missing = {rule.rule_id: rule for rule in _report(plan).rules}
    assert missing["WRK-04"].status.value == "unknown" and missing["WRK-04"].blocked_by == "WRK-03"


def test_an_action_that_unlocks_rules_says_its_score_counts_them_done() -> None:
    """ORG-03 (no web analytics) blocks ORG-04 (links tagged): its predicted score counts ORG-04 done too,
    and says so. Naming the tool alone leaves ORG-04 to fail, below the prediction; with a UTM
    convention as well, the plan reaches it exactly."""
    plan = json.loads((SAMPLES / "channels-first.json").read_text(encoding="utf-8"))
    report = _report(plan)
    (recommendation,) = [rec for rec in report.recommendations if rec.rule_id == "ORG-03"]
    assert recommendation.includes == ["ORG-04"]
    assert all(rec.includes == [] for rec in report.recommendations if rec.rule_id != "ORG-03")
    from assess.formats import held_notes

    notes = held_notes(recommendation, "en")
    assert f"{recommendation.score_after:g} counts ORG-04 done too: it is checked once this is done" in notes

    alone = copy.deepcopy(plan)
    alone["tracking"]["web_analytics"] = "Matomo"
    only_the_tool = _report(alone)
    assert only_the_tool.score is not None
    assert {r.rule_id: r.status.value for r in only_the_tool.rules}["ORG-04"] == "fail"
    assert only_the_tool.score.overall < recommendation.score_after

    both = copy.deepcopy(alone)
    both["tracking"]["utm_convention"] = "utm_source=<platform>&utm_medium=social&utm_campaign=<goal>"
    done = _report(both)
    assert done.score is not None
    assert done.score.overall == recommendation.score_after
    assert done.steps[recommendation.step - 1].score == recommendation.step_score_after
