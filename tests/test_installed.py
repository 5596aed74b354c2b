"""The version of an installed library, read from its dist-info folder's name (`assess.installed`).

It must say what importlib.metadata says, follow an upgrade at once (nothing is cached),
and defer to importlib.metadata whenever the folder's name does not settle it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import pytest

from assess.engines.durable import durable_version
from assess.installed import installed_version, version_beside


def _site(folder: Path, *dist_infos: str) -> Path:
    """A site folder holding the module ``fakelib_engine`` and the given dist-info folders."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fakelib_engine.py").write_text("", encoding="utf-8")
    for name in dist_infos:
        (folder / name).mkdir()
        (folder / name / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fakelib\nVersion: {name}\n", "utf-8")
    return folder


def test_the_durable_version_is_the_one_importlib_metadata_reads() -> None:
    if importlib.util.find_spec("durable_rules_engine") is None:
        pytest.skip("durable_rules is not installed")
    assert durable_version() == importlib.metadata.version("durable_rules")
    assert installed_version("durable-rules", "durable") == importlib.metadata.version("durable_rules")  # a package


def test_an_upgrade_is_seen_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(tmp_path / "site", "fakelib-1.0.dist-info")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    assert installed_version("fakelib", "fakelib_engine") == "1.0"
    (site / "fakelib-1.0.dist-info").rename(site / "fakelib-1.1.dist-info")  # what pip does, in effect
    assert installed_version("fakelib", "fakelib_engine") == "1.1"


def test_names_are_compared_as_installers_spell_them(tmp_path: Path) -> None:
    site = _site(tmp_path, "Durable_Rules-2.0.28.dist-info", "durable_rules_extra-1.0.dist-info", "other-3.dist-info")
    assert version_beside(site, "durable-rules") == "2.0.28"
    assert version_beside(site, "durable.rules") == "2.0.28"
    assert version_beside(site, "durable_rules_extra") == "1.0"
    assert version_beside(site, "missing") is None
    assert version_beside(tmp_path / "no-such-folder", "durable-rules") is None


def test_an_unclear_folder_is_left_to_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two = _site(tmp_path / "two", "fakelib-1.0.dist-info", "fakelib-2.0.dist-info")
    assert version_beside(two, "fakelib") is None  # two installs' leftovers: which one is live is not for us to guess
    asked: list[str] = []

    def metadata_version(name: str) -> str:
        asked.append(name)
        return "from-metadata"

    monkeypatch.setattr(importlib.metadata, "version", metadata_version)
    monkeypatch.syspath_prepend(str(two))
    importlib.invalidate_caches()
    assert installed_version("fakelib", "fakelib_engine") == "from-metadata"
    assert installed_version("fakelib", "no_such_module_here") == "from-metadata"
    assert asked == ["fakelib", "fakelib"]


def test_a_library_not_installed_has_no_version() -> None:
    assert installed_version("no-such-distribution-here", "no_such_module_here") is None
