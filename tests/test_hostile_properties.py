"""Property tests of the review's classes (issue 14, "Done when"): hostile packs, hostile configs, unbounded reads.

Each property draws inputs no example test lists and asks for the same contract:
a run either works (exit 0 or 1) or ends with exit 2 and exactly one line on
standard error starting ``assess:``; a library call either works or raises the
package's own error (`RulePackError`, `ConfigError`), never a traceback of
another type, a hang, or an empty run passed off as a result.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assess
from assess.cli import cli
from assess.errors import ConfigError, RulePackError
from assess.reading import MAX_CONFIG_BYTES
from assess.rules.facts import FACT_MODEL
from assess.rules.rulepack import load_pack

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "samples" / "no-crisis-single-admin.json"
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def works_or_one_line(result: Result) -> None:
    """The CLI's contract for any input: a result, or exit 2 with one located line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code in (0, 1):
        return
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assess: "), result.stderr


# ------------------------------------------------------------------ hostile rule packs

KINDS = sorted(FACT_MODEL)
OPERATORS = ["$lt", "$lte", "$gt", "$gte", "$neq", "$ex", "$nex", "$mt", "$and", "$or", "$iall", "$iany", "$nope"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["((a*)*)*", "[", "\\p{L}", "", "{$threshold}", "x" * 300]),
)


def _field(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sorted(FACT_MODEL[kind])), st.text(max_size=6))


@st.composite
def expressions(draw: st.DrawFn, kind: str, depth: int = 0) -> Any:
    """A condition expression: durable's operators, misspelt ones, deep nesting, long lists, odd values."""
    choice = draw(st.integers(0, 5 if depth < 20 else 1))
    if choice <= 1:
        return {draw(_field(kind)): draw(SCALARS)}
    operator = draw(st.sampled_from(OPERATORS))
    if operator in ("$and", "$or"):
        size = draw(st.sampled_from([0, 1, 2, 3, 40, 600]))
        inner = draw(expressions(kind, depth + 1))
        return {operator: [inner] * size}
    if operator in ("$iall", "$iany"):
        return {operator: {draw(_field(kind)): draw(expressions(kind, depth + 1))}}
    if choice == 5:
        return {operator: draw(expressions(kind, depth + 1))}  # nested where a field belongs
    return {operator: {draw(_field(kind)): draw(st.one_of(SCALARS, st.just({"$threshold": "nope"})))}}


