"""Proof of speed: cold CLI side by side with check-jsonschema, library throughput, memory, the machine.

    .venv/bin/python bench/run.py            # full run, writes bench/results/latest.md
    .venv/bin/python bench/run.py --quick    # fewer runs and plans, for a smoke test

Figures are printed, never asserted: a shared CI runner is too noisy for a timed
test to mean anything, so the targets are checked here, by eye, next to each figure.

- Cold CLI: each command is a fresh process, run round-robin so that a burst of
  load on the machine hits every command alike; the median is reported.
  check-jsonschema validating the same plan against the same schema is the peer:
  `assess` should *assess* a plan faster than it *validates* one.
- Throughput and memory run in fresh child processes pinned to one core, so
  that neither the parent's imports nor a second core flatter the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.plans` importable
    sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
SAMPLE = "samples/exemplary.json"
SCHEMA = "schemas/plan.schema.json"
RESULTS = ROOT / "bench" / "results" / "latest.md"
SEED = 2025

TARGET_PLANS_PER_SECOND = 1000
TARGET_RSS_GROWTH_MB = 10.0


# ------------------------------------------------------------------ (a) cold command lines


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]


@dataclass(frozen=True)
class ColdResult:
    label: str
    argv: list[str]
    median_ms: float | None
    min_ms: float | None
    max_rss_mb: float | None
    note: str = ""


def _commands() -> list[Command]:
    assess = str(BIN / "assess")
    return [
        Command("python -c pass (interpreter start, the floor)", [sys.executable, "-c", "pass"]),
        Command(f"assess {SAMPLE} --format json", [assess, SAMPLE, "--format", "json"]),
        Command(f"assess validate {SAMPLE}", [assess, "validate", SAMPLE]),
        Command(
            f"check-jsonschema --schemafile {SCHEMA} {SAMPLE}",
            [str(BIN / "check-jsonschema"), "--schemafile", SCHEMA, SAMPLE],
        ),
    ]


def _run_once(argv: list[str]) -> tuple[float, int, float]:
    """Wall seconds, exit code and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, usage.ru_maxrss / 1024


def _usable(command: Command) -> str:
    """Empty when the command runs as expected, else why not (e.g. a subcommand not written yet)."""
    try:
        done = subprocess.run(command.argv, cwd=ROOT, capture_output=True, text=True, timeout=60)
    except OSError as error:
        return f"cannot run: {error}"
    # assess exits 1 when its gate fails: still a complete assessment.
    if done.returncode not in (0, 1):
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        return f"exit {done.returncode}: {last[:80]}"
    return ""


def cold_cli(runs: int) -> list[ColdResult]:
    commands = _commands()
    notes = {command.label: _usable(command) for command in commands}
    live = [command for command in commands if not notes[command.label]]
    times: dict[str, list[float]] = {command.label: [] for command in live}
    rss: dict[str, float] = {}
    for _ in range(2):  # warm the page cache and .pyc files; not counted
        for command in live:
            _run_once(command.argv)
    for _ in range(runs):
        for command in live:
            elapsed, _, peak = _run_once(command.argv)
            times[command.label].append(elapsed)
            rss[command.label] = max(rss.get(command.label, 0.0), peak)
    results = []
    for command in commands:
        samples = times.get(command.label)
        if not samples:
            results.append(ColdResult(command.label, command.argv, None, None, None, notes[command.label]))
            continue
        results.append(
            ColdResult(
                command.label,
                command.argv,
                statistics.median(samples) * 1000,
                min(samples) * 1000,
                rss[command.label],
            )
        )
    return results


# ------------------------------------------------------------------ (b) throughput, in a child process


