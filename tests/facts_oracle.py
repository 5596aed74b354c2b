"""The facts as `build_facts` built them before the builders wrote each fact as one display (commit bc24569):
the plain oracle tests/test_facts.py holds the faster build to, fact for fact and key for key.

Frozen on purpose: change it only with a deliberate change of the facts (and say so in the commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from assess.rules.facts import (
    _BORROWED_VISUALS,
    _CADENCE_DAYS,
    _CHANNEL_STATUS,
    _DONATIONS,
    _EPOCH,
    _FUNDRAISING,
    _LANGUAGE,
    _LEGAL_OR_HR,
    _NONE,
    _ORGANIZATION_TYPE,
    _TRAITS,
    _VANITY,
    Fact,
    Humans,
    PlanData,
    _number,
    is_audience_research,
)


def _num(value: Any) -> Any:
    """A number of the plan as a fact holds it (see `_number`): every float goes through here, ints and
    None as they are. JSON may write an integer field as 3.0."""
    return _number(value) if type(value) is float else value


_FROM_ISO = dt.date.fromisoformat  # bound once: some twenty dates a plan


def _epoch(value: str) -> int:
    """The epoch day of an ISO date, as the validated plan holds dates."""
    return _FROM_ISO(value).toordinal() - _EPOCH


def _day(value: str | None) -> int | None:
    """`_epoch` of an optional date (None when absent)."""
    return None if value is None else _FROM_ISO(value).toordinal() - _EPOCH


_NAMED = 32
"""Entries of a list whose element facts' ``ptr`` and ``fid`` are written once, not a plan at a time."""


def _names(kind: str, path: str) -> list[tuple[str, str]]:
    """(ptr, fid) of the facts of the first `_NAMED` entries of a list: two f-strings less an element fact."""
    return [(f"{path}/{index}", f"{kind}:{path}/{index}") for index in range(_NAMED)]


def _name(kind: str, path: str, index: int) -> tuple[str, str]:
    """(ptr, fid) of an entry past the first `_NAMED`."""
    return f"{path}/{index}", f"{kind}:{path}/{index}"


_GOAL = _names("goal", "/goals")
_METRIC = _names("metric", "/metrics")
_RESEARCH = _names("research", "/audience/research")
_SEGMENT = _names("segment", "/audience/segments")
_CHANNEL = _names("channel", "/channels")
_MEMBER = _names("member", "/committee/members")
_MILESTONE = _names("milestone", "/celebration/milestones")


def _days(cadence: str | None) -> int | None:
    return None if cadence is None else _CADENCE_DAYS[cadence]


