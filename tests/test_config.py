"""Configuration files: discovery from the plan's folder upward, validation, precedence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.config import (
    _CONFIG_CHECKS,
    _SCORING_CHECKS,
    Config,
    Scoring,
    discover_config,
    find_config_file,
    load_config_file,
)
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


README_TOML = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_model_validate_takes_the_readme_config_file_as_tomllib_reads_it(tmp_path: Path) -> None:
    import tomllib

    (text,) = [block for block in README_TOML.split("```toml\n")[1:] if block.startswith("# .assess.toml")]
    text = text.split("```")[0]
    assert "fail-on" in text  # the file's own spelling, with dashes
    path = tmp_path / ".assess.toml"
    path.write_text(text, encoding="utf-8")
    table = tomllib.loads(text)
    table["rules"] = [str((tmp_path / rule).resolve()) for rule in table["rules"]]
    assert Config.model_validate(table) == load_config_file(path)


@pytest.mark.parametrize("spelling", ["fail-on", "fail_on"])
def test_a_setting_is_spelt_with_a_dash_or_an_underscore(spelling: str) -> None:
    assert Config.model_validate({spelling: "low", "max-size": "1MB"}) == Config(fail_on="low", max_size="1MB")
    assert Scoring.model_validate({"repeat-decay": 0.5}) == Scoring(repeat_decay=0.5)


def test_a_setting_given_with_both_spellings_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fail_on: given twice"):
        Config.model_validate({"fail-on": "low", "fail_on": "high"})
    path = tmp_path / ".assess.toml"
    path.write_text("fail-on = 'low'\nfail_on = 'high'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="given twice") as caught:
        load_config_file(path)
    assert str(caught.value).startswith(str(path))


def test_the_library_refuses_a_dict_for_a_config_naming_the_way_to_build_one() -> None:
    import assess

    with pytest.raises(TypeError, match=r"config must be an assess.Config, not a dict \(assess.Config.model_validate"):
        assess.assess_plan("samples/exemplary.json", config={"fail_on": "low"})  # type: ignore[arg-type]
    assert assess.assess_plan("samples/exemplary.json", config=Config.model_validate({"fail-on": "low"})).plans


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


def test_an_empty_select_in_a_config_file_is_an_error_and_an_empty_ignore_is_not(tmp_path: Path) -> None:
    # select = [] read as "every rule": a setting that silently did nothing.
    path = tmp_path / ".assess.toml"
    path.write_text("select = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.assess\.toml:1:1: select: an empty list selects no rule"):
        load_config_file(path)
    path.write_text("ignore = []\n", encoding="utf-8")
    assert load_config_file(path) == Config()
    path.write_text('select = ["POL"]\n', encoding="utf-8")
    assert load_config_file(path).select == ("POL",)


@pytest.mark.parametrize(
    ("name", "text", "place", "message"),
    [
        (".assess.toml", '# settings\nselect = ["POL"]\nfail-on = 3\n', "3:1", "fail_on: 3 is not one of"),
        (".assess.toml", "lang = 'fr'\n[scoring]\n  repeat-decay = 7\n", "3:3", "scoring.repeat_decay: 7 is not"),
        (".assess.toml", '[scoring]\ngrades = {A = "x"}\n', "2:1", "scoring.grades.A: 'x' is not a number"),
        (".assess.toml", 'scoring.grades.A = "x"\n', "1:1", "scoring.grades.A: 'x' is not a number"),
        (".assess.toml", "select = ['POL']\nbogus = 1\n", "2:1", "bogus: not a setting"),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.assess]\nfail-under = "abc"\n', "4:1", "fail_under: 'abc'"),
    ],
)
def test_a_wrong_setting_is_located_by_line_and_column(
    tmp_path: Path, name: str, text: str, place: str, message: str
) -> None:
    # tomllib keeps no positions: the error named the setting but not where it is in the file.
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config_file(path)
    assert str(raised.value).startswith(f"{path}:{place}: {message}")


def test_merged_ignores_missing_overrides() -> None:
    config = Config(recommendations=3).merged(recommendations=None, lang="fr")
    assert (config.recommendations, config.lang) == (3, "fr")


def test_the_default_scoring_is_the_default_formula_with_its_own_tables() -> None:
    assert Config().scoring == Scoring() == Scoring.model_validate({})
    assert Config().scoring.severity_weights is not Config().scoring.severity_weights


# ------------------------------------------------------------------ the checks, one table per class


def test_each_setting_has_one_check_and_one_argument() -> None:
    """The table of checks, the stored fields and the constructor's arguments name the same settings."""
    for cls, checks in ((Config, _CONFIG_CHECKS), (Scoring, _SCORING_CHECKS)):
        names = [field.name for field in dataclasses.fields(cls)]
        assert list(checks) == names
        assert list(inspect.signature(cls).parameters) == names
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in inspect.signature(cls).parameters.values())


