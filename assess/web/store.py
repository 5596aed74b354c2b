"""The plan files of the opened folder: find them safely, read them, write them back.

The folder is the whole storage: no database, no copies beside the plans. A plan is
named by its path relative to the folder; `Store.path` refuses any name that resolves
outside the folder (``..``, an absolute path, a symlink pointing out) and anything that
is not a plan file.

Writes are atomic (`assess.atomic`) and refuse to land on a file that changed since the
page was shown: each form carries the SHA-256 of the bytes it was built from, and a save
whose file no longer has those bytes is a `Conflict` (another tab, an editor, git...).
A YAML plan is rewritten with ruamel.yaml's round trip, so its comments and key order
stay; in a JSON plan only the changed values' text changes (`assess.web.jsonlayout`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.atomic import write_atomic
from assess.plan.discover import PLAN_SUFFIXES, _plan_files
from assess.plan.load import Document, parse_bytes
from assess.web.items import ids
from assess.web.jsonlayout import rewrite

MAX_PLAN_BYTES = 2 * 1024 * 1024
"""The largest plan the workbench opens (the command line reads up to `assess.reading.DEFAULT_MAX_PLAN_BYTES`);
a bigger one is listed as too large, with what to do, never dropped from the list."""
HISTORY = 20
"""Earlier versions of each plan kept in memory (for `assess diff` against the last save)."""
NEW_SUFFIXES = ("yaml", "yml", "json")
MAX_NEW_STEM = 81
"""A new plan's name before its extension: at most this many characters."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OutsideFolder(ValueError):
    """A name that does not lead to a plan file inside the opened folder."""


