"""`assess schema`: print a bundled JSON Schema, byte for byte.

Editors and other tools validate plans with the same file `assess` uses, e.g.
``assess schema > plan.schema.json``. The files are generated from the models
(``python -m assess.plan.schema``), so printing them verbatim is always current.
"""

from __future__ import annotations

import click

from assess.errors import for_log
from assess.resources import PLAN_SCHEMA_PATH, REPORT_SCHEMA_PATH, RULE_PACK_SCHEMA_PATH

EXIT_ERROR = 2


@click.command()
@click.option("--report", "which", flag_value="report", help="The schema of `assess --format json` reports.")
@click.option("--rule-pack", "which", flag_value="rule-pack", help="The schema of rule pack files.")
@click.pass_context
def schema(ctx: click.Context, which: str | None) -> None:
    """Print the plan JSON Schema (draft 2020-12), or the report or rule-pack schema."""
    path = {"report": REPORT_SCHEMA_PATH, "rule-pack": RULE_PACK_SCHEMA_PATH}.get(which or "", PLAN_SCHEMA_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        click.echo(for_log(f"assess: {path}: {error.strerror or error}"), err=True)
        ctx.exit(EXIT_ERROR)
    click.echo(text, nl=False)
