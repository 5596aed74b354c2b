"""Facts: the typed plan flattened into what the rule engine matches on.

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
from collections.abc import Iterable
from typing import Any

from assess.plan.model import (
    CADENCE_DAYS,
    INSIDERS,
    VANITY_METRICS,
    Cadence,
    GoalCategory,
    MetricKind,
    Plan,
    Research,
    Reviewer,
    Trait,
    VisualSource,
)

_EPOCH = dt.date(1970, 1, 1).toordinal()

Fact = dict[str, Any]

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
        "first_research_day": "epoch day of the earliest audience research (absent without research)",
        "latest_research_day": "epoch day of the latest audience research (absent without research)",
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
        "owner": "person id of the owner",
        "owner_current": "false when the owner left before the as-of date (absent without owner)",
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
        "own_sources": "number of sources that are not logo or stock",
        "profile_images": "sized, stretched_logo or missing",
    },
    "measurement": {
        "tools": "number of measurement tools",
        "review_days": "interval in days between reviews",
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

    def __init__(self, plan: Plan) -> None:
        parent = {person.id: person.id for person in plan.people}
        order = {person.id: index for index, person in enumerate(plan.people)}

        def root(pid: str) -> str:
            while parent[pid] != pid:
                parent[pid] = parent[parent[pid]]
                pid = parent[pid]
            return pid

        for person in plan.people:
            if person.same_as is not None and person.same_as in parent:
                first, second = root(person.id), root(person.same_as)
                if first != second:
                    keep, join = sorted((first, second), key=order.__getitem__)
                    parent[join] = keep
        self._human = {pid: root(pid) for pid in parent}
        info = plan.plan
        reference = (info.as_of or info.start_date) if info is not None else None
        self._left = {
            self._human[person.id]
            for person in plan.people
            if person.left_on is not None and (reference is None or person.left_on < reference)
        }

    def human(self, pid: str) -> str:
        """The id of the first entry of this person's human."""
        return self._human.get(pid, pid)

    def current(self, pid: str) -> bool:
        """Whether this person has not left the organisation as of the plan's date."""
        return self.human(pid) not in self._left

    def count(self, pids: Iterable[str]) -> int:
        """Distinct current humans among these people."""
        return len({self.human(pid) for pid in pids if self.current(pid)})


def is_audience_research(research: Research) -> bool:
    """Research of the audience: not only staff or board opinion (unstated participants are taken at their word)."""
    return not research.participants or not set(research.participants) <= INSIDERS


def _fact(kind: str, ptr: str, **fields: Any) -> Fact:
    fact: Fact = {"kind": kind, "fid": f"{kind}:{ptr}", "ptr": ptr}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = epoch_day(value)
        elif isinstance(value, float):
            value = _number(value)
        fact[name] = value
    return fact


def _days(cadence: Cadence | None) -> int | None:
    return None if cadence is None else CADENCE_DAYS[cadence]


