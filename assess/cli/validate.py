"""`assess validate FILE...`: the plan schema check alone, one line per problem.

Useful in an editor loop or a pre-commit hook: it reads, parses and validates,
and says exactly where each file breaks the format, without assessing anything.
Every error a user can cause ends as ``file:line:col: /pointer: message``;
exit 0 when every file is valid, 2 otherwise.
"""

from __future__ import annotations

import click

from assess.errors import AssessError, PlanError, Problem

EXIT_INVALID = 2


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-q", "--quiet", is_flag=True, help="Print only the problem lines, without the source excerpts.")
@click.pass_context
def validate(ctx: click.Context, files: tuple[str, ...], quiet: bool) -> None:
    """Check plan files (JSON or YAML; - for stdin) against the plan schema.

    Prints each problem as FILE:LINE:COL: /POINTER: MESSAGE, followed by the
    source line and a caret unless --quiet. Exits 0 when every file is valid, 2 otherwise.
    """
    # Imported here: `assess --help` should not pay for the validators.
    from assess.load import load_path
    from assess.validate import validate_document

    invalid = 0
    for name in files:
        try:
            validate_document(load_path(name))
        except PlanError as error:
            invalid += 1
            for problem in error.problems:
                _print(problem, quiet)
        except (AssessError, OSError) as error:
            invalid += 1
            _print(Problem(name, None, None, "", str(error) or type(error).__name__), quiet)
    total = len(files)
    noun = "file" if total == 1 else "files"
    if invalid:
        click.echo(f"{invalid} of {total} {noun} invalid")
        ctx.exit(EXIT_INVALID)
    click.echo(f"{total} {noun} valid" if total > 1 else f"{files[0]} is valid")


def _print(problem: Problem, quiet: bool) -> None:
    click.echo(problem.one_line())
    if problem.excerpt and not quiet:
        click.echo(problem.excerpt)
