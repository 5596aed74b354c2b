"""Realistic valid plans, many and fast: the exemplary sample, randomly worn down.

The benchmark needs thousands of *different* valid plans on which the rules fire
in realistic proportions: an exemplary plan fires nothing and a random document
is rejected before the rules run, so neither measures the engine. Each plan here
starts from ``samples/exemplary.json`` and loses sections, gains or loses
entries, shifts dates and changes statuses, categories and figures; references
are repaired last (with the validator's own reference table), so every plan is
valid. The generator is seeded: the same seed gives the same plans, so figures
from two runs compare like with like.

Generation is kept out of the timed loops (``generate`` returns a list up front);
`stream` yields plans one at a time for the memory test, which must not hold
20,000 plans while it watches the process grow.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assess.plan.model import (
    Cadence,
    CredentialStorage,
    Evidence,
    GoalCategory,
    MetricKind,
    Platform,
    ResearchMethod,
    Reviewer,
    Trait,
    VisualFormat,
    VisualSource,
)
from assess.plan.validate import drop_dangling_references

ROOT = Path(__file__).resolve().parent.parent
BASE_PATH = ROOT / "samples" / "exemplary.json"

Plan = dict[str, Any]
Mutation = Callable[[random.Random, Plan], None]

_CADENCES = [c.value for c in Cadence]
_STATUSES = ["planned", "active", "active", "active", "paused", "retired"]  # mostly active, like real plans


def _shift(rng: random.Random, value: str, low: int, high: int) -> str:
    """An ISO date moved by a random number of days in [low, high]."""
    return (dt.date.fromisoformat(value) + dt.timedelta(days=rng.randint(low, high))).isoformat()


def _keep(rng: random.Random, items: list[Any], low: int = 0) -> list[Any]:
    """A random prefix of a shuffled copy: fewer entries, in another order."""
    items = list(items)
    rng.shuffle(items)
    return items[: rng.randint(min(low, len(items)), len(items))]


def _subset(rng: random.Random, values: list[str], low: int = 0, high: int | None = None) -> list[str]:
    return rng.sample(values, rng.randint(low, min(high if high is not None else len(values), len(values))))


# ------------------------------------------------------------------ mutations, one per part of the plan


def _organization(rng: random.Random, plan: Plan) -> None:
    org = plan["organization"]
    org["size"] = rng.choice(["small", "medium", "large"])
    if rng.random() < 0.5:
        org["staff_hours_per_week"] = rng.choice([1, 2, 4, 6, 10, 14, 25, 40])
    if rng.random() < 0.1:
        del org["staff_hours_per_week"]


def _info(rng: random.Random, plan: Plan) -> None:
    info = plan["plan"]
    info["as_of"] = _shift(rng, info["as_of"], 0, 400)  # later "as of": channels and reviews go stale
    if rng.random() < 0.3:
        info["horizon_months"] = rng.choice([1, 3, 6, 12, 24, 36])
    if rng.random() < 0.1:
        del info["owner"]


def _people(rng: random.Random, plan: Plan) -> None:
    if rng.random() < 0.15:  # people leave: every reference to them is dropped by the repair
        plan["people"] = _keep(rng, plan["people"], 1)


def _committee(rng: random.Random, plan: Plan) -> None:
    committee = plan["committee"]
    committee["members"] = _keep(rng, committee["members"])
    for member in committee["members"]:
        if rng.random() < 0.3:
            member["traits"] = _subset(rng, [t.value for t in Trait], 0, 3)
    committee["meets"] = rng.choice(_CADENCES)


def _goals(rng: random.Random, plan: Plan) -> None:
    plan["goals"] = _keep(rng, plan["goals"])
    everything_fundraising = rng.random() < 0.08
    for goal in plan["goals"]:
        if everything_fundraising:
            goal["category"] = GoalCategory.FUNDRAISING.value
        elif rng.random() < 0.3:
            goal["category"] = rng.choice(list(GoalCategory)).value
        goal["primary"] = rng.random() < 0.35
        for key, chance in (("metrics", 0.15), ("target_value", 0.15), ("target_date", 0.15), ("objective", 0.2)):
            if rng.random() < chance:
                del goal[key]
        if "target_date" in goal and rng.random() < 0.3:
            goal["target_date"] = _shift(rng, goal["target_date"], -300, 300)


def _metrics(rng: random.Random, plan: Plan) -> None:
    plan["metrics"] = _keep(rng, plan["metrics"], 2)
    for metric in plan["metrics"]:
        if rng.random() < 0.25:
            metric["kind"] = rng.choice(list(MetricKind)).value
        for key, chance in (("baseline", 0.2), ("source", 0.15)):
            if rng.random() < chance:
                del metric[key]


def _tracking(rng: random.Random, plan: Plan) -> None:
    tracking = plan["tracking"]
    for key in ("sheet", "start_date", "web_analytics", "utm_convention"):
        if rng.random() < 0.15:
            del tracking[key]


def _policies(rng: random.Random, plan: Plan) -> None:
    policies = plan["policies"]
    for key, chance in (("crisis_plan", 0.25), ("social_media_policy", 0.2), ("training", 0.25)):
        if rng.random() < chance:
            del policies[key]
    if "crisis_plan" in policies:
        crisis = policies["crisis_plan"]
        crisis["contacts"] = _keep(rng, crisis["contacts"])
        if rng.random() < 0.25:
            del crisis["backup_responder"]
        crisis["first_response_hours"] = rng.choice([1, 2, 4, 12, 24, 48, 72])
        crisis["last_reviewed"] = _shift(rng, crisis["last_reviewed"], -900, 30)
    if "social_media_policy" in policies:
        policies["social_media_policy"]["reviewed_by"] = _subset(rng, [r.value for r in Reviewer])
    if "training" in policies:
        policies["training"]["last_session"] = _shift(rng, policies["training"]["last_session"], -900, 30)
    policies["enforcement"] = rng.choice(["educate", "educate", "mixed", "punitive"])
    policies["credential_storage"] = rng.choice(list(CredentialStorage)).value


def _audience(rng: random.Random, plan: Plan) -> None:
    audience = plan["audience"]
    audience["research"] = _keep(rng, audience["research"])
    for research in audience["research"]:
        research["date"] = _shift(rng, research["date"], -200, 200)  # sometimes after the channels were chosen
        if rng.random() < 0.1:
            research["method"] = rng.choice(list(ResearchMethod)).value
    audience["segments"] = _keep(rng, audience["segments"])
    for segment in audience["segments"]:
        if rng.random() < 0.25:
            segment["evidence"] = rng.choice(list(Evidence)).value
        if rng.random() < 0.2:
            segment["platforms"] = _subset(rng, [p.value for p in Platform], 0, 3)


def _channels(rng: random.Random, plan: Plan) -> None:
    channels = _keep(rng, plan["channels"])
    for number in range(rng.choice([0, 0, 0, 1, 2, 4])):  # some plans spread thin over many channels
        extra = json.loads(json.dumps(rng.choice(plan["channels"])))
        extra["id"] = f"c-extra-{number}"
        extra["platform"] = rng.choice(list(Platform)).value
        channels.append(extra)
    for channel in channels:
        if rng.random() < 0.3:
            channel["status"] = rng.choice(_STATUSES)
        if "last_post_on" in channel and rng.random() < 0.4:
            channel["last_post_on"] = _shift(rng, channel["last_post_on"], -300, 0)
        if "selected_on" in channel and rng.random() < 0.3:
            channel["selected_on"] = _shift(rng, channel["selected_on"], -200, 100)
        if rng.random() < 0.3:
            channel["hours_per_week"] = rng.choice([0.5, 1, 2, 3, 5, 8])
            channel["posts_per_week"] = rng.choice([0, 1, 2, 3, 5, 7, 14])
        for key, chance in (("rationale", 0.15), ("segments", 0.15), ("owner", 0.1)):
            if key in channel and rng.random() < chance:
                del channel[key]
        account = channel.get("account")
        if account is not None:
            if rng.random() < 0.25:
                account["admins"] = account["admins"][:1]
            if rng.random() < 0.2:
                account["two_factor"] = False
            if rng.random() < 0.1:
                del channel["account"]
    plan["channels"] = channels


def _listening(rng: random.Random, plan: Plan) -> None:
    listening = plan["listening"]
    listening["keywords"] = _keep(rng, listening["keywords"])
    listening["peers_followed"] = _keep(rng, listening["peers_followed"])
    listening["cadence"] = rng.choice(_CADENCES)


def _tools(rng: random.Random, plan: Plan) -> None:
    tools = plan["tools"]
    tools["live_check"] = rng.choice(_CADENCES)
    tools["automated_percent"] = rng.choice([0, 10, 35, 60, 80, 95, 100])
    if rng.random() < 0.2:
        del tools["scheduler"]


def _engagement(rng: random.Random, plan: Plan) -> None:
    engagement = plan["engagement"]
    engagement["reply_target_hours"] = rng.choice([1, 4, 12, 24, 48, 96])
    engagement["shares_others"] = rng.random() < 0.7
    engagement["acknowledges_sharers"] = rng.random() < 0.7


def _content(rng: random.Random, plan: Plan) -> None:
    content = plan["content"]
    content["pillars"] = _keep(rng, content["pillars"])
    content["fundraising_percent"] = rng.choice([0, 5, 10, 15, 20, 30, 50, 80])
    if rng.random() < 0.2:
        del content["calendar"]
    else:
        content["calendar"]["channels"] = _keep(rng, content["calendar"]["channels"])


def _visuals(rng: random.Random, plan: Plan) -> None:
    visuals = plan["visuals"]
    visuals["share_percent"] = rng.choice([10, 30, 50, 70, 85, 100])
    visuals["assets_per_month"] = rng.choice([0, 2, 8, 20, 40])
    visuals["formats"] = _subset(rng, [f.value for f in VisualFormat])
    visuals["sources"] = _subset(rng, [s.value for s in VisualSource])
    visuals["profile_images"] = rng.choice(["sized", "sized", "stretched_logo", "missing"])


def _measurement(rng: random.Random, plan: Plan) -> None:
    measurement = plan["measurement"]
    measurement["tools"] = _keep(rng, measurement["tools"])
    measurement["review_cadence"] = rng.choice(_CADENCES)
    measurement["last_review"] = _shift(rng, measurement["last_review"], -500, 20)
    if rng.random() < 0.2:
        del measurement["decision_rule"]


def _celebration(rng: random.Random, plan: Plan) -> None:
    celebration = plan["celebration"]
    celebration["milestones"] = _keep(rng, celebration["milestones"])
    if rng.random() < 0.2:
        del celebration["thanks"]


# section -> (chance the whole section is removed, mutation applied when it stays)
SECTIONS: dict[str, tuple[float, Mutation]] = {
    "organization": (0.0, _organization),
    "plan": (0.05, _info),
    "people": (0.0, _people),
    "committee": (0.12, _committee),
    "goals": (0.05, _goals),
    "metrics": (0.05, _metrics),
    "tracking": (0.12, _tracking),
    "policies": (0.08, _policies),
    "audience": (0.10, _audience),
    "channels": (0.03, _channels),
    "listening": (0.15, _listening),
    "tools": (0.12, _tools),
    "engagement": (0.12, _engagement),
    "content": (0.12, _content),
    "visuals": (0.15, _visuals),
    "measurement": (0.15, _measurement),
    "celebration": (0.15, _celebration),
}


# ------------------------------------------------------------------ entry points


def mutate(rng: random.Random, base_text: str) -> Plan:
    """One valid plan: a fresh copy of the base with each section removed or worn down at random."""
    plan: Plan = json.loads(base_text)
    for section, (drop_chance, change) in SECTIONS.items():
        if section not in plan:
            continue
        if rng.random() < drop_chance:
            del plan[section]
        elif rng.random() < 0.6:  # leave some sections exemplary
            change(rng, plan)
    return drop_dangling_references(plan)


def stream(seed: int = 2025, base_path: Path = BASE_PATH) -> Iterator[Plan]:
    """An endless, reproducible stream of valid plans."""
    rng = random.Random(seed)
    base_text = base_path.read_text(encoding="utf-8")
    while True:
        yield mutate(rng, base_text)


def generate(count: int, seed: int = 2025, base_path: Path = BASE_PATH) -> list[Plan]:
    """`count` valid plans, the same ones for the same seed."""
    plans = stream(seed, base_path)
    return [next(plans) for _ in range(count)]
