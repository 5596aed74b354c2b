"""`assess check PLAN...` (or just `assess PLAN...`): assess plans, write reports, exit with the gate's verdict.

The command only parses arguments and wires library pieces together: discover
the plans (`assess.plan.discover`), resolve the configuration (`assess.cli.options`),
assess them with one catalog (`assess.api`, in worker processes with --jobs),
set baselined findings aside (`assess.results.baseline`), render each requested format
(`assess.formats`), write files atomically (`assess.atomic`) and exit with the
gate's code (`assess.results.gate`): 0 passed, 1 gate failed, 2 could not assess.

A batch is streamed: each plan report, as soon as it and those before it are done, goes
to the JSON and SARIF writers (`assess.formats.stream`) and leaves a small row for the
summary, the gate and the totals, then is dropped; so memory stays flat however many
plans there are. The other formats (text, JUnit, Markdown, HTML, GitHub) render the
whole report, so a run asking for one of them keeps every plan report, as before.

Every error a user can cause ends as one line on standard error and exit 2,
never a traceback. A plan that cannot be read or is invalid does not stop the
others: its problems are printed as ``file:line:col: /pointer: message`` and it
is reported as not assessed.

Heavy modules (pydantic models, the engine, rich) are imported inside the
functions, so ``assess --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, NoReturn

import click

from assess.atomic import atomic_writer
from assess.cli import options as opts
from assess.errors import for_log
from assess.formats import FORMATS
from assess.paths import resolved

if TYPE_CHECKING:
    from assess.api import Source
    from assess.config import Config
    from assess.formats.stream import PlanWriter
    from assess.plan.discover import Target
    from assess.results.baseline import Baseline, Key
    from assess.results.portfolio import Portfolio
    from assess.results.report import PlanReport, Summary
    from assess.rules.catalog import Catalog

EXIT_ERROR = 2  # = assess.results.gate.EXIT_ERROR, without importing the models at start-up
PROGRESS_MIN_PLANS = 20
MAX_GATE_LINES = 10
PIPED_WIDTH = 100
CHUNK_PLANS = 50  # the most plans handed to a worker process at once
IN_FLIGHT_PER_JOB = 2  # chunks handed out per worker and not yet written
COPY_CHUNK = 1024 * 1024


class Output(NamedTuple):
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
    files = [str(resolved(o.path)) for o in outputs if o.path is not None]
    if len(files) != len(set(files)):
        raise click.UsageError("two formats would write the same file")
    return outputs


def _skipped_note(skipped: Sequence[str], quiet: int, lang: str) -> None:
    """The files --only-plans passed over, in the run's language; a note, not an error: none at -qq."""
    if skipped and quiet < 2:
        from assess.i18n import counted, label

        files = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        _err(
            "assess: "
            + label("files_skipped", lang).format(count=counted("file_skipped", len(skipped), lang), files=files)
        )


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
    help="Record today's findings in FILE; this run then reports as if given --baseline FILE. "
    "An existing FILE is updated: the entries of plans this run assessed are replaced, "
    "those of other plans (not named, or not readable or valid) are kept.",
)
@click.option(
    "--only-plans",
    is_flag=True,
    help="Skip named files that do not look like plans (no top-level schema_version), as folders do. "
    "For pre-commit, which passes every staged JSON/YAML file.",
)
@click.option(
    "-q",
    "--quiet",
    count=True,
    help="Text: only a summary line per plan (notes and the gate's verdict stay on standard error); "
    "-qq: nothing but errors (plans that could not be assessed, usage errors); the exit code still tells.",
)
@click.option("-v", "--verbose", is_flag=True, help="Text: also why each rule matters, passing and unknown rules.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: on a terminal, NO_COLOR off).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Assess in N processes (0: one per CPU; more than the CPUs is capped to them). Worth it for large batches.",
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
    from assess.api import make_report
    from assess.formats import RenderOptions, renderer, rule_infos
    from assess.formats.stream import writer_class
    from assess.plan.discover import discover
    from assess.rules.catalog import build_catalog

    skipped: list[str] = []
    targets = discover(arguments, only_plans=only_plans, skipped=skipped)
    if not targets:  # --only-plans, and no named file was a plan: nothing to do, nothing wrong
        _skipped_note(skipped, quiet, flags.lang or "en")
        return 0
    config, config_path = opts.resolve_config(flags, _start_folder(targets))
    _skipped_note(skipped, quiet, config.lang or "en")
    # Every output is checked before the (possibly long) assessment: never onto an input, and writable.
    _check_outputs(arguments, targets, outputs, summary_path, baseline_file, write_baseline_file, config, config_path)
    catalog = build_catalog(config)
    opts.check_selectors(config, catalog)
    baseline: Baseline | None = None
    previous: Baseline | None = None  # the baseline --write-baseline updates: its other plans' entries are kept
    if baseline_file is not None:  # the baseline module only when a baseline is used: most runs need none
        from assess.results.baseline import read_baseline

        baseline = read_baseline(baseline_file)
    elif write_baseline_file is not None:  # read before assessing: a broken one fails fast, left as it is
        from assess.results.baseline import read_previous

        previous = read_previous(write_baseline_file)
    # Render functions are looked up before the (possibly long) assessment: a missing module fails fast.
    render = {o.format: renderer(o.format) for o in outputs}
    streamed = {o.format: writer_class(o.format) for o in outputs}

    stdout = sys.stdout
    on_terminal = _isatty(stdout)
    width = shutil.get_terminal_size((PIPED_WIDTH, 24)).columns if on_terminal else PIPED_WIDTH
    base = RenderOptions(
        verbose=verbose,
        quiet=quiet,
        width=PIPED_WIDTH,
        rules=rule_infos(catalog, config.lang or "en"),
        rules_in=None if config.lang else functools.partial(rule_infos, catalog),
        fail_on=str(config.fail_on),
        fail_under=config.fail_under,
    )
    head = make_report([], catalog, config)
    batch = _Batch(config, baseline, record=write_baseline_file is not None, portfolio=summary is not None)
    # Formats that cannot be streamed keep the (filtered) plan reports, to render the whole report at the end.
    whole = [out for out in outputs if streamed[out.format] is None]
    kept: list[PlanReport] | None = [] if whole else None
    piped: tuple[Output, IO[str], bool] | None = None  # a streamed format for standard output, and its colour

    with contextlib.ExitStack() as spools:
        with contextlib.ExitStack() as stack:
            # Files go into temporaries renamed over them at the end: a run that fails leaves them as they were.
            writing = {
                out.path: stack.enter_context(atomic_writer(out.path)) for out in outputs if out.path is not None
            }
            summary_file = stack.enter_context(atomic_writer(summary_path)) if summary_path is not None else None
            writers: list[tuple[IO[str], PlanWriter]] = []
            for out in outputs:
                make_writer = streamed[out.format]
                if make_writer is None:
                    continue
                if out.path is None:  # standard output gets the text at the end, as with the other formats: spooled
                    target: IO[str] = spools.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n"))
                    piped = (out, target, _use_color(color_flag, stdout))
                else:
                    target = writing[out.path]
                writers.append((target, make_writer(head, base, target)))
            assessed = assess_targets(targets, config, catalog, jobs=workers(jobs), progress=quiet < 2)
            with contextlib.closing(assessed):
                for plan in assessed:
                    plan = batch.add(plan)
                    for _, writer in writers:
                        writer.add(plan)
                    if kept is not None:
                        kept.append(plan)
            totals = batch.summary(skipped=len(skipped))
            gate = batch.tally.gate()  # the verdict, known only now: it ends the JSON report, SARIF has it first

            for line in batch.problems:
                click.echo(line, err=True)
            if batch.recorded is not None and write_baseline_file is not None:
                from assess.results.baseline import update_baseline

                written = update_baseline(write_baseline_file, previous, batch.recorded, batch.recorded_plans)
                if quiet < 2:  # a note, not an error: -qq prints nothing but errors
                    _err(f"assess: {written.summary(write_baseline_file, config.lang or 'en')}")
            for target, writer in writers:
                writer.finish(totals, gate)
                target.write(
                    "\n"
                )  # JSON and SARIF end in a brace; the output ends in a newline, as a rendered one does
            rendered: list[tuple[Output, str, bool]] = []
            if kept is not None:
                report = head.model_copy(update={"plans": kept, "summary": totals, "gate": gate})
                options = base._replace(baselined=batch.baselined)
                for out in whole:
                    # Colour and terminal width only for standard output; files are always plain and stable.
                    use_color = out.path is None and _use_color(color_flag, stdout)
                    fmt_options = options._replace(color=use_color, width=width) if out.path is None else options
                    text = render[out.format](report, fmt_options)
                    text = text if not text or text.endswith("\n") else text + "\n"
                    if out.path is None:
                        rendered.append((out, text, use_color))
                    else:
                        writing[out.path].write(text)
                del report
            if batch.portfolio is not None:
                table = batch.portfolio.render("csv" if summary == "csv" else "markdown", config.lang)
                if summary_file is not None:
                    summary_file.write(table)
                else:
                    rendered.append((Output(f"summary-{summary}", None), table, False))
        # Every file is in place; standard output last, as the files are.
        if piped is not None:
            _, spool, use_color = piped
            spool.seek(0)
            while chunk := spool.read(COPY_CHUNK):
                _echo(chunk, use_color)
        for _, text, use_color in rendered:
            _echo(text, use_color)

    if quiet < 2:
        _print_verdict(gate.exit_code, gate.reasons, gate.more_reasons, totals, batch.failing, batch.lang)
    return gate.exit_code


class _Failing:
    """The findings that fail the gate, one line each: the first `MAX_GATE_LINES`, and how many in all."""

    __slots__ = ("lines", "total")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.total = 0


class _Batch:
    """What a run keeps of each plan as it streams by: the totals, the gate, the portfolio rows, problem lines.

    Each plan's findings are filtered by the baseline (or, with --write-baseline, recorded
    first and so all set aside, as the baseline just written would; the plans assessed are
    noted, as their entries replace the old baseline's); nothing else of a plan report is kept.
    """

    def __init__(self, config: Config, baseline: Baseline | None, *, record: bool, portfolio: bool = False) -> None:
        from assess.results.gate import REASONS_KEPT, Tally
        from assess.results.report import Severity

        self.config = config
        self.baseline = baseline
        self.recorded: dict[Key, str] | None = {} if record else None
        self.recorded_plans: set[str] = set()  # the plans whose findings `recorded` holds: those assessed
        self.baselined: dict[str, int] = {}
        self.counts = {severity: 0 for severity in Severity}
        self.plans = 0
        self.assessed = 0
        self.tally = Tally(config, keep=REASONS_KEPT)
        self._fail_on = str(config.fail_on)
        self.failing = _Failing()
        # The run's language: --lang / the configuration's, else the first plan's own.
        self.lang: str = config.lang or ""
        self.problems: list[str] = []
        self.portfolio: Portfolio | None = None
        if portfolio:
            from assess.results.portfolio import Portfolio

            self.portfolio = Portfolio()

    def add(self, plan: PlanReport) -> PlanReport:
        """Count a plan in, and return it without its baselined findings, carrying the gate's verdict on it."""
        from assess.errors import Problem
        from assess.i18n import label
        from assess.results.gate import fails_gate

        self.plans += 1
        self.lang = self.lang or plan.language
        self.assessed += plan.assessed
        for problem in plan.problems:
            located = Problem(plan.file, problem.line, problem.column, problem.pointer, problem.message)
            self.problems.append(located.one_line())
        if self.recorded is not None:
            from assess.results.baseline import record

            record(self.recorded, plan)
            if plan.assessed:
                self.recorded_plans.add(plan.file)
        aside = self.recorded.keys() if self.recorded is not None else self.baseline
        if aside is not None:  # without a baseline, read or being written, nothing is set aside
            from assess.results.baseline import filter_plan

            plan, removed = filter_plan(plan, aside)
            if removed:
                self.baselined[plan.file] = self.baselined.get(plan.file, 0) + removed
        for finding in plan.findings:
            self.counts[finding.severity] += 1
            if fails_gate(finding.severity, self._fail_on):
                self.failing.total += 1
                if len(self.failing.lines) < MAX_GATE_LINES:
                    where = f"{plan.file}:{finding.line or 1}:{finding.column or 1}"
                    severity = label(f"sev_{finding.severity.value}", self.lang)
                    self.failing.lines.append(f"  {where}: {finding.rule_id} [{severity}] {finding.message}")
        plan = self.tally.add(plan)  # judged after the baseline: what the files say is what the exit code says
        if self.portfolio is not None:
            self.portfolio.add(plan)
        return plan

    def summary(self, *, skipped: int) -> Summary:
        from assess.results.report import Summary

        errors = self.plans - self.assessed
        return Summary(plans=self.plans, assessed=self.assessed, errors=errors, findings=self.counts, skipped=skipped)


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


def _print_verdict(
    code: int, reasons: Sequence[str], omitted: int, summary: Summary, failing: _Failing, lang: str
) -> None:
    """The gate's verdict on standard error, in the run's language (`lang`)."""
    from assess.i18n import label, plural
    from assess.results.gate import EXIT_GATE_FAILED

    if code == EXIT_ERROR:
        noun, verb = plural("plan", summary.plans, lang), plural("unassessed", summary.errors, lang)
        text = label("exit_unassessed", lang).format(errors=summary.errors, plans=summary.plans, noun=noun, verb=verb)
        click.echo(for_log(f"assess: {text}"), err=True)
    elif code == EXIT_GATE_FAILED:
        _err(f"assess: {label('gate_failed', lang)}{label('colon', lang).rstrip()}")
        for reason in reasons[:MAX_GATE_LINES]:
            _err(f"  {reason}")
        if len(reasons) + omitted > MAX_GATE_LINES:
            _err("  " + label("and_more", lang).format(count=len(reasons) + omitted - MAX_GATE_LINES))
        # Which findings failed it, one line each: a pre-commit hook (--quiet) shows them, not only counts.
        if failing.total:
            _err(f"assess: {label('gate_failing', lang)}{label('colon', lang).rstrip()}")
        for line in failing.lines:
            _err(line)
        if failing.total > MAX_GATE_LINES:
            _err("  " + label("and_more", lang).format(count=failing.total - MAX_GATE_LINES))


# ------------------------------------------------------------------ assessing a batch


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, where the system tells it), at least 1."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def workers(jobs: int) -> int:
    """The worker processes for ``--jobs``: 0 is one per usable CPU, and a request for more than the CPUs is
    capped to them (the work is CPU-bound: more processes only add memory, ~60 MB each, and switching;
    ``--jobs 100000`` once started one per plan). Two stay two on a single CPU: a crash in the rule
    engine still costs one plan's report, not the run."""
    cpus = usable_cpus()
    return cpus if jobs == 0 else min(jobs, max(cpus, 2))