def build_facts(plan: PlanData) -> list[Fact]:
    """All data facts of a validated plain plan, in document order (the trigger is added by the engine).

    Every key that has a default in the model may be absent: it is read with that default.
    """
    humans = Humans(plan)
    org = plan["organization"]
    fact: Fact = {"kind": "organization", "fid": "organization:/organization", "ptr": "/organization"}
    if (name := org.get("name")) is not None:
        fact["name"] = name
    fact["type"] = org.get("type", _ORGANIZATION_TYPE)
    if (size := org.get("size")) is not None:
        fact["size"] = size
    if (staff_hours := _num(org.get("staff_hours_per_week"))) is not None:
        fact["staff_hours"] = staff_hours
    facts = [fact]
    info = plan.get("plan")
    if info is not None:
        start_day = _day(info.get("start_date"))
        as_of_day = _day(info.get("as_of"))
        fact = {"kind": "info", "fid": "info:/plan", "ptr": "/plan"}
        if (title := info.get("title")) is not None:
            fact["title"] = title
        fact["language"] = info.get("language", _LANGUAGE)
        if start_day is not None:
            fact["start_day"] = start_day
        if (horizon_months := _num(info.get("horizon_months"))) is not None:
            fact["horizon_months"] = horizon_months
        if as_of_day is not None:
            fact["as_of_day"] = as_of_day
        if as_of_day is not None and start_day is not None:
            fact["plan_age_days"] = as_of_day - start_day
        if (plan_owner := info.get("owner")) is not None:
            fact["owner"] = plan_owner
        facts.append(fact)
    if plan.get("committee") is not None:
        _committee_facts(plan, humans, facts)
    goals = plan.get("goals", _NONE)
    metrics = plan.get("metrics", _NONE)
    goal_metric_ids: set[str] = set()
    goals_using: dict[str, int] = {}  # metric id -> goals naming it
    metric_kinds: dict[str, str] = {metric["id"]: metric["kind"] for metric in metrics}
    fundraising_goals = 0
    primary_goals = 0
    for index, goal in enumerate(goals):
        goal_metrics = goal.get("metrics", _NONE)
        for mid in set(goal_metrics):
            goals_using[mid] = goals_using.get(mid, 0) + 1
        goal_metric_ids.update(goal_metrics)
        kinds = [metric_kinds[mid] for mid in goal_metrics if mid in metric_kinds]
        donations_only = kinds.count(_DONATIONS) == len(kinds) if kinds else None
        fundraising = goal["category"] == _FUNDRAISING or bool(donations_only)
        fundraising_goals += fundraising
        primary = goal.get("primary", False)
        primary_goals += primary
        ptr, fid = _GOAL[index] if index < _NAMED else _name("goal", "/goals", index)
        fact = {"kind": "goal", "fid": fid, "ptr": ptr, "goal": goal["id"]}
        if (statement := goal.get("statement")) is not None:
            fact["statement"] = statement
        fact["category"] = goal["category"]
        fact["fundraising"] = fundraising
        if donations_only is not None:
            fact["donations_only"] = donations_only
        if kinds:
            fact["vanity_only"] = _VANITY.issuperset(kinds)
        fact["primary"] = primary
        fact["metric_count"] = len(goal_metrics)
        if (target_value := _num(goal.get("target_value"))) is not None:
            fact["target_value"] = target_value
        if (target_day := _day(goal.get("target_date"))) is not None:
            fact["target_day"] = target_day
        fact["has_objective"] = goal.get("objective") is not None
        facts.append(fact)
    sourced_metrics = 0
    for index, metric in enumerate(metrics):
        baseline = metric.get("baseline")
        vanity = metric["kind"] in _VANITY
        if metric.get("source") and metric["id"] in goal_metric_ids and not vanity:
            sourced_metrics += 1
        ptr, fid = _METRIC[index] if index < _NAMED else _name("metric", "/metrics", index)
        fact = {"kind": "metric", "fid": fid, "ptr": ptr, "metric": metric["id"]}
        if (name := metric.get("name")) is not None:
            fact["name"] = name
        fact["type"] = metric["kind"]
        fact["vanity"] = vanity
        if (source := metric.get("source")) is not None:
            fact["source"] = source
        if baseline is not None:
            fact["baseline_value"] = _num(baseline["value"])
            fact["baseline_day"] = _epoch(baseline["date"])
        fact["goal_count"] = goals_using.get(metric["id"], 0)
        facts.append(fact)
    tracking = plan.get("tracking")
    if tracking is not None:
        fact = {"kind": "tracking", "fid": "tracking:/tracking", "ptr": "/tracking"}
        if (sheet := tracking.get("sheet")) is not None:
            fact["sheet"] = sheet
        if (tracking_start := _day(tracking.get("start_date"))) is not None:
            fact["start_day"] = tracking_start
        if (web_analytics := tracking.get("web_analytics")) is not None:
            fact["web_analytics"] = web_analytics
        if (utm := tracking.get("utm_convention")) is not None:
            fact["utm"] = utm
        facts.append(fact)
    if plan.get("policies") is not None:
        _policy_facts(plan, humans, facts)
    research_days: list[int] = []
    audience = plan.get("audience")
    segments = audience.get("segments", _NONE) if audience is not None else _NONE
    audience_research: dict[str, int] = {}  # research id -> its epoch day, for audience research only
    insider_research = 0
    assumption_segments = 0
    segment_platforms: dict[str, set[str]] = {}
    segment_latest: dict[str, int] = {}  # segment id -> the day of the latest audience research it rests on
    if audience is not None:
        for index, research in enumerate(audience.get("research", _NONE)):
            day = _epoch(research["date"])
            is_audience = is_audience_research(research)
            if is_audience:
                research_days.append(day)
                audience_research[research["id"]] = day
            else:
                insider_research += 1
            ptr, fid = _RESEARCH[index] if index < _NAMED else _name("research", "/audience/research", index)
            fact = {
                "kind": "research",
                "fid": fid,
                "ptr": ptr,
                "research": research["id"],
                "method": research["method"],
                "day": day,
            }
            if (respondents := _num(research.get("respondents"))) is not None:
                fact["respondents"] = respondents
            fact["participants"] = sorted(research.get("participants", _NONE))
            fact["audience"] = is_audience
            facts.append(fact)
        for index, segment in enumerate(segments):
            rests_on = segment.get("research", _NONE)
            platforms = segment.get("platforms", _NONE)
            evidenced = _evidenced(segment["evidence"], rests_on, audience_research)
            assumption_segments += not evidenced
            segment_platforms[segment["id"]] = set(platforms)
            days = [audience_research[rid] for rid in rests_on if rid in audience_research]
            if days:
                segment_latest[segment["id"]] = max(days)
            else:
                segment_latest.pop(segment["id"], None)  # of two segments with one id, the last is read
            ptr, fid = _SEGMENT[index] if index < _NAMED else _name("segment", "/audience/segments", index)
            fact = {"kind": "segment", "fid": fid, "ptr": ptr, "segment": segment["id"]}
            if (name := segment.get("name")) is not None:
                fact["name"] = name
            fact["evidence"] = segment["evidence"]
            fact["platforms"] = list(platforms)
            fact["research_count"] = len(rests_on)
            fact["evidenced"] = evidenced
            facts.append(fact)
    first_research_day = min(research_days) if research_days else None
    content = plan.get("content")
    calendar = content.get("calendar") if content is not None else None
    calendar_channels = set(calendar.get("channels", _NONE)) if calendar is not None else set()
    channels = plan.get("channels", _NONE)
    active_hours = 0.0
    active_channels = planned_channels = 0
    for index, channel in enumerate(channels):
        status = channel.get("status", _CHANNEL_STATUS)
        active = status == "active"
        hours = channel.get("hours_per_week")
        if active:
            active_channels += 1
            if hours is not None:
                active_hours += hours
        elif status == "planned":
            planned_channels += 1
        account = channel.get("account")
        platform = channel["platform"]
        channel_segments = channel.get("segments", _NONE)
        owner = channel.get("owner")
        selected_day = _day(channel.get("selected_on"))
        reconfirmed_day = _day(channel.get("reconfirmed_on"))
        if account is not None:
            admins = account.get("admins", _NONE)
            handle = account.get("handle")
        else:
            admins = _NONE
            handle = None
        on_platform: bool | None = None  # one of its segments gathers on its platform (None: no segments)
        reconfirmed_by_research = False  # ... and rests on audience research dated after the channel was selected
        if channel_segments:
            on_platform = False
            for sid in channel_segments:
                if platform in segment_platforms.get(sid, ()):
                    on_platform = True
                    latest = segment_latest.get(sid)
                    if selected_day is not None and latest is not None and latest > selected_day:
                        reconfirmed_by_research = True
                        break
        ptr, fid = _CHANNEL[index] if index < _NAMED else _name("channel", "/channels", index)
        fact = {
            "kind": "channel",
            "fid": fid,
            "ptr": ptr,
            "channel": channel["id"],
            "name": handle if handle else channel["id"],
            "platform": platform,
            "status": status,
            "active": active,
        }
        if selected_day is not None:
            fact["selected_day"] = selected_day
        fact["has_rationale"] = channel.get("rationale") is not None
        fact["segment_count"] = len(channel_segments)
        if on_platform is not None:
            fact["audience_on_platform"] = on_platform
        if owner is not None:
            fact["owner"] = owner
            fact["owner_current"] = humans.current(owner)
        if hours is not None:
            fact["hours"] = _num(hours)
        if (posts_per_week := _num(channel.get("posts_per_week"))) is not None:
            fact["posts_per_week"] = posts_per_week
        if (last_post_day := _day(channel.get("last_post_on"))) is not None:
            fact["last_post_day"] = last_post_day
        fact["has_account"] = account is not None
        fact["admins"] = humans.count(admins)
        fact["admins_listed"] = len(set(admins))
        fact["personal"] = account is not None and account.get("ownership") == "personal"
        if reconfirmed_day is not None:
            fact["reconfirmed_day"] = reconfirmed_day
        if reconfirmed_day is not None and first_research_day is not None:
            fact["reconfirmed_after_research"] = reconfirmed_day >= first_research_day
        fact["reconfirmed_by_research"] = reconfirmed_by_research
        if account is not None and (two_factor := account.get("two_factor")) is not None:
            fact["two_factor"] = two_factor
        fact["in_calendar"] = channel["id"] in calendar_channels
        facts.append(fact)
    _section_facts(plan, facts)
    celebration = plan.get("celebration")
    fact = {
        "kind": "plan",
        "fid": "plan:",
        "ptr": "",
        "people": len(plan.get("people", _NONE)),
        "goals": len(goals),
        "fundraising_goals": fundraising_goals,
        "primary_goals": primary_goals,
        "metrics": len(metrics),
        "goal_metrics": len(goal_metric_ids & metric_kinds.keys()),
        "goal_outcome_metrics": sum(
            1 for mid in goal_metric_ids if mid in metric_kinds and metric_kinds[mid] not in _VANITY
        ),
        "sourced_metrics": sourced_metrics,
        "channels": len(channels),
        "active_channels": active_channels,
        "planned_channels": planned_channels,
        "active_hours": _num(active_hours),
        "research": len(research_days),
        "insider_research": insider_research,
        "segments": len(segments),
        "assumption_segments": assumption_segments,
    }
    if first_research_day is not None:
        fact["first_research_day"] = first_research_day
    if research_days:
        fact["latest_research_day"] = max(research_days)
    fact["milestones"] = len(celebration.get("milestones", _NONE)) if celebration is not None else 0
    facts.append(fact)
    return facts


