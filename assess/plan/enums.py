"""The plan's enumerations, and the constants the rules derive from them, without pydantic.

`assess.plan.model` builds the typed plan (and the JSON Schema) from these classes and
re-exports them; code that works on the validated plain plan (`assess.rules.facts`)
compares with their values and imports them from here, so that it never imports
pydantic (issue 15: the cold CLI path must not pay for it).
"""

from __future__ import annotations

from enum import StrEnum


class Cadence(StrEnum):
    """How often something happens, from most to least frequent."""

    MULTIPLE_DAILY = "multiple_daily"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    NEVER = "never"


CADENCE_DAYS: dict[Cadence, int] = {
    Cadence.MULTIPLE_DAILY: 0,
    Cadence.DAILY: 1,
    Cadence.WEEKLY: 7,
    Cadence.MONTHLY: 30,
    Cadence.QUARTERLY: 91,
    Cadence.YEARLY: 365,
    Cadence.NEVER: 100_000,
}
"""Interval in days of each cadence, so that rules can compare cadences as numbers."""


class Language(StrEnum):
    """A language `assess` writes reports in."""

    EN = "en"
    FR = "fr"


class Trait(StrEnum):
    """The five traits the article asks a committee to combine (step 1)."""

    STAKEHOLDER_FACING = "stakeholder_facing"
    TECH_COMFORTABLE = "tech_comfortable"
    CREATIVE = "creative"
    NEWS_AWARE = "news_aware"
    WELL_CONNECTED = "well_connected"


class GoalCategory(StrEnum):
    """The kind of result a goal seeks; fundraising is the top rung of the ladder, not the only one."""

    EMAIL_SIGNUPS = "email_signups"
    EVENT_PARTICIPATION = "event_participation"
    VOLUNTEER_SIGNUPS = "volunteer_signups"
    SITE_TRAFFIC = "site_traffic"
    AWARENESS = "awareness"
    ADVOCACY = "advocacy"
    COMMUNITY = "community"
    FUNDRAISING = "fundraising"


class MetricKind(StrEnum):
    """The kind of count a metric is; followers, likes, impressions and reach are vanity counts."""

    FOLLOWERS = "followers"
    LIKES = "likes"
    IMPRESSIONS = "impressions"
    REACH = "reach"
    ENGAGEMENT = "engagement"
    SHARES = "shares"
    MENTIONS = "mentions"
    EMAIL_SIGNUPS = "email_signups"
    VOLUNTEER_SIGNUPS = "volunteer_signups"
    EVENT_REGISTRATIONS = "event_registrations"
    SITE_REFERRALS = "site_referrals"
    PETITION_SIGNATURES = "petition_signatures"
    DONATIONS = "donations"
    OTHER = "other"


VANITY_METRICS = frozenset({MetricKind.FOLLOWERS, MetricKind.LIKES, MetricKind.IMPRESSIONS, MetricKind.REACH})
"""Counts that are easy to grow and say little about results (step 2)."""


class Reviewer(StrEnum):
    """Who can review a social media policy; the article asks for a lawyer or HR."""

    LEGAL = "legal"
    HR = "hr"
    LEADERSHIP = "leadership"
    BOARD = "board"
    COMMITTEE = "committee"


class CredentialStorage(StrEnum):
    """Where passwords and log-ins are kept; personal storage loses them when people leave."""

    PASSWORD_MANAGER = "password_manager"
    SHARED_VAULT = "shared_vault"
    IT_MANAGED = "it_managed"
    SPREADSHEET = "spreadsheet"
    PERSONAL = "personal"
    NONE = "none"


class Platform(StrEnum):
    """A social network or medium an organisation can use."""

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    LINKEDIN = "linkedin"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    THREADS = "threads"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    WHATSAPP = "whatsapp"
    PINTEREST = "pinterest"
    BLOG = "blog"
    NEWSLETTER = "newsletter"
    OTHER = "other"


class ResearchMethod(StrEnum):
    """A way of studying an audience: asking people (survey, interviews) or observing them (analytics)."""

    SURVEY = "survey"
    INTERVIEWS = "interviews"
    FOCUS_GROUP = "focus_group"
    ANALYTICS = "analytics"
    SOCIAL_LISTENING = "social_listening"
    DESK_RESEARCH = "desk_research"


class Participant(StrEnum):
    """Whom a piece of research asked or observed; staff and board opinion is not audience research."""

    SUPPORTERS = "supporters"
    DONORS = "donors"
    VOLUNTEERS = "volunteers"
    BENEFICIARIES = "beneficiaries"
    GENERAL_PUBLIC = "general_public"
    STAFF = "staff"
    BOARD = "board"


INSIDERS = frozenset({Participant.STAFF, Participant.BOARD})
"""Participants from inside the organisation: research that asked only them is not audience research (step 5)."""


class Evidence(StrEnum):
    """What knowledge of an audience segment rests on; "assumption" means nobody asked."""

    SURVEY = "survey"
    INTERVIEWS = "interviews"
    ANALYTICS = "analytics"
    RESEARCH = "research"
    ASSUMPTION = "assumption"


class VisualFormat(StrEnum):
    """A kind of visual content."""

    PHOTO = "photo"
    VIDEO = "video"
    INFOGRAPHIC = "infographic"
    ILLUSTRATION = "illustration"
    ANIMATION = "animation"
    LIVE = "live"


class VisualSource(StrEnum):
    """Where visuals come from; logo and stock images reach few people."""

    ORIGINAL = "original"
    USER_GENERATED = "user_generated"
    PARTNER = "partner"
    STOCK = "stock"
    LOGO = "logo"
