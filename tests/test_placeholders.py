"""Placeholders earn nothing: found in every free-text field, absent for the rules, reported, and limiting the score.

Boundaries asserted both ways: a marker word counts only as a whole word ("to do" in
a sentence and "Todoist" are real text), "..." only as a whole value (an ellipsis
inside a sentence is real), example.org/com/net only as the address (a real address
with "examples" in it is not), and an angle-bracket template except as key=<value>
(a UTM convention describes its parameters that way).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from strategies import plans

import assess
from assess.api import assess_loaded, load, make_report
from assess.config import Config
from assess.errors import RulePackError
from assess.formats import render
from assess.plan.model import Language, Plan
from assess.plan.schema import starter_placeholders
from assess.plan.starter import placeholder_texts, starter_data, starter_text
from assess.plan.validate import drop_dangling_references, validate_data
from assess.resources import RULES_DIR
from assess.results.report import PlanReport, Status
from assess.results.score import Scored, Written, predict_with_pass, rescore_with_pass, score
from assess.rules.catalog import build_catalog
from assess.rules.placeholders import (
    DOCUMENTS,
    LIST,
    OBJECT,
    OBJECTS,
    SETTINGS,
    TEXT,
    Detector,
    Scan,
    SchemaField,
    _texts,
    schema_fields,
)
from assess.rules.placeholders import ROOT as PLAN_ROOT
from assess.rules.rulepack import Placeholders, load_pack
from assess.rules.ruletest import set_pointer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TODAY = dt.date(2026, 3, 2)
CATALOG = build_catalog(Config())
DETECTOR = CATALOG.placeholders
EXEMPLARY: dict[str, Any] = json.loads((SAMPLES / "exemplary.json").read_text(encoding="utf-8"))

# Marker words and addresses: found wherever they stand as whole words in a value.
INSIDE = [
    "TODO",
    "todo",
    "TBD",
    "FIXME",
    "XXX",
    "xxx",
    "Lorem ipsum",
    "lorem ipsum dolor sit amet",
    "à compléter",
    "À définir",
    "a préciser".replace("a", "à", 1),
    "to be determined",
    "https://example.org",
    "www.example.com/page",
    "contact@example.net",
    "<name>",
    "<Your organisation>",
    "<name>.",
    "<name>, ",
]
# Whole values: a placeholder only when they are the whole text (case, spaces, quotes aside).
WHOLE = [
    "...",
    "…",
    " ... ",
    "Your organisation's name",
    "Your organisation\u2019s name",
    "YOUR ORGANISATION'S NAME.",
    "Nom de votre organisation",
    "Your name",
    "Votre nom",
    "?",
    "@handle",
]
# Real texts, some close to a placeholder: never flagged.
REAL = [
    "Each month we decide what to do more of, from what brought the most sign-ups",
    "A to-do list shared by the committee",
    "Todoist",
    "We post photos, videos... and infographics",
    "https://riversidefoodbank.org/examples",
    "Examples of good posts: see the shared folder",
    "utm_source=<platform>&utm_medium=social&utm_campaign=<goal id>",
    # a naming convention's variables joined to its other characters (a QA plan's real UTM convention)
    "utm_source=<network>&utm_medium=social&utm_campaign=<yyyy-mm>-<campaign>",
    "<network>_<goal>",
    "<org>/<campaign>",
    "Photos are named <yyyy-mm-dd>-<event>.jpg",
    "Campaign tags: <goal>+<month>",
    "Stories from the XXe siècle archive",
    "Our organisation's name is Riverside Food Bank",
    "Riverside Food Bank",
    "Name your sources",
    "Compléter l'équipe d'ici juin",
    "x",
    "A < B > C",
]


def text_pointers(plan: dict[str, Any]) -> list[str]:
    """Every free-text field of a plan, by JSON pointer (as the detector walks them)."""
    return [pointer for pointer, _, _, _ in _texts(plan)]


POINTERS = text_pointers(EXEMPLARY)


def scan_of(plan: dict[str, Any]) -> Scan:
    """The scan of a plan as the pipeline gives it: the validated data itself."""
    validate_data(plan)
    return DETECTOR.scan(plan)


def with_value(plan: dict[str, Any], pointer: str, value: str) -> dict[str, Any]:
    changed = copy.deepcopy(plan)
    set_pointer(changed, pointer, value)
    return changed


def report_of(plan: dict[str, Any] | str | bytes, name: str = "plan.json") -> PlanReport:
    return assess_loaded(load(plan, name=name), CATALOG, Config())


# ------------------------------------------------------------------ detection


def test_the_walk_reaches_every_kind_of_free_text_and_no_id_date_or_enumeration() -> None:
    fields = {pointer.split("/", 2)[1] + "/" + pointer.rsplit("/", 1)[-1] for pointer in POINTERS}
    for expected in ("organization/name", "organization/website", "plan/title", "goals/statement", "goals/objective"):
        assert expected in fields
    tails = {pointer.rsplit("/", 1)[-1] for pointer in POINTERS}
    assert {"name", "handle", "document", "rationale", "description", "thanks", "tool", "decision_rule"} <= tails
    assert any(pointer.startswith("/listening/keywords/") for pointer in POINTERS)  # list items too
    assert not tails & {"id", "platform", "status", "date", "category", "kind", "owner", "evidence", "language"}
    assert not any(pointer.startswith("/x-assess") for pointer in POINTERS)


@given(pointer=st.sampled_from(POINTERS), form=st.sampled_from(INSIDE), before=st.sampled_from(["", "Note: ", "("]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_each_marker_is_found_in_each_text_field(pointer: str, form: str, before: str) -> None:
    value = f"{before}{form} later"
    scan = scan_of(with_value(EXEMPLARY, pointer, value[:200]))
    assert [found.pointer for found in scan.found] == [pointer]


@given(pointer=st.sampled_from(POINTERS), form=st.sampled_from(WHOLE))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_each_whole_placeholder_is_found_in_each_text_field(pointer: str, form: str) -> None:
    scan = scan_of(with_value(EXEMPLARY, pointer, form))
    assert [found.pointer for found in scan.found] == [pointer]


@given(pointer=st.sampled_from(POINTERS), text=st.sampled_from(REAL))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_real_texts_are_not_placeholders(pointer: str, text: str) -> None:
    assert scan_of(with_value(EXEMPLARY, pointer, text)).found == ()


@pytest.mark.parametrize("text", REAL)
def test_real_text_boundaries(text: str) -> None:
    assert DETECTOR.match(text) is None


@pytest.mark.parametrize("text", ["Your organisation's name here", "See example.org", "TODO"])
def test_whole_texts_only_match_whole(text: str) -> None:
    found = DETECTOR.match(text)
    assert (found is None) == (text == "Your organisation's name here")


@pytest.mark.parametrize(
    "path", sorted([*SAMPLES.glob("*.json"), *SAMPLES.glob("*.yaml"), RULES_DIR / "example-base.yaml"])
)
def test_the_samples_and_the_example_base_hold_no_placeholder(path: Path) -> None:
    if path.name == "injection.json":
        pytest.skip("the injection sample holds hostile text on purpose")
    assert DETECTOR.scan(load(path).data).found == ()


# ------------------------------------------------------------------ the starter's texts: one source


def test_the_generated_starter_list_is_current() -> None:
    committed = (RULES_DIR / "starter-placeholders.yaml").read_text(encoding="utf-8")
    assert committed == starter_placeholders(), "rules/starter-placeholders.yaml is stale: run `make schemas`"


@pytest.mark.parametrize("lang", list(Language))
def test_every_starter_text_is_a_placeholder_but_the_kept_ones(lang: Language) -> None:
    scan = scan_of(starter_data(lang, today=TODAY))
    found = {item.pointer for item in scan.found}
    kept = {"/plan/title", "/people/0/department", "/people/1/department"}
    assert found == set(text_pointers(starter_data(lang, today=TODAY))) - kept
    assert all(item.starter for item in scan.found)
    assert set(placeholder_texts()) <= set(load_pack(RULES_DIR).placeholders.starter)


# ------------------------------------------------------------------ a placeholder is absent, for every rule


def _omitted(plan: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    """The plan as if the field had not been written (None when the plan cannot be without it)."""
    scan = scan_of(with_value(plan, pointer, "TODO"))
    (found,) = scan.found
    target = found.names_element or pointer
    if target in ("/organization/name", "/plan/title"):
        return None  # required: the section cannot be without it
    changed = copy.deepcopy(plan)
    set_pointer(changed, target, None)
    return drop_dangling_references(changed)


@pytest.mark.parametrize("pointer", POINTERS)
def test_a_placeholder_counts_as_not_written_for_every_rule(pointer: str) -> None:
    omitted = _omitted(EXEMPLARY, pointer)
    if omitted is None:
        pytest.skip("a required field of a section the plan cannot be without")
    with_placeholder = report_of(with_value(EXEMPLARY, pointer, "TODO"))
    without = report_of(omitted)
    statuses = {
        rule.rule_id: (rule.status, rule.missing) for rule in with_placeholder.rules if rule.rule_id != "PLAN-01"
    }
    assert statuses == {
        rule.rule_id: (rule.status, rule.missing) for rule in without.rules if rule.rule_id != "PLAN-01"
    }
    (finding,) = [f for f in with_placeholder.findings if f.rule_id == "PLAN-01"]
    assert finding.pointer == pointer and finding.severity.value == "high"


def test_the_finding_points_at_the_line_and_column() -> None:
    text = starter_text("yaml", Language.EN, today=TODAY).replace("# ", "#")
    report = report_of(text, "starter.yaml")
    lines = text.splitlines()
    for finding in (f for f in report.findings if f.rule_id == "PLAN-01"):
        assert finding.line is not None and finding.column is not None
        key = finding.pointer.rsplit("/", 1)[-1]
        line = lines[finding.line - 1]
        assert key in line or key.isdigit(), (finding.pointer, line)


def test_a_placeholder_person_takes_the_references_to_them_away() -> None:
    plan = with_value(EXEMPLARY, "/people/0/name", "Your name")
    person = EXEMPLARY["people"][0]["id"]
    stated = scan_of(plan).stated
    assert person not in {p["id"] for p in stated["people"]}
    assert person not in {m["person"] for m in stated.get("committee", {}).get("members", [])}
    assert all(person not in channel.get("account", {}).get("admins", []) for channel in stated["channels"])


# ------------------------------------------------------------------ the untouched starter: not started


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_an_untouched_starter_reports_itself_as_not_started(lang: Language, fmt: str) -> None:
    text = starter_text(fmt, lang, today=TODAY)  # type: ignore[arg-type]
    report = report_of(text, f"starter.{fmt}")
    assert report.score is not None
    assert report.score.overall <= 10
    assert report.score.completeness <= 10
    assert report.score.written <= 10
    placeholders = [f for f in report.findings if f.rule_id == "PLAN-01"]
    assert len(placeholders) == report.placeholders >= 25
    assert report.fill_first and report.fill_first[0] == "/organization/name"
    assert "/goals/0/statement" in report.fill_first
    name = starter_data(lang, today=TODAY)["organization"]["name"]
    assert report.organization != name and name in (report.organization or "")
    whole = make_report([report], CATALOG, Config())
    words = {"en": ("Not started", "Fill in first"), "fr": ("Plan non commencé", "À remplir d'abord")}[lang.value]
    for output in ("text", "markdown", "html"):
        rendered = render(output, whole)
        assert all(word in rendered.replace("&#39;", "'") for word in words), output


def test_the_issue_scenario_no_longer_gets_an_a() -> None:
    """`assess init foodbank.yaml`, one channel switched to active, one research entry: was 94.9, grade A."""
    plan = starter_data(Language.EN, today=TODAY)
    plan["channels"][0]["status"] = "active"
    plan["audience"]["research"] = [
        {"id": "survey-1", "method": "survey", "date": TODAY.isoformat(), "respondents": 120, "summary": "Young"}
    ]
    report = report_of(plan)
    assert report.score is not None
    assert report.score.grade not in ("A", "B") and report.score.overall <= 15
    failing = {rule.rule_id for rule in report.rules if rule.status is Status.FAIL}
    assert {"PLAN-01", "PLN-01", "POL-01"} <= failing  # no goal, no crisis plan: the placeholders stated none


def test_filling_the_starter_raises_the_score_step_by_step() -> None:
    plan = starter_data(Language.EN, today=TODAY)
    before = report_of(plan).score
    plan["organization"]["name"] = "Riverside Food Bank"
    plan["goals"][0]["statement"] = "Recruit 30 volunteers through Facebook by June"
    after = report_of(plan).score
    assert before is not None and after is not None
    assert after.written > before.written and after.overall >= before.overall


def test_a_schema_1_0_plan_with_placeholders_stays_valid_and_is_assessed() -> None:
    plan = with_value(EXEMPLARY, "/goals/0/statement", "TBD")
    assert plan["schema_version"] == "1.0"
    report = report_of(plan)
    assert report.assessed and report.placeholders == 1
    assert report.score is not None and report.score.written < 100


# ------------------------------------------------------------------ the score's limit


def test_the_written_share_limits_the_score_and_completeness() -> None:
    results = [Scored("A-01", 1, assess.Severity.HIGH, 6, Status.PASS)]
    free = score(results, Config().scoring)
    limited = score(results, Config().scoring, written=Written(0.25, "PLAN-01"))
    assert free.score.overall == 100 and limited.score.overall == 25
    assert limited.score.completeness == 25 and limited.score.written == 25
    lifted = predict_with_pass(limited, ["PLAN-01"], Config().scoring)
    assert lifted.limited_by is None
    assert (
        lifted.overall
        == 100
        == rescore_with_pass(results, ["PLAN-01"], Config().scoring, written=limited.written).score.overall
    )
    held = predict_with_pass(limited, ["A-01"], Config().scoring)
    assert held.overall == 25 and held.limited_by == "PLAN-01"


# ------------------------------------------------------------------ the pack's data


def test_a_custom_pack_extends_the_list(tmp_path: Path) -> None:
    pack = tmp_path / "extra.yaml"
    pack.write_text(
        "pack: extra\nversion: '1'\nplaceholders:\n  texts: ['Riverside Food Bank']\n  words: [PENDING]\n",
        encoding="utf-8",
    )
    catalog = build_catalog(Config(rules=(pack,)))
    assert catalog.placeholders.match("riverside food bank") is not None
    assert catalog.placeholders.match("Budget PENDING approval") is not None
    assert catalog.placeholders.match("TODO") is not None  # the built-in list still holds
    report = assess_loaded(load(SAMPLES / "exemplary.json"), catalog, Config(rules=(pack,)))
    assert report.placeholders >= 1 and report.organization != "Riverside Food Bank"


def test_a_bad_pattern_is_a_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: bad\nversion: '1'\nplaceholders:\n  patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="placeholder pattern"):
        load_pack(pack)


def test_an_empty_detector_finds_nothing() -> None:
    assert Detector(Placeholders()).match("TODO") is None


# ------------------------------------------------------------------ a marker flagging a detail of a written name


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Grow online listening from social posts (target TBD)", True),
        ("Recruit volunteer tutors for the autumn term, numbers to be determined", True),
        ("TODO", False),
        ("TBD.", False),
        ("TODO - second goal (email list? events?)", False),  # the marker leads: it stands for the goal
        ("TODO: write the goal", False),
        ("Nom à compléter", False),  # what is left is not a name of its own
        ("Lorem ipsum dolor sit amet", False),
        ("Second goal TBD", False),  # two words of its own are not a written name
    ],
)
def test_a_marker_flags_a_detail_only_after_a_written_name(text: str, detail: bool) -> None:
    scan = scan_of(with_value(EXEMPLARY, "/goals/0/statement", text))
    (found,) = scan.found
    assert found.kept is detail
    assert (found.names_element is None) is detail
    goals = {goal["statement"] for goal in scan.stated["goals"]}
    assert (text in goals) is detail  # a detail keeps the goal (text and all); a stand-in takes it away


def test_a_goal_with_a_detail_to_come_is_still_judged_on_the_rest() -> None:
    """The expert's reading of 'Grow online listening (target TBD)': a goal without its target yet."""
    plan = with_value(EXEMPLARY, "/goals/0/statement", "Grow online listening from social posts (target TBD)")
    del plan["goals"][0]["target_value"]
    report = report_of(plan)
    statuses = {rule.rule_id: rule.status for rule in report.rules}
    assert statuses["PLN-02"] is Status.FAIL  # the missing target is still found
    (finding,) = [f for f in report.findings if f.rule_id == "PLAN-01"]
    assert finding.pointer == "/goals/0/statement" and "detail" in finding.message
    assert report.score is not None and report.score.written < 100  # and it still counts as unwritten