def _evidenced(evidence: str, research: Sequence[str], audience_research: dict[str, int]) -> bool:
    """A segment rests on evidence: not an assumption, nor only on research that asked staff or board."""
    return evidence != "assumption" and (not research or not audience_research.keys().isdisjoint(research))


def _committee_facts(plan: PlanData, humans: Humans, facts: list[Fact]) -> None:
    committee = plan["committee"]
    members = committee.get("members", _NONE)
    people = {person["id"]: person for person in plan.get("people", _NONE)}
    departments: set[str] = set()
    traits: set[str] = set()
    member_facts: list[Fact] = []
    for index, member in enumerate(members):
        pid = member["person"]
        person = people.get(pid)
        department = person.get("department") if person is not None else None
        department = department.strip().lower() if department else None
        member_traits = member.get("traits", _NONE)
        current = humans.current(pid)
        if current:
            if department:
                departments.add(department)
            traits.update(member_traits)
        ptr, fid = _MEMBER[index] if index < _NAMED else _name("member", "/committee/members", index)
        fact: Fact = {"kind": "member", "fid": fid, "ptr": ptr, "person": pid}
        if (name := person.get("name") if person is not None else pid) is not None:
            fact["name"] = name
        if department is not None:
            fact["department"] = department
        fact["traits"] = sorted(member_traits)
        fact["current"] = current
        member_facts.append(fact)
    fact = {
        "kind": "committee",
        "fid": "committee:/committee",
        "ptr": "/committee",
        "members": humans.count(member["person"] for member in members),
        "members_listed": len({member["person"] for member in members}),
        "departments": len(departments),
        "traits": len(traits),
        "missing_traits": [trait for trait in _TRAITS if trait not in traits],
    }
    if (meets_days := _days(committee.get("meets"))) is not None:
        fact["meets_days"] = meets_days
    facts.append(fact)
    facts.extend(member_facts)


