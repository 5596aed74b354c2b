"""The typed plan: one pydantic model per section of a social media strategy plan.

These models are the single source of truth for the plan's shape:
``schemas/plan.schema.json`` is generated from them (``assess schema``; a test
checks the committed file is current). Every field has a description because
editors show it as hover help and the validator quotes it in error messages.

Conventions: ids are short slugs that other sections refer to; dates are ISO
8601 (``YYYY-MM-DD``); shares are whole percentages (0-100); optional fields
may be omitted, and an omitted field is "not stated", which the scoring reports
as missing information rather than as a failure where that is fairer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assess.plan.enums import (
    CADENCE_DAYS,
    INSIDERS,
    VANITY_METRICS,
    Cadence,
    CredentialStorage,
    Evidence,
    GoalCategory,
    Language,
    MetricKind,
    Participant,
    Platform,
    ResearchMethod,
    Reviewer,
    Trait,
    VisualFormat,
    VisualSource,
)
from assess.plan.patterns import (
    ID_PATTERN,
    MAX_ITEMS,
    ONE_LINE,
    POINTER_PATTERN,
    RULE_ID_PATTERN,
)

# The enumerations live in a module without pydantic (for the plain-data pipeline); re-exported here.
__all__ = [
    "CADENCE_DAYS",
    "INSIDERS",
    "VANITY_METRICS",
    "Cadence",
    "CredentialStorage",
    "Evidence",
    "GoalCategory",
    "Language",
    "MetricKind",
    "Participant",
    "Platform",
    "ResearchMethod",
    "Reviewer",
    "Trait",
    "VisualFormat",
    "VisualSource",
]

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        json_schema_extra=ONE_LINE,
        description="A short identifier (letters, digits, '.', '_' or '-', starting with a letter or digit, "
        "at most 64 characters), unique in its list.",
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Percent = Annotated[float, Field(ge=0, le=100)]
Hours = Annotated[float, Field(ge=0, le=168)]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
Amount = Annotated[float, Field(ge=0, le=1_000_000_000_000)]


def _empty_list() -> list[Any]:
    """A new empty list: a field's default. pydantic inspects a default factory's signature when it builds a
    schema; for the builtin `list` or `dict` that means parsing its text signature, 20 times slower than for
    a function (issue 15: the cold start builds ~60 such fields)."""
    return []


class _Section(BaseModel):
    # Validators and serializers are built on first use, not at import: a plan validates through
    # `Plan` alone, so the sections' own would be built for nothing on every start (issue 15).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# --------------------------------------------------------------------- step 0


class Organization(_Section):
    """Who the plan is for."""

    name: Name = Field(
        description="The organisation's name, as it should appear in reports.", examples=["Riverside Food Bank"]
    )
    type: Literal["charity", "foundation", "association", "advocacy", "social_enterprise", "other"] = Field(
        "other", description="The kind of organisation."
    )
    size: Literal["small", "medium", "large"] | None = Field(
        None, description="Rough size: small (<10 staff), medium (10-100) or large (>100)."
    )
    staff_hours_per_week: Hours | None = Field(
        None,
        description="Staff hours per week available for social media, all people together. "
        "Compared with the channels' needs (step 5: don't take on more than you can staff).",
    )
    website: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        None, description="The organisation's website address.", examples=["https://riversidefoodbank.org"]
    )


class PlanInfo(_Section):
    """The plan document itself."""

    title: Name = Field(description="The plan's title.", examples=["Social media plan 2025"])
    owner: Id | None = Field(None, description="The person (id in `people`) who owns the plan.")
    language: Language = Field(Language.EN, description="Language the plan is written in; reports default to it.")
    start_date: dt.date | None = Field(None, description="When the plan starts (YYYY-MM-DD).")
    horizon_months: Annotated[int, Field(ge=1, le=120)] | None = Field(
        None, description="How many months the plan covers (step 11: it's a marathon, not a sprint)."
    )
    as_of: dt.date | None = Field(
        None,
        description="The date the plan's facts were true (YYYY-MM-DD). Rules about staleness "
        "(e.g. a channel's last post) count from this date, so results never depend on today's date.",
    )


class Person(_Section):
    """Someone involved in the plan; other sections refer to people by id."""

    id: Id = Field(description="Identifier other sections use to refer to this person.")
    name: Name = Field(description="The person's name.")
    role: Name | None = Field(None, description="Job title or role, e.g. 'Communications manager'.")
    department: Name | None = Field(None, description="Department, e.g. 'communications', 'development', 'programs'.")
    left_on: dt.date | None = Field(
        None,
        title="Left on",
        description="The date this person left the organisation (YYYY-MM-DD). After it they are not a current "
        "person: rules do not count them as an admin, a backup, a crisis contact, an owner or a committee member.",
    )
    same_as: Id | None = Field(
        None,
        title="Same human as",
        description="The id of another `people` entry that is the same human (e.g. 'maria-personal' same_as "
        "'maria' for her personal login). Rules count humans, not entries: one human is never their own backup.",
    )


# --------------------------------------------------------------------- step 1


class CommitteeMember(_Section):
    """A member of the social media committee, and what they bring to it."""

    person: Id = Field(description="The member (id in `people`).")
    traits: list[Trait] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="What this member brings: likes talking with stakeholders, comfortable with "
        "technology, creative, follows the news, well connected and enthusiastic.",
    )


class Committee(_Section):
    """Step 1: social media can't be done in a silo."""

    members: list[CommitteeMember] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="The committee's members."
    )
    meets: Cadence | None = Field(None, description="How often the committee meets.")