def assess_targets(
    targets: Sequence[Target], config: Config, catalog: Catalog, *, jobs: int, progress: bool
) -> Generator[PlanReport]:
    """Assess every target with one catalog (per process): plan reports in the targets' order, each as it is done.

    A target that has nothing to read (a glob that matched nothing) or cannot be
    read or validated becomes a plan report saying why; the others are assessed.
    Close the iterator (`contextlib.closing`) if you stop before its end.
    """
    from assess.api import config_limits, problem_report
    from assess.errors import PlanReadError, Problem

    unread: dict[int, PlanReport] = {}
    work: list[tuple[str, Source]] = []
    for index, target in enumerate(targets):
        if target.path is None:
            problem = Problem(target.name, None, None, "", target.problem or "nothing to read")
            unread[index] = problem_report(target.name, PlanReadError([problem]), config.lang or "en")
        elif target.path == "-":
            work.append((target.name, sys.stdin.buffer.read(config_limits(config).max_bytes + 1)))
        else:
            work.append((target.name, Path(target.path)))

    with _progress_bar(len(work), enabled=progress) as advance:
        if jobs > 1 and len(work) > 1:
            done = _assess_in_processes(work, config, jobs, advance)
        else:
            done = _assess_here(work, config, advance)
        with contextlib.closing(done):
            for index in range(len(targets)):
                yield unread[index] if index in unread else next(done)


