"""Rule packs: loading, the one-line errors of broken packs, and `assess rules test` on them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from assess.cli import cli
from assess.engines.select import durable_problem
from assess.errors import RulePackError
from assess.resources import RULE_PACK_SCHEMA_PATH, RULES_DIR
from assess.rules.rulepack import load_pack
from assess.rules.ruletest import merge_patch, run_examples, set_pointer

GOOD_RULE: dict[str, Any] = {
    "id": "XTRA-01",
    "step": 9,
    "title": "Visual assets are produced every month",
    "action": "Produce visual assets every month",
    "severity": "medium",
    "rationale": "Step 9 of the article: a constant flow of images.",
    "recommendation": "Plan at least ten new photos a month.",
    "message": "only {v.assets_per_month} visual assets a month",
    "when": [{"v": {"kind": "visuals", "$lt": {"assets_per_month": {"$threshold": "min_assets"}}}}],
    "examples": {
        "pass": [{"note": "the base plan makes 40 a month", "patch": {}}],
        "fail": [{"note": "five a month", "set": {"/visuals/assets_per_month": 5}, "findings": 1}],
    },
}


def write_pack(folder: Path, rules: list[dict[str, Any]], **header: Any) -> Path:
    pack = {
        "pack": "extra",
        "version": "0.1.0",
        "thresholds": {"min_assets": {"value": 10, "unit": "assets", "description": "x", "source": "test"}},
        "rules": rules,
        **header,
    }
    path = folder / "extra.yaml"
    path.write_text(yaml.safe_dump(pack, sort_keys=False), encoding="utf-8")
    return path


def with_change(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = json.loads(json.dumps(GOOD_RULE))
    rule.update(changes)
    return rule


def test_the_builtin_pack_loads_and_matches_its_schema() -> None:
    pack = load_pack(RULES_DIR)
    assert pack.name == "core"
    schema = json.loads(RULE_PACK_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(RULES_DIR.glob("*.yaml")):
        if path.name == "example-base.yaml":
            continue
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


def test_a_good_custom_pack_passes_its_examples(tmp_path: Path) -> None:
    path = write_pack(tmp_path, [GOOD_RULE])
    results = list(run_examples(path))
    assert [(r.kind, r.ok) for r in results] == [("pass", True), ("fail", True)]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (with_change(when=[{"v": {"kind": "visuals", "asets_per_month": 0}}]), "has no field 'asets_per_month'"),
        (with_change(message="only {v.assets} assets"), "fact kind 'visuals' has no field 'assets'"),
        (with_change(message="only {w.assets_per_month} assets"), "no binding 'w'"),
        (with_change(severity="severe"), "severity"),
        (with_change(step=12), "step"),
        (with_change(id="bad id"), "id"),
        (with_change(examples={"pass": [], "fail": []}), "examples"),
        (
            with_change(when=[{"v": {"kind": "visuals", "$lt": {"assets_per_month": {"$threshold": "max_x"}}}}]),
            "unknown threshold",
        ),
        (with_change(message=["a", "b"]), "2 messages for 1 alternatives"),
        (with_change(about="zz"), "about 'zz' is not a binding"),
        (with_change(requires=[{"any": ["/visuals/formats"]}]), "requires.0.any.any: needs at least 2 items, not 1"),
        (
            with_change(requires=[{"either": ["/visuals/formats", "/x"]}]),
            "requires.0.any.either.[key]: must be one of 'any', not 'either'",
        ),
        (
            with_change(requires=[{"any": ["/visuals/formats", "visuals/sources"]}]),
            "requires 'visuals/sources' must be a JSON pointer",
        ),
    ],
)
def test_a_broken_pack_gives_one_line_naming_pack_rule_and_problem(
    tmp_path: Path, rule: dict[str, Any], expected: str
) -> None:
    path = write_pack(tmp_path, [rule])
    with pytest.raises(RulePackError) as caught:
        load_pack(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("rule pack ")
    assert expected in message
    if expected not in ("id",):
        assert "XTRA-01" in message


def test_duplicate_ids_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="duplicate rule id"):
        load_pack(write_pack(tmp_path, [GOOD_RULE, GOOD_RULE]))
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="not valid YAML"):
        load_pack(broken)
    with pytest.raises(RulePackError, match="no such file"):
        load_pack(tmp_path / "absent.yaml")
    (tmp_path / "folder").mkdir()
    with pytest.raises(RulePackError, match=r"needs a pack\.yaml"):
        load_pack(tmp_path / "folder")


def test_rules_test_fails_on_a_wrong_condition_and_on_a_failing_example(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write_pack(tmp_path, [GOOD_RULE])
    result = runner.invoke(cli, ["rules", "test", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.output

    # Well-formed but wrong: the rule never fires, so its failing example does not fail.
    wrong = with_change(when=[{"v": {"kind": "visuals", "$lt": {"assets_per_month": 0}}}])
    result = runner.invoke(cli, ["rules", "test", str(write_pack(tmp_path, [wrong]))])
    assert result.exit_code == 1
    assert "FAIL  XTRA-01 fail #1" in result.output

    # An example that claims the wrong number of findings.
    miscounted = with_change(
        examples={
            "pass": GOOD_RULE["examples"]["pass"],
            "fail": [{"note": "five a month", "set": {"/visuals/assets_per_month": 5}, "findings": 2}],
        }
    )
    result = runner.invoke(cli, ["rules", "test", str(write_pack(tmp_path, [miscounted]))])
    assert result.exit_code == 1
    assert "expected 2" in result.output

    # An example that makes the plan invalid is reported as such.
    invalid = with_change(
        examples={
            "pass": GOOD_RULE["examples"]["pass"],
            "fail": [{"note": "bad", "set": {"/visuals/assets_per_month": -1}}],
        }
    )
    result = runner.invoke(cli, ["rules", "test", str(write_pack(tmp_path, [invalid]))])
    assert result.exit_code == 1
    assert "the patched plan is invalid: /visuals/assets_per_month" in result.output

    # A broken pack cannot be tested at all: exit 2 with one line.
    result = runner.invoke(cli, ["rules", "test", str(write_pack(tmp_path, [with_change(step=0)]))])
    assert result.exit_code == 2
    assert "rule pack" in result.output


def test_rules_test_as_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assess", "rules", "test", "rules/", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout.strip().endswith("0 failed")
    assert "Traceback" not in result.stderr


def test_custom_pack_runs_alongside_the_catalog(tmp_path: Path) -> None:
    from assess.api import assess_plan
    from assess.config import Config

    path = write_pack(tmp_path, [GOOD_RULE])
    plan = merge_patch(load_pack(RULES_DIR).example_base, {})
    set_pointer(plan, "/visuals/assets_per_month", 3)
    report = assess_plan(plan, config=Config(rules=(path,)))
    assert [f.message for f in report.plans[0].findings if f.rule_id == "XTRA-01"] == ["only 3 visual assets a month"]
    assert {p.name for p in report.rule_packs} == {"core", "extra"}


ENGINES = ["builtin", *(["durable"] if durable_problem() is None else [])]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("unset", "status", "missing"),
    [
        ((), "pass", ()),
        (("/visuals/share_percent",), "pass", ()),  # one of the two is enough, whichever
        (("/visuals/assets_per_month",), "pass", ()),
        (
            ("/visuals/share_percent", "/visuals/assets_per_month"),
            "unknown",
            ("/visuals/share_percent",),
        ),  # none: the first is reported
        (
            ("/visuals/share_percent", "/visuals/assets_per_month", "/plan/as_of"),
            "unknown",
            ("/plan/as_of", "/visuals/share_percent"),
        ),
    ],
)
def test_requires_any_needs_one_of_its_pointers_stated(
    tmp_path: Path, engine: str, unset: tuple[str, ...], status: str, missing: tuple[str, ...]
) -> None:
    """`requires: [{any: [a, b]}, c]`: unknown when neither a nor b is stated (or c is not), whatever the engine."""
    from assess.api import assess_plan
    from assess.config import Config

    rule = with_change(requires=[{"any": ["/visuals/share_percent", "/visuals/assets_per_month"]}, "/plan/as_of"])
    path = write_pack(tmp_path, [rule])
    plan = merge_patch(load_pack(RULES_DIR).example_base, {})
    for pointer in unset:
        set_pointer(plan, pointer, None)
    report = assess_plan(plan, config=Config(rules=(path,), engine=engine))
    (result,) = [r for r in report.plans[0].rules if r.rule_id == "XTRA-01"]
    assert (result.status.value, tuple(result.missing)) == (status, missing)


def test_rules_show_names_the_alternatives_of_requires_any() -> None:
    result = CliRunner().invoke(cli, ["rules", "show", "POL-09"])
    assert result.exit_code == 0, result.output
    assert (
        "  /policies/social_media_policy/last_reviewed or /policies/social_media_policy/adopted_on\n" in result.output
    )
    french = CliRunner().invoke(cli, ["rules", "show", "POL-09", "--lang", "fr"])
    assert "/policies/social_media_policy/last_reviewed ou /policies/social_media_policy/adopted_on" in french.output


def test_a_pack_edited_between_calls_is_read_again_with_the_same_config(tmp_path: Path) -> None:
    """The catalog is cached per configuration object, but a caller's pack is re-checked on every call."""
    from assess.api import assess_plan
    from assess.config import Config
    from assess.rules.catalog import build_catalog

    path = write_pack(tmp_path, [GOOD_RULE])
    config = Config(rules=(path,))
    assert build_catalog(config) is build_catalog(config)
    plan = merge_patch(load_pack(RULES_DIR).example_base, {})
    set_pointer(plan, "/visuals/assets_per_month", 3)
    assert [f.message for f in assess_plan(plan, config=config).plans[0].findings if f.rule_id == "XTRA-01"] == [
        "only 3 visual assets a month"
    ]
    write_pack(tmp_path, [with_change(message="just {v.assets_per_month} visual assets a month, edited")])
    assert [f.message for f in assess_plan(plan, config=config).plans[0].findings if f.rule_id == "XTRA-01"] == [
        "just 3 visual assets a month, edited"
    ]


