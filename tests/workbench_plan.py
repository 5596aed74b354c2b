"""A genuinely good plan, written through the workbench by the browser tests.

It follows the article step by step (a committee across departments; goals with numbers,
dates and attributable metrics with baselines; a tracking sheet and tagged links; a reviewed
policy, a crisis plan with a backup, recent training, two admins with two-factor on every
account; research before channels; listening; a scheduler without losing the live touch;
a calendar and pillars; visuals; a monthly review with a decision rule; milestones and
thanks). Its ids are those the starter uses and those the workbench's "add" buttons give new
items (person-3, goal-2...), so every step of filling it keeps the plan's references whole. Lists
chosen with checkboxes keep the plan's order and add new choices in the order the options are
offered, so the target lists them in that order.

Fields the plan schema does not have (yet) are dropped by `for_schema`, so the same target
serves before and after the schema grows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

GOOD_PLAN: dict[str, Any] = {
    "schema_version": "1.0",
    "organization": {
        "name": "Riverside Food Bank",
        "type": "charity",
        "size": "small",
        "staff_hours_per_week": 12,
        "website": "https://riversidefoodbank.org",
    },
    "plan": {
        "title": "Riverside Food Bank social media plan 2025",
        "owner": "you",
        "language": "en",
        "start_date": "2025-01-06",
        "horizon_months": 12,
        "as_of": "2025-03-01",
    },
    "people": [
        {"id": "you", "name": "Ana Okafor", "role": "Communications manager", "department": "communications"},
        {"id": "colleague", "name": "Ben Hartley", "role": "Volunteer coordinator", "department": "programs"},
        {"id": "person-3", "name": "Chloe Martin", "role": "Development officer", "department": "development"},
        {"id": "person-4", "name": "Fatima Diallo", "role": "Executive director", "department": "leadership"},
    ],
    "committee": {
        "members": [
            {"person": "you", "traits": ["tech_comfortable", "creative", "news_aware"]},
            {"person": "colleague", "traits": ["stakeholder_facing", "well_connected"]},
            {"person": "person-3", "traits": ["stakeholder_facing", "creative", "news_aware"]},
        ],
        "meets": "monthly",
    },
    "goals": [
        {
            "id": "goal-1",
            "statement": "Recruit 120 new pantry volunteers through Instagram and Facebook by the end of September.",
            "category": "volunteer_signups",
            "primary": True,
            "metrics": ["metric-1"],
            "target_value": 120,
            "target_date": "2025-09-30",
            "objective": "Keep the Saturday pantry open all year without cutting hours.",
        },
        {
            "id": "goal-2",
            "statement": "Grow the monthly newsletter by 800 subscribers who came from social media.",
            "category": "email_signups",
            "primary": False,
            "metrics": ["metric-2"],
            "target_value": 800,
            "target_date": "2025-12-31",
            "objective": "Build a list of supporters we can invite to events and, later, to give.",
        },
    ],
    "metrics": [
        {
            "id": "metric-1",
            "name": "Volunteer sign-ups from social links",
            "kind": "volunteer_signups",
            "source": "Volunteer sign-up form with UTM source",
            "baseline": {"value": 14, "date": "2025-01-06"},
        },
        {
            "id": "metric-2",
            "name": "Newsletter sign-ups from social",
            "kind": "email_signups",
            "source": "Mailchimp",
            "baseline": {"value": 2310, "date": "2025-01-06"},
        },
    ],
    "tracking": {
        "sheet": "Shared drive > Communications > Social media tracker 2025",
        "start_date": "2025-01-06",
        "web_analytics": "Google Analytics 4",
        "utm_convention": "utm_source=<platform>&utm_medium=social&utm_campaign=<goal id>",
    },
    "policies": {
        "social_media_policy": {
            "document": "Staff handbook, section 7: Social media",
            "adopted_on": "2024-11-18",
            "reviewed_by": ["legal", "hr", "committee"],
            "last_reviewed": "2024-11-18",
        },
        "crisis_plan": {
            "document": "Crisis communication plan v2 (shared drive)",
            "contacts": ["you", "person-3", "person-4"],
            "responder": "you",
            "backup_responder": "colleague",
            "first_response_hours": 2,
            "last_reviewed": "2025-01-20",
        },
        "training": {
            "last_session": "2025-01-27",
            "topics": ["What to share about clients (nothing identifying)", "Replying to complaints", "Photo consent"],
        },
        "enforcement": "educate",
        "credential_storage": "password_manager",
    },
    "audience": {
        "research": [
            {
                "id": "research-1",
                "method": "survey",
                "date": "2024-10-15",
                "respondents": 412,
                "participants": ["supporters", "donors", "volunteers"],
                "summary": "Volunteers under 35 use Instagram daily; donors over 50 read Facebook and the newsletter.",
            },
            {
                "id": "research-2",
                "method": "interviews",
                "date": "2024-10-29",
                "respondents": 12,
                "participants": ["volunteers"],
                "summary": "New volunteers heard about us from friends' Instagram stories, not from our posts.",
            },
        ],
        "segments": [
            {
                "id": "segment-1",
                "name": "Local donors over 50",
                "platforms": ["facebook", "newsletter"],
                "evidence": "survey",
                "research": ["research-1"],
            },
            {
                "id": "segment-2",
                "name": "Volunteers aged 18-35",
                "platforms": ["instagram"],
                "evidence": "survey",
                "research": ["research-1", "research-2"],
            },
        ],
    },
    "channels": [
        {
            "id": "channel-1",
            "platform": "facebook",
            "status": "active",
            "selected_on": "2024-11-12",
            "rationale": "Donors over 50 read Facebook (survey of 412 supporters); it sends most visits to 'Get help'.",
            "segments": ["segment-1"],
            "owner": "person-3",
            "hours_per_week": 4,
            "posts_per_week": 5,
            "last_post_on": "2025-02-28",
            "account": {
                "handle": "Riverside Food Bank",
                "admins": ["you", "person-3"],
                "two_factor": True,
                "ownership": "organisation",
            },
        },
        {
            "id": "channel-2",
            "platform": "instagram",
            "status": "active",
            "selected_on": "2024-11-12",
            "rationale": "71% of surveyed volunteers under 35 open Instagram daily; pantry stories recruit their friends.",
            "segments": ["segment-2"],
            "owner": "you",
            "hours_per_week": 4,
            "posts_per_week": 5,
            "last_post_on": "2025-02-27",
            "account": {
                "handle": "@riversidefoodbank",
                "admins": ["you", "colleague"],
                "two_factor": True,
                "ownership": "organisation",
            },
        },
    ],
    "listening": {
        "keywords": ["Riverside Food Bank", "#RiversideEats", "food pantry volunteer"],
        "cadence": "daily",
        "peers_followed": ["Eastside Community Pantry", "Feeding County Network"],
        "tool": "Hootsuite streams",
    },
    "tools": {"scheduler": "Buffer", "live_check": "daily", "automated_percent": 35},
    "engagement": {"reply_target_hours": 4, "shares_others": True, "acknowledges_sharers": True},
    "content": {
        "calendar": {"tool": "Shared sheet 'Editorial calendar 2025'", "channels": ["channel-1", "channel-2"]},
        "pillars": [
            {"name": "Volunteer stories from the pantry floor", "percent": 40},
            {"name": "Where and when to get food", "percent": 30},
            {"name": "Partners and neighbours we thank", "percent": 30},
        ],
        "fundraising_percent": 10,
    },
    "visuals": {
        "share_percent": 85,
        "assets_per_month": 30,
        "formats": ["photo", "video", "infographic"],
        "sources": ["original", "user_generated", "partner"],
        "profile_images": "sized",
    },
    "measurement": {
        "tools": ["Meta Business Suite", "Instagram Insights", "Google Analytics 4", "Mailchimp reports"],
        "review_cadence": "monthly",
        "decision_rule": "Each month, keep the three post formats with the most sign-ups per post and drop the bottom two.",
        "last_review": "2025-02-03",
    },
    "celebration": {
        "milestones": [
            {
                "id": "milestone-1",
                "description": "50 volunteers recruited through social media",
                "metric": "metric-1",
                "value": 50,
            },
            {
                "id": "milestone-2",
                "description": "3,000 newsletter subscribers",
                "metric": "metric-2",
                "value": 3000,
            },
        ],
        "thanks": "A monthly 'thank-you Friday' post tagging volunteers and sharers, and a party at each milestone.",
    },
}


def for_schema(data: Any, schema: Mapping[str, Any], defs: Mapping[str, Any] | None = None) -> Any:
    """`data` without the keys the plan schema does not know (a target that works before and after the schema grows)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    node = dict(schema)
    while "$ref" in node:
        node = {**defs[str(node.pop("$ref")).rsplit("/", 1)[-1]], **node}
    if isinstance(data, Mapping):
        props = node.get("properties", {})
        return {key: for_schema(value, props[key], defs) for key, value in data.items() if key in props}
    if isinstance(data, list) and "items" in node:
        return [for_schema(item, node["items"], defs) for item in data]
    return data


def good_plan() -> dict[str, Any]:
    """GOOD_PLAN as the current plan schema accepts it."""
    from assess.web.forms import plan_schema

    schema = plan_schema()
    plan: dict[str, Any] = for_schema(GOOD_PLAN, schema)
    versions = schema["properties"]["schema_version"].get("enum") or [
        schema["properties"]["schema_version"].get("const")
    ]
    plan["schema_version"] = versions[-1]
    return plan