@st.composite
def packs(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    patterns = [
        {draw(st.sampled_from(["c", "c$not", "C", "x y"])): {"kind": kind, **draw(expressions(kind))}}
        for _ in range(draw(st.sampled_from([1, 2, 20])))
    ]
    rule: dict[str, Any] = {
        "id": draw(st.sampled_from(["HOS-01", "bad id", "HOS-001"])),
        "step": draw(st.sampled_from([1, 11, 12, "one"])),
        "title": "A hostile rule",
        "severity": draw(st.sampled_from(["high", "fatal"])),
        "rationale": "Drawn by a property test.",
        "recommendation": "Refuse it, or run it.",
        "message": draw(st.sampled_from(["{c.ptr}", "{c.nope}", "{c.ptr|count}", "{c.ptr|count:a:b}", "{", "ok"])),
        "when": draw(st.one_of(st.just(patterns), st.just({"any": [patterns] * 40}), SCALARS)),
    }
    header: dict[str, Any] = {"pack": "hostile", "version": "1", "rules": [rule]}
    header.update(
        draw(
            st.dictionaries(
                st.sampled_from(["help_uri", "example_base", "thresholds"]),
                st.sampled_from(["javascript:alert(1)", "../../../etc/passwd", "/dev/zero", {"x": {"value": "y"}}]),
                max_size=2,
            )
        )
    )
    return header


@PROPERTY
@given(pack=packs())
def test_property_a_hostile_pack_loads_or_is_one_rule_pack_error(tmp_path: Path, pack: dict[str, Any]) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    try:
        loaded = load_pack(path)
    except RulePackError as error:
        message = str(error)
    else:
        message = ""
    if message:
        assert "\n" not in message
        return
    # What loads is inside the limits and names only web addresses and files inside the pack.
    assert loaded.help_uri is None or loaded.help_uri.startswith(("http://", "https://"))
    if loaded.example_base_path is not None:
        assert loaded.example_base_path.resolve().is_relative_to(tmp_path.resolve())


# ------------------------------------------------------------------ hostile configurations

CONFIG_KEYS = [
    "fail_on", "fail-under", "fail_under", "select", "ignore", "severity", "thresholds", "rules", "builtin-rules",
    "builtin_rules", "lang", "today", "recommendations", "engine", "scoring", "allow_no_rules", "nope",
]  # fmt: skip
TOML_VALUES = st.sampled_from(
    [
        "inf", "-inf", "nan", "0", "-1", "1e400", "0.00005", "2.5", '"none"', '"no"', "true", '"x"', '""', "[]",
        '["NOPE"]', '["POL"]', "{}", "{min_admins = inf}", "{min_admins = 0.00005}", "{hours_per_channel = 2.5}",
        '{nope = 1}', "{severity_weights = {critical = -1}}", "{critical_step_cap = nan}", '"de"', "1979-05-27",
        '["/dev/zero"]', '["../../etc"]', "[" * 70 + "]" * 70,
    ]
)  # fmt: skip


@st.composite
def configs(draw: st.DrawFn) -> bytes:
    lines = [f"{draw(st.sampled_from(CONFIG_KEYS))} = {draw(TOML_VALUES)}" for _ in range(draw(st.integers(0, 4)))]
    text = "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    noise = draw(st.sampled_from([b"", b"\x00", b"\xff\xfe", b"[section\n", b"= 1\n"]))
    return text.encode(encoding, errors="replace") + noise


@PROPERTY
@given(config=configs())
def test_property_a_hostile_config_runs_or_is_one_line(tmp_path_factory: pytest.TempPathFactory, config: bytes) -> None:
    folder = tmp_path_factory.mktemp("config")
    plan = folder / "plan.json"
    shutil.copy(PLAN, plan)
    (folder / ".assess.toml").write_bytes(config)
    works_or_one_line(CliRunner().invoke(cli, [str(plan), "--quiet"]))


@PROPERTY
@given(
    settings_=st.dictionaries(
        st.sampled_from(["fail_on", "fail_under", "select", "thresholds", "lang", "builtin_rules", "engine"]),
        st.one_of(SCALARS, st.lists(st.text(max_size=4), max_size=2), st.dictionaries(st.text(max_size=4), SCALARS)),
        max_size=3,
    )
)
def test_property_library_config_values_are_config_errors(settings_: dict[str, Any]) -> None:
    try:
        config = assess.Config.model_validate(settings_)
        # A selection that matches no rule, or no active rule, is a ConfigError: never a silent empty run.
        report = assess.assess_plan(PLAN, config=config)
    except ConfigError as error:
        assert str(error)  # noqa: PT017 (any of these calls may refuse; the message must say why)
        return
    assert report.plans[0].rules, "a run that checked nothing must have been refused"


# ------------------------------------------------------------------ unbounded and odd reads


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    shape = draw(st.sampled_from(["brackets", "braces", "binary", "huge", "json"]))
    if shape == "brackets":
        return b"[" * draw(st.sampled_from([70, 1000, 100_000]))
    if shape == "braces":
        return b'{"a":' * draw(st.sampled_from([70, 5000])) + b"1"
    if shape == "huge":
        return b"# " + b"x" * (MAX_CONFIG_BYTES + draw(st.integers(1, 1000)))
    if shape == "json":
        return draw(st.sampled_from([b"null", b"[]", b"{}", b'{"version": 1, "findings": 5}', b"\xef\xbb\xbf{}"]))
    return draw(st.binary(max_size=200))


@PROPERTY
@given(option=st.sampled_from(["--baseline", "--config", "--rules"]), content=contents())
def test_property_any_file_given_as_baseline_config_or_pack_is_read_with_limits(
    tmp_path_factory: pytest.TempPathFactory, option: str, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("read")
    given_file = folder / ("given.toml" if option == "--config" else "given.json")
    given_file.write_bytes(content)
    works_or_one_line(CliRunner().invoke(cli, [str(PLAN), "--quiet", option, str(given_file)]))