def test_a_document_named_with_a_detail_is_still_no_document() -> None:
    """'TBD, the director is drafting it' names no crisis plan: the plan has none (POL-01), whatever the rest says."""
    plan = with_value(EXEMPLARY, "/policies/crisis_plan/document", "Crisis plan TBD, the director is drafting it")
    scan = scan_of(plan)
    (found,) = scan.found
    assert not found.kept and found.names_element == "/policies/crisis_plan"
    statuses = {rule.rule_id: rule.status for rule in report_of(plan).rules}
    assert statuses["POL-01"] is Status.FAIL


# ------------------------------------------------------------------ the scan's hints


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"(?<![\w.-])(?:[\w-]+\.)*example\.(?:org|com|net)\b", "example."),
        (r"(?<![=\w])<[^\W\d_][\w .'-]{0,40}>", "<"),
        ("abc|def", None),  # a branch: no letter is required
        (r"\d+", None),
        ("(?x) to  do ", "todo"),  # verbose: read as the search reads it
        ("x(?-i:Ab)cd", "cd"),  # a group that changes flags ends a run
        ("(?:tb)d?", "tb"),
        ("fix(?:me)+", "fix"),
    ],
)
def test_a_patterns_hint_is_what_every_match_must_contain(pattern: str, literal: str | None) -> None:
    from assess.rules.placeholders import _required_literal

    assert _required_literal(pattern) == literal


