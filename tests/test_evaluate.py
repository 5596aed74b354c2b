"""From matches to outcomes: 'unknown' when the plan leaves a required field unstated."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest

import assess
import assess.api
from assess.engines.base import Match
from assess.engines.evaluate import missing_pointers, missing_required, render
from assess.plan.model import Plan
from assess.plan.validate import checked_data, drop_dangling_references
from assess.resources import RULES_DIR
from assess.rules.facts import SECTIONS, build_facts
from assess.rules.rulepack import load_pack, required_options

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

BASE: dict[str, Any] = load_pack(RULES_DIR).example_base or {}


def plan_with(**changes: Any) -> dict[str, Any]:
    """A valid plan's own data (not the model's dump: keys with defaults stay absent)."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return checked_data(drop_dangling_references({key: value for key, value in data.items() if value is not None}))


def test_missing_pointers_walks_items_and_filters_them() -> None:
    channels = [
        {"id": "a", "platform": "facebook", "status": "active", "posts_per_week": 3},
        {"id": "b", "platform": "tiktok", "status": "planned"},
        {"id": "c", "platform": "x"},  # status defaults to active
    ]
    plan = plan_with(channels=channels, content={"pillars": [{"name": "Stories"}]})
    assert missing_pointers(plan, "/channels/*/posts_per_week") == [
        "/channels/1/posts_per_week",
        "/channels/2/posts_per_week",
    ]
    assert missing_pointers(plan, "/channels/*[status=active]/posts_per_week") == ["/channels/2/posts_per_week"]
    assert missing_pointers(plan, "/content/fundraising_percent") == ["/content/fundraising_percent"]
    assert missing_pointers(plan, "/content/pillars/*/name") == []
    assert missing_pointers(plan, "/x-assess/suppress") == ["/x-assess"]
    assert missing_pointers(plan_with(visuals=None), "/visuals/share_percent") == ["/visuals"]
    # A list the model defaults to empty is stated when absent, as in the typed plan.
    assert "channels" not in plan_with(channels=None)
    assert missing_pointers(plan_with(channels=None), "/channels/*/posts_per_week") == []
    assert missing_pointers(plan_with(visuals={"share_percent": 50}), "/visuals/formats") == []


REQUIRES = sorted(
    {
        pattern
        for rule in load_pack(RULES_DIR).rules
        for entry in rule.spec.requires
        for pattern in required_options(entry)
    }
)


def _without_defaults(node: Any, shape: Any) -> Any:
    """`node` with every key that holds its default left out (a channel's "active" status, an empty list...):
    what a plan written by hand says, where the generated plans state every key."""
    if isinstance(node, list):
        return [_without_defaults(item, shape) for item in node]
    if not isinstance(node, dict) or shape is None:
        return node
    return {
        key: _without_defaults(value, shape.children.get(key))
        for key, value in node.items()
        if not (key in shape.defaults and shape.defaults[key] == value)
    }


def test_missing_pointers_of_a_plans_own_data_are_those_of_its_typed_model() -> None:
    """The model fills defaults in; the document's data leaves them out: both must say the same."""
    from assess.plan.defaults import plan_shape
    from bench.plans import generate

    stated = [*generate(300, 11), *(assess.api.load(path).data for path in sorted(SAMPLES.glob("*.json")))]
    bare = [_without_defaults(data, plan_shape()) for data in stated]
    assert sum(data != stripped for data, stripped in zip(stated, bare, strict=True)) > 200  # defaults left out
    plans = [*stated, *bare]
    assert REQUIRES
    for data in plans:
        own = checked_data(data)
        dumped = Plan.model_validate(own).model_dump(mode="json", by_alias=True, exclude_none=True)
        for pattern in REQUIRES:
            assert missing_pointers(own, pattern) == missing_pointers(dumped, pattern), pattern


