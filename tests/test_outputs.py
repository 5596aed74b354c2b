"""Outputs never destroy inputs: refused before assessing, special files written in place, no stray temporaries.

From issue 14's review: `-o plan.json` and its relatives overwrote the user's
plan; `-o /dev/null` (as root) replaced the device with a regular file; an
unwritable output was named by its temporary file and reported after the batch.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.atomic import write_atomic
from assess.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "samples" / "exemplary.json"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    target = tmp_path / "plan.json"
    shutil.copy(GOOD, target)
    return target


def refused(result: Result, plan: Path, original: bytes) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assess: "), result.stderr
    assert plan.read_bytes() == original


@pytest.mark.parametrize(
    "extra",
    [
        ["-o", "{plan}"],
        ["--format", "json:{plan}"],
        ["--format", "sarif:{folder}/./plan.json"],
        ["--format", "text", "--format", "junit:{link}"],
        ["--write-baseline", "{plan}"],
        ["--write-baseline", "{hard}"],
        ["--summary", "csv", "-o", "{plan}"],
        ["--format", "json:{folder}/new-report.json", "{folder}"],
    ],
)
def test_an_output_onto_an_input_is_refused_before_assessing(
    plan: Path, tmp_path: Path, extra: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = plan.read_bytes()
    (tmp_path / "link.json").symlink_to(plan)
    os.link(plan, tmp_path / "hard.json")
    names = {"plan": str(plan), "folder": str(tmp_path), "link": str(tmp_path / "link.json")}
    names["hard"] = str(tmp_path / "hard.json")
    args = [a.format(**names) for a in extra]
    import assess.cli.check as check

    def never(*_: object, **__: object) -> None:
        raise AssertionError("assessed before checking the outputs")

    monkeypatch.setattr(check, "assess_targets", never)
    positional = [] if args[-1] == str(tmp_path) else [str(plan)]
    refused(run(*positional, *args, "--no-config"), plan, original)
    assert not (tmp_path / "new-report.json").exists()


def test_outputs_onto_the_baseline_config_or_pack_are_refused(plan: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert run(str(plan), "--write-baseline", str(baseline), "--no-config").exit_code == 0
    before = baseline.read_bytes()
    result = run(str(plan), "--baseline", str(baseline), "-o", str(baseline), "--format", "json")
    refused(result, baseline, before)
    assert "baseline" in result.stderr
    config = tmp_path / "assess.toml"
    config.write_text('fail_on = "none"\n', encoding="utf-8")
    refused(run(str(plan), "--config", str(config), "-o", str(config)), config, config.read_bytes())


def test_diff_refuses_an_output_onto_a_version(plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "old.json"
    shutil.copy(GOOD, other)
    original = other.read_bytes()
    refused(run("diff", str(other), str(plan), "-o", str(other), "--no-config"), other, original)


def test_an_unwritable_output_names_the_users_path_before_the_batch(plan: Path, tmp_path: Path) -> None:
    given = f"{tmp_path}/no/such/folder/r.json"
    result = run(str(plan), "--format", f"json:{given}", "--no-config")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"assess: {given}: cannot write: no such folder {tmp_path}/no/such/folder"
    result = run(str(plan), "--format", f"json:{tmp_path}", "--no-config")
    assert result.exit_code == 2 and "is a folder" in result.stderr


def _device(folder: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (7), made in `folder`, never the real one."""
    path = folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("making device nodes needs root on Linux")
    return path


def test_special_files_are_written_in_place(tmp_path: Path) -> None:
    null = _device(tmp_path, "null", 3)
    write_atomic(null, "anything\n")
    assert stat.S_ISCHR(os.stat(null).st_mode)
    stdout = tmp_path / "stdout"
    stdout.symlink_to(null)  # like /dev/stdout, a link to a device
    write_atomic(stdout, "through the link\n")
    assert stdout.is_symlink() and stat.S_ISCHR(os.stat(null).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    full = _device(tmp_path, "full", 7)
    with pytest.raises(OSError, match="space") as caught:
        write_atomic(full, "x" * 100_000)
    assert caught.value.filename == str(full)
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_symlink_output_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_temporary_left_by_a_killed_writer_is_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    script = (
        "import os, signal\n"
        "from assess.atomic import atomic_writer\n"
        f"with atomic_writer({str(target)!r}) as f:\n"
        "    f.write('half'); f.flush(); os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".out.json.") and left[0].endswith(".tmp")
    write_atomic(target, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_ctrl_c_exits_130_and_leaves_no_output(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    script = (
        "import signal, sys, time\n"
        "import assess.cli.check as check\n"
        "def slow(*a, **k):\n"
        "    print('ready', file=sys.stderr, flush=True); time.sleep(60)\n"
        "check.assess_targets = slow\n"
        "from assess.cli import main\n"
        f"main([{str(plan)!r}, '--no-config', '-o', {str(out)!r}, '--format', 'json'])\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stderr is not None
    assert process.stderr.readline().strip() == b"ready"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in err and b"interrupted" in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["plan.json"]


# A property: whatever path an output is given, if it resolves to the plan, the plan survives.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spelling=st.sampled_from(
        ["{p}", "{d}/./plan.json", "{d}/sub/../plan.json", "{link}", "{hard}", "{linkdir}/plan.json"]
    ),
    how=st.sampled_from(["-o", "json", "sarif", "markdown", "baseline", "summary"]),
)
def test_property_no_spelling_of_an_input_is_written(tmp_path: Path, spelling: str, how: str) -> None:
    folder = tmp_path / f"case-{abs(hash((spelling, how)))}"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "sub").mkdir(parents=True)
    target = folder / "plan.json"
    shutil.copy(GOOD, target)
    (folder / "link.json").symlink_to(target)
    os.link(target, folder / "hard.json")
    (tmp_path / f"linkdir-{folder.name}").symlink_to(folder)
    path = spelling.format(
        p=target,
        d=folder,
        link=folder / "link.json",
        hard=folder / "hard.json",
        linkdir=tmp_path / f"linkdir-{folder.name}",
    )
    original = target.read_bytes()
    args = {
        "-o": ["-o", path],
        "json": ["--format", f"json:{path}"],
        "sarif": ["--format", f"sarif:{path}"],
        "markdown": ["--format", "text", "--format", f"markdown:{path}"],
        "baseline": ["--write-baseline", path],
        "summary": ["--summary", "csv", "-o", path],
    }[how]
    result = run(str(target), "--no-config", *args)
    assert result.exit_code == 2 and target.read_bytes() == original