@pytest.mark.parametrize(
    ("pattern", "leads"),
    [
        (r"(?<![=\w])<[^\W\d_][\w .'-]{0,40}>", True),  # a look-behind matches no character
        (r"(?<![\w.-])(?:[\w-]+\.)*example\.(?:org|com|net)\b", False),
        (r"^\b(?=x)(?:<a)b\w", True),
        (r"a?<<<", False),  # the longest run, after a character that may be there
        (r"<\w+>>>", False),  # a longer run further on
        (r"(?i:<)x", False),  # a group changing flags is no plain character
    ],
)
def test_a_patterns_hint_says_whether_every_match_starts_with_it(pattern: str, leads: bool) -> None:
    from assess.rules.placeholders import _pattern_literal

    assert _pattern_literal(pattern)[1] is leads


_TRICKY = "aé <>.TODOtbdexampl-Kſ\x00\n\t\u00a0\u2028\x1f\u0301ıİßﬁ\u2019…:!"
"""Characters where the texts' joint normalisation or a hint could go wrong: a NUL (the joint), white
space `str.split` collapses, a combining accent (NFKC composes it), case foldings that change
lengths or that only a regular expression ignoring case follows (ſ, K, ı), quotes mapped, punctuation."""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=_TRICKY, max_size=30), max_size=12))
def test_the_hinted_scan_finds_what_matching_each_text_finds(texts: list[str]) -> None:
    """The texts normalised together and the hints only skip searches that would find nothing:
    the same matches as one full match a text."""
    from assess.rules.placeholders import _normalised, normalise

    assert _normalised(texts)[2] == [normalise(text) for text in texts]
    _assert_the_scan_matches_each_text(texts)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=" aB.\x00\t\n\x1f", max_size=8), max_size=8))
