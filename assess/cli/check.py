"""`assess check PLAN...` (or just `assess PLAN...`): assess plans, write reports, exit with the gate's verdict.

The command only parses arguments and wires library pieces together: discover
the plans (`assess.plan.discover`), resolve the configuration (`assess.cli.options`),
assess them with one catalog (`assess.api`, in worker processes with --jobs),
set baselined findings aside (`assess.results.baseline`), render each requested format
(`assess.formats`), write files atomically (`assess.atomic`) and exit with the
gate's code (`assess.results.gate`): 0 passed, 1 gate failed, 2 could not assess.

Every error a user can cause ends as one line on standard error and exit 2,
never a traceback. A plan that cannot be read or is invalid does not stop the
others: its problems are printed as ``file:line:col: /pointer: message`` and it
is reported as not assessed.

Heavy modules (pydantic models, the engine, rich) are imported inside the
functions, so ``assess --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from assess.cli import options as opts
from assess.errors import for_log
from assess.formats import FORMATS

if TYPE_CHECKING:
    from assess.api import Source
    from assess.config import Config
    from assess.plan.discover import Target
    from assess.results.report import PlanReport, Report
    from assess.rules.catalog import Catalog

EXIT_ERROR = 2  # = assess.results.gate.EXIT_ERROR, without importing the models at start-up
PROGRESS_MIN_PLANS = 20
MAX_GATE_LINES = 10
PIPED_WIDTH = 100


@dataclass(frozen=True)
class Output:
    """One requested format and where it goes (None: standard output)."""

    format: str
    path: Path | None


def parse_outputs(formats: Sequence[str], output: str | None) -> list[Output]:
    """``--format FMT[:FILE]`` (repeatable) and ``--output FILE``; `click.UsageError` when they contradict."""
    outputs: list[Output] = []
    for spec in formats or ["text"]:
        name, colon, file = spec.partition(":")
        name = name.strip().lower()
        if name not in FORMATS:
            raise click.BadParameter(f"{name!r} is not a format (one of {', '.join(FORMATS)})", param_hint="'--format'")
        if colon and not file:
            raise click.BadParameter(f"{spec!r}: a file name must follow the colon", param_hint="'--format'")
        outputs.append(Output(name, Path(file) if file else None))
    if output is not None:
        if len(outputs) != 1 or outputs[0].path is not None:
            raise click.UsageError("--output goes with a single --format FMT; for several, use --format FMT:FILE")
        outputs = [Output(outputs[0].format, Path(output))]
    if sum(o.path is None for o in outputs) > 1:
        raise click.UsageError("only one format can go to standard output; give the others a file: --format FMT:FILE")
    files = [str(o.path.resolve()) for o in outputs if o.path is not None]
    if len(files) != len(set(files)):
        raise click.UsageError("two formats would write the same file")
    return outputs


def _err(message: str) -> None:
    """One line on standard error: plan-supplied text cannot break it, drive the terminal or command CI."""
    click.echo(for_log(message), err=True)


def _fail(ctx: click.Context, message: str) -> NoReturn:
    _err(f"assess: {message}")
    ctx.exit(EXIT_ERROR)


def _use_color(flag: bool | None, stream: IO[str]) -> bool:
    """--color/--no-color win; otherwise colour on a terminal unless NO_COLOR is set (no-color.org)."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return _isatty(stream)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _start_folder(targets: Sequence[Target]) -> Path:
    """Where configuration discovery starts: the plans' common folder (the working folder for stdin)."""
    folders = [os.path.dirname(os.path.abspath(t.path)) for t in targets if t.path not in (None, "-")]
    if not folders:
        return Path.cwd()
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives
        return Path.cwd()


