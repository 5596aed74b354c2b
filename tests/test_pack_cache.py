"""The cache of loaded rule packs (issue 15): a cold start skips parsing, validating and checking the
catalog, and gets exactly the pack a full load gives; an entry is trusted only when verified."""

from __future__ import annotations

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


def _same_model(a: Any, b: Any) -> None:
    assert a == b
    assert type(a) is type(b)
    assert a.model_fields_set == b.model_fields_set
    assert a.model_dump_json() == b.model_dump_json()
    for name in type(a).model_fields:
        assert type(getattr(a, name)) is type(getattr(b, name)), name


def test_a_cached_pack_is_the_pack_a_full_load_gives(cache: Path) -> None:
    loaded = rulepack.load_pack(RULES_DIR)
    assert len(_entries(cache)) == 1
    cached = _from_cache(RULES_DIR)
    assert cached is not loaded
    for name in ("name", "version", "description", "path", "example_base_path", "help_uri", "sha256", "compiled"):
        assert getattr(cached, name) == getattr(loaded, name), name
    assert cached.thresholds.keys() == loaded.thresholds.keys()
    for key, threshold in loaded.thresholds.items():
        _same_model(cached.thresholds[key], threshold)
    _same_model(cached.placeholders, loaded.placeholders)
    assert len(cached.rules) == len(loaded.rules)
    for mine, theirs in zip(cached.rules, loaded.rules, strict=True):
        assert (mine.id, mine.pack, mine.source) == (theirs.id, theirs.pack, theirs.source)
        _same_model(mine.spec, theirs.spec)
        _same_model(mine.spec.examples, theirs.spec.examples)
        examples = zip(
            mine.spec.examples.passing + mine.spec.examples.failing,
            theirs.spec.examples.passing + theirs.spec.examples.failing,
            strict=True,
        )
        for example, expected in examples:
            _same_model(example, expected)
        if theirs.spec.fr is not None:
            _same_model(mine.spec.fr, theirs.spec.fr)


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
