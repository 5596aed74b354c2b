"""The cache of compiled code (issue 15): the built-in engine's generated run is compiled once per catalog,
not once per process; an entry is used only when verified, and a cache that cannot be used changes nothing
but the time."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from assess import codecache
from assess.api import load
from assess.atomic import write_atomic_bytes
from assess.config import Config
from assess.engines.builtin import LITERALS_FILENAME, RUN_FILENAME, BuiltinEngine
from assess.rules.catalog import build_catalog
from assess.rules.facts import build_facts
from bench.plans import generate

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "def twice(x):\n    return 2 * x\n"
NAME = "<test>"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("code-*.marshal"))


def _run(code: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["twice"](21)


def _rules() -> Any:
    return build_catalog(Config(engine="builtin")).engine.rules


def _fact_lists() -> list[list[dict[str, Any]]]:
    return [build_facts(load(plan).data) for plan in generate(30, seed=3)]


def test_a_second_build_in_a_fresh_process_loads_the_run_from_the_cache(tmp_path: Path) -> None:
    """The first process compiles the generated code and writes it; the next one reads it (compiling none of
    it) and its engine gives the same matches."""
    probe = (
        "import builtins, json, sys\n"
        "from assess.api import load\n"
        "from assess.config import Config\n"
        "from assess.rules.catalog import build_catalog\n"
        "from assess.rules.facts import build_facts\n"
        "compiled = []\n"
        "real = builtins.compile\n"
        "def counting(source, filename, *args, **kwargs):\n"
        "    if filename.startswith('<assess:'):\n"
        "        compiled.append(filename)\n"
        "    return real(source, filename, *args, **kwargs)\n"
        "builtins.compile = counting\n"
        "engine = build_catalog(Config(engine='builtin')).engine\n"
        "facts = build_facts(load(sys.argv[1]).data)\n"
        "print(json.dumps([engine.run_cached, sorted(compiled), repr(engine.run(facts))]))\n"
    )
    env = {**os.environ, "ASSESS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    sample = str(ROOT / "samples" / "no-visuals-no-measurement.json")
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", probe, sample], capture_output=True, text=True, check=True, env=env
            ).stdout
        )
        for _ in range(2)
    ]
    # The first process compiles the run and the literal tests' factories (imported with the engine), the second
    # neither.
    assert [run[:2] for run in runs] == [[False, sorted([LITERALS_FILENAME, RUN_FILENAME])], [True, []]]
    assert runs[0][2] == runs[1][2] and "Match(" in runs[0][2]
    assert len(_entries(tmp_path / "cache")) == 2


def test_an_engine_from_the_cache_matches_as_a_freshly_compiled_one(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSESS_CACHE_DIR", "")
    rules = _rules()
    fresh = BuiltinEngine(rules)
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(cache))
    writer, reader = BuiltinEngine(rules), BuiltinEngine(rules)
    assert (fresh.run_cached, writer.run_cached, reader.run_cached) == (False, False, True)
    for facts in _fact_lists():
        expected = fresh.run(facts)
        assert reader.run(facts) == expected and writer.run(facts) == expected


def test_the_cached_code_is_the_compiled_code(cache: Path) -> None:
    first = codecache.compiled(SOURCE, NAME)
    second = codecache.compiled(SOURCE, NAME)
    assert (first.cached, second.cached) == (False, True)
    assert second.code == compile(SOURCE, NAME, "exec", dont_inherit=True) == first.code
    assert _run(second.code) == 42
    (entry,) = _entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert codecache.compiled(SOURCE + "\n", NAME).cached is False  # another source, another entry
    assert codecache.compiled(SOURCE, "<other>").cached is False  # another file name, another entry
    assert len(_entries(cache)) == 3


def _forged(entry: Path) -> list[bytes]:
    """Entries that must not be used for SOURCE: damaged, cut short, or written for something else. (An entry
    rewritten whole, its hashes recomputed, cannot be told from a true one: only the user can write it, see
    `test_an_entry_someone_else_could_have_written_is_not_used`.)"""
    data = entry.read_bytes()
    header_line, payload = data.split(b"\n", 1)
    header = json.loads(header_line)

    def with_header(**changes: Any) -> bytes:
        return json.dumps({**header, **changes}).encode() + b"\n" + payload

    def rehashed(other: bytes) -> bytes:  # a payload that is not SOURCE's code, with a hash that matches it
        return json.dumps({**header, "sha256": hashlib.sha256(other).hexdigest()}).encode() + b"\n" + other

    damaged = bytearray(data)
    damaged[len(header_line) + 20] ^= 0xFF
    return [
        b"",
        b"not an entry",
        header_line,  # no payload
        data[: len(data) - 7],  # truncated
        bytes(damaged),  # a flipped byte in the payload
        with_header(python="0d0d0d0a"),  # another interpreter's bytecode (wrong magic number)
        with_header(key="0" * 64),  # written for another source
        with_header(sha256="0" * 64),  # wrong hash of the payload
        with_header(assess_code_cache=0),  # another entry format
        b"[]\n" + payload,  # a header that is not an object
        rehashed(marshal.dumps(42)),  # not code
        rehashed(marshal.dumps(compile(SOURCE, "<elsewhere>", "exec"))),  # code of another file name
        rehashed(b"\xff\x00garbage"),  # not marshal data at all
    ]


def test_a_damaged_foreign_or_forged_entry_is_ignored_and_rewritten(cache: Path) -> None:
    codecache.compiled(SOURCE, NAME)
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    for number, forged in enumerate(_forged(entry)):
        entry.write_bytes(forged)
        entry.chmod(0o600)
        again = codecache.compiled(SOURCE, NAME)
        assert again.cached is False, number
        assert _run(again.code) == 42
        assert entry.read_bytes() == good, number  # rewritten whole
        assert codecache.compiled(SOURCE, NAME).cached is True
        assert _entries(cache) == [entry] and sorted(p.name for p in cache.iterdir()) == [entry.name]  # no temporary


def test_an_entry_someone_else_could_have_written_is_not_used(cache: Path) -> None:
    """Code is run: an entry writable by the group or others, or owned by another account, is not trusted."""
    codecache.compiled(SOURCE, NAME)
    (entry,) = _entries(cache)
    for mode in (0o620, 0o602, 0o666):
        entry.chmod(mode)
        assert codecache.compiled(SOURCE, NAME).cached is False, oct(mode)
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # rewritten as the user's alone
        assert codecache.compiled(SOURCE, NAME).cached is True
    if hasattr(os, "geteuid"):
        with mock.patch("os.geteuid", return_value=os.geteuid() + 1):
            assert codecache.compiled(SOURCE, NAME).cached is False
        assert codecache.compiled(SOURCE, NAME).cached is True
    entry.unlink()
    entry.mkdir()  # not a regular file
    assert codecache.compiled(SOURCE, NAME).cached is False
    if hasattr(os, "mkfifo"):
        entry.rmdir()
        os.mkfifo(entry)  # refused, not waited on (no writer will ever come)
        assert codecache.compiled(SOURCE, NAME).cached is False


def test_an_entry_of_another_interpreter_or_optimisation_level_is_another_entry(cache: Path) -> None:
    codecache.compiled(SOURCE, NAME)
    with mock.patch.object(codecache, "MAGIC_NUMBER", b"\x00\x00\r\n"):
        assert codecache.compiled(SOURCE, NAME).cached is False
        assert codecache.compiled(SOURCE, NAME).cached is True
    with mock.patch("sys.flags", mock.Mock(optimize=2)):
        assert codecache.compiled(SOURCE, NAME).cached is False
    assert codecache.compiled(SOURCE, NAME).cached is True
    assert len(_entries(cache)) == 3


def test_a_cache_that_cannot_be_written_changes_nothing_but_the_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _rules()
    facts = _fact_lists()[:5]
    monkeypatch.setenv("ASSESS_CACHE_DIR", "")
    expected = [BuiltinEngine(rules).run(f) for f in facts]
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(blocked))  # a file stands where the folder should be
    for _ in range(2):
        engine = BuiltinEngine(rules)
        assert engine.run_cached is False
        assert [engine.run(f) for f in facts] == expected
    assert blocked.read_text(encoding="utf-8") == "not a folder"
    folder = tmp_path / "read-only"
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(folder))
    refused = PermissionError(13, "Permission denied")
    with mock.patch.object(codecache, "write_atomic_bytes", side_effect=refused):  # root writes anywhere
        for _ in range(2):
            engine = BuiltinEngine(rules)
            assert engine.run_cached is False
            assert [engine.run(f) for f in facts] == expected
    assert not _entries(folder)


def test_no_cache_folder_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """ASSESS_CACHE_DIR empty: nothing is read or written, and the run is compiled each time."""
    monkeypatch.setenv("ASSESS_CACHE_DIR", "")
    with (
        mock.patch.object(codecache, "_read", side_effect=AssertionError("read")),
        mock.patch.object(codecache, "_write", side_effect=AssertionError("written")),
    ):
        assert codecache.compiled(SOURCE, NAME).cached is False
        assert BuiltinEngine(_rules()).run_cached is False


def test_the_default_folder_is_the_users_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSESS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert codecache.compiled(SOURCE, NAME).cached is False
    assert codecache.compiled(SOURCE, NAME).cached is True
    (entry,) = (tmp_path / "assess" / f"code-{codecache.CODE_CACHE_FORMAT}").glob("code-*.marshal")
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700


def test_a_bytes_file_written_atomically_takes_the_given_mode(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_bytes(b"old")
    target.chmod(0o666)
    write_atomic_bytes(target, b"new\n\x00", mode=0o600)
    assert target.read_bytes() == b"new\n\x00" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]


def test_the_run_has_its_own_file_name() -> None:
    assert BuiltinEngine(_rules()).run.__code__.co_filename == RUN_FILENAME