# --------------------------------------------------------------------- step 2


class Goal(_Section):
    """Step 2: a goal, measurable and time-bound."""

    id: Id = Field(description="Identifier of the goal.")
    statement: Text = Field(
        description="What the goal is, in one sentence.",
        examples=["Grow the volunteer list by recruiting on Instagram and Facebook"],
    )
    category: GoalCategory = Field(
        description="What kind of result it seeks. The rungs of the ladder of engagement: "
        "awareness, community, site traffic, email signups, event participation, advocacy, "
        "volunteer signups, fundraising."
    )
    primary: bool = Field(False, description="Whether this is one of the plan's primary goals.")
    metrics: list[Id] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="Ids of the metrics (in `metrics`) that show progress.",
    )
    target_value: Amount | None = Field(None, description="The value of the main metric that means success.")
    target_date: dt.date | None = Field(None, description="When the target should be reached (YYYY-MM-DD).")
    objective: Text | None = Field(None, description="The organisational objective this goal serves.")


class Baseline(_Section):
    """A metric's value when tracking started, so progress can be measured (step 3)."""

    value: Amount = Field(description="The metric's value at the start.")
    date: dt.date = Field(description="When it was recorded (YYYY-MM-DD).")


class Metric(_Section):
    """Steps 2, 3 and 10: something counted, where the number comes from, where it started."""

    id: Id = Field(description="Identifier of the metric.")
    name: Name = Field(description="What is counted, e.g. 'Newsletter signups from social'.")
    kind: MetricKind = Field(description="The kind of count.")
    source: Name | None = Field(
        None,
        description="Where the number comes from, e.g. 'Facebook Insights', 'Google Analytics', 'Mailchimp'.",
        examples=["Google Analytics"],
    )
    baseline: Baseline | None = Field(None, description="The value recorded at the tracking start date (step 3).")


# --------------------------------------------------------------------- step 3


class Tracking(_Section):
    """Step 3: get organised."""

    sheet: Name | None = Field(None, description="The tracking spreadsheet (name or link).")
    start_date: dt.date | None = Field(None, description="The date tracking starts (YYYY-MM-DD).")
    web_analytics: Name | None = Field(
        None, description="The web analytics tool that measures referrals from social sites, e.g. 'Google Analytics'."
    )
    utm_convention: Text | None = Field(
        None, description="How links are tagged (UTM parameters), so referrals are attributable."
    )


# --------------------------------------------------------------------- step 4


