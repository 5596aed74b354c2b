"""Configuration: which rules run, how severe they are, thresholds, scoring and the gate.

Read from ``[tool.assess]`` in a ``pyproject.toml`` or from an ``.assess.toml``,
the first found from the plans' folder upward (``.assess.toml`` wins in the
same folder), then overridden by command-line flags. The library takes a
`Config` object directly.

`Config` and `Scoring` are plain frozen dataclasses, not pydantic models: the command
line reads its configuration on every run, and importing pydantic alone costs more than
a fifth of the cold start's budget (issue 15). Every value enters through one table of
checks per class (`_CONFIG_CHECKS`, `_SCORING_CHECKS`), which converts what a TOML file
or a caller gives (a list for a tuple, ``"50MB"`` for a size, ``"critical"`` for a
severity, ``"2026-01-15"`` for a date, a table for `scoring`) and refuses anything
else with one line, ``where: what``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Self, TypeVar

from assess.errors import ConfigError
from assess.frozen import Frozen, record
from assess.paths import resolved
from assess.reading import DEFAULT_MAX_PLAN_BYTES, MAX_CONFIG_BYTES, TooLarge, parse_size, read_limited
from assess.results.kinds import Severity

MaturityLevel = Literal["crawl", "walk", "run"]
EngineChoice = Literal["auto", "durable", "builtin"]
Language = Literal["en", "fr"]

DEFAULT_SEVERITY_WEIGHTS: Mapping[Severity, float] = MappingProxyType(
    {Severity.CRITICAL: 10.0, Severity.HIGH: 6.0, Severity.MEDIUM: 3.0, Severity.LOW: 1.0, Severity.INFO: 0.0}
)
_DEFAULT_PENALTIES: Mapping[Severity, float] = MappingProxyType(
    {Severity.CRITICAL: 0.35, Severity.HIGH: 0.12, Severity.MEDIUM: 0.03, Severity.LOW: 0.01, Severity.INFO: 0.0}
)
_DEFAULT_FLOORS: Mapping[str, float] = MappingProxyType({"crawl": 25.0, "walk": 50.0, "run": 75.0})
_DEFAULT_GRADES: Mapping[str, float] = MappingProxyType({"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0})
_DEFAULT_NAMED_CHECKS = ("CHN-01", "CHN-02", "PLN-03", "POL-01", "POL-03", "VIS-01", "MEA-01")
# A default for a table-valued setting: read-only, since every check builds a new dict from what it is given.
_EMPTY: Mapping[Any, Any] = MappingProxyType({})


class InvalidSetting(ConfigError):
    """A setting's value is wrong: `where` names it (a dotted path, e.g. ``scoring.grades``), `what` says why."""

    def __init__(self, what: str, where: tuple[str, ...] = ()) -> None:
        super().__init__(what, where)
        self.what = what
        self.where = where

    def within(self, name: str) -> InvalidSetting:
        """The same problem, one level further out (in the setting or table `name`)."""
        return InvalidSetting(self.what, (name, *self.where))

    def __str__(self) -> str:
        return f"{'.'.join(self.where) or '(top level)'}: {self.what}"


# ------------------------------------------------------------------ checks: from a given value to a stored one

Check = Callable[[Any], Any]


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, on one line, whatever it is."""
    try:
        text = repr(value)
    except Exception:  # a caller's object with a broken repr, a too-long int, a too-deep list
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _real(value: Any) -> float:
    """A number: an int or float, or the text of one (a TOML string may hold ``"2.5"``). Never a bool."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return float(value)
        except (ValueError, OverflowError):
            pass
    raise InvalidSetting(f"{_shown(value)} is not a number")


def _number(low: float = -math.inf, high: float = math.inf, *, finite: bool = False) -> Check:
    """A float from `low` to `high` (NaN is in no range); with `finite`, neither infinity."""
    bounds = "" if low == -math.inf else f" from {low:g} to {high:g}" if high < math.inf else f", {low:g} or more"
    expected = ("a finite number" if finite else "a number") + bounds

    def check(value: Any) -> float:
        try:
            number = _real(value)
        except InvalidSetting:
            number = math.nan  # in no range: refused below, saying which numbers are
        if not low <= number <= high or (finite and not math.isfinite(number)):
            raise InvalidSetting(f"{_shown(value)} is not {expected}")
        return number

    return check


def _any_number(value: Any) -> float:
    """Any number, infinity and NaN included (a grade or a maturity floor: out of range is merely never reached)."""
    return _real(value)


