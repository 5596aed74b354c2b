"""The catalog: the rule packs in use, filtered and tuned by configuration, compiled once.

Building a catalog loads the packs, applies select/ignore, severity and
threshold overrides, compiles every condition into durable_rules' language and
prepares the engine the configuration chooses (`assess.engines.select`). It is
cached per configuration, so a batch of plans (or a library caller assessing
thousands) pays for it once.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from assess.config import Config, per_config
from assess.engines.base import CompiledRule, Engine
from assess.engines.select import make_engine
from assess.errors import ConfigError, RulePackError
from assess.frozen import Frozen
from assess.resources import RULES_DIR
from assess.results.kinds import Severity
from assess.rules.conditions import ConditionError, compile_condition
from assess.rules.placeholders import Detector
from assess.rules.rulepack import Placeholders, Rule, RulePack, load_pack, merge_placeholders

if TYPE_CHECKING:
    from assess.results.report import RulePackInfo

T = TypeVar("T")


@dataclass(frozen=True, eq=False, repr=False)
class ActiveRule(Frozen):
    """A rule as it runs under a configuration."""

    rule: Rule
    severity: Severity
    weight: float
    id: str = field(init=False)  # copied from the rule: read on every assessment, many times
    step: int = field(init=False)
    _texts: dict[str, dict[str, str]] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.rule.id)
        object.__setattr__(self, "step", self.rule.spec.step)

    def texts(self, lang: str) -> dict[str, str]:
        """Title, action headline, rationale and recommendation in a language (English without a translation)."""
        found = self._texts.get(lang)
        if found is None:
            spec = self.rule.spec
            words: Any = spec.fr if lang == "fr" and spec.fr is not None else spec
            found = {
                "title": words.title,
                "action": words.action or words.title,
                "rationale": words.rationale,
                "recommendation": words.recommendation,
            }
            self._texts[lang] = found
        return found


@dataclass(frozen=True, eq=False, repr=False)
class Catalog(Frozen):
    packs: tuple[RulePack, ...]
    rules: tuple[ActiveRule, ...]
    thresholds: dict[str, float]
    engine: Engine
    placeholders: Detector = field(default_factory=lambda: Detector(Placeholders()))  # every pack's, together
    # Tables later stages derive from the rules (`derived`): built on first use, rebuilt with the catalog.
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: str, build: Callable[[Catalog], T]) -> T:
        """What `build` derives from this catalog, built once and kept (read only, so shared by threads:
        two threads may both build it first, the same table either way)."""
        found: T | None = self._derived.get(key)
        if found is None:
            found = self._derived[key] = build(self)
        return found

    def rule(self, rule_id: str) -> ActiveRule | None:
        for active in self.rules:
            if active.id == rule_id:
                return active
        return None

    @property
    def pack_info(self) -> list[RulePackInfo]:
        """The report's record of each pack: a new list each time, of records made once per catalog."""
        return list(self._pack_records)

    @cached_property
    def _pack_records(self) -> tuple[RulePackInfo, ...]:
        from assess.results.report import RulePackInfo  # the report's models: only when a report is made

        return tuple(
            RulePackInfo(name=pack.name, version=pack.version, rules=len(pack.rules), sha256=pack.sha256)
            for pack in self.packs
        )

    def help_uri(self, rule: Rule) -> str:
        for pack in self.packs:
            if pack.name == rule.pack and pack.help_uri:
                return pack.help_uri.replace("{id}", rule.id)
        return ""  # the pack documents its rules nowhere: reports give no link rather than a made-up one


# A catalog's key (`_key`): the settings' JSON and each pack's signature, as a tuple of texts kept from call
# to call, so that looking one up hashes and compares strings whose hashes are cached (a joined text, made
# anew each call, was hashed whole every time: ~1,200 characters).
_Key = tuple[str, ...]
_cache: dict[_Key, Catalog] = {}
_pack_cache: dict[str, RulePack] = {}
_lock = threading.Lock()
# The catalogs already checked against a key's selectors (the settings' JSON is kept by the config
# object: `_settings`, `per_config`).
_checked: dict[tuple[_Key, bool], Catalog] = {}
_BUNDLED_RECHECK_SECONDS = 1.0
_bundled_signature: tuple[float, str] | None = None


def _signature(path: Path) -> str:
    """Path plus size and mtime of its files, so an edited pack is loaded again."""
    try:
        if path.is_dir():
            with os.scandir(path) as entries:
                files = sorted((entry.name, entry.path) for entry in entries)
        else:
            files = [(path.name, os.fspath(path))]
        stats = []
        for name, full in files:
            info = os.stat(full)
            if stat.S_ISREG(info.st_mode):
                stats.append((name, info.st_mtime_ns, info.st_size))
    except OSError:
        stats = []
    return f"{path.resolve()}|{stats}"


def _current_signature(path: Path) -> str:
    """`_signature`, read again on every call for a caller's packs; the bundled pack's at most once a second.

    The bundled pack is part of the installed program (like its modules): re-reading its
    folder's listing and a stat per file on every assessment cost more than the rest of
    the catalog lookup, while an edit to it (in a source checkout) is still noticed
    within a second.
    """
    global _bundled_signature
    if path is not RULES_DIR:
        return _signature(path)
    now = time.monotonic()
    known = _bundled_signature
    if known is None or not 0 <= now - known[0] < _BUNDLED_RECHECK_SECONDS:
        known = (now, _signature(path))
        _bundled_signature = known
    return known[1]


