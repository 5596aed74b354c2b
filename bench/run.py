"""Proof of speed: cold CLI side by side with check-jsonschema, library throughput, memory, the machine.

    .venv/bin/python bench/run.py            # full run, writes bench/results/latest.md
    .venv/bin/python bench/run.py --quick    # fewer runs and plans, for a smoke test

Figures are printed, never asserted: a shared CI runner is too noisy for a timed
test to mean anything, so the targets are checked here, by eye, next to each figure.

- Cold CLI: each command is a fresh process, run round-robin so that a burst of
  load on the machine hits every command alike; the median is reported, wall
  time and CPU time (user + system: steadier on a shared machine). check-jsonschema
  validating the same plan against the same schema is the peer: `assess` should
  *assess* a plan faster than it *validates* one. Every command reads its bytecode
  from a private cache (PYTHONPYCACHEPREFIX), as after a normal install; when the
  environment forbids bytecode files (PYTHONDONTWRITEBYTECODE) one more row shows
  what that costs.
- Throughput and memory run in fresh child processes pinned to one core, so
  that neither the parent's imports nor a second core flatter the figures. Plans
  per second are counted on the process's CPU time (what one core delivers) and
  on wall time (what a caller waits, slower when the machine is shared).
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
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
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

TARGET_PLANS_PER_SECOND = 1000  # durable_rules, the default engine (issue 15)
TARGET_PLANS_PER_SECOND_BUILTIN = 3000  # the built-in evaluator
TARGET_RSS_GROWTH_MB = 10.0


# ------------------------------------------------------------------ (a) cold command lines


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ColdResult:
    label: str
    median_ms: float | None = None
    min_ms: float | None = None
    cpu_ms: float | None = None
    max_rss_mb: float | None = None
    note: str = ""


ASSESS_LABEL = f"assess {SAMPLE} --format json"
ASSESS_TEXT_LABEL = f"assess {SAMPLE}"
PEER_LABEL = f"check-jsonschema --schemafile {SCHEMA} {SAMPLE}"
TARGET_COLD_RATIO = 0.5
"""Issue 15: a cold `assess` run, in text and JSON formats, at most half check-jsonschema's time."""


def _commands(pycache: str) -> list[Command]:
    assess = str(BIN / "assess")
    # Bytecode read from (and, on the warm-up runs, written to) a private folder, as after an install.
    cached = {"PYTHONPYCACHEPREFIX": pycache, "PYTHONDONTWRITEBYTECODE": ""}
    commands = [
        Command("python -c pass (interpreter start, the floor)", [sys.executable, "-c", "pass"], cached),
        Command(ASSESS_LABEL, [assess, SAMPLE, "--format", "json"], cached),
        Command(ASSESS_TEXT_LABEL, [assess, SAMPLE], cached),
        Command(f"assess validate {SAMPLE}", [assess, "validate", SAMPLE], cached),
        Command(PEER_LABEL, [str(BIN / "check-jsonschema"), "--schemafile", SCHEMA, SAMPLE], cached),
    ]
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        label = f"{ASSESS_LABEL} (PYTHONDONTWRITEBYTECODE=1: assess compiled on every start)"
        commands.append(Command(label, [assess, SAMPLE, "--format", "json"]))
    return commands


def _environment(command: Command) -> dict[str, str]:
    env = {**os.environ, **command.env}
    return {name: value for name, value in env.items() if value != "" or name not in command.env}


