"""Rule packs: rules as data, with their own examples, loaded from YAML or JSON.

A pack is a folder holding ``pack.yaml`` (name, version, thresholds, the base
plan its examples patch) and any number of ``*.yaml`` files with a ``rules:``
list, or a single file holding both. ``schemas/rule-pack.schema.json`` is
generated from the models below. Loading checks everything a pack can get
wrong (structure, conditions against the fact model, message placeholders,
thresholds, duplicate ids) and reports the first problem as one
`RulePackError` naming the pack, the rule and the problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assess._version import __version__
from assess.atomic import write_atomic
from assess.errors import RulePackError, single_line
from assess.reading import MAX_DEPTH, MAX_PACK_FILE_BYTES, TooLarge, read_limited, too_deep
from assess.results.kinds import Severity
from assess.rules.conditions import ConditionError, absent_kinds, alternative_bindings, compile_condition
from assess.rules.facts import FACT_MODEL, SECTIONS

RULE_ID = r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}$"
# {binding.field}, {binding.field|filter}, or {binding.field|count:singular:plural} ("3 channels").
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)(?:\|([a-z]+)(?::([^{}:|]*):([^{}:|]*))?)?\}")
FILTERS = frozenset({"count", "date", "label", "list", "round"})
# Reports link to it (SARIF helpUri, HTML): a web address only, never javascript: or data:, no blanks or controls.
_WEB_ADDRESS = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f\"<>\\^`|]+$", re.IGNORECASE)
DEFAULT_WEIGHTS: dict[Severity, float] = {
    Severity.CRITICAL: 10,
    Severity.HIGH: 6,
    Severity.MEDIUM: 3,
    Severity.LOW: 1,
    Severity.INFO: 0,
}

Condition = Annotated[
    list[dict[str, Any]] | dict[str, Any],
    Field(
        description="Patterns in durable_rules' rule language, all of which must match: "
        "[{binding: {kind: ..., field: value, $lt: {field: n}}}, {other$not: {...}}]; "
        "or {any: [[patterns], [patterns]]} for alternatives. Fields are those of the fact model."
    ),
]


def _empty_list() -> list[Any]:
    """A new empty list: a field's default. pydantic inspects a default factory's signature when it builds a
    schema; for the builtin `list` or `dict` that means parsing its text signature, 20 times slower than for
    a function (issue 15: the cold start builds ~60 such fields)."""
    return []


def _empty_dict() -> dict[Any, Any]:
    """A new empty dict: a field's default (see `_empty_list`)."""
    return {}


class _Strict(BaseModel):
    # Built on first use (issue 15): a pack from the cache of loaded packs is never validated again.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Threshold(_Strict):
    value: float = Field(description="The default value.")
    unit: str = Field(description="Unit, e.g. 'hours per week'.")
    description: str = Field(description="What the threshold is.")
    source: str = Field(description="Where the value comes from (publication and year, or the article's step).")


class Example(_Strict):
    note: str = Field(description="What the example shows.")
    patch: dict[str, Any] = Field(
        default_factory=_empty_dict, description="JSON Merge Patch (RFC 7386) applied to the pack's base plan."
    )
    set: dict[str, Any] = Field(
        default_factory=_empty_dict,
        description="Then, JSON pointer -> value: set that element (null removes it; '-' appends to a list).",
    )
    findings: int | None = Field(None, ge=1, description="For failing examples: how many findings are expected.")


class Examples(_Strict):
    passing: list[Example] = Field(alias="pass", min_length=1, description="Plans on which the rule must pass.")
    failing: list[Example] = Field(alias="fail", min_length=1, description="Plans on which the rule must fail.")


class Translation(_Strict):
    title: str = Field(description="Translated title.")
    action: str | None = Field(
        default=None, min_length=3, description="Translated action headline (imperative); the title without one."
    )
    message: str | list[str] = Field(description="Translated message template(s) (same placeholders).")
    rationale: str = Field(description="Translated rationale.")
    recommendation: str = Field(description="Translated recommendation.")


