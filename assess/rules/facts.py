"""Facts: the validated plan flattened into what the rule engine matches on.

One fact per element the rules talk about (a goal, a metric, a channel, ...),
one fact per section present (``crisis``, ``visuals``, ...), and a ``plan``
fact of derived counts the engine cannot aggregate itself. `FACT_MODEL` below
is the documentation *and* the contract: the rule-pack compiler rejects a
condition that names a kind or a field not listed there, so a typo cannot
silently make a rule never match.

Normalisation, for durable_rules' sake (see docs on its traps):
- every fact has ``kind``, a unique ``fid`` and the JSON pointer ``ptr`` of the
  plan element it stands for; no fact has an ``id`` or ``sid`` data field;
- dates become epoch days (ints), since ISO strings compare wrongly once unpadded;
- numbers are ints, or floats rounded to 4 places (never exponent notation);
- an absent optional field is an absent key, so ``$nex`` tests it.

Facts are built from the plan *as stated*: a field holding a placeholder
("TODO", the starter's own texts...) is absent, as if it had not been written,
and a ``placeholder`` fact says where it stands (see `assess.rules.placeholders`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from assess.plan.enums import (
    CADENCE_DAYS,
    INSIDERS,
    VANITY_METRICS,
    GoalCategory,
    Language,
    MetricKind,
    Reviewer,
    Trait,
    VisualSource,
)

_EPOCH = dt.date(1970, 1, 1).toordinal()

Fact = dict[str, Any]

PlanData = dict[str, Any]
"""A plan as its document gives it, once validated: plain JSON values, dates as ISO strings, enum
values as strings, and every key that has a default in `assess.plan.model` possibly absent."""

# The plain plan is read as it is, with no pydantic (issue 15): enumerations are compared by value,
# and an absent key stands for the model's default (assess/plan/model.py): an empty list, a goal
# not primary, an active channel, a plan in English, an organisation of type "other".
_NONE: tuple[Any, ...] = ()
_ORGANIZATION_TYPE = "other"
_LANGUAGE = Language.EN.value
_CHANNEL_STATUS = "active"
_CADENCE_DAYS: dict[str, int] = {cadence.value: days for cadence, days in CADENCE_DAYS.items()}
_VANITY = frozenset(kind.value for kind in VANITY_METRICS)
_INSIDERS = frozenset(participant.value for participant in INSIDERS)
_TRAITS = tuple(trait.value for trait in Trait)
_DONATIONS = MetricKind.DONATIONS.value
_FUNDRAISING = GoalCategory.FUNDRAISING.value
_LEGAL_OR_HR = frozenset({Reviewer.LEGAL.value, Reviewer.HR.value})
_BORROWED_VISUALS = frozenset({VisualSource.LOGO.value, VisualSource.STOCK.value})

# kind -> field -> description. Every fact also has kind, fid and ptr.
FACT_MODEL: dict[str, dict[str, str]] = {
    "plan": {
        "people": "number of people listed",
        "goals": "number of goals",
        "fundraising_goals": "fundraising goals: by category, or because every metric they name counts donations",
        "primary_goals": "goals marked primary",
        "metrics": "number of metrics",
        "goal_metrics": "distinct metrics referenced by goals",
        "goal_outcome_metrics": "distinct metrics referenced by goals that are not vanity counts",
        "sourced_metrics": "metrics a goal uses, not vanity counts, that say where their number comes from",
        "channels": "number of channels (any status)",
        "active_channels": "channels whose status is active",
        "planned_channels": "channels whose status is planned",
        "active_hours": "sum of hours_per_week over active channels that state it",
        "research": "audience research entries (research that asked only staff or board is not counted)",
        "insider_research": "research entries that asked only staff or board (their opinion, not audience research)",
        "segments": "number of audience segments",
        "assumption_segments": "segments without evidence: 'assumption', or resting only on staff or board opinion",
        "evidenced_segments": "segments resting on evidence (segments - assumption_segments)",
        "first_research_day": "epoch day of the earliest audience research (absent without research)",
        "latest_research_day": "epoch day of the latest audience research (absent without research)",
        "analytics_named": "true when a web analytics tool is named (tracking.web_analytics, or among the measurement "
        "tools), as on the tracking fact: for plans without a tracking section",
        "milestones": "number of milestones",
    },
    "organization": {
        "name": "organisation name",
        "type": "organisation type",
        "size": "small, medium or large",
        "staff_hours": "staff hours per week for social media",
    },
    "info": {
        "title": "plan title",
        "language": "plan language (en, fr)",
        "start_day": "plan start (epoch day)",
        "horizon_months": "months the plan covers",
        "as_of_day": "the date the plan's facts were true (epoch day)",
        "plan_age_days": "days from the plan's start to its as-of date (negative before the start; absent unless both)",
        "owner": "person id of the plan owner",
    },
    "committee": {
        "members": "distinct current humans among the members (same_as entries count once; people who left not at all)",
        "members_listed": "distinct person ids listed as members",
        "departments": "distinct departments among current members (members without a department not counted)",
        "traits": "distinct traits covered by current members (of the five)",
        "missing_traits": "list of the five traits no member covers",
        "meets_days": "interval in days between meetings",
    },
    "member": {
        "person": "person id",
        "name": "person name",
        "department": "department",
        "traits": "list of traits",
        "current": "false when the person (or the same human under another entry) left before the as-of date",
    },
    "goal": {
        "goal": "goal id",
        "statement": "goal statement",
        "category": "goal category",
        "fundraising": "true when the category is fundraising, or every metric it names counts donations",
        "donations_only": "true when it names metrics and every one counts donations (absent without metrics)",
        "vanity_only": "true when it names metrics and every one is a vanity count (absent without metrics)",
        "primary": "true when marked primary",
        "metric_count": "number of metrics referenced",
        "target_value": "target value",
        "target_day": "target date (epoch day)",
        "has_objective": "true when tied to an organisational objective",
    },
    "metric": {
        "metric": "metric id",
        "name": "metric name",
        "type": "metric kind (followers, email_signups, ...)",
        "vanity": "true for followers, likes, impressions, reach",
        "source": "where the number comes from",
        "baseline_value": "baseline value",
        "baseline_day": "baseline date (epoch day)",
        "goal_count": "number of goals using this metric",
    },
    "tracking": {
        "sheet": "tracking sheet name or link",
        "analytics_named": "true when a web analytics tool is named: web_analytics, or a measurement tool that is one "
        "(Google Analytics, Matomo, Plausible...: WEB_ANALYTICS_PRODUCTS)",
        "start_day": "tracking start (epoch day)",
        "web_analytics": "web analytics tool",
        "utm": "UTM convention",
    },
    "policies": {
        "enforcement": "educate, mixed or punitive",
        "credential_storage": "where passwords are kept",
    },
    "policy": {
        "reviewers": "list of reviewers (legal, hr, ...)",
        "legal_or_hr": "true when reviewed by legal or HR",
        "adopted_day": "adoption date (epoch day)",
        "last_reviewed_day": "last review (epoch day)",
        "reviewed_day": "the later of the last review and the adoption (epoch day; absent without either)",
    },
    "crisis": {
        "contacts": "distinct current humans among the crisis contacts",
        "contacts_listed": "distinct person ids listed as crisis contacts",
        "backup": "true when the backup responder is a current human other than the responder (the first contact "
        "when no responder is named)",
        "backup_named": "true when a backup responder is named",
        "backup_gap": "why there is no real backup (for messages): no_backup (none named), backup_same_person (the "
        "responder under another entry), backup_left (left the organisation); absent when the backup is real",
        "first_response_hours": "hours to the first public response",
        "last_reviewed_day": "last review (epoch day)",
    },
    "training": {
        "last_day": "date of the last training (epoch day)",
        "topics": "number of topics covered",
    },
    "research": {
        "research": "research id",
        "method": "research method",
        "day": "completion date (epoch day)",
        "respondents": "number of respondents",
        "participants": "list of whom it asked or observed",
        "audience": "false when it asked only staff or board (true when participants are unstated)",
    },
    "segment": {
        "segment": "segment id",
        "name": "segment name",
        "evidence": "survey, interviews, analytics, research or assumption",
        "platforms": "list of platforms where the segment gathers",
        "research_count": "research entries it rests on",
        "evidenced": "true when its evidence is not 'assumption' and it does not rest only on staff or board opinion",
    },
    "channel": {
        "channel": "channel id",
        "name": "what messages call it: the account's handle when given, else the channel id",
        "platform": "platform",
        "status": "planned, active, paused or retired",
        "active": "true when status is active",
        "selected_day": "date the channel was chosen (epoch day)",
        "has_rationale": "true when a rationale is given",
        "segment_count": "number of audience segments reached",
        "audience_on_platform": "true when one of its segments gathers on its platform (absent without segments)",
        "audience_evidenced": "true when one of its segments that gathers on its platform rests on evidence (absent "
        "when none gathers there)",
        "audience_evidence_day": "the latest audience research behind those segments (epoch day; absent when one "
        "of them rests on undated evidence, such as analytics with no research entry, or none does)",
        "owner": "person id of the owner",
        "owner_current": "false when the owner left before the as-of date (absent without owner)",
        "admins_left": "the names of listed admins who have left, as the plan's people give them (for messages; absent "
        "when none has)",
        "owner_name": "the name of an owner who left, as the plan's people give it (for messages; absent otherwise)",
        "hours": "staff hours per week",
        "posts_per_week": "posts per week",
        "last_post_day": "date of the latest post (epoch day)",
        "has_account": "true when account details are given",
        "admins": "distinct current humans among the full-control admins (same_as entries count once)",
        "admins_listed": "distinct person ids listed as admins",
        "personal": "true when the account is someone's personal profile or account",
        "reconfirmed_day": "date the channel was re-checked against audience research (epoch day)",
        "reconfirmed_after_research": "true when reconfirmed_day is on or after the first audience research "
        "(absent without reconfirmed_day or research)",
        "reconfirmed_by_research": "true when one of its segments gathers on its platform and rests on audience "
        "research dated after the channel was selected",
        "two_factor": "true/false when stated",
        "in_calendar": "true when the editorial calendar covers it",
    },
    "listening": {
        "keywords": "number of keywords monitored",
        "cadence_days": "interval in days between listening sessions",
        "peers": "number of peer organisations followed",
    },
    "tools": {
        "has_scheduler": "true when a scheduler or dashboard is named",
        "scheduler": "its name",
        "live_check_days": "interval in days between live check-ins",
        "automated_percent": "share of posts published automatically",
    },
    "engagement": {
        "reply_target_hours": "reply target in hours",
        "shares_others": "true/false when stated",
        "acknowledges_sharers": "true/false when stated",
    },
    "content": {
        "has_calendar": "true when an editorial calendar is given",
        "calendar_channels": "number of channels the calendar covers",
        "pillars": "number of content pillars",
        "fundraising_percent": "share of posts asking for money",
    },
    "visuals": {
        "share_percent": "target share of visual posts",
        "assets_per_month": "visual assets produced per month",
        "formats": "number of distinct formats",
        "format_list": "list of formats",
        "sources": "list of sources",
        "source_count": "number of distinct sources named (0 when the plan does not say where visuals come from)",
        "own_sources": "number of sources that are not logo or stock",
        "profile_images": "sized, stretched_logo or missing",
    },
    "measurement": {
        "tools": "number of measurement tools",
        "review_days": "interval in days between reviews",
        "review_cadence": "the review cadence as the plan states it (monthly, quarterly, yearly...), for messages",
        "has_decision_rule": "true when a rule for acting on results is written",
        "last_review_day": "last review (epoch day)",
    },
    "celebration": {
        "milestones": "number of milestones",
        "has_thanks": "true when thanks are planned",
    },
    "milestone": {
        "milestone": "milestone id",
        "description": "what is celebrated",
        "metric": "metric id",
        "value": "milestone value",
    },
    "placeholder": {
        "field": "the field holding it, e.g. goals[0].statement (ptr is its JSON pointer)",
        "text": "the placeholder as written (shortened)",
        "marker": "what marks it: a word such as TODO, an example.org address, or the whole text",
        "starter": "true when it is the text `assess init` wrote",
        "names_element": "true when it names its element (a goal's statement...), which is then absent too",
        "kept": "true when it flags a detail of an element's written name (the element and the text stay)",
    },
}
"""Every fact kind and its fields (besides kind, fid and ptr)."""

TRIGGER_KIND = "assess"
"""The trigger fact, asserted after every data fact (see engine.py)."""


def epoch_day(value: dt.date) -> int:
    return value.toordinal() - _EPOCH


def from_epoch_day(day: int) -> dt.date:
    return dt.date.fromordinal(day + _EPOCH)


def _number(value: float) -> int | float:
    """An int when integral, else a float rounded so that it never prints with an exponent."""
    if float(value).is_integer():
        return int(value)
    rounded = round(value, 4)
    return int(rounded) if rounded.is_integer() else rounded


SECTIONS: dict[str, str] = {
    "organization": "/organization",
    "info": "/plan",
    "tracking": "/tracking",
    "plan": "",
    "committee": "/committee",
    "policies": "/policies",
    "policy": "/policies/social_media_policy",
    "crisis": "/policies/crisis_plan",
    "training": "/policies/training",
    "listening": "/listening",
    "tools": "/tools",
    "engagement": "/engagement",
    "content": "/content",
    "visuals": "/visuals",
    "measurement": "/measurement",
    "celebration": "/celebration",
}
"""Where each one-of-a-kind fact stands in the plan (kind -> JSON pointer): the facts' ``ptr``, and
where a finding about a missing one points."""


class Humans:
    """Who the plan's people are: entries joined by ``same_as`` into humans, and who is still there.

    Rules count humans, not ids: 'maria' and 'maria-personal' (same_as 'maria') are one
    human, so one cannot be the other's backup; a person whose ``left_on`` is before the
    plan's as-of date (its start date when there is none; any departure when neither is
    stated) is not a current person, and a human has left when any of their entries has.
    An id not in ``people`` is its own human, and current (references are checked elsewhere).
    """

    __slots__ = ("_human", "_left")

    def __init__(self, plan: PlanData) -> None:
        people = plan.get("people", _NONE)
        joined = False
        departed: list[Any] = []
        for person in people:
            if person.get("same_as") is not None:
                joined = True
            if person.get("left_on") is not None:
                departed.append(person)
        # pid -> the first entry of its human: empty when no entry is joined to another (most plans)
        self._human: dict[str, str] = _joined(people) if joined else {}
        self._left: set[str] = set()
        if departed:
            info = plan.get("plan")
            reference = _day(info.get("as_of") or info.get("start_date")) if info is not None else None
            human = self._human
            self._left = {
                human.get(person["id"], person["id"])
                for person in departed
                if reference is None or _epoch(person["left_on"]) < reference
            }

    def human(self, pid: str) -> str:
        """The id of the first entry of this person's human."""
        return self._human.get(pid, pid)

    def current(self, pid: str) -> bool:
        """Whether this person has not left the organisation as of the plan's date."""
        return self._human.get(pid, pid) not in self._left

    def count(self, pids: Iterable[str]) -> int:
        """Distinct current humans among these people."""
        human = self._human
        if not human:  # no entry joined to another: each id is its own human
            return len(set(pids) - self._left)
        return len({human.get(pid, pid) for pid in pids} - self._left)


