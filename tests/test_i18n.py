"""French: every label, every rule text and every human-readable output, complete and without English left over."""

from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from assess.api import assess_many, assess_plan
from assess.cli import cli
from assess.config import Config
from assess.formats import RenderOptions, render
from assess.i18n import LABELS, LANGUAGES, counted, days, label, long_date
from assess.results.report import Report
from assess.rules.catalog import load_packs
from assess.rules.rulepack import PLACEHOLDER as RULE_PLACEHOLDER
from assess.rules.rulepack import Rule
from assess.steps import STEPS

ROOT = Path(__file__).resolve().parent.parent
# Plans with many findings of many rules, so that most rule texts reach the output.
FR_SAMPLES = ("small-nonprofit.json", "no-visuals-no-measurement.json", "channels-first.json", "injection.json")
HUMAN_FORMATS = ("text", "markdown", "html")
# The CI formats' texts for people: annotations and the job's messages, JUnit messages, SARIF's texts.
CI_FORMATS = ("github", "junit", "sarif")
# The gate as the flags that set it ("--fail-on high"): typed by the user, never translated.
FLAGS = re.compile(r"--fail-(?:on|under) [\w.,]+")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
# Plan fields that hold free text (names, statements...): replaced by a neutral word, so that any English
# left in a French report comes from the tool, not from the (English) sample plans.
FREE_TEXT = {
    "name", "statement", "objective", "rationale", "summary", "description", "thanks", "decision_rule", "title",
    "document", "sheet", "web_analytics", "utm_convention", "tool", "scheduler", "keywords", "peers_followed",
    "topics", "handle", "website", "role", "justification", "tools", "source",
}  # fmt: skip
# English words that are not also French: none may appear in a French report of a neutral plan.
# A word glued to '.', '_', '-', '[', ']' or '/' is a field or file name (tracking.web_analytics,
# no-crisis-single-admin.json), which stays as it is.
ENGLISH = re.compile(
    r"(?i)(?<![\w.\[\]/-])(the|and|of|is|are|not|with|findings?|more|assessed|baselined?|accepted|shown|listed|"
    r"steps?|rules?|why|what|passed|failed|unknown|could|yes|no|none|channels?|goals?|missing|once|done|before|"
    r"after|out|accounts?|where|which|has|have|this|that)(?![\w\[\]/-])"
)


def builtin_rules() -> list[Rule]:
    return [rule for pack in load_packs(Config()) for rule in pack.rules]


# ---------------------------------------------------------------- the tables are complete


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_label_has_every_language(key: str) -> None:
    entry = LABELS[key]
    assert set(entry) == set(LANGUAGES), f"{key}: {sorted(entry)}"
    assert all(entry[lang].strip() for lang in LANGUAGES), key
    placeholders = {lang: sorted(PLACEHOLDER.findall(entry[lang])) for lang in LANGUAGES}
    assert placeholders["en"] == placeholders["fr"], f"{key}: placeholders differ {placeholders}"


def test_unknown_language_falls_back_to_english() -> None:
    assert label("findings", "de") == LABELS["findings"]["en"]


def test_every_step_has_a_french_name_and_summary() -> None:
    for step in STEPS:
        assert step.name["fr"] and step.summary["fr"]
        assert step.summary["fr"] != step.summary["en"]


def test_the_catalog_is_not_empty() -> None:
    assert len(builtin_rules()) >= 40


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda rule: rule.id)
def test_every_builtin_rule_has_french_texts_that_differ_from_english(rule: Rule) -> None:
    spec = rule.spec
    assert spec.fr is not None, f"{rule.id} has no fr: section"
    for field in ("title", "action", "rationale", "recommendation"):
        english, french = getattr(spec, field), getattr(spec.fr, field)
        assert french.strip(), f"{rule.id}: empty fr {field}"
        assert french != english, f"{rule.id}: fr {field} is the English text"
    english_messages = [spec.message] if isinstance(spec.message, str) else spec.message
    french_messages = [spec.fr.message] if isinstance(spec.fr.message, str) else spec.fr.message
    assert len(french_messages) == len(english_messages), f"{rule.id}: one French message per English one"
    for english, french in zip(english_messages, french_messages, strict=True):
        assert french != english, f"{rule.id}: fr message is the English text"
        # The same placeholders and filters; a |count's forms are each language's own words.
        fields = [sorted(m[:3] for m in RULE_PLACEHOLDER.findall(text)) for text in (french, english)]
        assert fields[0] == fields[1], rule.id


