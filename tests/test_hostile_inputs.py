"""Hostile or mistaken configurations, packs, baselines and library inputs: exit 2 with one located line.

From issue 14: each case below was a traceback (exit 1, read by CI as "gate
failed"), a hang, or a silent run of nothing. Each is now a one-line error
naming where the problem is, found before any plan is assessed.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

import assess
from assess.cli import cli
from assess.errors import ConfigError, PlanError, RulePackError
from assess.rules.conditions import MAX_DEPTH, MAX_PATTERNS, MAX_TERMS
from assess.rules.rulepack import load_pack

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "samples" / "exemplary.json"
FAILING = ROOT / "samples" / "no-crisis-single-admin.json"


def run(*args: str, cwd: Path | None = None) -> Result:
    if cwd is None:
        return CliRunner().invoke(cli, list(args))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)


def one_line_exit_2(result: Result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assess: "), result.stderr
    return lines[0]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    target = tmp_path / "plans" / "plan.json"
    target.parent.mkdir()
    shutil.copy(FAILING, target)
    return target


# ------------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [("hours_per_channel=2.5", "whole numbers"), ("min_admins=0.00005", "too small")],
)
def test_a_threshold_the_engine_cannot_take_is_a_config_error(plan: Path, threshold: str, expected: str) -> None:
    line = one_line_exit_2(run(str(plan), "--no-config", "--threshold", threshold))
    assert expected in line and "thresholds" in line


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[thresholds]\nmin_admins = inf\n", "not a finite number"),
        ("[thresholds]\nmin_admins = nan\n", "not a finite number"),
        ("[scoring.severity_weights]\ncritical = inf\n", "finite"),
        ("builtin-rules = false\n", "no rule is active"),
        ('builtin-rules = "no"\n', "builtin_rules"),
        ('select = ["NOPE"]\n', "matches no rule"),
        ("fail_on = [\n", "not valid TOML"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", ".assess.toml"),
    ],
)
def test_bad_config_files_are_one_located_line(plan: Path, toml: str, expected: str) -> None:
    config = plan.parent / ".assess.toml"
    config.write_text(toml, encoding="utf-8")
    line = one_line_exit_2(run(str(plan)))
    assert expected in line


def test_a_partial_severity_weights_table_keeps_the_other_defaults(plan: Path) -> None:
    (plan.parent / ".assess.toml").write_text("[scoring.severity_weights]\ncritical = 12\n", encoding="utf-8")
    result = run(str(plan), "--format", "json")
    assert result.exit_code == 1, result.output
    config = assess.Config.model_validate({"scoring": {"severity_weights": {"critical": 12}}})
    assert config.scoring.severity_weights[assess.Severity.HIGH] == 6.0


def test_a_utf16_config_and_a_broken_parent_pyproject_are_one_line(plan: Path, tmp_path: Path) -> None:
    config = plan.parent / ".assess.toml"
    config.write_bytes('fail_on = "none"\n'.encode("utf-16"))
    assert "UTF-8" in one_line_exit_2(run(str(plan)))
    config.unlink()
    (tmp_path / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    assert "'tool' must be a table" in one_line_exit_2(run(str(plan)))


def test_no_active_rule_is_an_error_unless_allowed(plan: Path) -> None:
    (plan.parent / ".assess.toml").write_text("builtin-rules = false\n", encoding="utf-8")
    assert "--allow-no-rules" in one_line_exit_2(run(str(plan)))
    result = run(str(plan), "--allow-no-rules")
    assert result.exit_code == 0, result.output
    with pytest.raises(ConfigError, match="matches no rule"):
        assess.assess_plan(GOOD, config=assess.Config(select=("NOPE",)))
    with pytest.raises(ConfigError, match="no rule is active"):
        assess.assess_plan(GOOD, config=assess.Config(builtin_rules=False))
    assess.assess_plan(GOOD, config=assess.Config(builtin_rules=False, allow_no_rules=True))


def test_config_values_raise_config_error_in_the_library() -> None:
    with pytest.raises(ConfigError, match="lang"):
        assess.Config(lang="de")
    with pytest.raises(ConfigError, match="lang"):
        assess.Config.model_validate({"lang": "de"})
    with pytest.raises(ConfigError, match="thresholds"):
        assess.Config(thresholds={"min_admins": math.inf})


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("option", ["--baseline", "--config", "--rules"])
def test_an_endless_file_is_read_with_a_limit(plan: Path, option: str) -> None:
    line = one_line_exit_2(run(str(plan), option, "/dev/zero"))
    assert "/dev/zero" in line and "limit" in line


def test_a_baseline_of_nested_brackets_is_one_line(plan: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("[" * 100_000, encoding="utf-8")
    assert "baseline" in one_line_exit_2(run(str(plan), "--no-config", "--baseline", str(baseline)))


# ------------------------------------------------------------------ rule packs


def _pack(folder: Path, when: Any) -> Path:
    rule = {
        "id": "XTRA-01",
        "step": 6,
        "title": "A hostile rule",
        "severity": "low",
        "rationale": "Only here to test limits.",
        "recommendation": "Nothing to do here.",
        "message": "matched {c.channel}",
        "when": when,
        "examples": {"pass": [{"note": "n"}], "fail": [{"note": "n"}]},
    }
    path = folder / "pack.yaml"
    path.write_text(yaml.safe_dump({"pack": "hostile", "version": "1", "rules": [rule]}), encoding="utf-8")
    return path


def _channel(expression: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"c": {"kind": "channel", **expression}}]


DURABLE_CANNOT = [
    "[",
    "(",
    "*",
    "a{1000}",
    "\\p{L}",
    "",
    "((a*)*)*",
    "(a+)+",
    "(?=a)",
    "(a)\\1",
    "a++",
    "[[:alpha:]]",
    "a",
]


@pytest.mark.parametrize("pattern", DURABLE_CANNOT)
def test_every_regex_is_refused_at_load_even_those_durable_cannot_compile_or_that_hang(
    tmp_path: Path, pattern: str
) -> None:
    with pytest.raises(RulePackError, match=r"\$mt"):
        load_pack(_pack(tmp_path, _channel({"$mt": {"platform": pattern}})))


def test_condition_size_limits_are_checked_at_load(tmp_path: Path) -> None:
    many_or = _channel({"$or": [{"platform": f"p{i}"} for i in range(521)]})
    with pytest.raises(RulePackError, match=f"at most {MAX_TERMS}"):
        load_pack(_pack(tmp_path, many_or))
    nested: dict[str, Any] = {"platform": "x"}
    for _ in range(15):
        nested = {"$or": [nested, {"platform": "y"}]}
    with pytest.raises(RulePackError, match=f"more than {MAX_DEPTH} levels"):
        load_pack(_pack(tmp_path, _channel(nested)))
    patterns = [{f"c{i}": {"kind": "channel"}} for i in range(300)]
    with pytest.raises(RulePackError, match=f"at most {MAX_PATTERNS}"):
        load_pack(_pack(tmp_path, patterns))


def test_a_pack_nested_500_deep_is_one_line(plan: Path, tmp_path: Path) -> None:
    pack = tmp_path / "deep.json"
    pack.write_text("[" * 500 + "]" * 500, encoding="utf-8")
    assert "nested" in one_line_exit_2(run(str(plan), "--no-config", "--rules", str(pack)))
    yaml_pack = tmp_path / "deep.yaml"
    yaml_pack.write_text("a: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    assert "nested" in one_line_exit_2(run(str(plan), "--no-config", "--rules", str(yaml_pack)))


# ------------------------------------------------------------------ the parsed-pack cache


def test_a_tampered_pack_cache_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.rules import rulepack

    cache = tmp_path / "cache"
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(cache))
    text = "pack: x\nversion: '1'\nrules: [{id: A-01}]\n"
    digest = "0" * 64
    assert rulepack._parse_yaml(text, digest) == {"pack": "x", "version": "1", "rules": [{"id": "A-01"}]}
    (entry,) = cache.iterdir()
    forgeries: list[Any] = [{"rules": []}, {**json.loads(entry.read_text()), "data": {"rules": []}}, "not json"]
    for forged in forgeries:
        entry.write_text(forged if isinstance(forged, str) else json.dumps(forged), encoding="utf-8")
        assert rulepack._parse_yaml(text, digest)["rules"] == [{"id": "A-01"}]
    assert [p.name for p in cache.iterdir()] == [entry.name]  # rewritten, no temporary left


# ------------------------------------------------------------------ the library


def _data(**organization: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOOD.read_text(encoding="utf-8"))
    data["organization"].update(organization)
    return data


def test_library_data_no_parser_would_produce_is_a_located_plan_error() -> None:
    deep: dict[str, Any] = {}
    cursor = deep
    for _ in range(990):
        cursor["a"] = {}
        cursor = cursor["a"]
    cases: list[tuple[Any, str]] = [
        (deep, "/a/a/a"),
        (_data(staff_hours_per_week=10**5000), "/organization/staff_hours_per_week"),
        ({**_data(), 5: "x"}, "/"),
        (_data(staff_hours_per_week=math.nan), "/organization/staff_hours_per_week"),
        (_data(staff_hours_per_week=-math.inf), "/organization/staff_hours_per_week"),
        # Half a surrogate pair: a Python str may hold one, UTF-8 cannot (a UnicodeEncodeError
        # from hashing the plan, before); as a value, as a key (the schema refuses the key anyway)
        (_data(name="Caf\ud800"), "/organization/name"),
        (_data(**{"na\udfffme": "x"}), "/organization"),
    ]
    for data, pointer in cases:
        with pytest.raises(PlanError) as caught:
            assess.assess_plan(data)
        assert caught.value.problems and caught.value.problems[0].pointer.startswith(pointer)
        assert str(caught.value)


@pytest.mark.parametrize("where", ["/organization/name", "/goals/0/metrics"])
def test_library_data_nested_near_the_recursion_limit_is_a_limit_error_wherever_it_stands(where: str) -> None:
    """Nesting that `json.dumps` and `repr` may or may not survive, at a place the schema types: the
    limit's problem, never the RecursionError of a message printing the value."""
    for levels in range(sys.getrecursionlimit() - 200, sys.getrecursionlimit() + 20, 10):
        data = _data()
        *parents, last = where.split("/")[1:]
        node: Any = data
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        node[last] = _nested(levels)
        with pytest.raises(assess.PlanLimitError):
            assess.assess_plan(data)