def _pack(path: Path) -> RulePack:
    key = _signature(path)
    if key not in _pack_cache:
        _pack_cache[key] = load_pack(path)
    return _pack_cache[key]


def _pack_paths(config: Config) -> list[Path]:
    return ([RULES_DIR] if config.builtin_rules else []) + list(config.rules)


def load_packs(config: Config) -> tuple[RulePack, ...]:
    packs = tuple(_pack(path) for path in _pack_paths(config))
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise RulePackError(f"rule pack {pack.name}: rule {rule.id} is already defined by pack {seen[rule.id]}")
            seen[rule.id] = pack.name
    return packs


def build_catalog(config: Config) -> Catalog:
    """The compiled catalog for a configuration (cached); `ConfigError` when it would check nothing.

    A selector (select, ignore, severity) that names no rule is an error, as is a
    configuration under which no rule is active (``builtin_rules = false`` and no
    pack, or everything ignored) unless ``allow_no_rules`` says it is intended.
    """
    key = _key(config)
    checked = _checked.get((key, config.allow_no_rules))
    if checked is not None:
        return checked
    catalog = _build_catalog(config, key)
    known = [rule.id for pack in catalog.packs for rule in pack.rules]
    for setting, selectors in (("select", config.select), ("ignore", config.ignore), ("severity", config.severity)):
        for selector in selectors:
            if not any(rule_id.startswith(selector) for rule_id in known):
                raise ConfigError(f"{setting}: {selector!r} matches no rule (`assess rules` lists them)")
    if not catalog.rules and not config.allow_no_rules:
        reason = "builtin_rules is false and no --rules pack is given" if not catalog.packs else "no rule is selected"
        raise ConfigError(f"no rule is active ({reason}): nothing would be checked; --allow-no-rules if intended")
    with _lock:
        if len(_checked) >= 256:
            _checked.clear()
        _checked[(key, config.allow_no_rules)] = catalog
    return catalog


@per_config
def _settings(config: Config) -> str:
    """The settings that shape a catalog, as text: equal settings give equal text."""
    scoring = [getattr(config.scoring, knob.name) for knob in fields(config.scoring)]
    return json.dumps([config.select, config.ignore, config.severity, config.thresholds, scoring, config.engine])


def _key(config: Config) -> _Key:
    """What the catalog depends on: the settings that shape it and the packs' current signatures."""
    return (_settings(config), *map(_current_signature, _pack_paths(config)))


def _build_catalog(config: Config, key: _Key) -> Catalog:
    with _lock:
        if key in _cache:
            return _cache[key]
        packs = load_packs(config)
        thresholds: dict[str, float] = {}
        for pack in packs:
            for name, threshold in pack.thresholds.items():
                thresholds.setdefault(name, threshold.value)
        unknown = sorted(set(config.thresholds) - set(thresholds))
        if unknown:
            noun = "threshold" if len(unknown) == 1 else "thresholds"
            known = ", ".join(sorted(thresholds))
            raise ConfigError(f"unknown {noun}: {', '.join(unknown)} (known: {known})")
        thresholds.update(config.thresholds)
        active: list[ActiveRule] = []
        compiled: list[CompiledRule] = []
        for pack in packs:
            # A rule refers only to its own pack's thresholds (checked at load); while none of them is
            # overridden, its conditions are those the pack compiled when it was loaded (and cached).
            as_loaded = all(thresholds[name] == threshold.value for name, threshold in pack.thresholds.items())
            precompiled = pack.compiled_conditions() if as_loaded else {}
            for rule in pack.rules:
                if not config.selects(rule.id):
                    continue
                spec = rule.spec
                severity = config.severity_for(rule.id, spec.severity)
                weight = spec.weight if spec.weight is not None else config.scoring.severity_weights[severity]
                active.append(ActiveRule(rule, severity, weight))
                if rule.id in precompiled:
                    fail, skip = precompiled[rule.id]
                else:
                    try:
                        fail = compile_condition(spec.when, thresholds)
                        skip = compile_condition(spec.skip_when, thresholds) if spec.skip_when is not None else []
                    except ConditionError as exc:  # the pack's own values compiled at load: an override broke it
                        given = ", ".join(f"{name}={value:g}" for name, value in sorted(config.thresholds.items()))
                        raise ConfigError(f"thresholds ({given}): rule {rule.id}'s condition {exc}") from None
                compiled.append(
                    CompiledRule(rule.id, tuple(tuple(alt) for alt in fail), tuple(tuple(alt) for alt in skip))
                )
        active.sort(key=lambda a: (a.step, a.id))
        catalog = Catalog(
            packs=packs,
            rules=tuple(active),
            thresholds=thresholds,
            engine=make_engine(config.engine, compiled),
            placeholders=Detector(merge_placeholders(pack.placeholders for pack in packs)),
        )
        _cache[key] = catalog
        return catalog
