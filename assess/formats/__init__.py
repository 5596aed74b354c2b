"""Output formats: each is a module with one pure function, ``render(report, options) -> str``.

A formatter reads the `Report` (and the `RenderOptions`) and returns the whole
output as text; it never prints, reads files or looks at the clock, so the same
report gives the same bytes. `RenderOptions` carries what the report alone does
not: colour and verbosity for people, the catalog's rule descriptions for the
formats that describe every rule evaluated (SARIF, JUnit, HTML), and the
findings a baseline set aside. A formatter ignores the options it has no use for,
and a new option never changes a formatter's signature.

Modules are imported by name on first use (`renderer`), so picking ``json``
does not pay for rich or the HTML templates.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from assess.errors import single_line, visible
from assess.i18n import label, number

if TYPE_CHECKING:
    from assess.results.report import PlanReport, Recommendation, Report, Severity
    from assess.rules.catalog import Catalog

FIRST_ACTIONS = 3  # "three things to do first", and any further critical or named check

# name -> module holding `render`
FORMATS: dict[str, str] = {
    "text": "assess.formats.text",
    "json": "assess.formats.json",
    "sarif": "assess.formats.sarif",
    "junit": "assess.formats.junit",
    "github": "assess.formats.github",
    "markdown": "assess.formats.markdown",
    "html": "assess.formats.html",
}


class RuleInfo(NamedTuple):
    """What a report says of a rule that did not necessarily fail: its texts and where it is documented."""

    id: str
    step: int
    severity: Severity
    title: str
    rationale: str
    recommendation: str
    help_uri: str
    pack: str
    lang: str = "en"  # the language of the texts above, so that the labels around them match


class RenderOptions(NamedTuple):
    """Everything a formatter may use besides the report.

    ``quiet``: 0 full output, 1 one summary line per plan, 2 nothing (text only).
    ``width``: text width for formats that lay out tables (a fixed default keeps piped output stable).
    ``baselined``: per plan file, how many findings the baseline removed from the report.
    ``fail_on``, ``fail_under``: the gate, for a report that does not carry its own (`Report.gate`
    is None: a report made by hand or before report_version 1.1); a report's own gate, the one
    that decided its exit code, always wins (`gate_settings`). ``fail_on``: the severity that
    fails (``"none"``: nothing does; None: every finding is a failure); ``fail_under``: the score
    gate's minimum (None: no score gate). ``rules_in``: the catalog's `rules` in another language
    (`rule_infos` of the catalog), for a run that leaves the language to the plans (no --lang): SARIF
    describes the rules in the plans' language when they share one, as it writes its other texts.
    """

    color: bool = False
    verbose: bool = False
    quiet: int = 0
    width: int = 100
    rules: tuple[RuleInfo, ...] = ()
    baselined: Mapping[str, int] = MappingProxyType({})
    fail_on: str | None = None
    fail_under: float | None = None
    rules_in: Callable[[str], tuple[RuleInfo, ...]] | None = None


Renderer = Callable[["Report", RenderOptions], str]

NOT_STARTED_BELOW = 50.0
"""A plan with less than this share of its texts written (the rest placeholders) is shown as not started."""


def gate_settings(report: Report, options: RenderOptions) -> tuple[str | None, float | None]:
    """The gate the formats that mark failures (JUnit, GitHub) follow: (fail_on, fail_under).

    The report's own (`Report.gate`: what decided its exit code and each plan's `gate`), so that a
    format never fails what the gate passed; the options' for a report that carries none.
    """
    if report.gate is not None:
        return report.gate.fail_on, report.gate.fail_under
    return options.fail_on, options.fail_under


def renderer(name: str) -> Renderer:
    """The `render` function of a format; `KeyError` for an unknown name."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def render(name: str, report: Report, options: RenderOptions | None = None) -> str:
    """Render `report` in the format `name` (library entry point)."""
    return renderer(name)(report, options or RenderOptions())


def rule_infos(catalog: Catalog, lang: str = "en") -> tuple[RuleInfo, ...]:
    """The catalog's active rules, in catalog order (step, then id), with texts in `lang`."""
    infos: list[RuleInfo] = []
    for active in catalog.rules:
        words = active.texts(lang)
        infos.append(
            RuleInfo(
                id=active.id,
                step=active.step,
                severity=active.severity,
                title=words["title"],
                rationale=words["rationale"],
                recommendation=words["recommendation"],
                help_uri=catalog.help_uri(active.rule),
                pack=active.rule.pack,
                lang=lang,
            )
        )
    return tuple(infos)


