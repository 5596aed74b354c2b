"""Where the CLI writes: checked before anything is assessed, and never onto an input.

A report, baseline or summary written over a plan, a configuration file, a rule
pack or the baseline being read would destroy the user's data; so would a report
written into a folder being assessed, which the next run would read as a plan.
`check_outputs` refuses all of these (comparing resolved paths, so through
symbolic links, and file identities, so through hard links too), and an output
that cannot be written (no such folder, a folder, no permission), naming the
path as the user gave it, in one line: `OutputError`, exit 2.

This module imports nothing heavy: it runs before the assessment starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from assess.errors import AssessError

PLAN_SUFFIXES = (".json", ".yaml", ".yml")  # = assess.plan.discover.PLAN_SUFFIXES


class OutputError(AssessError):
    """An output would overwrite an input, or cannot be written."""


class Input(NamedTuple):
    """Something the run reads: a file, or a folder whose plans it reads."""

    path: Path
    what: str  # "plan", "baseline", "configuration file", "rule pack", "folder"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _would_be_discovered(output: Path, folder: Path) -> bool:
    """Whether searching `folder` would pick up `output` (a plan-like name, not in a hidden folder)."""
    if output.suffix.lower() not in PLAN_SUFFIXES or not _inside(output, folder):
        return False
    parts = output.relative_to(folder).parts
    return not any(part.startswith(".") or part in ("node_modules", "__pycache__") for part in parts)


def check_outputs(outputs: Iterable[str | os.PathLike[str]], inputs: Sequence[Input]) -> None:
    """Raise `OutputError` for the first output that is an input, lies in an assessed folder, or cannot be written."""
    for given in outputs:
        name = os.fspath(given)
        real = Path(os.path.realpath(name))
        identity = _identity(real)
        for source in inputs:
            source_real = Path(os.path.realpath(source.path))
            if source.what == "folder":
                if _would_be_discovered(real, source_real):
                    raise OutputError(
                        f"{name}: is inside {source.path}, a folder being assessed (the next run would read it "
                        "as a plan): write it elsewhere"
                    )
                continue
            if source.what == "rule pack" and source_real.is_dir() and _inside(real, source_real):
                raise OutputError(f"{name}: is inside the rule pack {source.path}: write it elsewhere")
            same = real == source_real or (identity is not None and identity == _identity(source_real))
            if same:
                raise OutputError(
                    f"{name}: is an input of this run (the {source.what} {source.path}); refusing to overwrite it"
                )
        _check_writable(name, real)


def _check_writable(name: str, real: Path) -> None:
    if real.is_symlink():  # realpath stops at a link it cannot follow: a loop (writing would replace the link)
        raise OutputError(f"{name}: cannot write: a loop of symbolic links (it leads back to itself)")
    if real.is_dir():
        raise OutputError(f"{name}: is a folder; give a file name")
    if real.exists():
        if not os.access(real, os.W_OK):
            raise OutputError(f"{name}: cannot write: permission denied")
        return
    folder = real.parent
    if not folder.is_dir():
        raise OutputError(f"{name}: cannot write: no such folder {os.path.dirname(name) or '.'}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{name}: cannot write: permission denied in {os.path.dirname(name) or '.'}")


def plan_inputs(arguments: Sequence[str], files: Iterable[str]) -> list[Input]:
    """The plans a run reads (`files`: the discovered ones) and the folders it searches."""
    found = [Input(Path(file), "plan") for file in files if file != "-"]
    found += [Input(Path(argument), "folder") for argument in arguments if argument != "-" and os.path.isdir(argument)]
    return found
