"""A worker that dies under --jobs: every other plan is reported, the one that died is named, exit 2.

Fault injection: a ``sitecustomize`` module on PYTHONPATH (imported at start-up by the CLI process
and by every worker, whatever the start method) makes the process assessing a plan whose name
contains a marker kill itself with a signal, as a crash in durable_rules' C code or the
out-of-memory killer would. The CLI runs in a subprocess, with a timeout: a hang fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples" / "exemplary.json", ROOT / "samples" / "no-crisis-single-admin.json"]

SITECUSTOMIZE = """\
import os
import signal

if os.environ.get("ASSESS_TEST_CRASH_ON"):
    import assess.api

    _original = assess.api.assess_loaded

    def assess_loaded(loaded, *args, **kwargs):
        if os.environ["ASSESS_TEST_CRASH_ON"] in loaded.name:
            os.kill(os.getpid(), int(os.environ["ASSESS_TEST_SIGNAL"]))
        if "ASSESS_TEST_STALL_ON" in os.environ and os.environ["ASSESS_TEST_STALL_ON"] in loaded.name:
            open(os.environ["ASSESS_TEST_STALLED"], "a").close()
            import time

            time.sleep(120)
        return _original(loaded, *args, **kwargs)

    assess.api.assess_loaded = assess_loaded
"""


def _plans(folder: Path, count: int, dying: set[int]) -> list[Path]:
    paths = []
    for index in range(count):
        name = f"{'doomed' if index in dying else 'plan'}-{index:02d}.json"
        paths.append(folder / name)
        shutil.copy(SAMPLES[index % len(SAMPLES)], paths[-1])
    return paths


def _hooked(folder: Path, **extra: str) -> dict[str, str]:
    """The environment that loads the fault-injecting sitecustomize."""
    hook = folder / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(hook), "ASSESS_TEST_CRASH_ON": "doomed", **extra}


def _assess(folder: Path, plans: list[Path], jobs: int, sig: int) -> subprocess.CompletedProcess[str]:
    env = _hooked(folder, ASSESS_TEST_SIGNAL=str(sig))
    command = [sys.executable, "-m", "assess", *(p.name for p in plans), "--jobs", str(jobs), "--format", "json"]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=folder, env=env)


@pytest.mark.parametrize(
    ("count", "dying", "jobs", "sig"),
    [
        (12, {5}, 2, signal.SIGSEGV),  # chunks of 2: the dead chunk is split to find the plan
        (20, {0, 19}, 3, signal.SIGSEGV),  # the first and the last plan, chunks of 2
        (9, {3, 4, 5}, 2, signal.SIGKILL),  # a whole chunk dies (the out-of-memory killer's signal)
        (2, {1}, 2, signal.SIGABRT),  # one plan a chunk
    ],
)
def test_a_dead_worker_is_named_and_every_other_plan_is_reported(
    tmp_path: Path, count: int, dying: set[int], jobs: int, sig: int
) -> None:
    plans = _plans(tmp_path, count, dying)
    result = _assess(tmp_path, plans, jobs, sig)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    name = signal.Signals(sig).name
    died = [
        f"{plans[i].name}: not assessed: the worker process assessing this plan died (killed by {name}), a crash of the "
        "rule engine or out of memory; the other plans were assessed (--jobs 1 reproduces it, --engine builtin "
        "avoids durable_rules)"
        for i in sorted(dying)
    ]
    assert [line for line in result.stderr.splitlines() if "died" in line] == died
    assert f"assess: {len(dying)} of {count} plans could not be assessed (exit 2)" in result.stderr.splitlines()

    report = json.loads(result.stdout)
    assert [plan["file"] for plan in report["plans"]] == [p.name for p in plans]
    for index, plan in enumerate(report["plans"]):
        if index in dying:
            assert plan["assessed"] is False
            assert [(p["kind"], p["message"]) for p in plan["problems"]] == [("crash", died.pop(0).split(": ", 1)[1])]
        else:
            assert plan["assessed"] is True
    # The survivors' reports are exactly those of a run without the fault, in one process.
    survivors = [p for i, p in enumerate(plans) if i not in dying]
    clean = subprocess.run(
        [sys.executable, "-m", "assess", *(p.name for p in survivors), "--jobs", "1", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    expected = {plan["file"]: plan for plan in json.loads(clean.stdout)["plans"]}
    assert {plan["file"]: plan for plan in report["plans"] if plan["assessed"]} == expected


def test_without_a_fault_jobs_and_one_process_report_alike(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 7, set())
    runs = [
        subprocess.run(
            [sys.executable, "-m", "assess", *map(str, plans), "--jobs", jobs, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp_path,
        )
        for jobs in ("1", "3")
    ]
    assert [run.returncode for run in runs] == [runs[0].returncode] * 2
    assert runs[0].returncode in (0, 1)
    assert json.loads(runs[0].stdout)["plans"] == json.loads(runs[1].stdout)["plans"]


def test_ctrl_c_under_jobs_stops_the_workers_at_once(tmp_path: Path) -> None:
    process = _stalled_batch(tmp_path, "json")  # its own process group, which Ctrl-C signals as a whole
    os.killpg(process.pid, signal.SIGINT)
    started = time.monotonic()
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 5  # not the 120 s the worker would sleep
    assert process.returncode == 130
    assert err.decode().splitlines() == ["assess: interrupted (exit 130)"]
    _assert_group_ends(process.pid)


def test_sigterm_stops_the_workers_and_leaves_no_temporary(tmp_path: Path) -> None:
    # SIGTERM to assess alone (a cancelled CI job, `docker stop`, `timeout`): Python's default ended the
    # parent on the spot, leaving its --jobs workers running, one of them for ever blocked on a pipe to the
    # dead parent, and `.report.json.PID.RANDOM.tmp` beside the report. Now the run unwinds as on Ctrl-C.
    report = tmp_path / "report.json"
    report.write_text("the previous report\n", encoding="utf-8")
    process = _stalled_batch(tmp_path, "json:report.json")
    process.send_signal(signal.SIGTERM)  # the parent only, not its group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143
    assert err.decode().splitlines() == ["assess: terminated (exit 143)"]
    assert report.read_text(encoding="utf-8") == "the previous report\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    _assert_group_ends(process.pid)


def _stalled_batch(folder: Path, output: str) -> subprocess.Popen[bytes]:
    """`assess` on eight plans with --jobs 2 and --format `output`, in its own process group, returned once a
    worker is busy with the plan that stalls (the fourth)."""
    plans = _plans(folder, 8, set())
    stalled = folder / "stalled"
    plans[3] = plans[3].rename(folder / "stall-03.json")
    env = _hooked(folder, ASSESS_TEST_STALL_ON="stall", ASSESS_TEST_STALLED=str(stalled), ASSESS_TEST_SIGNAL="0")
    process = subprocess.Popen(
        [sys.executable, "-m", "assess", *(p.name for p in plans), "--jobs", "2", "--format", output],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: a signal to the group, and no worker left in it
    )
    deadline = time.monotonic() + 60
    while not stalled.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stalled.exists()  # a worker is busy with the stalling plan
    return process


def _assert_group_ends(group: int) -> None:
    """No worker is left behind in the process group. Python 3.14's default forkserver leaves on its own
    once its parent is gone, a moment later: the group must be empty within 5 s, not at once."""
    gone = time.monotonic() + 5
    while time.monotonic() < gone:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
