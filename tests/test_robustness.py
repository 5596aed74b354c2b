"""Robustness: whatever it is given, `assess` answers with a report or a clean one-line error, never a traceback.

- arbitrary bytes and arbitrary JSON values, through the CLI (click's runner for many
  cases, a real ``python -m assess`` process for a handful) and through the library;
- generated valid plans: no crash, scores within 0..100, byte-identical JSON from one
  run to the next and across hash seeds, and adding a missing element (a crisis plan,
  a second admin, a section...) never lowers the score;
- oversized and deeply nested documents: exit 2 with a message, no traceback, promptly;
- more plans in one process than durable_rules' 1,024 live sessions.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import REMOVALS, plans

import assess
from assess.cli import cli
from assess.config import Config
from assess.errors import PlanError
from assess.results.report import PlanReport, Report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
EXEMPLARY = SAMPLES / "exemplary.json"
# A fixed "today": suppression expiry is the only input that depends on the date.
CONFIG = Config(today=dt.date(2025, 6, 1))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIMEOUT = 120  # seconds: a hang fails the test instead of the CI job

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
# Any key, line breaks and control characters included: problem lines must stay one line each.
keys = st.text(max_size=10)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


# ------------------------------------------------------------------ helpers


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2 keeps stderr apart


def invoke(raw: bytes, *args: str) -> Result:
    """``assess - ARGS`` in-process, the document on standard input."""
    return _runner().invoke(cli, ["-", *args], input=raw, catch_exceptions=True)


def assert_clean_cli(exit_code: int, stdout: str, stderr: str, name: str = "<stdin>") -> None:
    """Exit 0/1 with a report, or exit 2 with one line per problem and a closing summary line."""
    assert "Traceback" not in stderr and "Traceback" not in stdout
    assert exit_code in (0, 1, 2), (exit_code, stderr)
    if exit_code == 2:
        lines = stderr.strip().splitlines()
        assert lines, "exit 2 without a message"
        for line in lines:
            assert line.startswith((f"{name}:", "assess:")), line


def assert_clean_result(result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"unhandled {type(result.exception).__name__}: {result.exception}") from result.exception
    assert_clean_cli(result.exit_code, result.stdout, result.stderr)


def assert_clean_validate(result: Result) -> None:
    """`assess validate -q`: exit 0, or exit 2 with one stdout line per problem and a closing count."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"unhandled {type(result.exception).__name__}: {result.exception}") from result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        *problems, summary = result.stdout.strip().split("\n")
        assert problems and summary.endswith("invalid"), result.stdout
        assert all(line.startswith("<stdin>:") for line in problems), problems