def _cyclic() -> dict[str, Any]:
    data = _data()
    data["organization"]["zzz"] = data  # no parser makes a cycle; the screen must not loop on one
    return data


class _NamedKey(str):
    """A str subclass: `check_data` and json.dumps take it for a string, the schema's quick validator does not."""


def _nested(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "data",
    [
        _data(staff_hours_per_week=10**4100),  # passes json.dumps, not check_data
        {**_data(), "zzz": 10**4100},
        {**_data(), "zzz": [1, 2, {"x": 10**4100}]},
        {**_data(), "zzz": _nested(70)},
        {**_data(), "zzz": _nested(63)},  # within the depth limit: a schema problem
        {**_data(), "zzz": {"a": (1, 2)}},
        {**_data(), "zzz": {1: "x"}},
        {**_data(), "zzz": {True: "x"}},
        _data(staff_hours_per_week=math.nan, size=10**4100),
        _data(size=10**4100, name=math.inf),
        _data(staff_hours_per_week=float("nan")),
        _data(staff_hours_per_week=True),
        _cyclic(),
        {**_data(), "zzz": {"a": 1, 2: "b"}},  # keys of mixed types: json.dumps cannot sort them
        _data(name=_NamedKey("")),  # a subclass is read as its plain copy: the empty name is the problem
        {**_data(), _NamedKey("zzz"): "x"},
    ],
)
def test_the_screen_of_library_data_gives_the_problems_of_the_full_check(
    data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`canonical_json` lets plain data skip `check_data`; whatever it lets through, the problems stay the same."""
    from assess import api

    with pytest.raises(PlanError) as screened:
        api.load(data)
    monkeypatch.setattr(api, "canonical_json", lambda data, max_depth: None)
    with pytest.raises(PlanError) as checked:
        api.load(data)
    assert type(screened.value) is type(checked.value)
    assert screened.value.problems == checked.value.problems


def test_the_screen_of_library_data_keeps_a_depth_limit_below_the_plans_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid plan is nested a few levels: a limit below that refuses it, screened or not."""
    from assess import api

    limits = assess.Limits(max_depth=3)
    with pytest.raises(assess.PlanLimitError) as screened:
        api.load(_data(), limits=limits)
    monkeypatch.setattr(api, "canonical_json", lambda data, max_depth: None)
    with pytest.raises(assess.PlanLimitError) as checked:
        api.load(_data(), limits=limits)
    assert screened.value.problems == checked.value.problems


def test_the_screen_of_library_data_keeps_the_canonical_sha256(monkeypatch: pytest.MonkeyPatch) -> None:
    from assess import api

    data = _data(staff_hours_per_week=12.5, name="Caf\u00e9 \U0001f600")
    screened = api.load(data)
    monkeypatch.setattr(api, "canonical_json", lambda data, max_depth: None)
    assert api.load(data).sha256 == screened.sha256


def test_a_typed_plan_holding_half_a_surrogate_pair_is_a_located_plan_error() -> None:
    """pydantic refuses such a str when it validates, not in an unchecked copy: located, as for data."""
    typed = assess.load_plan(GOOD)
    broken = typed.model_copy(update={"organization": typed.organization.model_copy(update={"name": "x\udc80"})})
    with pytest.raises(PlanError) as caught:
        assess.assess_plan(broken)
    assert caught.value.problems[0].pointer == "/organization/name"
    assert "surrogate" in caught.value.problems[0].message
    assert assess.assess_plan(typed).plans[0].assessed


def _canonical_by_json(data: Any) -> bytes:
    """The canonical text as the README defines it, written by the standard library."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def test_a_plans_sha256_is_that_of_its_canonical_json_whatever_the_order_of_its_keys() -> None:
    import hashlib

    data = _data(name='Caf\u00e9 \U0001f600 \u2028 \x1f \\ "', staff_hours_per_week=12.5)
    expected = hashlib.sha256(_canonical_by_json(data)).hexdigest()
    assert assess.assess_plan(data).plans[0].sha256 == expected
    reordered = json.loads(json.dumps(data), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert list(reordered) != list(data)
    assert assess.assess_plan(reordered).plans[0].sha256 == expected
    changed = _data(name='Caf\u00e9 \U0001f600 \u2028 \x1f \\ "', staff_hours_per_week=12.25)
    assert assess.assess_plan(changed).plans[0].sha256 != expected


def test_a_str_that_names_a_missing_file_is_a_read_error() -> None:
    for name in ("plans/typo.json", "typo.yaml", "some/folder/plan"):
        with pytest.raises(assess.PlanReadError, match="no such file"):
            assess.assess_plan(name)
    assert assess.validate_plan("schema_version: '1.0'")  # a document still parses as one
