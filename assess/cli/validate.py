"""`assess validate PLAN...`: the plan schema check alone, one line per problem.

Useful in an editor loop or a pre-commit hook: it reads, parses and validates,
and says exactly where each file breaks the format, without assessing anything.
Every error a user can cause ends as ``file:line:col: /pointer: message``;
exit 0 when every file is valid, 2 otherwise.
"""

from __future__ import annotations

import click

from assess.errors import AssessError, PlanError, Problem, for_log, visible

EXIT_INVALID = 2


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="PLAN...")
@click.option("-q", "--quiet", is_flag=True, help="Print only the problem lines, without the source excerpts.")
@click.pass_context
def validate(ctx: click.Context, files: tuple[str, ...], quiet: bool) -> None:
    """Check plans (files, folders searched for plans, globs, - for stdin) against the plan schema.

    Prints each problem as FILE:LINE:COL: /POINTER: MESSAGE, followed by the
    source line and a caret unless --quiet. Exits 0 when every file is valid, 2 otherwise.
    """
    # Imported here: `assess --help` should not pay for the validators.
    from assess.plan.discover import discover
    from assess.plan.load import load_path
    from assess.plan.validate import validate_document

    targets = discover(files)
    invalid = 0
    for target in targets:
        if target.path is None:
            invalid += 1
            _print(Problem(target.name, None, None, "", target.problem or "nothing to read"), quiet)
            continue
        try:
            validate_document(load_path(target.path))
        except PlanError as error:
            invalid += 1
            for problem in error.problems:
                _print(problem, quiet)
        except (AssessError, OSError) as error:
            invalid += 1
            _print(Problem(target.name, None, None, "", str(error) or type(error).__name__), quiet)
    total = len(targets)
    noun = "file" if total == 1 else "files"
    if invalid:
        click.echo(f"{invalid} of {total} {noun} invalid")
        ctx.exit(EXIT_INVALID)
    click.echo(for_log(f"{total} {noun} valid" if total > 1 else f"{targets[0].name} is valid"))


EXCERPT_GUTTER = "  | "


def _print(problem: Problem, quiet: bool) -> None:
    click.echo(for_log(problem.one_line()))
    if problem.excerpt and not quiet:
        # Behind a gutter, a source line such as "::add-mask::x" cannot be a CI workflow command.
        click.echo("\n".join(EXCERPT_GUTTER + visible(line) for line in problem.excerpt.splitlines()))
