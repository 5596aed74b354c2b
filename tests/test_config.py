"""Configuration files: discovery from the plan's folder upward, validation, precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.config import Config, Scoring, discover_config, find_config_file, load_config_file
from assess.errors import ConfigError
from assess.results.report import Severity


def test_dot_assess_toml_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / ".assess.toml").write_text('ignore = ["CEL"]\nfail-on = "critical"\n', encoding="utf-8")
    deep = tmp_path / "clients" / "2025"
    deep.mkdir(parents=True)
    config, path = discover_config(deep)
    assert path == tmp_path / ".assess.toml"
    assert config.ignore == ("CEL",)
    assert config.fail_on is Severity.CRITICAL


def test_pyproject_needs_a_tool_assess_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_config_file(tmp_path) != tmp_path / "pyproject.toml"
    (tmp_path / "pyproject.toml").write_text(
        "[tool.assess]\nselect = ['POL', 'CHN-01']\nthresholds = {min_admins = 3}\n"
        "[tool.assess.severity]\nCHN = 'low'\nCHN-01 = 'critical'\n",
        encoding="utf-8",
    )
    config, path = discover_config(tmp_path)
    assert path == tmp_path / "pyproject.toml"
    assert config.select == ("POL", "CHN-01")
    assert config.thresholds == {"min_admins": 3.0}
    assert config.severity_for("CHN-01", Severity.HIGH) is Severity.CRITICAL  # the longest selector wins
    assert config.severity_for("CHN-05", Severity.HIGH) is Severity.LOW
    assert config.severity_for("POL-01", Severity.HIGH) is Severity.HIGH


def test_dot_assess_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.assess]\nrecommendations = 3\n", encoding="utf-8")
    (tmp_path / ".assess.toml").write_text("recommendations = 7\n", encoding="utf-8")
    config, _ = discover_config(tmp_path)
    assert config.recommendations == 7


def test_rule_pack_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / ".assess.toml").write_text('rules = ["packs/local"]\n', encoding="utf-8")
    config = load_config_file(tmp_path / ".assess.toml")
    assert config.rules == ((tmp_path / "packs" / "local").resolve(),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fail-on = 'severe'\n", "fail_on"),
        ("select = ['pol-01']\n", "select"),
        ("colour = true\n", "colour"),
        ("recommendations = -1\n", "recommendations"),
        ("[scoring]\nstep_weights = {12 = 1.0}\n", "scoring"),
        ("fail-on = \n", "not valid TOML"),
    ],
)
def test_a_broken_config_is_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / ".assess.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config_file(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_selection_by_id_and_prefix() -> None:
    config = Config(select=("POL", "CHN-01"), ignore=("POL-07",))
    assert [config.selects(rule) for rule in ("POL-01", "POL-07", "CHN-01", "CHN-02", "VIS-01")] == [
        True,
        False,
        True,
        False,
        False,
    ]
    assert Config().selects("ANY-01")


def test_merged_ignores_missing_overrides() -> None:
    config = Config(recommendations=3).merged(recommendations=None, lang="fr")
    assert (config.recommendations, config.lang) == (3, "fr")


def test_the_default_scoring_is_what_validating_the_defaults_gives() -> None:
    """`Config()` makes its scoring without `Scoring`'s validator: it must be the very formula `Scoring()` is."""
    built, validated = Config().scoring, Scoring()
    assert built == validated
    assert built.model_dump() == validated.model_dump()
    assert built.model_fields_set == validated.model_fields_set == set()
    assert Config().model_dump_json() == Config.model_validate({"scoring": {}}).model_dump_json()
    assert Config().scoring.severity_weights is not Config().scoring.severity_weights  # each its own tables