def _joined(people: Sequence[PlanData]) -> dict[str, str]:
    """Each person's human: the first entry (in ``people`` order) of the entries ``same_as`` joins."""
    parent = {person["id"]: person["id"] for person in people}
    order = {person["id"]: index for index, person in enumerate(people)}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for person in people:
        same_as = person.get("same_as")
        if same_as is not None and same_as in parent:
            first, second = root(person["id"]), root(same_as)
            if first != second:
                keep, join = sorted((first, second), key=order.__getitem__)
                parent[join] = keep
    return {pid: root(pid) for pid in parent}


def is_audience_research(research: PlanData) -> bool:
    """Research of the audience: not only staff or board opinion (unstated participants are taken at their word)."""
    participants = research.get("participants")
    return not participants or not _INSIDERS.issuperset(participants)


def _fact(kind: str, ptr: str, **fields: Any) -> Fact:
    fact: Fact = {"kind": kind, "fid": f"{kind}:{ptr}", "ptr": ptr}
    for name, value in fields.items():
        if value is None:
            continue
        # Exact types first: most values are str, int or bool.
        cls = type(value)
        if cls is float:
            value = _number(value)
        elif cls is not str and cls is not int and cls is not bool:
            if isinstance(value, dt.date):
                value = epoch_day(value)
            elif isinstance(value, float):
                value = _number(value)
        fact[name] = value
    return fact