def test_an_unknown_outcome_lists_the_missing_pointers_of_the_rules_requires() -> None:
    """evaluate reads `requires` through patterns compiled once per catalog: they find what `missing_pointers` finds."""
    from assess.config import Config
    from assess.engines.evaluate import evaluate
    from assess.plan.defaults import plan_shape
    from assess.results.kinds import Status
    from assess.rules.catalog import build_catalog
    from bench.plans import generate

    catalog = build_catalog(Config(engine="builtin"))
    stated = [*generate(200, 5), *(assess.api.load(path).data for path in sorted(SAMPLES.glob("*.json")))]
    plans = [*stated, *(_without_defaults(data, plan_shape()) for data in stated)]  # defaults stated, and left out
    unknown = 0
    for data in plans:
        plan = checked_data(data)
        for outcome in evaluate(catalog, build_facts(plan), plan, None, "en"):
            if outcome.status in (Status.PASS, Status.UNKNOWN):
                requires = outcome.active.rule.spec.requires
                expected = sorted({p for entry in requires for p in missing_required(plan, entry)})
                assert list(outcome.missing) == expected, outcome.active.id
                assert (outcome.status is Status.UNKNOWN) == bool(expected)
                unknown += outcome.status is Status.UNKNOWN
    assert unknown  # the plans leave some required fields out


def test_a_finding_about_a_missing_section_points_at_it_and_at_its_nearest_parent_in_the_file() -> None:
    """POL-01 (no crisis plan) names /policies/crisis_plan and is located on the "policies" key, not at 1:1."""
    path = SAMPLES / "no-crisis-single-admin.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    report = assess.assess_plan(path).plans[0]
    finding = next(f for f in report.findings if f.rule_id == "POL-01")
    assert finding.pointer == "/policies/crisis_plan"
    assert finding.line is not None and finding.column is not None
    assert lines[finding.line - 1][finding.column - 1 :].startswith('"policies"')


def test_every_one_of_a_kind_fact_stands_where_the_sections_table_says() -> None:
    facts = build_facts(assess.api.load(SAMPLES / "exemplary.json").data)
    singles = {fact["kind"]: fact["ptr"] for fact in facts if fact["kind"] in SECTIONS}
    assert singles == {kind: SECTIONS[kind] for kind in singles}
    assert len(singles) >= 14  # the exemplary plan has nearly every section


@functools.cache
def _plan_schema() -> dict[str, Any]:
    import json

    from assess.resources import PLAN_SCHEMA_PATH

    schema: dict[str, Any] = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _schema_has(pointer: str) -> bool:
    """Whether a JSON pointer names a place the plan schema defines (an item of a list, a declared field)."""
    schema = _plan_schema()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        for branch in node.get("anyOf", ()):  # an optional section: its non-null branch
            if resolve(branch).get("type") != "null":
                return resolve(branch)
        return node

    node = schema
    for token in pointer.split("/")[1:]:
        node = resolve(node)
        if "items" in node:
            if not token.isdigit():
                return False
            node = node["items"]
        elif token in node.get("properties", {}):
            node = node["properties"][token]
        else:
            return False
    return True


def test_every_finding_points_at_a_place_the_plan_schema_has() -> None:
    """A finding's pointer is where a consultant sends the client: a field the plan can hold, never a made-up
    path (POL-09's policy-age alternative bound the plan's as-of date first and pointed at /plan/reviewed_by)."""
    import json

    from bench.plans import generate

    samples = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(SAMPLES.glob("*.json"))]
    seen: set[str] = set()
    for plan in [*samples, *generate(300, 5)]:
        for finding in assess.assess_plan(plan).plans[0].findings:
            assert _schema_has(finding.pointer), (finding.rule_id, finding.pointer)
            seen.add(finding.rule_id)
    assert {"POL-09", "CHN-02", "POL-01", "VIS-01"} <= seen  # the check saw the rules it is about
    assert _schema_has("/policies/social_media_policy/reviewed_by") and not _schema_has("/plan/reviewed_by")
    assert _schema_has("/channels/3/account/admins") and not _schema_has("/channels/x")