def test_ascii_texts_are_normalised_together_as_one_by_one(texts: list[str]) -> None:
    """ASCII texts: those already single-spaced are only case-folded together, the others collapsed and
    stripped; either way, each text as `normalise` gives it, and the joined texts are those joined."""
    from assess.rules.placeholders import _JOIN, _normalised, normalise

    nfkc, normalised, norms = _normalised(texts)
    assert norms == [normalise(text) for text in texts]
    if normalised is not None:
        assert normalised == _JOIN.join(norms)
        assert nfkc == _JOIN.join(texts)


_DETECTORS = [
    (["TODO", "tbd", "à compléter", "to do", "todo list"], [r"<[a-z]+>", r"exa(?:mple)\.org", "k{2}ſ"]),
    (["ı", "ß", "…"], [r"<[a-z]+>", r"exa(?:mple)\.org", "K\\.", "x(?i:s)"]),
    (["tbd"], [r"(?:[a-z]+\.)*example\.org", r"<[a-z .]+>", r"le\.o"]),  # overlapping: the leftmost wins
    (["tbd"], [r"(a)\1<", r"(b)<", r"<\w+>"]),  # groups: the patterns are searched together only
    (["tbd"], [r"<\w+>", r"(?x) exa mple \. org", r"le\.o"]),  # a global flag: one search a pattern, in order
    (["tbd"], [r"b  <", r"le\.o"]),  # a literal with white space: not found in the texts normalised
    # the built-in patterns, and others whose literal leads every match (matched only where it stands)
    (["tbd"], [r"(?<![\w.-])(?:[\w-]+\.)*example\.(?:org|com|net)\b", r"(?<![=\w])<[^\W\d_][\w .'-]{0,40}>"]),
    (["tbd"], [r"(?<![=\w])<[^\W\d_][\w .'-]{0,40}>", r"\bexample\.(?!org)"]),
    (["tbd"], [r"^<\w", r"(?<=b)<b>", r"\B<x"]),
]


