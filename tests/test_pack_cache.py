"""The cache of loaded rule packs (issue 15): a cold start skips parsing, validating and checking the
catalog, and gets exactly the pack a full load gives; an entry is trusted only when verified."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from assess.resources import RULES_DIR
from assess.rules import rulepack
from assess.rules.conditions import compile_condition


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("pack-*.json"))


def _from_cache(path: Path) -> rulepack.RulePack:
    with mock.patch.object(rulepack, "_load_pack", side_effect=AssertionError("loaded, not taken from the cache")):
        return rulepack.load_pack(path)


def _shape(value: Any) -> Any:
    """The types of a value all the way down (a float stays a float, a Severity a Severity, a list a list)."""
    if dataclasses.is_dataclass(value):
        return type(value), [(f.name, _shape(getattr(value, f.name))) for f in dataclasses.fields(value)]
    if isinstance(value, dict):
        return dict, [(type(key), key, _shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return list, [_shape(item) for item in value]
    return type(value)


def _same(a: Any, b: Any) -> None:
    assert a == b
    assert _shape(a) == _shape(b)


def _same_pack(cached: rulepack.RulePack, loaded: rulepack.RulePack) -> None:
    assert cached is not loaded
    for name in ("name", "version", "description", "path", "example_base_path", "help_uri", "sha256", "compiled"):
        assert getattr(cached, name) == getattr(loaded, name), name
    _same(cached.thresholds, loaded.thresholds)
    _same(cached.placeholders, loaded.placeholders)
    assert len(cached.rules) == len(loaded.rules)
    for mine, theirs in zip(cached.rules, loaded.rules, strict=True):
        assert (mine.id, mine.pack, mine.source) == (theirs.id, theirs.pack, theirs.source)
        _same(mine.spec, theirs.spec)
    assert cached == loaded


def test_a_cached_pack_is_the_pack_a_full_load_gives(cache: Path) -> None:
    loaded = rulepack.load_pack(RULES_DIR)
    assert len(_entries(cache)) == 1
    _same_pack(_from_cache(RULES_DIR), loaded)


def test_the_compiled_conditions_are_those_of_the_packs_thresholds(cache: Path) -> None:
    pack = rulepack.load_pack(RULES_DIR)
    thresholds = {name: threshold.value for name, threshold in pack.thresholds.items()}
    compiled = _from_cache(RULES_DIR).compiled_conditions()
    assert compiled == json.loads(json.dumps(compiled))  # nothing JSON changes (no tuples)
    for rule in pack.rules:
        spec = rule.spec
        skip = compile_condition(spec.skip_when, thresholds) if spec.skip_when is not None else []
        assert compiled[rule.id] == [compile_condition(spec.when, thresholds), skip]


def test_a_tampered_or_foreign_entry_is_not_trusted(cache: Path) -> None:
    expected = rulepack.load_pack(RULES_DIR)
    (entry,) = _entries(cache)
    header_text, body = entry.read_text(encoding="utf-8").split("\n", 1)
    header = json.loads(header_text)
    edited = body.replace('"version": "', '"version": "6', 1)
    forgeries = [
        "not json",
        header_text,  # no data line
        header_text + "\n" + edited,  # data edited, hash of the data not
        json.dumps({**header, "assess": "0.0.0"}) + "\n" + body,  # another version of assess
        json.dumps({**header, "source": "0" * 64}) + "\n" + body,  # written for another source
        json.dumps({**header, "assess_pack_cache": "loaded-0"}) + "\n" + body,  # another entry layout
        json.dumps({**header, "sha256": hashlib.sha256(b"{}").hexdigest()}) + "\n{}",  # verified, not a pack
    ]
    for forged in forgeries:
        entry.write_text(forged, encoding="utf-8")
        pack = rulepack.load_pack(RULES_DIR)
        assert pack.version == expected.version and pack.sha256 == expected.sha256
        assert [rule.spec for rule in pack.rules] == [rule.spec for rule in expected.rules]
        assert _entries(cache) == [entry]  # rewritten in place, no temporary left
        assert _from_cache(RULES_DIR).version == expected.version


RULE: dict[str, Any] = {
    "id": "XTRA-01",
    "step": 9,
    "title": "Visual assets are produced every month",
    "severity": "medium",
    "rationale": "Step 9 of the article: a constant flow of images.",
    "recommendation": "Plan at least ten new photos a month.",
    "message": "only {v.assets_per_month} visual assets a month",
    "when": [{"v": {"kind": "visuals", "$lt": {"assets_per_month": {"$threshold": "min_assets"}}}}],
    "examples": {
        "pass": [{"note": "forty a month"}],
        "fail": [{"note": "five", "set": {"/visuals/assets_per_month": 5}}],
    },
}


def _write_pack(folder: Path, version: str) -> Path:
    threshold = {"value": 10, "unit": "assets", "description": "x", "source": "test"}
    pack = {"pack": "extra", "version": version, "thresholds": {"min_assets": threshold}, "rules": [RULE]}
    path = folder / "extra.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    return path


def test_an_edited_pack_is_loaded_again(cache: Path, tmp_path: Path) -> None:
    path = _write_pack(tmp_path, "0.1.0")
    first = rulepack.load_pack(path)
    assert _from_cache(path).version == "0.1.0"
    _write_pack(tmp_path, "0.2.0")
    assert rulepack.load_pack(path).version == "0.2.0"
    assert _from_cache(path).version == "0.2.0"
    assert first.version == "0.1.0" and len(_entries(cache)) == 2


def test_no_cache_folder_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_CACHE_DIR", "")
    with mock.patch.object(rulepack, "_write_pack_entry", side_effect=AssertionError("written")):
        assert rulepack.load_pack(RULES_DIR).rules


def _full_pack(folder: Path) -> Path:
    """A folder pack using every field a pack can set, over several files (YAML and JSON)."""
    import yaml

    folder.mkdir()
    (folder / "base.yaml").write_text((RULES_DIR / "example-base.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    header = {
        "pack": "full",
        "version": "2.1",
        "description": "Every field.",
        "thresholds": {
            "min_assets": {"value": 10, "unit": "assets", "description": "x", "source": "test"},
            "share": {"value": 0.25, "unit": "ratio", "description": "y", "source": "test"},
        },
        "example_base": "base.yaml",
        "help_uri": "https://example.org/rules/{id}",
        "placeholders": {"texts": ["...", "Your name"], "words": ["TODO"]},
        "rules": [RULE],
    }
    second = {
        **RULE,
        "id": "XTRA-02",
        "action": "Produce more visual assets",
        "weight": 2,
        "about": "v",
        "field": "assets_per_month",
        "message": ["few assets: {v.assets_per_month}", "none at all: {w.assets_per_month}"],
        "when": {
            "any": [
                [{"v": {"kind": "visuals", "$lt": {"assets_per_month": {"$threshold": "min_assets"}}}}],
                [{"w": {"kind": "visuals", "assets_per_month": 0}}],
            ]
        },
        "skip_when": [{"v": {"kind": "visuals", "assets_per_month": 1000}}],
        "requires": ["/visuals/assets_per_month"],
        "unlocks": ["XTRA-01"],
        "references": ["A book, 2020"],
        "examples": {
            "pass": [{"note": "as is"}, {"note": "patched", "patch": {"visuals": {"assets_per_month": 50}}}],
            "fail": [{"note": "none", "set": {"/visuals/assets_per_month": 0}, "findings": 1}],
        },
        "fr": {
            "title": "Des visuels chaque mois",
            "action": "Produire plus de visuels",
            "message": ["peu de visuels : {v.assets_per_month}", "aucun : {w.assets_per_month}"],
            "rationale": "Étape 9 de l'article.",
            "recommendation": "Dix photos par mois.",
        },
    }
    (folder / "pack.yaml").write_text(yaml.safe_dump(header, allow_unicode=True), encoding="utf-8")
    (folder / "more.yaml").write_text(
        yaml.safe_dump({"rules": [second], "placeholders": {"texts": ["Your name", "TBD"], "patterns": ["<[a-z]+>"]}}),
        encoding="utf-8",
    )
    (folder / "empty.yaml").write_text("", encoding="utf-8")
    (folder / "starter.json").write_text(json.dumps({"placeholders": {"starter": ["Describe it"]}}), encoding="utf-8")
    return folder


def test_every_field_comes_back_from_the_cache_as_loaded(cache: Path, tmp_path: Path) -> None:
    for path in (_full_pack(tmp_path / "full"), _write_pack(tmp_path, "0.3.0")):
        loaded = rulepack.load_pack(path)
        _same_pack(_from_cache(path), loaded)
    assert len(_entries(cache)) == 2
    full = rulepack.load_pack(tmp_path / "full")
    spec = full.rules[1].spec
    assert (spec.weight, spec.fr and spec.fr.action, spec.examples.failing[0].findings) == (
        2.0,
        "Produire plus de visuels",
        1,
    )
    assert full.thresholds["min_assets"].value == 10.0 and type(full.thresholds["min_assets"].value) is float
    assert full.placeholders == rulepack.Placeholders(
        texts=["...", "Your name", "TBD"], words=["TODO"], patterns=["<[a-z]+>"], starter=["Describe it"]
    )


def test_a_pack_json_would_change_is_never_cached(cache: Path, tmp_path: Path) -> None:
    """A YAML date, or an integer key, JSON would give back as a string: such a pack is loaded afresh each time."""
    import yaml

    changes: list[dict[str, Any]] = [{"set": {"/plan/start": "@date"}}, {"patch": {"visuals": {1: "one"}}}]
    for number, change in enumerate(changes):
        rule = {**RULE, "examples": {"pass": [{"note": "odd", **change}], "fail": RULE["examples"]["fail"]}}
        path = tmp_path / f"odd{number}.yaml"
        text = yaml.safe_dump({"pack": "odd", "version": "1", "thresholds": _THRESHOLDS, "rules": [rule]})
        path.write_text(text.replace("'@date'", "2026-01-15"), encoding="utf-8")
        first = rulepack.load_pack(path)
        assert _entries(cache) == []
        assert rulepack.load_pack(path) == first
    assert isinstance(first.rules[0].spec.examples.passing[0].patch["visuals"], dict)


_THRESHOLDS = {"min_assets": {"value": 10, "unit": "assets", "description": "x", "source": "test"}}


def _hint(hint: Any) -> Any:
    """A type hint without pydantic's constraints (Annotated), with the pack's own classes by name."""
    import types
    import typing

    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _hint(arguments[0])
    if origin in (typing.Union, types.UnionType):
        members: set[Any] = set()
        for argument in arguments:
            shape = _hint(argument)
            members |= shape if isinstance(shape, frozenset) else {shape}
        return frozenset(members)
    if origin is not None:
        return origin, tuple(_hint(argument) for argument in arguments)
    if isinstance(hint, type) and hint.__module__ in (rulepack.__name__, "assess.rules.packmodel"):
        return hint.__name__
    return hint


@pytest.mark.parametrize("name", ["Threshold", "Example", "Examples", "Translation", "RuleSpec", "Placeholders"])
def test_the_run_time_objects_hold_the_fields_of_the_pack_models(name: str) -> None:
    """The schema's models and the objects rules run with cannot drift: same fields, order, types and defaults."""
    import typing

    from assess.rules import packmodel

    model, plain = getattr(packmodel, name), getattr(rulepack, name)
    assert isinstance(plain, type) and dataclasses.is_dataclass(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):  # frozen: a rule's objects are shared by every run
        object.__new__(plain).value = 1  # type: ignore[attr-defined]
    assert "__slots__" in vars(plain)
    fields = dataclasses.fields(plain)
    assert [f.name for f in fields] == list(model.model_fields)
    hints = typing.get_type_hints(plain)
    for f in fields:
        info = model.model_fields[f.name]
        assert _hint(hints[f.name]) == _hint(info.annotation), f.name
        if info.is_required():
            assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, f.name
        elif info.default_factory is not None:
            assert f.default_factory is not dataclasses.MISSING, f.name
            made, expected = f.default_factory(), info.default_factory()
            assert made == expected and type(made) is type(expected), f.name
        else:
            assert f.default == info.default and f.default_factory is dataclasses.MISSING, f.name


def test_a_pack_from_the_cache_imports_no_pack_model(cache: Path) -> None:
    """The pydantic models are imported to validate a pack that is not cached, never for one that is."""
    import subprocess
    import sys

    probe = (
        "import sys; from assess.resources import RULES_DIR; from assess.rules.rulepack import load_pack; "
        "load_pack(RULES_DIR); print('assess.rules.packmodel' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["True", "False"]  # the first fills the cache