def test_values_are_converted_as_a_config_file_gives_them() -> None:
    config = Config(
        select=["POL"],
        severity={"CHN": "low"},
        thresholds={"min_admins": 3},
        rules=["packs/x"],
        fail_on="critical",
        fail_under=60,
        recommendations=3.0,  # type: ignore[arg-type]  # a TOML float holding a whole number
        today="2026-01-15",
        scoring={"step_weights": {"2": 0.5}, "severity_weights": {"critical": 12}, "maturity_floors": {"walk": 40}},
        max_size="50MB",
    )
    assert config.select == ("POL",)
    assert config.severity == {"CHN": Severity.LOW}
    assert config.thresholds == {"min_admins": 3.0} and type(config.thresholds["min_admins"]) is float
    assert config.rules == (Path("packs/x"),)
    assert config.fail_on is Severity.CRITICAL
    assert config.fail_under == 60.0 and type(config.fail_under) is float
    assert config.recommendations == 3 and type(config.recommendations) is int
    assert config.today == dt.date(2026, 1, 15)
    assert config.scoring.step_weights == {2: 0.5}
    assert config.scoring.severity_weights[Severity.CRITICAL] == 12.0
    assert config.scoring.severity_weights[Severity.HIGH] == 6.0  # a partial table keeps the other defaults
    assert config.scoring.maturity_floors == {"crawl": 25.0, "walk": 40.0, "run": 75.0}
    assert config.max_size == 50 * 1024 * 1024
    assert Config(fail_on="none").fail_on == "none"
    assert Config(today=dt.datetime(2026, 1, 15)).today == dt.date(2026, 1, 15)  # TOML's midnight datetime