class SocialMediaPolicy(_Section):
    """Step 4: the written policy on what staff share, and who reviewed it."""

    document: Name | None = Field(None, description="Where the policy lives (name or link).")
    adopted_on: dt.date | None = Field(None, description="When it was adopted (YYYY-MM-DD).")
    last_reviewed: dt.date | None = Field(
        None,
        title="Last reviewed",
        description="When the policy was last reviewed and confirmed or updated (YYYY-MM-DD). Networks, staff "
        "and risks change; a policy not reviewed for years no longer covers them.",
    )
    reviewed_by: list[Reviewer] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="Who reviewed it; the article asks for a lawyer or HR.",
    )


class CrisisPlan(_Section):
    """Step 4: who answers, and how fast, when something goes wrong in public."""

    document: Name | None = Field(None, description="Where the crisis communication plan lives (name or link).")
    contacts: list[Id] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="People (ids) to alert in a crisis, in order."
    )
    responder: Id | None = Field(
        None,
        title="Responder",
        description="The primary responder, who speaks for the organisation in a crisis (id in `people`). "
        "When omitted, the first contact is taken as the responder.",
    )
    backup_responder: Id | None = Field(
        None,
        description="Who responds when the responder is away (id in `people`): another human than the "
        "responder, still with the organisation.",
    )
    first_response_hours: Hours | None = Field(
        None, description="Hours within which the first public response goes out."
    )
    last_reviewed: dt.date | None = Field(None, description="When the crisis plan was last reviewed (YYYY-MM-DD).")


class Training(_Section):
    """Step 4: training staff on what they should and should not share."""

    last_session: dt.date | None = Field(
        None, description="Date of the last staff training on what to share (YYYY-MM-DD)."
    )
    topics: list[Name] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="What the training covers."
    )


class Policies(_Section):
    """Step 4: policies written by the committee with a lawyer or HR."""

    social_media_policy: SocialMediaPolicy | None = Field(None, description="The written social media policy.")
    crisis_plan: CrisisPlan | None = Field(None, description="The crisis communication plan.")
    training: Training | None = Field(None, description="Staff training on what to share and not share.")
    enforcement: Literal["educate", "mixed", "punitive"] | None = Field(
        None, description="How the policy is applied: educate and empower staff, or punish."
    )
    credential_storage: CredentialStorage | None = Field(None, description="Where passwords and log-ins are kept.")


# --------------------------------------------------------------------- step 5


class Research(_Section):
    """Step 5: one piece of audience research, e.g. a survey of supporters."""

    id: Id = Field(description="Identifier of the research.")
    method: ResearchMethod = Field(description="How the audience was studied.")
    date: dt.date = Field(description="When the research was completed (YYYY-MM-DD).")
    respondents: Count | None = Field(None, description="How many people took part, for surveys and interviews.")
    participants: list[Participant] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        title="Participants",
        description="Whom the research asked or observed: supporters, donors, volunteers, beneficiaries, "
        "general_public, staff or board. Research that asked only staff or board is their opinion of the "
        "audience, not audience research (step 5: survey your supporters).",
    )
    summary: Text | None = Field(None, description="What was learned.")


class Segment(_Section):
    """Step 5: a group of people the plan wants to reach, and where they gather."""

    id: Id = Field(description="Identifier of the audience segment.")
    name: Name = Field(description="Who they are, e.g. 'Young volunteers'.")
    platforms: list[Platform] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Where this segment gathers online."
    )
    evidence: Evidence = Field(description="What the knowledge of this segment rests on.")
    research: list[Id] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Ids of the research entries it comes from."
    )


class Audience(_Section):
    """Step 5: know the audience and where it gathers before choosing channels."""

    research: list[Research] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="Audience research done (surveys of supporters...).",
    )
    segments: list[Segment] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="The audience segments the plan addresses."
    )


class Account(_Section):
    """Step 4: who controls a channel's account; two admins means someone can take over."""

    handle: Name | None = Field(None, description="The account's handle or page name.", examples=["@riversidefoodbank"])
    admins: list[Id] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="People (ids) with full control of the account."
    )
    two_factor: bool | None = Field(None, description="Whether two-factor authentication is on for every admin.")
    ownership: Literal["organisation", "personal"] | None = Field(
        None,
        title="Ownership",
        description="Whether the account belongs to the organisation, or is someone's personal profile or "
        "account (the organisation loses it, and its audience, when that person leaves).",
    )