_WHOLE = re.compile(r"\s*[+-]?[0-9]+(?:\.0*)?\s*")


def _whole(low: int, high: int | None = None) -> Check:
    """An int (or a float or text holding one: ``3.0``, ``"3"``) from `low` to `high`."""
    expected = f"a whole number from {low} to {high}" if high is not None else f"a whole number, {low} or more"

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidSetting(f"{_shown(value)} is not {expected}")
        if isinstance(value, str) and not _WHOLE.fullmatch(value):
            raise InvalidSetting(f"{_shown(value)} is not {expected}")
        number = float(value) if not isinstance(value, int) else value
        if isinstance(number, float) and not number.is_integer():
            raise InvalidSetting(f"{_shown(value)} is not {expected}")
        whole = int(number)
        if whole < low or (high is not None and whole > high):
            raise InvalidSetting(f"{_shown(value)} is not {expected}")
        return whole

    return check


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _flag(value: Any) -> bool:
    """true or false, nothing that merely looks like one (``"no"`` is a string, not false)."""
    if not isinstance(value, bool):
        raise InvalidSetting(f"{_shown(value)} is not true or false")
    return value


def _one_of(*options: str) -> Check:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in options:
            return options[options.index(value)]  # the option itself: a plain str, whatever subclass was given
        raise InvalidSetting(f"{_shown(value)} is not one of {', '.join(options)}")

    return check


_SEVERITIES = tuple(severity.value for severity in Severity)


def _severity(value: Any) -> Severity:
    if isinstance(value, str) and value in _SEVERITIES:
        return Severity(value)
    raise InvalidSetting(f"{_shown(value)} is not a severity (one of {', '.join(_SEVERITIES)})")


def _gate(value: Any) -> Severity | Literal["none"]:
    if value == "none" and isinstance(value, str):
        return "none"
    if isinstance(value, str) and value in _SEVERITIES:
        return Severity(value)
    raise InvalidSetting(f"{_shown(value)} is not one of {', '.join(_SEVERITIES)}, none")


def _patterned(pattern: str, expected: str) -> Check:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if isinstance(value, str) and compiled.fullmatch(value):
            return str(value)
        raise InvalidSetting(f"{_shown(value)} is not {expected}")

    return check


_selector = _patterned(r"[A-Z][A-Z0-9]*(-[0-9]*)?", "a rule id or prefix (like POL or CHN-01)")
_rule_id = _patterned(r"[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}", "a rule id (like CHN-01)")


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidSetting(f"{_shown(value)} is not a name (a string)")
    return value


def _path(value: Any) -> Path:
    if isinstance(value, str | os.PathLike):
        try:
            return Path(value)
        except TypeError:  # a PathLike giving bytes
            pass
    raise InvalidSetting(f"{_shown(value)} is not a path")


_step_number = _whole(1, 11)


def _step(value: Any) -> int:
    """A step number, 1 to 11 (a TOML key is text: ``"2"``)."""
    try:
        number: int = _step_number(value)
        return number
    except InvalidSetting:
        raise InvalidSetting(f"{_shown(value)} is not a step (1 to 11)") from None


def _listed(item: Check, what: str) -> Check:
    """A tuple from any list (or tuple, set...) of items, each checked; never from a string or a table."""

    def check(value: Any) -> tuple[Any, ...]:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise InvalidSetting(f"{_shown(value)} is not a list of {what}")
        return tuple(item(element) for element in value)

    return check


def _table(key: Check, value: Check, what: str, defaults: Mapping[Any, Any] = _EMPTY) -> Check:
    """A new dict from a table, its keys and values checked; the `defaults` it leaves out are kept."""

    def check(given: Any) -> dict[Any, Any]:
        if not isinstance(given, Mapping):
            raise InvalidSetting(f"{_shown(given)} is not a table of {what}")
        table = dict(defaults)
        for name, entry in given.items():
            checked = key(name)
            try:
                table[checked] = value(entry)
            except InvalidSetting as problem:
                raise problem.within(str(checked)) from None
        return table

    return check


def _date(value: Any) -> dt.date:
    """A date, or its ISO text; a datetime (or its text) only at midnight, as it is then a date."""
    moment: Any = value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            try:
                moment = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                moment = None
    if isinstance(moment, dt.datetime):
        if moment.time() == dt.time():
            return moment.date()
    elif isinstance(moment, dt.date):
        return moment
    raise InvalidSetting(f"{_shown(value)} is not a date (YYYY-MM-DD)")