def _pin_to_one_core() -> int:
    """Run on one core only (the last one we may use), so the figure is per core."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _assess_one(source: Any, catalog: Any, config: Any) -> str:
    """What a library caller does per plan: validate, assess, score, and the JSON report."""
    from assess.api import assess_loaded, load, make_report

    return make_report([assess_loaded(load(source), catalog, config)], catalog).model_dump_json()


STAGES = (
    "load + validate",
    "facts",
    "rule engine (durable_rules, actions included)",
    "findings, scoring, recommendations",
    "report + model_dump_json",
)


def child_throughput(count: int) -> dict[str, Any]:
    from bench.plans import generate

    cpu = _pin_to_one_core()
    from assess.api import assess_loaded, load, make_report
    from assess.catalog import build_catalog
    from assess.config import Config
    from assess.engine import _Host
    from assess.facts import build_facts

    plans = generate(count, SEED)  # up front, not timed
    texts = [json.dumps(plan, indent=2, ensure_ascii=False).encode() for plan in plans]
    config = Config()
    catalog = build_catalog(config)
    for plan in plans[:200]:  # warm-up: validators compiled, ruleset registered, caches filled
        _assess_one(plan, catalog, config)

    gc.collect()
    start = time.perf_counter()
    total_bytes = 0
    for plan in plans:
        total_bytes += len(_assess_one(plan, catalog, config))
    from_data = time.perf_counter() - start

    start = time.perf_counter()
    for text in texts:
        _assess_one(text, catalog, config)
    from_text = time.perf_counter() - start

    # Where the time goes, stage by stage, on a sample of the same plans.
    stages: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    actions: Counter[str] = Counter()
    findings = 0
    sample = plans[: min(len(plans), 2000)]
    for plan in sample:
        t0 = time.perf_counter()
        loaded = load(plan)
        t1 = time.perf_counter()
        facts = build_facts(loaded.plan)
        t2 = time.perf_counter()
        catalog.engine.run(facts)
        t3 = time.perf_counter()
        for action, _ in _Host.get().recorder.matches:  # every action durable ran (the 15 µs each)
            actions[action.split("|")[0]] += 1
        plan_report = assess_loaded(loaded, catalog, config)  # runs facts and engine again
        t4 = time.perf_counter()
        make_report([plan_report], catalog).model_dump_json()
        t5 = time.perf_counter()
        findings += len(plan_report.findings)
        for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3 - (t3 - t1), t5 - t4), strict=True):
            stages[stage] += seconds
    return {
        "cpu": cpu,
        "plans": count,
        "rules": len(catalog.rules),
        "from_data_s": from_data,
        "from_text_s": from_text,
        "mean_json_bytes": total_bytes / count,
        "mean_text_bytes": sum(len(text) for text in texts) / count,
        "stage_us": {name: seconds / len(sample) * 1e6 for name, seconds in stages.items()},
        "actions_per_plan": {rule: n / len(sample) for rule, n in actions.most_common()},
        "findings_per_plan": findings / len(sample),
        "facts_per_plan": sum(len(build_facts(load(plan).plan)) for plan in sample) / len(sample),
    }


# ------------------------------------------------------------------ (c) memory, in a child process


def _vm_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def child_memory(warmup: int, count: int) -> dict[str, Any]:
    from bench.plans import stream

    _pin_to_one_core()
    from assess.catalog import build_catalog
    from assess.config import Config

    config = Config()
    catalog = build_catalog(config)
    plans = stream(SEED + 1)  # one at a time: holding 20,000 plans would hide what we look for
    for _ in range(warmup):
        _assess_one(next(plans), catalog, config)
    gc.collect()
    before = _vm_rss_mb()
    curve = [(0, before)]
    step = max(1, count // 4)
    for done in range(1, count + 1):
        _assess_one(next(plans), catalog, config)
        if done % step == 0:
            gc.collect()
            curve.append((done, _vm_rss_mb()))
    gc.collect()
    after = _vm_rss_mb()
    return {
        "warmup": warmup,
        "plans": count,
        "before_mb": before,
        "after_mb": after,
        "growth_mb": after - before,
        "curve": curve,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench child {args[0]} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# ------------------------------------------------------------------ (d) the machine


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    def installed(name: str) -> str:
        try:
            return version(name)
        except Exception:
            return "not installed"

    load1, load5, _ = os.getloadavg()
    return {
        "CPU": model,
        "cores": f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))}); throughput and memory pinned to one",
        "Python": f"{platform.python_implementation()} {platform.python_version()} on {platform.system()} "
        f"{platform.release()}",
        "versions": f"assess {installed('assess-social-plan')}, durable-rules {installed('durable-rules')}, "
        f"pydantic {installed('pydantic')}, jsonschema-rs {installed('jsonschema-rs')}, "
        f"check-jsonschema {installed('check-jsonschema')}",
        "load average at start": f"{load1:.2f} (1 min), {load5:.2f} (5 min)",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ------------------------------------------------------------------ report


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(
    cold: list[ColdResult], runs: int, throughput: dict[str, Any], memory: dict[str, Any], host: dict[str, str]
) -> str:
    by_label = {result.label: result for result in cold}
    assess_cli = cold[1]
    peer = cold[3]
    lines = ["# Benchmark results", "", f"Produced by `.venv/bin/python bench/run.py` on {host['date']}.", ""]

    lines += [f"## Cold command line (one plan, fresh process, median of {runs} runs)", ""]
    lines += ["| command | median | fastest | peak RSS |", "|---|---:|---:|---:|"]
    for result in by_label.values():
        rss = "n/a" if result.max_rss_mb is None else f"{result.max_rss_mb:.0f} MB"
        note = f" ({result.note})" if result.note else ""
        lines.append(f"| `{result.label}`{note} | {_ms(result.median_ms)} | {_ms(result.min_ms)} | {rss} |")
    if assess_cli.median_ms is not None and peer.median_ms is not None:
        ratio = assess_cli.median_ms / peer.median_ms
        ok = assess_cli.median_ms < peer.median_ms
        lines += [
            "",
            f"Target: `assess` assesses one plan in less wall time than check-jsonschema takes to validate it: "
            f"{assess_cli.median_ms:.0f} ms vs {peer.median_ms:.0f} ms ({ratio:.2f}x), {_verdict(ok)}.",
        ]

    per_second = throughput["plans"] / throughput["from_data_s"]
    per_second_text = throughput["plans"] / throughput["from_text_s"]
    lines += [
        "",
        f"## Library throughput (one core, {throughput['plans']:,} generated valid plans, {throughput['rules']} rules)",
        "",
        "Per plan: validation (jsonschema-rs, references, pydantic), facts, rules, scoring, "
        "recommendations and the JSON report (`model_dump_json`).",
        "",
        "| source | plans/s | per plan |",
        "|---|---:|---:|",
        f"| parsed data (a dict) | {per_second:,.0f} | {1e3 / per_second:.2f} ms |",
        f"| JSON text (parse + source map too, {throughput['mean_text_bytes'] / 1024:.0f} KB a plan) "
        f"| {per_second_text:,.0f} | {1e3 / per_second_text:.2f} ms |",
        "",
        f"Target: at least {TARGET_PLANS_PER_SECOND:,} plans/s on one core: {per_second:,.0f}, "
        f"{_verdict(per_second >= TARGET_PLANS_PER_SECOND)}.",
        "",
        f"Where the time goes (mean per plan over the first 2,000; {throughput['facts_per_plan']:.0f} facts and "
        f"{throughput['findings_per_plan']:.1f} findings a plan):",
        "",
        "| stage | µs per plan |",
        "|---|---:|",
    ]
    for stage, micros in throughput["stage_us"].items():
        lines.append(f"| {stage} | {micros:,.0f} |")
    actions = throughput["actions_per_plan"]
    lines += [
        "",
        f"durable_rules actions per plan: {sum(actions.values()):.1f} (about 15 µs each). Rules that match most:",
        "",
        "| rule | actions per plan |",
        "|---|---:|",
    ]
    for rule, mean in list(actions.items())[:8]:
        lines.append(f"| {rule} | {mean:.2f} |")

    growth = memory["growth_mb"]
    curve = ", ".join(f"{done:,}: {mb:.1f}" for done, mb in memory["curve"])
    lines += [
        "",
        f"## Memory ({memory['plans']:,} plans in one fresh process, after a warm-up of {memory['warmup']:,})",
        "",
        f"VmRSS {memory['before_mb']:.1f} MB -> {memory['after_mb']:.1f} MB: growth {growth:+.1f} MB "
        f"(peak {memory['max_rss_mb']:.1f} MB). Target: under {TARGET_RSS_GROWTH_MB:.0f} MB, "
        f"{_verdict(growth < TARGET_RSS_GROWTH_MB)}.",
        "",
        f"VmRSS (MB) after n plans: {curve}.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {name}: {value}" for name, value in host.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and plans: a smoke test, not figures")
    parser.add_argument("--runs", type=int, help="cold runs per command (default 21, quick 5)")
    parser.add_argument("--plans", type=int, help="plans for throughput (default 10,000, quick 1,000)")
    parser.add_argument("--memory-plans", type=int, help="plans for the memory test (default 20,000, quick 2,000)")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 21)
    plans = args.plans or (1000 if args.quick else 10_000)
    memory_plans = args.memory_plans or (2000 if args.quick else 20_000)
    warmup = 200 if args.quick else 1000

    host = machine()
    print("cold command lines...", file=sys.stderr)
    cold = cold_cli(runs)
    print("library throughput...", file=sys.stderr)
    throughput = _child("_throughput", str(plans))
    print("memory...", file=sys.stderr)
    memory = _child("_memory", str(warmup), str(memory_plans))
    text = render(cold, runs, throughput, memory, host)
    print(text)
    if not args.no_write and not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        temporary = RESULTS.with_suffix(".md.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(RESULTS)
        print(f"written to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_throughput":
        print(json.dumps(child_throughput(int(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "_memory":
        print(json.dumps(child_memory(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        main()
