"""Paths the user names: resolving one that may be a symbolic-link loop, showing one that is not UTF-8."""

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


def printable_name(name: str) -> str:
    """A file name as text: the bytes of a name that is not UTF-8 written as ``\\xff``.

    Python hands such a name over holding lone surrogates (``'bad\\udcff.json'``), which no UTF-8
    report can hold: writing one ended the run with UnicodeEncodeError, after the plans were assessed.
    Reports name the file ``bad\\xff.json`` (as ``ls -b`` does); the file is still read by its real name.
    """
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
