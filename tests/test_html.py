"""The HTML report: complete, self-contained, deterministic, printable, and immune to markup in plans."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assess.api import assess_many, assess_plan
from assess.config import Config
from assess.formats import RenderOptions, charts
from assess.formats.html import render
from assess.i18n import label, number
from assess.results.report import Report
from assess.steps import STEPS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted([*ROOT.glob("samples/*.json"), *ROOT.glob("samples/*.yaml")])
INJECTION = ROOT / "samples" / "injection.json"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
# Every element the report's templates and charts may produce; anything else came from a plan.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "div", "header", "footer", "nav", "section", "article",
    "h1", "h2", "h3", "h4", "p", "span", "strong", "a", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th",
    "td", "dl", "dt", "dd", "figure", "figcaption", "br", "svg", "path", "rect", "line", "text",
}  # fmt: skip
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    "{{ 7*7 }}",
)


class Page(HTMLParser):
    """The elements, attributes and text of a document, as a browser's tokenizer sees them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self._in_style = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}


def assert_inert(source: str) -> Page:
    """Nothing in the document can run, load or navigate: the shape every report must have."""
    page = Page(source)
    assert page.tags() <= ALLOWED_TAGS, page.tags() - ALLOWED_TAGS
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name not in {"src", "srcset", "action", "formaction", "xlink:href", "background"}, (tag, name)
            if name == "href":
                assert value is not None and value.startswith("#"), (tag, value)
            if name == "style":
                raise AssertionError(f"style attribute on {tag}: the CSS lives in the head")
    csp = [
        attrs for tag, attrs in page.elements if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert page.elements[0][0] == "html"
    assert source.count("<style>") == 1
    assert "url(" not in source
    assert "@import" not in source
    return page


@pytest.fixture(scope="module")
def sample_reports() -> dict[str, Report]:
    return {path.name: assess_plan(path.read_bytes(), name=f"samples/{path.name}") for path in SAMPLES}


@pytest.mark.parametrize("sample", [path.name for path in SAMPLES])
def test_every_sample_renders_a_complete_inert_report(sample: str, sample_reports: dict[str, Report]) -> None:
    report = sample_reports[sample]
    plan = report.plans[0]
    assert plan.score is not None
    html = render(report)
    page = assert_inert(html)
    text = page.text
    lang = plan.language
    assert plan.organization is not None
    assert plan.organization in text
    assert f"samples/{sample}" in text
    assert label("executive_summary", lang) in text
    assert number(plan.score.overall, lang) in text  # the same rounding as the text and Markdown reports
    assert plan.score.grade in text
    for step in STEPS:
        assert step.name[lang] in text
    for finding in plan.findings:
        for words in (finding.title, finding.message, finding.rationale, finding.recommendation):
            assert " ".join(words.split()) in text
        where = f"samples/{sample}:{finding.line}:{finding.column}" if finding.line else f"samples/{sample}"
        assert where in text
        assert (finding.pointer or "/") in text
    for rec in plan.recommendations:
        assert rec.action in text and rec.title in text
        assert f"{number(rec.score_before, lang)} → {number(rec.score_after, lang)}" in text
    assert html.count('class="chart gauge"') == 1
    assert html.count('class="chart bars"') == 2


def test_every_finding_says_why_with_its_step_what_to_do_and_where() -> None:
    html = render(assess_plan((ROOT / "samples" / "no-crisis-single-admin.json").read_bytes(), name="plan.json"))
    articles = re.findall(r'<article class="finding sev-[a-z]+">(.*?)</article>', html, re.S)
    assert articles
    for article in articles:
        text = Page(article).text
        assert "Why Step " in text
        assert "of the article:" in text
        assert "What to do " in text
        assert re.search(r"Location plan\.json:\d+:\d+ · JSON pointer /", text), text


def test_executive_summary_has_the_first_actions_in_order() -> None:
    """Three, and more when further criticals or named checks fail: none of them is left out."""
    for sample, count in (("community-garden.yaml", 3), ("small-nonprofit.json", 4)):
        report = assess_plan(ROOT / "samples" / sample)
        plan = report.plans[0]
        html = render(report)
        block = html.split('<ol class="first-actions">')[1].split("</ol>")[0]
        titles = re.findall(r'<div class="action-title">(.*?)</div>', block)
        assert titles == [rec.title for rec in plan.recommendations[:count]]
        heading = label("first_actions") if count == 3 else label("first_actions_many").format(count=count)
        assert f"<h3>{heading}</h3>" in html


def test_the_injection_sample_is_shown_as_text_and_never_as_markup() -> None:
    report = assess_plan(INJECTION.read_bytes(), name="samples/injection.json")
    plan = report.plans[0]
    html = render(report)
    page = assert_inert(html)
    # The payloads reach the report (organisation, messages, justification) and are printed as text.
    assert plan.organization is not None and "<script>" in plan.organization
    assert plan.organization in page.text
    assert any("onerror" in finding.message for finding in plan.findings)
    assert plan.suppressed and "<script>" in plan.suppressed[0].justification
    assert " ".join(plan.suppressed[0].justification.split()) in page.text
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<iframe" not in html.lower()
    assert "49" not in page.text  # {{ 7*7 }} in the plan is data, not a template


def test_payloads_in_every_text_field_of_a_report_stay_text() -> None:
    report = assess_plan(INJECTION.read_bytes(), name="samples/injection.json")
    data = report.model_dump(mode="json")
    seen: list[str] = []

    def poison(node: object, key: str = "") -> object:
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, key) for v in node]
        if isinstance(node, str) and key in {
            "title", "message", "rationale", "recommendation", "pointer", "justification", "organization",
            "file", "action", "name", "version",
        }:  # fmt: skip
            payload = PAYLOADS[len(seen) % len(PAYLOADS)]
            seen.append(payload)
            return f"{node} {payload}"
        return node

    poisoned = Report.model_validate(poison(data))
    assert len(seen) > 50
    page = assert_inert(render(poisoned))
    for payload in PAYLOADS:
        assert payload in page.text