@click.command()
@click.argument("plans", nargs=-1, required=True, metavar="PLAN...")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FMT[:FILE]",
    help=f"Output format: {', '.join(FORMATS)} (default: text). Add :FILE to write it to a file; "
    "repeat for several, e.g. --format sarif:assess.sarif --format text.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), metavar="FILE", help="Write the (single) format to FILE."
)
@click.option(
    "--summary",
    type=click.Choice(["csv", "markdown"], case_sensitive=False),
    help="Portfolio view: one row per plan (file, organisation, score, grade, critical and high counts, "
    "top recommendation), weakest first, on standard output (or --output FILE) instead of the text report.",
)
@opts.gate_options
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Report and gate only on findings not recorded in FILE (see --write-baseline).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Record today's findings in FILE; this run then reports as if given --baseline FILE.",
)
@click.option(
    "--only-plans",
    is_flag=True,
    help="Skip named files that do not look like plans (no top-level schema_version), as folders do. "
    "For pre-commit, which passes every staged JSON/YAML file.",
)
@click.option("-q", "--quiet", count=True, help="Text: only a summary line per plan; -qq: nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Text: also why each rule matters, passing and unknown rules.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: on a terminal, NO_COLOR off).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Assess in N processes (0: one per CPU). Worth it for large batches.",
)
@opts.config_options
@click.pass_context
def check(
    ctx: click.Context,
    plans: tuple[str, ...],
    formats: tuple[str, ...],
    output: str | None,
    summary: str | None,
    baseline: str | None,
    write_baseline: str | None,
    only_plans: bool,
    quiet: int,
    verbose: bool,
    color: bool | None,
    jobs: int,
) -> None:
    """Assess PLAN... (files, folders, globs; - reads standard input) and report the findings.

    Folders are searched recursively for *.json, *.yaml and *.yml plans (files
    with a top-level schema_version). Exit codes: 0 every plan was assessed and
    passed the gate; 1 a plan failed the gate (--fail-on, default high;
    --fail-under); 2 a plan could not be assessed, or a usage or configuration error.
    """
    from assess.errors import AssessError

    summary_path = None
    if summary is None:
        outputs = parse_outputs(formats, output)
    else:
        # The summary takes standard output (or --output FILE); other formats need files of their own.
        outputs = parse_outputs(formats, None) if formats else []
        if any(o.path is None for o in outputs):
            raise click.UsageError("--summary goes to standard output (or --output FILE): use --format FMT:FILE")
        summary_path = Path(output) if output is not None else None
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose contradict each other: use one")
    if baseline is not None and write_baseline is not None:
        raise click.UsageError("use --baseline FILE to compare, or --write-baseline FILE to record, not both")
    try:
        code = _run(
            plans,
            outputs,
            flags=opts.flags(ctx),
            baseline_file=baseline,
            write_baseline_file=write_baseline,
            only_plans=only_plans,
            quiet=quiet,
            verbose=verbose,
            color_flag=color,
            jobs=jobs,
            summary=summary.lower() if summary else None,
            summary_path=summary_path,
        )
    except AssessError as error:
        _fail(ctx, str(error))
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _fail(ctx, f"{where}{error.strerror or error}")
    ctx.exit(code)


