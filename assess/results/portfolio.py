"""The portfolio view: one row per plan, weakest first, for someone who looks after many organisations.

``assess DIR --summary csv|markdown`` prints it. A row carries the plan's file,
organisation, score, grade, critical and high counts and its top recommendation;
a plan that could not be assessed keeps its row, with the first problem as its
error, and comes first, since it needs attention before any score does. Then
rows go by score, lowest first, then by file, so the order is stable.

CSV is data for spreadsheets and scripts: its header names are fixed identifiers
(the same in every language), numbers use a decimal point, and a text cell that
a spreadsheet would run as a formula (starting with = + - @) is prefixed with an
apostrophe, because organisation names come from untrusted plans. Markdown is
for people: headers and numbers in the report's language, cells escaped.

Both are also read in a terminal or a CI log (printed, or a file shown with cat), so
plan text in them is inert as in every other format a person reads: control characters
(ESC, BEL, C1 such as U+009B, a bare CR) appear escaped (``\u001b``), and no line starts
with ``::`` (a GitHub workflow command). A CSV cell keeps its line feeds (quoted, as CSV
does). The bytes are the same on standard output and in a file: the JSON report is the
lossless data, and JSON escapes control characters itself.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from assess.errors import no_workflow_commands, single_line, visible
from assess.i18n import label
from assess.results.report import PlanReport, Report, Severity

SummaryFormat = Literal["csv", "markdown"]
SUMMARY_FORMATS: tuple[SummaryFormat, ...] = ("csv", "markdown")
CSV_COLUMNS = (
    "file",
    "organization",
    "score",
    "grade",
    "critical",
    "high",
    "top_rule",
    "top_recommendation",
    "top_action",
    "error",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One plan in the portfolio."""

    file: str
    organization: str
    score: float | None
    grade: str
    critical: int
    high: int
    top_rule: str
    top_title: str
    top_action: str
    error: str

    @property
    def sort_key(self) -> tuple[float, str]:
        return (-1.0 if self.score is None else self.score, self.file)


def row(plan: PlanReport) -> Row:
    """The portfolio row of one plan."""
    if not plan.assessed or plan.score is None:
        problem = plan.problems[0] if plan.problems else None
        where = f"{plan.file}:{problem.line}:{problem.column or 1}: " if problem and problem.line else ""
        error = f"{where}{problem.pointer or '/'}: {problem.message}" if problem else "not assessed"
        return Row(plan.file, plan.organization or "", None, "", 0, 0, "", "", "", error)
    counts = {severity: 0 for severity in Severity}
    for finding in plan.findings:
        counts[finding.severity] += 1
    top = plan.recommendations[0] if plan.recommendations else None
    return Row(
        file=plan.file,
        organization=plan.organization or "",
        score=plan.score.overall,
        grade=plan.score.grade,
        critical=counts[Severity.CRITICAL],
        high=counts[Severity.HIGH],
        top_rule=top.rule_id if top else "",
        top_title=top.title if top else "",
        top_action=" ".join(top.action.split()) if top else "",
        error="",
    )


def rows(report: Report) -> list[Row]:
    """Every plan's row: not assessed first, then by score ascending, then by file."""
    return sorted((row(plan) for plan in report.plans), key=lambda r: r.sort_key)


class Portfolio:
    """The portfolio built plan by plan, for a batch that does not keep its plans: one small row each.

    The rule texts that many rows share (the top recommendation's) are kept once.
    """

    def __init__(self) -> None:
        self._rows: list[Row] = []
        self._languages: set[str] = set()
        self._texts: dict[str, str] = {}

    def add(self, plan: PlanReport) -> None:
        found = row(plan)
        self._rows.append(
            dataclasses.replace(
                found,
                top_rule=self._shared(found.top_rule),
                top_title=self._shared(found.top_title),
                top_action=self._shared(found.top_action),
            )
        )
        self._languages.add(plan.language)

    def _shared(self, text: str) -> str:
        return self._texts.setdefault(text, text)

    def render(self, fmt: SummaryFormat, lang: str | None = None) -> str:
        """The table as CSV or Markdown (see `render_summary`)."""
        if fmt not in RENDERERS:
            raise ValueError(f"{fmt!r} is not a summary format (one of {', '.join(SUMMARY_FORMATS)})")
        common = next(iter(self._languages)) if len(self._languages) == 1 else "en"
        return RENDERERS[fmt](sorted(self._rows, key=lambda r: r.sort_key), lang or common)


