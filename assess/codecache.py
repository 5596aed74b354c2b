"""Generated Python compiled once per source text, not once per process: code objects cached on disk.

Why: the built-in engine writes its run as one function per catalog (~120 KB of source, see
`assess.engines.builtin`); compiling it took ~50 of the ~70 ms of building the engine, paid by every
command-line process. An entry holds the `marshal` form of the code object compiled from exactly one
source text, as Python's own ``__pycache__`` holds a module's; loading it takes well under a millisecond.
Only the code is cached: the values it refers to (the rules' constants, the engine's helpers) are made
afresh by each process, as they are without the cache.

The folder is the user's own (`assess.cachedir`: ``ASSESS_CACHE_DIR``, empty to turn it off, else
``~/.cache/assess/code-1``). An entry is used only when every check holds, else the source is compiled
and the entry written again (atomically; a folder that cannot be written is simply not used):

- it is a regular file owned by this user and writable by no one else (entries are written 0o600), so
  no other account can give this process code to run;
- its first line names this entry format, this interpreter's bytecode (`importlib.util.MAGIC_NUMBER`),
  the key it was written for (the SHA-256 of the format, the bytecode magic, the optimisation level,
  the file name and the source text, which is also the entry's name) and the SHA-256 of the rest;
- the rest hashes to that SHA-256 (a truncated or damaged entry is never given to `marshal`), and
  `marshal` gives back a code object of that file name.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import stat
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import NamedTuple

from assess.atomic import write_atomic_bytes
from assess.cachedir import cache_dir

CODE_CACHE_FORMAT = 1  # the layout of an entry (see `_entry_code`); names the folder
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a larger entry is neither read nor written (compiled each time)
_HEADER = "assess_code_cache"


class Compiled(NamedTuple):
    code: CodeType
    cached: bool  # read from a verified entry (not compiled by this process)


def compiled(source: str, filename: str) -> Compiled:
    """The code of `source` (a module's text, run with `exec`), from the cache when a verified entry holds it.

    Equal to ``compile(source, filename, "exec")`` without the caller's ``from __future__`` flags.
    """
    key = _key(source, filename)
    folder = cache_dir(f"code-{CODE_CACHE_FORMAT}")
    entry = folder / f"code-{key}.marshal" if folder is not None else None
    if entry is not None:
        code = _read(entry, key, filename)
        if code is not None:
            return Compiled(code, True)
    code = compile(source, filename, "exec", dont_inherit=True)
    if entry is not None:
        _write(entry, key, code)
    return Compiled(code, False)


def _key(source: str, filename: str) -> str:
    """What the code depends on: the source and file name, the interpreter's bytecode and -O level."""
    digest = hashlib.sha256(f"{_HEADER} {CODE_CACHE_FORMAT} {sys.flags.optimize}\0".encode())
    digest.update(MAGIC_NUMBER + b"\0" + filename.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read(entry: Path, key: str, filename: str) -> CodeType | None:
    """The code of a verified entry, or None (absent, unreadable, not the user's own, or not verified)."""
    try:
        # Not blocking: a FIFO in its place is seen (and refused) by fstat, not waited on.
        descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as file:
            if not _own(os.fstat(file.fileno())):
                return None
            data = file.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_ENTRY_BYTES:
        return None
    return _entry_code(data, key, filename)


def _own(info: os.stat_result) -> bool:
    """A regular file of this user that no one else can write (where the system has owners)."""
    if not stat.S_ISREG(info.st_mode):
        return False
    if not hasattr(os, "geteuid"):
        return True  # Windows: the user's own profile folder
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _entry_code(data: bytes, key: str, filename: str) -> CodeType | None:
    """The code an entry's bytes hold when every check of the module docstring holds, else None."""
    header_line, newline, payload = data.partition(b"\n")
    if not newline:
        return None
    try:
        header = json.loads(header_line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(header, dict) or header.get(_HEADER) != CODE_CACHE_FORMAT:
        return None
    if header.get("python") != MAGIC_NUMBER.hex() or header.get("key") != key:
        return None
    if header.get("sha256") != hashlib.sha256(payload).hexdigest():
        return None
    try:
        code = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if type(code) is not CodeType or code.co_filename != filename:
        return None
    return code


def _entry_bytes(key: str, code: CodeType) -> bytes:
    payload = marshal.dumps(code)
    header = {
        _HEADER: CODE_CACHE_FORMAT,
        "python": MAGIC_NUMBER.hex(),
        "key": key,
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    return json.dumps(header).encode() + b"\n" + payload


def _write(entry: Path, key: str, code: CodeType) -> None:
    """Record `code` (a cache that cannot be written is not used)."""
    data = _entry_bytes(key, code)
    if len(data) > MAX_ENTRY_BYTES:
        return
    with contextlib.suppress(OSError):
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.stat(entry).st_mode):
                return  # a FIFO or device stands there: `write_atomic_bytes` would write into it, not replace it
        write_atomic_bytes(entry, data, mode=0o600)
