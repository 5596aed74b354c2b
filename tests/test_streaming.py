"""Batches are streamed (issue 15, part 3): the same bytes as the whole report rendered at once.

The CLI writes JSON and SARIF plan by plan and keeps only small rows for the summary
and the gate; here its files are compared, byte for byte, with what the whole-report
path gives (`assess_many`, `apply_baseline`, `render`, `render_summary`, `decide`) on a
batch of varied plans: good, failing, generated, suppressed (used, unused, expired),
unreadable, invalid, YAML, a skipped non-plan, with and without a baseline, in one
process and in two.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.api import assess_many
from assess.cli import cli
from assess.config import Config
from assess.formats import RenderOptions, render, rule_infos
from assess.formats.sarif import Writer as SarifWriter
from assess.formats.stream import ListSpool, splice
from assess.plan.discover import discover
from assess.results.baseline import Baseline, apply_baseline, baseline_text, parse_baseline
from assess.results.gate import Tally, decide
from assess.results.portfolio import render_summary
from assess.results.report import Report, Severity
from assess.rules.catalog import build_catalog
from bench.plans import generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TODAY = "2025-06-01"
SUPPRESS = {
    "suppress": [
        {"rule": "POL-03", "justification": "The second admin starts next month."},
        {"rule": "POL-02", "justification": "Unused: reported as such."},
        {"rule": "VIS-01", "justification": "Lapsed at the end of 2019.", "expires": "2020-01-01"},
    ]
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "plans"
    folder.mkdir()
    for sample in [*SAMPLES.glob("*.json"), *SAMPLES.glob("*.yaml")]:
        shutil.copy(sample, folder / sample.name)
    for broken in ["syntax-error.json", "schema-violations.json", "dangling-reference.json", "bad-date.yaml"]:
        shutil.copy(SAMPLES / "invalid" / broken, folder / f"invalid-{broken}")
    plan = json.loads((SAMPLES / "no-crisis-single-admin.json").read_text(encoding="utf-8"))
    plan["x-assess"] = SUPPRESS
    (folder / "suppressed.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    for index, generated in enumerate(generate(24, seed=15)):
        (folder / f"generated-{index:02d}.json").write_text(json.dumps(generated), encoding="utf-8")
    (folder / "notes.json").write_text('{"not": "a plan"}\n', encoding="utf-8")  # skipped: no schema_version
    return folder


def whole(folder: Path, baseline: Baseline | None = None) -> tuple[Report, RenderOptions, Config]:
    """Today's path: every plan report in memory, then the baseline applied to the whole report."""
    config = Config(today=TODAY)
    skipped: list[str] = []
    targets = discover([str(folder)], skipped=skipped)
    report = assess_many([(t.name, Path(t.path)) for t in targets if t.path], config=config)
    report = report.model_copy(update={"summary": report.summary.model_copy(update={"skipped": len(skipped)})})
    filtered = apply_baseline(report, baseline or Baseline(frozenset()))
    catalog = build_catalog(config)
    options = RenderOptions(rules=rule_infos(catalog, "en"), baselined=filtered.baselined, fail_on="high")
    return filtered.report, options, config