def test_output_is_deterministic() -> None:
    first = render(assess_plan((ROOT / "samples" / "exemplary.json").read_bytes(), name="a.json"))
    second = render(assess_plan((ROOT / "samples" / "exemplary.json").read_bytes(), name="a.json"))
    assert first == second
    assert not re.search(r"20\d\d-\d\d-\d\dT|\d\d:\d\d:\d\d", first)


def test_prints_on_a4_without_cutting_charts_or_separating_headings() -> None:
    """Charts and short rows are kept whole, headings stay with what follows; long blocks may split
    (test_browser.py prints the report in Chromium: no block kept whole over 40% of a page, no page but a
    plan's last left more than half blank)."""
    html = render(assess_plan(ROOT / "samples" / "exemplary.json"))
    assert "@page { size: A4;" in html
    print_css = html.split("@media print")[1]
    kept_whole = next(line for line in print_css.splitlines() if "break-inside: avoid" in line)
    for selector in ("figure", "svg", "tr"):
        assert selector in kept_whole
    assert "article.finding" not in kept_whole and "table.steps" not in kept_whole
    assert "h4, dt { break-after: avoid" in print_css  # a title with its message, a label with its text
    assert "section.plan + section.plan" in print_css
    assert "print-color-adjust: exact" in html


def test_many_plans_have_a_table_of_contents_and_a_section_each(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "organization": {}}', encoding="utf-8")
    names = ["exemplary.json", "fundraising-only.json", "community-garden.yaml"]
    sources: list[tuple[str, object]] = [(name, ROOT / "samples" / name) for name in names]
    report = assess_many([*sources, ("broken.json", broken)])  # type: ignore[list-item]
    html = render(report)
    page = assert_inert(html)
    anchors = [attrs["id"] for tag, attrs in page.elements if tag == "section"]
    links = [attrs["href"] for tag, attrs in page.elements if tag == "a"]
    assert anchors == ["plan-1", "plan-2", "plan-3", "plan-4"]
    assert links == [f"#{anchor}" for anchor in anchors]
    assert "Contents" in page.text
    assert "Could not be assessed" in page.text
    assert "broken.json" in page.text
    for plan in report.plans[:3]:
        assert plan.organization is not None and plan.organization in page.text


def test_suppressed_findings_show_their_justification_and_expiry() -> None:
    report = assess_plan(INJECTION)
    accepted = report.plans[0].suppressed[0]
    text = Page(render(report)).text
    assert "Accepted findings (suppressed)" in text
    assert "Justification" in text
    assert accepted.finding.message in text
    assert "2099-12-31" in text


