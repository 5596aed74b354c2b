"""What changed between two versions of a plan: scores before and after, findings resolved, new and unchanged.

Findings are matched by fingerprint, which names the rule and the plan elements
a finding is about (not their position), so editing one part of a plan does not
make findings about other parts look new. A finding that became suppressed is
reported as accepted, not as resolved: the problem is still there.

`compare` works on two plan reports; `compare_plans` assesses two sources with
one catalog first. The renderers are pure functions from a `PlanDiff` to text
(``text``, ``markdown``, ``json``, ``html``), with every word from `assess.i18n`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from assess.errors import no_workflow_commands, single_line
from assess.i18n import label, number, percent
from assess.results.report import Finding, Maturity, PlanReport, Severity
from assess.steps import STEP_BY_NUMBER

if TYPE_CHECKING:
    from assess.api import Source
    from assess.config import Config

FORMATS = ("text", "markdown", "json", "html")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepChange(_Model):
    step: int = Field(ge=1, le=11, description="Step of the article.")
    key: str = Field(description="Step key, e.g. 'policies'.")
    before: float | None = Field(description="Step score in the old version (null: nothing decided).")
    after: float | None = Field(description="Step score in the new version.")
    maturity_before: Maturity = Field(description="Maturity in the old version.")
    maturity_after: Maturity = Field(description="Maturity in the new version.")
    capped_before: bool = Field(False, description="The old version's step score is capped by a critical finding.")
    capped_after: bool = Field(False, description="The new version's step score is capped by a critical finding.")


class PlanDiff(_Model):
    """Two versions of a plan, compared."""

    old_file: str = Field(description="The old version's file.")
    new_file: str = Field(description="The new version's file.")
    organization: str | None = Field(description="The organisation's name (new version).")
    old_organization: str | None = Field(None, description="The organisation's name in the old version.")
    language: str = Field(description="Language of the texts.")
    score_before: float = Field(ge=0, le=100, description="Overall score, old version.")
    score_after: float = Field(ge=0, le=100, description="Overall score, new version.")
    grade_before: str = Field(description="Grade, old version.")
    grade_after: str = Field(description="Grade, new version.")
    completeness_before: float = Field(ge=0, le=100, description="Completeness, old version.")
    completeness_after: float = Field(ge=0, le=100, description="Completeness, new version.")
    steps: list[StepChange] = Field(description="Per step, scores before and after.")
    resolved: list[Finding] = Field(description="Findings of the old version that are gone (as the old one had them).")
    new: list[Finding] = Field(description="Findings the new version has and the old one did not.")
    unchanged: list[Finding] = Field(description="Findings both versions have (as the new version has them).")
    accepted: list[Finding] = Field(description="Findings of the old version that the new one suppresses.")

    @property
    def score_change(self) -> float:
        return self.score_after - self.score_before

    @property
    def other_organisation(self) -> bool:
        """Whether the two versions name different organisations (case and spacing aside): two plans, not two
        versions of one, whose comparison would pass a change of organisation off as progress."""
        if not self.organization or not self.old_organization:
            return False
        return _folded(self.organization) != _folded(self.old_organization)

    def organisation_warning(self) -> str | None:
        """The warning `other_organisation` calls for, in the diff's language (None when there is none)."""
        if not self.other_organisation:
            return None
        template = label("diff_other_organisation", self.language)
        return template.format(old=single_line(self.old_organization or ""), new=single_line(self.organization or ""))


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def compare(old: PlanReport, new: PlanReport) -> PlanDiff:
    """Compare two assessed plan reports; `ValueError` if either could not be assessed."""
    for plan in (old, new):
        if not plan.assessed or plan.score is None:
            reason = plan.problems[0].message if plan.problems else "not assessed"
            raise ValueError(f"{plan.file}: cannot compare a plan that could not be assessed: {reason}")
    assert old.score is not None and new.score is not None
    old_prints = {finding.fingerprint for finding in old.findings}
    new_prints = {finding.fingerprint for finding in new.findings}
    accepted_prints = {item.finding.fingerprint for item in new.suppressed}
    old_steps = {step.step: step for step in old.steps}
    return PlanDiff(
        old_file=old.file,
        new_file=new.file,
        organization=new.organization or old.organization,
        old_organization=old.organization,
        language=new.language,
        score_before=old.score.overall,
        score_after=new.score.overall,
        grade_before=old.score.grade,
        grade_after=new.score.grade,
        completeness_before=old.score.completeness,
        completeness_after=new.score.completeness,
        steps=[
            StepChange(
                step=step.step,
                key=step.key,
                before=old_steps[step.step].score if step.step in old_steps else None,
                after=step.score,
                maturity_before=old_steps[step.step].maturity if step.step in old_steps else Maturity.ABSENT,
                maturity_after=step.maturity,
                capped_before=old_steps[step.step].capped if step.step in old_steps else False,
                capped_after=step.capped,
            )
            for step in new.steps
        ],
        resolved=[f for f in old.findings if f.fingerprint not in new_prints and f.fingerprint not in accepted_prints],
        new=[f for f in new.findings if f.fingerprint not in old_prints],
        unchanged=[f for f in new.findings if f.fingerprint in old_prints],
        accepted=[f for f in old.findings if f.fingerprint in accepted_prints],
    )