class TooLarge(Exception):
    """A plan file over `MAX_PLAN_BYTES`: listed with its size, never opened in the workbench."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(f"{name} is {size} bytes, over the workbench's {MAX_PLAN_BYTES} bytes")
        self.name = name
        self.size = size


class Conflict(RuntimeError):
    """The file changed on disk since the form was shown."""


@dataclass(frozen=True)
class Opened:
    """A plan file as read: its raw bytes, their hash and the parsed document."""

    name: str
    path: Path
    raw: bytes
    sha256: str
    document: Document


class Store:
    """The plan files under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(str(root))
        self._lock = threading.Lock()
        self.history: dict[str, list[bytes]] = {}  # name -> earlier versions saved over, oldest first
        self.first: dict[str, bytes] = {}  # name -> bytes when first opened in this session

    # -------------------------------------------------------------- names and paths

    def path(self, name: str, *, must_exist: bool = True) -> Path:
        """The file for a relative `name`, guaranteed inside the folder; `OutsideFolder` otherwise.

        A name is found in either Unicode form (`normal`): "été.yaml" typed with the accent composed finds a
        file whose name holds e and a combining accent (as macOS writes names), and the other way round, when
        that file is the only one of the folder with that name once normalised. The name found on disk is held
        to the same rules as the name asked for.
        """
        _check(name)
        candidate = self._find(name.split("/"))
        _check(candidate.relative_to(self.root).as_posix())
        resolved = candidate.resolve(strict=False)
        if not resolved.is_relative_to(self.root) or resolved != candidate:
            # `resolved != candidate`: some part of the way is a symlink; even one pointing inside is
            # refused, so what the page names is what is written.
            raise OutsideFolder(name)
        if must_exist and not resolved.is_file():
            raise OutsideFolder(name)
        return resolved

    def _find(self, parts: list[str]) -> Path:
        """The path of `parts` as the folder spells it: each part as written when it is there, else the one
        entry equal to it once normalised (none or several: as written, a path that is not there)."""
        exact = self.root.joinpath(*parts)
        if os.path.lexists(exact):
            return exact
        path = self.root
        for part in parts:
            if not os.path.lexists(path / part) and path.is_dir() and not path.is_symlink():
                try:
                    same = [entry for entry in os.listdir(path) if normal(entry) == normal(part)]
                except OSError:
                    same = []
                part = same[0] if len(same) == 1 else part
            path = path / part
        return path

    def name_of(self, path: Path) -> str:
        """The name the workbench gives a plan file (in its pages, addresses, history): its path from the folder,
        normalised (`normal`), unless another file has that normalised name (then as the folder spells it)."""
        spelled = path.resolve().relative_to(self.root).as_posix()
        try:
            return normal(spelled) if self.path(normal(spelled), must_exist=False) == path.resolve() else spelled
        except OutsideFolder:
            return spelled

    def plans(self) -> list[str]:
        """The plan files of the folder (as `assess` finds them), by relative name (`name_of`)."""
        names = []
        for path in _plan_files(self.root):
            try:
                names.append(self.name_of(self.path(path.relative_to(self.root).as_posix())))
            except (OutsideFolder, ValueError):
                continue
        return names

    # -------------------------------------------------------------- reading

    def open(self, name: str) -> Opened:
        """The plan `name` read and parsed: `OutsideFolder` when there is no such plan, `TooLarge` over
        `MAX_PLAN_BYTES`, `PlanError` when its bytes are not a JSON or YAML document."""
        path = self.path(name)
        name = self.name_of(path)
        raw = _read(path, name)
        document = parse_bytes(raw, name)
        self.first.setdefault(name, raw)
        return Opened(name, path, raw, hashlib.sha256(raw).hexdigest(), document)

    # -------------------------------------------------------------- writing

    def create(self, name: str, text: str) -> Path:
        """Write a new plan named `normal(name)`; refuses an existing file (or anything else at that name, in
        either Unicode form)."""
        name = normal(name)
        if not is_new_name(name):
            raise OutsideFolder(name)
        path = self.path(name, must_exist=False)
        with self._lock:
            if os.path.lexists(path):
                raise FileExistsError(name)
            write_atomic(path, text)
        return path

    def save(self, name: str, expected_sha256: str, sections: Mapping[str, Any]) -> Opened:
        """Replace the top-level `sections` of plan `name` (a value of None removes the section).

        Raises `Conflict` when the file's bytes are no longer those the form was built from.
        """
        with self._lock:
            current = self.open(name)
            if current.sha256 != expected_sha256:
                raise Conflict(name)
            text = current.raw.decode("utf-8")
            bom = "\ufeff" if text.startswith("\ufeff") else ""  # kept, and out of the parsers' way (json refuses it)
            update = _yaml_update if current.document.format == "yaml" else _json_update
            text = bom + update(text.removeprefix(bom), sections)
            if text.encode("utf-8") != current.raw:
                # Still the same file? (a rename onto it between the read and now would be lost)
                if _read(current.path, current.name) != current.raw or current.path.is_symlink():
                    raise Conflict(name)
                write_atomic(current.path, text)
                versions = self.history.setdefault(current.name, [])
                versions.append(current.raw)
                del versions[:-HISTORY]
            return self.open(name)


def normal(name: str) -> str:
    """A file name as the workbench shows it and looks it up: Unicode NFC, "é" one character, whether it was typed
    or stored as e and a combining accent (macOS, some keyboards) or composed. NFC never makes a '/', '\\' or '.'
    of other characters, so a normalised name cannot leave the folder where the name as written could not."""
    return unicodedata.normalize("NFC", name)


def _check(name: str) -> None:
    """`OutsideFolder` unless `name` is a relative path of plain parts (no '..', nothing hidden) to a plan file."""
    if not name or "\x00" in name or name.startswith(("/", "\\")) or "\\" in name:
        raise OutsideFolder(name)
    if any(part in ("", ".", "..") or part.startswith(".") for part in name.split("/")):
        raise OutsideFolder(name)
    if Path(name).suffix.lower() not in PLAN_SUFFIXES:
        raise OutsideFolder(name)