def test_a_config_is_frozen_equal_by_value_and_travels_to_worker_processes() -> None:
    config = Config(select=("POL",), scoring={"grades": {"A": 95}})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.select = ()  # type: ignore[misc]
    assert config == Config(select=["POL"], scoring=Scoring(grades={"A": 95.0}))
    assert config != Config()
    assert pickle.loads(pickle.dumps(config)) == config  # --jobs sends it to its workers


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"recommendations": 3.5}, "recommendations: 3.5 is not a whole number from 0 to 100"),
        ({"recommendations": True}, "recommendations: True is not a whole number from 0 to 100"),
        ({"fail_under": float("nan")}, "fail_under: nan is not a number from 0 to 100"),
        ({"fail_on": "severe"}, "fail_on: 'severe' is not one of critical, high, medium, low, info, none"),
        ({"select": "POL"}, "select: 'POL' is not a list of rule ids or prefixes"),
        ({"select": ["pol"]}, "select: 'pol' is not a rule id or prefix (like POL or CHN-01)"),
        ({"severity": {"POL": "LOW"}}, "severity.POL: 'LOW' is not a severity (one of critical, high, medium, low, info)"),
        ({"thresholds": {"min_admins": "x"}}, "thresholds.min_admins: 'x' is not a finite number"),
        ({"builtin_rules": "no"}, "builtin_rules: 'no' is not true or false"),
        ({"lang": "de"}, "lang: 'de' is not one of en, fr"),
        ({"today": "2026-1-5"}, "today: '2026-1-5' is not a date (YYYY-MM-DD)"),
        ({"max_size": "9" * 400}, "max_size: '99999999999999999999999999999999999999999999999999999999... is too large a size"),
        ({"colour": True}, "colour: not a setting (the settings: select, ignore, severity,"),
        ({"scoring": {"step_weights": {"12": 1}}}, "scoring.step_weights: '12' is not a step (1 to 11)"),
        ({"scoring": {"severity_weights": {"critical": -1}}}, "scoring.severity_weights.critical: -1 is not a finite number, 0 or more"),
        ({"scoring": {"named_checks": ["CHN-1"]}}, "scoring.named_checks: 'CHN-1' is not a rule id (like CHN-01)"),
        ({"scoring": {"nope": 1}}, "scoring.nope: not a setting (the settings: severity_weights,"),
        ({"scoring": []}, "scoring: [] is not a table of scoring settings"),
    ],
)  # fmt: skip
def test_a_wrong_value_is_one_line_naming_the_setting(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.model_validate(settings)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_wrong_value_in_the_constructor_or_scoring_alone_is_a_config_error_too() -> None:
    with pytest.raises(ConfigError, match=r"^lang: 'de' is not one of en, fr$"):
        Config(lang="de")
    with pytest.raises(ConfigError, match=r"^repeat_decay: 2 is not a number from 0 to 1$"):
        Scoring(repeat_decay=2)
    with pytest.raises(ConfigError, match=r"^\(top level\): \[\] is not a table of settings$"):
        Config.model_validate([])  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties


def _toml(value: Any) -> str:
    """A value as TOML writes it (a JSON string is a TOML one: drawn text holds no control character)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return (
        "{"
        + ", ".join(f"{json.dumps(str(key), ensure_ascii=False)} = {_toml(item)}" for key, item in value.items())
        + "}"
    )


TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=8)
SELECTORS = st.lists(st.from_regex(r"[A-Z][A-Z0-9]{0,3}(-[0-9]{0,3})?", fullmatch=True), max_size=3)
SEVERITY = st.sampled_from([severity.value for severity in Severity])


def _between(low: float, high: float) -> st.SearchStrategy[float | int]:
    return st.one_of(st.integers(int(low), int(high)), st.floats(low, high))


def _some(**knobs: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=knobs)


SCORING = _some(
    severity_weights=st.dictionaries(SEVERITY, _between(0, 1e6), max_size=3),
    step_weights=st.dictionaries(st.integers(1, 11).map(str), _between(0, 1e6), max_size=3),
    critical_step_cap=_between(0, 100),
    critical_overall_cap=_between(0, 100),
    severity_penalties=st.dictionaries(SEVERITY, _between(0, 1), max_size=3),
    repeat_decay=_between(0, 1),
    named_checks=st.lists(st.from_regex(r"[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}", fullmatch=True), max_size=3),
    named_check_penalty=_between(0, 1),
    completeness_full=_between(0, 100),
    maturity_floors=st.dictionaries(st.sampled_from(["crawl", "walk", "run"]), _between(0, 100), max_size=3),
    grades=st.dictionaries(TEXT, _between(0, 100), max_size=3),
)
SETTINGS = _some(
    select=SELECTORS.filter(bool),  # an empty select in a file is an error (test above)
    ignore=SELECTORS,
    severity=st.dictionaries(st.from_regex(r"[A-Z][A-Z0-9]{0,3}(-[0-9]{0,3})?", fullmatch=True), SEVERITY, max_size=3),
    thresholds=st.dictionaries(TEXT, st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False)), max_size=3),
    builtin_rules=st.booleans(),
    allow_no_rules=st.booleans(),
    fail_on=st.one_of(SEVERITY, st.just("none")),
    fail_under=_between(0, 100),
    recommendations=st.integers(0, 100),
    lang=st.sampled_from(["en", "fr"]),
    today=st.dates(),
    scoring=SCORING,
    engine=st.sampled_from(["auto", "durable", "builtin"]),
    max_size=st.one_of(st.integers(1, 2**40), st.integers(1, 1000).map(lambda n: f"{n}MB")),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(settings_=SETTINGS, dashed=st.booleans())
def test_property_drawn_settings_read_alike_from_a_file_the_constructor_and_merged(
    tmp_path: Path, settings_: dict[str, Any], dashed: bool
) -> None:
    config = Config(**settings_)
    assert Config.model_validate(settings_) == config
    assert Config().merged(**settings_) == config
    assert config.merged() == config  # checking stored values again changes nothing
    path = tmp_path / ".assess.toml"
    lines = [f"{name.replace('_', '-') if dashed else name} = {_toml(value)}" for name, value in settings_.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_config_file(path) == config


ANYTHING = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), TEXT, st.dates(), st.datetimes(), st.binary(max_size=4)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.one_of(TEXT, st.integers(), st.booleans()), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    where=st.one_of(
        st.sampled_from(list(_CONFIG_CHECKS)).map(lambda name: (name,)),
        st.sampled_from(list(_SCORING_CHECKS)).map(lambda name: ("scoring", name)),
        TEXT.map(lambda name: (name,)),
    ),
    value=ANYTHING,
)
def test_property_any_value_builds_a_config_or_is_one_line_naming_its_setting(
    where: tuple[str, ...], value: Any
) -> None:
    settings_: dict[str, Any] = {where[-1]: value}
    if len(where) == 2:
        settings_ = {"scoring": settings_}
    try:
        config = Config.model_validate(settings_)
    except ConfigError as error:
        message = str(error)
        setting = ".".join(name or "''" for name in where)
        assert message.startswith((setting + ":", setting + "."))
        assert "\n" not in message
    else:
        assert config.merged() == config


def test_per_config_derives_once_per_config_object_and_never_serves_another_objects_value() -> None:
    from assess.config import _CONFIGS_KEPT, per_config

    calls: list[Config] = []

    @per_config
    def derived(config: Config) -> tuple[str, int]:
        calls.append(config)
        return (str(config.fail_on), len(calls))

    first = Config(fail_on="high")
    assert derived(first) == derived(first) == ("high", 1)  # once for the object
    other = Config(fail_on="low")
    assert derived(other) == ("low", 2)  # another object is derived for itself
    many = [Config(fail_on="medium") for _ in range(_CONFIGS_KEPT + 1)]  # forgetting, then deriving again
    assert [derived(config)[0] for config in many] == ["medium"] * len(many)
    assert derived(first)[0] == "high" and derived(other)[0] == "low"
    assert len(calls) == 2 + len(many) + 2  # the two were forgotten when the table filled, then made again
