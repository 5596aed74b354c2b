"""The largest plan the schema allows is assessed without harm; anything larger is refused cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import assess
from assess.plan.patterns import MAX_ITEMS

LONG = "x" * 1990


def largest_plan(items: int = MAX_ITEMS) -> dict[str, Any]:
    """Every list at its longest, with long texts and references that resolve."""
    people = [{"id": f"p{i}", "name": f"Person {i}", "department": f"dept {i % 7}"} for i in range(items)]
    metrics = [
        {"id": f"m{i}", "name": f"Metric {i}", "kind": "email_signups", "source": "Mailchimp"} for i in range(items)
    ]
    goals = [
        {
            "id": f"g{i}",
            "statement": LONG,
            "category": "email_signups",
            "metrics": [f"m{j}" for j in range(items)] if i == 0 else [f"m{i}"],
            "target_value": 10,
            "target_date": "2025-12-31",
            "objective": LONG,
        }
        for i in range(items)
    ]
    research = [{"id": f"r{i}", "method": "survey", "date": "2024-01-01", "summary": LONG} for i in range(items)]
    segments = [
        {"id": f"s{i}", "name": f"Segment {i}", "evidence": "survey", "platforms": ["facebook"], "research": ["r0"]}
        for i in range(items)
    ]
    channels = [
        {
            "id": f"c{i}",
            "platform": "facebook",
            "selected_on": "2024-06-01",
            "rationale": LONG,
            "segments": [f"s{i}"],
            "owner": "p0",
            "account": {"admins": [f"p{j}" for j in range(items)] if i == 0 else ["p0", "p1"], "two_factor": True},
        }
        for i in range(items)
    ]
    return {
        "schema_version": "1.0",
        "organization": {"name": "Largest plan", "staff_hours_per_week": 168},
        "plan": {"title": "Largest", "as_of": "2025-03-01", "start_date": "2025-01-01", "horizon_months": 12},
        "people": people,
        "committee": {"members": [{"person": f"p{i}", "traits": ["creative"]} for i in range(items)]},
        "goals": goals,
        "metrics": metrics,
        "audience": {"research": research, "segments": segments},
        "channels": channels,
        "content": {
            "calendar": {"channels": [f"c{i}" for i in range(items)]},
            "pillars": [{"name": f"Pillar {i}"} for i in range(items)],
        },
        "celebration": {"milestones": [{"id": f"ms{i}", "description": LONG} for i in range(items)]},
    }


def test_the_largest_valid_plan_is_assessed(tmp_path: Path) -> None:
    """In a separate process: durable_rules crashed the process (not an exception) on huge fact sets."""
    path = tmp_path / "largest.json"
    path.write_text(json.dumps(largest_plan()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "assess", str(path), "--format", "json", "--fail-on", "none", "--no-config"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["plans"][0]["assessed"] is True
    assert 0 <= report["plans"][0]["score"]["overall"] <= 100


def test_one_item_more_is_a_clear_schema_error() -> None:
    plan = largest_plan(items=3)
    plan["channels"] = [dict(plan["channels"][1], id=f"c{i}") for i in range(MAX_ITEMS + 1)]
    plan["content"]["calendar"]["channels"] = []
    problems = assess.validate_plan(plan)
    assert [p.pointer for p in problems] == ["/channels"]
    assert str(MAX_ITEMS) in problems[0].message