def _size(value: Any) -> int:
    """'50MB', '50 MiB', '512K' or a number of bytes (a float only when whole)."""
    given: Any = int(value) if isinstance(value, float) and value.is_integer() else value
    if not isinstance(given, str | int):
        raise InvalidSetting(f"{_shown(value)} is not a size (e.g. 50MB, 512KB or a number of bytes)")
    try:
        return parse_size(given)
    except ValueError as error:
        raise InvalidSetting(str(error)) from None
    except OverflowError:  # a number of 400 digits: pydantic let this through as a traceback
        raise InvalidSetting(f"{_shown(value)} is too large a size") from None


def _scoring(value: Any) -> Scoring:
    if isinstance(value, Scoring):
        return value
    if not isinstance(value, Mapping):
        raise InvalidSetting(f"{_shown(value)} is not a table of scoring settings")
    return Scoring.model_validate(value)


def _settle(instance: Any, checks: Mapping[str, Check], values: Mapping[str, Any]) -> None:
    """Check and convert each setting and set it: the one way a value enters a `Config` or a `Scoring`."""
    for name, check in checks.items():
        try:
            checked = check(values[name])
        except InvalidSetting as problem:
            raise problem.within(name) from None
        object.__setattr__(instance, name, checked)


def _known(settings: Any, checks: Mapping[str, Check]) -> Mapping[str, Any]:
    """`settings` as keyword arguments: a table naming only known settings, each spelt as in a config file
    (``fail-on``) or as in Python (``fail_on``), once."""
    if not isinstance(settings, Mapping):
        raise InvalidSetting(f"{_shown(settings)} is not a table of settings")
    known: dict[str, Any] = {}
    for name, value in settings.items():
        key = name.replace("-", "_") if isinstance(name, str) else name
        if key not in checks:
            raise InvalidSetting(f"not a setting (the settings: {', '.join(checks)})", (str(name) or "''",))
        if key in known:
            raise InvalidSetting("given twice (once with '-', once with '_': keep one)", (str(name),))
        known[key] = value
    return known


# ------------------------------------------------------------------ the settings


_weight = _number(0, math.inf, finite=True)
_share = _number(0, 1)
_percent = _number(0, 100)

_SCORING_CHECKS: Mapping[str, Check] = {
    "severity_weights": _table(_severity, _weight, "severity = weight", DEFAULT_SEVERITY_WEIGHTS),
    "step_weights": _table(_step, _weight, "step = weight"),
    "critical_step_cap": _percent,
    "critical_cap_step_down": _percent,
    "critical_overall_cap": _optional(_percent),
    "severity_penalties": _table(_severity, _share, "severity = share", _DEFAULT_PENALTIES),
    "repeat_decay": _share,
    "named_checks": _listed(_rule_id, "rule ids"),
    "named_check_penalty": _share,
    "completeness_full": _percent,
    "maturity_floors": _table(_one_of("crawl", "walk", "run"), _any_number, "level = score", _DEFAULT_FLOORS),
    "grades": _table(_name, _any_number, "grade = score"),
}