def compare_plans(
    old: Source,
    new: Source,
    *,
    config: Config | None = None,
    old_name: str | None = None,
    new_name: str | None = None,
) -> PlanDiff:
    """Assess two versions of a plan with one catalog and compare them.

    Names are how the files appear in the output (as `assess.api.load` takes them).
    Raises a `PlanError` subclass when either cannot be read or is invalid.
    """
    from assess.api import assess_loaded, config_limits, load
    from assess.config import Config
    from assess.rules.catalog import build_catalog

    config = config or Config()
    catalog = build_catalog(config)
    limits = config_limits(config)
    old_report = assess_loaded(load(old, name=old_name, limits=limits), catalog, config)
    new_report = assess_loaded(load(new, name=new_name, limits=limits), catalog, config)
    return compare(old_report, new_report)


def new_at_least(diff: PlanDiff, severity: Severity) -> list[Finding]:
    """The new findings as serious as `severity` or more (the `--fail-on-new` gate)."""
    return [finding for finding in diff.new if finding.severity.at_least(severity)]


# ------------------------------------------------------------------ rendering


def change(before: float | None, after: float | None, lang: str) -> str:
    """+12, -3 or 0 (blank when either side is unknown)."""
    if before is None or after is None:
        return ""
    delta = round(after - before, 1)
    if delta == 0:
        return "0"
    return ("+" if delta > 0 else "-") + number(abs(delta), lang)


def step_score(score: float | None, capped: bool, lang: str, mark: str = "*") -> str:
    """A step score as the diff writes it: with `mark` when a critical finding caps it (as the reports do), so that
    findings resolved in a step that stays capped do not read as no progress."""
    return number(score, lang) + (mark if capped else "")


def capped_legend(diff: PlanDiff) -> bool:
    """Whether the diff's step table needs the reports' legend for capped scores."""
    return any(step.capped_before or step.capped_after for step in diff.steps)


def step_name(step: int, lang: str) -> str:
    names = STEP_BY_NUMBER[step].name
    return names.get(lang, names["en"])


def _where(file: str, finding: Finding) -> str:
    return f"{file}:{finding.line}:{finding.column or 1}" if finding.line else file


def _groups(diff: PlanDiff) -> list[tuple[str, str, list[Finding]]]:
    """(label key, file the locations refer to, findings), in reading order."""
    groups = [
        ("resolved", diff.old_file, diff.resolved),
        ("new", diff.new_file, diff.new),
        ("unchanged", diff.new_file, diff.unchanged),
    ]
    if diff.accepted:
        groups.insert(1, ("accepted", diff.old_file, diff.accepted))
    return groups