def is_new_name(name: str) -> bool:
    """Whether `name` is a plain name for a new plan: a letter or digit of any script first ("Été 2025.yaml",
    "東京.yaml"; so no leading dot), then letters, digits, spaces, '.', '_' or '-' (no path separator, no
    control or format character), ending in .yaml, .yml or .json; letters and digits as `str.isalnum` says."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix not in NEW_SUFFIXES or not 1 <= len(stem) <= MAX_NEW_STEM:
        return False
    return stem[0].isalnum() and all(char.isalnum() or char in " _.-" for char in stem)


def _read(path: Path, name: str) -> bytes:
    with open(path, "rb") as file:
        raw = file.read(MAX_PLAN_BYTES + 1)
        if len(raw) > MAX_PLAN_BYTES:
            raise TooLarge(name, max(os.fstat(file.fileno()).st_size, len(raw)))
    return raw


# ------------------------------------------------------------------ JSON


def _json_update(text: str, sections: Mapping[str, Any]) -> str:
    """The JSON text with `sections` replaced, in its own layout (`jsonlayout.rewrite`): as it was, byte for byte,
    when no value changed; else only the changed values' text differs, and what is new is written in the file's
    indent (spaces or a tab, or one line), spacing and escaping."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a plan is a JSON object")
    for key, value in sections.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = merge(data.get(key), value)
    return rewrite(text, data)


def merge(old: Any, new: Any) -> Any:
    """`new`, reusing `old`'s containers so that key order (and, in YAML, comments) survive.

    Keys of `old` keep their place, keys only in `new` come after them; a list keeps its items'
    containers by id (`pair_items`: an item removed takes its own container, and its comments,
    with it), else by index. An unchanged scalar keeps its old object (a YAML date stays a date).
    In YAML, the comment after a container's last value (often the next section's heading)
    stays at the container's end when values are added or removed there, and a changed text keeps
    its quotes or block style.
    """
    if isinstance(new, Mapping):
        if not isinstance(old, dict):
            return {key: merge(None, value) for key, value in new.items()}
        ending = _take_trailing(old)
        for key in [key for key in old if key not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = merge(old.get(key), value)
        _put_trailing(old, ending)
        return old
    if isinstance(new, list):
        if not isinstance(old, list):
            return [merge(None, value) for value in new]
        ending = _take_trailing(old)
        new_ids = ids(new)
        if new_ids is not None and ids(old) is not None:
            for index in reversed(range(len(old))):
                if old[index]["id"] not in new_ids:
                    del old[index]  # a removed item: the others keep their containers and comments
        del old[len(new) :]
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = merge(old[index], value)
            else:
                old.append(merge(None, value))
        _put_trailing(old, ending)
        return old
    if _same(old, new):
        return old
    return _styled_as(old, new)


def _styled_as(old: Any, new: Any) -> Any:
    """A changed text in the style YAML wrote the old one in: quoted ('...' or "..."), or a | or > block."""
    if not isinstance(new, str | dt.date) or not isinstance(old, str) or type(old) is str:
        return new
    from ruamel.yaml.scalarstring import ScalarString

    if not isinstance(old, ScalarString):
        return new
    return type(old)(new.isoformat() if isinstance(new, dt.date) else new)


def _trailing_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where a YAML block container keeps the comment after its last value: (container, key, position)."""
    if not hasattr(node, "ca") or not node or node.fa.flow_style():
        return None
    last, position = (list(node)[-1], 2) if isinstance(node, dict) else (len(node) - 1, 0)
    entry = node.ca.items.get(last)
    if entry and len(entry) > position and entry[position] is not None:
        return node, last, position
    return _trailing_slot(node[last])


def _take_trailing(node: Any) -> Any:
    slot = _trailing_slot(node)
    if slot is None:
        return None
    container, key, position = slot
    token = container.ca.items[key][position]
    container.ca.items[key][position] = None
    return token


def _put_trailing(node: Any, token: Any) -> None:
    """Put back the comment `_take_trailing` took, after the container's (new) last value."""
    if token is None or not node:
        return
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    last = list(node)[-1] if isinstance(node, dict) else len(node) - 1
    value = node[last]
    if isinstance(value, dict | list) and value and not (hasattr(value, "fa") and value.fa.flow_style()):
        if not hasattr(value, "ca"):  # a new item, not yet YAML's own container
            value = node[last] = CommentedMap(value) if isinstance(value, dict) else CommentedSeq(value)
        _put_trailing(value, token)
        return
    if not hasattr(node, "ca"):
        return
    size, position = (4, 2) if isinstance(node, dict) else (2, 0)
    entry = node.ca.items.setdefault(last, [None] * size)
    entry[position] = token


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, dt.date) and isinstance(new, str):
        return old.isoformat() == new
    if isinstance(old, str) and isinstance(new, dt.date):
        return old == new.isoformat()  # a quoted date ('2025-01-31') stays quoted
    if isinstance(old, str) and isinstance(new, str):
        return old == new  # a quoted string, or an impossible date kept as written (`NotADate`), stays as it was
    return (type(old) is type(new) and old == new) or (
        isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool) and old == new
    )


