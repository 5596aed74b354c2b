"""The documentation shows what works: plan examples pass the schema, settings paths exist, flags exist.

docs/ci.md once told readers to write suppressions under ``x-assess.results.suppress`` (a plan
written that way is rejected: "unknown field 'results'"). These tests read README.md and
docs/*.md as a user would and check what they show against the schema and the command line.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from assess.api import validate_plan
from assess.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
SETTING_PATH = re.compile(r"^x-assess(?:\.[\w-]+)+$")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
# Flags the docs show for other tools (mypy, pip), not assess.
OTHER_TOOLS_FLAGS = {"--strict", "--config-settings"}


def doc_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def fenced(lang: str) -> list[tuple[str, str]]:
    """(where, text) of every fenced block of this language in the docs."""
    return [
        (f"{doc_id(path)}:{path.read_text(encoding='utf-8')[: match.start()].count(chr(10)) + 1}", match.group(2))
        for path in DOCS
        for match in FENCE.finditer(path.read_text(encoding="utf-8"))
        if match.group(1) == lang
    ]


def inline_code() -> list[tuple[str, str]]:
    """(doc, span) of every inline code span outside fenced blocks."""
    spans: list[tuple[str, str]] = []
    for path in DOCS:
        text = FENCE.sub("", path.read_text(encoding="utf-8"))
        spans += [(doc_id(path), span) for span in INLINE.findall(text)]
    return spans


def plan_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    return schema


def json_examples() -> list[tuple[str, dict[str, Any]]]:
    """Every JSON block of the docs that is (part of) a plan: a whole plan, or top-level sections of one."""
    sections = set(plan_schema()["properties"])
    examples: list[tuple[str, dict[str, Any]]] = []
    for where, text in fenced("json"):
        data = json.loads(text if text.lstrip().startswith("{") else "{" + text + "}")  # a fragment: '"x-assess": ...'
        if isinstance(data, dict) and set(data) <= sections:
            examples.append((where, data))
    return examples


def test_the_docs_have_plan_examples_to_check() -> None:
    assert any("x-assess" in data for _, data in json_examples())  # README's and docs/ci.md's suppressions


@pytest.mark.parametrize(("where", "example"), json_examples(), ids=[where for where, _ in json_examples()])
def test_every_plan_example_in_the_docs_passes_the_schema(where: str, example: dict[str, Any]) -> None:
    """A fragment is checked in place in a complete plan (samples/exemplary.json), as a user would paste it."""
    plan = json.loads((ROOT / "samples" / "exemplary.json").read_text(encoding="utf-8"))
    plan.update(example)
    problems = validate_plan(json.dumps(plan).encode(), name=where)
    assert [problem.one_line() for problem in problems] == []


def resolve(schema: dict[str, Any], node: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The schema of `key` in an object of schema `node` (following $ref), or None when it has no such field."""
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if node.get("type") == "array" or "items" in node:  # a path through a list names its items' fields
        return resolve(schema, node["items"], key)
    child = node.get("properties", {}).get(key)
    return child if isinstance(child, dict) else None


def setting_paths() -> list[tuple[str, str]]:
    return [(doc, span) for doc, span in inline_code() if SETTING_PATH.match(span)]


def test_the_docs_name_setting_paths_to_check() -> None:
    assert any(path == "x-assess.suppress" for _, path in setting_paths())


@pytest.mark.parametrize(("doc", "path"), setting_paths())
def test_every_plan_setting_path_the_docs_name_exists_in_the_schema(doc: str, path: str) -> None:
    schema = plan_schema()
    node: dict[str, Any] | None = schema
    for key in path.split("."):
        assert node is not None
        node = resolve(schema, node, key)
        assert node is not None, f"{doc}: `{path}`: the plan schema has no field {key!r} there"


def test_the_setting_path_check_rejects_the_old_wrong_path() -> None:
    schema = plan_schema()
    settings = resolve(schema, schema, "x-assess")
    assert settings is not None
    assert resolve(schema, settings, "suppress") is not None
    assert resolve(schema, settings, "results") is None


# ---------------------------------------------------------------- flags


def all_commands(command: click.Command, ctx: click.Context) -> list[click.Command]:
    found = [command]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                found += all_commands(sub, click.Context(sub, parent=ctx, info_name=name))
    return found


