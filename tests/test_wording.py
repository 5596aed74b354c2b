"""Client-facing wording (issue 14): plurals, French numbers and punctuation, the same figures in every format.

Each test renders real reports of the samples and reads what a person reads; the
figures are taken from the report model, so a format that rounds or punctuates
differently from the others fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.api import assess_plan
from assess.cli import cli
from assess.config import Config
from assess.formats import RenderOptions, render
from assess.i18n import counted, label, number, percent, plural
from assess.results.report import PlanReport

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "samples" / "no-crisis-single-admin.json"
CAPPED = ROOT / "samples" / "channels-first.json"  # a critical finding caps its step 5
NBSP = "\u00a0"


def _plan(lang: str) -> PlanReport:
    return assess_plan(FAILING, config=Config(lang=lang)).plans[0]


@pytest.mark.parametrize(
    ("key", "count", "lang", "expected"),
    [
        ("finding", 1, "en", "1 finding"),
        ("finding", 0, "en", "0 findings"),
        ("finding", 2, "en", "2 findings"),
        ("finding", 0, "fr", "0 constat"),
        ("finding", 1, "fr", "1 constat"),
        ("finding", 2, "fr", "2 constats"),
        ("sev_medium", 3, "fr", "3 moyens"),
        ("sev_high", 1, "fr", "1 élevé"),
        ("sev_critical", 4, "fr", "4 critiques"),
        ("sev_critical", 4, "en", "4 critical"),
        ("assessed", 2, "fr", "2 évalués"),
        ("skipped_not_plans", 1, "en", "1 skipped (not a plan)"),
    ],
)
def test_counts_agree_with_their_nouns(key: str, count: int, lang: str, expected: str) -> None:
    assert counted(key, count, lang) == expected


def test_every_plural_has_both_languages_and_no_parenthesised_forms() -> None:
    from assess.i18n import LABELS, LANGUAGES, PLURALS

    for key, forms in PLURALS.items():
        assert set(forms) == set(LANGUAGES), key
        assert plural(key, 1, "fr") and plural(key, 5, "en")
    for key, entry in LABELS.items():
        for text in entry.values():
            assert not re.search(r"\w\((s|e|es|aux)\)", text), f"{key}: {text}"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_french_figures_and_punctuation_in_every_human_format(fmt: str) -> None:
    plan = _plan("fr")
    report = assess_plan(FAILING, config=Config(lang="fr"))
    out = render(fmt, report, RenderOptions())
    if fmt == "html":
        out = out.replace("&nbsp;", NBSP)
    assert plan.score is not None
    decimal_steps = [step for step in plan.steps if step.score is not None and step.score != round(step.score)]
    assert decimal_steps, "the sample should have a step score with decimals"
    for step in decimal_steps:
        written = number(step.score, "fr")
        assert "," in written and written in out, (fmt, written)
        assert f"{step.score:g}" not in out  # never the English decimal point
    assert percent(plan.score.completeness, "fr") in out  # "100 %" with a no-break space
    assert re.search(r"\d%", re.sub(r"(?s)<style.*?</style>", "", out)) is None  # CSS has its 50%
    if fmt != "html":
        assert f"{label('what_to_do', 'fr')}{NBSP}:" in out.replace("_", "")
        assert "Que faire:" not in out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_text_markdown_and_html_write_the_same_figures(lang: str) -> None:
    report = assess_plan(FAILING, config=Config(lang=lang))
    plan = report.plans[0]
    outputs = {fmt: render(fmt, report, RenderOptions()) for fmt in ("text", "markdown", "html")}
    assert plan.score is not None
    figures = [number(plan.score.overall, lang), *(number(step.score, lang) for step in plan.steps)]
    for fmt, out in outputs.items():
        for figure in figures:
            assert figure in out, (fmt, figure)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_capped_step_is_marked_and_the_legend_says_why(fmt: str, lang: str) -> None:
    report = assess_plan(CAPPED, config=Config(lang=lang))
    capped = [step for step in report.plans[0].steps if step.capped]
    assert capped, "the sample has a critical finding, which caps its step"
    out = render(fmt, report, RenderOptions())
    legend = label("capped_legend", lang)
    if fmt == "markdown":
        assert "\\* " + legend[2:] in out
        assert f"{number(capped[0].score, lang)}\\*" in out
    else:
        if fmt == "html":
            legend = legend.replace("'", "&#39;")
        assert legend in out
        assert re.search(re.escape(number(capped[0].score, lang)) + r" ?\*", out)


def test_totals_and_summary_lines_agree_in_number() -> None:
    result = CliRunner().invoke(cli, [str(FAILING), "--no-config", "--quiet", "--lang", "fr", "--fail-on", "none"])
    line = result.stdout.strip()
    assert "6 constats (4 critiques, 1 élevé, 1 moyen)" in line, line
    english = CliRunner().invoke(cli, [str(FAILING), "--no-config", "--quiet", "--fail-on", "none"]).stdout
    assert "6 findings (4 critical, 1 high, 1 medium)" in english


def test_the_gate_message_is_translated() -> None:
    result = CliRunner().invoke(cli, [str(FAILING), "--no-config", "--quiet", "--lang", "fr"])
    assert result.exit_code == 1
    assert f"assess: seuil non respecté (code de sortie 1){NBSP}:" in result.stderr
    assert "5 constats de gravité élevée ou plus (le pire : critique ; --fail-on high)" in result.stderr
    assert "[critique]" in result.stderr and "gate failed" not in result.stderr
    english = CliRunner().invoke(cli, [str(FAILING), "--no-config", "--quiet", "--fail-under", "99"])
    assert "5 findings at or above high (worst: critical; --fail-on high)" in english.stderr
    assert "the overall score is " in english.stderr and "below 99 (--fail-under)" in english.stderr


@pytest.mark.parametrize(("lang", "expected"), [("en", "wrote "), ("fr", " écrit : remplacez")])
def test_init_speaks_the_starters_language(tmp_path: Path, lang: str, expected: str) -> None:
    result = CliRunner().invoke(cli, ["init", "--lang", lang, str(tmp_path / "plan.yaml")])
    assert result.exit_code == 0
    assert expected in result.stdout


# ---------------------------------------------------------------- rule messages


def _messages(sample: str, lang: str) -> list[str]:
    report = assess_plan(ROOT / "samples" / sample, config=Config(lang=lang))
    return [finding.message for plan in report.plans for finding in plan.findings]


def test_no_builtin_message_hedges_its_plural() -> None:
    from assess.rules.catalog import load_packs

    hedged = re.compile(r"\w\((s|e|es|aux|x)\)")
    for pack in load_packs(Config()):
        for rule in pack.rules:
            spec = rule.spec
            texts = [spec.message] if isinstance(spec.message, str) else list(spec.message)
            if spec.fr is not None:
                texts += [spec.fr.message] if isinstance(spec.fr.message, str) else list(spec.fr.message)
            for text in texts:
                assert not hedged.search(text), f"{rule.id}: {text}"


@pytest.mark.parametrize(
    ("sample", "lang", "expected", "not_expected"),
    [
        ("small-nonprofit.json", "en", "1 channel is active but", "1 channels"),
        ("no-crisis-single-admin.json", "en", "3 channels are active but", "channel(s)"),
        ("small-nonprofit.json", "fr", "1 canal actif, mais", "canaux actifs"),
        ("no-crisis-single-admin.json", "fr", "3 canaux actifs, mais", "(aux)"),
        ("no-crisis-single-admin.json", "fr", "a 1 administrateur ;", "administrateur(s)"),
    ],
)
def test_counts_in_rule_messages_agree(sample: str, lang: str, expected: str, not_expected: str) -> None:
    messages = " | ".join(_messages(sample, lang))
    assert expected in messages and not_expected not in messages


def test_channels_are_named_by_their_handle_and_platform_display_name() -> None:
    messages = _messages("no-crisis-single-admin.json", "en")
    assert any(m.startswith("Instagram account '@clearwaterriver' has 1 admin;") for m in messages), messages
    assert not any("instagram account 'instagram'" in m for m in messages)
    french = _messages("no-crisis-single-admin.json", "fr")
    assert any("Le compte Bluesky « @clearwaterriver.org »" in m for m in french), french


@pytest.mark.parametrize(
    ("sample", "lang", "expected"),
    [
        ("no-visuals-no-measurement.json", "en", "(reviewed by: the board)"),
        ("no-visuals-no-measurement.json", "fr", "(relue par : le conseil d'administration)"),
        ("small-nonprofit.json", "en", "member brings: comfortable with technology, aware of the news"),
        ("small-nonprofit.json", "en", "in one format (photos)"),
    ],
)
def test_listed_values_are_shown_by_their_labels(sample: str, lang: str, expected: str) -> None:
    assert any(expected in message for message in _messages(sample, lang))


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{c.members|count}", "|count takes two forms"),
        ("{c.members|count:member}", "stray"),
        ("{c.members|round:a:b}", "|count takes two forms"),
        ("{c.members|count: :members}", "|count takes two forms"),
    ],
)
def test_a_malformed_count_is_refused_when_the_pack_loads(template: str, problem: str) -> None:
    from assess.rules.rulepack import template_problem

    found = template_problem(template, {"c": "committee"}, {})
    assert found is not None and problem in found


def test_a_count_fills_in_each_language() -> None:
    from assess.engines.base import Match
    from assess.engines.evaluate import render as fill

    def match(count: float) -> Match:
        return Match("X-01", "fail", 0, ("c",), (("c", {"kind": "committee", "ptr": "", "members": count}),))

    template = "{c.members|count:member:members}"
    assert [fill(template, match(n), {}, "en") for n in (0, 1, 2)] == ["0 members", "1 member", "2 members"]
    assert [fill(template, match(n), {}, "fr") for n in (0, 1, 2)] == ["0 member", "1 member", "2 members"]
    assert fill("{c.members}", match(2.5), {}, "fr") == "2,5"