def _policy_facts(plan: PlanData, humans: Humans, facts: list[Fact]) -> None:
    policies = plan["policies"]
    fact: Fact = {"kind": "policies", "fid": "policies:/policies", "ptr": "/policies"}
    if (enforcement := policies.get("enforcement")) is not None:
        fact["enforcement"] = enforcement
    if (credential_storage := policies.get("credential_storage")) is not None:
        fact["credential_storage"] = credential_storage
    facts.append(fact)
    policy = policies.get("social_media_policy")
    if policy is not None:
        reviewed_by = policy.get("reviewed_by", _NONE)
        adopted_day = _day(policy.get("adopted_on"))
        last_reviewed_day = _day(policy.get("last_reviewed"))
        fact = {
            "kind": "policy",
            "fid": "policy:/policies/social_media_policy",
            "ptr": "/policies/social_media_policy",
            "reviewers": sorted(reviewed_by),
            "legal_or_hr": bool(_LEGAL_OR_HR.intersection(reviewed_by)),
        }
        if adopted_day is not None:
            fact["adopted_day"] = adopted_day
        if last_reviewed_day is not None:
            fact["last_reviewed_day"] = last_reviewed_day
        if adopted_day is not None or last_reviewed_day is not None:  # the later of the two
            fact["reviewed_day"] = max(day for day in (adopted_day, last_reviewed_day) if day is not None)
        facts.append(fact)
    crisis = policies.get("crisis_plan")
    if crisis is not None:
        contacts = crisis.get("contacts", _NONE)
        responder = crisis.get("responder")
        if responder is None:
            responder = next(iter(contacts), None)
        backup = crisis.get("backup_responder")
        fact = {
            "kind": "crisis",
            "fid": "crisis:/policies/crisis_plan",
            "ptr": "/policies/crisis_plan",
            "contacts": humans.count(contacts),
            "contacts_listed": len(set(contacts)),
            "backup": backup is not None
            and humans.current(backup)
            and (responder is None or humans.human(backup) != humans.human(responder)),
            "backup_named": backup is not None,
        }
        if (first_response_hours := _num(crisis.get("first_response_hours"))) is not None:
            fact["first_response_hours"] = first_response_hours
        if (last_reviewed_day := _day(crisis.get("last_reviewed"))) is not None:
            fact["last_reviewed_day"] = last_reviewed_day
        facts.append(fact)
    training = policies.get("training")
    if training is not None:
        fact = {"kind": "training", "fid": "training:/policies/training", "ptr": "/policies/training"}
        if (last_day := _day(training.get("last_session"))) is not None:
            fact["last_day"] = last_day
        fact["topics"] = len(training.get("topics", _NONE))
        facts.append(fact)


