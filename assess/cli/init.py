"""`assess init PATH`: write a starter plan that guides its author through the eleven steps.

YAML (for a .yaml/.yml path) explains each step in comments; JSON carries the
guidance in its placeholder texts. An existing file is never overwritten
without --force: it may be a plan someone spent hours on.
"""

from __future__ import annotations

import click

from assess.errors import for_log
from assess.plan.model import Language

EXIT_ERROR = 2


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, writable=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option(
    "--lang",
    type=click.Choice([language.value for language in Language]),
    default=Language.EN.value,
    show_default=True,
    help="Language of the guidance and placeholders (field names stay English).",
)
@click.pass_context
def init(ctx: click.Context, path: str, force: bool, lang: str) -> None:
    """Write a starter plan to PATH: YAML with comments for .yaml/.yml, JSON otherwise.

    The starter validates as it is; replace its placeholders with your facts,
    then run `assess PATH` to see what the plan still lacks.
    """
    from assess.plan.starter import write_starter

    try:
        written = write_starter(path, lang=Language(lang), force=force)
    except FileExistsError:
        click.echo(for_log(f"assess: {path} already exists; use --force to overwrite it"), err=True)
        ctx.exit(EXIT_ERROR)
    except OSError as error:
        click.echo(for_log(f"assess: cannot write {path}: {error.strerror or error}"), err=True)
        ctx.exit(EXIT_ERROR)
    from assess.i18n import label

    click.echo(for_log(label("init_wrote", lang).format(path=written)))
