"""Threads: `assess` promises that every library function is safe to call from several threads at once.

durable_rules crashed the process when two threads reached its C engine together
(see the engine's docstring), and the catalog, the validators and the engine's
ruleset are all built lazily on first use: these tests hit each of those at once,
with varied plans and configurations, and compare every report byte for byte with
the same calls made one after the other.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import plans

import assess
from assess.config import Config
from assess.errors import PlanError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TODAY = dt.date(2025, 6, 1)
THREADS = 8


def run_at_once(jobs: list[Callable[[], str]], rounds: int = 3) -> list[str]:
    """Run each job in its own thread, all released together, ``rounds`` times; the last results.

    A job that raises fails the test (threads would otherwise swallow the error).
    """
    results: list[str | None] = [None] * len(jobs)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def work(index: int) -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                outcome = jobs[index]()
                if results[index] is not None and results[index] != outcome:
                    raise AssertionError(f"job {index} gave two different results in one thread")
                results[index] = outcome
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def report_of(source: Any, config: Config, name: str) -> Callable[[], str]:
    def job() -> str:
        return assess.assess_plan(source, config=config, name=name).model_dump_json()

    return job


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plans(), min_size=THREADS, max_size=THREADS))
def test_eight_threads_give_the_same_reports_as_serial_calls(documents: list[dict[str, Any]]) -> None:
    config = Config(today=TODAY)
    jobs = [report_of(document, config, f"plan-{index}.json") for index, document in enumerate(documents)]
    serial = [job() for job in jobs]
    assert run_at_once(jobs) == serial


def _problems(source: Any) -> Callable[[], str]:
    def job() -> str:
        try:
            assess.load_plan(source)
        except PlanError as error:
            return json.dumps([problem.one_line() for problem in error.problems])
        raise AssertionError("an invalid plan was accepted")

    return job


def _many(config: Config) -> Callable[[], str]:
    def job() -> str:
        sources: list[tuple[str, Any]] = [(path.name, path) for path in sorted(SAMPLES.glob("*.json"))]
        sources.append(("broken.json", b'{"schema_version": "1.0"'))
        return assess.assess_many(sources, config=config).model_dump_json()

    return job


def test_every_entry_point_and_configuration_at_once() -> None:
    """Different catalogs (language, selection, thresholds) are built and registered while others run."""
    exemplary = SAMPLES / "exemplary.json"
    flawed = SAMPLES / "no-crisis-single-admin.json"
    jobs = [
        report_of(exemplary, Config(today=TODAY), "exemplary.json"),
        report_of(flawed, Config(today=TODAY, lang="fr"), "flawed.json"),
        report_of(flawed, Config(today=TODAY, select=("POL", "CHN")), "flawed.json"),
        report_of(flawed, Config(today=TODAY, thresholds={"min_admins": 3}), "flawed.json"),
        report_of((SAMPLES / "community-garden.yaml").read_bytes(), Config(today=TODAY), "garden.yaml"),
        _many(Config(today=TODAY, ignore=("VIS",))),
        _problems(SAMPLES / "invalid" / "dangling-reference.json"),
        _problems(SAMPLES / "invalid" / "schema-violations.json"),
    ]
    serial = [job() for job in jobs]
    assert run_at_once(jobs) == serial


# Started in a fresh interpreter, so that eight threads race for the first catalog, the
# first compiled validators and the engine's first ruleset registration.
_COLD_START = textwrap.dedent(
    """
    import datetime, json, sys, threading
    from pathlib import Path
    import assess
    from assess.config import Config

    config = Config(today=datetime.date(2025, 6, 1))
    paths = sorted(Path("samples").glob("*.json"))
    sources = [paths[index % len(paths)] for index in range(8)]
    results = [None] * 8
    barrier = threading.Barrier(8)

    def work(index):
        barrier.wait()
        results[index] = assess.assess_plan(sources[index], config=config).model_dump_json()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    serial = [assess.assess_plan(source, config=config).model_dump_json() for source in sources]
    json.dump({"same": results == serial, "assessed": sum(r is not None for r in results)}, sys.stdout)
    """
)


@pytest.mark.parametrize("attempt", range(3))
def test_eight_threads_racing_for_first_use_in_a_fresh_process(attempt: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _COLD_START], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr  # a crash in durable's C code would show as -11 (SIGSEGV)
    assert json.loads(done.stdout) == {"same": True, "assessed": THREADS}