def render_summary(report: Report, fmt: SummaryFormat, lang: str | None = None) -> str:
    """The portfolio table as CSV or Markdown.

    `lang` is the language of the Markdown headers (default: the plans' common
    language, else English); the rule texts are in the language of the report.
    """
    portfolio = Portfolio()
    for plan in report.plans:
        portfolio.add(plan)
    return portfolio.render(fmt, lang)


_LINE_START = re.compile(r"(^|\r\n|\r|\n)(?=[" + re.escape("".join(_FORMULA_STARTS)) + "])")
"""Where a line of a cell starts with what a spreadsheet would read as a formula (`_FORMULA_STARTS`)."""


def _cell(text: str) -> str:
    """Text a terminal shows inert and a spreadsheet shows as text, never runs as a formula (OWASP's CSV advice).

    Control characters but the line feed are escaped (``\u001b``: see the module docstring).
    Every line of the cell is guarded, not only the first: a reader that takes a line
    feed for a row end must not find a formula at the start of the next line.
    """
    return _LINE_START.sub(lambda match: match.group(1) + "'", visible(text))


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 1):g}"


def _csv_row(fields: list[str | int]) -> str:
    """One CSV row ending in "\n", every field holding a CR or an LF quoted.

    The writer quotes a field holding a character of its line terminator: with "\r\n"
    that is any CR or LF (with "\n" alone, a bare CR went unquoted).
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(fields)
    return out.getvalue()[:-2] + "\n"


def _render_csv(table: list[Row], lang: str) -> str:
    lines = [_csv_row(list(CSV_COLUMNS))]
    for r in table:
        lines.append(
            _csv_row(
                [
                    _cell(r.file),
                    _cell(r.organization),
                    _csv_number(r.score),
                    _cell(r.grade),
                    r.critical if r.score is not None else "",
                    r.high if r.score is not None else "",
                    _cell(r.top_rule),
                    _cell(r.top_title),
                    _cell(r.top_action),
                    _cell(r.error),
                ]
            )
        )
    return no_workflow_commands("".join(lines))


def _md(text: str) -> str:
    """Plan text in a Markdown table cell: no markup, no HTML, no broken table."""
    escaped = "".join("\\" + char if char in "\\`*_[]<>|~" else char for char in single_line(text))
    return " ".join(escaped.split())


def _md_number(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    text = f"{round(value, 1):g}"
    return text.replace(".", ",") if lang == "fr" else text


def _render_markdown(table: list[Row], lang: str) -> str:
    def t(key: str) -> str:
        return label(key, lang)

    headers = ["#", t("organization"), t("score"), t("grade"), t("critical_count"), t("high_count")]
    headers += [t("top_recommendation"), t("plan_file")]
    assessed = sum(r.score is not None for r in table)
    lines = [
        f"## {t('report_title')} · {t('plans')}{t('colon')}{len(table)}",
        "",
        "| " + " | ".join(headers) + " |",
        "|---:|---|---:|:---:|---:|---:|---|---|",
    ]
    for index, r in enumerate(table, start=1):
        if r.score is None:
            cells = ["", "", "", "", f"**{t('could_not_assess')}**{t('colon')}{_md(r.error)}"]
        else:
            top = f"**{r.top_rule}** {_md(r.top_title)}" if r.top_rule else _md(t("nothing_to_do"))
            cells = [_md_number(r.score, lang), r.grade, str(r.critical), str(r.high), top]
        lines.append(f"| {index} | {_md(r.organization)} | " + " | ".join(cells) + f" | `{_code(r.file)}` |")
    if assessed < len(table):
        lines += ["", f"{t('could_not_assess')}{t('colon')}{len(table) - assessed}"]
    return no_workflow_commands("\n".join(lines) + "\n")


def _code(text: str) -> str:
    return single_line(text.replace("`", "'").replace("|", "\\|").replace("\n", " "))


RENDERERS: dict[str, Callable[[list[Row], str], str]] = {"csv": _render_csv, "markdown": _render_markdown}