def build_facts(plan: Plan) -> list[Fact]:
    """All data facts of a plan, in document order (the trigger is added by the engine)."""
    facts: list[Fact] = []
    people = {person.id: person for person in plan.people}
    humans = Humans(plan)
    org = plan.organization
    facts.append(
        _fact(
            "organization",
            SECTIONS["organization"],
            name=org.name,
            type=org.type,
            size=org.size,
            staff_hours=org.staff_hours_per_week,
        )
    )
    if plan.plan is not None:
        info = plan.plan
        facts.append(
            _fact(
                "info",
                SECTIONS["info"],
                title=info.title,
                language=info.language.value,
                start_day=info.start_date,
                horizon_months=info.horizon_months,
                as_of_day=info.as_of,
                plan_age_days=(info.as_of - info.start_date).days if info.as_of and info.start_date else None,
                owner=info.owner,
            )
        )
    if plan.committee is not None:
        facts.extend(_committee_facts(plan, people, humans))
    goal_metric_ids: set[str] = set()
    metric_kinds = {metric.id: metric.kind for metric in plan.metrics}
    fundraising_goals = 0
    for index, goal in enumerate(plan.goals):
        goal_metric_ids.update(goal.metrics)
        kinds = [metric_kinds[mid] for mid in goal.metrics if mid in metric_kinds]
        donations_only = all(kind is MetricKind.DONATIONS for kind in kinds) if kinds else None
        fundraising = goal.category is GoalCategory.FUNDRAISING or bool(donations_only)
        fundraising_goals += fundraising
        facts.append(
            _fact(
                "goal",
                f"/goals/{index}",
                goal=goal.id,
                statement=goal.statement,
                category=goal.category.value,
                fundraising=fundraising,
                donations_only=donations_only,
                vanity_only=all(kind in VANITY_METRICS for kind in kinds) if kinds else None,
                primary=goal.primary,
                metric_count=len(goal.metrics),
                target_value=goal.target_value,
                target_day=goal.target_date,
                has_objective=goal.objective is not None,
            )
        )
    for index, metric in enumerate(plan.metrics):
        baseline = metric.baseline
        facts.append(
            _fact(
                "metric",
                f"/metrics/{index}",
                metric=metric.id,
                name=metric.name,
                type=metric.kind.value,
                vanity=metric.kind in VANITY_METRICS,
                source=metric.source,
                baseline_value=baseline.value if baseline else None,
                baseline_day=baseline.date if baseline else None,
                goal_count=sum(metric.id in goal.metrics for goal in plan.goals),
            )
        )
    if plan.tracking is not None:
        t = plan.tracking
        facts.append(
            _fact(
                "tracking",
                SECTIONS["tracking"],
                sheet=t.sheet,
                start_day=t.start_date,
                web_analytics=t.web_analytics,
                utm=t.utm_convention,
            )
        )
    if plan.policies is not None:
        facts.extend(_policy_facts(plan, humans))
    research_days: list[int] = []
    segments = plan.audience.segments if plan.audience else []
    audience_research = (
        {r.id: r.date for r in plan.audience.research if is_audience_research(r)} if plan.audience else {}
    )
    insider_research = 0
    if plan.audience is not None:
        for index, research in enumerate(plan.audience.research):
            audience = is_audience_research(research)
            if audience:
                research_days.append(epoch_day(research.date))
            else:
                insider_research += 1
            facts.append(
                _fact(
                    "research",
                    f"/audience/research/{index}",
                    research=research.id,
                    method=research.method.value,
                    day=research.date,
                    respondents=research.respondents,
                    participants=sorted(p.value for p in research.participants),
                    audience=audience,
                )
            )
        for index, segment in enumerate(segments):
            facts.append(
                _fact(
                    "segment",
                    f"/audience/segments/{index}",
                    segment=segment.id,
                    name=segment.name,
                    evidence=segment.evidence.value,
                    platforms=[p.value for p in segment.platforms],
                    research_count=len(segment.research),
                    evidenced=_evidenced(segment.evidence.value, segment.research, audience_research),
                )
            )
    segment_platforms = {segment.id: {p.value for p in segment.platforms} for segment in segments}
    segment_research = {
        segment.id: [audience_research[rid] for rid in segment.research if rid in audience_research]
        for segment in segments
    }
    calendar = plan.content.calendar if plan.content else None
    calendar_channels = set(calendar.channels) if calendar else set()
    active_hours = 0.0
    for index, channel in enumerate(plan.channels):
        active = channel.status == "active"
        if active and channel.hours_per_week is not None:
            active_hours += channel.hours_per_week
        account = channel.account
        facts.append(
            _fact(
                "channel",
                f"/channels/{index}",
                channel=channel.id,
                name=account.handle if account is not None and account.handle else channel.id,
                platform=channel.platform.value,
                status=channel.status,
                active=active,
                selected_day=channel.selected_on,
                has_rationale=channel.rationale is not None,
                segment_count=len(channel.segments),
                audience_on_platform=(
                    any(channel.platform.value in segment_platforms.get(sid, ()) for sid in channel.segments)
                    if channel.segments
                    else None
                ),
                owner=channel.owner,
                owner_current=humans.current(channel.owner) if channel.owner is not None else None,
                hours=channel.hours_per_week,
                posts_per_week=channel.posts_per_week,
                last_post_day=channel.last_post_on,
                has_account=account is not None,
                admins=humans.count(account.admins) if account else 0,
                admins_listed=len(set(account.admins)) if account else 0,
                personal=account is not None and account.ownership == "personal",
                reconfirmed_day=channel.reconfirmed_on,
                reconfirmed_after_research=(
                    epoch_day(channel.reconfirmed_on) >= min(research_days)
                    if channel.reconfirmed_on is not None and research_days
                    else None
                ),
                reconfirmed_by_research=channel.selected_on is not None
                and any(
                    channel.platform.value in segment_platforms.get(sid, ())
                    and any(day > channel.selected_on for day in segment_research.get(sid, ()))
                    for sid in channel.segments
                ),
                two_factor=account.two_factor if account else None,
                in_calendar=channel.id in calendar_channels,
            )
        )
    facts.extend(_section_facts(plan))
    goals = plan.goals
    facts.append(
        _fact(
            "plan",
            SECTIONS["plan"],
            people=len(plan.people),
            goals=len(goals),
            fundraising_goals=fundraising_goals,
            primary_goals=sum(goal.primary for goal in goals),
            metrics=len(plan.metrics),
            goal_metrics=len(goal_metric_ids & metric_kinds.keys()),
            goal_outcome_metrics=sum(
                1 for mid in goal_metric_ids if mid in metric_kinds and metric_kinds[mid] not in VANITY_METRICS
            ),
            sourced_metrics=sum(
                1
                for metric in plan.metrics
                if metric.source and metric.id in goal_metric_ids and metric.kind not in VANITY_METRICS
            ),
            channels=len(plan.channels),
            active_channels=sum(channel.status == "active" for channel in plan.channels),
            planned_channels=sum(channel.status == "planned" for channel in plan.channels),
            active_hours=active_hours,
            research=len(research_days),
            insider_research=insider_research,
            segments=len(segments),
            assumption_segments=sum(
                not _evidenced(segment.evidence.value, segment.research, audience_research) for segment in segments
            ),
            first_research_day=min(research_days) if research_days else None,
            latest_research_day=max(research_days) if research_days else None,
            milestones=len(plan.celebration.milestones) if plan.celebration else 0,
        )
    )
    return facts


