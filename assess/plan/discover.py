"""Command-line arguments -> the plans to assess: files, folders, globs and "-" (standard input).

Every argument gives at least one `Target`, in argument order, so that nothing a
user named can silently disappear from a CI run: a missing file stays a target
(reading it reports "no such file"), and a glob that matches nothing or a folder
that holds no plan becomes a target carrying that problem. Both end in exit 2.

A folder is searched recursively, in sorted order, for ``*.json``, ``*.yaml`` and
``*.yml`` files that look like plans (a top-level ``schema_version`` key), skipping
hidden folders and ``node_modules``: a repository's ``package.json`` or CI
workflow is not a plan. A plan with a syntax error still mentions
``schema_version``, so it is picked up and reported rather than skipped.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from assess.paths import printable_name, resolved

STDIN = "-"
STDIN_NAME = "<stdin>"
PLAN_SUFFIXES = (".json", ".yaml", ".yml")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
_GLOB_MAGIC = re.compile(r"[*?[]")
# A block-style YAML mapping has its top-level keys at column 0.
_YAML_KEY = re.compile(rb"^[\"']?schema_version[\"']?[ \t]*:", re.MULTILINE)
_JSON_KEY = re.compile(rb"\"schema_version\"\s*:")
_SNIFF_LIMIT = 10 * 1024 * 1024


def display_name(path: Path) -> str:
    """How a path appears in reports: relative to the working directory when under it, POSIX style,
    as text (`assess.paths.printable_name`)."""
    return printable_name(_relative(path))


def _relative(path: Path) -> str:
    """The path to read, relative to the working directory when under it, POSIX style."""
    try:
        return resolved(path).relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Target(NamedTuple):
    """One plan to assess.

    ``name`` is how it appears in reports (relative to the working directory);
    ``path`` is what to read (``"-"`` for standard input); ``problem`` says why
    there is nothing to read (then ``path`` is None).
    """

    name: str
    path: str | None
    problem: str | None = None


def discover(arguments: Sequence[str], *, only_plans: bool = False, skipped: list[str] | None = None) -> list[Target]:
    """The targets of the arguments, in order, each file once (first mention wins).

    ``only_plans`` also drops named files that do not look like plans: pre-commit
    passes every staged file its pattern matches, ``package.json`` included.
    ``skipped``, when given, receives the display names of the *.json/*.yaml/*.yml
    files that folders held but that are not plans (no top-level schema_version).
    """
    targets: list[Target] = []
    seen: set[str] = set()
    for target in _expand(arguments, skipped if skipped is not None else []):
        if target.path is not None:
            key = target.path if target.path == STDIN else os.path.normcase(os.path.abspath(target.path))
            if key in seen:
                continue
            seen.add(key)
            if only_plans and target.path != STDIN and os.path.isfile(key) and not looks_like_plan(Path(key)):
                continue
        targets.append(target)
    return targets


def _expand(arguments: Sequence[str], skipped: list[str]) -> Iterator[Target]:
    for argument in arguments:
        if argument == STDIN:
            yield Target(STDIN_NAME, STDIN)
        elif os.path.isdir(argument):
            yield from _folder(Path(argument), skipped)
        elif os.path.lexists(argument) or not _GLOB_MAGIC.search(argument):
            # An existing file, or a plain name that does not exist: reading it says why.
            yield _file(Path(argument))
        else:
            yield from _glob(argument, skipped)


def _file(path: Path) -> Target:
    relative = _relative(path)
    return Target(printable_name(relative), relative)


def _glob(pattern: str, skipped: list[str]) -> Iterator[Target]:
    import glob  # here, not at the top: most runs name files, not patterns

    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Target(pattern, None, "no file matches this pattern")
        return
    for match in matches:
        if os.path.isdir(match):
            yield from _folder(Path(match), skipped)
        else:
            yield _file(Path(match))


def _folder(folder: Path, skipped: list[str]) -> Iterator[Target]:
    found = False
    for path in _plan_files(folder, skipped):
        found = True
        yield _file(path)
    if not found:
        yield Target(
            display_name(folder),
            None,
            f"no plan in this folder (no {', '.join('*' + s for s in PLAN_SUFFIXES)} file with a top-level "
            "schema_version)",
        )


def _plan_files(folder: Path, skipped: list[str] | None = None) -> Iterable[Path]:
    """Plan-looking files under `folder`, in sorted order (by path parts, so a/b sorts before a-b)."""
    found: list[Path] = []
    others: list[Path] = []
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(root, name)
            if path.suffix.lower() in PLAN_SUFFIXES and not name.startswith("."):
                (found if _is_file_or_unreadable(path) and looks_like_plan(path) else others).append(path)
    if skipped is not None:
        skipped.extend(display_name(path) for path in sorted(others, key=lambda path: path.parts))
    return sorted(found, key=lambda path: path.parts)


def _is_file_or_unreadable(path: Path) -> bool:
    """False for a FIFO, socket or device found in a folder: sniffing a FIFO waited for ever for a writer.

    (A file that cannot even be examined, such as a symbolic-link loop, is kept: reading it says why.)
    """
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def looks_like_plan(path: Path) -> bool:
    """True when the file has a top-level ``schema_version`` (or mentions one and is broken: report it)."""
    try:
        with path.open("rb") as file:
            raw = file.read(_SNIFF_LIMIT)
    except OSError:
        return True  # unreadable: let the loader report why, rather than skip it silently
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
            return _JSON_KEY.search(raw) is not None
        return isinstance(data, dict) and "schema_version" in data
    return _YAML_KEY.search(raw) is not None or _JSON_KEY.search(raw) is not None