def _assess_here(
    items: list[tuple[str, Source]], config: Config, advance: Callable[[int], None]
) -> Generator[PlanReport]:
    from assess.api import iter_assess

    for plan in iter_assess(items, config=config):
        advance(1)
        yield plan


def _assess_in_processes(
    items: list[tuple[str, Source]], config: Config, jobs: int, advance: Callable[[int], None]
) -> Generator[PlanReport]:
    """Spread plans over worker processes (durable_rules is not thread-safe); results come back in input order.

    Each worker holds one chunk of plans at a time, so a worker that dies (a crash in the rule
    engine's C code, the out-of-memory killer) loses only its chunk: that chunk is handed out
    again one plan at a time, to fresh workers, until the plan that kills its worker is found.
    That plan is reported as not assessed, naming the signal; every other plan is assessed.

    Plan reports are yielded in input order as soon as they and those before them are done.
    A chunk is handed out only while it starts less than `IN_FLIGHT_PER_JOB` chunks per worker
    ahead of the next plan to yield, so the reports waiting for a slow chunk stay few
    (kept as their JSON, parsed when their turn comes).
    """
    import json
    import multiprocessing
    from multiprocessing.connection import wait

    from assess.results.report import PlanReport, from_data

    jobs = min(jobs, len(items))
    # A few chunks per worker: large enough to amortise the hand-over, small enough to balance the load.
    size = max(1, min(CHUNK_PLANS, -(-len(items) // (jobs * 4))))
    todo: deque[list[int]] = deque(
        list(range(start, min(start + size, len(items)))) for start in range(0, len(items), size)
    )
    done: dict[int, str | PlanReport] = {}  # finished, not yet yielded: a report's JSON, or a crash report
    ahead = jobs * IN_FLIGHT_PER_JOB * size  # how far past the next plan to yield a chunk may start
    following = 0  # the next plan to yield
    context = multiprocessing.get_context()
    workers: list[_Worker] = []
    try:
        while todo or any(w.task is not None for w in workers):
            for worker in [w for w in workers if w.task is None and not w.process.is_alive()]:
                workers.remove(worker)  # died between chunks (nothing lost): replaced below
                worker.stop()
            while (
                todo
                and todo[0][0] < following + ahead
                and (len(workers) < jobs or any(w.task is None for w in workers))
            ):
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
                    done.update(zip(task, texts, strict=True))
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
            while following in done:
                ready_plan = done.pop(following)
                following += 1
                yield (
                    ready_plan if isinstance(ready_plan, PlanReport) else from_data(PlanReport, json.loads(ready_plan))
                )
    finally:
        for worker in workers:
            worker.stop()


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

    from assess.api import iter_assess
    from assess.rules.catalog import build_catalog

    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the command's SIGTERM handler (`assess.cli.Terminated`): a worker that is
    # sent SIGTERM ends at once, as before, and the parent reports it as killed by SIGTERM.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    build_catalog(config)
    while True:
        try:
            items = connection.recv()
        except (EOFError, OSError):  # the parent went away
            return
        if items is None:
            return
        try:
            texts = [plan.model_dump_json() for plan in iter_assess(items, config=config)]
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