# ---------------------------------------------------------------- the outputs are French


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def readable(fmt: str, output: str) -> str:
    """What a reader sees: the text of the HTML (not its CSS), Markdown without escapes; spaces collapsed."""
    if fmt == "html":
        parser = _Text()
        parser.feed(output)
        output = " ".join(parser.parts)
    if fmt == "markdown":
        output = re.sub(r"\\(.)", r"\1", output)
    if fmt in CI_FORMATS:
        output = "\n".join(ci_texts(fmt, output))
    return " ".join(output.split())


def ci_texts(fmt: str, output: str) -> list[str]:
    """The texts a person reads in a CI format, without its machine fields (ids, levels, enum values, file names)."""
    if fmt == "github":
        texts = []
        for line in output.splitlines():
            properties, message = re.fullmatch(r"::\w+ (.*?)::(.*)", line).groups()  # type: ignore[union-attr]
            title = dict(p.split("=", 1) for p in properties.split(",")).get("title", "")
            texts += [title, message]
        return [re.sub("%0A|%0D", " ", t).replace("%3A", ":").replace("%2C", ",").replace("%25", "%") for t in texts]
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        root = ET.fromstring(output.encode("utf-8"))
        texts = [case.get("name", "") for case in root.iter("testcase")]
        for node in root.iter():
            if node.tag in ("failure", "error", "skipped", "system-out"):
                texts += [node.get("message", ""), node.text or ""]
        return texts
    run = json.loads(output)["runs"][0]
    texts = [run["invocations"][0].get("exitCodeDescription", "")]
    for rule in run["tool"]["driver"]["rules"]:
        texts += [rule["shortDescription"]["text"], rule["fullDescription"]["text"], rule["help"]["markdown"]]
    for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
        texts += [n["message"]["text"] for n in run["invocations"][0].get(key, [])]
    texts += [result["message"]["text"] for result in run["results"]]
    return texts


def french_report(sample: str, config: Config | None = None) -> Report:
    path = ROOT / "samples" / sample
    return assess_plan(path.read_bytes(), name=f"samples/{sample}", config=config or Config(lang="fr"))


def english_rule_texts(report: Report) -> list[tuple[str, str]]:
    """(rule id, text) for the English texts of the rules that failed in the report, long enough to be telling."""
    failed = {finding.rule_id for finding in report.plans[0].findings}
    failed |= {item.finding.rule_id for item in report.plans[0].suppressed}
    texts: list[tuple[str, str]] = []
    for rule in builtin_rules():
        if rule.id not in failed:
            continue
        spec = rule.spec
        texts += [
            (rule.id, spec.title),
            (rule.id, spec.action or spec.title),
            (rule.id, spec.rationale),
            (rule.id, spec.recommendation),
        ]
        for message in [spec.message] if isinstance(spec.message, str) else spec.message:
            # The fixed words of a message: the longest run between placeholders.
            texts.append((rule.id, max(PLACEHOLDER.split(message), key=len)))
    return [(rule_id, " ".join(text.split())) for rule_id, text in texts if len(text.strip()) >= 12]


def english_labels() -> list[str]:
    """English labels that differ from their French, minus placeholders: none may appear in French output."""
    found: list[str] = []
    for entry in LABELS.values():
        if entry["en"] == entry["fr"]:
            continue
        for piece in PLACEHOLDER.split(entry["en"]):
            piece = piece.strip(" :.;,()")
            # A word French uses too ("score" in "{organization}: score {score}/100") is not English left over.
            if len(piece) >= 3 and not re.search(rf"(?<![\w-]){re.escape(piece)}(?![\w-])", entry["fr"]):
                found.append(piece)
    return found


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
@pytest.mark.parametrize("sample", FR_SAMPLES)
def test_french_output_has_no_english_rule_text(sample: str, fmt: str) -> None:
    report = french_report(sample)
    assert report.plans[0].language == "fr"
    assert report.plans[0].findings, "the sample should have findings to translate"
    text = readable(fmt, render(fmt, report, RenderOptions(verbose=True)))
    leftovers = [f"{rule_id}: {words}" for rule_id, words in english_rule_texts(report) if words in text]
    assert leftovers == []
    for finding in report.plans[0].findings:
        assert " ".join(finding.message.split()) in text


@pytest.mark.parametrize("fmt", HUMAN_FORMATS + CI_FORMATS)
@pytest.mark.parametrize("sample", FR_SAMPLES)
def test_french_output_has_no_english_label(sample: str, fmt: str) -> None:
    # A score gate every sample fails, so that its messages (the score, what to do first) are there too.
    report = french_report(sample, Config(lang="fr", fail_under=99))
    options = RenderOptions(verbose=True, baselined={f"samples/{sample}": 2})
    text = FLAGS.sub("", readable(fmt, render(fmt, report, options)))
    plan_text = (ROOT / "samples" / sample).read_text(encoding="utf-8")
    leftovers = [
        words
        for words in english_labels()
        if re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", text)
        # A word the plan itself contains (its names are English) is the plan's, not a label.
        and not re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", plan_text)
    ]
    assert leftovers == []


