"""The text format's two pages give the same bytes: rich's, and the plain one that spares a run importing rich.

`PlainPage` writes uncoloured text itself when no line needs laying out and raises `NotPlain`
otherwise; these tests hold it to rich's output on the samples and the corpus (both languages,
verbose and quiet, at widths around the table's and the lines' own) and on Hypothesis reports
whose texts mix one-cell characters with wide, combining and control ones.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

import assess
from assess.config import Config
from assess.formats import RenderOptions, for_people
from assess.formats import text as text_format
from assess.formats.layout import ONE_CELL, Line, NotPlain, PlainPage, RichPage
from assess.results.report import Report

ROOT = Path(__file__).resolve().parent.parent
PLANS = [*sorted((ROOT / "samples").glob("*.json")), ROOT / "samples" / "community-garden.yaml"]
CORPUS = sorted((ROOT / "corpus" / "plans").glob("*.yaml"))


def _pages(report: Report, options: RenderOptions) -> tuple[str | None, str]:
    """The plain page's text (None when it declined) and rich's, uncoloured, as `render` finishes them."""
    report, options = for_people(report, options)
    rich_page = RichPage(options.width, color=False)
    text_format._write(rich_page, report, options)
    rich = text_format._finished(rich_page.text())
    plain_page = PlainPage(options.width)
    try:
        text_format._write(plain_page, report, options)
    except NotPlain:
        return None, rich
    return text_format._finished(plain_page.text()), rich


def _report(path: Path, lang: str) -> Report:
    return assess.assess_plan(path, config=Config(lang=lang))


def test_every_one_cell_character_is_one_cell_and_printed_as_it_is_by_rich() -> None:
    wider_or_stripped = [c for c in sorted(ONE_CELL) if cell_len(c) != 1 or Text(c).plain != c]
    assert wider_or_stripped == []
    assert "\t" not in ONE_CELL and "\n" not in ONE_CELL and "\u0301" not in ONE_CELL and "世" not in ONE_CELL


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_the_samples_are_written_without_rich_with_richs_bytes(path: Path, lang: str) -> None:
    report = _report(path, lang)
    for verbose in (False, True):
        for quiet in (0, 1):
            plain, rich = _pages(report, RenderOptions(verbose=verbose, quiet=quiet))
            assert plain is not None  # the common case needs no rich at all
            assert plain == rich


def _table_width(report: Report) -> int:
    plain, _ = _pages(report, RenderOptions(width=1000))
    assert plain is not None
    return max(len(line) for line in plain.splitlines() if set(line) == {"─"})


@pytest.mark.parametrize("path", CORPUS[:8] + PLANS[:3], ids=lambda p: p.name)
def test_at_widths_around_the_table_and_the_lines_the_plain_page_agrees_or_declines(path: Path) -> None:
    report = _report(path, "fr" if "-fr" in path.name else "en")
    table = _table_width(report)
    declined = 0
    for width in sorted({20, 40, table - 1, table, table + 1, 79, 100, 240}):
        plain, rich = _pages(report, RenderOptions(width=width, verbose=True))
        if plain is None:
            declined += 1
        else:
            assert plain == rich, width
    plain, _ = _pages(report, RenderOptions(width=table))
    assert plain is not None  # a table exactly as wide as the page fits
    assert _pages(report, RenderOptions(width=table - 1))[0] is None  # one column less: rich shrinks it
    assert declined >= 1


# Mostly characters of one cell, with some that are not: wide (CJK, emoji), combining, zero-width, tabs.
_CHARACTERS = st.sampled_from(sorted(ONE_CELL)) | st.sampled_from(
    ["世", "界", "😀", "\u0301", "\u200b", "\t", "\u00ad", "\ufe0f", "ـ"]
)
_TEXTS = st.text(_CHARACTERS, min_size=1, max_size=60)


@settings(max_examples=120, deadline=None)
@given(
    organization=_TEXTS,
    message=_TEXTS,
    recommendation=st.text(_CHARACTERS, min_size=1, max_size=300),
    step_name=_TEXTS,
    width=st.integers(20, 160),
    verbose=st.booleans(),
    quiet=st.sampled_from([0, 1]),
    lang=st.sampled_from(["en", "fr"]),
)
def test_any_text_at_any_width_the_plain_page_agrees_with_rich_or_declines(
    organization: str,
    message: str,
    recommendation: str,
    step_name: str,
    width: int,
    verbose: bool,
    quiet: int,
    lang: str,
) -> None:
    report = _REPORTS[lang]
    plan = report.plans[0]
    findings = [dataclasses.replace(f, message=message, recommendation=recommendation) for f in plan.findings]
    steps = [dataclasses.replace(s, name=step_name) for s in plan.steps]
    plan = dataclasses.replace(plan, organization=organization, findings=findings, steps=steps)
    plain, rich = _pages(
        dataclasses.replace(report, plans=[plan]), RenderOptions(width=width, verbose=verbose, quiet=quiet)
    )
    if plain is not None:
        assert plain == rich


_REPORTS = {lang: _report(ROOT / "samples" / "channels-first.json", lang) for lang in ("en", "fr")}


def test_colour_is_rich_s_and_a_plain_text_run_never_imports_rich(tmp_path: Path) -> None:
    coloured = text_format.render(_REPORTS["en"], RenderOptions(color=True))
    assert "\x1b[" in coloured
    probe = (
        "import sys, assess\n"
        "from assess.formats import RenderOptions, text\n"
        "text.render(assess.assess_plan(sys.argv[1]), RenderOptions())\n"
        "print('rich' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(PLANS[0])],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"ASSESS_CACHE_DIR": str(tmp_path), "PATH": ""},
        cwd=ROOT,
    )
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("soft_wrap", [False, True])
@pytest.mark.parametrize("width", [29, 30, 31])
def test_a_line_as_wide_as_the_page_fits_and_a_wider_one_is_left_to_rich(width: int, soft_wrap: bool) -> None:
    line = Line("Recommandations à suivre", style="bold").append(" — é", style="red")  # then padded to 30 characters
    line.append("s" * (30 - len(line.plain)))
    plain_page, rich_page = PlainPage(width), RichPage(width, color=False)
    rich_page.print(line, soft_wrap=soft_wrap)
    if width < 30 and not soft_wrap:
        with pytest.raises(NotPlain):
            plain_page.print(line, soft_wrap=soft_wrap)
        assert rich_page.text().count("\n") == 2  # rich wrapped it
    else:
        plain_page.print(line, soft_wrap=soft_wrap)
        assert plain_page.text() == rich_page.text()