def test_merge_patch_and_set_pointer() -> None:
    assert merge_patch({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"b": None, "e": 3}, "d": [2]}) == {
        "a": {"c": 2, "e": 3},
        "d": [2],
    }
    document: dict[str, Any] = {"items": [{"x": 1}, {"x": 2}]}
    set_pointer(document, "/items/1/x", 5)
    set_pointer(document, "/items/-", {"x": 9})
    set_pointer(document, "/items/0", None)
    set_pointer(document, "/new/deep", True)
    assert document == {"items": [{"x": 5}, {"x": 9}], "new": {"deep": True}}


def test_the_yaml_cache_keeps_only_what_json_keeps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from assess.rules.rulepack import _parse_yaml

    monkeypatch.setenv("ASSESS_CACHE_DIR", str(tmp_path / "cache"))
    plain = "rules:\n  - id: X-01\n    note: fine\n"
    assert _parse_yaml(plain, "a") == _parse_yaml(plain, "a") == {"rules": [{"id": "X-01", "note": "fine"}]}
    assert (tmp_path / "cache" / "a.json").is_file()
    odd = "when: 2025-01-01\n1: one\n"
    first = _parse_yaml(odd, "b")
    assert first == {"when": dt.date(2025, 1, 1), 1: "one"}
    assert _parse_yaml(odd, "b") == first  # not cached: JSON would have turned 1 into "1" and the date into text
    assert not (tmp_path / "cache" / "b.json").exists()
    monkeypatch.setenv("ASSESS_CACHE_DIR", "")
    assert _parse_yaml(plain, "c") == {"rules": [{"id": "X-01", "note": "fine"}]}  # caching off