def render_text(diff: PlanDiff) -> str:
    """For a terminal: headline, score table, then each group of findings one line each."""
    lang = diff.language
    t = _translator(lang)
    c = t("colon")
    lines = [
        f"{t('diff_title')}{c}{single_line(diff.organization or diff.new_file)}",
        f"  {t('old_version')}{c}{single_line(diff.old_file)}",
        f"  {t('new_version')}{c}{single_line(diff.new_file)}",
        *([f"  {warning}"] if (warning := diff.organisation_warning()) else []),
        "",
        f"{t('overall_score')}{c}{number(diff.score_before, lang)} -> {number(diff.score_after, lang)} "
        f"({change(diff.score_before, diff.score_after, lang)})   "
        f"{t('grade')}{c}{diff.grade_before} -> {diff.grade_after}   "
        f"{t('completeness')}{c}{percent(diff.completeness_before, lang)} -> {percent(diff.completeness_after, lang)}",
        "",
    ]
    rows = [(t("step"), t("before"), t("after"), t("change"), t("maturity"))]
    for step in diff.steps:
        rows.append(
            (
                f"{step.step:>2} {step_name(step.step, lang)}",
                step_score(step.before, step.capped_before, lang),
                step_score(step.after, step.capped_after, lang),
                change(step.before, step.after, lang),
                f"{t('mat_' + step.maturity_before.value)} -> {t('mat_' + step.maturity_after.value)}"
                if step.maturity_before is not step.maturity_after
                else t("mat_" + step.maturity_after.value),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        first = row[0].ljust(widths[0])
        numbers = "  ".join(cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:4]))
        lines.append(f"  {first}  {numbers}  {row[4]}".rstrip())
    if capped_legend(diff):
        lines.append(f"  {t('capped_legend')}")
    for key, file, findings in _groups(diff):
        lines += ["", f"{t(key)} ({len(findings)})"]
        if not findings:
            lines.append(f"  {t('none')}")
        for finding in findings:
            severity = t("sev_" + finding.severity.value)
            where = single_line(_where(file, finding))
            lines.append(f"  {where}  {finding.rule_id} [{severity}]  {single_line(finding.message)}")
    return no_workflow_commands("\n".join(lines) + "\n")


def _md(text: str) -> str:
    """Plan text in a Markdown table cell or list item: no markup, no table breaks."""
    escaped = "".join("\\" + char if char in "\\`*_[]<>|~" else char for char in single_line(text))
    return " ".join(escaped.split())


_MD_CAPPED = "\\*"  # Markdown's escaped star: a capped step score


def render_markdown(diff: PlanDiff) -> str:
    """For a pull-request comment: a score table and a list per group."""
    lang = diff.language
    t = _translator(lang)
    c = t("colon")
    lines = [
        f"## {_md(t('diff_title'))}{c}{_md(diff.organization or diff.new_file)}",
        "",
        f"{t('old_version')}{c}`{_code(diff.old_file)}` · {t('new_version')}{c}`{_code(diff.new_file)}`",
        "",
        *([f"> **{_md(warning)}**", ""] if (warning := diff.organisation_warning()) else []),
        f"| | {t('before')} | {t('after')} | {t('change')} |",
        "|---|---:|---:|---:|",
        f"| **{t('overall_score')}** | {number(diff.score_before, lang)} | **{number(diff.score_after, lang)}** | "
        f"{change(diff.score_before, diff.score_after, lang)} |",
        f"| {t('grade')} | {diff.grade_before} | {diff.grade_after} | |",
        f"| {t('completeness')} | {percent(diff.completeness_before, lang)} | "
        f"{percent(diff.completeness_after, lang)} | "
        f"{change(diff.completeness_before, diff.completeness_after, lang)} |",
    ]
    for step in diff.steps:
        before = step_score(step.before, step.capped_before, lang, _MD_CAPPED)
        after = step_score(step.after, step.capped_after, lang, _MD_CAPPED)
        moved = change(step.before, step.after, lang)
        lines.append(f"| {step.step}. {step_name(step.step, lang)} | {before} | {after} | {moved} |")
    if capped_legend(diff):
        lines += ["", _md(t("capped_legend"))]
    for key, file, findings in _groups(diff):
        lines += ["", f"### {t(key)} ({len(findings)})", ""]
        if not findings:
            lines.append(t("none"))
        for finding in findings:
            severity = t("sev_" + finding.severity.value)
            lines.append(
                f"- **{finding.rule_id}** ({severity}) {_md(finding.message)} — `{_code(_where(file, finding))}`"
            )
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    return single_line(text.replace("`", "'").replace("\n", " ").replace("|", "\\|"))


def render_json(diff: PlanDiff) -> str:
    return diff.model_dump_json(indent=2) + "\n"


def render_html(diff: PlanDiff) -> str:
    from assess.formats.html import render_diff

    return render_diff(diff)


RENDERERS: dict[str, Callable[[PlanDiff], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}


def render(diff: PlanDiff, fmt: str) -> str:
    """The diff in one of `FORMATS`."""
    return RENDERERS[fmt](diff)


def _translator(lang: str) -> Callable[[str], str]:
    return lambda key: label(key, lang)