def _assert_the_scan_matches_each_text(texts: list[str]) -> None:
    from assess.rules.placeholders import Detector
    from assess.rules.rulepack import Placeholders

    for words, patterns in _DETECTORS:
        detector = Detector(Placeholders(texts=["a…", "tbd!"], words=words, patterns=patterns))
        expected = [(index, hit) for index, text in enumerate(texts) if (hit := detector.match(text)) is not None]
        assert detector._matches(texts) == expected


_FRAGMENTS = [
    "example.org",
    "EXAMPLE.ORG",
    "www.",
    "le.o",
    "<x y>",
    "aa<",
    "b<",
    "<b>",
    "tbd",
    " ",
    "=",
    "ſ",
    "ı",
    "\x00",
    "=<b>",
    "<<b",
    "<x",
    "Example.com",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(_FRAGMENTS), max_size=6).map("".join), max_size=8))
def test_the_hinted_scan_finds_what_matching_each_text_finds_in_texts_that_match(texts: list[str]) -> None:
    """As above, with texts made of what the patterns look for, often several of them in one text."""
    _assert_the_scan_matches_each_text(texts)


def test_the_hints_find_each_text_holding_them_once_in_a_long_plan() -> None:
    """A hint is looked for in all of a plan's texts joined: each text holding it is found, whatever its place."""
    from assess.rules.placeholders import Detector
    from assess.rules.rulepack import Placeholders

    detector = Detector(Placeholders(words=["tbd"], patterns=[r"(?<![=\w])<[^\W\d_][\w .'-]{0,40}>"]))
    texts = ["a=<b> <c>" if index % 7 == 0 else "tbd tbd" if index % 5 == 0 else "plain" for index in range(500)]
    expected = [(index, hit) for index, text in enumerate(texts) if (hit := detector.match(text)) is not None]
    assert detector._matches(texts) == expected
    assert len(expected) == len([i for i in range(500) if i % 7 == 0 or i % 5 == 0])