def test_baselined_findings_are_mentioned() -> None:
    report = assess_plan((ROOT / "samples" / "small-nonprofit.json").read_bytes(), name="p.json")
    text = Page(render(report, RenderOptions(baselined={"p.json": 4}))).text
    assert "4 findings accepted by the baseline, not shown." in text


def test_french_report_uses_french_labels_and_numbers() -> None:
    report = assess_plan(ROOT / "samples" / "small-nonprofit.json", config=Config(lang="fr"))
    html = render(report)
    assert '<html lang="fr">' in html
    text = Page(html).text
    assert label("first_actions_many", "fr").format(count=4) in text  # four criticals fail
    for key in ("executive_summary", "steps", "findings", "recommendations", "by_severity"):
        assert label(key, "fr") in text
    for english in ("Executive summary", "Findings", "What to do", "Why", "Location", "Step score", "out of 100"):
        assert english not in text
    completeness = report.plans[0].score.completeness  # type: ignore[union-attr]
    assert f"{number(completeness, 'fr')}\u00a0%" in html


def test_lang_overrides_the_labels_of_every_section() -> None:
    report = assess_plan(ROOT / "samples" / "exemplary.json")
    html = render(report, lang="fr")
    assert '<html lang="fr">' in html
    assert '<section class="plan" id="plan-1" lang="fr">' in html


class TestCharts:
    def test_labels_are_escaped(self) -> None:
        svg = charts.step_scores([("<script>x</script>", 50.0, "50 & <b>")], title='"><svg onload=1>')
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert "50 &amp; &lt;b&gt;" in svg
        assert 'aria-label="&quot;&gt;&lt;svg onload=1&gt;"' in svg

    def test_gauge_draws_a_value_arc_only_for_a_positive_score(self) -> None:
        assert charts.gauge(0.0, value_text="0", caption="c", title="t").count("<path") == 1
        assert charts.gauge(None, value_text="n/a", caption="c", title="t").count("<path") == 1
        full = charts.gauge(100.0, value_text="100", caption="c", title="t")
        assert full.count("<path") == 2
        assert charts.GOOD in full
        assert charts.POOR in charts.gauge(12.0, value_text="12", caption="c", title="t")

    def test_gauge_clamps_out_of_range_scores(self) -> None:
        assert charts.gauge(140.0, value_text="x", caption="c", title="t") == charts.gauge(
            100.0, value_text="x", caption="c", title="t"
        )

    def test_a_step_without_a_score_has_no_bar(self) -> None:
        svg = charts.step_scores([("a", None, "n/a"), ("b", 0.0, "0"), ("c", 100.0, "100")], title="t")
        coloured = re.findall(r'<rect [^>]*fill="(#[0-9a-f]+)"', svg)
        assert coloured.count(charts.TRACK) == 3
        assert [colour for colour in coloured if colour != charts.TRACK] == [charts.GOOD]

    def test_severity_bars_scale_to_the_largest_count(self) -> None:
        svg = charts.severity_counts([("critical", "critical", 2), ("high", "high", 4)], title="t")
        widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"[^>]*fill="#(?!e6e9ef)', svg)]
        assert widths == [170.0, 340.0]

    def test_no_counts_at_all_still_draws(self) -> None:
        svg = charts.severity_counts([("info", "info", 0)], title="t")
        assert svg.startswith("<svg") and svg.endswith("</svg>")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_checks_hidden_by_a_missing_section_are_listed_with_what_unblocks_them(lang: str) -> None:
    import json

    plan = json.loads((ROOT / "samples" / "exemplary.json").read_text(encoding="utf-8"))
    del plan["tools"]
    report = assess_plan(plan, config=Config(lang=lang))
    blocked = [rule for rule in report.plans[0].rules if rule.blocked_by]
    assert {rule.rule_id for rule in blocked} >= {"WRK-02", "WRK-05"}
    text = Page(render(report)).text
    assert label("blocked_heading", lang) in text
    assert label("blocked_explained", lang) in text
    for rule in blocked:
        assert f"{rule.rule_id} {rule.title}" in text
    complete = Page(render(assess_plan(ROOT / "samples" / "exemplary.json", config=Config(lang=lang)))).text
    assert label("blocked_heading", lang) not in complete
