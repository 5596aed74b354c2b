"""From matches to outcomes: 'unknown' when the plan leaves a required field unstated."""

from __future__ import annotations

import copy
from typing import Any

from assess.evaluate import missing_pointers
from assess.model import Plan
from assess.resources import RULES_DIR
from assess.rulepack import load_pack

BASE: dict[str, Any] = load_pack(RULES_DIR).example_base or {}


def plan_with(**changes: Any) -> Plan:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return Plan.model_validate(data)


def test_missing_pointers_walks_items_and_filters_them() -> None:
    channels = [
        {"id": "a", "platform": "facebook", "status": "active", "posts_per_week": 3},
        {"id": "b", "platform": "tiktok", "status": "planned"},
        {"id": "c", "platform": "x"},  # status defaults to active
    ]
    plan = plan_with(channels=channels, content={"pillars": [{"name": "Stories"}]})
    assert missing_pointers(plan, "/channels/*/posts_per_week") == [
        "/channels/1/posts_per_week",
        "/channels/2/posts_per_week",
    ]
    assert missing_pointers(plan, "/channels/*[status=active]/posts_per_week") == ["/channels/2/posts_per_week"]
    assert missing_pointers(plan, "/content/fundraising_percent") == ["/content/fundraising_percent"]
    assert missing_pointers(plan, "/content/pillars/*/name") == []
    assert missing_pointers(plan, "/x-assess/suppress") == ["/x-assess"]
    assert missing_pointers(plan_with(visuals=None), "/visuals/share_percent") == ["/visuals"]
