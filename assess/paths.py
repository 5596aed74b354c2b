"""Resolving a path the user named, which may be a symbolic-link loop."""

from __future__ import annotations

import os
from pathlib import Path


def resolved(path: str | os.PathLike[str]) -> Path:
    """``Path(path).resolve()``, or the absolute, normalised path when it cannot be resolved.

    A symbolic link that points (through others) back at itself cannot be resolved: Python 3.11
    and 3.12 raise RuntimeError ("Symlink loop"), which ended the run with a traceback and exit 1
    when such a file was named as a plan or an output. The caller then reports the file itself
    (reading or writing it fails with "Too many levels of symbolic links", one line, exit 2).
    """
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))