def _run(
    arguments: Sequence[str],
    outputs: Sequence[Output],
    *,
    flags: opts.ConfigFlags,
    baseline_file: str | None,
    write_baseline_file: str | None,
    only_plans: bool,
    quiet: int,
    verbose: bool,
    color_flag: bool | None,
    jobs: int,
    summary: str | None = None,
    summary_path: Path | None = None,
) -> int:
    from assess.formats import RenderOptions, renderer, rule_infos
    from assess.plan.discover import discover
    from assess.results.baseline import Baseline, apply_baseline, baseline_text, parse_baseline, read_baseline
    from assess.results.gate import decide
    from assess.rules.catalog import build_catalog

    skipped: list[str] = []
    targets = discover(arguments, only_plans=only_plans, skipped=skipped)
    if skipped:
        files = "1 file skipped: not a plan" if len(skipped) == 1 else f"{len(skipped)} files skipped: not plans"
        _err(f"assess: {files} (no schema_version): {', '.join(skipped[:3])}{', ...' if len(skipped) > 3 else ''}")
    if not targets:  # --only-plans, and no named file was a plan: nothing to do, nothing wrong
        return 0
    config, config_path = opts.resolve_config(flags, _start_folder(targets))
    # Every output is checked before the (possibly long) assessment: never onto an input, and writable.
    _check_outputs(arguments, targets, outputs, summary_path, baseline_file, write_baseline_file, config, config_path)
    catalog = build_catalog(config)
    opts.check_selectors(config, catalog)
    baseline = read_baseline(baseline_file) if baseline_file is not None else None
    # Render functions are looked up before the (possibly long) assessment: a missing module fails fast.
    render = {o.format: renderer(o.format) for o in outputs}

    report = assess_targets(targets, config, catalog, jobs=jobs or os.cpu_count() or 1, progress=quiet < 2)
    if skipped:
        report = report.model_copy(update={"summary": report.summary.model_copy(update={"skipped": len(skipped)})})
    _print_problems(report)
    if write_baseline_file is not None:
        from assess.atomic import write_atomic

        text = baseline_text(report)
        write_atomic(write_baseline_file, text)
        baseline = parse_baseline(text, write_baseline_file)
        count = len(baseline.entries)
        click.echo(
            for_log(f"assess: wrote {write_baseline_file} ({count} finding{'' if count == 1 else 's'})"), err=True
        )
    filtered = apply_baseline(report, baseline or Baseline(frozenset()))

    stdout = sys.stdout
    on_terminal = _isatty(stdout)
    width = shutil.get_terminal_size((PIPED_WIDTH, 24)).columns if on_terminal else PIPED_WIDTH
    base = RenderOptions(
        verbose=verbose,
        quiet=quiet,
        width=PIPED_WIDTH,
        rules=rule_infos(catalog, config.lang or "en"),
        baselined=filtered.baselined,
        fail_on=str(config.fail_on),
    )
    rendered: list[tuple[Output, str, bool]] = []
    for out in outputs:
        # Colour and terminal width only for standard output; files are always plain and stable.
        use_color = out.path is None and _use_color(color_flag, stdout)
        fmt_options = dataclasses.replace(base, color=use_color, width=width) if out.path is None else base
        text = render[out.format](filtered.report, fmt_options)
        rendered.append((out, text if not text or text.endswith("\n") else text + "\n", use_color))
    if summary is not None:
        from assess.results.portfolio import render_summary

        table = render_summary(filtered.report, "csv" if summary == "csv" else "markdown", config.lang)
        rendered.append((Output(f"summary-{summary}", summary_path), table, False))
    for out, text, use_color in rendered:
        if out.path is None:
            _echo(text, use_color)
        else:
            from assess.atomic import write_atomic

            write_atomic(out.path, text)

    verdict = decide(filtered.report, config)
    if quiet < 2:
        _print_verdict(verdict.exit_code, verdict.reasons, filtered.report, config)
    return verdict.exit_code


def _check_outputs(
    arguments: Sequence[str],
    targets: Sequence[Target],
    outputs: Sequence[Output],
    summary_path: Path | None,
    baseline_file: str | None,
    write_baseline_file: str | None,
    config: Config,
    config_path: Path | None,
) -> None:
    from assess.cli.outputs import Input, OutputError, check_outputs, plan_inputs

    files: list[str] = [str(o.path) for o in outputs if o.path is not None]
    files += [str(path) for path in (summary_path, write_baseline_file) if path is not None]
    real = [os.path.realpath(file) for file in files]
    if len(set(real)) != len(real):
        raise OutputError("two outputs would write the same file")
    inputs = plan_inputs(arguments, [t.path for t in targets if t.path is not None])
    if baseline_file is not None:
        inputs.append(Input(Path(baseline_file), "baseline"))
    if config_path is not None:
        inputs.append(Input(config_path, "configuration file"))
    inputs += [Input(path, "rule pack") for path in config.rules]
    check_outputs(files, inputs)


def _echo(text: str, color: bool) -> None:
    """Write to standard output; a closed pipe (`assess ... | head`) is not an error."""
    try:
        click.echo(text, nl=False, color=color)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at devnull so that does not raise either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _print_problems(report: Report) -> None:
    from assess.errors import Problem

    for plan in report.plans:
        for problem in plan.problems:
            click.echo(
                Problem(plan.file, problem.line, problem.column, problem.pointer, problem.message).one_line(), err=True
            )