def run_assess(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real ``python -m assess`` process (what a user or a CI job runs)."""
    return subprocess.run(
        [sys.executable, "-m", "assess", *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=TIMEOUT,
        check=False,
    )


def run_assess_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "assess", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=TIMEOUT,
        check=False,
    )


def only_plan(report: Report) -> PlanReport:
    assert len(report.plans) == 1
    return report.plans[0]


def assert_scores_in_range(plan: PlanReport) -> None:
    assert plan.assessed and plan.score is not None
    assert 0.0 <= plan.score.overall <= 100.0
    assert 0.0 <= plan.score.completeness <= 100.0
    assert len(plan.steps) == 11
    for step in plan.steps:
        assert step.score is None or 0.0 <= step.score <= 100.0, step
    for recommendation in plan.recommendations:
        assert 0.0 <= recommendation.score_before <= recommendation.score_after <= 100.0, recommendation


def replace_somewhere(plan: dict[str, Any], path: list[int], value: Any) -> dict[str, Any]:
    """The plan with the node reached by following ``path`` (indexes into keys or items) replaced by ``value``."""
    result = copy.deepcopy(plan)
    node: Any = result
    for step in path:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = keys[step % len(keys)]
        child = node[key]
        if not isinstance(child, dict | list) or not child:
            node[key] = value
            return result
        node = child
    key = next(iter(node)) if isinstance(node, dict) and node else None
    if key is not None:
        node[key] = value
    return result


# ------------------------------------------------------------------ arbitrary input, CLI in-process


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_give_a_traceback(raw: bytes) -> None:
    assert_clean_result(invoke(raw, "-q"))


@SETTINGS
@given(json_values)
def test_arbitrary_json_values_never_give_a_traceback(value: Any) -> None:
    result = invoke(json.dumps(value).encode(), "--format", "json")
    assert_clean_result(result)
    assert result.exit_code == 2  # nothing random is a valid plan (schema_version and organization are required)
    report = json.loads(result.stdout)
    assert report["plans"][0]["assessed"] is False
    assert report["plans"][0]["problems"]


@SETTINGS
@given(st.lists(st.integers(0, 50), max_size=6), json_values)
def test_a_plan_with_any_value_anywhere_never_gives_a_traceback(path: list[int], value: Any) -> None:
    plan = replace_somewhere(json.loads(EXEMPLARY.read_text(encoding="utf-8")), path, value)
    assert_clean_result(invoke(json.dumps(plan).encode(), "--format", "json"))
    validated = _runner().invoke(cli, ["validate", "-q", "-"], input=json.dumps(plan).encode())
    assert_clean_validate(validated)


@pytest.mark.parametrize("key", ["\n", "\r", "a\u2028b"], ids=["LF", "CR", "LINE-SEPARATOR"])
def test_a_key_with_a_line_break_stays_on_one_line(key: str) -> None:
    result = invoke(json.dumps({key: 1}).encode(), "-q")
    assert result.exit_code == 2
    assert_clean_result(result)


# ------------------------------------------------------------------ arbitrary input, library


@SETTINGS
@given(json_values | st.binary(max_size=200) | st.dictionaries(keys, json_values, max_size=5))
def test_the_library_raises_only_plan_errors(value: Any) -> None:
    source = value if isinstance(value, bytes | dict) else json.dumps(value).encode()
    problems = assess.validate_plan(source)
    assert all(problem.message and "\n" not in problem.message for problem in problems)
    if problems:
        with pytest.raises(PlanError):
            assess.assess_plan(source, config=CONFIG)
    else:
        assert_scores_in_range(only_plan(assess.assess_plan(source, config=CONFIG)))


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 10**400, -(10**30), {"nested": {1: 2}}, [1, {"a": None}], "", b"\x00"],
    ids=["nan", "inf", "huge-int", "negative-int", "int-key", "list", "empty-text", "nul-bytes"],
)
def test_values_json_cannot_carry_are_rejected_as_plan_errors(value: Any) -> None:
    plan = json.loads(EXEMPLARY.read_text(encoding="utf-8"))
    plan["organization"]["staff_hours_per_week"] = value
    with pytest.raises(PlanError):
        assess.assess_plan(plan, config=CONFIG)


# ------------------------------------------------------------------ arbitrary input, real processes


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00{",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b'{"schema_version": "1.0", "organization": {"name": "X"}, "channels": [{"id": "c", "platform": "facebok"}]}',
        b"[1, 2, 3]",
        b"{'single': 'quotes'}",
        b'{"a": NaN}',
        b"key: [unclosed",
        bytes(range(256)),
        EXEMPLARY.read_bytes()[:4000],  # truncated mid-document
    ],
    ids=["empty", "utf16-bom", "png", "typo", "array", "python-dict", "nan", "yaml-syntax", "all-bytes", "truncated"],
)
def test_a_real_process_exits_2_with_one_line_per_problem(raw: bytes) -> None:
    done = run_assess_bytes("-", "--no-color", stdin=raw)
    stdout, stderr = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, stderr
    assert_clean_cli(done.returncode, stdout, stderr)
    validated = run_assess_bytes("validate", "-q", "-", stdin=raw)
    assert validated.returncode == 2
    assert b"Traceback" not in validated.stdout + validated.stderr


def test_an_oversized_plan_is_rejected_promptly(tmp_path: Path) -> None:
    """A plan just over the 10 MB limit: refused before it is parsed, in any format."""
    plan = json.loads(EXEMPLARY.read_text(encoding="utf-8"))
    plan["organization"]["website"] = "x" * (10 * 1024 * 1024)
    for name in ("huge.json", "huge.yaml"):
        path = tmp_path / name
        path.write_text(json.dumps(plan), encoding="utf-8")
        done = run_assess(str(path), "--format", "json")
        assert done.returncode == 2
        assert_clean_cli(done.returncode, done.stdout, done.stderr, name=str(path))
        assert "limit" in done.stderr
    done = run_assess("-", stdin=json.dumps(plan).encode())
    assert done.returncode == 2 and "limit" in done.stderr


@pytest.mark.parametrize(
    "text",
    [
        '{"schema_version": "1.0", "organization": {"name": ' + "[" * 100_000 + "]" * 100_000 + "}}",
        '{"a": ' * 50_000 + "1" + "}" * 50_000,
        "a:\n" + "".join(" " * depth + "- \n" for depth in range(2, 2000, 2)),
        "[" * 1_000_000,
    ],
    ids=["json-arrays", "json-objects", "yaml-lists", "json-unclosed"],
)
def test_a_deeply_nested_plan_is_rejected_promptly(text: str, tmp_path: Path) -> None:
    path = tmp_path / ("deep.yaml" if text.startswith("a:") else "deep.json")
    path.write_text(text, encoding="utf-8")
    done = run_assess(str(path), "--no-color")
    assert done.returncode == 2
    assert_clean_cli(done.returncode, done.stdout, done.stderr, name=str(path))


# ------------------------------------------------------------------ valid plans


@SETTINGS
@given(plans())
def test_valid_plans_are_assessed_with_scores_in_range_and_stable_json(plan: dict[str, Any]) -> None:
    first = assess.assess_plan(plan, config=CONFIG)
    assert_scores_in_range(only_plan(first))
    again = assess.assess_plan(copy.deepcopy(plan), config=CONFIG)
    assert first.model_dump_json() == again.model_dump_json()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(full=True))
def test_adding_a_missing_element_never_lowers_the_score(plan: dict[str, Any]) -> None:
    """Remove one element at a time (a crisis plan, a second admin, a section...): the score must not rise.

    An element is *missing* when the plan is marked down for lacking it: without it some rule
    fails, or is blocked (scored as failed because its section is missing), that does not
    without the element. An element nothing asks for is optional (a scheduling tool for a
    single channel): adding one that is badly used may cost points, as it should.
    """
    with_all = only_plan(assess.assess_plan(plan, config=CONFIG))
    assert with_all.score is not None
    for element, remove in REMOVALS.items():
        smaller = remove(plan)
        if smaller is None:
            continue
        without = only_plan(assess.assess_plan(smaller, config=CONFIG))
        assert without.score is not None
        if with_all.score.overall >= without.score.overall or not _marked_down(without) - _marked_down(with_all):
            continue
        raise AssertionError(
            f"adding the {element} lowered the score from {without.score.overall} to {with_all.score.overall}; "
            f"rules that change: {_changed_rules(without, with_all)}"
        )


def _marked_down(report: PlanReport) -> set[str]:
    """The rules that cost the plan points: failed, or blocked by a failing rule."""
    return {rule.rule_id for rule in report.rules if rule.status.value == "fail" or rule.blocked_by}


def _changed_rules(before: PlanReport, after: PlanReport) -> list[str]:
    statuses = {rule.rule_id: rule.status.value for rule in before.rules}
    return [
        f"{rule.rule_id} {statuses.get(rule.rule_id)}->{rule.status.value}"
        for rule in after.rules
        if statuses.get(rule.rule_id) != rule.status.value
    ]


@contextmanager
def plan_files(documents: list[dict[str, Any]]) -> Iterator[list[str]]:
    """The documents written as plan files in a temporary folder, with the samples after them."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, document in enumerate(documents):
            path = Path(folder) / f"plan-{index:02d}.json"
            path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
            paths.append(str(path))
        yield [*paths, *sorted(str(p) for p in SAMPLES.glob("*.*") if p.suffix in (".json", ".yaml"))]


@FEW
@given(st.lists(plans(), min_size=4, max_size=4))
def test_the_json_report_is_byte_identical_across_runs_and_hash_seeds(documents: list[dict[str, Any]]) -> None:
    with plan_files(documents) as paths:
        args = (*paths, "--format", "json", "--no-config", "--today", "2025-06-01", "--fail-on", "none")
        outputs = [run_assess(*args, env={"PYTHONHASHSEED": seed}) for seed in ("0", "12345", "0")]
    for done in outputs:
        assert done.returncode == 0, done.stderr
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout
    assert len(json.loads(outputs[0].stdout)["plans"]) == len(paths)


# ------------------------------------------------------------------ durable_rules' session limit


def test_more_plans_in_one_process_than_durable_rules_sessions() -> None:
    """durable_rules allows 1,024 live sessions a ruleset: each assessment must free its own."""
    plan = json.loads(EXEMPLARY.read_text(encoding="utf-8"))
    flawed = copy.deepcopy(plan)
    del flawed["policies"]["crisis_plan"]
    flawed["channels"][0]["account"]["admins"] = ["ana"]
    expected = [assess.assess_plan(copy.deepcopy(p), config=CONFIG).model_dump_json() for p in (plan, flawed)]
    for index in range(1500):
        report = assess.assess_plan(plan if index % 2 == 0 else flawed, config=CONFIG)
        assert report.model_dump_json() == expected[index % 2], f"plan {index} differs"