class RuleSpec(_Strict):
    """One rule, as written in a pack."""

    id: Annotated[str, Field(pattern=RULE_ID)] = Field(description="Stable id: a prefix and a number, e.g. 'POL-03'.")
    step: Annotated[int, Field(ge=1, le=11)] = Field(description="The step of the article (1-11).")
    title: str = Field(min_length=3, description="What a passing plan does, in a few words.")
    action: str | None = Field(
        default=None,
        min_length=3,
        description="What to do, as an imperative headline ('Write a crisis communication plan'): "
        "the title of the rule's recommendation in every report. Optional, so that packs written before "
        "headlines keep loading: without one, the rule's title stands in (every built-in rule has one).",
    )
    severity: Severity = Field(description="critical, high, medium, low or info.")
    weight: float | None = Field(None, ge=0, description="Scoring weight; defaults to the severity's weight.")
    rationale: str = Field(min_length=10, description="Why it matters, citing the step of the article.")
    recommendation: str = Field(min_length=10, description="What to do.")
    message: str | list[str] = Field(
        description="Finding message; {binding.field} placeholders, optional |date, |list (of labels), |label "
        "(a value's display name), |round, or |count:singular:plural (the number and the agreeing noun: "
        "'{p.active_channels|count:channel is:channels are} active'). "
        "A list gives one message per alternative of an 'any' condition."
    )
    about: str | None = Field(
        None,
        description="The binding whose plan element the finding points at, when the matched alternative has it "
        "(default: the alternative's first binding).",
    )
    field: str | None = Field(None, description="A field of that element to point at more precisely.")
    when: Condition
    skip_when: Condition | None = Field(
        None, description="When this matches, the rule does not apply (not applicable)."
    )
    requires: list[str] = Field(
        default_factory=_empty_list,
        description="JSON pointers the rule needs ('*' for every item, '*[field=value]' for matching items); "
        "when one is unstated and the rule did not fail, the result is 'unknown'.",
    )
    unlocks: list[Annotated[str, Field(pattern=RULE_ID)]] = Field(
        default_factory=_empty_list,
        description="Rules that cannot be judged while this one fails (the details of a missing section). "
        "While it fails, those that are not applicable or unknown are blocked: scored as failed, so "
        "stating the section never lowers the score. The score predicted for fixing this rule counts "
        "them as passing, as the recommendation asks.",
    )
    references: list[str] = Field(default_factory=_empty_list, description="Sources beyond the article.")
    examples: Examples = Field(description="Plans that must pass and fail.")
    fr: Translation | None = Field(None, description="French texts.")


class Placeholders(_Strict):
    """Texts that stand in for a fact not yet written: a field holding one counts as unstated."""

    texts: list[str] = Field(
        default_factory=_empty_list,
        description="Whole values that are placeholders (e.g. '...', 'Your name'), compared without case, "
        "spacing, curly quotes or trailing punctuation.",
    )
    words: list[str] = Field(
        default_factory=_empty_list,
        description="Words or phrases that mark a placeholder wherever they stand as whole words in a value "
        "(e.g. 'TODO', 'à compléter'; 'to do' inside a sentence is not 'TODO'), compared without case.",
    )
    patterns: list[str] = Field(
        default_factory=_empty_list,
        description="Python regular expressions searched in each value, without case (e.g. example.org "
        "addresses, '<name>' templates).",
    )
    starter: list[str] = Field(
        default_factory=_empty_list,
        description="The texts `assess init` writes, compared as 'texts' are and reported as the starter's. "
        "Generated from assess/plan/starter.py by `make schemas`.",
    )


class PackHeader(_Strict):
    pack: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")] = Field(description="Pack name.")
    version: str = Field(description="Pack version.")
    description: str = Field("", description="What the pack covers.")
    thresholds: dict[str, Threshold] = Field(
        default_factory=_empty_dict, description="Named thresholds rules refer to."
    )
    example_base: str | None = Field(None, description="Base plan for the examples, relative to the pack.")
    help_uri: str | None = Field(None, description="Documentation address; '{id}' is replaced by the rule id.")
    placeholders: Placeholders | None = Field(None, description="Placeholder texts (see the README's Placeholders).")


