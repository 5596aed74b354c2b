"""Plan text cannot drive a terminal, command a CI log, break Markdown or CSV, or link anywhere.

Issue 14's review put control characters, escape sequences, GitHub workflow
commands, backticks and formula starts in plan texts and file names. Every
format a person or a tool reads must show them inert; the property tests below
draw such strings and check every output format and standard error.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.dom.minidom
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

import assess
from assess.cli import cli
from assess.errors import RulePackError, for_log
from assess.formats import RenderOptions, render
from assess.formats.markdown import code, escape
from assess.results.diff import compare_plans, render_markdown, render_text
from assess.results.portfolio import render_summary
from assess.rules.rulepack import load_pack

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "samples" / "no-crisis-single-admin.json"
# Raw control characters a person must never receive: C0 but tab and line feed, DEL, C1.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
PAYLOADS = [
    "\n::warning file=README.md,line=1::pwned",
    "::add-mask::secret",
    "\x1b]0;title\x07\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x1bP+q\x1b\\ \x9b31m \x00 \x07 \r=cmd|' /C calc'!A0",
    "`<img src=x onerror=alert(1)>` [x](javascript:alert(1)) ~~gone~~ | cell",
    "a\r\n-2+3\n@SUM(A1)\r+1",
]
hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("\x00\x07\x08\x0b\x0c\r\n\x1b\x7f\x85\x9b\x9d\u2028`~|:=+-@<>*_[]\\")),
            st.characters(codec="utf-8", exclude_categories=["Cs"]),
        ),
        min_size=1,
        max_size=30,
    ),
)


def _plan_with(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FAILING.read_text(encoding="utf-8"))
    data["organization"]["name"] = name
    return data


BENIGN = assess.assess_plan(_plan_with("Org"), name="plans/plan.json")


def _assert_for_people(text: str) -> None:
    assert not RAW_CONTROL.search(text), repr(text)
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text


@settings(max_examples=15, deadline=None)
@given(name=hostile, file=hostile)
@example(name="-", file="\n::warning file=README.md,line=1::pwned")  # "-" is a placeholder: one finding more
def test_property_hostile_names_are_inert_in_every_format(name: str, file: str) -> None:
    report = assess.assess_plan(_plan_with(name), name=f"plans/{file}.json")
    options = RenderOptions()
    for fmt in ("text", "markdown"):
        _assert_for_people(render(fmt, report, options))
    _assert_for_people(render("text", report, RenderOptions(verbose=True)))
    json.loads(render("json", report, options))
    json.loads(render("sarif", report, options))
    xml.dom.minidom.parseString(render("junit", report, options).encode())
    html = render("html", report, options)
    assert "<img src=x" not in html
    github = render("github", report, options)
    # One annotation line a finding, plus the summary: a name that reads as a placeholder ("-") has a
    # finding more than the benign plan, an injected line break a line more than its findings.
    benign_lines = len(render("github", BENIGN, options).split("\n")) - len(BENIGN.plans[0].findings)
    assert len(github.split("\n")) - len(report.plans[0].findings) == benign_lines
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", github)
    _assert_for_people(render_summary(report, "markdown"))
    _assert_for_people(render_summary(report, "csv"))
    rows = list(csv.reader(io.StringIO(render_summary(report, "csv"), newline="")))
    assert len(rows) == 2
    for cell in rows[1]:
        for line in re.split(r"\r\n|\r|\n", cell):
            assert not line.startswith(("=", "+", "-", "@")) or line == "-", repr(cell)


@settings(max_examples=10, deadline=None)
@given(name=hostile)
def test_property_the_diff_and_log_lines_are_inert(name: str) -> None:
    old = json.dumps(_plan_with("Org")).encode()
    new = json.dumps(_plan_with(name)).encode()
    diff = compare_plans(old, new, old_name=f"a{name}.json", new_name=f"b{name}.json")
    _assert_for_people(render_text(diff))
    _assert_for_people(render_markdown(diff))
    line = for_log(f"assess: {name}: {name}")
    _assert_for_people(line)
    assert "\n" not in line


@settings(deadline=None)
@given(text=st.text(max_size=20))
def test_property_a_code_span_cannot_be_ended_early(text: str) -> None:
    span = code(text)
    fence = re.match(r"`+", span)
    assert fence is not None and span.endswith(fence.group())
    inner = span[len(fence.group()) : -len(fence.group())]
    assert fence.group() not in re.findall(r"`+", inner)
    assert "\n" not in span


def test_markdown_escapes_strikethrough_and_backticks_in_names() -> None:
    assert escape("~~x~~") == "\\~\\~x\\~\\~"
    report = assess.assess_plan(_plan_with("Org"), name="x`<img src=x onerror=alert(1)>`.json")
    markdown = render("markdown", report)
    assert "``x`<img src=x onerror=alert(1)>`.json``" in markdown


def test_a_workflow_command_in_a_file_name_or_source_line_is_neutralised(tmp_path: Path) -> None:
    plan = tmp_path / "::warning file=README.md,line=1::pwned.json"
    plan.write_text('{"schema_version": "1.0",\n"x":\n::add-mask::x\n}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(plan)])
    assert result.exit_code == 2
    assert not any(line.lstrip().startswith("::") for line in result.output.splitlines()), result.output
    assert "  | ::add-mask::x" in result.output
    result = CliRunner().invoke(cli, ["check", str(plan), "--no-config"])
    assert not any(line.lstrip().startswith("::") for line in result.stderr.splitlines()), result.stderr


def test_controls_in_the_text_report_file_and_stderr_are_escaped(tmp_path: Path) -> None:
    plan = tmp_path / "plan\x1b[2J.json"
    plan.write_text(json.dumps(_plan_with("Org\x1b]0;pwned\x07\x9b\x00")), encoding="utf-8")
    out = tmp_path / "report.txt"
    result = CliRunner().invoke(cli, [str(plan), "--no-config", "--format", f"text:{out}", "--format", "text"])
    assert result.exit_code == 1
    for text in (out.read_text(encoding="utf-8"), result.stdout, result.stderr):
        _assert_for_people(text)
        assert "\\u001b" in text


def test_csv_escapes_a_bare_carriage_return_and_guards_every_line() -> None:
    """A bare CR would return a terminal's cursor (the rest of the name overwrites the start): escaped.

    A line feed stays (quoted, as CSV does) and the line after it is guarded against formulas.
    """
    report = assess.assess_plan(_plan_with("Org\r=cmd|' /C calc'!A0"), name="plan.json")
    text = render_summary(report, "csv")
    assert ",Org\\u000d=cmd|' /C calc'!A0," in text
    assert "\r" not in text
    report = assess.assess_plan(_plan_with("Org\n=cmd|' /C calc'!A0"), name="plan.json")
    assert "\"Org\n'=cmd|' /C calc'!A0\"" in render_summary(report, "csv")


def test_csv_keeps_no_line_that_starts_a_workflow_command() -> None:
    report = assess.assess_plan(_plan_with("Org\n::error::pwned"), name="::warning::x.json")
    text = render_summary(report, "csv")
    _assert_for_people(text)
    assert "\n\\::error::pwned" in text and "\n\\::warning::x.json," in text


# file: (organisation name, its CSV cell, its Markdown cell). Markdown also escapes its own \ [ ].
HOSTILE_NAMES = {
    "osc.json": ("Org\x1b]0;title\x07", r"Org\u001b]0;title\u0007", r"Org\\u001b\]0;title\\u0007"),
    "csi.json": ("Org \x9b31m red", r"Org \u009b31m red", r"Org \\u009b31m red"),
    "formula.json": ('=HYPERLINK("x")\x1b[2J', '\'=HYPERLINK("x")\\u001b[2J', r'=HYPERLINK("x")\\u001b\[2J'),
    "plain.json": (
        "Jardin de la Rivière · 東京 Ñandú",
        "Jardin de la Rivière · 東京 Ñandú",
        "Jardin de la Rivière · 東京 Ñandú",
    ),
}


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_summary_shows_controls_escaped_on_standard_output_and_in_a_file(tmp_path: Path, fmt: str) -> None:
    """`--summary csv` printed raw ESC/BEL/CSI: a plan could retitle the terminal. A file gets the same bytes."""
    folder = tmp_path / "plans"
    folder.mkdir()
    for file, (name, _, _) in HOSTILE_NAMES.items():
        (folder / file).write_text(json.dumps(_plan_with(name), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / f"summary.{fmt}"
    base = [str(folder), "--no-config", "--fail-on", "none", "--summary", fmt]
    printed = CliRunner().invoke(cli, base)
    written = CliRunner().invoke(cli, [*base, "--output", str(out)])
    assert printed.exit_code == written.exit_code == 0, printed.output + written.output
    text = out.read_text(encoding="utf-8")
    assert printed.stdout == text
    _assert_for_people(text)
    if fmt == "csv":
        organisations = {Path(row["file"]).name: row["organization"] for row in csv.DictReader(io.StringIO(text))}
        assert organisations == {file: cell for file, (_, cell, _) in HOSTILE_NAMES.items()}
    else:
        for _, _, cell in HOSTILE_NAMES.values():
            assert f"| {cell} |" in text, cell


def _pack(tmp_path: Path, **header: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    lines = ["pack: hostile", "version: '1'", *(f"{key}: {json.dumps(value)}" for key, value in header.items())]
    (pack / "pack.yaml").write_text("\n".join(lines) + "\nrules: []\n", encoding="utf-8")
    return pack


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "https://a b"])
def test_a_pack_help_uri_must_be_a_web_address(tmp_path: Path, uri: str) -> None:
    with pytest.raises(RulePackError, match="help_uri"):
        load_pack(_pack(tmp_path, help_uri=uri))
    assert load_pack(_pack(tmp_path, help_uri="https://example.org/rules/{id}")).help_uri


@pytest.mark.parametrize("base", ["../../../etc/passwd", "/etc/passwd", "sub/../../x.json"])
def test_a_pack_example_base_stays_inside_the_pack(tmp_path: Path, base: str) -> None:
    with pytest.raises(RulePackError, match="inside the pack"):
        load_pack(_pack(tmp_path, example_base=base))


@pytest.mark.parametrize("hostile_name", [False, True])
def test_for_people_rebuilds_a_report_only_when_it_has_something_to_escape(hostile_name: bool) -> None:
    from assess.formats import for_people
    from assess.results.report import to_data

    report = assess.assess_plan(_plan_with("Org\x1b]0;t\x07" if hostile_name else "Org"), name="plans/plan.json")
    cleaned, _ = for_people(report, RenderOptions())
    assert (cleaned is report) is not hostile_name
    assert not RAW_CONTROL.search(json.dumps(to_data(cleaned), ensure_ascii=False).replace("\\u", ""))
    assert cleaned.plans[0].organization == ("Org\\u001b]0;t\\u0007" if hostile_name else "Org")