def _evidenced(evidence: str, research: list[str], audience_research: dict[str, dt.date]) -> bool:
    """A segment rests on evidence: not an assumption, nor only on research that asked staff or board."""
    return evidence != "assumption" and (not research or any(rid in audience_research for rid in research))


def _committee_facts(plan: Plan, people: dict[str, Any], humans: Humans) -> Iterable[Fact]:
    committee = plan.committee
    assert committee is not None
    departments: set[str] = set()
    traits: set[str] = set()
    members: list[Fact] = []
    for index, member in enumerate(committee.members):
        person = people.get(member.person)
        department = person.department.strip().lower() if person and person.department else None
        current = humans.current(member.person)
        if current:
            if department:
                departments.add(department)
            traits.update(trait.value for trait in member.traits)
        members.append(
            _fact(
                "member",
                f"/committee/members/{index}",
                person=member.person,
                name=person.name if person else member.person,
                department=department,
                traits=sorted(trait.value for trait in member.traits),
                current=current,
            )
        )
    yield _fact(
        "committee",
        SECTIONS["committee"],
        members=humans.count(member.person for member in committee.members),
        members_listed=len({member.person for member in committee.members}),
        departments=len(departments),
        traits=len(traits),
        missing_traits=[trait.value for trait in Trait if trait.value not in traits],
        meets_days=_days(committee.meets),
    )
    yield from members


