"""Shared command-line options that change the configuration, so every command spells them alike.

``@config_options`` adds ``--config``, ``--no-config``, ``--select``, ``--ignore``,
``--severity``, ``--threshold``, ``--rules``, ``--lang``, ``--engine`` and ``--today``;
``@gate_options`` adds ``--fail-on`` and ``--fail-under``. Their values are
checked as they are parsed (a bad value is one clear usage line, exit 2) and
collected on the click context rather than passed to the command function, so a
command's signature stays its own. `resolve_config` then applies them on top of
the configuration file:

- ``--select`` replaces the file's selection; ``--ignore`` and ``--rules`` add
  to the file's; ``--severity`` and ``--threshold`` override the file per key;
- ``--config FILE`` names the file; otherwise it is discovered from the plans'
  common folder upward; ``--no-config`` ignores any file.

This module is imported when the CLI starts: it imports nothing heavy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from assess.paths import resolved

if TYPE_CHECKING:
    from assess.config import Config
    from assess.rules.catalog import Catalog

F = TypeVar("F", bound=Callable[..., Any])

SEVERITIES = ("critical", "high", "medium", "low", "info")
LANGUAGES = ("en", "fr")
ENGINES = ("auto", "durable", "builtin")  # = assess.engines.select.ENGINE_CHOICES, without importing it
_SELECTOR = re.compile(r"^[A-Z][A-Z0-9]*(-[0-9]*)?$")
_META_KEY = "assess.config_flags"


class ConfigFlags(NamedTuple):
    """What the configuration options said (None / empty: not given)."""

    config_file: Path | None = None
    no_config: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = MappingProxyType({})
    thresholds: Mapping[str, float] = MappingProxyType({})
    rules: tuple[Path, ...] = ()
    lang: str | None = None
    today: dt.date | None = None
    fail_on: str | None = None
    fail_under: float | None = None
    allow_no_rules: bool = False
    engine: str | None = None
    max_size: int | None = None


def flags(ctx: click.Context) -> ConfigFlags:
    """The flags collected while parsing this command's options."""
    values: dict[str, Any] = ctx.meta.get(_META_KEY, {})
    return ConfigFlags(**{key: value for key, value in values.items() if value is not None})