@pytest.mark.parametrize(
    ("fmt", "words"),
    [
        ("github", ("what_to_do", "annotation_summary", "what_to_do_first", "sev_critical")),
        ("junit", ("what_to_do", "what_to_do_first_scored", "skip_not_applicable")),
        ("sarif", ("why", "what_to_do", "gate_run_failed")),
    ],
)
def test_french_ci_formats_use_french_labels(fmt: str, words: tuple[str, ...]) -> None:
    """The words a French run wrote in English before: "What to do:", "assess summary", grades and severities."""
    report = french_report("small-nonprofit.json", Config(lang="fr", fail_under=99))
    text = readable(fmt, render(fmt, report, RenderOptions()))
    for key in words:
        french = label(key, "fr").split(" (")[0]
        assert french in text, key
        assert label(key, "en").split(" (")[0] not in text, key
    if fmt == "github":
        summary = next(line for line in render(fmt, report).splitlines() if "title=synthèse assess::" in line)
        assert re.search(r"::.+\u00a0: score [\d,]+/100 \(note [A-F]\), \d+ critiques?, ", summary), summary


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_french_output_uses_french_labels(fmt: str) -> None:
    report = french_report("small-nonprofit.json")
    text = readable(fmt, render(fmt, report, RenderOptions(verbose=True)))
    for key in ("findings", "what_to_do", "grade", "completeness"):
        assert label(key, "fr") in text, key
    for step in STEPS:
        assert step.name["fr"] in text


def test_the_plans_declared_language_is_the_default(tmp_path: Path) -> None:
    source = (ROOT / "samples" / "exemplary.json").read_text(encoding="utf-8")
    french = source.replace('"language": "en"', '"language": "fr"')
    assert french != source
    plan = tmp_path / "plan.json"
    plan.write_text(french, encoding="utf-8")
    assert assess_plan(plan).plans[0].language == "fr"
    assert assess_plan(plan, config=Config(lang="en")).plans[0].language == "en"