# The builders below write each fact as a dict display up to its first field that may be absent,
# then field by field, an absent one (None) left out: cheaper than `_fact`'s keyword arguments and
# per-field loop (~250 fields a plan), and the keys keep the order of `_fact`'s.
# tests/test_facts.py checks that no fact holds a None.


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
    analytics_named = (tracking is not None and tracking.get("web_analytics") is not None) or _analytics_tool(plan)
    if tracking is not None:
        fact = {"kind": "tracking", "fid": "tracking:/tracking", "ptr": "/tracking", "analytics_named": analytics_named}
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
    segment_evidenced: dict[str, bool] = {}  # segment id -> whether it rests on evidence (of two with one id, the last)
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
            segment_evidenced[segment["id"]] = evidenced
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
        evidenced_audience = False  # ... and rests on evidence
        evidence_day: int | None = None  # ... the latest research behind that evidence (None: undated, or none)
        undated_evidence = False
        if channel_segments:
            on_platform = False
            for sid in channel_segments:
                if platform in segment_platforms.get(sid, ()):
                    on_platform = True
                    latest = segment_latest.get(sid)
                    if segment_evidenced[sid]:
                        evidenced_audience = True
                        if latest is None:
                            undated_evidence = True
                        elif evidence_day is None or latest > evidence_day:
                            evidence_day = latest
                    if selected_day is not None and latest is not None and latest > selected_day:
                        reconfirmed_by_research = True
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
            if on_platform:
                fact["audience_evidenced"] = evidenced_audience
                if evidence_day is not None and not undated_evidence:
                    fact["audience_evidence_day"] = evidence_day
        if owner is not None:
            fact["owner"] = owner
            fact["owner_current"] = owner_current = humans.current(owner)
            if not owner_current:  # a message names who left as the client knows them, not by the plan's id
                fact["owner_name"] = _person_name(plan, owner)
        if hours is not None:
            fact["hours"] = _num(hours)
        if (posts_per_week := _num(channel.get("posts_per_week"))) is not None:
            fact["posts_per_week"] = posts_per_week
        if (last_post_day := _day(channel.get("last_post_on"))) is not None:
            fact["last_post_day"] = last_post_day
        fact["has_account"] = account is not None
        fact["admins"] = humans.count(admins)
        fact["admins_listed"] = len(set(admins))
        if fact["admins"] < fact["admins_listed"]:  # someone left, or is listed twice: messages say which
            left = sorted({_person_name(plan, pid) for pid in admins if not humans.current(pid)})
            if left:
                fact["admins_left"] = left
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
        "evidenced_segments": len(segments) - assumption_segments,
        "analytics_named": analytics_named,
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
        gap = _backup_gap(backup, responder, humans)
        fact = {
            "kind": "crisis",
            "fid": "crisis:/policies/crisis_plan",
            "ptr": "/policies/crisis_plan",
            "contacts": humans.count(contacts),
            "contacts_listed": len(set(contacts)),
            "backup": gap is None,
            "backup_named": backup is not None,
        }
        if gap is not None:
            fact["backup_gap"] = gap
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