def score_text(value: float | None, lang: str) -> str:
    """A score as every format shows it: at most one decimal, as computed (54 / 54.5; 54,5 in French)."""
    return number(value, lang)


def common_language(languages: Iterable[str]) -> str:
    """The language every plan of a report shares; English when they differ (or there is none).

    For the texts a format writes once for the whole report (SARIF's ``exitCodeDescription``, the
    Markdown and HTML titles): in the plans' language when they agree, else in English.
    """
    found = set(languages)
    return found.pop() if len(found) == 1 else "en"


def held_notes(rec: Recommendation, lang: str) -> list[str]:
    """What a recommendation's predicted score rests on: the caps that still hold it and what lifts them, and the
    rules it unlocks, which it counts as done (they are checked once the section is written)."""
    notes: list[str] = []
    for key, rules, held in (
        ("held_by", rec.capped_by, rec.score_after),
        ("step_held_by", rec.step_capped_by, rec.step_score_after),
    ):
        if rules:
            words = label(f"{key}_one" if len(rules) == 1 else key, lang)
            notes.append(words.format(score=score_text(held, lang), count=len(rules), rules=", ".join(rules)))
    if rec.held_by_placeholders:
        words = label("held_by_placeholders", lang)
        notes.append(words.format(score=score_text(rec.score_after, lang), rule=rec.held_by_placeholders))
    if rec.includes:
        words = label("includes_one" if len(rec.includes) == 1 else "includes", lang)
        notes.append(words.format(score=score_text(rec.score_after, lang), rules=", ".join(rec.includes)))
    return notes


ABOUT_SHOWN = 3
"""Findings quoted under an action in the reports' recommendations (then "... and N more")."""


def action_about(plan: PlanReport, rec: Recommendation) -> list[str]:
    """What an action is about, as the client reads it: the messages of its rule's findings, in report order (at
    most `ABOUT_SHOWN`, then "... and N more"). The action's own words are the rule's, the same for every plan;
    these name the account, the person, the date ("a backup admin" for which account, since who left)."""
    messages = [finding.message for finding in plan.findings if finding.rule_id == rec.rule_id]
    if len(messages) > ABOUT_SHOWN:
        more = label("and_more", plan.language).format(count=len(messages) - ABOUT_SHOWN)
        return [*messages[:ABOUT_SHOWN], more]
    return messages


def first_actions(recommendations: list[Recommendation]) -> list[Recommendation]:
    """The actions to do first: the first three, and every further failing critical or named check."""
    from assess.results.kinds import Severity

    return [
        rec
        for index, rec in enumerate(recommendations)
        if index < FIRST_ACTIONS or rec.severity is Severity.CRITICAL or rec.named_check
    ]


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return single_line(value)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: _visible(item) if key in _MULTILINE else _escaped(item) for key, item in value.items()}
    return value


_MULTILINE = frozenset({"excerpt"})
"""The report's texts of several lines (a problem's source line and the caret under it): their line feeds kept,
every other control character escaped."""


def _visible(value: Any) -> Any:
    return visible(value) if isinstance(value, str) else value


def for_people(report: Report, options: RenderOptions) -> tuple[Report, RenderOptions]:
    """The report and options with every text on one line and control characters shown escaped.

    For the formats a person reads in a terminal or an editor (text): plan texts
    (names, messages, file names) and a custom pack's rule texts cannot move the
    cursor, set a title, make a hyperlink or start a new line.
    """
    from assess.results.report import Report, from_data, to_data

    data = to_data(report)
    escaped = _escaped(data)
    # Most reports have nothing to escape: they are shown as they are, not rebuilt from their data.
    cleaned = report if escaped == data else from_data(Report, escaped)
    rules = tuple(
        info._replace(**{name: _escaped(getattr(info, name)) for name in _RULE_TEXTS}) for info in options.rules
    )
    baselined = MappingProxyType({_escaped(file): count for file, count in options.baselined.items()})
    return cleaned, options._replace(rules=rules, baselined=baselined)


_RULE_TEXTS = ("title", "rationale", "recommendation", "help_uri", "pack")