def neutral(node: Any, key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: neutral(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [neutral(v, key) for v in node]
    if isinstance(node, str) and key in FREE_TEXT:
        return "Zyxwvu zyxwvu"
    return node


@pytest.mark.parametrize("fmt", HUMAN_FORMATS + CI_FORMATS)
def test_french_report_of_neutral_plans_has_no_english_word(fmt: str) -> None:
    """Every word the tool itself writes (labels, rule texts, messages, notes) is French."""
    names = (*FR_SAMPLES, "fundraising-only.json", "no-crisis-single-admin.json", "exemplary.json")
    sources = [(name, neutral(json.loads((ROOT / "samples" / name).read_text(encoding="utf-8")))) for name in names]
    report = assess_many(sources, config=Config(lang="fr", fail_under=99))
    assert all(plan.assessed for plan in report.plans)
    for options in (
        RenderOptions(verbose=True, baselined={"small-nonprofit.json": 2, "exemplary.json": 1}),
        RenderOptions(quiet=1, baselined={"small-nonprofit.json": 2}),
    ):
        text = FLAGS.sub("", readable(fmt, render(fmt, report, options)))
        assert sorted({word.lower() for word in ENGLISH.findall(text)}) == []


# ---------------------------------------------------------------- suppression notices and counts


# One suppression of each kind of notice on a plan that fails POL-03 but passes POL-02.
NOTICE_SUPPRESSIONS = [
    {"rule": "POL-03", "justification": "Zyxwvu zyxwvu", "expires": "2025-01-01"},  # expired before --today
    {"rule": "NOPE-99", "justification": "Zyxwvu zyxwvu"},  # names no rule
    {"rule": "POL-02", "justification": "Zyxwvu zyxwvu"},  # POL-02 passes: suppresses nothing
]
NOTICES = {
    "expired": ("POL-03", "notice_expired"),
    "unknown_rule": ("NOPE-99", "notice_unknown_rule"),
    "unused": ("POL-02", "notice_unused"),
}
EXPIRED = {
    "en": "suppression of POL-03 expired on 2025-01-01: review it or remove it",
    "fr": "l'exception pour POL-03 a expiré le 2025-01-01 : réexaminez-la ou supprimez-la",
}
ENGLISH_NOTICE_WORDS = ("suppression of", "expired on", "no such rule", "suppresses nothing", "remove it")


def notices_report(lang: str) -> Report:
    data = json.loads((ROOT / "samples" / "no-crisis-single-admin.json").read_text(encoding="utf-8"))
    data["x-assess"] = {"suppress": NOTICE_SUPPRESSIONS}
    return assess_many([("plan.json", data)], config=Config(lang=lang, today="2025-06-01"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_suppression_notice_is_written_in_the_report_language(lang: str) -> None:
    notices = notices_report(lang).plans[0].suppression_notices
    assert {notice.problem: notice.rule_id for notice in notices} == {k: rule for k, (rule, _) in NOTICES.items()}
    for notice in notices:
        rule, key = NOTICES[notice.problem]
        assert notice.message == label(key, lang).format(rule=rule, date="2025-01-01")
    expired = next(notice.message for notice in notices if notice.problem == "expired")
    assert expired == EXPIRED[lang]


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_suppression_notices_reach_every_human_format_in_its_language(lang: str, fmt: str) -> None:
    report = notices_report(lang)
    text = readable(fmt, render(fmt, report, RenderOptions()))
    assert label("suppression_notices", lang) in text
    for notice in report.plans[0].suppression_notices:
        assert " ".join(notice.message.split()) in text
    english = [words for words in ENGLISH_NOTICE_WORDS if words in text]
    assert english == ([] if lang == "fr" else list(ENGLISH_NOTICE_WORDS))


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 0, "0 could not be assessed"),
        ("en", 1, "1 could not be assessed"),
        ("en", 2, "2 could not be assessed"),
        ("fr", 0, "0 plan n'a pas pu être évalué"),
        ("fr", 1, "1 plan n'a pas pu être évalué"),
        ("fr", 2, "2 plans n'ont pas pu être évalués"),
    ],
)
def test_the_count_of_unassessed_plans_agrees_with_it(lang: str, count: int, expected: str) -> None:
    assert counted("unassessed_plans", count, lang) == expected


def unassessed_batch(broken: int) -> list[tuple[str, bytes]]:
    """Two plans that can be assessed (a single plan has no summary line), and `broken` that cannot."""
    good = (ROOT / "samples" / "exemplary.json").read_bytes()
    bad = (ROOT / "samples" / "invalid" / "syntax-error.json").read_bytes()
    return [("good1.json", good), ("good2.json", good), *((f"bad{index}.json", bad) for index in range(broken))]


@pytest.mark.parametrize(
    ("lang", "broken", "expected"),
    [
        ("en", 0, "2 plans: 2 assessed; 0 findings"),
        ("en", 1, "3 plans: 2 assessed, 1 could not be assessed; 0 findings"),
        ("en", 2, "4 plans: 2 assessed, 2 could not be assessed; 0 findings"),
        ("fr", 0, "2 plans\u00a0: 2 évalués\u00a0; 0 constat"),
        ("fr", 1, "3 plans\u00a0: 2 évalués, 1 plan n'a pas pu être évalué\u00a0; 0 constat"),
        ("fr", 2, "4 plans\u00a0: 2 évalués, 2 plans n'ont pas pu être évalués\u00a0; 0 constat"),
    ],
)
def test_the_summary_line_counts_unassessed_plans_in_the_report_language(lang: str, broken: int, expected: str) -> None:
    report = assess_many(unassessed_batch(broken), config=Config(lang=lang))
    lines = render("text", report, RenderOptions(quiet=1)).splitlines()
    assert lines[-1] == expected


@pytest.mark.parametrize(
    ("lang", "broken", "expected"),
    [
        ("en", 1, "assess: 1 of 1 plan could not be assessed (exit 2)"),
        ("en", 2, "assess: 2 of 3 plans could not be assessed (exit 2)"),
        ("fr", 1, "assess: sur 1 plan, 1 n'a pas pu être évalué (code de sortie 2)"),
        ("fr", 2, "assess: sur 3 plans, 2 n'ont pas pu être évalués (code de sortie 2)"),
    ],
)
def test_the_exit_2_line_is_in_the_run_language(
    lang: str, broken: int, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = (ROOT / "samples" / "invalid" / "syntax-error.json").read_bytes()
    names = [f"bad{index}.json" for index in range(broken)]
    for name in names:
        Path(name).write_bytes(bad)
    if broken == 2:  # and one plan that can be assessed: the noun counts them all, the verb the failures
        names.append("good.json")
        Path("good.json").write_bytes((ROOT / "samples" / "exemplary.json").read_bytes())
    result = CliRunner().invoke(cli, [*names, "--lang", lang, "-q", "--no-config"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == expected


FRENCH_PLAN = ROOT / "tests" / "qa_plans" / "seniors-numerique-fr.yaml"
ENGLISH_PLAN = ROOT / "samples" / "channels-first.json"


@pytest.mark.parametrize("to_file", [False, True])
@pytest.mark.parametrize(
    ("plans", "flags", "expected"),
    [
        ([FRENCH_PLAN], [], "fr"),  # the plans' own language: the rules as the results
        ([FRENCH_PLAN], ["--lang", "en"], "en"),  # the language asked for
        ([ENGLISH_PLAN], ["--lang", "fr"], "fr"),
        ([ENGLISH_PLAN], [], "en"),
        ([FRENCH_PLAN, ENGLISH_PLAN], [], "en"),  # plans that differ: English, as the run's other texts
    ],
)
def test_sarif_describes_the_rules_in_the_language_of_its_results(
    tmp_path: Path, plans: list[Path], flags: list[str], expected: str, to_file: bool
) -> None:
    """A French plan's SARIF, run without --lang, had French results but English rule descriptions."""
    from assess.formats import rule_infos
    from assess.rules.catalog import build_catalog

    out = tmp_path / "out.sarif"
    target = f"sarif:{out}" if to_file else "sarif"
    result = CliRunner().invoke(cli, [*map(str, plans), "--format", target, "--no-config", *flags])
    assert result.exit_code in (0, 1), result.output
    document = json.loads(out.read_text(encoding="utf-8") if to_file else result.stdout)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    catalog = rule_infos(build_catalog(Config()), expected)
    assert [rule["shortDescription"]["text"] for rule in rules] == [info.title for info in catalog]
    assert rules[0]["help"]["text"].startswith(label("why", expected))
    for finding in run["results"]:  # every result still points at its own rule
        assert rules[finding["ruleIndex"]]["id"] == finding["ruleId"]


def test_sarif_rendered_by_a_library_caller_keeps_the_rules_it_was_given_unless_told_how_to_translate() -> None:
    from assess.formats import rule_infos
    from assess.rules.catalog import build_catalog

    catalog = build_catalog(Config())
    report = assess_plan(FRENCH_PLAN)
    english = RenderOptions(rules=rule_infos(catalog, "en"))

    def titles(options: RenderOptions) -> list[str]:
        rules = json.loads(render("sarif", report, options))["runs"][0]["tool"]["driver"]["rules"]
        return [rule["shortDescription"]["text"] for rule in rules]

    assert titles(english) == [info.title for info in rule_infos(catalog, "en")]
    translated = english._replace(rules_in=lambda lang: rule_infos(catalog, lang))
    assert titles(translated) == [info.title for info in rule_infos(catalog, "fr")]


@pytest.mark.parametrize(
    ("day", "lang", "written"),
    [
        (datetime.date(2025, 2, 20), "en", "20 February 2025"),
        (datetime.date(2025, 2, 20), "fr", "20 février 2025"),
        (datetime.date(2025, 3, 1), "en", "1 March 2025"),
        (datetime.date(2025, 3, 1), "fr", "1er mars 2025"),  # the first of the month is an ordinal in French
        (datetime.date(2024, 12, 31), "fr", "31 décembre 2024"),
        (datetime.date(2026, 8, 2), "fr", "2 août 2026"),
    ],
)
def test_a_messages_date_is_written_for_its_reader(day: datetime.date, lang: str, written: str) -> None:
    assert long_date(day, lang) == written


@given(st.dates(), st.sampled_from(LANGUAGES))
def test_every_date_is_written_with_its_day_month_and_year(day: datetime.date, lang: str) -> None:
    words = long_date(day, lang).split(" ")
    assert len(words) == 3 and words[2] == str(day.year)
    assert words[0] == ("1er" if lang == "fr" and day.day == 1 else str(day.day))


@pytest.mark.parametrize(
    ("count", "lang", "written"),
    [
        (364, "en", "364 days"),
        (365, "en", "a year"),
        (365, "fr", "douze mois"),  # "plus de douze mois": "plus de un an" would need an elision
        (366, "en", "366 days"),
        (730, "en", "2 years"),
        (730.0, "fr", "2 ans"),
        (91, "fr", "91 jours"),
        (1, "en", "1 day"),
    ],
)
def test_a_limit_in_days_is_written_in_years_when_it_is_whole_years(count: float, lang: str, written: str) -> None:
    """The article's limits are a year or two; 'more than 730 days' made the client count."""
    assert days(count, lang) == written