WEB_ANALYTICS_PRODUCTS = (
    "google analytics",
    "matomo",
    "piwik",
    "plausible",
    "fathom",
    "umami",
    "simple analytics",
    "adobe analytics",
    "wix analytics",
    "squarespace analytics",
    "jetpack stats",
    "cloudflare web analytics",
    "statcounter",
    "clicky",
)
"""Web analytics products, as a measurement tool names them (compared without case, anywhere in its text): a plan
that lists 'Google Analytics 4 (Marketing's account)' among its measurement tools measures visits from social
media even without a tracking section (ORG-03). Platform insights (Meta Business Suite...) measure no website."""


def _analytics_tool(plan: PlanData) -> bool:
    """Whether a measurement tool is a web analytics product (`WEB_ANALYTICS_PRODUCTS`)."""
    measurement = plan.get("measurement")
    tools = measurement.get("tools", _NONE) if measurement is not None else _NONE
    return any(product in tool.lower() for tool in tools for product in WEB_ANALYTICS_PRODUCTS)


def _person_name(plan: PlanData, pid: str) -> str:
    """A person's name as the plan gives it (their id when it gives none)."""
    for person in plan.get("people", _NONE):
        if person["id"] == pid:
            return str(person.get("name") or pid)
    return pid


def _backup_gap(backup: str | None, responder: str | None, humans: Humans) -> str | None:
    """Why a crisis plan's backup responder could not take over, or None when it could: a backup is a current
    human other than the responder. The reason is what POL-02 tells the client: a plan that names a backup
    must not hear that it names none."""
    if backup is None:
        return "no_backup"
    if responder is not None and humans.human(backup) == humans.human(responder):
        return "backup_same_person"
    if not humans.current(backup):
        return "backup_left"
    return None


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