def _section_facts(plan: PlanData, facts: list[Fact]) -> None:
    listening = plan.get("listening")
    if listening is not None:
        fact: Fact = {
            "kind": "listening",
            "fid": "listening:/listening",
            "ptr": "/listening",
            "keywords": len(listening.get("keywords", _NONE)),
        }
        if (cadence_days := _days(listening.get("cadence"))) is not None:
            fact["cadence_days"] = cadence_days
        fact["peers"] = len(listening.get("peers_followed", _NONE))
        facts.append(fact)
    tools = plan.get("tools")
    if tools is not None:
        fact = {
            "kind": "tools",
            "fid": "tools:/tools",
            "ptr": "/tools",
            "has_scheduler": tools.get("scheduler") is not None,
        }
        if (scheduler := tools.get("scheduler")) is not None:
            fact["scheduler"] = scheduler
        if (live_check_days := _days(tools.get("live_check"))) is not None:
            fact["live_check_days"] = live_check_days
        if (automated_percent := _num(tools.get("automated_percent"))) is not None:
            fact["automated_percent"] = automated_percent
        facts.append(fact)
    engagement = plan.get("engagement")
    if engagement is not None:
        fact = {"kind": "engagement", "fid": "engagement:/engagement", "ptr": "/engagement"}
        if (reply_target_hours := _num(engagement.get("reply_target_hours"))) is not None:
            fact["reply_target_hours"] = reply_target_hours
        if (shares_others := engagement.get("shares_others")) is not None:
            fact["shares_others"] = shares_others
        if (acknowledges_sharers := engagement.get("acknowledges_sharers")) is not None:
            fact["acknowledges_sharers"] = acknowledges_sharers
        facts.append(fact)
    content = plan.get("content")
    if content is not None:
        calendar = content.get("calendar")
        fact = {
            "kind": "content",
            "fid": "content:/content",
            "ptr": "/content",
            "has_calendar": calendar is not None,
            "calendar_channels": len(set(calendar.get("channels", _NONE))) if calendar is not None else 0,
            "pillars": len(content.get("pillars", _NONE)),
        }
        if (fundraising_percent := _num(content.get("fundraising_percent"))) is not None:
            fact["fundraising_percent"] = fundraising_percent
        facts.append(fact)
    visuals = plan.get("visuals")
    if visuals is not None:
        formats = set(visuals.get("formats", _NONE))
        sources = sorted(set(visuals.get("sources", _NONE)))
        fact = {"kind": "visuals", "fid": "visuals:/visuals", "ptr": "/visuals"}
        if (share_percent := _num(visuals.get("share_percent"))) is not None:
            fact["share_percent"] = share_percent
        if (assets_per_month := _num(visuals.get("assets_per_month"))) is not None:
            fact["assets_per_month"] = assets_per_month
        fact["formats"] = len(formats)
        fact["format_list"] = sorted(formats)
        fact["sources"] = sources
        fact["source_count"] = len(sources)
        fact["own_sources"] = sum(source not in _BORROWED_VISUALS for source in sources)
        if (profile_images := visuals.get("profile_images")) is not None:
            fact["profile_images"] = profile_images
        facts.append(fact)
    measurement = plan.get("measurement")
    if measurement is not None:
        fact = {
            "kind": "measurement",
            "fid": "measurement:/measurement",
            "ptr": "/measurement",
            "tools": len(measurement.get("tools", _NONE)),
        }
        if (review_days := _days(measurement.get("review_cadence"))) is not None:
            fact["review_days"] = review_days
            fact["review_cadence"] = measurement["review_cadence"]
        fact["has_decision_rule"] = measurement.get("decision_rule") is not None
        if (last_review_day := _day(measurement.get("last_review"))) is not None:
            fact["last_review_day"] = last_review_day
        facts.append(fact)
    celebration = plan.get("celebration")
    if celebration is not None:
        milestones = celebration.get("milestones", _NONE)
        fact = {
            "kind": "celebration",
            "fid": "celebration:/celebration",
            "ptr": "/celebration",
            "milestones": len(milestones),
            "has_thanks": celebration.get("thanks") is not None,
        }
        facts.append(fact)
        for index, milestone in enumerate(milestones):
            ptr, fid = _MILESTONE[index] if index < _NAMED else _name("milestone", "/celebration/milestones", index)
            fact = {"kind": "milestone", "fid": fid, "ptr": ptr, "milestone": milestone["id"]}
            if (description := milestone.get("description")) is not None:
                fact["description"] = description
            if (metric := milestone.get("metric")) is not None:
                fact["metric"] = metric
            if (value := _num(milestone.get("value"))) is not None:
                fact["value"] = value
            facts.append(fact)
