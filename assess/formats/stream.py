"""Streaming: a report written plan by plan, the same bytes as the format's `render`, in constant memory.

A batch of 20,000 plans must not hold 20,000 plan reports (about 100 KB each) to write
one JSON or SARIF file. A format that can be streamed has a ``Writer(head, options, out)``
class beside its ``render``: the CLI gives it each plan report as soon as it is done
(`PlanWriter.add`), in the batch's order, and the totals and the gate's verdict at the end
(`PlanWriter.finish`: the verdict on the whole batch is known only then);
it writes into ``out`` exactly the text ``render`` would return for the whole report.

The writers do not lay out JSON themselves: they dump a *skeleton* of the document, the
whole structure with its long lists empty, and splice the lists' items in where the
skeleton has ``"key": []`` at a known indentation (`splice`). Each item is dumped on its
own and indented to its depth, which is what ``json.dumps(indent=2)`` and pydantic's
``model_dump_json(indent=2)`` do to items in place: a JSON string holds no raw line break,
so indenting every line of an item is exact. Items that must come before something only
known at the end (SARIF's invocation precedes its results) wait in a `ListSpool`, an
unnamed temporary file, never in memory.
"""

from __future__ import annotations

import importlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from assess.formats import FORMATS

if TYPE_CHECKING:
    from assess.formats import RenderOptions
    from assess.results.report import Gate, PlanReport, Report, Summary

COPY_CHUNK = 1024 * 1024


class PlanWriter(Protocol):
    """Writes one format's output plan by plan (see the module docstring)."""

    def add(self, plan: PlanReport) -> None:
        """The next plan of the report (in the report's order)."""

    def finish(self, summary: Summary, gate: Gate | None) -> None:
        """The totals and the gate's verdict (`Report.gate`); writes the rest of the output. Call once, after every
        plan."""


class WriterClass(Protocol):
    def __call__(self, head: Report, options: RenderOptions, out: IO[str]) -> PlanWriter: ...


def writer_class(name: str) -> WriterClass | None:
    """The format's streaming `Writer`, or None when it renders only whole reports."""
    module = importlib.import_module(FORMATS[name])
    found: WriterClass | None = getattr(module, "Writer", None)
    return found


def indent(text: str, pad: str) -> str:
    """Every line of `text` indented by `pad`."""
    return pad + text.replace("\n", "\n" + pad)


def list_token(key: str, depth: int) -> str:
    """How ``"key": []`` appears in a document dumped with indent=2, the key at `depth` spaces."""
    return "\n" + " " * depth + json.dumps(key) + ": []"


class ListSpool:
    """The items of one JSON list, dumped and indented for their depth, kept in an unnamed temporary file."""

    def __init__(self, depth: int) -> None:
        self.pad = " " * (depth + 2)  # items sit one level below their key
        self.count = 0
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115

    def add(self, item: Any) -> None:
        self.add_text(json.dumps(item, indent=2, ensure_ascii=False))

    def add_text(self, text: str) -> None:
        """An item already dumped with indent=2."""
        self._file.write(("," if self.count else "") + "\n" + indent(text, self.pad))
        self.count += 1

    def copy_to(self, out: IO[str]) -> None:
        self._file.flush()
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, COPY_CHUNK)

    def close(self) -> None:
        self._file.close()


def splice(out: IO[str], skeleton: str, lists: Sequence[tuple[str, int, ListSpool]]) -> None:
    """Write `skeleton` with each (key, depth, spool)'s items in place of its ``"key": []``, in document order.

    A spool with no items leaves its ``[]`` as it is. Each token must occur once, at its
    depth (a string cannot hold the line break that starts it): anything else is a bug.
    """
    position = 0
    for key, depth, spool in lists:
        token = list_token(key, depth)
        found = skeleton.find(token, position)
        if found < 0 or skeleton.find(token, found + 1) >= 0:
            raise AssertionError(f"streaming: {key!r} is not once at depth {depth} of the skeleton")
        end = found + len(token) - 1  # just before the closing bracket
        out.write(skeleton[position:end])
        position = end
        if spool.count:
            spool.copy_to(out)
            out.write("\n" + " " * depth)
    out.write(skeleton[position:])
