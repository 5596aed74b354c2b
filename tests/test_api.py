"""The library API: sources of every kind, typed errors, suppressions, recommendations, threads."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import assess
from assess.config import Config
from assess.errors import PlanSchemaError, PlanSyntaxError
from assess.plan.model import Plan
from assess.resources import REPORT_SCHEMA_PATH, RULES_DIR
from assess.rules.catalog import build_catalog
from assess.rules.rulepack import load_pack
from assess.rules.ruletest import set_pointer

BASE: dict[str, Any] = load_pack(RULES_DIR).example_base or {}
TODAY = Config(today=dt.date(2025, 6, 1))


def base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def flawed() -> dict[str, Any]:
    """The base plan with two critical problems: no crisis plan, one admin on Instagram."""
    plan = base()
    set_pointer(plan, "/policies/crisis_plan", None)
    set_pointer(plan, "/channels/0/account/admins", ["ana"])
    return plan


def test_every_kind_of_source_gives_the_same_report(tmp_path: Path) -> None:
    data = flawed()
    text = json.dumps(data, indent=2)
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    by_path = assess.assess_plan(path, config=TODAY)
    by_str_path = assess.assess_plan(str(path), config=TODAY)
    by_text = assess.assess_plan(text, config=TODAY, name=str(path))
    by_bytes = assess.assess_plan(text.encode(), config=TODAY, name=str(path))
    by_dict = assess.assess_plan(data, config=TODAY)
    by_model = assess.assess_plan(Plan.model_validate(data), config=TODAY)
    located = [by_path, by_str_path, by_text, by_bytes]
    assert len({r.model_dump_json() for r in located}) == 1

    # Without text there are no lines, and the hash is of the canonical JSON; the rest is identical.
    def findings(report: assess.Report) -> list[tuple[str, str, str]]:
        return [(f.rule_id, f.pointer, f.message) for f in report.plans[0].findings]

    assert findings(by_dict) == findings(by_model) == findings(by_path)
    assert by_dict.plans[0].score == by_path.plans[0].score
    assert all(f.line is None for f in by_dict.plans[0].findings)
    assert all(f.line is not None and f.line >= 1 for f in by_path.plans[0].findings)
    assert {"POL-01", "POL-03"} <= {f.rule_id for f in by_path.plans[0].findings}


def test_the_report_validates_against_the_report_schema() -> None:
    schema = json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8"))
    report = assess.assess_plan(flawed(), config=TODAY)
    jsonschema.Draft202012Validator(schema).validate(json.loads(report.model_dump_json()))


def test_errors_are_typed_and_located() -> None:
    with pytest.raises(PlanSyntaxError) as syntax:
        assess.assess_plan('{"schema_version": "1.0",\n  "organization": }', name="p.json")
    (problem,) = syntax.value.problems
    assert (problem.file, problem.line, problem.column) == ("p.json", 2, 19)
    broken = base()
    broken["channels"][0]["platform"] = "myspace"
    with pytest.raises(PlanSchemaError) as schema:
        assess.assess_plan(json.dumps(broken, indent=2), name="p.json")
    assert [p.pointer for p in schema.value.problems] == ["/channels/0/platform"]
    assert schema.value.problems[0].line is not None
    assert isinstance(schema.value, assess.PlanError) and isinstance(schema.value, assess.AssessError)


def test_load_and_validate_plan() -> None:
    assert assess.load_plan(base()).organization.name == BASE["organization"]["name"]
    assert assess.validate_plan(base()) == ()
    problems = assess.validate_plan('{"schema_version": "9.9", "organization": {"name": "x"}}')
    assert len(problems) == 1 and "9.9" in problems[0].message


def test_each_recommendation_predicts_the_score_once_fixed() -> None:
    report = assess.assess_plan(flawed(), config=TODAY).plans[0]
    assert report.score is not None
    fixes = {
        "POL-01": ("/policies/crisis_plan", BASE["policies"]["crisis_plan"]),
        "POL-03": ("/channels/0/account/admins", ["ana", "ben"]),
    }
    checked = 0
    for recommendation in report.recommendations:
        if recommendation.rule_id not in fixes:
            continue
        plan = flawed()
        set_pointer(plan, *fixes[recommendation.rule_id])
        fixed = assess.assess_plan(plan, config=TODAY).plans[0]
        assert fixed.score is not None
        assert recommendation.score_before == report.score.overall
        assert recommendation.score_after == fixed.score.overall
        checked += 1
    assert checked == 2
    ranks = [rec.rank for rec in report.recommendations]
    assert ranks == list(range(1, len(ranks) + 1))
    gains = [rec.score_after - rec.score_before for rec in report.recommendations]
    assert gains == sorted(gains, reverse=True)


def test_suppressions_are_applied_and_reported() -> None:
    plan = flawed()
    plan["x-assess"] = {
        "suppress": [
            {
                "rule": "POL-03",
                "justification": "Second admin joins in July; tracked in the board minutes.",
                "pointer": "/channels/0",
            },
            {"rule": "POL-01", "justification": "Old acceptance that has lapsed by now.", "expires": "2025-01-31"},
            {"rule": "VIS-01", "justification": "Nothing to suppress here any more, the plan is visual."},
            {"rule": "ZZZ-99", "justification": "A rule that does not exist in any pack."},
        ]
    }
    report = assess.assess_plan(json.dumps(plan, indent=2), config=TODAY, name="p.json").plans[0]
    assert [s.finding.rule_id for s in report.suppressed] == ["POL-03"]
    assert report.suppressed[0].justification.startswith("Second admin")
    assert "POL-03" not in {f.rule_id for f in report.findings}
    assert "POL-01" in {f.rule_id for f in report.findings}  # expired: not applied
    notices = {(n.rule_id, n.problem) for n in report.suppression_notices}
    assert notices == {("POL-01", "expired"), ("VIS-01", "unused"), ("ZZZ-99", "unknown_rule")}
    assert all(n.line is not None for n in report.suppression_notices)
    statuses = {r.rule_id: r.status.value for r in report.rules}
    assert statuses["POL-03"] == "suppressed"
    # Suppressed counts as passed in the score: the plan scores as if POL-03 were fixed.
    unsuppressed = assess.assess_plan(flawed(), config=TODAY).plans[0]
    assert report.score is not None and unsuppressed.score is not None
    assert report.score.overall >= unsuppressed.score.overall


def test_a_suppression_without_justification_is_a_schema_error() -> None:
    plan = flawed()
    plan["x-assess"] = {"suppress": [{"rule": "POL-03"}]}
    with pytest.raises(PlanSchemaError):
        assess.assess_plan(plan)


def test_configuration_changes_what_runs() -> None:
    only_policies = assess.assess_plan(flawed(), config=Config(select=("POL",))).plans[0]
    assert {r.rule_id[:3] for r in only_policies.rules} == {"POL"}
    without = assess.assess_plan(flawed(), config=Config(ignore=("POL-03",))).plans[0]
    assert "POL-03" not in {r.rule_id for r in without.rules}
    downgraded = assess.assess_plan(flawed(), config=Config(severity={"POL-03": assess.Severity.LOW})).plans[0]
    assert {f.severity for f in downgraded.findings if f.rule_id == "POL-03"} == {assess.Severity.LOW}
    stricter = assess.assess_plan(base(), config=Config(thresholds={"min_admins": 4})).plans[0]
    assert {f.rule_id for f in stricter.findings} >= {"POL-03"}


def test_same_input_same_bytes() -> None:
    text = json.dumps(flawed(), indent=2)
    first = assess.assess_plan(text, config=TODAY, name="p.json").model_dump_json()
    second = assess.assess_plan(text, config=TODAY, name="p.json").model_dump_json()
    assert first == second


def test_eight_threads_match_serial_calls() -> None:
    plans = []
    for index in range(8):
        plan = flawed() if index % 2 else base()
        plan["organization"]["name"] = f"Org {index}"
        plans.append(json.dumps(plan))
    serial = [assess.assess_plan(p, config=TODAY, name=f"p{i}.json").model_dump_json() for i, p in enumerate(plans)]
    results: list[str | None] = [None] * 8
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(index: int) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                results[index] = assess.assess_plan(plans[index], config=TODAY, name=f"p{index}.json").model_dump_json()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == serial


def test_assess_many_reports_broken_plans_in_place() -> None:
    report = assess.assess_many(
        [("good.json", json.dumps(base())), ("broken.json", "{"), ("flawed.json", json.dumps(flawed()))], config=TODAY
    )
    assert [p.file for p in report.plans] == ["good.json", "broken.json", "flawed.json"]
    assert [p.assessed for p in report.plans] == [True, False, True]
    assert report.plans[1].problems[0].kind == "syntax"
    assert (report.summary.plans, report.summary.assessed, report.summary.errors) == (3, 2, 1)


def test_assess_many_takes_paths_alone_each_named_by_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("plans").mkdir()
    Path("plans/good.json").write_text(json.dumps(base()), encoding="utf-8")
    Path("flawed.yaml").write_text(json.dumps(flawed()), encoding="utf-8")  # JSON is YAML
    pairs = assess.assess_many([("plans/good.json", Path("plans/good.json")), ("flawed.yaml", Path("flawed.yaml"))])
    for sources in (["plans/good.json", "flawed.yaml"], [Path("plans/good.json"), Path("flawed.yaml")]):
        report = assess.assess_many(sources, config=Config())
        assert [p.file for p in report.plans] == ["plans/good.json", "flawed.yaml"]
        assert report == pairs
    mixed = assess.assess_many([Path("plans/good.json"), ("named", json.dumps(flawed()))])
    assert [p.file for p in mixed.plans] == ["plans/good.json", "named"] and mixed.plans[1].assessed


@pytest.mark.parametrize(
    ("sources", "says"),
    [
        ("samples/exemplary.json", "not one str (for one plan, call assess_plan)"),
        (Path("samples/exemplary.json"), "not one PosixPath"),
        (b"{}", "not one bytes"),
        (base(), "not one dict"),
        ([json.dumps({"schema_version": "1.0"})], 'not \'{"schema_version": "1.0"}\' (a plan\'s text or data'),
        ([base()], "not a dict (a plan's text or data needs a name"),
        ([("a.json",)], "not ('a.json',)"),
        ([(Path("a.json"), "{}")], "not (PosixPath('a.json'), '{}')"),
    ],
)
def test_assess_many_says_what_to_pass_instead_of_failing_to_unpack(sources: Any, says: str) -> None:
    """A str given whole was read a character at a time ('not enough values to unpack'), a list of texts
    the same ('too many values to unpack')."""
    with pytest.raises(TypeError, match="assess_many") as raised:
        assess.assess_many(sources)
    assert says in str(raised.value)
    with pytest.raises(TypeError):
        list(assess.api.iter_assess(sources))


def test_reports_share_no_list_of_pack_records_and_name_their_engine() -> None:
    """The pack records and the tool record are made once per catalog; each report gets its own list."""
    first = assess.assess_plan(base(), config=Config(engine="builtin"))
    second = assess.assess_plan(base(), config=Config(engine="builtin"))
    assert first.rule_packs == second.rule_packs and first.rule_packs is not second.rule_packs
    first.rule_packs.clear()
    assert assess.assess_plan(base(), config=Config(engine="builtin")).rule_packs == second.rule_packs
    assert first.tool.engine == "builtin"
    default = assess.assess_plan(base())  # durable_rules where it is installed
    assert default.tool.engine == build_catalog(Config()).engine.name and default.tool.version == assess.__version__