def run_batch(folder: Path, out: Path, *extra: str) -> tuple[int, str]:
    out.mkdir(exist_ok=True)
    result = CliRunner().invoke(
        cli,
        [
            str(folder),
            "--no-config",
            "--today",
            TODAY,
            "--format",
            f"json:{out / 'report.json'}",
            "--format",
            f"sarif:{out / 'report.sarif'}",
            "--summary",
            "csv",
            "-o",
            str(out / "summary.csv"),
            *extra,
        ],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def expected_stderr_tail(report: Report, config: Config) -> list[str]:
    """The gate's lines as the CLI printed them from the whole report."""
    verdict = decide(report, config)
    if verdict.exit_code != 1:
        return []
    lines = ["assess: gate failed (exit 1):", *(f"  {reason}" for reason in verdict.reasons[:10])]
    if len(verdict.reasons) > 10:
        lines.append(f"  ... and {len(verdict.reasons) - 10} more")
    failing = [(p, f) for p in report.plans for f in p.findings if f.severity.at_least(Severity.HIGH)]
    lines += ["assess: findings that fail the gate:"] if failing else []
    for plan, finding in failing[:10]:
        where = f"{plan.file}:{finding.line or 1}:{finding.column or 1}"
        lines.append(f"  {where}: {finding.rule_id} [{finding.severity.value}] {finding.message}")
    if len(failing) > 10:
        lines.append(f"  ... and {len(failing) - 10} more")
    return lines


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_streamed_batch_is_byte_identical_to_the_whole_report(batch: Path, tmp_path: Path, jobs: str) -> None:
    report, options, _ = whole(batch)
    assert report.summary.errors == 4 and report.summary.skipped == 1 and len(report.plans) > 30
    assert any(p.suppressed for p in report.plans) and any(p.suppression_notices for p in report.plans)
    code, stderr = run_batch(batch, tmp_path / "out", "--jobs", jobs)
    assert code == 2  # some plans could not be assessed
    assert (tmp_path / "out" / "report.json").read_text(encoding="utf-8") == render("json", report, options) + "\n"
    assert (tmp_path / "out" / "report.sarif").read_text(encoding="utf-8") == render("sarif", report, options) + "\n"
    assert (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8") == render_summary(report, "csv")
    # The totals, counted plan by plan, are those of the whole report.
    summary = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["summary"]
    assert summary["findings"]["high"] == sum(f.severity is Severity.HIGH for p in report.plans for f in p.findings)
    assert f"assess: 4 of {len(report.plans)} plans could not be assessed (exit 2)" in stderr


def test_a_streamed_batch_with_a_baseline_and_a_failing_gate(batch: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    shutil.copytree(batch, good, ignore=shutil.ignore_patterns("invalid-*"))
    full, _, _ = whole(good)
    # A baseline that accepts the findings of every other plan: some plans lose findings, others keep them.
    keep = {plan.file for index, plan in enumerate(full.plans) if index % 2}
    text = baseline_text(full.model_copy(update={"plans": [p for p in full.plans if p.file in keep]}))
    (tmp_path / "baseline.json").write_text(text, encoding="utf-8")
    baseline = parse_baseline(text)
    report, options, config = whole(good, baseline)
    assert options.baselined and report.summary.findings != full.summary.findings
    code, stderr = run_batch(good, tmp_path / "out", "--baseline", str(tmp_path / "baseline.json"), "--jobs", "2")
    assert code == 1
    assert (tmp_path / "out" / "report.json").read_text(encoding="utf-8") == render("json", report, options) + "\n"
    assert (tmp_path / "out" / "report.sarif").read_text(encoding="utf-8") == render("sarif", report, options) + "\n"
    assert (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8") == render_summary(report, "csv")
    tail = expected_stderr_tail(report, config)
    assert len(tail) > 20 and "more" in tail[11]  # more than ten plans fail: the counts of the rest are shown
    assert stderr.splitlines()[-len(tail) :] == tail
    # The stored verdict is standard error's: the first ten reasons, and how many more.
    stored = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["gate"]
    assert stored["exit_code"] == code and [f"  {reason}" for reason in stored["reasons"]] == tail[1:11]
    assert tail[11] == f"  ... and {stored['more_reasons']} more"


def test_writing_a_baseline_sets_every_finding_aside_as_before(batch: Path, tmp_path: Path) -> None:
    _, stderr = run_batch(batch, tmp_path / "out", "--write-baseline", str(tmp_path / "baseline.json"))
    written = (tmp_path / "baseline.json").read_text(encoding="utf-8")
    full, _, _ = whole(batch)
    assert written == baseline_text(full)
    report, options, _ = whole(batch, parse_baseline(written))
    assert sum(report.summary.findings.values()) == 0 < sum(full.summary.findings.values())
    assert (tmp_path / "out" / "report.json").read_text(encoding="utf-8") == render("json", report, options) + "\n"
    assert (tmp_path / "out" / "report.sarif").read_text(encoding="utf-8") == render("sarif", report, options) + "\n"
    count = len(parse_baseline(written).entries)
    assert f"assess: wrote {tmp_path / 'baseline.json'} ({count} findings)" in stderr


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_streamed_format_on_standard_output_is_the_whole_rendering(batch: Path, fmt: str) -> None:
    report, options, _ = whole(batch)
    result = CliRunner().invoke(cli, [str(batch), "--no-config", "--today", TODAY, "--format", fmt])
    assert result.exit_code == 2
    assert result.stdout == render(fmt, report, options) + "\n"


def test_the_streamed_summary_in_markdown_is_the_whole_one(batch: Path, tmp_path: Path) -> None:
    report, _, _ = whole(batch)
    result = CliRunner().invoke(cli, [str(batch), "--no-config", "--today", TODAY, "--summary", "markdown"])
    assert result.stdout == render_summary(report, "markdown")


def test_the_gate_plan_by_plan_keeps_its_first_reasons_and_counts_the_rest(batch: Path) -> None:
    report, _, config = whole(batch)
    verdict = decide(report, config)
    tally = Tally(config, keep=3)
    for plan in report.plans:
        tally.add(plan)
    assert tally.verdict().exit_code == verdict.exit_code
    assert tally.verdict().reasons == verdict.reasons[:3]
    assert tally.omitted == len(verdict.reasons) - 3 > 0


def test_an_empty_batch_streams_as_the_empty_report() -> None:
    empty = assess_many([])
    catalog = build_catalog(Config())
    options = RenderOptions(rules=rule_infos(catalog, "en"))
    out = io.StringIO()
    writer = SarifWriter(empty, options, out)
    writer.finish(empty.summary, empty.gate)
    assert out.getvalue() == render("sarif", empty, options)
    from assess.formats.json import Writer as JsonWriter

    out = io.StringIO()
    JsonWriter(empty, options, out).finish(empty.summary, empty.gate)
    assert out.getvalue() == render("json", empty, options)


def test_a_rule_unknown_to_the_catalog_is_described_as_render_does(batch: Path) -> None:
    """Library callers may stream reports made with another catalog: the rule list grows as render's does."""
    report, options, _ = whole(batch)
    bare = RenderOptions(rules=options.rules[:3])
    out = io.StringIO()
    writer = SarifWriter(report, bare, out)
    for plan in report.plans:
        writer.add(plan)
    writer.finish(report.summary, report.gate)
    assert out.getvalue() == render("sarif", report, bare)


def test_splice_refuses_a_skeleton_without_its_list() -> None:
    spool = ListSpool(2)
    spool.add({"a": 1})
    with pytest.raises(AssertionError):
        splice(io.StringIO(), '{\n  "other": []\n}', [("results", 2, spool)])
    spool.close()