def _plain_findings(
    catalog: Any, matches: list[Any], rule_id: str, source_map: Any, lang: str
) -> list[tuple[Any, ...]]:
    """A failing rule's findings the plain way: each message rendered from its template (`render`), each
    fingerprint hashed anew, no shared finding, no compiled reader; one a fingerprint (the last), in file order."""
    import hashlib

    from assess.engines.evaluate import _identity, render

    active = next(rule for rule in catalog.rules if rule.id == rule_id)
    rule = active.rule
    made = []
    for match in matches:
        if match.rule_id != rule_id or match.outcome != "fail":
            continue
        bindings = dict(match.bindings)
        fact = bindings.get(rule.about(match.alternative)) or match.bindings[0][1]
        pointer = str(fact["ptr"])
        field = rule.field(match.alternative)
        pointer = f"{pointer}/{field}" if field else pointer or rule.absent[match.alternative] or ""
        identities = sorted(_identity(bound) for bound in bindings.values())
        whole = "|".join([f"{rule.id}|{field or ''}", *identities])
        location = source_map.locate(pointer) if source_map is not None else None
        made.append(
            (
                render(rule.message(match.alternative, lang), match, catalog.thresholds, lang),
                pointer,
                location[0] if location else None,
                location[1] if location else None,
                hashlib.sha256(whole.encode()).hexdigest()[:16],
            )
        )
    unique = {finding[4]: finding for finding in made}
    return sorted(unique.values(), key=lambda f: (f[2] or 0, f[3] or 0, f[1], f[0]))


def test_findings_are_those_the_plain_path_makes() -> None:
    """`_findings` reads a match's fact in one call, keys its shared findings on what it read and sorts without
    a lambda when no finding has a line: plan after plan (so findings made for earlier plans are reused), in
    both languages, with and without a source map, each finding is the one rendered the plain way."""
    from assess.config import Config
    from assess.engines.evaluate import evaluate
    from assess.results.kinds import Status
    from assess.rules.catalog import build_catalog
    from bench.plans import generate

    catalog = build_catalog(Config(engine="builtin"))
    loaded = [
        *(assess.api.load(path) for path in sorted(SAMPLES.glob("*.json"))),
        *(assess.api.load(data) for data in generate(300, 23)),
    ]
    compared = 0
    for lang in ("en", "fr"):
        for plan in [*loaded, *loaded]:  # twice: the second time, from the shared findings
            stated = catalog.placeholders.scan(plan.data).stated
            facts = build_facts(stated)
            matches = catalog.engine.run(facts)
            for outcome in evaluate(catalog, facts, stated, plan.source_map, lang):
                if outcome.status is Status.FAIL:
                    made = [(f.message, f.pointer, f.line, f.column, f.fingerprint) for f in outcome.findings]
                    assert made == _plain_findings(catalog, matches, outcome.active.id, plan.source_map, lang)
                    compared += len(made)
    assert compared > 10_000


def test_compiled_requires_find_what_missing_pointers_finds_for_any_pattern() -> None:
    """`_Required` reads leading keys, then items' selector and keys, compiled: for patterns beyond the rules'
    (keys below items that no schema default fills, absent sections, lists of lists) it finds what the plain
    walk finds, on plans with their defaults stated and left out."""
    from assess.engines.evaluate import _Required
    from assess.plan.defaults import plan_shape
    from bench.plans import generate

    patterns = [
        *REQUIRES,
        "/channels/*/account/handle",
        "/channels/*[status=active]/account/admins",
        "/channels/*[platform=facebook]/account/nothing/deeper",
        "/channels/*[status=paused]/name",
        "/people/*/nothing",
        "/goals/*/metrics/*/target",
        "/nothing/*/name",
        "/plan/name/deeper",
    ]
    stated = [*generate(100, 41), *(assess.api.load(path).data for path in sorted(SAMPLES.glob("*.json")))]
    for data in [*stated, *(_without_defaults(data, plan_shape()) for data in stated)]:
        plan = checked_data(data)
        for pattern in patterns:
            found: list[str] = []
            _Required(pattern).missing(plan, found)
            assert found == missing_pointers(plan, pattern), pattern


@pytest.mark.parametrize(
    ("value", "lang", "written"),
    [
        (["Callum Reid"], "en", "1 person"),
        (["A", "B"], "en", "2 people"),
        ([], "en", "0 people"),
        (["A"], "fr", "1 personne"),
        (2, "en", "2 people"),
    ],
)
def test_count_agrees_with_a_number_or_a_lists_length(value: Any, lang: str, written: str) -> None:
    """|count:one:many counts a list by its items (POL-03's admins who left), as it writes a number."""
    match = Match("X-01", "fail", 0, ("k",), (("ch", {"kind": "channel", "ptr": "/channels/0", "left": value}),))
    forms = "personne:personnes" if lang == "fr" else "person:people"
    assert render("{ch.left|count:" + forms + "}", match, {}, lang) == written