def _store(convert: Callable[[Any], Any]) -> Callable[[click.Context, click.Parameter, Any], None]:
    """A callback that converts the value (raising BadParameter on a bad one) and keeps it on the context."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        try:
            converted = convert(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx=ctx, param=param) from None
        assert param.name is not None
        ctx.meta.setdefault(_META_KEY, {})[param.name] = converted

    return callback


def _identity(value: Any) -> Any:
    return value


def parse_selectors(values: Sequence[str]) -> tuple[str, ...]:
    """Comma-separated rule ids or prefixes (POL-03, POL, POL-), case-insensitive."""
    selectors: list[str] = []
    for value in values:
        for item in value.split(","):
            selector = item.strip().upper()
            if not selector:
                continue
            if not _SELECTOR.match(selector):
                raise ValueError(f"{item.strip()!r} is not a rule id or prefix (e.g. POL-03, POL- or POL)")
            selectors.append(selector)
    if values and not selectors:  # `--select ''` (an unset variable in CI) must not quietly mean every rule
        raise ValueError("names no rule: give rule ids or prefixes (POL-03,VIS), or leave the option out")
    return tuple(dict.fromkeys(selectors))


def _pairs(values: Sequence[str], what: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for value in values:
        name, equals, setting = value.partition("=")
        if not equals or not name.strip() or not setting.strip():
            raise ValueError(f"{value!r} is not {what}")
        pairs.append((name.strip(), setting.strip()))
    return pairs


def parse_severities(values: Sequence[str]) -> dict[str, str]:
    """ID=LEVEL pairs, e.g. POL-03=high or VIS=info."""
    overrides: dict[str, str] = {}
    for selector, level in _pairs(values, "ID=LEVEL (e.g. POL-03=high)"):
        rules = parse_selectors([selector])
        if len(rules) != 1:
            raise ValueError(f"{selector!r}: give one rule id or prefix per --severity")
        (rule,) = rules
        if level.lower() not in SEVERITIES:
            raise ValueError(f"{level!r} is not a severity (one of {', '.join(SEVERITIES)})")
        overrides[rule] = level.lower()
    return overrides


def parse_thresholds(values: Sequence[str]) -> dict[str, float]:
    """NAME=VALUE pairs, e.g. min_admins=3."""
    overrides: dict[str, float] = {}
    for name, text in _pairs(values, "NAME=VALUE (e.g. min_admins=3)"):
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{name}: {text!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{name}: {text!r} is not a finite number")
        overrides[name] = number
    return overrides


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2025-03-01") from None


def _paths(values: Sequence[str]) -> tuple[Path, ...]:
    return tuple(resolved(value) for value in values)


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value is not None else None


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _size(value: str | None) -> int | None:
    from assess.reading import parse_size

    return parse_size(value) if value is not None else None


MAX_SIZE_HELP = "The largest plan file read (default 10MB, or the config's max_size), e.g. --max-size 50MB."


def max_size_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """--max-size for a command without the configuration options (`assess validate`)."""
    try:
        return _size(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


def config_options(command: F) -> F:
    """Add the configuration options (see the module docstring) to a click command."""
    options = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(exists=True, dir_okay=False),
            expose_value=False,
            callback=_store(_optional_path),
            help="Configuration file (.assess.toml, or pyproject.toml with [tool.assess]). "
            "Default: the first found from the plans' folder upward.",
        ),
        click.option(
            "--no-config",
            is_flag=True,
            expose_value=False,
            callback=_store(_identity),
            help="Ignore configuration files: built-in defaults plus these flags.",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="IDS",
            expose_value=False,
            callback=_store(parse_selectors),
            help="Run only these rules: comma-separated ids or prefixes (POL-03,VIS); replaces the file's select.",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="IDS",
            expose_value=False,
            callback=_store(parse_selectors),
            help="Skip these rules: comma-separated ids or prefixes; added to the file's ignore.",
        ),
        click.option(
            "--severity",
            multiple=True,
            metavar="ID=LEVEL",
            expose_value=False,
            callback=_store(parse_severities),
            help="Override a rule's (or prefix's) severity, e.g. --severity POL-06=low. Repeatable.",
        ),
        click.option(
            "--threshold",
            "thresholds",
            multiple=True,
            metavar="NAME=VALUE",
            expose_value=False,
            callback=_store(parse_thresholds),
            help="Override a threshold, e.g. --threshold min_admins=3 (`assess rules --thresholds` lists them). "
            "Repeatable.",
        ),
        click.option(
            "--rules",
            multiple=True,
            type=click.Path(exists=True),
            metavar="PATH",
            expose_value=False,
            callback=_store(_paths),
            help="An extra rule pack (folder or file), added to the built-in catalog. Repeatable.",
        ),
        click.option(
            "--lang",
            type=click.Choice(LANGUAGES, case_sensitive=False),
            expose_value=False,
            callback=_store(_lower),
            help="Language of the report's texts (default: each plan's own).",
        ),
        click.option(
            "--allow-no-rules",
            is_flag=True,
            expose_value=False,
            callback=_store(_identity),
            help="Allow a run in which no rule is active (by default an error: it would check nothing).",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES, case_sensitive=False),
            expose_value=False,
            callback=_store(_lower),
            help="Rule engine: durable (durable_rules), builtin (pure Python, same results) or auto "
            "(durable when it can be imported; the default, or the config's).",
        ),
        click.option(
            "--max-size",
            metavar="SIZE",
            expose_value=False,
            callback=_store(_size),
            help=MAX_SIZE_HELP,
        ),
        click.option(
            "--today",
            metavar="YYYY-MM-DD",
            expose_value=False,
            callback=_store(parse_date),
            help="The date suppressions expire against (default: today), for reproducible runs.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def gate_options(command: F) -> F:
    """Add --fail-on and --fail-under (defaults from the configuration: --fail-on high, no score gate)."""
    options = [
        click.option(
            "--fail-on",
            type=click.Choice([*SEVERITIES, "none"], case_sensitive=False),
            expose_value=False,
            callback=_store(_lower),
            help="Fail (exit 1) when a plan has a finding at least this severe. Default: high (or the config's).",
        ),
        click.option(
            "--fail-under",
            type=click.FloatRange(0, 100),
            metavar="SCORE",
            expose_value=False,
            callback=_store(_identity),
            help="Fail (exit 1) when a plan scores below SCORE (0-100). Default: no score gate.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def resolve_config(given: ConfigFlags, start: Path) -> tuple[Config, Path | None]:
    """The configuration file's settings (or the defaults) with the flags applied; `ConfigError` if invalid."""
    from assess.config import Config, discover_config, load_config_file
    from assess.errors import ConfigError

    if given.no_config and given.config_file is not None:
        raise ConfigError("--config and --no-config contradict each other: use one")
    if given.no_config:
        base, path = Config(), None
    elif given.config_file is not None:
        base, path = load_config_file(given.config_file), given.config_file
    else:
        base, path = discover_config(start)
    overrides: dict[str, Any] = {
        "lang": given.lang,
        "today": given.today,
        "fail_on": given.fail_on,
        "fail_under": given.fail_under,
        "engine": given.engine,
        "max_size": given.max_size,
    }
    if given.select:
        overrides["select"] = given.select
    if given.ignore:
        overrides["ignore"] = tuple(dict.fromkeys((*base.ignore, *given.ignore)))
    if given.severity:
        overrides["severity"] = {**base.severity, **given.severity}
    if given.thresholds:
        overrides["thresholds"] = {**base.thresholds, **given.thresholds}
    if given.rules:
        overrides["rules"] = tuple(dict.fromkeys((*base.rules, *given.rules)))
    if given.allow_no_rules:
        overrides["allow_no_rules"] = True
    return base.merged(**overrides), path


def check_selectors(config: Config, catalog: Catalog) -> None:
    """Every select/ignore/severity selector must name a rule: a typo must not silently run nothing."""
    from assess.errors import ConfigError

    known = [rule.id for pack in catalog.packs for rule in pack.rules]
    for setting, selectors in (("select", config.select), ("ignore", config.ignore), ("severity", config.severity)):
        for selector in selectors:
            if not any(rule_id.startswith(selector) for rule_id in known):
                raise ConfigError(f"{setting}: {selector!r} matches no rule (`assess rules` lists them)")
