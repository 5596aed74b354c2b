"""SARIF 2.1.0: valid against the official schema, read by a real consumer, located, stable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import sample

from assess.api import assess_many
from assess.config import Config
from assess.formats import RenderOptions, render, rule_infos
from assess.results.report import Report
from assess.rules.catalog import build_catalog

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# CI checks out shared/ beside the repository; the schema is the OASIS one (draft-04).
SARIF_SCHEMA = ROOT.parent / "shared" / "reference" / "sarif-schema-2.1.0.json"

SUPPRESS = {
    "suppress": [
        {"rule": "POL-03", "justification": "The second admin starts next month; tracked in the board minutes."},
        {"rule": "POL-02", "justification": "Kept to check that an unused suppression is reported."},
    ]
}


@pytest.fixture(scope="module")
def report() -> Report:
    return assess_many(
        [
            sample("exemplary.json"),
            sample("no-crisis-single-admin.json", **{"x-assess": SUPPRESS}),
            ("samples/invalid/syntax-error.json", (SAMPLES / "invalid" / "syntax-error.json").read_bytes()),
            ("plans/missing.json", Path(SAMPLES / "does-not-exist.json")),
        ],
        config=Config(today="2025-01-01"),
    )


@pytest.fixture(scope="module")
def options() -> RenderOptions:
    return RenderOptions(rules=rule_infos(build_catalog(Config())))


@pytest.fixture(scope="module")
def sarif(report: Report, options: RenderOptions) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render("sarif", report, options))
    return document


def test_valid_against_the_official_schema(sarif: dict[str, Any]) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SARIF_SCHEMA} (CI places shared/ beside the repository)")
    from jsonschema import Draft4Validator

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(sarif), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert sarif["version"] == "2.1.0"


def test_read_by_sarif_tools(sarif: dict[str, Any], tmp_path: Path) -> None:
    from sarif import loader

    path = tmp_path / "assess.sarif"
    path.write_text(json.dumps(sarif), encoding="utf-8")
    loaded = loader.load_sarif_file(str(path))
    assert loaded.get_distinct_tool_names() == ["assess"]
    records = loaded.get_records()
    assert records, "the failing plan has findings"
    pol01 = [r for r in records if r["Code"] == "POL-01"]
    assert pol01 and pol01[0]["Location"] == "samples/no-crisis-single-admin.json"
    assert all(int(r["Line"]) >= 1 for r in records)
    assert loaded.runs[0].get_rules_by_id("POL-01")[0]["shortDescription"]["text"]


def test_one_rule_entry_per_catalog_rule_with_its_documentation(sarif: dict[str, Any], options: RenderOptions) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [info.id for info in options.rules]
    assert len({rule["id"] for rule in rules}) == len(rules)
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert "What to do" in rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert "helpUri" not in rule  # the built-in pack documents its rules at no address (issue 14)
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert {"step", "severity", "tags"} <= set(rule["properties"])


def test_results_point_at_rule_file_line_and_pointer(sarif: dict[str, Any], report: Report) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    failing = report.plans[1]
    results = run["results"]
    assert len(results) == len(failing.findings) + len(failing.suppressed)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "samples/no-crisis-single-admin.json", "uriBaseId": "%SRCROOT%"}
        assert physical["region"]["startLine"] >= 1
        assert physical["region"]["startColumn"] >= 1
        assert location["logicalLocations"][0]["kind"] == "element"
        assert result["partialFingerprints"]
    by_rule = {r["ruleId"]: r for r in results}
    pol01 = next(f for f in failing.findings if f.rule_id == "POL-01")
    assert by_rule["POL-01"]["level"] == "error"  # critical
    assert by_rule["POL-01"]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == pol01.pointer
    assert by_rule["POL-01"]["partialFingerprints"] == {"assessFindingHash/v1": pol01.fingerprint}


def test_levels_follow_severity(sarif: dict[str, Any], report: Report) -> None:
    expected = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
    for result in sarif["runs"][0]["results"]:
        assert result["level"] == expected[result["properties"]["severity"]]


def test_suppressed_findings_carry_their_justification(sarif: dict[str, Any]) -> None:
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert suppressed and {r["ruleId"] for r in suppressed} == {"POL-03"}
    assert suppressed[0]["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": SUPPRESS["suppress"][0]["justification"]}
    ]
    notices = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
    assert any(n["properties"]["ruleId"] == "POL-02" for n in notices)


def test_plans_that_could_not_be_assessed_are_located_notifications(sarif: dict[str, Any]) -> None:
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    uris = [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes]
    assert uris == ["samples/invalid/syntax-error.json", "plans/missing.json"]
    syntax = notes[0]["locations"][0]["physicalLocation"]["region"]
    assert syntax["startLine"] >= 1 and syntax["startColumn"] >= 1
    assert all(n["level"] == "error" for n in notes)


def test_a_clean_run_is_successful_and_identical_each_time(options: RenderOptions) -> None:
    clean = assess_many([sample("exemplary.json")])
    first = render("sarif", clean, options)
    assert json.loads(first)["runs"][0]["invocations"][0]["executionSuccessful"] is True
    assert render("sarif", assess_many([sample("exemplary.json")]), options) == first


def test_a_finding_without_a_line_gets_line_1() -> None:
    report = assess_many([("plan.json", json.loads(sample("no-crisis-single-admin.json")[1]))])
    document = json.loads(render("sarif", report, RenderOptions()))
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in document["runs"][0]["results"]]
    assert regions and all(region == {"startLine": 1, "startColumn": 1} for region in regions)
    # Without the catalog, rules still come from the report so every ruleIndex resolves.
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in document["runs"][0]["results"])