# ------------------------------------------------------------------ YAML (round trip)


class NotADate(str):
    """A plain YAML scalar shaped like a date that is no day of the calendar (``2025-02-30``), kept as written.

    ruamel.yaml's round trip would fail on it (``day is out of range for month``) and the plan
    could then never be saved, so never fixed, in the workbench; the assessor reports the date.
    """


@functools.cache
def _yaml_classes() -> tuple[type, type]:
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.representer import RoundTripRepresenter

    timestamp = "tag:yaml.org,2002:timestamp"

    class Constructor(RoundTripConstructor):
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except (ValueError, OverflowError):
                return NotADate(node.value)

    class Representer(RoundTripRepresenter):
        def represent_not_a_date(self, data: NotADate) -> Any:
            return self.represent_scalar(timestamp, str(data))  # plain, as it was written

    Constructor.add_constructor(timestamp, Constructor.construct_yaml_timestamp)
    Representer.add_representer(NotADate, Representer.represent_not_a_date)
    return Constructor, Representer


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.Constructor, yaml.Representer = _yaml_classes()
    yaml.preserve_quotes = True
    yaml.width = 4096  # do not fold long texts
    return yaml


def _yaml_update(text: str, sections: Mapping[str, Any]) -> str:
    """The YAML text with `sections` replaced, by ruamel.yaml's round trip in the file's own indentation
    (`_indentation`): as it was, byte for byte, when no value changed."""
    yaml = _yaml()
    data = yaml.load(text)
    if not isinstance(data, dict):
        raise ValueError("a plan is a YAML mapping")
    yaml.indent(**_indentation(data))
    before = _dump(yaml, data)
    for key, value in sections.items():
        if value is None:
            if key in data:
                del data[key]
        else:
            data[key] = merge(data.get(key), _dates(value))
    after = _dump(yaml, data)
    return text if after == before else after


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _indentation(data: Any) -> dict[str, int]:
    """The file's indentation as ruamel.yaml's `indent` takes it, each the most frequent in the file (the first
    seen on a tie): `mapping`, a nested mapping's keys from its parent's key; `sequence` and `offset`, a list
    item's value and its dash from the key the list is under (``key:\\n- item`` is 2 and 0, ``key:\\n  - item``
    4 and 2). Without a nested mapping or list, what the starter writes: 2, and 4 and 2."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    mappings: list[int] = []
    lists: list[tuple[int, int]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, CommentedSeq):
            stack.extend(reversed(node))
        if not isinstance(node, CommentedMap):
            continue
        stack.extend(reversed(list(node.values())))
        for key, value in node.items():
            line, column = node.lc.key(key)
            if not isinstance(value, CommentedMap | CommentedSeq) or not value or value.fa.flow_style():
                continue  # a flow or empty value says nothing of the indentation
            if value.lc.line == line:
                continue  # nor one on its key's line
            if isinstance(value, CommentedMap):
                mappings.append(value.lc.col - column)
            else:
                lists.append((value.lc.item(0)[1] - column, value.lc.col - column))
    mapping = Counter(mappings).most_common(1)[0][0] if mappings else 2
    sequence, offset = Counter(lists).most_common(1)[0][0] if lists else (4, 2)
    return {"mapping": mapping, "sequence": sequence, "offset": offset}


def _dates(value: Any) -> Any:
    """ISO date strings as dates, so YAML writes them plain (2025-01-31) and not quoted."""
    if isinstance(value, Mapping):
        return {key: _dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates(item) for item in value]
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
