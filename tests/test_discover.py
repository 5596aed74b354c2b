"""Discovery: files, folders, globs and "-" become targets, in order; nothing named disappears silently."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assess.plan.discover import STDIN_NAME, Target, discover, looks_like_plan

PLAN_JSON = json.dumps({"schema_version": "1.0", "organization": {"name": "x"}})
PLAN_YAML = "# a plan\nschema_version: '1.0'\norganization:\n  name: x\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository-like folder, with the working directory set to it."""
    files = {
        "plans/b.json": PLAN_JSON,
        "plans/a.yaml": PLAN_YAML,
        "plans/sub/c.yml": PLAN_YAML,
        "plans/a-b/d.json": PLAN_JSON,
        "plans/broken.json": '{"schema_version": "1.0", "organization": ',
        "plans/package.json": json.dumps({"name": "not-a-plan", "version": "1.0.0"}),
        "plans/nested.json": json.dumps({"data": {"schema_version": "1.0"}}),
        "plans/notes.txt": "schema_version: 1.0",
        "plans/.hidden/e.json": PLAN_JSON,
        "plans/node_modules/f.json": PLAN_JSON,
        "plans/.github/workflows/ci.yml": "on: push\n",
        "empty/readme.md": "nothing",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def names(targets: list[Target]) -> list[str]:
    return [target.name for target in targets]


def test_a_folder_is_searched_recursively_in_sorted_order_for_plans_only(tree: Path) -> None:
    found = discover(["plans"])
    assert names(found) == [
        "plans/a-b/d.json",
        "plans/a.yaml",
        "plans/b.json",
        "plans/broken.json",  # mentions schema_version but does not parse: reported, not skipped
        "plans/sub/c.yml",
    ]
    assert all(target.path == target.name and target.problem is None for target in found)


def test_hidden_folders_node_modules_and_non_plans_are_skipped(tree: Path) -> None:
    found = names(discover(["plans"]))
    assert not [name for name in found if ".hidden" in name or "node_modules" in name or ".github" in name]
    assert "plans/package.json" not in found
    assert "plans/nested.json" not in found  # schema_version not at the top level


def test_an_explicit_file_is_taken_whatever_it_holds(tree: Path) -> None:
    assert discover(["plans/package.json"]) == [Target("plans/package.json", "plans/package.json")]


def test_only_plans_drops_named_files_that_are_not_plans(tree: Path) -> None:
    named = ["plans/package.json", "plans/a.yaml", "plans/.github/workflows/ci.yml", "plans/broken.json", "gone.json"]
    assert names(discover(named, only_plans=True)) == ["plans/a.yaml", "plans/broken.json", "gone.json"]


def test_a_missing_file_stays_a_target_so_reading_it_reports_the_problem(tree: Path) -> None:
    assert discover(["missing.json"]) == [Target("missing.json", "missing.json")]


def test_a_glob_is_expanded_sorted_and_one_that_matches_nothing_is_a_problem(tree: Path) -> None:
    assert names(discover(["plans/*.json"])) == [
        "plans/b.json",
        "plans/broken.json",
        "plans/nested.json",
        "plans/package.json",
    ]
    assert names(discover(["plans/**/*.yml"])) == ["plans/sub/c.yml"]
    (nothing,) = discover(["plans/*.toml"])
    assert nothing.path is None
    assert nothing.name == "plans/*.toml"
    assert nothing.problem is not None and "no file matches" in nothing.problem


def test_a_folder_without_plans_is_a_problem(tree: Path) -> None:
    (target,) = discover(["empty"])
    assert target.path is None
    assert target.problem is not None and "no plan" in target.problem


def test_stdin_and_argument_order_are_kept_and_duplicates_dropped(tree: Path) -> None:
    found = discover(["plans/b.json", "-", "plans/sub", "plans/b.json", "./plans/b.json"])
    assert names(found) == ["plans/b.json", STDIN_NAME, "plans/sub/c.yml"]
    assert found[1].path == "-"


def test_names_are_relative_to_the_working_directory_even_for_absolute_arguments(tree: Path) -> None:
    assert names(discover([str(tree / "plans" / "sub")])) == ["plans/sub/c.yml"]


def test_looks_like_plan(tree: Path) -> None:
    assert looks_like_plan(tree / "plans/a.yaml")
    assert looks_like_plan(tree / "plans/b.json")
    assert not looks_like_plan(tree / "plans/package.json")
    assert not looks_like_plan(tree / "plans/.github/workflows/ci.yml")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_an_unreadable_file_in_a_folder_is_reported_not_skipped(tree: Path) -> None:
    locked = tree / "plans" / "locked.json"
    locked.write_text(PLAN_JSON, encoding="utf-8")
    locked.chmod(0)
    try:
        assert "plans/locked.json" in names(discover(["plans"]))
    finally:
        locked.chmod(0o644)
