"""Worst first (issue 11): what the report says first, and what the grade allows.

- for every sample and a fresh `assess init` starter (English and French), the first
  recommendation has the worst failing severity and no failing critical is missing from
  the first three; every failing critical and named check is among the recommendations;
- no plan with a failing named check gets an A or a B;
- over generated plans, recommendations are ordered by severity, named checks first
  within a severity, then by score gain;
- when a cap holds an action's gain, the report names what holds it, in both languages;
- text, HTML and Markdown show the same numbers in the same order.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import plans

import assess
from assess.config import Config, Scoring
from assess.formats import RenderOptions, first_actions, held_notes, render
from assess.i18n import label, number
from assess.plan.model import Language
from assess.plan.starter import starter_data
from assess.results.report import PlanReport, Severity, Status

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.*") if p.suffix in (".json", ".yaml"))
TODAY = dt.date(2025, 6, 1)
CONFIG = Config(today=TODAY)
NAMED = set(Scoring().named_checks)


def _plan(source: Any, config: Config = CONFIG) -> PlanReport:
    return assess.assess_plan(source, config=config).plans[0]


def _cases() -> list[tuple[str, Any]]:
    cases: list[tuple[str, Any]] = [(path.name, path) for path in SAMPLES]
    for lang in (Language.EN, Language.FR):
        cases.append((f"starter-{lang.value}", starter_data(lang, today=TODAY)))
    return cases


def assert_worst_first(plan: PlanReport) -> None:
    failing = [rule for rule in plan.rules if rule.status is Status.FAIL]
    recs = plan.recommendations
    if not failing:
        assert recs == []
        return
    worst = min(rule.severity.rank for rule in failing)
    assert recs[0].severity.rank == worst, (plan.file, recs[0].rule_id)
    criticals = {rule.rule_id for rule in failing if rule.severity is Severity.CRITICAL}
    first_three = {rec.rule_id for rec in recs[:3]}
    assert criticals <= first_three or first_three <= criticals, (plan.file, criticals, first_three)
    # every failing critical and named check is recommended, and among the first actions shown
    must = criticals | {rule.rule_id for rule in failing if rule.rule_id in NAMED}
    assert must <= {rec.rule_id for rec in first_actions(recs)}, (plan.file, must)
    ranks = [(rec.severity.rank, not rec.named_check) for rec in recs]
    assert ranks == sorted(ranks), (plan.file, [rec.rule_id for rec in recs])


@pytest.mark.parametrize(("name", "source"), _cases(), ids=[name for name, _ in _cases()])
def test_the_first_recommendation_is_the_worst_failure(name: str, source: Any) -> None:
    for lang in ("en", "fr"):
        assert_worst_first(_plan(source, CONFIG.merged(lang=lang)))


@pytest.mark.parametrize(("name", "source"), _cases(), ids=[name for name, _ in _cases()])
def test_a_failing_named_check_keeps_a_plan_out_of_a_and_b(name: str, source: Any) -> None:
    plan = _plan(source)
    assert plan.score is not None
    if any(rule.status is Status.FAIL and rule.rule_id in NAMED for rule in plan.rules):
        assert plan.score.grade not in ("A", "B"), (name, plan.score)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_recommendations_are_ordered_worst_first_over_generated_plans(plan: dict[str, Any]) -> None:
    report = _plan(plan, CONFIG.merged(recommendations=100))
    assert_worst_first(report)
    assert report.score is not None
    if any(rule.status is Status.FAIL and rule.rule_id in NAMED for rule in report.rules):
        assert report.score.grade not in ("A", "B")
    recs = report.recommendations
    for before, after in itertools.pairwise(recs):
        if (before.severity, before.named_check) == (after.severity, after.named_check):
            assert before.score_after >= after.score_after, (before.rule_id, after.rule_id)
    failing = {rule.rule_id for rule in report.rules if rule.status is Status.FAIL}
    assert {rec.rule_id for rec in recs} == failing


def test_every_action_has_an_imperative_headline_as_its_title() -> None:
    plan = _plan(ROOT / "samples" / "no-crisis-single-admin.json")
    titles = {rec.rule_id: rec.title for rec in plan.recommendations}
    assert titles["POL-01"] == "Write a crisis communication plan"
    assert plan.recommendations[0].rule_title == "A crisis communication plan exists"
    french = _plan(ROOT / "samples" / "no-crisis-single-admin.json", CONFIG.merged(lang="fr"))
    assert {rec.rule_id: rec.title for rec in french.recommendations}["POL-01"] == (
        "Rédigez un plan de communication de crise"
    )


def test_every_builtin_rule_has_its_own_headline_in_both_languages() -> None:
    from assess.rules.rulepack import load_pack

    rules = load_pack(ROOT / "rules").rules
    assert len(rules) >= 50
    for rule in rules:
        assert rule.spec.action and rule.spec.action != rule.spec.title, rule.id
        assert rule.spec.fr is not None and rule.spec.fr.action and rule.spec.fr.action != rule.spec.action, rule.id


def test_a_custom_pack_written_before_headlines_loads_with_its_titles(tmp_path: Path) -> None:
    """Packs that worked before `action` existed keep working: the title stands in for the headline."""
    import yaml

    (rule,) = [
        r for r in yaml.safe_load((ROOT / "rules" / "04-policies.yaml").read_text())["rules"] if r["id"] == "POL-01"
    ]
    rule = {**rule, "id": "OLD-01", "fr": {k: v for k, v in rule["fr"].items() if k != "action"}}
    del rule["action"]
    rule.pop("unlocks", None)
    pack = tmp_path / "old.yaml"
    pack.write_text(yaml.safe_dump({"pack": "old", "version": "1", "rules": [rule]}, allow_unicode=True), "utf-8")
    for lang, title in (("en", rule["title"]), ("fr", rule["fr"]["title"])):
        config = CONFIG.merged(rules=(pack,), builtin_rules=False, lang=lang)
        report = assess.assess_plan(ROOT / "samples" / "no-crisis-single-admin.json", config=config).plans[0]
        (rec,) = [r for r in report.recommendations if r.rule_id == "OLD-01"]
        assert rec.title == title == rec.rule_title


def test_a_cap_that_holds_the_gain_is_explained_in_both_languages() -> None:
    """With a flat overall cap configured, fixing one of two criticals leaves the score held by the other."""
    sample = ROOT / "samples" / "no-crisis-single-admin.json"
    flat = CONFIG.merged(scoring=Scoring(critical_overall_cap=30.0, critical_cap_step_down=0.0))
    plan = _plan(sample, flat)
    by_rule = {rec.rule_id: rec for rec in plan.recommendations}
    assert by_rule["POL-01"].capped_by == ["POL-03"]
    assert by_rule["POL-01"].score_after == by_rule["POL-01"].score_before == 30.0
    assert by_rule["POL-04"].capped_by == ["POL-01", "POL-03"]
    assert held_notes(by_rule["POL-04"], "en")[0] == "score held at 30 by 2 other critical findings: POL-01, POL-03"
    assert held_notes(by_rule["POL-01"], "fr")[0] == "score maintenu à 30 par 1 autre constat critique : POL-03"
    # The step cap: fixing POL-04 leaves step 4 held by its two critical failures (default model).
    default = {rec.rule_id: rec for rec in _plan(sample).recommendations}
    assert default["POL-04"].step_capped_by == ["POL-01", "POL-03"]
    note = held_notes(default["POL-04"], "en")
    assert note == [
        f"step score held at {number(default['POL-04'].step_score_after, 'en')} by 2 other critical "
        "findings: POL-01, POL-03"
    ]
    assert default["POL-01"].capped_by == []  # no flat cap by default: the gain shows
    assert default["POL-01"].score_after > default["POL-01"].score_before
    for lang in ("en", "fr"):
        report = assess.assess_plan(sample, config=flat.merged(lang=lang))
        for fmt in ("text", "markdown", "html"):
            shown = render(fmt, report, RenderOptions())
            for held in held_notes(report.plans[0].recommendations[-1], lang):
                assert held in shown.replace("\n    ", " "), (fmt, lang, held)


def _positions(text: str, rule_ids: list[str]) -> list[int]:
    return [text.index(rule_id) for rule_id in rule_ids]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("sample", ["small-nonprofit.json", "no-visuals-no-measurement.json", "fundraising-only.json"])
def test_text_html_and_markdown_show_the_same_numbers_in_the_same_order(sample: str, lang: str) -> None:
    report = assess.assess_plan(ROOT / "samples" / sample, config=CONFIG.merged(lang=lang))
    plan = report.plans[0]
    assert plan.score is not None
    outputs = {fmt: render(fmt, report, RenderOptions(width=200)) for fmt in ("text", "markdown", "html")}
    outputs["html"] = html.unescape(outputs["html"])
    outputs["markdown"] = outputs["markdown"].replace("\\", "")
    overall = number(plan.score.overall, lang)
    heading = label("recommendations", lang)
    for fmt, shown in outputs.items():
        assert f"{overall}" in shown, (fmt, overall)
        section = shown[shown.rindex(heading) :]  # the recommendations, after the findings
        titles = [rec.title for rec in plan.recommendations]
        found = [section.find(title) for title in titles]
        assert all(index >= 0 for index in found), (fmt, titles)
        assert found == sorted(found), (fmt, titles)
        for rec in plan.recommendations:
            assert number(rec.score_after, lang) in section, (fmt, rec.rule_id)
        for step in plan.steps:
            if step.score is not None:
                assert re.search(rf"(?<![\d,.]){re.escape(number(step.score, lang))}(?![\d,])", shown), (fmt, step)
