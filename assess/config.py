"""Configuration: which rules run, how severe they are, thresholds, scoring and the gate.

Read from ``[tool.assess]`` in a ``pyproject.toml`` or from an ``.assess.toml``,
the first found from the plans' folder upward (``.assess.toml`` wins in the
same folder), then overridden by command-line flags. The library takes a
`Config` object directly.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from assess.errors import ConfigError
from assess.reading import DEFAULT_MAX_PLAN_BYTES, MAX_CONFIG_BYTES, TooLarge, parse_size, read_limited
from assess.results.kinds import Severity

DEFAULT_SEVERITY_WEIGHTS: dict[Severity, float] = {
    Severity.CRITICAL: 10.0,
    Severity.HIGH: 6.0,
    Severity.MEDIUM: 3.0,
    Severity.LOW: 1.0,
    Severity.INFO: 0.0,
}

RuleSelector = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*(-[0-9]*)?$")]
MaturityLevel = Literal["crawl", "walk", "run"]
RuleId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}$")]


def _empty_dict() -> dict[Any, Any]:
    """A new empty dict: a field's default. pydantic inspects a default factory's signature when it builds a
    schema; for the builtin `list` or `dict` that means parsing its text signature, 20 times slower than for
    a function (issue 15: the cold start builds ~60 such fields)."""
    return {}


_DEFAULT_PENALTIES = {
    Severity.CRITICAL: 0.35,
    Severity.HIGH: 0.12,
    Severity.MEDIUM: 0.03,
    Severity.LOW: 0.01,
    Severity.INFO: 0.0,
}


def _default_floors() -> dict[MaturityLevel, float]:
    return {"crawl": 25.0, "walk": 50.0, "run": 75.0}


class Scoring(BaseModel):
    """The scoring formula's knobs (see README: Scoring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built within Config's validator

    severity_weights: dict[Severity, float] = Field(
        default_factory=lambda: dict(DEFAULT_SEVERITY_WEIGHTS),
        description="Weight of a rule of each severity (a rule's own weight wins); unnamed ones keep the default.",
    )
    step_weights: dict[int, float] = Field(
        default_factory=_empty_dict, description="Weight of each step (1-11) in the overall score; default 1 each."
    )
    critical_step_cap: float = Field(
        default=40.0, ge=0, le=100, description="Highest step score while a critical rule fails."
    )
    critical_cap_step_down: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description="Each further failed critical rule lowers the caps by this much, so fixing any one of "
        "several critical problems still shows in the score.",
    )
    critical_overall_cap: float | None = Field(
        None,
        ge=0,
        le=100,
        description="Highest overall score while any critical rule fails (a flat cap; none by default: "
        "severity_penalties already scale the score down).",
    )
    severity_penalties: dict[Severity, float] = Field(
        default_factory=lambda: dict(_DEFAULT_PENALTIES),
        description="Share of the overall score each failing (or charged) rule of a severity takes away, "
        "multiplied: one critical failure leaves 65% of what the rest of the plan earns (severities left "
        "out keep their default).",
    )
    repeat_decay: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Each further failure of the same severity takes this fraction of the penalty before it "
        "(largest first): the second critical takes 80% of its share, the third 64%... so plans with many "
        "problems are still told apart (1: no decay).",
    )
    named_checks: tuple[RuleId, ...] = Field(
        ("CHN-01", "CHN-02", "PLN-03", "POL-01", "POL-03", "VIS-01", "MEA-01"),
        description="The checks a consultant names first: recommended before any other of their severity, "
        "and each failure takes at least named_check_penalty.",
    )
    named_check_penalty: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Least share of the overall score a failing named check takes away (0.25 keeps the plan "
        "below 80: out of grades A and B).",
    )
    completeness_full: float = Field(
        50.0,
        ge=0,
        le=100,
        description="Completeness (%) from which the score is not scaled down; below it, the score is "
        "multiplied by completeness / completeness_full, so a plan that says almost nothing scores almost "
        "nothing (0 disables).",
    )
    maturity_floors: dict[MaturityLevel, float] = Field(
        default_factory=lambda: _default_floors(),
        description="Lowest step score for each maturity level: a step's maturity never exceeds what its "
        "score reaches (a step scoring 0 is absent whatever failed).",
    )
    grades: dict[str, float] = Field(
        default_factory=lambda: {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0},
        description="Lowest overall score for each grade; below the last, F.",
    )

    @field_validator("severity_penalties")
    @classmethod
    def _shares(cls, value: dict[Severity, float]) -> dict[Severity, float]:
        for severity, share in value.items():
            if not 0 <= share <= 1:
                raise ValueError(f"penalties are shares between 0 and 1 (got {severity.value}: {share})")
        return {**_DEFAULT_PENALTIES, **value}

    @field_validator("maturity_floors")
    @classmethod
    def _all_floors(cls, value: dict[MaturityLevel, float]) -> dict[MaturityLevel, float]:
        return {**_default_floors(), **value}

    @field_validator("step_weights")
    @classmethod
    def _steps_exist(cls, value: dict[int, float]) -> dict[int, float]:
        for step, weight in value.items():
            if not 1 <= step <= 11 or not 0 <= weight < math.inf:
                raise ValueError(f"step weights are for steps 1-11, finite and not negative (got {step}: {weight})")
        return value

    @field_validator("severity_weights")
    @classmethod
    def _every_severity(cls, value: dict[Severity, float]) -> dict[Severity, float]:
        """A partial table keeps the default weight of the severities it does not name."""
        for severity, weight in value.items():
            if not 0 <= weight < math.inf:
                raise ValueError(f"{severity.value}: a weight is a finite number, not negative (got {weight})")
        return {**DEFAULT_SEVERITY_WEIGHTS, **value}