@record
class Scoring(Frozen):
    """The scoring formula's knobs (see README: Scoring). Keyword arguments only; see `Config`."""

    # Weight of a rule of each severity (a rule's own weight wins); unnamed ones keep the default.
    severity_weights: dict[Severity, float]
    # Weight of each step (1-11) in the overall score; default 1 each.
    step_weights: dict[int, float]
    # Highest step score while a critical rule fails.
    critical_step_cap: float
    # Each further failed critical rule lowers the caps by this much, so fixing any one of several
    # critical problems still shows in the score.
    critical_cap_step_down: float
    # Highest overall score while any critical rule fails (a flat cap; none by default:
    # severity_penalties already scale the score down).
    critical_overall_cap: float | None
    # Share of the overall score each failing (or charged) rule of a severity takes away, multiplied:
    # one critical failure leaves 65% of what the rest of the plan earns (severities left out keep
    # their default).
    severity_penalties: dict[Severity, float]
    # Each further failure of the same severity takes this fraction of the penalty before it (largest
    # first): the second critical takes 80% of its share, the third 64%... so plans with many problems
    # are still told apart (1: no decay).
    repeat_decay: float
    # The checks a consultant names first: recommended before any other of their severity, and each
    # failure takes at least named_check_penalty.
    named_checks: tuple[str, ...]
    # Least share of the overall score a failing named check takes away (0.25 keeps the plan below 80:
    # out of grades A and B).
    named_check_penalty: float
    # Completeness (%) from which the score is not scaled down; below it, the score is multiplied by
    # completeness / completeness_full, so a plan that says almost nothing scores almost nothing (0 disables).
    completeness_full: float
    # Lowest step score for each maturity level (levels left out keep their default): a step's maturity
    # never exceeds what its score reaches (a step scoring 0 is absent whatever failed).
    maturity_floors: dict[MaturityLevel, float]
    # Lowest overall score for each grade; below the last, F.
    grades: dict[str, float]

    def __init__(
        self,
        *,
        severity_weights: Mapping[Severity, float] | Mapping[str, float] = _EMPTY,
        step_weights: Mapping[int, float] | Mapping[str, float] = _EMPTY,
        critical_step_cap: float = 40.0,
        critical_cap_step_down: float = 10.0,
        critical_overall_cap: float | None = None,
        severity_penalties: Mapping[Severity, float] | Mapping[str, float] = _EMPTY,
        repeat_decay: float = 0.8,
        named_checks: Iterable[str] = _DEFAULT_NAMED_CHECKS,
        named_check_penalty: float = 0.25,
        completeness_full: float = 50.0,
        maturity_floors: Mapping[str, float] = _EMPTY,
        grades: Mapping[str, float] = _DEFAULT_GRADES,
    ) -> None:
        _settle(self, _SCORING_CHECKS, locals())  # the arguments, by name: the table reads those it checks

    @classmethod
    def model_validate(cls, settings: Mapping[str, Any]) -> Self:
        """From a table of settings as a config file gives them (the name pydantic gave this, kept for callers)."""
        return cls(**_known(settings, _SCORING_CHECKS))


_CONFIG_CHECKS: Mapping[str, Check] = {
    "select": _listed(_selector, "rule ids or prefixes"),
    "ignore": _listed(_selector, "rule ids or prefixes"),
    "severity": _table(_selector, _severity, "rule id or prefix = severity"),
    "thresholds": _table(_name, _number(finite=True), "name = value"),
    "rules": _listed(_path, "paths"),
    "builtin_rules": _flag,
    "allow_no_rules": _flag,
    "fail_on": _gate,
    "fail_under": _optional(_percent),
    "recommendations": _whole(0, 100),
    "lang": _optional(_one_of("en", "fr")),
    "today": _optional(_date),
    "scoring": _scoring,
    "engine": _one_of("auto", "durable", "builtin"),
    "max_size": _size,
}


