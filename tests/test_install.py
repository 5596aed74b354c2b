"""Installing on today's machines: every CPython from 3.11 on, with or without a C compiler.

durable_rules is an extra (it builds from source); its import works on 3.13 and later, where
its extension refers to a function the C API no longer has, and leaves the interpreter's
dlopen flags as they were. The fresh-machine checks themselves run in .ci/run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess import engines
from assess._version import __version__
from assess.cli import cli
from assess.engines.durable import DURABLE_EXTRA, EngineError, import_durable_host

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_build_requires_a_setuptools_that_reads_the_license_as_written() -> None:
    """A license given as an SPDX expression (a string, PEP 639) is read by setuptools 77 and later; 76
    refuses the project ("`project.license` must be valid exactly by one definition"), measured with
    `pip wheel --no-build-isolation` on both."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    (setuptools,) = [r for r in build["requires"] if re.match(r"setuptools\b", r)]
    if isinstance(PROJECT["license"], str):
        minimum = re.fullmatch(r"setuptools>=(\d+)(?:\.\d+)*", setuptools)
        assert minimum is not None and int(minimum[1]) >= 77


def test_requires_python_has_no_upper_bound() -> None:
    assert PROJECT["requires-python"] == ">=3.11"


def test_durable_rules_is_an_extra_not_a_dependency() -> None:
    assert not [d for d in PROJECT["dependencies"] if d.lower().startswith(("durable-rules", "durable_rules"))]
    assert PROJECT["optional-dependencies"]["durable"] == ["durable-rules==2.0.28"]
    assert f"{PROJECT['name']}[durable]" == DURABLE_EXTRA


def test_makefile_installs_durable_with_the_flags_gcc_14_needs() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^WITH_DURABLE := durable,test$", makefile, re.MULTILINE)  # where it can be built (below)
    cc = re.search(r"^DURABLE_CC \?= (.*)$", makefile, re.MULTILINE)
    assert cc is not None
    assert "-Wno-error=implicit-function-declaration" in cc.group(1)
    assert "-Wno-error=int-conversion" in cc.group(1)
    assert """CC="$(DURABLE_CC)" $(BIN)/python -m pip install""" in makefile


@pytest.mark.skipif(importlib.util.find_spec("durable") is None, reason="durable_rules is not installed")
@pytest.mark.skipif(not hasattr(sys, "setdlopenflags"), reason="no dlopen flags on this platform")
def test_durable_import_restores_the_dlopen_flags() -> None:
    before = sys.getdlopenflags()
    host = import_durable_host()
    assert host.__name__ == "Host"
    assert sys.getdlopenflags() == before
    unusual = os.RTLD_NOW | os.RTLD_GLOBAL
    sys.setdlopenflags(unusual)
    try:
        import_durable_host()
        assert sys.getdlopenflags() == unusual
    finally:
        sys.setdlopenflags(before)


def test_missing_durable_rules_names_the_extra_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    before = sys.getdlopenflags() if hasattr(sys, "getdlopenflags") else None
    with pytest.raises(EngineError) as raised:
        import_durable_host()
    message = str(raised.value)
    assert "\n" not in message
    assert f"pip install '{DURABLE_EXTRA}'" in message
    if before is not None:
        assert sys.getdlopenflags() == before


@pytest.mark.skipif(importlib.util.find_spec("durable") is None, reason="durable_rules is not installed")
def test_version_names_durable_rules_where_it_imports() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [f"assess, version {__version__}", "engine: durable_rules 2.0.28"]
    assert engines.available()[0] == engines.DURABLE


def test_version_names_the_engine_that_will_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.engines import select

    monkeypatch.setattr(select, "durable_problem", lambda: "durable_rules cannot be imported (test)")
    assert CliRunner().invoke(cli, ["-V"]).output.splitlines()[1] == "engine: builtin"
    monkeypatch.setattr(select, "durable_problem", lambda: None)
    result = CliRunner().invoke(cli, ["-V"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("engine: durable_rules ")


def _make_install_line(*variables: str) -> list[str]:
    """The lines `make` would run to install .venv, with `variables` set (nothing is run)."""
    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    done = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", ".venv/.installed", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    return done.stdout.splitlines()


@pytest.mark.parametrize("builds_c", [True, False])
def test_make_installs_durable_rules_only_where_it_can_be_built(builds_c: bool) -> None:
    """`make demo` and `make test` work on a machine without build tools: with no C compiler (or no Python.h)
    the install leaves durable_rules out and says so; with them, durable_rules is installed."""
    if builds_c and shutil.which("cc") is None:
        pytest.skip("no C compiler on this machine")
    variables = () if builds_c else ("CC=no-such-compiler-here",)
    lines = _make_install_line(*variables)
    (install,) = [line for line in lines if "pip install --quiet -e" in line]
    told = [line for line in lines if "no C compiler or no Python.h found" in line]
    if builds_c:
        if not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
            pytest.skip("no Python.h on this machine")
        assert install.endswith("'.[durable,test]'") and not told
    else:
        assert install.endswith("'.[test]'") and len(told) == 1


@pytest.mark.parametrize("extras", ["test", "durable,test"])
def test_make_extras_given_are_installed_as_given(extras: str) -> None:
    """EXTRAS on the command line wins over the detection, with no message about a missing compiler."""
    lines = _make_install_line(f"EXTRAS={extras}")
    (install,) = [line for line in lines if "pip install --quiet -e" in line]
    assert install.endswith(f"'.[{extras}]'")
    assert not [line for line in lines if "no C compiler" in line]