def options(command: click.Command) -> set[str]:
    names: set[str] = set()
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts + param.secondary_opts)
    return names | {"--help"}


def every_flag() -> set[str]:
    return {name for command in all_commands(cli, click.Context(cli, info_name="assess")) for name in options(command)}


def command_lines() -> list[tuple[str, str]]:
    """(where, line) of every `assess ...` command the docs show: in shell and YAML blocks, and in inline code.

    A YAML folded line that starts with an option continues the command above it. A comment is left out.
    """
    lines: list[tuple[str, str]] = []
    for where, block in [*fenced("sh"), *fenced("yaml"), *fenced("")]:
        current: str | None = None
        for raw in block.splitlines():
            text = raw.split(" #", 1)[0].strip().removeprefix("- run: ").removeprefix("run: ")
            if current is not None and text.startswith("--"):
                current += " " + text
                continue
            if current is not None:
                lines.append((where, current))
            current = text if re.match(r"(\.venv/bin/)?assess( |$)", text) else None
        if current is not None:
            lines.append((where, current))
    lines += [(doc, span) for doc, span in inline_code() if re.match(r"assess \S", span)]
    return lines


def test_the_docs_show_commands_to_check() -> None:
    assert len(command_lines()) >= 20


@pytest.mark.parametrize(("where", "line"), command_lines())
def test_every_assess_command_in_the_docs_uses_options_its_command_has(where: str, line: str) -> None:
    """`assess rules show POL-03 --lang fr`: each --option is one of `rules show`'s (as --help lists them)."""
    words = shlex.split(line.replace("\\|", "|"))[1:]
    command: click.Command = cli
    ctx = click.Context(cli, info_name="assess")
    if words and words[0] not in (*cli.list_commands(ctx), "-h", "--help", "-V", "--version"):
        words = ["check", *words]  # `assess PLAN...` is `assess check PLAN...`
    while words and isinstance(command, click.Group) and words[0] in command.list_commands(ctx):
        sub = command.get_command(ctx, words[0])
        assert sub is not None
        command, ctx, words = sub, click.Context(sub, parent=ctx, info_name=words[0]), words[1:]
    unknown = [word for word in words if word.startswith("--") and word.split("=")[0] not in options(command)]
    assert unknown == [], f"{where}: `{line}`: not an option of `{ctx.command_path}`"


def test_every_flag_the_docs_mention_exists() -> None:
    """Prose names flags too ("`--only-plans` skips..."): each is an option of some assess command."""
    known = every_flag() | OTHER_TOOLS_FLAGS
    unknown = sorted(
        {
            f"{doc_id(path)}: {flag}"
            for path in DOCS
            for flag in FLAG.findall(path.read_text(encoding="utf-8"))
            if flag not in known
        }
    )
    assert unknown == []


def test_the_command_check_catches_an_option_that_does_not_exist() -> None:
    test_every_assess_command_in_the_docs_uses_options_its_command_has("x", "assess rules show POL-03 --lang fr")
    with pytest.raises(AssertionError, match="not an option of `assess rules show`"):
        test_every_assess_command_in_the_docs_uses_options_its_command_has("x", "assess rules show POL-03 --step 4")
    with pytest.raises(AssertionError, match="not an option of `assess check`"):
        test_every_assess_command_in_the_docs_uses_options_its_command_has("x", "assess plans/ --model")


# ---------------------------------------------------------------- pre-commit


def test_the_pre_commit_example_uses_the_hook_as_defined_and_pins_a_commit() -> None:
    """No release is tagged, so `rev:` is a commit sha (or its placeholder), never a version tag pre-commit cannot fetch."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    examples = [yaml.safe_load(text) for _, text in fenced("yaml") if re.search(r"^repos:", text, re.MULTILINE)]
    assert examples, "docs/ci.md shows a .pre-commit-config.yaml"
    check = cli.get_command(click.Context(cli), "check")
    assert check is not None
    for example in examples:
        for repo in example["repos"]:
            assert re.fullmatch(r"COMMIT|[0-9a-f]{40}", str(repo["rev"])), repo["rev"]
            for hook in repo["hooks"]:
                assert hooks[hook["id"]]["entry"] == "assess check"
                assert "--only-plans" in hook.get("args", hooks[hook["id"]]["args"])
                flags = [arg for arg in hook.get("args", []) if arg.startswith("--")]
                assert set(flags) <= options(check)