def test_rules_test_runs_a_custom_pack_beside_the_catalog_unless_told_alone(tmp_path: Path) -> None:
    runner = CliRunner()
    path = write_pack(tmp_path, [GOOD_RULE])
    beside = runner.invoke(cli, ["rules", "test", str(path)])
    assert beside.exit_code == 0, beside.output
    assert beside.output.splitlines()[0] == f"{path}: beside the built-in catalog"
    # The catalog is really loaded beside it: an id of the catalog clashes, as it would under --rules.
    clash = write_pack(tmp_path, [with_change(id="CHN-07")])
    result = runner.invoke(cli, ["rules", "test", str(clash)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "assess: rule pack extra: rule CHN-07 is already defined by pack core"
    alone = runner.invoke(cli, ["rules", "test", "--no-builtin-rules", str(clash)])
    assert alone.exit_code == 0, alone.output
    assert alone.output.splitlines()[0] == f"{clash}: alone"
    assert alone.output.splitlines()[-1] == "2 passed, 0 failed"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"version": "1"}, "pack: 'pack' is missing (a pack starts with 'pack: NAME' and 'version: \"1.0\"')"),
        ({"pack": {"name": "x"}, "version": "1"}, "pack: must be a text, not a mapping"),
        ({"pack": "x", "version": 1.5}, 'version: must be a text, not 1.5 (in quotes: "1.5")'),
        ({"pack": "x", "version": "1", "descripton": "d"}, "descripton: 'descripton' is not a field here: did you "),
        ({"pack": "x", "version": "1", "zzz": "d"}, "zzz: 'zzz' is not a field here"),
        ({"pack": "My Pack", "version": "1"}, "pack: must be a pack name like my-pack: lower-case letters, digits"),
        ({"pack": "x", "version": "1", "rules": [with_change(id="X-01")]}, "id: must be a rule id like POL-03"),
        (
            {"pack": "x", "version": "1", "rules": [with_change(step="five")]},
            "rule XTRA-01: step: must be a whole number, not 'five'",
        ),
        # pydantic's lax mode read these as step 1 and step 3: strict whole numbers now
        ({"pack": "x", "version": "1", "rules": [with_change(step=True)]}, "step: must be a whole number, not true"),
        ({"pack": "x", "version": "1", "rules": [with_change(step="3")]}, "step: must be a whole number, not '3'"),
        (
            {"pack": "x", "version": "1", "rules": [with_change(step=13)]},
            "rule XTRA-01: step: must be at most 11, not 13",
        ),
        (
            {"pack": "x", "version": "1", "rules": [with_change(title=None)]},
            "title: must be a text, not nothing (null)",
        ),
        (
            {"pack": "x", "version": "1", "rules": [with_change(unlocks="AB-01")]},
            "unlocks: must be a list, not 'AB-01'",
        ),
        (
            {"pack": "x", "version": "1", "rules": [with_change(severity="huge")]},
            "severity: must be one of 'critical',",
        ),
        (
            {
                "pack": "x",
                "version": "1",
                "thresholds": {"t": {"value": "two", "unit": "u", "description": "d", "source": "s"}},
            },
            "thresholds.t.value: must be a number, not 'two'",
        ),
    ],
)
def test_a_pack_error_says_what_to_write_and_what_was_found(data: dict[str, Any], expected: str) -> None:
    """pydantic's own words ('Field required', 'Input should be a valid string', 'String should match
    pattern ...') named neither what to write nor what was found."""
    from assess.rules.packmodel import Invalid, PackFile, validated

    with pytest.raises(Invalid) as raised:
        validated(PackFile, data)
    assert expected in str(raised.value)
    for pydantic_words in ("Field required", "Input should", "Extra inputs", "should match pattern"):
        assert pydantic_words not in str(raised.value)


def test_a_pack_error_pydantic_words_alone_keep_the_value_found() -> None:
    from assess.rules.packmodel import _wording

    assert _wording({"type": "unheard_of", "msg": "Odd value", "input": [1]}, ["x"]) == "Odd value (found a list)"
