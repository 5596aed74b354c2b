"""What a cold `assess PLAN` loads and builds (issue 15), checked without timing anything.

A fresh process assesses one plan as the command line does, then reports the modules it
imported and the pydantic models whose validators it built. The run must not pay for what it
does not use: other formats' modules and their libraries, the YAML and reference JSON Schema
libraries (a warm cache of loaded rule packs needs neither), the rule-pack models (a pack
from that cache is not validated again), the plan and report sections' own validators
(`Plan`'s and `PlanReport`'s hold theirs). The configuration is read without pydantic at all.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "exemplary.json"

PROBE = """
import json, sys
from assess.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
modules = sorted(sys.modules)  # before the imports below
import pydantic
from assess.plan import model
from assess.results import report_model
from assess.rules import packmodel
classes = []
for module in (model, report_model, packmodel):
    classes += [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, pydantic.BaseModel)]
built = sorted({cls.__name__ for cls in classes if cls.__pydantic_complete__})
print(json.dumps({"code": code, "modules": modules, "built": built}))
"""

# difflib serves only an invalid plan's "did you mean", email.parser only importlib.metadata reading a version
# (the engine's is read from its folder's name), glob only a pattern among the plans named.
UNUSED = (
    "yaml",
    "jsonschema",
    "jinja2",
    "ruamel",
    "assess.formats.sarif",
    "assess.results.baseline",
    "assess.results.report_model",  # the report's pydantic models: the run writes its records itself
    "difflib",
    "email.parser",
    "glob",
    "orjson",  # writes the canonical JSON of a plan passed as data: a plan file is hashed as its bytes
)
NOT_FOR_JSON = (*UNUSED, "rich", "assess.formats.text")
NOT_FOR_TEXT = (*UNUSED, "assess.formats.json", "rich")  # plain text needs no layout by rich


def _cold_run(tmp_path: Path, *arguments: str) -> dict[str, Any]:
    env = {"ASSESS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(SAMPLE), *arguments, "--output", str(tmp_path / "out")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] in (0, 1), done.stderr
    return result


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == name or m.startswith(name + ".") for name in names)]


def _loaded_by_the_standard_library(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """Which of `names` the run's standard-library modules import by themselves (`pathlib` imports `glob` on 3.13)."""
    needed = [m for m in modules if m.split(".")[0] in sys.stdlib_module_names and not _loaded([m], names)]
    probe = (
        "import importlib, json, sys\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(needed)], capture_output=True, text=True, timeout=120, check=True
    )
    return _loaded(json.loads(done.stdout), names)


@pytest.mark.parametrize(("form", "unused"), [("json", NOT_FOR_JSON), ("text", NOT_FOR_TEXT)])
def test_a_cold_run_loads_and_builds_only_what_it_uses(tmp_path: Path, form: str, unused: tuple[str, ...]) -> None:
    _cold_run(tmp_path, "--format", form)  # fills the cache of loaded rule packs, as a first run after install does
    result = _cold_run(tmp_path, "--format", form)
    assert _loaded(result["modules"], unused) == _loaded_by_the_standard_library(result["modules"], unused)
    assert "assess.rules.packmodel" not in result["modules"]  # a pack from the cache is not validated again
    if importlib.util.find_spec("durable_rules_engine") is not None:  # durable_rules (its C engine) runs the rules
        assert "durable_rules_engine" in result["modules"]
        assert "assess.engines.builtin" not in result["modules"]
    else:  # installed without durable_rules (no compiler): the built-in evaluator runs them
        assert "assess.engines.builtin" in result["modules"]
    # The plan, the rules, the configuration and the report run as plain data: no pydantic at all (importing
    # it alone took a fifth of check-jsonschema's whole run), so no model is built either.
    assert _loaded(result["modules"], ("pydantic", "pydantic_core", "assess.plan.model")) == []
    assert result["built"] == []


def test_the_configuration_is_read_without_pydantic() -> None:
    """`assess.config` is read on every run: importing pydantic alone would cost a fifth of the cold budget."""
    probe = "import sys, assess.config; print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


GC_PROBE = """
import gc, json, sys
mode, plan = sys.argv[1:]
sys.argv = ["assess", "-qq", plan]  # what the console script sees
import assess.cli.check as check
seen = []
original = check.assess_targets
def spy(*args, **kwargs):
    seen.append([gc.isenabled(), gc.get_freeze_count()])
    return original(*args, **kwargs)
check.assess_targets = spy
if mode == "caller-off":
    gc.disable()
from assess.cli import main
try:
    main(None if mode == "script" else ["-qq", plan])
except SystemExit:
    pass
print(json.dumps({"seen": seen, "after": [gc.isenabled(), gc.get_freeze_count()]}))
"""


@pytest.mark.parametrize("how", ["script", "caller", "caller-off"])
def test_the_console_script_freezes_its_start_up_and_collects_during_the_work(how: str) -> None:
    """As the process's entry point (no argv), start-up runs without the collector and is frozen, and the
    work runs with it on (a batch's garbage is collected); a caller passing argv keeps its own collector."""
    run = subprocess.run(
        [sys.executable, "-c", GC_PROBE, how, str(SAMPLE)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result = json.loads(run.stdout)
    [(enabled, frozen)] = result["seen"]
    if how == "script":
        assert enabled and frozen > 10_000  # the modules' objects
        assert result["after"][0]
    else:
        assert enabled == (how == "caller") and frozen == 0
        assert result["after"] == [how == "caller", 0]
