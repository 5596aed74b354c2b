"""Rule packs: rules as data, with their own examples, loaded from YAML or JSON.

A pack is a folder holding ``pack.yaml`` (name, version, thresholds, the base
plan its examples patch) and any number of ``*.yaml`` files with a ``rules:``
list, or a single file holding both. ``schemas/rule-pack.schema.json`` is
generated from the pydantic models of `assess.rules.packmodel`, which validate a
pack; the rules run with the plain dataclasses below. Loading checks everything a pack can get
wrong (structure, conditions against the fact model, message placeholders,
thresholds, duplicate ids) and reports the first problem as one
`RulePackError` naming the pack, the rule and the problem.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from assess._version import __version__
from assess.atomic import write_atomic
from assess.cachedir import cache_dir
from assess.errors import RulePackError, single_line
from assess.frozen import Frozen, record
from assess.reading import MAX_DEPTH, MAX_PACK_FILE_BYTES, TooLarge, read_limited, too_deep
from assess.results.kinds import Severity
from assess.rules.conditions import ConditionError, absent_kinds, alternative_bindings, compile_condition
from assess.rules.facts import FACT_MODEL, SECTIONS

# {binding.field}, {binding.field|filter}, or {binding.field|count:singular:plural} ("3 channels").
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)(?:\|([a-z]+)(?::([^{}:|]*):([^{}:|]*))?)?\}")
FILTERS = frozenset({"count", "date", "days", "label", "list", "round"})
# Reports link to it (SARIF helpUri, HTML): a web address only, never javascript: or data:, no blanks or controls.
_WEB_ADDRESS = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f\"<>\\^`|]+$", re.IGNORECASE)
DEFAULT_WEIGHTS: dict[Severity, float] = {
    Severity.CRITICAL: 10,
    Severity.HIGH: 6,
    Severity.MEDIUM: 3,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


# ------------------------------------------------------------------ the run-time objects
# Plain frozen dataclasses, of the names, fields (in order) and defaults of `assess.rules.packmodel`'s
# pydantic models (tests/test_pack_cache.py compares them): the rules run with these, built by the
# functions below from data those models validated, either just now or when the pack was cached.
# A pack from the verified cache thus never imports pydantic (issue 15: a fifth of the cold budget).


@record
class Threshold(Frozen):
    value: float
    unit: str
    description: str
    source: str


@record
class Example(Frozen):
    note: str
    patch: dict[str, Any] = field(default_factory=dict)
    set: dict[str, Any] = field(default_factory=dict)
    findings: int | None = None


@record
class Examples(Frozen):
    passing: list[Example]
    failing: list[Example]


@record
class Translation(Frozen):
    title: str
    action: str | None = None
    message: str | list[str]
    rationale: str
    recommendation: str


# One entry of a rule's `requires`: a pointer, or {any: [pointers]} of which one stated is enough.
Required = str | dict[Literal["any"], list[str]]


@record
class RuleSpec(Frozen):
    """One rule, as written in a pack (see `assess.rules.packmodel.RuleSpec` for what each field means)."""

    id: str
    step: int
    title: str
    action: str | None = None
    severity: Severity
    weight: float | None = None
    rationale: str
    recommendation: str
    message: str | list[str]
    about: str | None = None
    # `field` shadows dataclasses.field in this class body, hence dataclasses.field below
    field: str | list[str | None] | None = None
    when: list[dict[str, Any]] | dict[str, Any]
    skip_when: list[dict[str, Any]] | dict[str, Any] | None = None
    requires: list[Required] = dataclasses.field(default_factory=list)
    unlocks: list[str] = dataclasses.field(default_factory=list)
    references: list[str] = dataclasses.field(default_factory=list)
    examples: Examples
    fr: Translation | None = None


@record
class Placeholders(Frozen):
    """Texts that stand in for a fact not yet written: a field holding one counts as unstated."""

    texts: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    starter: list[str] = field(default_factory=list)


def required_options(entry: Required) -> tuple[str, ...]:
    """The pointers of one entry of a rule's ``requires``: the pointer itself, or those of ``{any: [...]}``,
    of which one stated is enough (the first is the one reported as missing when none is)."""
    return (entry,) if isinstance(entry, str) else tuple(entry["any"])


def spec_of(values: Mapping[str, Any]) -> RuleSpec:
    """The `RuleSpec` of a rule's validated values: `packmodel.validated` gives them on a fresh load, the
    cache entry (their JSON form) on a cache hit. The only conversion of a rule, so both give equal specs."""
    examples = values["examples"]
    translation = values["fr"]
    return RuleSpec(
        **{
            **values,
            "severity": Severity(values["severity"]),
            "examples": Examples(
                passing=[Example(**example) for example in examples["passing"]],
                failing=[Example(**example) for example in examples["failing"]],
            ),
            "fr": None if translation is None else Translation(**translation),
        }
    )


def threshold_of(values: Mapping[str, Any]) -> Threshold:
    """The `Threshold` of validated values (see `spec_of`)."""
    return Threshold(**values)


def placeholders_of(values: Mapping[str, Any]) -> Placeholders:
    """The `Placeholders` of validated values (see `spec_of`)."""
    return Placeholders(**values)


@dataclass(frozen=True, eq=False, repr=False)
class Rule(Frozen):
    """A loaded rule: its spec and where it came from."""

    spec: RuleSpec
    pack: str
    source: Path

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def alternatives(self) -> list[dict[str, str]]:
        """Per alternative of `when`: binding name -> fact kind, in pattern order."""
        return alternative_bindings(self.spec.when)

    @cached_property
    def absent(self) -> list[str | None]:
        """Per alternative of `when`: the plan element it says is missing (the pointer of its first
        negated one-of-a-kind fact, e.g. /policies/crisis_plan), or None."""
        return [SECTIONS.get(kind) if kind else None for kind in absent_kinds(self.spec.when)]

    def about(self, alternative: int) -> str:
        bindings = self.alternatives[alternative]
        if self.spec.about in bindings:
            return self.spec.about
        return next(iter(bindings))

    def field(self, alternative: int) -> str | None:
        """The field of the element a finding of `alternative` points at (None: the element itself)."""
        field = self.spec.field
        return field[alternative] if isinstance(field, list) else field

    def message(self, alternative: int, lang: str = "en") -> str:
        spec = self.spec
        template = spec.fr.message if lang == "fr" and spec.fr is not None else spec.message
        return template[alternative] if isinstance(template, list) else template


@dataclass(frozen=True, eq=False, repr=False)
class RulePack(Frozen):
    name: str
    version: str
    description: str
    path: Path
    thresholds: dict[str, Threshold]
    rules: tuple[Rule, ...]
    example_base_path: Path | None
    help_uri: str | None
    sha256: str = field(default="")  # of the pack's files (names and bytes)
    placeholders: Placeholders = field(default_factory=Placeholders)  # of all its files together
    # Rule id -> [when, skip_when] compiled under the pack's own thresholds, as JSON text (parsed
    # afresh by each catalog that uses it, so no two catalogs share a mutable pattern).
    compiled: str = field(default="{}", repr=False, compare=False)

    def compiled_conditions(self) -> dict[str, list[list[list[dict[str, Any]]]]]:
        """Each rule's `when` and `skip_when` (empty: none) compiled with the pack's own thresholds."""
        conditions: dict[str, list[list[list[dict[str, Any]]]]] = json.loads(self.compiled)
        return conditions

    @cached_property
    def example_base(self) -> dict[str, Any] | None:
        """The plan the examples patch (read on first use: only rule tests and pages need it)."""
        if self.example_base_path is None:
            return None
        base = _read_structured(self.example_base_path, self.name)
        if not isinstance(base, dict):
            raise RulePackError(f"rule pack {self.name}: example_base {self.example_base_path} is not a plan object")
        return base


CACHE_FORMAT = 2  # the layout of a cache entry (see `_cache_entry_data`); names the cache folder


def _cache_dir() -> Path | None:
    # The folder names the entry format: a version of assess that stores entries another way
    # uses another folder, so neither ever reads the other's entries as a pack.
    return cache_dir(f"packs-{CACHE_FORMAT}")


def _cache_entry_data(text: str, digest: str) -> Any:
    """The parsed data of a cache entry, or `_NOT_CACHED` unless every check holds.

    An entry is used only when it says it is this cache format, written by this
    version of assess, for exactly this source (the SHA-256 of the YAML text, also
    its file name), and its data hashes to the SHA-256 it records. A truncated,
    stale, foreign or edited entry is ignored (and rewritten), never trusted.
    """
    try:
        entry = json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_CACHED
    if not isinstance(entry, dict) or entry.get("assess_pack_cache") != CACHE_FORMAT:
        return _NOT_CACHED
    if entry.get("assess") != __version__ or entry.get("source") != digest or "data" not in entry:
        return _NOT_CACHED
    if entry.get("sha256") != _data_hash(entry["data"]):
        return _NOT_CACHED
    return entry["data"]


def _data_hash(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_NOT_CACHED = object()


def _parse_yaml(text: str, digest: str) -> Any:
    """YAML, through a JSON cache keyed by the text's hash (each entry verified, see `_cache_entry_data`).

    The catalog is read on every cold start: libyaml takes ~60 ms of it, JSON ~5 ms.
    A cache that cannot be read or written is simply not used.
    """
    folder = _cache_dir()
    cached = folder / f"{digest}.json" if folder is not None else None
    if cached is not None:
        with contextlib.suppress(OSError, ValueError):
            found = _cache_entry_data(read_limited(cached, 4 * MAX_PACK_FILE_BYTES).decode("utf-8"), digest)
            if found is not _NOT_CACHED:
                return found
    import yaml  # here, not at the top: a warm cache never needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available; safe either way
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None
    if cached is None or too_deep(data):
        return data
    with contextlib.suppress(OSError, TypeError, ValueError):
        text_form = json.dumps(data, ensure_ascii=False)
        if json.loads(text_form) == data:  # only what JSON keeps as it is (no int keys, no dates)
            entry = {
                "assess_pack_cache": CACHE_FORMAT,
                "assess": __version__,
                "source": digest,
                "sha256": _data_hash(data),
                "data": data,
            }
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cached, json.dumps(entry, ensure_ascii=False))
    return data


def _read_structured(path: Path, pack: str, digest: Any = None) -> Any:
    """The parsed file; its bytes are added to `digest` (a hashlib object) when given."""
    try:
        raw = read_limited(path, MAX_PACK_FILE_BYTES)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError, TooLarge) as exc:
        raise RulePackError(f"rule pack {pack}: cannot read {path}: {exc}") from None
    if digest is not None:
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
    try:
        data = json.loads(text) if path.suffix == ".json" else _parse_yaml(text, hashlib.sha256(raw).hexdigest())
    except ValueError as exc:  # json.JSONDecodeError, or a YAML error from _parse_yaml
        detail = str(exc).replace("\n", " ")
        raise RulePackError(f"rule pack {pack}: {path} is not valid YAML/JSON: {detail}") from None
    except RecursionError:
        raise RulePackError(f"rule pack {pack}: {path}: nested more than {MAX_DEPTH} levels deep") from None
    if too_deep(data):
        raise RulePackError(f"rule pack {pack}: {path}: nested more than {MAX_DEPTH} levels deep")
    return data


def load_pack(path: str | Path) -> RulePack:
    """Load and check a pack (a folder with pack.yaml, or one YAML/JSON file).

    A pack that loaded and passed every check before, byte for byte, under this version, comes
    from the verified cache of loaded packs (`_cached_pack`): no parsing, validation or checks.
    """
    path = Path(path)
    label = str(path)
    if path.is_dir():
        header_path = path / "pack.yaml"
        if not header_path.is_file():
            raise RulePackError(f"rule pack {label}: a pack folder needs a pack.yaml (name, version, thresholds)")
        rule_files = (p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json") and p.name != "pack.yaml")
        files = [header_path, *sorted(rule_files)]
    elif path.exists():  # a file (or a device or pipe: read with the size limit, never forever)
        files = [path]
    else:
        raise RulePackError(f"rule pack {label}: no such file or folder")

    entry = _pack_entry_path(files)
    if entry is not None:
        cached = _cached_pack(path, files, entry)
        if cached is not None:
            return cached
    pack = _load_pack(path, label, files)
    if entry is not None:
        _write_pack_entry(pack, files, entry)
    return pack


def _load_pack(path: Path, label: str, files: list[Path]) -> RulePack:
    # Here, not at the top: only a pack that is not in the verified cache is validated (issue 15).
    from assess.rules import packmodel

    digest = hashlib.sha256()
    header_data = _read_structured(files[0], label, digest)
    try:
        header = packmodel.validated(packmodel.PackFile, header_data)
    except packmodel.Invalid as exc:
        raise RulePackError(f"rule pack {label}: {files[0].name}: {exc}") from None
    name: str = header["pack"]
    example_base: str | None = header["example_base"]
    help_uri: str | None = header["help_uri"]
    base_dir = files[0].parent
    base_path = (base_dir / example_base) if example_base else None
    if base_path is not None and not base_path.resolve().is_relative_to(base_dir.resolve()):
        raise RulePackError(f"rule pack {name}: example_base {example_base!r} must stay inside the pack's folder")
    if help_uri is not None and not _WEB_ADDRESS.match(help_uri):
        raise RulePackError(
            f"rule pack {name}: help_uri {single_line(help_uri)!r} must be an http:// or https:// address"
        )
    rules: list[Rule] = [Rule(spec_of(spec), name, files[0]) for spec in header["rules"]]
    placeholders = [placeholders_of(header["placeholders"])] if header["placeholders"] is not None else []
    for extra in files[1:]:
        if base_path is not None and extra.resolve() == base_path.resolve():
            continue
        data = _read_structured(extra, label, digest)
        if data is None:
            continue
        try:
            parsed = packmodel.validated(packmodel.RulesFile, data)
        except packmodel.Invalid as exc:
            raise RulePackError(f"rule pack {name}: {extra.name}: {exc}") from None
        rules.extend(Rule(spec_of(spec), name, extra) for spec in parsed["rules"])
        if parsed["placeholders"] is not None:
            placeholders.append(placeholders_of(parsed["placeholders"]))

    if base_path is not None and not base_path.is_file():
        raise RulePackError(f"rule pack {name}: example_base {base_path} does not exist")
    thresholds = {key: threshold_of(values) for key, values in header["thresholds"].items()}
    compiled = _check_rules(name, rules, {key: t.value for key, t in thresholds.items()})
    merged = merge_placeholders(placeholders)
    for pattern in merged.patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulePackError(f"rule pack {name}: placeholder pattern {pattern!r} is not valid: {exc}") from None
    return RulePack(
        name=name,
        version=header["version"],
        description=header["description"],
        path=path,
        thresholds=thresholds,
        rules=tuple(rules),
        example_base_path=base_path,
        help_uri=help_uri,
        sha256=digest.hexdigest(),
        placeholders=merged,
        compiled=json.dumps(compiled, ensure_ascii=False),
    )


# ------------------------------------------------------------------ the cache of loaded packs

PACK_CACHE_FORMAT = 2  # the layout of a loaded-pack entry (see `_pack_entry_data`); 2: values only, no pydantic


def _pack_entry_path(files: list[Path]) -> Path | None:
    """Where the loaded pack of exactly these files' names and bytes is cached (None: no cache, unreadable).

    The key hashes every file of the pack (the example base too), so an edited, added,
    removed or renamed file is another pack; the entry itself says which source it is for.
    """
    folder = _cache_dir()
    if folder is None:
        return None
    source = hashlib.sha256(f"assess-pack {PACK_CACHE_FORMAT} {__version__}\0".encode())
    try:
        for file in files:
            source.update(file.name.encode() + b"\0" + read_limited(file, MAX_PACK_FILE_BYTES) + b"\0")
    except (OSError, TooLarge):
        return None  # the ordinary load reports it
    return folder / f"pack-{source.hexdigest()}.json"


def _pack_entry_data(text: str, source: str) -> Any:
    """The data of a loaded-pack entry, or `_NOT_CACHED` unless every check holds.

    An entry is two lines: a header (this entry format, this version of assess, the source
    hash it was written for, which is also its file name, and the SHA-256 of the second
    line) and the pack as JSON. A truncated, stale, foreign or edited entry is not trusted.
    """
    header_text, newline, body = text.partition("\n")
    if not newline:
        return _NOT_CACHED
    try:
        header = json.loads(header_text)
        if not isinstance(header, dict) or header.get("assess_pack_cache") != f"loaded-{PACK_CACHE_FORMAT}":
            return _NOT_CACHED
        if header.get("assess") != __version__ or header.get("source") != source:
            return _NOT_CACHED
        if header.get("sha256") != hashlib.sha256(body.encode("utf-8")).hexdigest():
            return _NOT_CACHED
        return json.loads(body)
    except (ValueError, RecursionError):
        return _NOT_CACHED


def _write_pack_entry(pack: RulePack, files: list[Path], entry: Path) -> None:
    """Record a pack that loaded and passed every check (a cache that cannot be written is not used).

    The entry holds each object's values as JSON (`dataclasses.asdict`): what `spec_of`,
    `threshold_of` and `placeholders_of` turn back into the very objects a fresh load gives.
    A pack JSON cannot carry as it is (a YAML date or integer key in a condition or an
    example) is not cached, and is loaded afresh each time.
    """
    names = {file: file.name for file in files}
    if pack.example_base_path is not None and pack.example_base_path not in names:
        return  # an example base outside the hashed files: not cached, it is checked on every load
    with contextlib.suppress(OSError, TypeError, ValueError, KeyError, RecursionError):
        data = {
            "name": pack.name,
            "version": pack.version,
            "description": pack.description,
            "help_uri": pack.help_uri,
            "example_base": None if pack.example_base_path is None else pack.example_base_path.name,
            "sha256": pack.sha256,
            "thresholds": {name: dataclasses.asdict(t) for name, t in pack.thresholds.items()},
            "rules": [[names[rule.source], dataclasses.asdict(rule.spec)] for rule in pack.rules],
            "placeholders": dataclasses.asdict(pack.placeholders),
            "compiled": pack.compiled,
        }
        body = json.dumps(data, ensure_ascii=False)
        if json.loads(body) != data:  # e.g. an integer key JSON turns into a string: not the same pack
            return
        header = {
            "assess_pack_cache": f"loaded-{PACK_CACHE_FORMAT}",
            "assess": __version__,
            "source": entry.stem.removeprefix("pack-"),
            "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        }
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, json.dumps(header) + "\n" + body)


def _cached_pack(path: Path, files: list[Path], entry: Path) -> RulePack | None:
    """The pack recorded in a verified entry, or None (not cached, or not to be trusted)."""
    try:
        text = read_limited(entry, 8 * MAX_PACK_FILE_BYTES).decode("utf-8")
    except (OSError, TooLarge, UnicodeDecodeError):
        return None
    data = _pack_entry_data(text, entry.stem.removeprefix("pack-"))
    if data is _NOT_CACHED:
        return None
    try:
        by_name = {file.name: file for file in files}
        base_path = by_name[data["example_base"]] if data["example_base"] is not None else None
        # Checked when the pack was loaded: built from the recorded values, as a fresh load builds them.
        return RulePack(
            name=data["name"],
            version=data["version"],
            description=data["description"],
            path=path,
            thresholds={name: threshold_of(values) for name, values in data["thresholds"].items()},
            rules=tuple(Rule(spec_of(spec), data["name"], by_name[source]) for source, spec in data["rules"]),
            example_base_path=base_path,
            help_uri=data["help_uri"],
            sha256=data["sha256"],
            placeholders=placeholders_of(data["placeholders"]),
            compiled=data["compiled"],
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def merge_placeholders(parts: Iterable[Placeholders]) -> Placeholders:
    """Several files' (or packs') placeholder lists as one, without repeats, in order."""
    parts = list(parts)
    return Placeholders(
        texts=list(dict.fromkeys(item for part in parts for item in part.texts)),
        words=list(dict.fromkeys(item for part in parts for item in part.words)),
        patterns=list(dict.fromkeys(item for part in parts for item in part.patterns)),
        starter=list(dict.fromkeys(item for part in parts for item in part.starter)),
    )


def _check_rules(
    pack: str, rules: Iterable[Rule], thresholds: Mapping[str, float]
) -> dict[str, list[list[list[dict[str, Any]]]]]:
    """Check every rule; each rule's `when` and `skip_when` (empty: none) compiled with `thresholds`."""
    rules = list(rules)
    compiled: dict[str, list[list[list[dict[str, Any]]]]] = {}
    ids = {rule.id for rule in rules}
    for rule in rules:
        unknown = [other for other in rule.spec.unlocks if other not in ids or other == rule.id]
        if unknown:
            raise RulePackError(
                f"rule pack {pack}: rule {rule.id} ({rule.source.name}): unlocks {', '.join(unknown)}, "
                "which is not another rule of this pack"
            )
    seen: dict[str, Path] = {}
    for rule in rules:
        spec = rule.spec
        where = f"rule pack {pack}: rule {spec.id} ({rule.source.name})"
        if spec.id in seen:
            raise RulePackError(f"{where}: duplicate rule id (also in {seen[spec.id].name})")
        seen[spec.id] = rule.source
        try:
            when = compile_condition(spec.when, thresholds)
            skip = compile_condition(spec.skip_when, thresholds) if spec.skip_when is not None else []
        except ConditionError as exc:
            raise RulePackError(f"{where}: condition {exc}") from None
        compiled[spec.id] = [when, skip]
        alternatives = rule.alternatives
        if not all(alternatives):
            raise RulePackError(f"{where}: every alternative of 'when' needs a positive binding to report on")
        if spec.about is not None and not any(spec.about in bindings for bindings in alternatives):
            raise RulePackError(f"{where}: about {spec.about!r} is not a binding of 'when'")
        if isinstance(spec.field, list) and len(spec.field) != len(alternatives):
            raise RulePackError(f"{where}: field has {len(spec.field)} entries for {len(alternatives)} alternatives")
        templates = {"message": spec.message}
        if spec.fr is not None:
            templates["fr.message"] = spec.fr.message
        for name, template in templates.items():
            if isinstance(template, list) and len(template) != len(alternatives):
                raise RulePackError(
                    f"{where}: {name} has {len(template)} messages for {len(alternatives)} alternatives"
                )
            for index, bindings in enumerate(alternatives):
                text = template[index] if isinstance(template, list) else template
                problem = template_problem(text, bindings, thresholds)
                if problem:
                    raise RulePackError(f"{where}: {name}: {problem}")
        for pointer in (pointer for entry in spec.requires for pointer in required_options(entry)):
            if not pointer.startswith("/"):
                raise RulePackError(f"{where}: requires {pointer!r} must be a JSON pointer starting with '/'")
    return compiled


def template_problem(template: str, bindings: Mapping[str, str], thresholds: Mapping[str, float]) -> str | None:
    """Why a message template cannot be filled, or None when it is fine."""
    for match in PLACEHOLDER.finditer(template):
        binding, name, flt, one, many = match.groups()
        if flt is not None and flt not in FILTERS:
            return f"unknown filter |{flt} (known: {', '.join(sorted(FILTERS))})"
        if (flt == "count") != (one is not None) or (one is not None and not (one.strip() and many.strip())):
            return f"{match.group(0)}: |count takes two forms, |count:singular:plural; other filters take none"
        if binding == "threshold":
            if name not in thresholds:
                return f"unknown threshold {{threshold.{name}}}"
            continue
        if binding not in bindings:
            return f"placeholder {{{binding}.{name}}}: no binding {binding!r} (bindings: {', '.join(bindings)})"
        kind = bindings[binding]
        if name not in FACT_MODEL[kind] and name not in ("ptr",):
            return f"placeholder {{{binding}.{name}}}: fact kind {kind!r} has no field {name!r}"
    leftover = PLACEHOLDER.sub("", template)
    if "{" in leftover or "}" in leftover:
        return "stray '{' or '}' (placeholders look like {binding.field})"
    return None