def _print_verdict(code: int, reasons: Sequence[str], report: Report, config: Config) -> None:
    from assess.results.gate import EXIT_GATE_FAILED
    from assess.results.report import Severity

    if code == EXIT_ERROR:
        errors = report.summary.errors
        noun = "plan" if report.summary.plans == 1 else "plans"
        click.echo(
            for_log(f"assess: {errors} of {report.summary.plans} {noun} could not be assessed (exit 2)"), err=True
        )
    elif code == EXIT_GATE_FAILED:
        from assess.i18n import label

        # The run's language: --lang / the configuration's, else the (first) plan's own.
        lang = config.lang or (report.plans[0].language if report.plans else "en")
        _err(f"assess: {label('gate_failed', lang)}{label('colon', lang).rstrip()}")
        for reason in reasons[:MAX_GATE_LINES]:
            _err(f"  {reason}")
        if len(reasons) > MAX_GATE_LINES:
            _err("  " + label("and_more", lang).format(count=len(reasons) - MAX_GATE_LINES))
        # Which findings failed it, one line each: a pre-commit hook (--quiet) shows them, not only counts.
        failing = [
            (plan, finding)
            for plan in report.plans
            for finding in plan.findings
            if config.fail_on != "none" and finding.severity.at_least(Severity(config.fail_on))
        ]
        if failing:
            _err(f"assess: {label('gate_failing', lang)}{label('colon', lang).rstrip()}")
        for plan, finding in failing[:MAX_GATE_LINES]:
            where = f"{plan.file}:{finding.line or 1}:{finding.column or 1}"
            severity = label(f"sev_{finding.severity.value}", lang)
            _err(f"  {where}: {finding.rule_id} [{severity}] {finding.message}")
        if len(failing) > MAX_GATE_LINES:
            _err("  " + label("and_more", lang).format(count=len(failing) - MAX_GATE_LINES))


# ------------------------------------------------------------------ assessing a batch


def assess_targets(targets: Sequence[Target], config: Config, catalog: Catalog, *, jobs: int, progress: bool) -> Report:
    """Assess every target with one catalog (per process), keeping the targets' order.

    A target that has nothing to read (a glob that matched nothing) or cannot be
    read or validated becomes a plan report saying why; the others are assessed.
    """
    from assess.api import make_report, problem_report
    from assess.errors import PlanReadError, Problem
    from assess.plan.load import DEFAULT_LIMITS

    reports: list[PlanReport | None] = [None] * len(targets)
    work: list[tuple[int, str, Source]] = []
    for index, target in enumerate(targets):
        if target.path is None:
            problem = Problem(target.name, None, None, "", target.problem or "nothing to read")
            reports[index] = problem_report(target.name, PlanReadError([problem]), config.lang or "en")
        elif target.path == "-":
            raw = sys.stdin.buffer.read(DEFAULT_LIMITS.max_bytes + 1)
            work.append((index, target.name, raw))
        else:
            work.append((index, target.name, Path(target.path)))

    with _progress_bar(len(work), enabled=progress) as advance:
        if jobs > 1 and len(work) > 1:
            done = _assess_in_processes([(name, source) for _, name, source in work], config, jobs, advance)
        else:
            done = _assess_here([(name, source) for _, name, source in work], config, advance)
    for (index, _, _), plan_report in zip(work, done, strict=True):
        reports[index] = plan_report
    return make_report([r for r in reports if r is not None], catalog)


def _assess_here(items: list[tuple[str, Source]], config: Config, advance: Callable[[int], None]) -> list[PlanReport]:
    from assess.api import assess_many

    return assess_many(items, config=config, on_done=lambda _: advance(1)).plans


