"""`assess serve [PLAN_OR_FOLDER]`: the plan workbench in the browser.

Flask is imported only here, when the command runs: the other commands never load the web stack.
"""

from __future__ import annotations

from pathlib import Path

import click

EXIT_ERROR = 2


@click.command()
@click.argument("target", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", default=8421, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@click.pass_context
def serve(ctx: click.Context, target: Path, host: str, port: int) -> None:
    """Fill in, assess and fix plans in the browser: opens PLAN_OR_FOLDER (default: the current folder).

    \b
    Prints an address with a secret token: open it in a browser on this machine.
    Each save writes the plan file (YAML keeps its comments) and assesses it again.
    """
    try:
        from assess.web.server import run
    except ImportError as error:  # pragma: no cover - depends on the installed extras
        click.echo(f"assess serve needs the web extra: pip install 'assess-social-plan[web]' ({error})", err=True)
        ctx.exit(EXIT_ERROR)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"assess: warning: listening on {host}: anyone who can reach it and has the token can edit plans", err=True
        )
    try:
        run(target, host=host, port=port)
    except OSError as error:
        click.echo(f"assess: cannot serve on {host}:{port}: {error.strerror or error}", err=True)
        ctx.exit(EXIT_ERROR)
