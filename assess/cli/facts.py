"""`assess facts PLAN` / `assess facts --model`: the facts the rule engine sees, for rule authors.

Usage errors (no PLAN without --model, a PLAN with --model, an unknown --kind) are one line on
standard error and exit 2, as a plan that cannot be read is: a typo never passes for "no facts".
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NoReturn

import click

from assess.errors import for_log

EXIT_ERROR = 2


def _fail(ctx: click.Context, message: str) -> NoReturn:
    click.echo(for_log(f"assess: {message}"), err=True)
    ctx.exit(EXIT_ERROR)


def unknown_kind(kinds: Sequence[str], known: Collection[str]) -> str | None:
    """Why `kinds` (the --kind values) are wrong, naming the known kinds; None when every one is known."""
    unknown = [kind for kind in kinds if kind not in known]
    if not unknown:
        return None
    import difflib  # only on the error path

    kind = unknown[0]
    close = difflib.get_close_matches(kind.lower(), list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"--kind {kind!r} is not a fact kind{hint}; the kinds are: {', '.join(known)}"


@click.command("facts", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("plan", type=click.Path(path_type=Path, allow_dash=True), required=False)
@click.option(
    "--kind",
    multiple=True,
    metavar="KIND",
    help="Only facts of this kind (repeatable; an unknown kind is an error). With --model, only these kinds' fields.",
)
@click.option("--model", is_flag=True, help="Print the fact model (every kind and its fields) instead; takes no PLAN.")
@click.pass_context
def facts(ctx: click.Context, plan: Path | None, kind: tuple[str, ...], model: bool) -> None:
    """Print the facts built from PLAN, one JSON object per line (see assess/rules/facts.py).

    As the rules see them: a field holding a placeholder is absent, and a ``placeholder`` fact says where it is.
    A known kind of which PLAN has no fact prints nothing.

    \b
    assess facts plan.json --kind channel
    assess facts --model
    """
    from assess.rules.facts import FACT_MODEL

    problem = unknown_kind(kind, FACT_MODEL)
    if problem is not None:
        _fail(ctx, problem)
    if model:
        if plan is not None:
            _fail(
                ctx,
                f"--model prints the fact model, which is the same for every plan: leave out {plan}, or drop --model",
            )
        shown = {name: fields for name, fields in FACT_MODEL.items() if not kind or name in kind}
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    if plan is None:
        _fail(ctx, "facts of which plan? Give PLAN (a file, or - for standard input), or --model for the fact model")

    from assess.api import load
    from assess.config import Config
    from assess.errors import PlanError
    from assess.rules.catalog import build_catalog
    from assess.rules.facts import build_facts
    from assess.rules.placeholders import placeholder_facts

    try:
        loaded = load(
            sys.stdin.buffer.read() if str(plan) == "-" else plan, name="<stdin>" if str(plan) == "-" else None
        )
    except PlanError as error:
        for problem_line in error.problems:
            click.echo(for_log(problem_line.one_line()), err=True)
        sys.exit(EXIT_ERROR)
    scan = build_catalog(Config()).placeholders.scan(loaded.data)  # as the rules see it: placeholders absent
    for fact in build_facts(scan.stated) + placeholder_facts(scan):
        if not kind or fact["kind"] in kind:
            click.echo(json.dumps(fact, ensure_ascii=False, sort_keys=True))