# ------------------------------------------------------------------ plain data: the schema's table, the model's word


def _model_kind(annotation: Any) -> str | None:
    """What a field of the typed model holds, as `schema_fields` says it: TEXT, LIST, OBJECT, OBJECTS or None."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if any(getattr(item, "pattern", None) for m in meta for item in [m, *getattr(m, "metadata", [])]):
            return None  # an id or another patterned token
        return _model_kind(base)
    if origin in (typing.Union, types.UnionType):
        kinds = {_model_kind(arg) for arg in typing.get_args(annotation) if arg is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if origin is list:
        (item,) = typing.get_args(annotation)
        return {TEXT: LIST, OBJECT: OBJECTS}.get(_model_kind(item) or "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return OBJECT
    return TEXT if annotation is str else None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for arg in typing.get_args(annotation) if (m := _model_of(arg)) is not None), None)


def _model_fields(cls: type[BaseModel], tables: dict[str, tuple[SchemaField, ...]]) -> None:
    """`schema_fields` as the typed models say it (what the scan read from pydantic before it read plain data)."""
    fields: list[SchemaField] = []
    for name, info in cls.model_fields.items():
        patterned = any(getattr(item, "pattern", None) for item in info.metadata)
        kind = None if patterned else _model_kind(info.annotation)
        if kind is None:
            continue
        inner = _model_of(info.annotation) if kind in (OBJECT, OBJECTS) else None
        if inner is not None and inner.__name__ not in tables:
            _model_fields(inner, tables)
        fields.append((info.alias or name, kind, info.is_required(), inner.__name__ if inner else None))
    tables[PLAN_ROOT if cls is Plan else cls.__name__] = tuple(fields)


def test_the_walks_table_read_from_the_schema_is_what_the_typed_model_says() -> None:
    """The scan reads which fields are free text from the plan's JSON Schema, not from pydantic: the two agree."""
    from_model: dict[str, tuple[SchemaField, ...]] = {}
    _model_fields(Plan, from_model)
    from_schema = schema_fields()
    assert from_schema == from_model
    assert set(DOCUMENTS) <= set(from_schema) and SETTINGS in from_schema
    assert all(any(f[0] == key and f[1] == TEXT for f in from_schema[name]) for name, key in DOCUMENTS.items())
    assert ("name", TEXT, True, None) in from_schema["Organization"]
    assert ("metrics", OBJECTS, False, "Metric") in from_schema[PLAN_ROOT]


