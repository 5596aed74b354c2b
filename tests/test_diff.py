"""`assess diff`: two versions of a plan, findings matched by fingerprint."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from assess.api import assess_plan
from assess.cli import cli
from assess.results.diff import compare, compare_plans, new_at_least, render
from assess.results.report import Severity

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "no-crisis-single-admin.json"
CRISIS_PLAN = {"contacts": ["nadia", "jonah"], "backup_responder": "jonah", "first_response_hours": 4}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def scores(versions: tuple[Path, Path]) -> tuple[str, str, str]:
    """Old and new overall scores and their change, as the outputs print them."""
    before, after = (assess_plan(path).plans[0].score for path in versions)
    assert before is not None and after is not None
    delta = round(after.overall - before.overall, 1)
    sign = "+" if delta > 0 else "-" if delta < 0 else ""
    return f"{before.overall:g}", f"{after.overall:g}", f"{sign}{abs(delta):g}"


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """OLD is the sample; NEW adds a crisis plan (POL-01 resolved) and drops web analytics (ORG-03 new): from the
    tracking section and from the measurement tools, where Plausible counts too."""
    old: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    new["policies"]["crisis_plan"] = CRISIS_PLAN
    del new["tracking"]["web_analytics"]
    new["measurement"]["tools"].remove("Plausible Analytics")
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old, indent=2), encoding="utf-8")
    new_path.write_text(json.dumps(new, indent=2), encoding="utf-8")
    return old_path, new_path


def test_exactly_the_expected_findings_are_resolved_new_and_unchanged(versions: tuple[Path, Path]) -> None:
    old_path, new_path = versions
    old_findings = assess_plan(old_path).plans[0].findings
    diff = compare_plans(old_path, new_path)
    assert [f.rule_id for f in diff.resolved] == ["POL-01"]
    assert [f.rule_id for f in diff.new] == ["ORG-03"]
    assert sorted(f.fingerprint for f in diff.unchanged) == sorted(
        f.fingerprint for f in old_findings if f.rule_id != "POL-01"
    )
    assert diff.accepted == []
    assert diff.old_file.endswith("old.json") and diff.new_file.endswith("new.json")
    steps = {step.step: step for step in diff.steps}
    assert steps[4].after is not None and steps[4].before is not None and steps[4].after > steps[4].before
    assert steps[3].after is not None and steps[3].before is not None and steps[3].after < steps[3].before


def test_the_same_plan_twice_changes_nothing() -> None:
    report = assess_plan(SAMPLE).plans[0]
    diff = compare(report, report)
    assert diff.resolved == [] and diff.new == [] and diff.accepted == []
    assert len(diff.unchanged) == len(report.findings)
    assert diff.score_change == 0
    assert all(step.before == step.after for step in diff.steps)


def test_moving_elements_around_does_not_make_findings_new(tmp_path: Path) -> None:
    """Fingerprints name the plan elements, not their positions: reordering channels changes no finding."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    moved = copy.deepcopy(data)
    moved["channels"].reverse()
    diff = compare_plans(data, moved)
    assert diff.resolved == [] and diff.new == []
    assert {f.pointer for f in diff.unchanged if f.rule_id == "POL-03"} == {"/channels/0", "/channels/1", "/channels/2"}


def test_a_finding_suppressed_in_the_new_version_is_accepted_not_resolved() -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    accepted = copy.deepcopy(data)
    accepted["x-assess"] = {
        "suppress": [{"rule": "POL-04", "justification": "Passwords move to the vault in the next quarter."}]
    }
    diff = compare_plans(data, accepted)
    assert [f.rule_id for f in diff.accepted] == ["POL-04"]
    assert diff.resolved == [] and diff.new == []
    assert "Now accepted (suppressed) (1)" in render(diff, "text")


def test_new_at_least_is_the_gate(versions: tuple[Path, Path]) -> None:
    diff = compare_plans(*versions)
    assert [f.rule_id for f in new_at_least(diff, Severity.HIGH)] == ["ORG-03"]
    assert new_at_least(diff, Severity.CRITICAL) == []


def test_cannot_compare_a_plan_that_was_not_assessed() -> None:
    from assess.results.report import PlanReport

    broken = PlanReport(file="broken.json", assessed=False)
    with pytest.raises(ValueError, match=r"broken\.json"):
        compare(broken, assess_plan(SAMPLE).plans[0])


