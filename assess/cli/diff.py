"""`assess diff OLD NEW`: what changed between two versions of a plan.

Both versions are assessed with the same configuration (discovered from NEW's
folder, or --config) and compared by finding fingerprint (`assess.results.diff`). The
output says how the overall and per-step scores moved and which findings were
resolved, are new, or are unchanged.

Exit codes: 0 compared; 1 with ``--fail-on-new SEVERITY`` when the new version
has a new finding at least that severe (a gate for pull requests that should
not make a plan worse); 2 when either version cannot be read or is invalid, or
on a usage or configuration error, with one line on standard error.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from assess.cli import options as opts
from assess.errors import for_log
from assess.paths import printable_name, resolved

FORMATS = ("text", "markdown", "json", "html")
EXIT_GATE_FAILED = 1
EXIT_ERROR = 2


def _fail(ctx: click.Context, message: str) -> NoReturn:
    click.echo(for_log(f"assess: {message}"), err=True)
    ctx.exit(EXIT_ERROR)


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE", help="Write to FILE.")
@click.option(
    "--fail-on-new",
    type=click.Choice(opts.SEVERITIES, case_sensitive=False),
    metavar="SEVERITY",
    help="Exit 1 when NEW has a finding OLD did not have, at least this severe "
    f"({', '.join(opts.SEVERITIES)}). Default: always exit 0 once compared.",
)
@opts.config_options
@click.pass_context
def diff(ctx: click.Context, old: str, new: str, fmt: str, output: str | None, fail_on_new: str | None) -> None:
    """Compare two versions of a plan: scores before and after, findings resolved, new and unchanged.

    \b
    assess diff plan-v1.json plan-v2.json
    assess diff old.yaml new.yaml --format markdown --output changes.md
    assess diff main.json branch.json --fail-on-new high    exit 1 if the change adds a high finding

    Exit codes: 0 compared; 1 --fail-on-new tripped; 2 a version cannot be read or is invalid.
    """
    from assess.errors import AssessError, PlanError

    if old == "-" and new == "-":
        raise click.UsageError("only one of OLD and NEW can be - (standard input)")
    try:
        text, added = _run(ctx, old, new, fmt.lower(), fail_on_new, output)
        if output is None:
            click.echo(text, nl=False)
        else:
            from assess.atomic import write_atomic

            write_atomic(output, text)
    except PlanError as error:
        first = error.problems[0] if error.problems else None
        more = len(error.problems) - 1
        line = first.one_line() if first is not None else str(error)
        _fail(ctx, line + (f" (and {more} more: assess validate shows them all)" if more > 0 else ""))
    except AssessError as error:
        _fail(ctx, str(error).splitlines()[0] if str(error) else type(error).__name__)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _fail(ctx, f"{where}{error.strerror or error}")
    if added:
        click.echo(
            for_log(f"assess: {added} new {'finding' if added == 1 else 'findings'} at least {fail_on_new} (exit 1)"),
            err=True,
        )
        ctx.exit(EXIT_GATE_FAILED)


def _run(
    ctx: click.Context, old: str, new: str, fmt: str, fail_on_new: str | None, output: str | None
) -> tuple[str, int]:
    """The rendered comparison and how many new findings trip the gate."""
    from assess.cli.outputs import Input, check_outputs
    from assess.results.diff import compare_plans, new_at_least, render
    from assess.results.kinds import Severity
    from assess.rules.catalog import build_catalog

    start = Path.cwd() if new == "-" else resolved(new).parent
    config, config_path = opts.resolve_config(opts.flags(ctx), start)
    if output is not None:  # before assessing: never onto a version being compared, and writable
        inputs = [Input(Path(version), "plan") for version in (old, new) if version != "-"]
        if config_path is not None:
            inputs.append(Input(config_path, "configuration file"))
        check_outputs([output], [*inputs, *(Input(path, "rule pack") for path in config.rules)])
    opts.check_selectors(config, build_catalog(config))
    result = compare_plans(
        Path(old),
        Path(new),
        config=config,
        old_name=None if old == "-" else printable_name(old),
        new_name=None if new == "-" else printable_name(new),
    )
    added = len(new_at_least(result, Severity(fail_on_new.lower()))) if fail_on_new else 0
    return render(result, fmt), added
