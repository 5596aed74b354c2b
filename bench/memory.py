"""Peak memory of the command line: batches of 1,000 and 20,000 plans, and the largest plan.

    .venv/bin/python bench/memory.py            # or: make bench-memory
    .venv/bin/python bench/memory.py --quick    # 200 and 1,000 plans: a smoke test

Each figure is printed beside its target (issue 15):

- **Batches**: ``assess DIR --format json:out.json --format sarif:out.sarif --summary csv -o
  summary.csv`` on 1,000 and on 20,000 generated plans (`bench.plans`, written once per run
  into a temporary folder), with ``--jobs 1`` and ``--jobs 2``. The command runs in a fresh
  process; its peak RSS (``VmHWM``) and, with ``--jobs 2``, the largest worker's are
  measured, each against 150 MB. The batch's total (main + workers, an upper bound: their
  peaks need not coincide) is shown too.
- **The largest plan**: a plan grown (every list of entries copied with fresh ids) to just
  under the 10 MB read limit, assessed with ``--format json``: the peak RSS above that of
  the same command on a small plan, divided by the file's size. Target: at most 5. The same
  plan written as YAML (read by the other parser) is measured the same way.

RSS does not depend on the machine's load, so these figures can be taken on a busy machine;
they are printed, never asserted (``tests/test_memory.py`` asserts a 1,000-plan batch's peak).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_BATCH_MB = 150.0
TARGET_BIG_RATIO = 5.0
DEFAULT_LIMIT = 10 * 1024 * 1024
SEED = 2026
MB = 1024 * 1024


def write_batch(folder: Path, count: int, seed: int = SEED, broken_every: int = 97) -> None:
    """`count` plan files in `folder` (valid generated plans; one in `broken_every` invalid, as in real batches)."""
    from bench.plans import stream

    folder.mkdir(parents=True, exist_ok=True)
    plans = stream(seed)
    width = len(str(count))
    for index in range(count):
        plan: dict[str, Any] = dict(next(plans))
        if broken_every and index % broken_every == broken_every - 1:
            plan.pop("organization", None)  # a schema error: the plan is reported as not assessed
        text = json.dumps(plan, indent=2, ensure_ascii=False) + "\n"
        (folder / f"plan-{index:0{width}d}.json").write_text(text, encoding="utf-8")


FREE_TEXT_LISTS = ("keywords", "peers_followed", "tools", "topics")  # lists of strings that are not enumerations
# Texts of up to 2,000 characters in the schema, written at length in the largest plan.
LONG_TEXTS = ("decision_rule", "description", "objective", "rationale", "statement", "summary", "thanks")
LONG_TEXT_CHARACTERS = 1900
SHORT_TEXTS = ("name", "title", "role", "department", "document", "source")  # up to 200 characters
SHORT_TEXT_CHARACTERS = 190


def _grow(node: Any, entries: int) -> None:
    """Every list of objects in `node` grown to `entries` items: copies of its own items with fresh ids.

    The lists of free texts (`FREE_TEXT_LISTS`) grow too, with numbered copies of their first item,
    and the texts (`LONG_TEXTS`, `SHORT_TEXTS`) are written at length (their text repeated).
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FREE_TEXT_LISTS and isinstance(value, list) and value and isinstance(value[0], str):
                value.extend(f"{value[0]} (copy {number})" for number in range(len(value), entries))
            elif key in LONG_TEXTS and isinstance(value, str) and value:
                node[key] = (value + " ") * (LONG_TEXT_CHARACTERS // (len(value) + 1))
            elif key in SHORT_TEXTS and isinstance(value, str) and value:
                node[key] = (value + " ") * (SHORT_TEXT_CHARACTERS // (len(value) + 1))
            else:
                _grow(value, entries)
    elif isinstance(node, list):
        for value in node:
            _grow(value, entries)
        if node and all(isinstance(item, dict) for item in node):
            originals = list(node)
            copies = 0
            while len(node) < entries:
                item = copy.deepcopy(originals[copies % len(originals)])
                if "id" in item:
                    item["id"] = f"{item['id']}-{copies}"
                node.append(item)
                copies += 1


def _nodes(data: Any, tokens: list[str]) -> list[Any]:
    nodes = [data]
    for token in tokens:
        if token == "*":
            nodes = [item for node in nodes if isinstance(node, list) for item in node]
        else:
            nodes = [node[token] for node in nodes if isinstance(node, dict) and token in node]
    return nodes


def _refer_to_many(plan: dict[str, Any], entries: int) -> None:
    """Every list of references (a goal's metrics, a channel's admins...) names up to `entries` targets."""
    from assess.plan.validate import REFERENCES

    for reference in REFERENCES:
        if not reference.source.endswith("/*"):
            continue
        targets = [entry["id"] for entry in _nodes(plan, [*reference.target.split("/")[1:], "*"])]
        for node in _nodes(plan, reference.source.split("/")[1:-1]):
            if isinstance(node, list) and node:
                node[:] = targets[:entries]


def big_plan(max_bytes: int) -> bytes:
    """The largest grown plan (JSON, indented) not over `max_bytes`."""
    from assess.plan.validate import drop_dangling_references

    base = json.loads((ROOT / "samples" / "exemplary.json").read_text(encoding="utf-8"))

    def made(entries: int) -> bytes:
        plan = copy.deepcopy(base)
        _grow(plan, entries)
        drop_dangling_references(plan)
        _refer_to_many(plan, entries)
        return (json.dumps(plan, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    low, high = 1, 500  # the schema's maxItems
    best = made(low)
    while low <= high:
        middle = (low + high) // 2
        text = made(middle)
        if len(text) <= max_bytes:
            best, low = text, middle + 1
        else:
            high = middle - 1
    return best


def measure(arguments: list[str], cwd: Path) -> dict[str, float]:
    """Run ``assess ARGUMENTS`` in a fresh process: its peak RSS, its largest child's, and the wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_run", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    if done.returncode not in (0, 1, 2) or not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"assess {' '.join(arguments)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(lines[-1])
    figures["wall_s"] = wall
    figures["exit"] = done.returncode
    return figures


def _peak_mb() -> float:
    """This process's peak RSS (VmHWM), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _run_child(arguments: list[str]) -> None:
    """In the measured process: run the CLI, then print its own and its largest child's peak RSS (MB)."""
    from assess.cli import main

    code: Any = 0
    try:
        main(arguments)
    except SystemExit as exit_:
        code = exit_.code
    finally:
        # VmHWM, not ru_maxrss: Linux carries a process's ru_maxrss over fork and exec, so it would
        # start at the RSS of the bench that started it. The workers are forked from this process:
        # theirs counts the pages they share with it, as RSS does.
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps({"main_mb": _peak_mb(), "worker_mb": children}), file=sys.stderr)
    sys.exit(code if isinstance(code, int) else 2)


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def batches(counts: list[int], work: Path) -> list[str]:
    lines = [
        "## Batches: `assess DIR --format json:out.json --format sarif:out.sarif --summary csv -o summary.csv`",
        "",
        "| plans | jobs | peak RSS, main process | largest worker | total (upper bound) | target | wall |",
        "|---:|---:|---:|---:|---:|---|---:|",
    ]
    for count in counts:
        folder = work / f"plans-{count}"
        started = time.perf_counter()
        write_batch(folder, count)
        print(f"wrote {count:,} plans in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for jobs in (1, 2):
            out = work / f"out-{count}-{jobs}"
            out.mkdir(exist_ok=True)
            arguments = [
                str(folder),
                "--no-config",
                "--fail-on",
                "none",
                "--today",
                "2026-01-01",
                "--jobs",
                str(jobs),
                "--format",
                f"json:{out / 'out.json'}",
                "--format",
                f"sarif:{out / 'out.sarif'}",
                "--summary",
                "csv",
                "-o",
                str(out / "summary.csv"),
            ]
            print(f"assess {count:,} plans --jobs {jobs}...", file=sys.stderr)
            figures = measure(arguments, work)
            main_mb, worker_mb = figures["main_mb"], figures["worker_mb"] if jobs > 1 else 0.0
            total = main_mb + jobs * worker_mb if jobs > 1 else main_mb
            worst = max(main_mb, worker_mb)
            lines.append(
                f"| {count:,} | {jobs} | {main_mb:.0f} MB | {f'{worker_mb:.0f} MB' if jobs > 1 else '-'} "
                f"| {total:.0f} MB | < {TARGET_BATCH_MB:.0f} MB a process: {_verdict(worst < TARGET_BATCH_MB)} "
                f"| {figures['wall_s']:.0f} s |"
            )
            print(lines[-1], file=sys.stderr)
    return lines


def largest_plan(work: Path, max_bytes: int) -> list[str]:
    import yaml

    small = ROOT / "samples" / "exemplary.json"
    big = work / "big.json"
    big.write_bytes(big_plan(max_bytes))
    size = big.stat().st_size
    # The same plan in YAML (smaller: no quotes or braces), read by the other parser.
    big_yaml = work / "big.yaml"
    big_yaml.write_text(
        yaml.safe_dump(json.loads(big.read_bytes()), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    extra = [] if max_bytes == DEFAULT_LIMIT else ["--max-size", str(max_bytes)]
    common = ["--no-config", "--fail-on", "none", "--today", "2026-01-01", "--format", "json:out.json", *extra]
    base = measure([str(small), *common], work)["main_mb"]
    lines = [f"## The largest plan: {size / MB:.1f} MB of JSON (limit {max_bytes / MB:.0f} MB)", ""]
    for path, what in ((big, "JSON"), (big_yaml, "the same plan in YAML")):
        figures = measure([str(path), *common], work)
        ratio = (figures["main_mb"] - base) * MB / path.stat().st_size
        lines.append(
            f"- {what} ({path.stat().st_size / MB:.1f} MB): peak RSS {figures['main_mb']:.0f} MB, of which "
            f"{figures['main_mb'] - base:.0f} MB above a small plan's {base:.0f} MB; {figures['wall_s']:.1f} s. "
            f"Peak above the small plan / file size: **{ratio:.1f}x**. "
            f"Target: at most {TARGET_BIG_RATIO:.0f}x, {_verdict(ratio <= TARGET_BIG_RATIO)}."
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 and 1,000 plans: a smoke test")
    parser.add_argument("--counts", type=int, nargs="*", help="batch sizes (default 1,000 and 20,000)")
    parser.add_argument("--max-size", type=int, default=DEFAULT_LIMIT, help="the largest plan's limit, in bytes")
    parser.add_argument("--skip-batches", action="store_true", help="only the largest plan")
    args = parser.parse_args(argv)
    counts = args.counts or ([200, 1000] if args.quick else [1000, 20_000])
    with tempfile.TemporaryDirectory(prefix="assess-bench-memory-") as folder:
        work = Path(folder)
        lines = [f"# Memory ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs)", ""]
        if not args.skip_batches:
            lines += [*batches(counts, work), ""]
        lines += largest_plan(work, args.max_size)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        _run_child(sys.argv[2:])
    else:
        main()
