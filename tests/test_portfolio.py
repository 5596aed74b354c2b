"""The portfolio view: one row per plan, weakest first, for hundreds of plans."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assess.api import assess_many
from assess.cli import cli
from assess.results.portfolio import CSV_COLUMNS, render_summary, rows
from assess.results.report import Report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted([*ROOT.glob("samples/*.json"), *ROOT.glob("samples/*.yaml")])


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def samples_report() -> Report:
    broken = ("broken.json", b'{"schema_version": "1.0", "organization": {"name": 7}}')
    sources = [(f"samples/{path.name}", path.read_bytes()) for path in SAMPLES]
    return assess_many([*sources, broken])


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_row_per_plan_weakest_first(samples_report: Report) -> None:
    table = parse_csv(render_summary(samples_report, "csv"))
    assert tuple(table[0]) == CSV_COLUMNS
    assert len(table) == len(SAMPLES) + 1
    assert table[0]["file"] == "broken.json" and table[0]["score"] == ""
    assert "/organization/name" in table[0]["error"]
    scored = table[1:]
    keys = [(float(r["score"]), r["file"]) for r in scored]
    assert keys == sorted(keys)
    by_file = {r["file"]: r for r in scored}
    for plan in samples_report.plans:
        if not plan.assessed:
            continue
        r = by_file[plan.file]
        assert plan.score is not None
        assert r["organization"] == plan.organization or r["organization"] == "'" + str(plan.organization)
        assert float(r["score"]) == pytest.approx(plan.score.overall, abs=0.05)
        assert r["grade"] == plan.score.grade
        assert int(r["critical"]) == sum(f.severity == "critical" for f in plan.findings)
        assert int(r["high"]) == sum(f.severity == "high" for f in plan.findings)
        top = plan.recommendations[0] if plan.recommendations else None
        assert r["top_rule"] == (top.rule_id if top else "")
        assert r["top_recommendation"] == (top.title if top else "")
        assert r["error"] == ""


def test_markdown_table(samples_report: Report) -> None:
    text = render_summary(samples_report, "markdown")
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert lines[0].startswith("| # | Organisation | Score | Grade | Critical findings | High findings |")
    body = lines[1:]
    assert len(body) == len(SAMPLES) + 1
    assert "Could not be assessed" in body[0]
    # Every row has exactly the header's number of unescaped cell separators, whatever the plans contain.
    separators = len(re.findall(r"(?<!\\)\|", lines[0]))
    assert all(len(re.findall(r"(?<!\\)\|", line)) == separators for line in body)
    assert "\\<script\\>" in text and "<script>" not in text


def test_french_headers_and_decimal_comma(samples_report: Report) -> None:
    text = render_summary(samples_report, "markdown", "fr")
    assert "| # | Organisation | Score | Note | Constats critiques |" in text
    assert "N'a pas pu être évalué" in text
    decimals = [r.score for r in rows(samples_report) if r.score is not None and r.score != int(r.score)]
    if decimals:
        assert f"{round(decimals[0], 1):g}".replace(".", ",") in text


def test_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    plan = json.loads((ROOT / "samples" / "exemplary.json").read_text(encoding="utf-8"))
    plan["organization"]["name"] = '=HYPERLINK("http://evil.invalid","click")'
    table = parse_csv(render_summary(assess_many([("-evil.json", plan)]), "csv"))
    assert table[0]["organization"] == "'" + plan["organization"]["name"]
    assert table[0]["file"] == "'-evil.json"


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="not a summary format"):
        render_summary(assess_many([]), "xml")  # type: ignore[arg-type]


def test_two_hundred_plans_from_a_folder(tmp_path: Path) -> None:
    """``assess DIR --summary csv`` over 200 plans (copies of the samples) and 3 broken ones, in a few seconds."""
    folder = tmp_path / "portfolio"
    folder.mkdir()
    sources = [path for path in SAMPLES if path.suffix == ".json" and path.name != "injection.json"]
    for index in range(200):
        source = sources[index % len(sources)]
        data = json.loads(source.read_text(encoding="utf-8"))
        data["organization"]["name"] = f"{data['organization']['name']} #{index:03d}"
        (folder / f"plan-{index:03d}.json").write_text(json.dumps(data), encoding="utf-8")
    broken = ['{"schema_version": "1.0"', '{"schema_version": "1.0", "organization": {}}', '{"schema_version": "9"}']
    for index, text in enumerate(broken):
        (folder / f"broken-{index}.json").write_text(text, encoding="utf-8")

    result = run(str(folder), "--summary", "csv", "--fail-on", "none", "--no-config")
    assert result.exit_code == 2, result.output  # broken plans: could not assess
    table = parse_csv(result.stdout)
    assert len(table) == 203
    assert [r["file"].rsplit("/", 1)[-1] for r in table[:3]] == ["broken-0.json", "broken-1.json", "broken-2.json"]
    assert all(r["error"] and not r["score"] for r in table[:3])
    keys = [(float(r["score"]), r["file"]) for r in table[3:]]
    assert keys == sorted(keys)
    assert len({r["organization"] for r in table[3:]}) == 200


def test_summary_markdown_from_the_command_line() -> None:
    result = run(*(str(path) for path in SAMPLES), "--summary", "markdown", "--fail-on", "none")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"## Social media plan assessment · Plans: {len(SAMPLES)}\n")
    assert result.stdout.count("\n| ") == len(SAMPLES) + 1


def test_summary_to_a_file_alongside_another_format(tmp_path: Path) -> None:
    summary, sarif = tmp_path / "portfolio.csv", tmp_path / "out.sarif"
    result = run(
        str(ROOT / "samples" / "exemplary.json"),
        "--summary",
        "csv",
        "--output",
        str(summary),
        "--format",
        f"sarif:{sarif}",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert parse_csv(summary.read_text(encoding="utf-8"))[0]["organization"] == "Riverside Food Bank"
    assert sarif.is_file()


def test_summary_and_a_format_on_standard_output_contradict() -> None:
    result = run(str(ROOT / "samples" / "exemplary.json"), "--summary", "csv", "--format", "json")
    assert result.exit_code == 2