def test_the_scan_imports_neither_pydantic_nor_the_typed_model() -> None:
    """The CLI path works on plain data: the scan module must not pull the typed model in (issue 15)."""
    import ast

    import assess.rules.placeholders as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in tree.body:  # run-time imports: the module's own top level (not under `if TYPE_CHECKING:`)
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not {name for name in imported if name.split(".")[0] == "pydantic" or name == "assess.plan.model"}


def _typed(stated: dict[str, Any]) -> Plan:
    """A stated plan typed for comparison: a required field of a section that was a placeholder is None."""
    data, blanks = dict(stated), []
    for section, required in (("organization", "name"), ("plan", "title")):
        if section in data and required not in data[section]:
            data[section] = {**data[section], required: "-"}
            blanks.append((section, required))
    typed = Plan.model_validate(data)
    for section, name in blanks:
        typed = typed.model_copy(update={section: getattr(typed, section).model_copy(update={name: None})})
    return typed


@pytest.mark.parametrize("lang", list(Language))
def test_the_stated_plan_is_new_plain_data_without_the_placeholders(lang: Language) -> None:
    plan = starter_data(lang, today=TODAY)
    before = copy.deepcopy(plan)
    scan = scan_of(plan)
    stated = scan.stated
    assert scan.stated is stated  # built once
    assert plan == before  # the caller's data is never modified
    assert "name" not in stated["organization"]  # a required field that is a placeholder is absent (None typed)
    assert "title" in stated["plan"]  # a kept text stays
    assert not stated.get("goals") and not stated.get("people")  # entries named by a placeholder go
    assert _typed(stated).organization.name is None
    assert scan_of(EXEMPLARY).stated is EXEMPLARY  # nothing to take out: the same object


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=plans(),
    forms=st.lists(st.sampled_from([*INSIDE, *WHOLE, "Grow online listening from social posts (target TBD)"])),
    data=st.data(),
)
def test_the_scan_of_plain_data_reads_absent_defaults_and_any_key_order(
    plan: dict[str, Any], forms: list[str], data: st.DataObject
) -> None:
    """Plain data may omit what has a default, and order its keys as it likes: the scan is the same as for the
    plan with every default written out in the model's order (its `model_dump`), placeholders and all."""
    pointers = text_pointers(plan)
    for form in forms:
        if pointers:
            set_pointer(plan, data.draw(st.sampled_from(pointers)), form)
    validate_data(plan)
    dumped = Plan.model_validate(plan).model_dump(mode="json", by_alias=True, exclude_none=True)
    reordered = json.loads(json.dumps(plan, sort_keys=True))
    scans = [DETECTOR.scan(variant) for variant in (plan, dumped, reordered)]
    assert scans[0].found == scans[1].found == scans[2].found
    assert scans[0].texts == scans[1].texts == scans[2].texts
    assert _typed(scans[0].stated) == _typed(scans[1].stated) == _typed(scans[2].stated)