def _assess_in_processes(
    items: list[tuple[str, Source]], config: Config, jobs: int, advance: Callable[[int], None]
) -> list[PlanReport]:
    """Spread plans over worker processes (durable_rules is not thread-safe); results come back in input order.

    Each worker holds one chunk of plans at a time, so a worker that dies (a crash in the rule
    engine's C code, the out-of-memory killer) loses only its chunk: that chunk is handed out
    again one plan at a time, to fresh workers, until the plan that kills its worker is found.
    That plan is reported as not assessed, naming the signal; every other plan is assessed.
    """
    import multiprocessing
    from collections import deque
    from multiprocessing.connection import wait

    from assess.results.report import PlanReport

    jobs = min(jobs, len(items))
    # A few chunks per worker: large enough to amortise the hand-over, small enough to balance the load.
    size = max(1, min(50, -(-len(items) // (jobs * 4))))
    todo: deque[list[int]] = deque(
        list(range(start, min(start + size, len(items)))) for start in range(0, len(items), size)
    )
    done: dict[int, PlanReport] = {}
    context = multiprocessing.get_context()
    workers: list[_Worker] = []
    try:
        while todo or any(w.task is not None for w in workers):
            for worker in [w for w in workers if w.task is None and not w.process.is_alive()]:
                workers.remove(worker)  # died between chunks (nothing lost): replaced below
                worker.stop()
            while todo and (len(workers) < jobs or any(w.task is None for w in workers)):
                idle = next((w for w in workers if w.task is None), None)
                if idle is None:
                    idle = _Worker(context, config)
                    workers.append(idle)
                idle.give(todo.popleft(), items)
            busy = [w for w in workers if w.task is not None]
            ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.connection not in ready and worker.process.sentinel not in ready:
                    continue
                task = worker.task
                assert task is not None
                texts = worker.receive()
                if texts is not None:
                    for index, text in zip(task, texts, strict=True):
                        done[index] = PlanReport.model_validate_json(text)
                    advance(len(task))
                    continue
                workers.remove(worker)  # it died holding `task`
                death = worker.death()
                worker.stop()
                if len(task) > 1:
                    todo.extendleft([index] for index in reversed(task))  # find which plan it was
                else:
                    done[task[0]] = _died_report(items[task[0]][0], death, config)
                    advance(1)
    finally:
        for worker in workers:
            worker.stop()
    return [done[index] for index in range(len(items))]


class _Worker:
    """One worker process and the chunk of plans (indices) it is assessing, if any."""

    def __init__(self, context: Any, config: Config) -> None:
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(theirs, config), daemon=True)
        self.process.start()
        theirs.close()
        self.task: list[int] | None = None

    def give(self, task: list[int], items: list[tuple[str, Source]]) -> None:
        self.task = task
        # If it has just died, sending fails or is never read: the caller's wait sees its death.
        with contextlib.suppress(OSError):
            self.connection.send([items[index] for index in task])

    def receive(self) -> list[str] | None:
        """The chunk's plan reports (JSON), or None when the worker died; re-raises a worker's exception."""
        try:
            kind, value = self.connection.recv()
        except (EOFError, OSError):
            return None
        if kind == "raised":
            raise value
        self.task = None
        return list(value)

    def death(self) -> str:
        """How the process ended: the signal's name, or its exit status."""
        import signal

        self.process.join(timeout=10)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}" if code is not None else "no exit status"

    def stop(self) -> None:
        """Let an idle worker exit; kill a busy one (the parent is leaving: Ctrl-C, or an error)."""
        if self.task is None:
            with contextlib.suppress(OSError):
                self.connection.send(None)
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _died_report(name: str, death: str, config: Config) -> PlanReport:
    from assess.api import problem_report
    from assess.errors import PlanCrashError, Problem

    message = (
        f"not assessed: the worker process assessing this plan died ({death}), a crash of the rule engine or "
        "out of memory; the other plans were assessed (--jobs 1 reproduces it, --engine builtin avoids durable_rules)"
    )
    return problem_report(name, PlanCrashError([Problem(name, None, None, "", message)]), config.lang or "en")


def _worker_main(connection: Any, config: Config) -> None:
    """A worker: build the catalog once, then assess each chunk it is sent until it is sent None."""
    import signal

    from assess.api import assess_many
    from assess.rules.catalog import build_catalog

    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    build_catalog(config)
    while True:
        try:
            items = connection.recv()
        except (EOFError, OSError):  # the parent went away
            return
        if items is None:
            return
        try:
            texts = [plan.model_dump_json() for plan in assess_many(items, config=config).plans]
        except Exception as error:  # a bug, not a crash: the parent re-raises it
            try:
                connection.send(("raised", error))
            except Exception:
                connection.send(("raised", RuntimeError(f"{type(error).__name__}: {error}")))
            return
        connection.send(("ok", texts))


@contextlib.contextmanager
def _progress_bar(total: int, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`: a progress bar on standard error for large batches on a terminal, else nothing."""
    if not (enabled and total > PROGRESS_MIN_PLANS and _isatty(sys.stderr)):
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # No auto-refresh: its thread would be running when worker processes are forked.
    with Progress(
        TextColumn("assessing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as progress:
        task = progress.add_task("assess", total=total)

        def advance(count: int) -> None:
            progress.advance(task, count)
            progress.refresh()

        yield advance
