"""What a library user and a CI user trip on (issue 14, last part), each with a test.

Typing without the pydantic plugin, ConfigError for bad settings, the exported
result types, JUnit failures that follow the gate, SARIF without made-up URLs,
skipped non-plan files, thresholds listed, quoted schema versions, the
pre-commit hook's output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import assess
from assess.cli import cli
from assess.formats import RenderOptions, render
from assess.results.gate import Settings, regate

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "samples" / "exemplary.json"
FAILING = ROOT / "samples" / "no-crisis-single-admin.json"

SNIPPET = """\
from pathlib import Path
from typing import Any

import assess

config = assess.Config(select=("POL",), lang="fr")
report: assess.Report = assess.assess_plan(Path("plan.json"), config=config)
score: assess.Score | None = report.plans[0].score
steps: list[assess.StepResult] = report.plans[0].steps
recommendations: list[assess.Recommendation] = report.plans[0].recommendations
"""


def test_the_readme_config_types_check_under_strict_mypy_without_the_pydantic_plugin(tmp_path: Path) -> None:
    (tmp_path / "snippet.py").write_text(SNIPPET, encoding="utf-8")
    # No plugins: what a user of the py.typed library gets; the project's own config is not read.
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\nfollow_imports = silent\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(tmp_path / "mypy.ini"), str(tmp_path / "snippet.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_result_types_are_exported() -> None:
    for name in ("Recommendation", "Score", "StepResult"):
        assert name in assess.__all__
        assert getattr(assess, name).__name__ == name


def test_junit_failures_follow_the_gate(tmp_path: Path) -> None:
    report = assess.assess_plan(FAILING)
    findings = report.plans[0].findings
    low = [f for f in findings if not f.severity.at_least(assess.Severity.HIGH)]
    assert low  # the sample has findings below the default gate
    for fail_on, failing in (("high", {"critical", "high"}), ("none", set()), ("info", None)):
        regated = regate(report, Settings(fail_on)) if fail_on != "info" else report.model_copy(update={"gate": None})
        options = RenderOptions(fail_on=fail_on if fail_on != "info" else None)  # a report without a gate: the options'
        root = ET.fromstring(render("junit", regated, options))
        types = {failure.get("type") for failure in root.iter("failure")}
        if failing is None:
            assert types == {f.severity.value for f in findings}
        else:
            assert types == failing
    out = tmp_path / "junit.xml"
    result = CliRunner().invoke(cli, [str(FAILING), "--no-config", "--fail-on", "critical", "--format", f"junit:{out}"])
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    assert {failure.get("type") for failure in root.iter("failure")} == {"critical"}
    assert any("below the gate" in (out.text or "") for out in root.iter("system-out"))


def test_sarif_has_no_made_up_addresses() -> None:
    report = assess.assess_plan(FAILING)
    from assess.formats import rule_infos
    from assess.rules.catalog import build_catalog

    text = render("sarif", report, RenderOptions(rules=rule_infos(build_catalog(assess.Config()))))
    assert "assess.invalid" not in text
    driver = json.loads(text)["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver and all("helpUri" not in rule for rule in driver["rules"])


def test_a_folder_with_a_non_plan_file_says_it_skipped_it(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "plan.json")
    (tmp_path / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    result = CliRunner().invoke(cli, [str(tmp_path), "--no-config"])
    assert result.exit_code == 0
    assert "assess: 1 file skipped: not a plan (no schema_version)" in result.stderr
    assert "1 skipped (not a plan)" in result.stdout
    report = json.loads(CliRunner().invoke(cli, [str(tmp_path), "--no-config", "--format", "json"]).stdout)
    assert report["summary"]["skipped"] == 1
    (tmp_path / "composer.json").write_text('{"name": "y"}', encoding="utf-8")
    french = CliRunner().invoke(cli, [str(tmp_path), "--no-config", "--lang", "fr"])
    assert "assess: 2 fichiers ignorés : pas des plans (sans schema_version) : " in french.stderr
    assert "skipped" not in french.stderr


def test_assess_rules_lists_thresholds() -> None:
    result = CliRunner().invoke(cli, ["rules", "--thresholds", "--format", "json"])
    assert result.exit_code == 0
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["min_admins"]["value"] == 2 and rows["min_admins"]["source"]
    assert "assess rules --thresholds" in CliRunner().invoke(cli, ["check", "--help"]).stdout


def test_an_unquoted_yaml_schema_version_says_to_quote_it(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("schema_version: 1.0\norganization: {name: x}\n", encoding="utf-8")
    problems = assess.validate_plan(plan)
    assert [p.message for p in problems] == ['schema_version must be a string: write it quoted: "1.0"']


def test_the_gate_lists_the_findings_that_fail_it() -> None:
    result = CliRunner().invoke(cli, [str(FAILING), "--no-config", "--quiet"])
    assert result.exit_code == 1
    assert "POL-01 [critical]" in result.stderr and "1 findings" not in result.stdout


@pytest.mark.parametrize(("count", "noun"), [(1, "1 plan:"), (2, "2 plans:")])
def test_totals_use_singular_and_plural(tmp_path: Path, count: int, noun: str) -> None:
    for index in range(count):
        shutil.copy(GOOD, tmp_path / f"plan{index}.json")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, [str(tmp_path), "--no-config"])
    assert noun in result.stdout


def test_the_starter_committee_agrees_with_com_01() -> None:
    import datetime as dt
    import re

    from assess.plan.model import Language
    from assess.plan.starter import starter_data, starter_text
    from assess.resources import RULES_DIR
    from assess.rules.rulepack import load_pack

    threshold = load_pack(RULES_DIR).thresholds["min_committee_members"].value
    for lang in Language:
        data = starter_data(lang, today=dt.date(2026, 1, 1))
        assert len(data["committee"]["members"]) >= threshold
        text = starter_text("yaml", lang, today=dt.date(2026, 1, 1))
        stated = re.search(r"COM-01 (?:asks for at least|demande au moins) (\d+)", text)
        assert stated is not None and float(stated.group(1)) == threshold


def test_schema_ids_are_the_files_own_names_and_resolve_locally() -> None:
    import copy

    import jsonschema
    import referencing
    from hypothesis_jsonschema._resolve import resolve_all_refs
    from referencing.jsonschema import DRAFT202012

    from assess.resources import SCHEMAS_DIR

    registry: referencing.Registry[Any] = referencing.Registry()
    for path in sorted(SCHEMAS_DIR.glob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        assert "assess.invalid" not in text and "urn:" not in text
        schema = json.loads(text)
        assert schema["$id"] == path.name  # relative: resolved against wherever the file is read from
        registry = registry.with_resource(path.name, DRAFT202012.create_resource(schema))
        resolved = resolve_all_refs(copy.deepcopy(schema))  # hypothesis-jsonschema's resolver (an urn: id breaks it)
        resolved.pop("$defs", None)
        assert "$ref" not in json.dumps(resolved)
    plan = json.loads(GOOD.read_text(encoding="utf-8"))
    by_reference = jsonschema.Draft202012Validator({"$ref": "plan.schema.json"}, registry=registry)
    assert by_reference.is_valid(plan)
    assert not by_reference.is_valid({**plan, "organization": {"name": 5}})
    report = json.loads(render("json", assess.assess_plan(GOOD), RenderOptions()))
    assert jsonschema.Draft202012Validator({"$ref": "report.schema.json"}, registry=registry).is_valid(report)


def test_install_commands_shown_are_ones_that_work_today() -> None:
    """Nothing is published on PyPI as assess-social-plan: only clone and git-URL installs are shown."""
    import re

    # A bare install from PyPI (the README may say that it does not work).
    bare = re.compile(r"pip install ['\"]?assess-social-plan(\[[a-z,]+\])?+['\"]?+(?!\s*@|` does not work)")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert not bare.search(text), f"{path.name}: {bare.search(text)}"
        assert "@v0.1.0" not in text  # no such tag exists
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "git+https://github.com/OWNER/assess" in readme and "from a clone" in readme


class _Text(str):
    pass


class _Number(int):
    pass


class _Fields(dict):  # type: ignore[type-arg]
    pass


class _Items(list):  # type: ignore[type-arg]
    pass


def _subclassed(node: Any) -> Any:
    """The same data with every str, int, dict and list replaced by an instance of a subclass."""
    if isinstance(node, dict):
        return _Fields({_Text(key): _subclassed(value) for key, value in node.items()})
    if isinstance(node, list):
        return _Items(_subclassed(item) for item in node)
    if isinstance(node, str):
        return _Text(node)
    if isinstance(node, int) and not isinstance(node, bool):
        return _Number(node)
    return node


def test_subclasses_of_json_types_are_read_as_those_types() -> None:
    """A caller's str or dict subclass (an ORM's, a config library's) is the same plan, not an empty error."""
    plain = json.loads((ROOT / "samples" / "no-crisis-single-admin.json").read_text(encoding="utf-8"))
    expected = assess.assess_plan(plain).model_dump_json()
    assert assess.assess_plan(_subclassed(plain)).model_dump_json() == expected
    broken = _subclassed({**plain, "organization": {**plain["organization"], "name": ""}})
    with pytest.raises(assess.PlanSchemaError) as caught:
        assess.assess_plan(broken)
    assert [(p.pointer, p.message) for p in caught.value.problems] == [("/organization/name", "must not be empty")]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [('{"schema_version": "\udcff"}', 1, 21), ('{\n  "plan": "x\ud800"}', 2, 13)],
)
def test_document_text_holding_half_a_surrogate_pair_is_a_located_syntax_error(
    text: str, line: int, column: int
) -> None:
    # str.encode("utf-8") raised a bare UnicodeEncodeError out of assess_plan, load_plan and validate_plan.
    for call in (assess.assess_plan, assess.load_plan):
        with pytest.raises(assess.PlanSyntaxError) as caught:
            call(text)
        (problem,) = caught.value.problems
        assert (problem.file, problem.line, problem.column) == ("<memory>", line, column)
        assert "half a surrogate pair" in problem.message
    (problem,) = assess.validate_plan(text)
    assert (problem.line, problem.column) == (line, column)


@pytest.mark.parametrize(
    ("value", "kind", "method"), [("date", "date", ".isoformat()"), ("datetime", "datetime", ".date().isoformat()")]
)
def test_a_python_date_in_a_plan_dict_says_to_write_it_as_text(value: str, kind: str, method: str) -> None:
    """A consultant's script loads a plan with yaml.safe_load, which makes a date object of an unquoted
    2025-03-01, and passes the dict to assess: the error said "must be text (found a date)" of a field
    the schema calls a date, without saying what to do."""
    import datetime as dt

    found = dt.date(2025, 3, 1) if value == "date" else dt.datetime(2025, 3, 1, 12, 0)
    data = {"schema_version": "1.0", "organization": {"name": "Hilltop Community Pantry"}, "plan": {"title": "T"}}
    data["plan"]["as_of"] = found  # type: ignore[index]
    with pytest.raises(assess.PlanSchemaError) as raised:
        assess.assess_plan(data)
    (problem,) = raised.value.problems
    assert problem.pointer == "/plan/as_of"
    assert problem.message == (
        f"must be a date written as text, like 2025-03-01 (found a Python {kind} object: write it with"
        f" {method}, or pass the file's path or text, which assess reads keeping dates as text)"
    )
