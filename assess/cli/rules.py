"""`assess rules`: list the catalog, explain one rule, test a pack's examples."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assess.errors import for_log


def _catalog_rules(rule_paths: tuple[Path, ...], builtin: bool) -> list[Any]:
    from assess.config import Config
    from assess.rules.catalog import load_packs

    packs = load_packs(Config(rules=rule_paths, builtin_rules=builtin))
    return sorted((rule for pack in packs for rule in pack.rules), key=lambda r: (r.spec.step, r.id))


def _print_thresholds(rule_paths: tuple[Path, ...], builtin: bool, fmt: str) -> None:
    """Every pack's thresholds: name, value, unit, what it is and where the value comes from."""
    from assess.config import Config
    from assess.rules.catalog import load_packs

    packs = load_packs(Config(rules=rule_paths, builtin_rules=builtin))
    rows = [
        {
            "name": name,
            "value": threshold.value,
            "unit": threshold.unit,
            "description": threshold.description,
            "source": threshold.source,
            "pack": pack.name,
        }
        for pack in packs
        for name, threshold in sorted(pack.thresholds.items())
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        click.echo("| name | value | unit | description | source |\n|---|---:|---|---|---|")
        for row in rows:
            click.echo(f"| {row['name']} | {row['value']:g} | {row['unit']} | {row['description']} | {row['source']} |")
        return
    for row in rows:
        click.echo(f"{row['name']} = {row['value']:g} {row['unit']}: {row['description']} (source: {row['source']})")


def _fail(message: str) -> None:
    click.echo(for_log(f"assess: {message}"), err=True)
    sys.exit(2)


@click.group(
    "rules",
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--step", type=click.IntRange(1, 11), multiple=True, help="Only rules of this step (repeatable).")
@click.option(
    "--severity",
    type=click.Choice(["critical", "high", "medium", "low", "info"]),
    multiple=True,
    help="Only rules of this severity (repeatable).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option("--rules", "rule_paths", type=click.Path(path_type=Path), multiple=True, help="Add a rule pack.")
@click.option("--no-builtin-rules", is_flag=True, help="Leave out the built-in catalog.")
@click.option(
    "--thresholds",
    "show_thresholds",
    is_flag=True,
    help="List the thresholds instead (name, default value, unit, source): what --threshold NAME=VALUE overrides.",
)
@click.pass_context
def rules(
    ctx: click.Context,
    step: tuple[int, ...],
    severity: tuple[str, ...],
    fmt: str,
    lang: str,
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    show_thresholds: bool,
) -> None:
    """List the rules (filter by step and severity).

    \b
    assess rules --step 4 --severity critical
    assess rules show POL-03        what it checks, why, examples, what to do
    assess rules test rules/        run a pack's own examples
    """
    if ctx.invoked_subcommand is not None:
        return
    from assess.errors import AssessError
    from assess.steps import STEP_BY_NUMBER

    if show_thresholds:
        try:
            _print_thresholds(rule_paths, not no_builtin_rules, fmt)
        except AssessError as error:
            _fail(str(error))
        return
    try:
        found = _catalog_rules(rule_paths, not no_builtin_rules)
    except AssessError as error:
        _fail(str(error))
    found = [
        r for r in found if (not step or r.spec.step in step) and (not severity or r.spec.severity.value in severity)
    ]
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "step": r.spec.step,
                "step_name": STEP_BY_NUMBER[r.spec.step].name[lang],
                "severity": r.spec.severity.value,
                "title": _title(r, lang),
                "pack": r.pack,
            }
            for r in found
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        click.echo("| id | step | severity | title |\n|---|---|---|---|")
        for r in found:
            step_name = STEP_BY_NUMBER[r.spec.step].name[lang]
            click.echo(f"| {r.id} | {r.spec.step} {step_name} | {r.spec.severity.value} | {_title(r, lang)} |")
        return
    for r in found:
        step_name = STEP_BY_NUMBER[r.spec.step].name[lang]
        click.echo(f"{r.id:<8} {r.spec.step:>2} {step_name:<13} {r.spec.severity.value:<9} {_title(r, lang)}")
    click.echo(for_log(f"{len(found)} rules"), err=True)


def _title(rule: Any, lang: str) -> str:
    spec = rule.spec
    return str(spec.fr.title if lang == "fr" and spec.fr else spec.title)


@rules.command("show", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("rule_id")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option("--rules", "rule_paths", type=click.Path(path_type=Path), multiple=True, help="Add a rule pack.")
def show(rule_id: str, lang: str, rule_paths: tuple[Path, ...]) -> None:
    """Explain one rule: what it checks, why, a failing and a passing example, what to do."""
    from assess.errors import AssessError
    from assess.i18n import colon, label
    from assess.rules.rulepack import RulePack, required_options
    from assess.rules.ruletest import patched
    from assess.steps import STEP_BY_NUMBER

    try:
        from assess.config import Config
        from assess.rules.catalog import load_packs

        packs: tuple[RulePack, ...] = load_packs(Config(rules=rule_paths))
    except AssessError as error:
        _fail(str(error))
    wanted = rule_id.upper()
    for pack in packs:
        for rule in pack.rules:
            if rule.id != wanted:
                continue
            spec = rule.spec
            words = spec.fr if lang == "fr" and spec.fr else spec
            step = STEP_BY_NUMBER[spec.step]
            severity = label(f"sev_{spec.severity.value}", lang)
            sep = colon(lang)  # French puts a no-break space before the colon
            lines = [
                f"{rule.id}{sep}{words.title}",
                f"{label('step', lang)} {spec.step} ({step.name[lang]}){sep}{step.summary[lang]}",
                f"{label('severity', lang)}{sep}{severity}   {label('rule_pack', lang)}{sep}{pack.name} {pack.version}"
                f"   {label('rule_source', lang)}{sep}{rule.source.name}",
                "",
                label("why", lang),
                f"  {words.rationale}",
                "",
                label("what_to_do", lang),
                f"  {words.action}.",
                f"  {words.recommendation}",
                "",
                label("rule_checks", lang),
                _indent(_yaml(spec.when)),
            ]
            if spec.skip_when is not None:
                lines += [label("rule_not_applicable_when", lang), _indent(_yaml(spec.skip_when))]
            if spec.requires:
                either = label("rule_needs_or", lang)  # {any: [...]}: one of them is enough
                lines += [label("rule_needs", lang), *(f"  {either.join(required_options(p))}" for p in spec.requires)]
            if spec.unlocks:
                lines += [label("rule_unlocks", lang), f"  {', '.join(spec.unlocks)}"]
            message = words.message if isinstance(words.message, str) else " / ".join(words.message)
            lines += ["", label("rule_message", lang), f"  {message}"]
            for title, examples in (
                (label("rule_failing_example", lang), spec.examples.failing),
                (label("rule_passing_example", lang), spec.examples.passing),
            ):
                example = examples[0]
                # Example notes are written for rule authors, in the pack's language (English here).
                lines += ["", f"{title}: {example.note}" if lang == "en" else title]
                change = {"patch": example.patch, "set": example.set}
                lines.append(_indent(_yaml({k: v for k, v in change.items() if v})))
                if pack.example_base is not None and not example.patch and not example.set:
                    lines.append(f"  {label('rule_base_as_is', lang)}")
                elif pack.example_base is not None:
                    patched(pack.example_base, example)  # proves the example applies
            if spec.references:
                lines += ["", label("rule_references", lang), *(f"  {ref}" for ref in spec.references)]
            click.echo("\n".join(lines))
            return
    _fail(f"no rule {wanted!r} (see `assess rules` for the list)")


def _yaml(value: Any) -> str:
    import yaml

    return str(yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)).rstrip()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


@rules.command("test", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("-q", "--quiet", is_flag=True, help="Only failures and the summary.")
@click.option(
    "--no-builtin-rules",
    "alone",
    is_flag=True,
    help="Test the pack alone, as it runs with builtin_rules = false (default: beside the built-in catalog).",
)
def test(path: Path | None, quiet: bool, alone: bool) -> None:
    """Run a pack's examples (default: the built-in catalog) and report each.

    A custom pack runs beside the built-in catalog, as `assess --rules PACK` runs it.
    Exit 0 when every example behaves as it says, 1 when one does not, 2 when the
    pack cannot be loaded (or clashes with the catalog).
    """
    from assess.errors import AssessError
    from assess.resources import RULES_DIR
    from assess.rules.ruletest import run_examples

    if path is not None and path.resolve() != RULES_DIR.resolve() and not quiet:
        click.echo(f"{path}: {'alone' if alone else 'beside the built-in catalog'}")
    passed = failed = 0
    try:
        for result in run_examples(path, alone=alone):
            label = f"{result.rule_id} {result.kind}"
            if result.kind != "base":
                label += f" #{result.index + 1}"
            if result.ok:
                passed += 1
                if not quiet:
                    click.echo(f"ok    {label}: {result.note} ({result.detail})")
            else:
                failed += 1
                click.echo(f"FAIL  {label}: {result.note}: {result.detail}")
    except AssessError as error:
        _fail(str(error))
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