class RulesFile(_Strict):
    """A file of rules inside a pack folder, and the placeholder texts it adds."""

    rules: list[RuleSpec] = Field(default_factory=_empty_list, description="Rules.")
    placeholders: Placeholders | None = Field(None, description="Placeholder texts (see the README's Placeholders).")


class PackFile(PackHeader):
    """A single-file pack, or a folder's pack.yaml."""

    rules: list[RuleSpec] = Field(default_factory=_empty_list, description="Rules.")


@dataclass(frozen=True)
class Rule:
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

    def message(self, alternative: int, lang: str = "en") -> str:
        spec = self.spec
        template = spec.fr.message if lang == "fr" and spec.fr is not None else spec.message
        return template[alternative] if isinstance(template, list) else template


@dataclass(frozen=True)
class RulePack:
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
    configured = os.environ.get("ASSESS_CACHE_DIR")
    if configured == "":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    # The folder names the entry format: a version of assess that stores entries another way
    # uses another folder, so neither ever reads the other's entries as a pack.
    return Path(base) / "assess" / f"packs-{CACHE_FORMAT}"


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


def _pydantic_problem(exc: ValidationError, data: Any) -> str:
    error = exc.errors()[0]
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        rules = data.get("rules") or []
        if loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            where = f"rule {rules[loc[1]].get('id', '#' + str(loc[1]))}: "
        loc = loc[2:]
    path = ".".join(str(part) for part in loc) or "(top level)"
    return f"{where}{path}: {error['msg']}"


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
    digest = hashlib.sha256()
    header_data = _read_structured(files[0], label, digest)
    try:
        header = PackFile.model_validate(header_data)
    except ValidationError as exc:
        raise RulePackError(f"rule pack {label}: {files[0].name}: {_pydantic_problem(exc, header_data)}") from None
    base_dir = files[0].parent
    base_path = (base_dir / header.example_base) if header.example_base else None
    if base_path is not None and not base_path.resolve().is_relative_to(base_dir.resolve()):
        raise RulePackError(
            f"rule pack {header.pack}: example_base {header.example_base!r} must stay inside the pack's folder"
        )
    if header.help_uri is not None and not _WEB_ADDRESS.match(header.help_uri):
        raise RulePackError(
            f"rule pack {header.pack}: help_uri {single_line(header.help_uri)!r} must be an http:// or https:// address"
        )
    rules: list[Rule] = [Rule(spec, header.pack, files[0]) for spec in header.rules]
    placeholders = [header.placeholders] if header.placeholders else []
    for extra in files[1:]:
        if base_path is not None and extra.resolve() == base_path.resolve():
            continue
        data = _read_structured(extra, label, digest)
        if data is None:
            continue
        try:
            parsed = RulesFile.model_validate(data)
        except ValidationError as exc:
            raise RulePackError(f"rule pack {header.pack}: {extra.name}: {_pydantic_problem(exc, data)}") from None
        rules.extend(Rule(spec, header.pack, extra) for spec in parsed.rules)
        if parsed.placeholders is not None:
            placeholders.append(parsed.placeholders)

    if base_path is not None and not base_path.is_file():
        raise RulePackError(f"rule pack {header.pack}: example_base {base_path} does not exist")
    thresholds = dict(header.thresholds)
    compiled = _check_rules(header.pack, rules, {name: t.value for name, t in thresholds.items()})
    merged = merge_placeholders(placeholders)
    for pattern in merged.patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulePackError(
                f"rule pack {header.pack}: placeholder pattern {pattern!r} is not valid: {exc}"
            ) from None
    return RulePack(
        name=header.pack,
        version=header.version,
        description=header.description,
        path=path,
        thresholds=thresholds,
        rules=tuple(rules),
        example_base_path=base_path,
        help_uri=header.help_uri,
        sha256=digest.hexdigest(),
        placeholders=merged,
        compiled=json.dumps(compiled, ensure_ascii=False),
    )


