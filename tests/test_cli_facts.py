"""`assess facts`: the facts of a plan, or the fact model without one; every usage error is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assess.cli import cli
from assess.rules.facts import FACT_MODEL

ROOT = Path(__file__).resolve().parent.parent
PLAN = str(ROOT / "samples" / "exemplary.json")


def run(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["facts", *args], input=input)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("assess: ")
    return lines[0]


def facts_of(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


# ---------------------------------------------------------------- --model needs no plan


def test_model_without_a_plan_prints_every_kind_and_field() -> None:
    result = run("--model")  # as README's "Writing rules" writes it
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == FACT_MODEL
    assert result.stderr == ""


def test_model_with_kinds_prints_only_those_kinds() -> None:
    result = run("--model", "--kind", "channel", "--kind", "placeholder")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"channel": FACT_MODEL["channel"], "placeholder": FACT_MODEL["placeholder"]}


def test_model_with_a_plan_is_a_usage_error_rather_than_ignoring_the_plan() -> None:
    line = one_line_error(run(PLAN, "--model"))
    assert "--model prints the fact model" in line
    assert "leave out" in line


def test_without_model_a_plan_is_required() -> None:
    line = one_line_error(run())
    assert "Give PLAN" in line
    assert "--model" in line


def test_a_plan_without_model_prints_its_facts() -> None:
    facts = facts_of(run(PLAN))
    assert {fact["kind"] for fact in facts} >= {"plan", "channel", "goal"}


def test_a_plan_on_standard_input() -> None:
    assert facts_of(run("-", input=Path(PLAN).read_bytes())) == facts_of(run(PLAN))


# ---------------------------------------------------------------- --kind


def test_a_known_kind_prints_only_its_facts() -> None:
    facts = facts_of(run(PLAN, "--kind", "channel"))
    assert facts
    assert {fact["kind"] for fact in facts} == {"channel"}


def test_a_known_kind_with_no_fact_in_the_plan_is_a_quiet_success() -> None:
    result = run(PLAN, "--kind", "placeholder")  # the exemplary plan has no placeholder left
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args",
    [(PLAN, "--kind", "nosuch"), (PLAN, "--kind", "channel", "--kind", "nosuch"), ("--model", "--kind", "nosuch")],
)
def test_an_unknown_kind_is_a_usage_error_naming_the_known_kinds(args: tuple[str, ...]) -> None:
    line = one_line_error(run(*args))
    assert "--kind 'nosuch' is not a fact kind" in line
    assert line.endswith("the kinds are: " + ", ".join(FACT_MODEL))
    assert "did you mean" not in line


def test_a_near_miss_of_a_kind_is_named() -> None:
    line = one_line_error(run(PLAN, "--kind", "chanel"))
    assert "(did you mean 'channel'?)" in line


def test_every_kind_a_plan_gives_is_in_the_model() -> None:
    """What --kind accepts (the model's kinds) covers every fact a plan can give, placeholders included."""
    plan = json.loads(Path(PLAN).read_text(encoding="utf-8"))
    plan["goals"][0]["statement"] = "TODO"
    kinds = {fact["kind"] for fact in facts_of(run("-", input=json.dumps(plan).encode()))}
    assert "placeholder" in kinds
    assert kinds <= set(FACT_MODEL)
