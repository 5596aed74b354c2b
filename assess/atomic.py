"""Atomic file writing: a report or baseline file is either the old one or the whole new one.

CI reads these files after the run (a SARIF upload, a JUnit dashboard, the next
run's baseline); a file cut short by a crash, a full disk or Ctrl-C would be
read as valid-but-wrong. So the text goes to a temporary file in the same
folder (same file system, so the rename is atomic), is flushed to disk, and
replaces the target in one ``os.replace``. On any error the temporary file is
removed and the target is untouched.

What the target is decides how it is written:

- a regular file, or nothing yet: through the temporary file, as above;
- a symbolic link: it is followed; the file it points to is replaced (the link
  stays a link, pointing where it did);
- anything else that is not a folder (``/dev/null``, ``/dev/stdout``, a FIFO, a
  terminal): written in place, never renamed over, so a device or pipe stays one.

A temporary file is named ``.NAME.PID.RANDOM.tmp``; one left behind by a process
that was killed (its PID is no longer running) is removed by the next write to
the same target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text file to write into; it replaces `path` only if the block ends without an exception.

    An `OSError` names `path` as the caller gave it, never the temporary file.
    """
    with _replacing(path, "w", encoding, None) as file:
        yield file


def write_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write `text` to `path` atomically (see the module docstring)."""
    with atomic_writer(path, encoding=encoding) as file:
        file.write(text)


def write_atomic_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int) -> None:
    """Write `data` to `path` atomically, the file's permissions `mode` whatever they were (e.g. 0o600: a
    cache entry only its owner may change, see `assess.codecache`)."""
    with _replacing(path, "wb", None, mode) as file:
        file.write(data)


@contextlib.contextmanager
def _replacing(
    path: str | os.PathLike[str], how: str, encoding: str | None, forced_mode: int | None
) -> Iterator[IO[Any]]:
    """`atomic_writer` for text (`how` "w") or bytes ("wb"); `forced_mode`, when given, is the file's mode
    (else a new file's is left to the umask and an existing file keeps its own)."""
    given = os.fspath(path)
    target = Path(os.path.realpath(given))
    if target.is_symlink():  # realpath stops at a link it cannot follow: a loop, not to be replaced by a file
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), given)
    info = _stat(target)
    newline = "\n" if encoding is not None else None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        with _named(given), open(target, how, encoding=encoding, newline=newline) as special:
            yield special
        return
    _remove_stale_temporaries(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # 0o666 lets the umask decide, as for any file the user creates; an existing file keeps its mode.
    mode = forced_mode if forced_mode is not None else None if info is None else info.st_mode & 0o7777
    with _named(given):
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(descriptor, how, encoding=encoding, newline=newline) as file:
            yield file
            with _named(given):
                file.flush()
                os.fsync(file.fileno())
        with _named(given):
            if mode is not None:
                os.chmod(temporary, mode)  # the umask may have narrowed it
            os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


@contextlib.contextmanager
def _named(given: str) -> Iterator[None]:
    """Re-raise an OSError with the caller's path as its file name (not a temporary's or a link's target)."""
    try:
        yield
    except OSError as error:
        if error.errno is None:
            raise
        raise OSError(error.errno, error.strerror or str(error), given) from None


def _stat(target: Path) -> os.stat_result | None:
    try:
        return target.stat()
    except OSError:
        return None


def _remove_stale_temporaries(target: Path) -> None:
    """Remove temporaries of `target` left by processes that no longer run (killed mid-write)."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.([0-9]+)\.[0-9a-f]{{8}}\.tmp$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match is None or _running(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(target.parent / name)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but not ours, or cannot tell: leave it
    return True


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