def _policy_facts(plan: Plan, humans: Humans) -> Iterable[Fact]:
    policies = plan.policies
    assert policies is not None
    yield _fact(
        "policies",
        SECTIONS["policies"],
        enforcement=policies.enforcement,
        credential_storage=policies.credential_storage.value if policies.credential_storage else None,
    )
    if policies.social_media_policy is not None:
        policy = policies.social_media_policy
        reviewers = sorted(reviewer.value for reviewer in policy.reviewed_by)
        yield _fact(
            "policy",
            SECTIONS["policy"],
            reviewers=reviewers,
            legal_or_hr=bool({Reviewer.LEGAL, Reviewer.HR} & set(policy.reviewed_by)),
            adopted_day=policy.adopted_on,
            last_reviewed_day=policy.last_reviewed,
            reviewed_day=max((d for d in (policy.adopted_on, policy.last_reviewed) if d is not None), default=None),
        )
    if policies.crisis_plan is not None:
        crisis = policies.crisis_plan
        responder = crisis.responder if crisis.responder is not None else next(iter(crisis.contacts), None)
        backup = crisis.backup_responder
        yield _fact(
            "crisis",
            SECTIONS["crisis"],
            contacts=humans.count(crisis.contacts),
            contacts_listed=len(set(crisis.contacts)),
            backup=backup is not None
            and humans.current(backup)
            and (responder is None or humans.human(backup) != humans.human(responder)),
            backup_named=backup is not None,
            first_response_hours=crisis.first_response_hours,
            last_reviewed_day=crisis.last_reviewed,
        )
    if policies.training is not None:
        training = policies.training
        yield _fact(
            "training",
            SECTIONS["training"],
            last_day=training.last_session,
            topics=len(training.topics),
        )


def _section_facts(plan: Plan) -> Iterable[Fact]:
    if plan.listening is not None:
        listening = plan.listening
        yield _fact(
            "listening",
            SECTIONS["listening"],
            keywords=len(listening.keywords),
            cadence_days=_days(listening.cadence),
            peers=len(listening.peers_followed),
        )
    if plan.tools is not None:
        tools = plan.tools
        yield _fact(
            "tools",
            SECTIONS["tools"],
            has_scheduler=tools.scheduler is not None,
            scheduler=tools.scheduler,
            live_check_days=_days(tools.live_check),
            automated_percent=tools.automated_percent,
        )
    if plan.engagement is not None:
        engagement = plan.engagement
        yield _fact(
            "engagement",
            SECTIONS["engagement"],
            reply_target_hours=engagement.reply_target_hours,
            shares_others=engagement.shares_others,
            acknowledges_sharers=engagement.acknowledges_sharers,
        )
    if plan.content is not None:
        content = plan.content
        yield _fact(
            "content",
            SECTIONS["content"],
            has_calendar=content.calendar is not None,
            calendar_channels=len(set(content.calendar.channels)) if content.calendar else 0,
            pillars=len(content.pillars),
            fundraising_percent=content.fundraising_percent,
        )
    if plan.visuals is not None:
        visuals = plan.visuals
        sources = sorted({source.value for source in visuals.sources})
        yield _fact(
            "visuals",
            SECTIONS["visuals"],
            share_percent=visuals.share_percent,
            assets_per_month=visuals.assets_per_month,
            formats=len(set(visuals.formats)),
            format_list=sorted({fmt.value for fmt in visuals.formats}),
            sources=sources,
            own_sources=sum(s not in (VisualSource.LOGO.value, VisualSource.STOCK.value) for s in sources),
            profile_images=visuals.profile_images,
        )
    if plan.measurement is not None:
        measurement = plan.measurement
        yield _fact(
            "measurement",
            SECTIONS["measurement"],
            tools=len(measurement.tools),
            review_days=_days(measurement.review_cadence),
            has_decision_rule=measurement.decision_rule is not None,
            last_review_day=measurement.last_review,
        )
    if plan.celebration is not None:
        celebration = plan.celebration
        yield _fact(
            "celebration",
            SECTIONS["celebration"],
            milestones=len(celebration.milestones),
            has_thanks=celebration.thanks is not None,
        )
        for index, milestone in enumerate(celebration.milestones):
            yield _fact(
                "milestone",
                f"/celebration/milestones/{index}",
                milestone=milestone.id,
                description=milestone.description,
                metric=milestone.metric,
                value=milestone.value,
            )