def _run_once(command: Command) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command.argv, cwd=ROOT, env=_environment(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _usable(command: Command) -> str:
    """Empty when the command runs as expected, else why not (e.g. a subcommand not written yet)."""
    try:
        done = subprocess.run(
            command.argv, cwd=ROOT, env=_environment(command), capture_output=True, text=True, timeout=60
        )
    except OSError as error:
        return f"cannot run: {error}"
    # assess exits 1 when its gate fails: still a complete assessment.
    if done.returncode not in (0, 1):
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        return f"exit {done.returncode}: {last[:80]}"
    return ""


def cold_cli(runs: int) -> list[ColdResult]:
    with tempfile.TemporaryDirectory(prefix="assess-bench-pycache-") as pycache:
        commands = _commands(pycache)
        notes = {command.label: _usable(command) for command in commands}
        live = [command for command in commands if not notes[command.label]]
        samples: dict[str, list[tuple[float, float, float]]] = {command.label: [] for command in live}
        for _ in range(2):  # warm the page cache and write the bytecode; not counted
            for command in live:
                _run_once(command)
        for _ in range(runs):
            for command in live:
                samples[command.label].append(_run_once(command))
    results = []
    for command in commands:
        runs_of = samples.get(command.label)
        if not runs_of:
            results.append(ColdResult(command.label, note=notes[command.label]))
            continue
        walls, cpus, peaks = zip(*runs_of, strict=True)
        results.append(
            ColdResult(
                command.label,
                median_ms=statistics.median(walls) * 1000,
                min_ms=min(walls) * 1000,
                cpu_ms=statistics.median(cpus) * 1000,
                max_rss_mb=max(peaks),
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

    return make_report([assess_loaded(load(source), catalog, config)], catalog, config).model_dump_json()


STAGES = (
    "load + validate",
    "facts",
    "rule engine (durable_rules, actions included)",
    "findings, scoring, recommendations",
    "report + model_dump_json",
)


def reference_workload() -> float:
    """CPU seconds of a fixed pure-Python workload (dicts, strings, sorting, JSON): the machine's speed now.

    A virtual machine's speed drifts between runs (a noisy neighbour): throughput figures from
    two runs compare only as far as this figure does.
    """
    start = time.process_time()
    for round_ in range(40):
        table = {f"key-{i}": (i % 2 == 0, -i, str(i) * 3) for i in range(2000)}
        ordered = sorted(table.values())
        json.loads(json.dumps(ordered[: 200 + round_]))
    return time.process_time() - start


def child_throughput(count: int) -> dict[str, Any]:
    from bench.plans import generate

    cpu = _pin_to_one_core()
    import assess
    from assess.api import assess_loaded, load, make_report
    from assess.config import Config
    from assess.rules.catalog import build_catalog
    from assess.rules.facts import build_facts

    plans = generate(count, SEED)  # up front, not timed
    texts = [json.dumps(plan, indent=2, ensure_ascii=False).encode() for plan in plans]
    config = Config(engine="durable")
    builtin = Config(engine="builtin")
    catalog = build_catalog(config)
    for plan in plans[:200]:  # warm-up: validators compiled, ruleset registered, caches filled
        _assess_one(plan, catalog, config)
        assess.assess_plan(plan, config=config)
        assess.assess_plan(plan, config=builtin)

    def timed(sources: list[Any], call: Any = None) -> tuple[float, float, int]:
        """Wall and CPU seconds to assess every source, and the bytes of JSON written."""
        gc.collect()
        wall, cpu, written = time.perf_counter(), time.process_time(), 0
        if call is None:
            for source in sources:
                written += len(_assess_one(source, catalog, config))
        else:
            for source in sources:
                call(source)
        return time.perf_counter() - wall, time.process_time() - cpu, written

    def api(engine: Config) -> Any:
        return lambda source: assess.assess_plan(source, config=engine)

    # The figure: `assess.assess_plan` (catalog lookup, load, validation, the rules, scoring,
    # recommendations, the typed Report), one engine then the other, from parsed data.
    api_durable_wall, api_durable_cpu, _ = timed(plans, api(config))
    api_builtin_wall, api_builtin_cpu, _ = timed(plans, api(builtin))
    reference_before = min(reference_workload() for _ in range(3))
    from_data_wall, from_data_cpu, total_bytes = timed(plans)
    from_text_wall, from_text_cpu, _ = timed(texts)
    reference_after = min(reference_workload() for _ in range(3))

    # Where the time goes, stage by stage (CPU time), on a sample of the same plans.
    clock = time.process_time
    stages: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    matched: Counter[tuple[str, str]] = Counter()  # (rule id, outcome): what `Engine.run` returns, public
    findings = 0
    sample = plans[: min(len(plans), 2000)]
    for plan in sample:
        t0 = clock()
        loaded = load(plan)
        t1 = clock()
        facts = build_facts(loaded.data)
        t2 = clock()
        matches = catalog.engine.run(facts)
        t3 = clock()
        matched.update((match.rule_id, match.outcome) for match in matches)
        plan_report = assess_loaded(loaded, catalog, config)  # runs facts and engine again
        t4 = clock()
        make_report([plan_report], catalog, config).model_dump_json()
        t5 = clock()
        findings += len(plan_report.findings)
        for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3 - (t3 - t1), t5 - t4), strict=True):
            stages[stage] += seconds
    return {
        "cpu": cpu,
        "plans": count,
        "rules": len(catalog.rules),
        "reference_ms": (reference_before * 1e3, reference_after * 1e3),
        "from_data_wall_s": from_data_wall,
        "from_data_cpu_s": from_data_cpu,
        "from_text_wall_s": from_text_wall,
        "from_text_cpu_s": from_text_cpu,
        "api_durable_wall_s": api_durable_wall,
        "api_durable_cpu_s": api_durable_cpu,
        "api_builtin_wall_s": api_builtin_wall,
        "api_builtin_cpu_s": api_builtin_cpu,
        "alternatives": sorted(
            ((rule.rule_id, len(rule.fail) + len(rule.skip)) for rule in catalog.engine.rules), key=lambda r: -r[1]
        ),
        "durable_rules": len(getattr(catalog.engine, "_definitions", ())) or None,
        "mean_json_bytes": total_bytes / count,
        "mean_text_bytes": sum(len(text) for text in texts) / count,
        "stage_us": {name: seconds / len(sample) * 1e6 for name, seconds in stages.items()},
        "matches_per_plan": [(rule, outcome, n / len(sample)) for (rule, outcome), n in matched.most_common()],
        "sample": len(sample),
        "findings_per_plan": findings / len(sample),
        "facts_per_plan": sum(len(build_facts(load(plan).data)) for plan in sample) / len(sample),
    }


# ------------------------------------------------------------------ (c) memory, in a child process


def _status_mb(field_name: str = "VmRSS") -> float:
    """A memory figure of this process from /proc/self/status (VmRSS: now; VmHWM: the peak), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} in /proc/self/status")


def child_memory(warmup: int, count: int) -> dict[str, Any]:
    from bench.plans import stream

    _pin_to_one_core()
    from assess.config import Config
    from assess.rules.catalog import build_catalog

    config = Config()
    catalog = build_catalog(config)
    plans = stream(SEED + 1)  # one at a time: holding 20,000 plans would hide what we look for
    for _ in range(warmup):
        _assess_one(next(plans), catalog, config)
    gc.collect()
    before = _status_mb()
    curve = [(0, before)]
    step = max(1, count // 4)
    for done in range(1, count + 1):
        _assess_one(next(plans), catalog, config)
        if done % step == 0:
            gc.collect()
            curve.append((done, _status_mb()))
    gc.collect()
    after = _status_mb()
    return {
        "warmup": warmup,
        "plans": count,
        "before_mb": before,
        "after_mb": after,
        "growth_mb": after - before,
        "curve": curve,
        "peak_mb": _status_mb("VmHWM"),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
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


def _cold_section(cold: list[ColdResult], runs: int) -> list[str]:
    lines = [f"## Cold command line (one plan, fresh process, median of {runs} runs)", ""]
    lines += ["| command | wall, median | wall, fastest | CPU, median | peak RSS |", "|---|---:|---:|---:|---:|"]
    for result in cold:
        rss = "n/a" if result.max_rss_mb is None else f"{result.max_rss_mb:.0f} MB"
        note = f" ({result.note})" if result.note else ""
        lines.append(
            f"| `{result.label}`{note} | {_ms(result.median_ms)} | {_ms(result.min_ms)} | {_ms(result.cpu_ms)} "
            f"| {rss} |"
        )
    by_label = {result.label: result for result in cold}
    peer = by_label[PEER_LABEL]
    if peer.median_ms is None or not peer.cpu_ms:
        return lines
    lines += [
        "",
        f"Target: a cold `assess` run, text and JSON, in at most {TARGET_COLD_RATIO}x the time check-jsonschema "
        f"takes to validate the same plan ({peer.median_ms:.0f} ms wall, {peer.cpu_ms:.0f} ms CPU: a target of "
        f"{peer.median_ms * TARGET_COLD_RATIO:.0f} ms wall, {peer.cpu_ms * TARGET_COLD_RATIO:.0f} ms CPU):",
        "",
        "| command | wall | ratio | CPU | ratio | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label in (ASSESS_LABEL, ASSESS_TEXT_LABEL):
        mine = by_label[label]
        if mine.median_ms is None or mine.cpu_ms is None:
            lines.append(f"| `{label}` | n/a | | | | not run |")
            continue
        wall, cpu = mine.median_ms / peer.median_ms, mine.cpu_ms / peer.cpu_ms
        lines.append(
            f"| `{label}` | {mine.median_ms:.0f} ms | {wall:.2f}x | {mine.cpu_ms:.0f} ms | {cpu:.2f}x "
            f"| {TARGET_COLD_RATIO}x: {_verdict(wall <= TARGET_COLD_RATIO)} |"
        )
    return lines


def _throughput_section(throughput: dict[str, Any]) -> list[str]:
    plans = throughput["plans"]
    durable = plans / throughput["api_durable_cpu_s"]
    builtin = plans / throughput["api_builtin_cpu_s"]
    targets = [
        (
            "durable_rules (the default)",
            throughput["api_durable_cpu_s"],
            throughput["api_durable_wall_s"],
            TARGET_PLANS_PER_SECOND,
        ),
        (
            "built-in evaluator",
            throughput["api_builtin_cpu_s"],
            throughput["api_builtin_wall_s"],
            TARGET_PLANS_PER_SECOND_BUILTIN,
        ),
    ]
    rows = [
        ("parsed data (a dict)", throughput["from_data_cpu_s"], throughput["from_data_wall_s"]),
        (
            f"JSON text (parse and source map too, {throughput['mean_text_bytes'] / 1024:.0f} KB a plan)",
            throughput["from_text_cpu_s"],
            throughput["from_text_wall_s"],
        ),
    ]
    lines = [
        f"## Library throughput (one core, {plans:,} generated valid plans, {throughput['rules']} rules)",
        "",
        "`assess.assess_plan(plan, config=...)` on each plan (parsed data): the catalog lookup, validation "
        "(jsonschema-rs, references), facts, the rules, scoring, recommendations and the typed `Report`.",
        "",
        "| engine | plans/s (CPU time) | per plan | plans/s (wall time) | target | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, cpu, wall, target in targets:
        lines.append(
            f"| {label} | {plans / cpu:,.0f} | {cpu / plans * 1e3:.2f} ms | {plans / wall:,.0f} | {target:,} "
            f"| {_verdict(plans / cpu >= target)} |"
        )
    lines += [
        "",
        "With the JSON report written too (`load`, `assess_loaded`, `make_report`, `model_dump_json`; durable_rules):",
        "",
        "| source | plans/s (CPU time) | per plan | plans/s (wall time) |",
        "|---|---:|---:|---:|",
    ]
    for label, cpu, wall in rows:
        lines.append(f"| {label} | {plans / cpu:,.0f} | {cpu / plans * 1e3:.2f} ms | {plans / wall:,.0f} |")
    lines += [
        "",
        f"Targets: at least {TARGET_PLANS_PER_SECOND:,} plans/s on one core with durable_rules: {durable:,.0f}, "
        f"{_verdict(durable >= TARGET_PLANS_PER_SECOND)}; at least {TARGET_PLANS_PER_SECOND_BUILTIN:,} with the "
        f"built-in evaluator: {builtin:,.0f}, {_verdict(builtin >= TARGET_PLANS_PER_SECOND_BUILTIN)}.",
        "",
        "Machine speed during the run: a fixed pure-Python reference workload took "
        + " ms before and ".join(f"{ms:.0f}" for ms in throughput["reference_ms"])
        + " ms after (best of 3; lower is faster). This virtual machine's speed drifts between runs, "
        "by 20% or more: compare two runs' throughput only together with this figure.",
        "",
        f"Where the time goes (CPU, mean per plan over the first {throughput['sample']:,}; "
        f"{throughput['facts_per_plan']:.0f} facts and "
        f"{throughput['findings_per_plan']:.1f} findings a plan; each stage timed on its own, so read them as "
        "shares):",
        "",
        "| stage | µs per plan | share |",
        "|---|---:|---:|",
    ]
    total = sum(throughput["stage_us"].values())
    for stage, micros in throughput["stage_us"].items():
        lines.append(f"| {stage} | {micros:,.0f} | {micros / total:.0%} |")
    matches = throughput["matches_per_plan"]
    alternatives = throughput["alternatives"]
    registered = throughput["durable_rules"]
    lines += [
        "",
        f"The catalog's {len(alternatives)} rules have {sum(n for _, n in alternatives)} alternatives "
        f"(`when` and `skip_when`; most: " + ", ".join(f"{rule} {n}" for rule, n in alternatives[:6]) + "); "
        f"the engine registers {registered if registered else 'n/a'} durable_rules rules for them "
        "(the wrapper's own two included).",
    ]
    if matches:
        lines += [
            "",
            f"Matches the engine returns a plan: {sum(mean for _, _, mean in matches):.1f} (`Engine.run`: a rule "
            "alternative that matched, with the facts it bound; both engines return the same). The rules matching "
            "most often:",
            "",
            "| rule | outcome | matches per plan |",
            "|---|---|---:|",
        ]
        lines += [f"| {rule} | {outcome} | {mean:.2f} |" for rule, outcome, mean in matches[:8]]
    return lines


def _memory_section(memory: dict[str, Any]) -> list[str]:
    growth = memory["growth_mb"]
    curve = ", ".join(f"{done:,}: {mb:.1f}" for done, mb in memory["curve"])
    return [
        f"## Memory ({memory['plans']:,} plans in one fresh process, after a warm-up of {memory['warmup']:,})",
        "",
        f"VmRSS {memory['before_mb']:.1f} MB -> {memory['after_mb']:.1f} MB: growth {growth:+.1f} MB "
        f"(peak VmHWM {memory['peak_mb']:.1f} MB). Target: under {TARGET_RSS_GROWTH_MB:.0f} MB, "
        f"{_verdict(growth < TARGET_RSS_GROWTH_MB)}.",
        "",
        f"VmRSS (MB) after n plans: {curve}.",
    ]


def render(
    cold: list[ColdResult], runs: int, throughput: dict[str, Any], memory: dict[str, Any], host: dict[str, str]
) -> str:
    lines = ["# Benchmark results", "", f"Produced by `.venv/bin/python bench/run.py` on {host['date']}.", ""]
    lines += _cold_section(cold, runs)
    lines += ["", *_throughput_section(throughput)]
    lines += ["", *_memory_section(memory)]
    lines += ["", "## Machine", "", *(f"- {name}: {value}" for name, value in host.items())]
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
    load1, load5, _ = os.getloadavg()
    host["load average at end"] = f"{load1:.2f} (1 min), {load5:.2f} (5 min)"
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