@record
class Config(Frozen):
    """Everything that changes what `assess` reports, in one object.

    Keyword arguments only; each is checked and converted as a config file's value is (a list
    for a tuple, a string for a severity, a date or a size...); a wrong one is a `ConfigError`
    naming the setting. Frozen: a run's configuration does not change under it.
    """

    # Only these rule ids or prefixes (empty: all).
    select: tuple[str, ...]
    # Skip these rule ids or prefixes.
    ignore: tuple[str, ...]
    # Severity overrides by rule id or prefix (the longest match wins).
    severity: dict[str, Severity]
    # Threshold overrides by name.
    thresholds: dict[str, float]
    # Extra rule packs (folders or files).
    rules: tuple[Path, ...]
    # Whether the built-in catalog runs (true or false).
    builtin_rules: bool
    # Allow a run in which no rule is active (otherwise an error: it would check nothing).
    allow_no_rules: bool
    # Gate: fail when a finding is at least this severe ('none' to disable).
    fail_on: Severity | Literal["none"]
    # Gate: fail when a plan scores below this.
    fail_under: float | None
    # How many top actions to recommend.
    recommendations: int
    # Report language (default: the plan's own).
    lang: Language | None
    # The date suppressions expire against (default: today).
    today: dt.date | None
    # The scoring formula.
    scoring: Scoring
    # Rule engine: durable (durable_rules), builtin (pure Python, same results), or auto (durable
    # when it can be imported).
    engine: EngineChoice
    # The largest plan file read, in bytes, or with a unit: '50MB', '512KB' (default 10MB).
    max_size: int

    def __init__(
        self,
        *,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        severity: Mapping[str, Severity | str] = _EMPTY,
        thresholds: Mapping[str, float] = _EMPTY,
        rules: Iterable[str | os.PathLike[str]] = (),
        builtin_rules: bool = True,
        allow_no_rules: bool = False,
        fail_on: Severity | str = Severity.HIGH,
        fail_under: float | None = None,
        recommendations: int = 5,
        lang: str | None = None,
        today: dt.date | str | None = None,
        scoring: Scoring | Mapping[str, Any] = _EMPTY,
        engine: str = "auto",
        max_size: int | str = DEFAULT_MAX_PLAN_BYTES,
    ) -> None:
        _settle(self, _CONFIG_CHECKS, locals())  # the arguments, by name: the table reads those it checks

    @classmethod
    def model_validate(cls, settings: Mapping[str, Any]) -> Self:
        """From a table of settings as a config file gives them (the name pydantic gave this, kept for callers)."""
        return cls(**_known(settings, _CONFIG_CHECKS))

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
        """A copy with the given fields replaced (None values are ignored), checked as the constructor checks."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        values.update((key, value) for key, value in overrides.items() if value is not None)
        return Config.model_validate(values)


_Derived = TypeVar("_Derived")
_CONFIGS_KEPT = 64
"""Configurations `per_config` remembers at most: many short-lived ones are forgotten, not accumulated."""


def per_config(derive: Callable[[Config], _Derived]) -> Callable[[Config], _Derived]:
    """`derive`, computed once per configuration object rather than once per call.

    A `Config` is frozen, so what is derived from it holds while it lives: a caller assessing thousands
    of plans with one `Config` pays for it once. Keyed by the object's id, each entry holding its
    configuration so that the id cannot be reused by another while the entry stands.
    """
    known: dict[int, tuple[Config, _Derived]] = {}
    lock = threading.Lock()

    def derived(config: Config) -> _Derived:
        entry = known.get(id(config))
        if entry is not None and entry[0] is config:
            return entry[1]
        value = derive(config)
        with lock:
            if len(known) >= _CONFIGS_KEPT:
                known.clear()
            known[id(config)] = (config, value)
        return value

    return derived


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
    try:
        table = dict(_known(table, _CONFIG_CHECKS))
        if table.get("select") == []:  # read as "every rule", `select = []` silently did nothing
            raise InvalidSetting(
                "an empty list selects no rule: list rule ids or prefixes, or leave select out", ("select",)
            )
        if "rules" in table and isinstance(table["rules"], list):
            table["rules"] = [str(resolved(path.parent / str(p))) for p in table["rules"]]
        return Config.model_validate(table)
    except InvalidSetting as exc:
        base = ("tool", "assess") if path.name == "pyproject.toml" else ()
        place = _setting_place(path, (*base, *exc.where), len(base) + 1)
        raise ConfigError(f"{path}:{place[0]}:{place[1]}: {exc}" if place else f"{path}: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


_TOML_PART = r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)"  # one part of a key: quoted either way, or bare
_TOML_HEADER = re.compile(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(rf"(\s*)((?:{_TOML_PART})(?:\s*\.\s*(?:{_TOML_PART}))*)\s*=")


def _key_parts(dotted: str) -> tuple[str, ...]:
    """A TOML dotted key or table name as its parts, unquoted, with '-' read as '_' (as settings are)."""
    return tuple((a or b or c).replace("-", "_") for a, b, c in re.findall(_TOML_PART, dotted))


def _setting_place(path: Path, where: tuple[str, ...], minimum: int) -> tuple[int, int] | None:
    """The line and column (from 1) of the setting `where` names in a TOML file (its key, or the key or
    table holding it, at least `minimum` parts of it deep), for the error's location: tomllib keeps no
    positions. None when it is not found."""
    try:
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, TooLarge, UnicodeDecodeError):
        return None
    wanted = tuple(part.replace("-", "_") for part in where)
    best: tuple[int, tuple[int, int]] | None = None  # (parts matched, place): the deepest match wins
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_HEADER.match(line)
        if header:
            table = _key_parts(header[1])
            found, column = table, len(line) - len(line.lstrip()) + 1
        else:
            key = _TOML_KEY.match(line)
            if not key:
                continue
            found, column = (*table, *_key_parts(key[2])), len(key[1]) + 1
        depth = len(found)
        if depth <= len(wanted) and found == wanted[:depth] and (best is None or depth > best[0]):
            best = (depth, (number, column))
    return best[1] if best is not None and best[0] >= minimum else None


def discover_config(start: Path) -> tuple[Config, Path | None]:
    """The configuration that applies to plans under `start`, and the file it came from."""
    path = find_config_file(start.resolve())
    if path is None:
        return Config(), None
    return load_config_file(path), path
