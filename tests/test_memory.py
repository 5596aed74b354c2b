"""A batch's memory stays flat (issue 15, part 3): its peak RSS is asserted, never its time.

`bench/memory.py` measures 1,000 and 20,000 plans with one and two processes; here one
1,000-plan batch, in a fresh process, must peak under the target, and not far above a
100-plan batch (before streaming, 1,000 plans took 375 MB: about 0.3 MB a plan).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.memory import TARGET_BATCH_MB, measure, write_batch

FLAT_MB = 25.0  # what 900 more plans may add: their summary rows, and noise


def _batch(folder: Path, count: int, work: Path) -> dict[str, float]:
    write_batch(folder, count)
    out = work / f"out-{count}"
    out.mkdir()
    arguments = [str(folder), "--no-config", "--fail-on", "none", "--today", "2026-01-01", "--jobs", "1"]
    arguments += ["--format", f"json:{out / 'out.json'}", "--format", f"sarif:{out / 'out.sarif'}"]
    arguments += ["--summary", "csv", "-o", str(out / "summary.csv")]
    figures = measure(arguments, work)
    rows = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == count + 1 and (out / "out.sarif").stat().st_size > 0
    return figures


@pytest.mark.slow
def test_a_1000_plan_batch_peaks_under_the_target_and_flat(tmp_path: Path) -> None:
    small = _batch(tmp_path / "small", 100, tmp_path)
    large = _batch(tmp_path / "large", 1000, tmp_path)
    assert large["main_mb"] < TARGET_BATCH_MB, large
    assert large["main_mb"] - small["main_mb"] < FLAT_MB, (small, large)