# ---------------------------------------------------------------- the command


def test_text_output_lists_scores_and_each_group(versions: tuple[Path, Path]) -> None:
    result = run("diff", *map(str, versions))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "What changed in the plan: Clearwater River Alliance" in out
    before, after, change = scores(versions)
    assert f"Overall score: {before} -> {after} ({change})" in out
    assert "Resolved (1)" in out and "New (1)" in out and "Unchanged (5)" in out
    resolved = out.split("Resolved (1)")[1].split("New (1)")[0]
    assert "POL-01 [critical]" in resolved and "old.json:" in resolved
    new = out.split("New (1)")[1].split("Unchanged")[0]
    assert "ORG-03 [high]" in new and "new.json:" in new
    for step in ("1 Committee", "4 Policies", "11 Celebration"):
        assert step in out


def test_json_output_is_the_diff_model(versions: tuple[Path, Path]) -> None:
    result = run("diff", *map(str, versions), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [f["rule_id"] for f in data["resolved"]] == ["POL-01"]
    assert [f["rule_id"] for f in data["new"]] == ["ORG-03"]
    assert len(data["steps"]) == 11
    assert {"score_before", "score_after", "grade_before", "grade_after", "unchanged", "accepted"} <= set(data)


def test_markdown_output(versions: tuple[Path, Path]) -> None:
    result = run("diff", *map(str, versions), "-f", "markdown")
    assert result.exit_code == 0
    assert "## What changed in the plan: Clearwater River Alliance" in result.stdout
    before, after, change = scores(versions)
    assert f"| **Overall score** | {before} | **{after}** | {change} |" in result.stdout
    assert "### Resolved (1)" in result.stdout
    assert "- **ORG-03** (high)" in result.stdout


def test_html_output_to_a_file(versions: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "changes.html"
    result = run("diff", *map(str, versions), "--format", "html", "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in html and "<script" not in html
    resolved = html.split("<h2>Resolved · 1</h2>")[1].split("<h2>")[0]
    new = html.split("<h2>New · 1</h2>")[1].split("<h2>")[0]
    assert "POL-01" in resolved and "ORG-03" not in resolved
    assert "ORG-03" in new and "POL-01" not in new


def test_french(versions: tuple[Path, Path]) -> None:
    result = run("diff", *map(str, versions), "--lang", "fr")
    assert result.exit_code == 0
    assert "Ce qui a changé dans le plan\u00a0: Clearwater River Alliance" in result.stdout
    assert "Résolus (1)" in result.stdout and "Nouveaux (1)" in result.stdout
    assert "Un plan de communication de crise" not in result.stdout  # titles are not printed, messages are
    assert "3 canaux actifs" in result.stdout and "(aux)" not in result.stdout


def test_fail_on_new(versions: tuple[Path, Path]) -> None:
    assert run("diff", *map(str, versions), "--fail-on-new", "high").exit_code == 1
    assert run("diff", *map(str, versions), "--fail-on-new", "critical").exit_code == 0
    assert run("diff", *map(str, reversed(versions)), "--fail-on-new", "info").exit_code == 1  # POL-01 comes back


def test_bad_input_is_one_line_and_exit_2(versions: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = versions
    missing = run("diff", str(old), str(tmp_path / "missing.json"))
    assert missing.exit_code == 2
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "missing.json" in missing.stderr
    invalid = run("diff", str(old), str(ROOT / "samples" / "invalid" / "schema-violations.json"))
    assert invalid.exit_code == 2
    assert len(invalid.stderr.strip().splitlines()) == 1
    assert "schema-violations.json:" in invalid.stderr
    assert "Traceback" not in missing.output + invalid.output
    assert run("diff", str(old)).exit_code == 2
    assert run("diff", "-", "-").exit_code == 2
    assert run("diff", str(old), str(old), "--format", "pdf").exit_code == 2


def _renamed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["organization"]["name"] = name
    return data


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_plans_of_two_organisations_are_compared_with_a_warning_in_every_format(lang: str) -> None:
    """Progress measured between two organisations' plans is no progress: every output says the files differ."""
    from assess.config import Config

    old = json.loads(SAMPLE.read_text(encoding="utf-8"))
    diff = compare_plans(old, _renamed("Riverside Food Bank"), config=Config(lang=lang))
    assert diff.other_organisation
    assert (diff.old_organization, diff.organization) == ("Clearwater River Alliance", "Riverside Food Bank")
    warning = diff.organisation_warning()
    assert warning is not None and "Clearwater River Alliance" in warning and "Riverside Food Bank" in warning
    assert ("two organisations" if lang == "en" else "deux organisations") in warning
    text = render(diff, "text")
    assert f"  {warning}\n" in text and text.index(warning) < text.index("100")  # under the files, before scores
    assert f"> **{warning}**" in render(diff, "markdown").replace("\\", "")
    assert 'class="callout" role="alert"' in render(diff, "html")
    data = json.loads(render(diff, "json"))
    assert (data["old_organization"], data["organization"]) == ("Clearwater River Alliance", "Riverside Food Bank")


@pytest.mark.parametrize(
    ("old_name", "new_name", "warned"),
    [
        ("Clearwater River Alliance", "Clearwater River Alliance", False),
        ("Clearwater River Alliance", "clearwater  RIVER alliance ", False),  # case and spacing are no new name
        ("Clearwater River Alliance", "Clearwater River Alliances", True),  # one letter is
    ],
)
def test_the_organisation_warning_ignores_case_and_spacing_only(old_name: str, new_name: str, warned: bool) -> None:
    diff = compare_plans(_renamed(old_name), _renamed(new_name))
    assert diff.other_organisation is warned
    assert (diff.organisation_warning() is not None) is warned
    assert ("Check the files" in render(diff, "text")) is warned
    assert ('role="alert"' in render(diff, "html")) is warned


def test_no_organisation_warning_when_a_version_names_none() -> None:
    """A version whose name is missing or unfilled says nothing of which organisation it is: no warning."""
    report = assess_plan(SAMPLE).plans[0]
    unnamed = report.model_copy(update={"organization": None})
    for old, new in ((report, unnamed), (unnamed, report)):
        diff = compare(old, new)
        assert not diff.other_organisation and diff.organisation_warning() is None


OCHIL = ROOT / "tests" / "qa_plans"


def test_a_step_held_by_a_critical_finding_is_marked_capped_on_both_sides() -> None:
    """Four Policies findings are resolved between the two versions, yet the step reads 40 -> 40: a critical finding
    caps it in both (a new one, on TikTok). The reports mark such a score with * and a legend; the diff did not,
    so a client read 'no progress' (QA pass on two versions of a plan)."""
    diff = compare_plans(OCHIL / "ochil-young-minds-v1.yaml", OCHIL / "ochil-young-minds-v2.yaml")
    policies = diff.steps[3]
    assert (policies.capped_before, policies.capped_after) == (True, True)
    channels = diff.steps[4]
    assert (channels.capped_before, channels.capped_after) == (True, False)
    text = render(diff, "text")
    assert re.search(r"4 Policies\s+40\*\s+40\*", text)
    assert "* step score capped by a critical finding" in text
    markdown = render(diff, "markdown")
    assert "| 4. Policies | 40\\* | 40\\* | 0 |" in markdown and "| 5. Channels | 40\\* | 100 |" in markdown
    html = render(diff, "html")
    assert ">40 *</td>" in html and "step score capped by a critical finding" in html


def test_a_diff_with_no_capped_step_has_no_legend() -> None:
    exemplary = ROOT / "samples" / "exemplary.json"
    diff = compare_plans(exemplary, exemplary)
    assert not any(step.capped_before or step.capped_after for step in diff.steps)
    assert "capped" not in render(diff, "text")
    assert "\\*" not in render(diff, "markdown") and "capped" not in render(diff, "html")


def test_the_html_diff_gives_advice_on_the_work_left_not_on_the_work_done() -> None:
    """Resolved findings carried their 'Why' and 'What to do' and the unchanged ones, the work still to do, none
    (QA pass on two versions of a plan): the advice now goes with the new and unchanged findings."""
    diff = compare_plans(OCHIL / "ochil-young-minds-v1.yaml", OCHIL / "ochil-young-minds-v2.yaml")
    assert diff.resolved and diff.unchanged and diff.new
    html = render(diff, "html")
    sections = html.split("<h2>")
    resolved = next(part for part in sections if part.startswith("Resolved"))
    unchanged = next(part for part in sections if part.startswith("Unchanged"))
    new = next(part for part in sections if part.startswith("New"))
    assert "What to do" not in resolved
    assert unchanged.count("What to do") == len(diff.unchanged)
    assert new.count("What to do") == len(diff.new)