def _default_scoring() -> Scoring:
    """The default formula, made without `Scoring`'s own validator: building that validator is most of what a
    `Scoring()` costs, once a process (issue 15: every cold run pays it), for nothing, since pydantic validates no
    default (the defaults are the values `Scoring()` would give). A formula that is given is validated within
    `Config`'s validator, which holds `Scoring`'s schema."""
    return Scoring.model_construct()


class Config(BaseModel):
    """Everything that changes what `assess` reports, in one object."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    select: tuple[RuleSelector, ...] = Field(default=(), description="Only these rule ids or prefixes (empty: all).")
    ignore: tuple[RuleSelector, ...] = Field(default=(), description="Skip these rule ids or prefixes.")
    severity: dict[RuleSelector, Severity] = Field(
        default_factory=_empty_dict, description="Severity overrides by rule id or prefix (the longest match wins)."
    )
    thresholds: dict[str, float] = Field(default_factory=_empty_dict, description="Threshold overrides by name.")
    rules: tuple[Path, ...] = Field(default=(), description="Extra rule packs (folders or files).")
    builtin_rules: StrictBool = Field(default=True, description="Whether the built-in catalog runs (true or false).")
    allow_no_rules: StrictBool = Field(
        default=False,
        description="Allow a run in which no rule is active (otherwise an error: it would check nothing).",
    )
    fail_on: Severity | Literal["none"] = Field(
        default=Severity.HIGH, description="Gate: fail when a finding is at least this severe ('none' to disable)."
    )
    fail_under: float | None = Field(
        default=None, ge=0, le=100, description="Gate: fail when a plan scores below this."
    )
    recommendations: int = Field(default=5, ge=0, le=100, description="How many top actions to recommend.")
    lang: Literal["en", "fr"] | None = Field(default=None, description="Report language (default: the plan's own).")
    today: dt.date | None = Field(default=None, description="The date suppressions expire against (default: today).")
    scoring: Scoring = Field(default_factory=_default_scoring, description="The scoring formula.")
    engine: Literal["auto", "durable", "builtin"] = Field(
        default="auto",
        description="Rule engine: durable (durable_rules), builtin (pure Python, same results), "
        "or auto (durable when it can be imported).",
    )

    max_size: int = Field(
        default=DEFAULT_MAX_PLAN_BYTES,
        ge=1,
        description="The largest plan file read, in bytes, or with a unit: '50MB', '512KB' (default 10MB).",
    )

    @field_validator("max_size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        """'50MB', '50 MiB', '512K' or a number of bytes."""
        return parse_size(value) if isinstance(value, str | int) else value

    @field_validator("thresholds")
    @classmethod
    def _finite_thresholds(cls, value: dict[str, float]) -> dict[str, float]:
        for name, number in value.items():
            if not math.isfinite(number):
                raise ValueError(f"{name}: {number} is not a finite number")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _config_error(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A wrong setting is a `ConfigError` (one line: where and what), not pydantic's ValidationError."""
        try:
            return handler(data)
        except ValidationError as error:
            raise ConfigError(describe(error)) from None

    def effective_today(self) -> dt.date:
        return self.today or dt.date.today()

    def selects(self, rule_id: str) -> bool:
        def hit(selectors: tuple[str, ...]) -> bool:
            return any(rule_id.startswith(selector) for selector in selectors)

        if self.select and not hit(self.select):
            return False
        return not hit(self.ignore)

    def severity_for(self, rule_id: str, default: Severity) -> Severity:
        matches = [selector for selector in self.severity if rule_id.startswith(selector)]
        if not matches:
            return default
        return self.severity[max(matches, key=len)]

    def merged(self, **overrides: Any) -> Config:
        """A copy with the given fields replaced (None values are ignored)."""
        values = {key: value for key, value in overrides.items() if value is not None}
        return self.model_validate({**self.model_dump(), **values})


def describe(error: ValidationError) -> str:
    """The first problem of a validation error as ``where: what``."""
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
    return f"{where}: {problem['msg']}"


CONFIG_FILES = (".assess.toml", "pyproject.toml")


def find_config_file(start: Path) -> Path | None:
    """The first .assess.toml, or pyproject.toml with a [tool.assess] table, from `start` upward."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.parents]:
        dot = candidate / ".assess.toml"
        if dot.is_file():
            return dot
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "assess" in _tool_table(pyproject, _read_toml(pyproject)):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here, not at the top: a run with no configuration file never reads TOML

    try:
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8, as TOML requires") from None
    except TooLarge as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table ([tool.assess]), not {type(tool).__name__}")
    return tool


def load_config_file(path: Path) -> Config:
    """Read a config file; pack paths in it are relative to the file's folder."""
    data = _read_toml(path)
    table = _tool_table(path, data).get("assess", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.assess] must be a table")
    table = {key.replace("-", "_"): value for key, value in table.items()}
    if "rules" in table and isinstance(table["rules"], list):
        table["rules"] = [str((path.parent / str(p)).resolve()) for p in table["rules"]]
    try:
        return Config.model_validate(table)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def discover_config(start: Path) -> tuple[Config, Path | None]:
    """The configuration that applies to plans under `start`, and the file it came from."""
    path = find_config_file(start.resolve())
    if path is None:
        return Config(), None
    return load_config_file(path), path
