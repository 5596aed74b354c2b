"""The sample plans: the valid ones validate, the invalid ones fail where and how the README says.

The samples are what a new user runs first, and what the rule tests lean on, so
they must stay true to what samples/README.md promises: each plan shows what it
says it shows.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from assess.errors import PlanError, PlanSchemaError
from assess.plan.load import load_path
from assess.plan.model import Plan
from assess.plan.validate import validate_document
from assess.resources import PLAN_SCHEMA_PATH

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
VALID = sorted([*SAMPLES.glob("*.json"), *SAMPLES.glob("*.yaml")])
INVALID = sorted((SAMPLES / "invalid").iterdir())
SCHEMA_LEVEL = [
    SAMPLES / "invalid" / name
    for name in (
        "unknown-schema-version.json",
        "dangling-reference.json",
        "schema-violations.json",
        "duplicate-id.json",
        "bad-date.yaml",
    )
]
SCHEMA: dict[str, Any] = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))
RS = jsonschema_rs.validator_for(SCHEMA, validate_formats=True)
PY = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def plan(name: str) -> Plan:
    return validate_document(load_path(SAMPLES / name))


def pointers(path: Path) -> set[str]:
    with pytest.raises(PlanSchemaError) as raised:
        validate_document(load_path(path))
    return {problem.pointer for problem in raised.value.problems}


def test_there_are_samples_of_every_kind() -> None:
    names = {path.name for path in VALID}
    assert {
        "exemplary.json",
        "small-nonprofit.json",
        "fundraising-only.json",
        "channels-first.json",
        "no-crisis-single-admin.json",
        "no-visuals-no-measurement.json",
    } <= names
    assert any(path.suffix == ".yaml" for path in VALID)


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_valid_sample_validates_and_is_dated(path: Path) -> None:
    sample = validate_document(load_path(path))
    assert sample.plan is not None
    assert sample.plan.as_of is not None, "results must not depend on today's date"


@pytest.mark.parametrize("path", SCHEMA_LEVEL, ids=lambda path: path.name)
def test_schema_level_invalid_sample_is_located(path: Path) -> None:
    with pytest.raises(PlanSchemaError) as raised:
        validate_document(load_path(path))
    assert raised.value.problems
    for problem in raised.value.problems:
        assert problem.line is not None
        assert problem.column is not None
        assert problem.excerpt


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_every_invalid_sample_fails_with_a_located_plan_error(path: Path) -> None:
    with pytest.raises(PlanError) as raised:
        validate_document(load_path(path))
    assert all(problem.line is not None for problem in raised.value.problems)


def test_schema_violations_reports_all_of_them() -> None:
    assert pointers(SAMPLES / "invalid" / "schema-violations.json") == {
        "/organization/colour",
        "/plan/start_date",
        "/goals/0/statement",
        "/channels/0/platform",
        "/visuals/share_percent",
    }


def test_unknown_schema_version_reports_only_that() -> None:
    assert pointers(SAMPLES / "invalid" / "unknown-schema-version.json") == {"/schema_version"}


def test_dangling_references() -> None:
    assert pointers(SAMPLES / "invalid" / "dangling-reference.json") == {"/goals/0/metrics/1", "/channels/0/owner"}


def test_duplicate_ids() -> None:
    assert pointers(SAMPLES / "invalid" / "duplicate-id.json") == {"/people/2/id", "/channels/1/id"}


def test_bad_dates() -> None:
    assert pointers(SAMPLES / "invalid" / "bad-date.yaml") == {
        "/plan/start_date",
        "/plan/as_of",
        "/channels/0/selected_on",
    }


@pytest.mark.parametrize("path", [*VALID, *SCHEMA_LEVEL], ids=lambda path: path.name)
def test_both_schema_validators_agree_on_the_sample(path: Path) -> None:
    data = load_path(path).data
    assert RS.is_valid(data) is PY.is_valid(data)


def test_readme_describes_every_sample() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    missing = [path.name for path in [*VALID, *INVALID] if f"`{path.name}`" not in readme]
    assert missing == []


# ------------------------------------------------------------------ each sample shows what it says


def test_exemplary_researched_its_audience_before_choosing_any_channel() -> None:
    sample = plan("exemplary.json")
    assert sample.audience is not None
    first_research = min(research.date for research in sample.audience.research)
    assert all(channel.selected_on and channel.selected_on > first_research for channel in sample.channels)
    assert any(research.method == "survey" for research in sample.audience.research)


def test_exemplary_does_the_basics_of_every_step() -> None:
    sample = plan("exemplary.json")
    assert sample.committee is not None
    assert 4 <= len(sample.committee.members) <= 5
    assert len({trait for member in sample.committee.members for trait in member.traits}) == 5
    people = {person.id: person for person in sample.people}
    assert len({people[member.person].department for member in sample.committee.members}) >= 3
    assert len({goal.category for goal in sample.goals}) >= 4
    assert sum(goal.primary for goal in sample.goals) <= 2
    assert all(goal.metrics and goal.target_value and goal.target_date and goal.objective for goal in sample.goals)
    assert all(metric.source and metric.baseline for metric in sample.metrics)
    active = [channel for channel in sample.channels if channel.status == "active"]
    assert 2 <= len(active) <= 3
    as_of = sample.plan.as_of if sample.plan else None
    assert as_of is not None
    for channel in active:
        assert channel.rationale and channel.segments and channel.owner and channel.hours_per_week
        assert channel.posts_per_week is not None and channel.posts_per_week >= 3
        assert channel.last_post_on is not None and (as_of - channel.last_post_on) < dt.timedelta(days=14)
        assert channel.account is not None and len(channel.account.admins) >= 2 and channel.account.two_factor
    assert sample.organization.staff_hours_per_week is not None
    assert sample.organization.staff_hours_per_week >= 2 * len(active)
    policies = sample.policies
    assert policies is not None and policies.crisis_plan is not None and policies.social_media_policy is not None
    assert {"legal", "hr"} <= set(policies.social_media_policy.reviewed_by)
    assert len(policies.crisis_plan.contacts) >= 2 and policies.crisis_plan.backup_responder
    assert policies.crisis_plan.first_response_hours is not None and policies.crisis_plan.first_response_hours <= 4
    assert policies.training and policies.training.last_session
    assert (as_of - policies.training.last_session) < dt.timedelta(days=365)
    assert sample.content and sample.content.calendar
    assert {channel.id for channel in active} <= set(sample.content.calendar.channels)
    assert sample.content.fundraising_percent is not None and sample.content.fundraising_percent <= 20
    assert sample.visuals and sample.visuals.share_percent and sample.visuals.share_percent >= 60
    assert sample.measurement and sample.measurement.review_cadence == "monthly" and sample.measurement.decision_rule
    assert sample.celebration and sample.celebration.milestones and sample.celebration.thanks
    assert sample.plan and sample.plan.horizon_months == 12


def test_fundraising_only_has_only_fundraising_goals() -> None:
    goals = plan("fundraising-only.json").goals
    assert goals
    assert {goal.category for goal in goals} == {"fundraising"}


def test_channels_first_chose_every_channel_before_any_research() -> None:
    sample = plan("channels-first.json")
    assert sample.audience is not None
    first_research = min(research.date for research in sample.audience.research)
    assert all(channel.selected_on and channel.selected_on < first_research for channel in sample.channels)
    assert {segment.evidence for segment in sample.audience.segments} == {"assumption"}


def test_no_crisis_single_admin_has_neither() -> None:
    sample = plan("no-crisis-single-admin.json")
    assert sample.policies is not None and sample.policies.crisis_plan is None
    assert all(channel.account and len(channel.account.admins) == 1 for channel in sample.channels)


def test_no_visuals_no_measurement_has_neither() -> None:
    sample = plan("no-visuals-no-measurement.json")
    assert sample.visuals is None and sample.measurement is None
    assert all(metric.source is None for metric in sample.metrics)


def test_small_nonprofit_is_small_and_incomplete() -> None:
    sample = plan("small-nonprofit.json")
    assert sample.organization.size == "small"
    assert sample.policies is None and sample.measurement is None and sample.tracking is None
    (channel,) = sample.channels
    assert channel.account is not None and len(channel.account.admins) == 1


# ------------------------------------------------------------------ the named checks fire where promised

NAMED = {"CHN-01", "CHN-02", "PLN-03", "POL-01", "POL-03", "VIS-01", "MEA-01"}
"""The rules behind the five checks the product owner named (★ in samples/README.md)."""

PROMISED = {
    "exemplary.json": set(),
    "small-nonprofit.json": {"POL-01", "POL-03", "CHN-01", "MEA-01"},
    "fundraising-only.json": {"PLN-03"},
    "channels-first.json": {"CHN-02"},
    "no-crisis-single-admin.json": {"POL-01", "POL-03"},
    "no-visuals-no-measurement.json": {"VIS-01", "MEA-01"},
    "community-garden.yaml": set(),
}


@pytest.mark.parametrize(("name", "named"), PROMISED.items())
def test_sample_triggers_exactly_the_named_checks_it_promises(name: str, named: set[str]) -> None:
    from assess.api import assess_plan

    (report,) = assess_plan(SAMPLES / name).plans
    failing = {rule.rule_id for rule in report.rules if rule.status == "fail"}
    assert failing & NAMED == named
    if name == "exemplary.json":
        assert failing == set()
        assert report.score is not None and report.score.overall == 100
    row = next(line for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines() if f"`{name}`" in line)
    assert all(f"{rule} ★" in row for rule in named)