class Channel(_Section):
    """Step 5: a channel chosen for the audience it reaches."""

    id: Id = Field(description="Identifier of the channel.")
    platform: Platform = Field(description="The network or medium.")
    status: Literal["planned", "active", "paused", "retired"] = Field(
        "active", description="Whether the channel is in use."
    )
    selected_on: dt.date | None = Field(
        None, description="When the organisation decided to use this channel (YYYY-MM-DD)."
    )
    rationale: Text | None = Field(
        None,
        description="Why this channel: which audience it reaches and why.",
        examples=["62% of surveyed volunteers under 30 use Instagram daily"],
    )
    segments: list[Id] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Ids of the audience segments reached here."
    )
    owner: Id | None = Field(None, description="The person (id) responsible for the channel.")
    hours_per_week: Hours | None = Field(None, description="Staff hours per week spent on this channel.")
    posts_per_week: Annotated[float, Field(ge=0, le=1000)] | None = Field(None, description="Posts per week.")
    last_post_on: dt.date | None = Field(None, description="Date of the latest post (YYYY-MM-DD).")
    reconfirmed_on: dt.date | None = Field(
        None,
        title="Reconfirmed on",
        description="When the channel was last re-checked against the audience research (YYYY-MM-DD). A "
        "channel chosen before the research but reconfirmed after it rests on the research (step 5).",
    )
    account: Account | None = Field(None, description="Who controls the account (step 4).")


# --------------------------------------------------------------------- step 6


class Listening(_Section):
    """Step 6: listen before and while you talk."""

    keywords: list[Name] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Names, topics and hashtags monitored."
    )
    cadence: Cadence | None = Field(None, description="How often someone listens.")
    peers_followed: list[Name] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Similar organisations followed to learn from."
    )
    tool: Name | None = Field(None, description="Listening tool, if any.")


# --------------------------------------------------------------------- step 7


class Tools(_Section):
    """Step 7: work smarter, without losing authenticity."""

    scheduler: Name | None = Field(None, description="Scheduling or dashboard tool, e.g. 'Buffer', 'Hootsuite'.")
    live_check: Cadence | None = Field(
        None, description="How often someone logs in to each site to take part in real time."
    )
    automated_percent: Percent | None = Field(
        None, description="Share of posts published automatically by a scheduler."
    )


class Engagement(_Section):
    """Step 7: take part in real time."""

    reply_target_hours: Hours | None = Field(
        None, description="Target time to reply to comments and messages, in hours."
    )
    shares_others: bool | None = Field(None, description="Whether the organisation shares other people's posts.")
    acknowledges_sharers: bool | None = Field(None, description="Whether it thanks people who share its posts.")


# --------------------------------------------------------------------- step 8


class Calendar(_Section):
    """Step 8: the editorial calendar, and the channels it covers."""

    tool: Name | None = Field(None, description="Where the editorial calendar is kept.")
    channels: list[Id] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Ids of the channels the calendar plans for."
    )


class Pillar(_Section):
    """Step 8: a recurring content theme."""

    name: Name = Field(description="A recurring theme the community wants to share.")
    percent: Percent | None = Field(None, description="Share of content given to this theme.")


class Content(_Section):
    """Step 8: content the community wants to share."""

    calendar: Calendar | None = Field(None, description="The editorial calendar.")
    pillars: list[Pillar] = Field(default_factory=_empty_list, max_length=MAX_ITEMS, description="Content themes.")
    fundraising_percent: Percent | None = Field(None, description="Share of posts that ask for money.")


# --------------------------------------------------------------------- step 9


class Visuals(_Section):
    """Step 9: go visual."""

    share_percent: Percent | None = Field(None, description="Target share of posts that carry an image or video.")
    assets_per_month: Count | None = Field(None, description="New photos, videos and graphics produced per month.")
    formats: list[VisualFormat] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Visual formats used."
    )
    sources: list[VisualSource] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Where the visuals come from."
    )
    profile_images: Literal["sized", "stretched_logo", "missing"] | None = Field(
        None, description="Profile and cover images: sized for each network, or the logo stretched across."
    )


# --------------------------------------------------------------------- step 10


