"""Hypothesis strategies for VALID plans, with every cross-reference pointing at a real id.

hypothesis-jsonschema draws documents from the schema alone, so its plans refer to
people, metrics and channels that do not exist and are rejected before any rule
runs. Here ids are drawn first and every reference is drawn from them, so each
plan passes validation and reaches the rule engine; enumerations come from the
model itself, so a new platform or category is generated as soon as it exists.

    from strategies import plans, REMOVALS
    @given(plans())
    def test_something(plan: dict[str, Any]) -> None: ...

Plans are JSON-compatible dicts (dates as ISO text), as a user would write them.
`REMOVALS` takes one element out of a plan (a crisis plan, a second admin, a
section...) while keeping it valid, for properties of the kind "adding X never
lowers the score".
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Any, get_args

from hypothesis import strategies as st

from assess.config import Config
from assess.plan.model import Account as AccountModel
from assess.plan.model import (
    Cadence,
    CredentialStorage,
    Evidence,
    GoalCategory,
    Language,
    MetricKind,
    Organization,
    Participant,
    Platform,
    Policies,
    ResearchMethod,
    Reviewer,
    Trait,
    VisualFormat,
    VisualSource,
)
from assess.plan.model import Channel as ChannelModel
from assess.plan.model import Visuals as VisualsModel
from assess.plan.validate import drop_dangling_references
from assess.rules.catalog import build_catalog

Plan = dict[str, Any]
Draw = Callable[..., Any]

# ------------------------------------------------------------------ scalars

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,11}", fullmatch=True)
"""Ids as the schema allows them (kept short: long ids add nothing but time)."""

# Any text UTF-8 can encode (so no lone surrogates), control and astral characters included:
# names reach the rule engine's C code, messages, and every formatter. Placeholders ("?", "TODO"...)
# are left out: they count as unwritten (tests/test_placeholders.py), so a section holding one is
# not "an element added", and the properties below are about elements added.
_PLACEHOLDERS = build_catalog(Config()).placeholders
texts = st.text(st.characters(codec="utf-8"), min_size=1, max_size=24).filter(
    lambda text: _PLACEHOLDERS.match(text) is None
)
dates = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)).map(dt.date.isoformat)
percents = st.integers(0, 100) | st.floats(0, 100, allow_nan=False)
hours = st.integers(0, 168) | st.floats(0, 168, allow_nan=False)
counts = st.integers(0, 100_000)
amounts = st.integers(0, 10**9) | st.floats(0, 10**9, allow_nan=False)
cadences = st.sampled_from([c.value for c in Cadence])


def values(enum: type[StrEnum]) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


def literal(annotation: Any) -> st.SearchStrategy[str]:
    """The choices of a model field typed ``Literal[...] | None``."""
    choices = [arg for arg in get_args(annotation) if arg is not type(None)]
    if len(choices) == 1 and get_args(choices[0]):  # Optional[Literal[...]] nests one level
        choices = list(get_args(choices[0]))
    return st.sampled_from(sorted(choices))


def refs(draw: Draw, known: list[str], max_size: int = 3) -> list[str]:
    """A list of references to ``known`` ids (empty when there is nothing to refer to)."""
    if not known:
        return []
    result: list[str] = draw(st.lists(st.sampled_from(known), max_size=max_size, unique=True))
    return result


def optional(draw: Draw, target: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
    """Set ``target[key]`` to a drawn value, or leave the key out (an optional field not stated)."""
    if draw(st.booleans()):
        target[key] = draw(strategy)


def optionals(draw: Draw, target: dict[str, Any], fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """`optional` for each field; returns ``target``."""
    for key, strategy in fields.items():
        optional(draw, target, key, strategy)
    return target


def one_of_known(draw: Draw, known: list[str]) -> str | None:
    return draw(st.none() | st.sampled_from(known)) if known else None


# ------------------------------------------------------------------ the plan


@st.composite
def plans(draw: Draw, *, full: bool = False, max_entries: int = 4) -> Plan:
    """A valid plan; ``full`` makes every optional section present (so that each can be removed)."""

    def section() -> bool:
        return full or bool(draw(st.booleans()))

    def unique_ids(max_size: int = max_entries) -> list[str]:
        # A full plan has at least one of everything (two people: a second admin to remove).
        result: list[str] = draw(st.lists(ids, min_size=2 if full else 0, max_size=max(max_size, 2), unique=True))
        return result

    organization = optionals(
        draw,
        {"name": draw(texts)},
        {
            "type": literal(Organization.model_fields["type"].annotation),
            "size": literal(Organization.model_fields["size"].annotation),
            "staff_hours_per_week": hours,
        },
    )
    plan: Plan = {"schema_version": draw(st.sampled_from(["1.0", "1.1"])), "organization": organization}

    people = unique_ids(6)
    plan["people"] = [{"id": person, "name": draw(texts)} for person in people]
    for person in plan["people"]:
        optional(draw, person, "department", st.sampled_from(["communications", "programs", "development", "board"]))
        optional(draw, person, "left_on", dates)
        if people and not draw(st.integers(0, 3)):  # now and then, another entry of the same human
            person["same_as"] = draw(st.sampled_from(people))

    if section():
        info: dict[str, Any] = {"title": draw(texts), "language": draw(values(Language))}
        owner = one_of_known(draw, people)
        if owner:
            info["owner"] = owner
        optionals(draw, info, {"start_date": dates, "horizon_months": st.integers(1, 120), "as_of": dates})
        plan["plan"] = info

    if section():
        members = [
            {"person": person, "traits": draw(st.lists(values(Trait), max_size=3, unique=True))}
            for person in refs(draw, people, 5)
        ]
        plan["committee"] = {"members": members}
        optional(draw, plan["committee"], "meets", cadences)

    metric_ids = unique_ids()
    plan["metrics"] = []
    for metric_id in metric_ids:
        metric: dict[str, Any] = {"id": metric_id, "name": draw(texts), "kind": draw(values(MetricKind))}
        optional(draw, metric, "source", texts)
        optional(draw, metric, "baseline", st.fixed_dictionaries({"value": amounts, "date": dates}))
        plan["metrics"].append(metric)

    plan["goals"] = []
    for goal_id in unique_ids():
        goal: dict[str, Any] = {
            "id": goal_id,
            "statement": draw(texts),
            "category": draw(values(GoalCategory)),
            "primary": draw(st.booleans()),
            "metrics": refs(draw, metric_ids, 2),
        }
        optionals(draw, goal, {"target_value": amounts, "target_date": dates, "objective": texts})
        plan["goals"].append(goal)

    if section():
        tracked = {"sheet": texts, "start_date": dates, "web_analytics": texts, "utm_convention": texts}
        plan["tracking"] = optionals(draw, {}, tracked)

    if section():
        plan["policies"] = draw(_policies(people, full))

    research_ids: list[str] = []
    segment_ids: list[str] = []
    if section():
        research_ids = unique_ids(3)
        segment_ids = unique_ids(3)
        research = []
        for research_id in research_ids:
            entry: dict[str, Any] = {"id": research_id, "method": draw(values(ResearchMethod)), "date": draw(dates)}
            optional(draw, entry, "respondents", counts)
            optional(draw, entry, "participants", st.lists(values(Participant), max_size=3, unique=True))
            research.append(entry)
        segments = [
            {
                "id": segment_id,
                "name": draw(texts),
                "platforms": draw(st.lists(values(Platform), max_size=3, unique=True)),
                "evidence": draw(values(Evidence)),
                "research": refs(draw, research_ids, 2),
            }
            for segment_id in segment_ids
        ]
        plan["audience"] = {"research": research, "segments": segments}

    channel_ids = unique_ids()
    plan["channels"] = [draw(_channel(channel_id, people, segment_ids, full)) for channel_id in channel_ids]

    if section():
        plan["listening"] = {
            "keywords": draw(st.lists(texts, max_size=3)),
            "peers_followed": draw(st.lists(texts, max_size=3)),
        }
        optional(draw, plan["listening"], "cadence", cadences)
    if section():
        plan["tools"] = optionals(draw, {}, {"scheduler": texts, "live_check": cadences, "automated_percent": percents})
    if section():
        engaged = {"reply_target_hours": hours, "shares_others": st.booleans(), "acknowledges_sharers": st.booleans()}
        plan["engagement"] = optionals(draw, {}, engaged)
    if section():
        content: dict[str, Any] = {
            "pillars": draw(
                st.lists(st.fixed_dictionaries({"name": texts}, optional={"percent": percents}), max_size=4)
            )
        }
        if full or draw(st.booleans()):
            content["calendar"] = {"tool": draw(texts), "channels": refs(draw, channel_ids, 4)}
        optional(draw, content, "fundraising_percent", percents)
        plan["content"] = content
    if section():
        visuals: dict[str, Any] = {
            "formats": draw(st.lists(values(VisualFormat), max_size=4, unique=True)),
            "sources": draw(st.lists(values(VisualSource), max_size=3, unique=True)),
        }
        optionals(
            draw,
            visuals,
            {
                "share_percent": percents,
                "assets_per_month": counts,
                "profile_images": literal(VisualsModel.model_fields["profile_images"].annotation),
            },
        )
        plan["visuals"] = visuals
    if section():
        measurement: dict[str, Any] = {"tools": draw(st.lists(texts, max_size=3))}
        optionals(draw, measurement, {"review_cadence": cadences, "decision_rule": texts, "last_review": dates})
        plan["measurement"] = measurement
    if section():
        milestones = []
        for milestone_id in unique_ids(3):
            milestone: dict[str, Any] = {"id": milestone_id, "description": draw(texts)}
            metric_ref = one_of_known(draw, metric_ids)
            if metric_ref:
                milestone["metric"] = metric_ref
            optional(draw, milestone, "value", amounts)
            milestones.append(milestone)
        plan["celebration"] = {"milestones": milestones}
        optional(draw, plan["celebration"], "thanks", texts)
    return plan


@st.composite
def _policies(draw: Draw, people: list[str], full: bool) -> dict[str, Any]:
    policies: dict[str, Any] = {}
    if full or draw(st.booleans()):
        policy: dict[str, Any] = {"reviewed_by": draw(st.lists(values(Reviewer), max_size=3, unique=True))}
        optional(draw, policy, "document", texts)
        optional(draw, policy, "adopted_on", dates)
        optional(draw, policy, "last_reviewed", dates)
        policies["social_media_policy"] = policy
    if full or draw(st.booleans()):
        crisis: dict[str, Any] = {"contacts": refs(draw, people, 3)}
        backup = one_of_known(draw, people)
        if backup:
            crisis["backup_responder"] = backup
        responder = one_of_known(draw, people)
        if responder:
            crisis["responder"] = responder
        optionals(draw, crisis, {"document": texts, "first_response_hours": hours, "last_reviewed": dates})
        policies["crisis_plan"] = crisis
    if full or draw(st.booleans()):
        training: dict[str, Any] = {"topics": draw(st.lists(texts, max_size=3))}
        optional(draw, training, "last_session", dates)
        policies["training"] = training
    optional(draw, policies, "enforcement", literal(Policies.model_fields["enforcement"].annotation))
    optional(draw, policies, "credential_storage", values(CredentialStorage))
    return policies


@st.composite
def _channel(draw: Draw, channel_id: str, people: list[str], segments: list[str], full: bool) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "id": channel_id,
        "platform": draw(values(Platform)),
        "status": draw(literal(ChannelModel.model_fields["status"].annotation)),
        "segments": refs(draw, segments, 2),
    }
    owner = one_of_known(draw, people)
    if owner:
        channel["owner"] = owner
    optionals(
        draw,
        channel,
        {
            "selected_on": dates,
            "rationale": texts,
            "hours_per_week": hours,
            "posts_per_week": st.integers(0, 50),
            "last_post_on": dates,
            "reconfirmed_on": dates,
        },
    )
    if full or draw(st.booleans()):
        account: dict[str, Any] = {"admins": refs(draw, people, 3)}
        optional(draw, account, "handle", texts)
        optional(draw, account, "two_factor", st.booleans())
        optional(draw, account, "ownership", literal(AccountModel.model_fields["ownership"].annotation))
        channel["account"] = account
    return channel


# ------------------------------------------------------------------ taking one element out


def _without(*path: str) -> Callable[[Plan], Plan | None]:
    """Remove the element at ``path`` (None when the plan does not have it)."""

    def remove(plan: Plan) -> Plan | None:
        node: Any = plan
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict) or path[-1] not in node:
            return None
        smaller = copy.deepcopy(plan)
        holder = smaller
        for key in path[:-1]:
            holder = holder[key]
        del holder[path[-1]]
        return drop_dangling_references(smaller)

    return remove


def _without_second_admin(plan: Plan) -> Plan | None:
    """Reduce the first channel with two or more distinct admins to its first admin."""
    for index, channel in enumerate(plan.get("channels", [])):
        admins = channel.get("account", {}).get("admins", [])
        if len(set(admins)) >= 2:
            smaller = copy.deepcopy(plan)
            smaller["channels"][index]["account"]["admins"] = admins[:1]
            return smaller
    return None


REMOVALS: dict[str, Callable[[Plan], Plan | None]] = {
    "crisis plan": _without("policies", "crisis_plan"),
    "social media policy": _without("policies", "social_media_policy"),
    "training": _without("policies", "training"),
    "second admin": _without_second_admin,
    "committee": _without("committee"),
    "tracking": _without("tracking"),
    "audience": _without("audience"),
    "listening": _without("listening"),
    "tools": _without("tools"),
    "engagement": _without("engagement"),
    "editorial calendar": _without("content", "calendar"),
    "content": _without("content"),
    "visuals": _without("visuals"),
    "measurement": _without("measurement"),
    "celebration": _without("celebration"),
}
"""Name -> a function that takes that element out of a plan, keeping it valid (None: not there)."""
