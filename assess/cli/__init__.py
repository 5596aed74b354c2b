"""The `assess` command: a thin shell over the library.

Subcommands live one per module in this package and are imported only when
used, so that `assess --help` and `assess validate` stay fast. ``assess PLAN...``
(no subcommand) is short for ``assess check PLAN...``.
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):  # noqa: UP036  # pragma: no cover - runs where requires-python was bypassed
    sys.stderr.write(f"assess: needs Python 3.11 or later, not {sys.version_info.major}.{sys.version_info.minor}\n")
    raise SystemExit(2)

import contextlib
import gc
import importlib
import importlib.util
import os
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

import click

from assess._version import __version__

# name -> (module, attribute, one-line help shown by `assess --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("assess.cli.check", "check", "Assess plans and report findings (the default command)."),
    "validate": ("assess.cli.validate", "validate", "Check plans against the plan schema only."),
    "schema": ("assess.cli.schema", "schema", "Print the plan JSON Schema (or the report/rule-pack schema)."),
    "init": ("assess.cli.init", "init", "Write a starter plan that guides its author."),
    "rules": ("assess.cli.rules", "rules", "List, explain and test rules."),
    "diff": ("assess.cli.diff", "diff", "Compare two versions of a plan."),
    "facts": ("assess.cli.facts", "facts", "Print the facts the rule engine sees for a plan."),
    "serve": ("assess.cli.serve", "serve", "Fill in, assess and fix plans in the browser (the workbench)."),
}
DEFAULT_COMMAND = "check"
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM (a CI job cancelled, `docker stop`, `timeout`), raised where the run is, as Ctrl-C raises
    KeyboardInterrupt: the run unwinds, so its worker processes are stopped and its temporary files removed.

    A BaseException, so that no ``except Exception`` of the pipeline mistakes it for a plan's error.
    Python's default for SIGTERM ends the process on the spot: worker processes of ``--jobs`` were left
    running (blocked for ever on a pipe to a parent that no longer reads it) and ``.NAME.PID.tmp`` files
    were left beside the reports.
    """


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises `Terminated` while a command runs (main thread only), then the previous handler is back."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (a caller running the CLI in a thread): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class AssessGroup(click.Group):
    """A group whose subcommands load lazily and whose default is `check`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    @staticmethod
    def _available(name: str) -> bool:
        return importlib.util.find_spec(COMMANDS[name][0]) is not None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not self._available(cmd_name):
            return None
        module_name, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        _start_up_done()
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        # Ctrl-C: exit 130 (128 + SIGINT, as shells report it), one line, no traceback. Files are
        # written atomically and standard output only at the end, so nothing partial is left.
        # SIGTERM likewise: exit 143 (128 + SIGTERM), after the same clean-up.
        try:
            with _sigterm_unwinds():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("assess: interrupted (exit 130)", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Terminated:
            click.echo("assess: terminated (exit 143)", err=True)
            raise click.exceptions.Exit(EXIT_TERMINATED) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Anything that is not a subcommand name or a group option (a path, a glob, "-",
        # an option of `check` such as --fail-on) means `check`.
        if args and args[0] not in COMMANDS and args[0] not in ("-h", "--help", "-V", "--version"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from pathlib import Path

    from assess.config import discover_config
    from assess.engines.select import engine_name
    from assess.errors import AssessError

    try:  # the engine the configuration found from here would run (auto: durable when it imports)
        engine = engine_name(discover_config(Path.cwd())[0].engine)
    except AssessError as error:
        engine = f"unavailable: {error}"
    click.echo(f"assess, version {__version__}\nengine: {engine}")
    ctx.exit()


@click.group(
    cls=AssessGroup,
    invoke_without_command=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the rule engine that will run, and exit.",
)
def cli() -> None:
    """Assess nonprofit social media strategy plans against the eleven steps of sound practice.

    \b
    assess PLAN...            assess plans (files, folders, globs, - for stdin)
    assess validate PLAN...   schema check only
    assess rules              the rule catalog; `assess rules show ID` explains one rule

    Exit codes: 0 assessed and the gate passed; 1 the gate failed; 2 could not assess;
    130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
    """


# Start-up (importing the command's modules) allocates much and frees almost nothing: the garbage
# collector would walk every new module's objects, again and again, and once more at exit. So the
# console script runs its start-up with the collector off, then freezes what start-up made (it lives
# as long as the process; frozen objects are never walked again, not even at exit) and turns the
# collector back on for the work itself, where batches need it. A cold run: ~40 M instructions less
# (6%). Only when `main` runs as the process's own entry point: a caller's collector is left alone.
_START_UP: list[bool] = []


def _start_up_done() -> None:
    if _START_UP and _START_UP.pop():
        gc.freeze()
        gc.enable()


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    # The command uses no pydantic plugin; scanning every installed package for one
    # costs ~20 ms of each start. (The library leaves the caller's setting alone.)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if argv is None and gc.isenabled():  # the console script (see _START_UP)
        _START_UP.append(True)
        gc.disable()
    try:
        return cli.main(args=argv, prog_name="assess")
    finally:
        _start_up_done()  # a run that never loaded a command (--help, a usage error)