class Measurement(_Section):
    """Step 10: measure, and do more of what works."""

    tools: list[Name] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="Where numbers are read, e.g. 'Facebook Insights'.",
    )
    review_cadence: Cadence | None = Field(None, description="How often results are reviewed.")
    decision_rule: Text | None = Field(
        None, description="How results change what you do (e.g. 'double the formats that beat the median')."
    )
    last_review: dt.date | None = Field(None, description="When results were last reviewed (YYYY-MM-DD).")


# --------------------------------------------------------------------- step 11


class Milestone(_Section):
    """Step 11: a result worth celebrating with the community."""

    id: Id = Field(description="Identifier of the milestone.")
    description: Text = Field(description="What will be celebrated, e.g. '100 Facebook fans'.")
    metric: Id | None = Field(None, description="The metric (id) the milestone is measured on.")
    value: Amount | None = Field(None, description="The value that marks the milestone.")


class Celebration(_Section):
    """Step 11: celebrate successes."""

    milestones: list[Milestone] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Milestones to celebrate."
    )
    thanks: Text | None = Field(None, description="How the community and helpers are thanked.")


# --------------------------------------------------------------------- x-assess


class Suppression(_Section):
    """A finding the plan's authors have accepted, with the reason why."""

    rule: Annotated[str, Field(pattern=RULE_ID_PATTERN, json_schema_extra=ONE_LINE)] = Field(
        description="The rule id to suppress, e.g. 'CHN-04'."
    )
    justification: Annotated[str, Field(min_length=10, max_length=1000)] = Field(
        description="Why this finding does not apply. Mandatory: it is printed in reports."
    )
    expires: dt.date | None = Field(
        None, description="After this date the suppression lapses and is reported (YYYY-MM-DD)."
    )
    pointer: Annotated[str, Field(pattern=POINTER_PATTERN)] | None = Field(
        None, description="Only suppress findings about this element (a JSON pointer, e.g. '/channels/2')."
    )


class AssessSettings(_Section):
    """Settings for the `assess` tool itself."""

    suppress: list[Suppression] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Findings the plan's authors have accepted."
    )


# --------------------------------------------------------------------- the plan


class Plan(_Section):
    """A nonprofit social media strategy plan, in the eleven steps of the article."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        title="Social media strategy plan",
    )

    schema_version: Literal["1.0", "1.1"] = Field(
        description="Version of the plan format. This release reads '1.0' and '1.1' (the same fields; "
        "'assess init' writes '1.1')."
    )
    organization: Organization = Field(description="The organisation the plan is for.")
    plan: PlanInfo | None = Field(None, description="About the plan document: title, owner, dates, language.")
    people: list[Person] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="Everyone the plan names; other sections refer to them by id.",
    )
    committee: Committee | None = Field(None, description="Step 1: the social media committee.")
    goals: list[Goal] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Step 2: goals and objectives."
    )
    metrics: list[Metric] = Field(
        default_factory=_empty_list,
        max_length=MAX_ITEMS,
        description="Steps 2, 3 and 10: what is counted and where the numbers come from.",
    )
    tracking: Tracking | None = Field(None, description="Step 3: the tracking sheet and web analytics.")
    policies: Policies | None = Field(
        None, description="Step 4: social media policy, crisis plan, training, credentials."
    )
    audience: Audience | None = Field(None, description="Step 5: audience research and segments.")
    channels: list[Channel] = Field(
        default_factory=_empty_list, max_length=MAX_ITEMS, description="Step 5: the channels chosen."
    )
    listening: Listening | None = Field(None, description="Step 6: listening plan.")
    tools: Tools | None = Field(None, description="Step 7: scheduling and dashboard tools.")
    engagement: Engagement | None = Field(None, description="Step 7: replying and sharing.")
    content: Content | None = Field(None, description="Step 8: editorial calendar and content themes.")
    visuals: Visuals | None = Field(None, description="Step 9: the visual plan.")
    measurement: Measurement | None = Field(None, description="Step 10: measurement and review.")
    celebration: Celebration | None = Field(None, description="Step 11: milestones and thanks.")
    x_assess: AssessSettings | None = Field(
        None, alias="x-assess", description="Settings for the assess tool: accepted findings (suppressions)."
    )
