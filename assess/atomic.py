"""Atomic file writing: a report or baseline file is either the old one or the whole new one.

CI reads these files after the run (a SARIF upload, a JUnit dashboard, the next
run's baseline); a file cut short by a crash, a full disk or Ctrl-C would be
read as valid-but-wrong. So the text goes to a temporary file in the same
folder (same file system, so the rename is atomic), is flushed to disk, and
replaces the target in one ``os.replace``. On any error the temporary file is
removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text file to write into; it replaces `path` only if the block ends without an exception."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    # 0o666 lets the umask decide, as for any file the user creates; an existing file keeps its mode.
    mode = _existing_mode(target)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(descriptor, "w", encoding=encoding, newline="\n") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)  # the umask may have narrowed it
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def write_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write `text` to `path` atomically (see the module docstring)."""
    with atomic_writer(path, encoding=encoding) as file:
        file.write(text)


def _existing_mode(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
