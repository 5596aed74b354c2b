"""`assess facts PLAN`: the facts the rule engine sees, for rule authors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assess.errors import for_log


@click.command("facts", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("plan", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--kind", multiple=True, help="Only facts of this kind (repeatable).")
@click.option("--model", is_flag=True, help="Print the fact model (every kind and field) instead.")
def facts(plan: Path, kind: tuple[str, ...], model: bool) -> None:
    """Print the facts built from PLAN, one JSON object per line (see assess/rules/facts.py).

    As the rules see them: a field holding a placeholder is absent, and a ``placeholder`` fact says where it is.
    """
    from assess.api import _typed_stated, load
    from assess.config import Config
    from assess.errors import PlanError
    from assess.rules.catalog import build_catalog
    from assess.rules.facts import FACT_MODEL, build_facts
    from assess.rules.placeholders import placeholder_facts

    if model:
        click.echo(json.dumps(FACT_MODEL, indent=2, ensure_ascii=False))
        return
    try:
        loaded = load(
            sys.stdin.buffer.read() if str(plan) == "-" else plan, name="<stdin>" if str(plan) == "-" else None
        )
    except PlanError as error:
        for problem in error.problems:
            click.echo(for_log(problem.one_line()), err=True)
        sys.exit(2)
    # As the rules see it: placeholders absent (temporary: build_facts reads the typed plan until it takes plain data).
    scan = build_catalog(Config()).placeholders.scan(loaded.data)
    for fact in build_facts(_typed_stated(scan, loaded)) + placeholder_facts(scan):
        if not kind or fact["kind"] in kind:
            click.echo(json.dumps(fact, ensure_ascii=False, sort_keys=True))
