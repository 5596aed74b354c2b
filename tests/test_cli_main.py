"""The `assess` group: PLAN... and check options go to `check`, whatever their order."""

from __future__ import annotations

from click.testing import CliRunner

from assess import __version__
from assess.cli import cli

FLAWED = "samples/no-crisis-single-admin.json"


def test_options_before_the_plan_go_to_check() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--fail-on", "none", "-q", FLAWED]).exit_code == 0
    assert runner.invoke(cli, ["-q", "--fail-on", "critical", FLAWED]).exit_code == 1
    assert runner.invoke(cli, [FLAWED, "-q", "--fail-on", "none"]).exit_code == 0
    assert runner.invoke(cli, ["check", "--fail-on", "none", "-q", FLAWED]).exit_code == 0


def test_group_options_and_usage_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "check" in result.output
    assert "validate" in result.output
    result = runner.invoke(cli, ["-V"])
    assert result.exit_code == 0
    assert __version__ in result.output
    assert runner.invoke(cli, ["--no-such-flag", FLAWED]).exit_code == 2
    assert runner.invoke(cli, []).exit_code == 2
