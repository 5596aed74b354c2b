"""Formatters: pure functions of the report; text for people, JSON for tools, GitHub and Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import sample

from assess.api import assess_many
from assess.config import Config
from assess.formats import FORMATS, RenderOptions, render, renderer
from assess.formats.github import escape_data, escape_property
from assess.formats.markdown import escape
from assess.results.report import Report, Severity

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ANSI = re.compile(r"\x1b\[")
FAILING = "samples/no-crisis-single-admin.json"


@pytest.fixture(scope="module")
def report() -> Report:
    suppress = {
        "suppress": [
            {"rule": "POL-03", "justification": "The second admin starts next month, see the board minutes."},
            {"rule": "POL-02", "justification": "Kept to check that an unused suppression is reported."},
        ]
    }
    return assess_many(
        [
            sample("exemplary.json"),
            sample("no-crisis-single-admin.json", **{"x-assess": suppress}),
            ("samples/invalid/syntax-error.json", (SAMPLES / "invalid" / "syntax-error.json").read_bytes()),
        ],
        config=Config(today="2025-01-01"),
    )


def test_the_registry_names_every_format_including_html() -> None:
    assert list(FORMATS) == ["text", "json", "sarif", "junit", "github", "markdown", "html"]
    assert FORMATS["html"] == "assess.formats.html"
    with pytest.raises(KeyError):
        renderer("pdf")


@pytest.mark.parametrize("name", [name for name in FORMATS if name != "html"])
def test_every_format_is_deterministic_and_holds_no_absolute_path(name: str, report: Report) -> None:
    first = render(name, report, RenderOptions())
    assert first == render(name, report, RenderOptions())
    assert str(ROOT) not in first


# ---------------------------------------------------------------- json


def test_json_is_the_report_model_and_valid_against_its_schema(report: Report) -> None:
    text = render("json", report)
    assert text == report.model_dump_json(indent=2)
    from jsonschema.validators import validator_for

    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema)
    assert not list(validator.iter_errors(json.loads(text)))


def test_json_has_the_same_shape_for_one_plan() -> None:
    one = json.loads(render("json", assess_many([sample("exemplary.json")])))
    assert set(one) == {"report_version", "tool", "rule_packs", "plans", "summary", "gate"}
    assert len(one["plans"]) == 1


# ---------------------------------------------------------------- text


def test_text_shows_score_steps_findings_and_recommendations(report: Report) -> None:
    text = render("text", report, RenderOptions())
    assert not ANSI.search(text)
    assert "Clearwater River Alliance" in text
    assert re.search(r"Score [\d.]+/100 +Grade [A-F] +Completeness [\d.]+%", text)
    for step in ("Committee", "Policies", "Celebration"):
        assert step in text
    finding = next(f for f in report.plans[1].findings if f.rule_id == "POL-01")
    assert f"{FAILING}:{finding.line}:{finding.column}  POL-01  {finding.message}" in text
    assert "What to do: " in text
    assert re.search(r"POL-\d\d .*: [\d.]+ -> [\d.]+", text), "recommendations show the predicted score"
    assert "Accepted findings (suppressed)" in text
    assert "suppresses nothing" in text  # the unused POL-02 suppression
    assert "Could not be assessed" in text
    assert "3 plans: 2 assessed, 1 could not be assessed" in text
    assert all(line == line.rstrip() for line in text.splitlines()), "no trailing blanks"


def test_text_is_coloured_only_when_asked(report: Report) -> None:
    assert ANSI.search(render("text", report, RenderOptions(color=True)))
    assert not ANSI.search(render("text", report, RenderOptions(color=False)))


def test_text_quiet_levels(report: Report) -> None:
    quiet = render("text", report, RenderOptions(quiet=1)).splitlines()
    assert len(quiet) == len(report.plans) + 1
    assert quiet[0] == "samples/exemplary.json: " + quiet[0].split(": ", 1)[1]
    assert re.match(rf"{FAILING}: [\d.]+/100 \([A-F]\), \d+ findings \(", quiet[1])
    assert quiet[2] == "samples/invalid/syntax-error.json: could not be assessed (syntax)"
    assert render("text", report, RenderOptions(quiet=2)) == ""


def test_text_verbose_adds_why_and_the_rules_that_did_not_fail(report: Report) -> None:
    normal = render("text", report, RenderOptions())
    verbose = render("text", report, RenderOptions(verbose=True))
    assert "Why: " not in normal and "Why: " in verbose
    assert re.search(r"^Passed \(\d+\)$", verbose, re.MULTILINE)


def test_text_says_how_many_findings_the_baseline_set_aside(report: Report) -> None:
    text = render("text", report, RenderOptions(baselined={FAILING: 3}))
    assert "3 findings accepted by the baseline, not shown." in text
    assert ", 3 baselined" in render("text", report, RenderOptions(quiet=1, baselined={FAILING: 3}))


def test_text_width_is_respected_by_explanations(report: Report) -> None:
    text = render("text", report, RenderOptions(width=60))
    explanations = [line for line in text.splitlines() if line.startswith("    ") and " " in line.strip()]
    assert explanations and max(len(line) for line in explanations) <= 60


def test_text_in_french() -> None:
    french = assess_many([sample("no-crisis-single-admin.json")], config=Config(lang="fr"))
    text = render("text", french, RenderOptions())
    assert "Constats" in text and "Que faire" in text


# ---------------------------------------------------------------- github

COMMAND = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    properties = dict(item.split("=", 1) for item in match.group(2).split(","))
    return match.group(1), properties, match.group(3)


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_github_annotations_parse_with_levels_by_severity(report: Report) -> None:
    lines = render("github", report, RenderOptions()).splitlines()
    parsed = [parse_command(line) for line in lines]
    plan = report.plans[1]
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
    findings = [
        p
        for p in parsed
        if p[1].get("file") == FAILING and p[1].get("title", "").startswith(tuple(f.rule_id for f in plan.findings))
    ]
    assert len(findings) == len(plan.findings)
    for (level, properties, message), finding in zip(findings, plan.findings, strict=True):
        assert level == levels[finding.severity.value]
        assert properties["line"] == str(finding.line or 1)
        assert properties["col"] == str(finding.column or 1)
        assert unescape(properties["title"]) == f"{finding.rule_id} {finding.title}"
        assert unescape(message).startswith(finding.message)
    summaries = [p for p in parsed if p[1].get("title") == "assess summary"]
    assert [p[1]["file"] for p in summaries] == ["samples/exemplary.json", FAILING]
    assert all(p[0] == "notice" for p in summaries)
    # Each says the gate's stored verdict on its plan (why the job fails, beside the findings that fail it).
    for (_, _, message), plan in zip(summaries, report.plans, strict=False):
        assert plan.gate is not None and report.gate is not None
        status = "passed" if plan.gate.passed else "failed"
        assert message.endswith(f"; Gate: {status} (--fail-on {report.gate.fail_on})")
    assert {plan.gate.passed for plan in report.plans[:2] if plan.gate} == {True, False}  # both verdicts seen
    broken = [p for p in parsed if p[1].get("file") == "samples/invalid/syntax-error.json"]
    assert broken and all(p[0] == "error" and "line" in p[1] for p in broken)


def test_github_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_escapes_what_the_plan_says() -> None:
    data = json.loads(sample("no-crisis-single-admin.json")[1])
    data["organization"]["name"] = "Rivers, Lakes: 100% clean\nand more"
    lines = render("github", assess_many([("p.json", data)]), RenderOptions()).splitlines()
    summary = next(line for line in lines if "title=assess summary" in line)
    kind, _, message = parse_command(summary)
    assert kind == "notice"
    assert unescape(message).startswith("Rivers, Lakes: 100% clean\nand more: score")


# ---------------------------------------------------------------- markdown


def test_markdown_has_a_step_table_findings_by_step_and_recommendations(report: Report) -> None:
    text = render("markdown", report, RenderOptions())
    assert text.startswith("# ")
    assert "## Clearwater River Alliance" in text
    step_rows = [line for line in text.splitlines() if re.match(r"^\| \d+\. ", line)]
    assert len(step_rows) == 2 * 11  # two assessed plans
    assert "#### 4. Policies" in text
    assert re.search(r"`POL-01`", text)
    assert "### Top recommendations" in text
    assert "Could not be assessed" in text
    severities = {s.value for s in Severity}
    assert any(f"**{s}**" in text for s in severities)


def test_markdown_escapes_plan_text() -> None:
    assert escape("a|b *c* <d>") == r"a\|b \*c\* \<d\>"
    data = json.loads(sample("exemplary.json")[1])
    data["organization"]["name"] = "Pipes | *Stars*"
    text = render("markdown", assess_many([("p.json", data)]), RenderOptions())
    assert r"## Pipes \| \*Stars\*" in text


def test_a_blocked_rule_says_what_hides_it_in_verbose_text_and_junit() -> None:
    plan = json.loads((SAMPLES / "exemplary.json").read_text(encoding="utf-8"))
    del plan["tools"]
    report = assess_many([("no-tools.json", plan)], config=Config())
    verbose = " ".join(render("text", report, RenderOptions(verbose=True, width=200)).split())
    assert "Hidden while WRK-01 fails: scored as failed until then" in verbose
    junit = render("junit", report, RenderOptions())
    assert "(hidden while WRK-01 fails: scored as failed until then)" in junit


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_text_and_markdown_list_what_could_not_be_judged_and_the_fields_it_needs(lang: str) -> None:
    """The rules left unknown, each with the pointers the plan lacks, in every report for people (as in HTML):
    a consultant tells the client what to state. Without --verbose too, and once with it."""
    report = assess_many([("garden.yaml", (SAMPLES / "community-garden.yaml").read_bytes())], config=Config(lang=lang))
    plan = report.plans[0]
    unknown = [rule for rule in plan.rules if rule.status.value == "unknown"]
    assert [rule.rule_id for rule in unknown] == ["POL-02", "WRK-04"]  # labelled: no review date; no engagement
    heading = "Missing information (2)" if lang == "en" else "Informations manquantes (2)"
    for options in (RenderOptions(width=200), RenderOptions(width=200, verbose=True)):
        text = render("text", report, options)
        assert text.count(heading) == 1
        section = text.split(heading)[1]
        for rule in unknown:
            assert section.count(f"  {rule.rule_id}  {rule.title}") == 1
        assert "/policies/crisis_plan/last_reviewed" in section
        assert ("Hidden while WRK-03 fails" if lang == "en" else "Masquée tant que WRK-03 échoue") in section
    markdown = render("markdown", report, RenderOptions())
    section = markdown.split(f"### {heading}")[1].split("###")[0]
    assert f"- `POL-02` {escape(unknown[0].title)}" in section and "`/policies/crisis_plan/last_reviewed`" in section
    html = render("html", report, RenderOptions())
    assert all(rule.rule_id in html.split(heading.split(" (")[0])[1] for rule in unknown)


def test_a_plan_with_every_rule_judged_has_no_missing_information_section(report: Report) -> None:
    exemplary = Report.model_validate(report.model_dump()).model_copy(update={"plans": report.plans[:1]})
    assert not [rule for rule in exemplary.plans[0].rules if rule.status.value == "unknown"]
    assert "Missing information" not in render("text", exemplary, RenderOptions(verbose=True))
    assert "Missing information" not in render("markdown", exemplary, RenderOptions())