# ------------------------------------------------------------------ the cache of loaded packs

PACK_CACHE_FORMAT = 1  # the layout of a loaded-pack entry (see `_pack_entry_data`)


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
    """Record a pack that loaded and passed every check (a cache that cannot be written is not used)."""
    names = {file: file.name for file in files}
    if pack.example_base_path is not None and pack.example_base_path not in names:
        return  # an example base outside the hashed files: not cached, it is checked on every load
    data = {
        "name": pack.name,
        "version": pack.version,
        "description": pack.description,
        "help_uri": pack.help_uri,
        "example_base": None if pack.example_base_path is None else pack.example_base_path.name,
        "sha256": pack.sha256,
        "thresholds": {name: t.model_dump(mode="json") for name, t in pack.thresholds.items()},
        "rules": [[names[rule.source], _dump_spec(rule.spec)] for rule in pack.rules],
        "placeholders": pack.placeholders.model_dump(mode="json"),
        "compiled": pack.compiled,
    }
    with contextlib.suppress(OSError, TypeError, ValueError, KeyError):
        body = json.dumps(data, ensure_ascii=False)
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
        # Checked as when the pack was loaded: what the JSON cannot carry is rebuilt without validation
        # (the entry holds what pydantic produced), hence `model_construct`.
        return RulePack(
            name=data["name"],
            version=data["version"],
            description=data["description"],
            path=path,
            thresholds={name: Threshold.model_construct(set(t), **t) for name, t in data["thresholds"].items()},
            rules=tuple(Rule(_construct_spec(spec), data["name"], by_name[source]) for source, spec in data["rules"]),
            example_base_path=base_path,
            help_uri=data["help_uri"],
            sha256=data["sha256"],
            placeholders=Placeholders.model_construct(set(data["placeholders"]), **data["placeholders"]),
            compiled=data["compiled"],
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _dump_spec(spec: RuleSpec) -> dict[str, Any]:
    """A `RuleSpec` as JSON data: every field's value, and which fields the pack set (of it and its parts)."""
    return {
        "values": spec.model_dump(mode="json"),
        "set": sorted(spec.model_fields_set),
        "fr": sorted(spec.fr.model_fields_set) if spec.fr is not None else None,
        "passing": [sorted(example.model_fields_set) for example in spec.examples.passing],
        "failing": [sorted(example.model_fields_set) for example in spec.examples.failing],
    }


def _construct_spec(data: dict[str, Any]) -> RuleSpec:
    """The `RuleSpec` `_dump_spec` recorded: every value given, so no default is computed again."""
    values = dict(data["values"])
    values["severity"] = Severity(values["severity"])
    examples = values["examples"]
    values["examples"] = Examples.model_construct(
        {"passing", "failing"},
        passing=[
            Example.model_construct(set(fields), **example)
            for fields, example in zip(data["passing"], examples["passing"], strict=True)
        ],
        failing=[
            Example.model_construct(set(fields), **example)
            for fields, example in zip(data["failing"], examples["failing"], strict=True)
        ],
    )
    if values["fr"] is not None:
        values["fr"] = Translation.model_construct(set(data["fr"]), **values["fr"])
    return RuleSpec.model_construct(set(data["set"]), **values)


def merge_placeholders(parts: Iterable[Placeholders]) -> Placeholders:
    """Several files' (or packs') placeholder lists as one, without repeats, in order."""
    parts = list(parts)
    names = ("texts", "words", "patterns", "starter")
    # Lists of strings from validated parts: constructed, not validated again (no validator to build at start).
    return Placeholders.model_construct(
        set(names),
        **{name: list(dict.fromkeys(item for part in parts for item in getattr(part, name))) for name in names},
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
        for pointer in spec.requires:
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