@pytest.mark.parametrize("chunk", [1, 40, 1 << 20])
def test_texts_searched_a_chunk_at_a_time_give_the_same_placeholders(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big plan's texts are searched a chunk at a time (to bound memory): chunks of one text, of a few,
    or all at once find the same placeholders in the same order."""
    import assess.rules.placeholders as module

    detector = build_catalog(Config()).placeholders
    plans = [starter_data(lang, today=TODAY) for lang in Language]
    plans += [load(path).data for path in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.json"))]
    expected = [detector.scan(plan).found for plan in plans]
    monkeypatch.setattr(module, "CHUNK_CHARACTERS", chunk)
    assert [detector.scan(plan).found for plan in plans] == expected
    assert any(expected) and not all(expected)  # plans with placeholders and plans without


def test_no_free_text_is_longer_than_longest_text() -> None:
    """`LONGEST_TEXT` bounds every free text of the schema (a string without pattern, format, enum or
    const), so that plans with few texts are known to fit in one chunk without counting them."""
    from assess.plan.validate import plan_schema
    from assess.rules.placeholders import LONGEST_TEXT

    def lengths(node: Any) -> list[Any]:
        if isinstance(node, list):
            return [found for item in node for found in lengths(item)]
        if not isinstance(node, dict):
            return []
        free = node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys()
        return ([node.get("maxLength")] if free else []) + [
            found for value in node.values() for found in lengths(value)
        ]

    found = lengths(plan_schema())
    assert len(found) > 20 and None not in found
    assert max(found) == LONGEST_TEXT


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(full=True), st.lists(st.sampled_from(["", " ", "TODO", "Lorem ipsum"]), max_size=4), st.data())
def test_the_texts_collected_without_pointers_are_those_with_pointers(
    plan: dict[str, Any], forms: list[str], data: st.DataObject
) -> None:
    """The scan collects a plan's texts with a function written from the walk: the texts `_texts` gives,
    in its order."""
    from assess.rules.placeholders import _plan_walk, _text_collector, _text_values, _walked

    pointers = text_pointers(plan)
    for form in forms:
        if pointers:
            set_pointer(plan, data.draw(st.sampled_from(pointers)), form)
    expected = [text for _, text, _, _ in _texts(plan)]
    assert _text_values(plan) == expected
    # Both ways of the collector: walked (a process's first plans), compiled (after `COMPILE_AFTER`).
    assert _walked(_plan_walk(), plan) == _text_collector(_plan_walk())(plan) == expected


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda path: path.name)
def test_the_texts_collected_without_pointers_are_those_with_pointers_in_the_samples(path: Path) -> None:
    from assess.rules.placeholders import _text_values

    sample = load(path).data
    assert _text_values(sample) == [text for _, text, _, _ in _texts(sample)]


def test_the_collector_is_compiled_after_compile_after_plans() -> None:
    from assess.rules.placeholders import COMPILE_AFTER, _Collector, _plan_walk, _text_values

    collector = _Collector(_plan_walk())
    sample = load(SAMPLES / "exemplary.json").data
    for number in range(1, COMPILE_AFTER + 3):
        assert collector(sample) == _text_values(sample)
        assert (collector._compiled is None) is (number <= COMPILE_AFTER), number
