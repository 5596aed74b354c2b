"""Baselines: accept today's findings so that CI fails only on new ones.

A team adopting `assess` on existing plans cannot fix everything at once; a
baseline records the findings of today (``--write-baseline FILE``) and later
runs (``--baseline FILE``) report and gate only on findings not in it, as
Checkov's baseline does. A finding is identified by its plan file, rule id and
fingerprint; the fingerprint survives edits elsewhere in the plan, so the
baseline does not go stale when a line is added above a finding. The message is
stored for the humans reviewing the file, never compared.

Writing over an existing baseline updates it plan by plan, as Betterer updates its
results file: the entries of each plan this run assessed are replaced by its current
findings (so a fixed finding leaves the file), and the entries of every other plan
(one not named in this run, or one that could not be read or validated) are kept,
so a run on a subset of the plans, or with a broken plan, does not discard findings
already accepted. A plan is named as in reports: its path relative to the working
folder.

The file is JSON, sorted and without timestamps: the same findings give the
same bytes, so it diffs well in version control. A file that cannot be read is one
located line (``file:line:col: /pointer: message``), as a plan's syntax errors are.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assess.atomic import write_atomic
from assess.errors import AssessError, PlanError, Problem
from assess.reading import MAX_BASELINE_BYTES, MAX_DEPTH, TooLarge, read_limited
from assess.results.gate import regate
from assess.results.report import PlanReport, Report, Severity

BASELINE_VERSION = 1
_NEW = "write one with --write-baseline"
_UPDATING = (
    "left as it is: --write-baseline keeps its entries of plans not assessed; fix it, or delete it to start afresh"
)
_FIELDS = ("file", "rule_id", "fingerprint")


class BaselineError(AssessError):
    """A baseline file cannot be read or is not a baseline; ``problem`` says where, when it is known."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


Key = tuple[str, str, str]  # (file, rule id, fingerprint)


@dataclass(frozen=True)
class Baseline:
    """The accepted findings (`entries`), and the message each was recorded with (kept when rewriting)."""

    entries: frozenset[Key]
    messages: Mapping[Key, str] = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, key: object) -> bool:
        return key in self.entries


@dataclass(frozen=True)
class Filtered:
    """A report without its baselined findings, and how many were set aside per plan file."""

    report: Report
    baselined: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.baselined.values())


@dataclass(frozen=True)
class Written:
    """What `update_baseline` wrote: how many entries in all, and how many it kept of plans not assessed."""

    findings: int
    kept: int
    kept_plans: int

    def summary(self, path: str | os.PathLike[str], lang: str = "en") -> str:
        """One line for standard error: ``wrote FILE (16 findings; kept 11 from 1 plan not assessed in this run)``."""
        from assess.i18n import counted, label

        findings = counted("finding", self.findings, lang)
        if self.kept:
            plans = counted("plan", self.kept_plans, lang)
            findings = label("baseline_kept", lang).format(findings=findings, kept=self.kept, plans=plans)
        return label("baseline_wrote", lang).format(path=os.fspath(path), findings=findings)


def baseline_text(report: Report) -> str:
    """The baseline file for the report's current (unsuppressed) findings (nothing else kept)."""
    recorded: dict[Key, str] = {}
    for plan in report.plans:
        record(recorded, plan)
    return recorded_text(recorded)


def record(recorded: dict[Key, str], plan: PlanReport) -> None:
    """Add a plan's current findings to `recorded` (key -> message), as `baseline_text` does; plan by plan."""
    for finding in plan.findings:
        recorded[(plan.file, finding.rule_id, finding.fingerprint)] = finding.message


def recorded_text(recorded: Mapping[Key, str]) -> str:
    """The baseline file for the findings `record` collected."""
    entries = sorted(recorded.items())
    document = {
        "assess_baseline": BASELINE_VERSION,
        "findings": [
            {"file": file, "rule_id": rule_id, "fingerprint": fingerprint, "message": message}
            for (file, rule_id, fingerprint), message in entries
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def merge(
    previous: Baseline | None, recorded: Mapping[Key, str], assessed: Collection[str]
) -> tuple[dict[Key, str], Written]:
    """This run's findings (`recorded`) and the `previous` baseline's entries of every plan not in `assessed`.

    `assessed`: the plan files this run assessed; their previous entries are replaced by `recorded`.
    """
    merged = dict(recorded)
    kept_plans: set[str] = set()
    if previous is not None:
        for key in previous.entries:
            if key[0] not in assessed and key not in merged:
                merged[key] = previous.messages.get(key, "")
                kept_plans.add(key[0])
    kept = len(merged) - len(recorded)
    return merged, Written(len(merged), kept, len(kept_plans))


def update_baseline(
    path: str | os.PathLike[str], previous: Baseline | None, recorded: Mapping[Key, str], assessed: Collection[str]
) -> Written:
    """Write the baseline atomically: `recorded` plus `previous`'s entries of plans not `assessed` (see `merge`)."""
    merged, written = merge(previous, recorded, assessed)
    write_atomic(path, recorded_text(merged))
    return written


def write_baseline(path: str | Path, report: Report) -> int:
    """Write the report's findings as the baseline at `path`, atomically; returns how many findings the file records.

    A baseline already at `path` is updated: the entries of plans the report did not
    assess are kept (`merge`); `BaselineError` if it cannot be read (it is left as it is).
    """
    recorded: dict[Key, str] = {}
    for plan in report.plans:
        record(recorded, plan)
    assessed = {plan.file for plan in report.plans if plan.assessed}
    return update_baseline(path, read_previous(path), recorded, assessed).findings


def parse_baseline(text: str, name: str = "baseline", *, updating: bool = False) -> Baseline:
    """The baseline in `text` (from file `name`); `BaselineError` with a located problem if it is not one.

    `updating`: the file is about to be rewritten by --write-baseline (the message says it is left as it is).
    """
    try:
        return _parse(text, name, "" if updating else f" ({_NEW})")
    except BaselineError as error:
        if not updating:
            raise
        message = f"{error} ({_UPDATING})"
        raise BaselineError(message, error.problem) from None


def _parse(text: str, name: str, new: str) -> Baseline:
    """`parse_baseline`; `new` ends the messages that say the file is not a baseline (how to write one)."""
    try:
        document: Any = json.loads(text, object_pairs_hook=_without_duplicates)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deeply for the stdlib
        raise _syntax_error(text, name, error, new) from None
    if not isinstance(document, dict):
        kind = _kind(document)
        raise _shape_error(text, name, "", f"not an assess baseline: {kind}, not an object{new}")
    version = document.get("assess_baseline")
    if type(version) is not int or version != BASELINE_VERSION:  # not True or 1.0, which equal 1
        if "assess_baseline" not in document:
            raise _shape_error(text, name, "", f'not an assess baseline: no "assess_baseline" member{new}')
        shown = _shown(version)
        message = f"found {shown}: not an assess baseline of version {BASELINE_VERSION}, the one this assess reads{new}"
        raise _shape_error(text, name, "/assess_baseline", message)
    findings = document.get("findings")
    if not isinstance(findings, list):
        if "findings" not in document:
            raise _shape_error(text, name, "", "'findings' is missing: a baseline needs a 'findings' list")
        raise _shape_error(text, name, "/findings", f"'findings' must be a list, not {_kind(findings)}")
    entries: set[Key] = set()
    messages: dict[Key, str] = {}
    for index, entry in enumerate(findings):
        pointer = f"/findings/{index}"
        if not isinstance(entry, dict):
            message = f"an entry must be an object with 'file', 'rule_id' and 'fingerprint' strings, not {_kind(entry)}"
            raise _shape_error(text, name, pointer, message)
        for key in _FIELDS:
            if key not in entry:
                message = f"'{key}' is missing: an entry needs 'file', 'rule_id' and 'fingerprint' strings"
                raise _shape_error(text, name, pointer, message)
            if not isinstance(entry[key], str):
                raise _shape_error(text, name, f"{pointer}/{key}", f"'{key}' must be a string, not {_kind(entry[key])}")
        found: Key = (entry["file"], entry["rule_id"], entry["fingerprint"])
        entries.add(found)
        message_text = entry.get("message")
        messages[found] = message_text if isinstance(message_text, str) else ""
    return Baseline(frozenset(entries), messages)


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object of the baseline, refused (ValueError, then located by the strict parser) if a key repeats:
    the stdlib keeps the last value silently, so an edited entry could name another finding than it shows."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("duplicate key")
    return found


def _kind(value: Any) -> str:
    """What a JSON value is, as a message names it: 'an array', 'a number'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _located(name: str, text: str, offset: int, pointer: str, message: str) -> BaselineError:
    from assess.plan.sourcemap import SourceMap

    line, column = SourceMap(text, {}).line_column(offset)
    problem = Problem(name, line, column, pointer, message)
    return BaselineError(problem.one_line(), problem)


def _syntax_error(text: str, name: str, error: Exception, new: str) -> BaselineError:
    """Where and why `text` is not JSON, found again by the plans' strict parser (it knows the pointer)."""
    from assess.errors import PlanLimitError
    from assess.plan._jsonparse import parse_json
    from assess.plan.sourcemap import SourceError

    if not text.strip(" \t\r\n"):
        return _located(name, text, 0, "", f"the file is empty: not an assess baseline{new}")
    try:
        parse_json(text, MAX_DEPTH)
    except SourceError as located:
        message = located.message
        if located.error is PlanLimitError:
            message = f"nested more than {MAX_DEPTH} levels deep: not an assess baseline"
        return _located(name, text, located.offset, located.pointer or "", message)
    # The strict parser took what the stdlib refused (not expected): the stdlib's own position.
    if isinstance(error, json.JSONDecodeError):
        problem = Problem(name, error.lineno, error.colno, "", f"not valid JSON: {error.msg}")
        return BaselineError(problem.one_line(), problem)
    return BaselineError(f"{name}: not valid JSON: {error}")


def _shape_error(text: str, name: str, pointer: str, message: str) -> BaselineError:
    """A value of the wrong shape at `pointer`, located in the (valid JSON) text."""
    from assess.plan._jsonparse import LazyPositions
    from assess.plan.sourcemap import SourceMap

    where = SourceMap(text, LazyPositions(text)).locate(pointer)
    line, column = where if where is not None else (None, None)
    problem = Problem(name, line, column, pointer, message)
    return BaselineError(problem.one_line(), problem)


def _read_text(path: str | os.PathLike[str]) -> str:
    """The file's text (UTF-8, byte order mark dropped); `FileNotFoundError` passes through."""
    from assess.plan.load import decode_text

    try:
        raw = read_limited(path, MAX_BASELINE_BYTES)
    except TooLarge as error:
        raise BaselineError(f"{os.fspath(path)}: cannot read the baseline: {error}") from None
    except FileNotFoundError:
        raise
    except OSError as error:
        reason = error.strerror or str(error)
        raise BaselineError(f"{os.fspath(path)}: cannot read the baseline: {reason}") from None
    try:
        return decode_text(raw, os.fspath(path))
    except PlanError as error:  # not UTF-8: located at the first bad byte
        problem = error.problems[0]
        raise BaselineError(problem.one_line(), problem) from None


def read_baseline(path: str | os.PathLike[str]) -> Baseline:
    """The baseline file at `path` (--baseline); `BaselineError` if it is missing, unreadable or not a baseline."""
    try:
        text = _read_text(path)
    except FileNotFoundError:
        raise BaselineError(f"{os.fspath(path)}: no such baseline file ({_NEW})") from None
    return parse_baseline(text, os.fspath(path))


def read_previous(path: str | os.PathLike[str]) -> Baseline | None:
    """The baseline that --write-baseline is about to update, or None when there is none to keep.

    None when nothing is at `path`, or it is not a regular file (``/dev/null``, a pipe: nothing to
    keep, and reading a terminal would wait for input). A regular file that cannot be read, or is
    not a baseline, is a `BaselineError`: writing over it would discard the findings it accepts.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BaselineError(
            f"{os.fspath(path)}: cannot read the baseline: {error.strerror or error} ({_UPDATING})"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        text = _read_text(path)
    except FileNotFoundError:  # removed since
        return None
    except BaselineError as error:
        raise BaselineError(f"{error} ({_UPDATING})", error.problem) from None
    return parse_baseline(text, os.fspath(path), updating=True)


def filter_plan(plan: PlanReport, baseline: Container[Key]) -> tuple[PlanReport, int]:
    """The plan without its baselined findings (scores unchanged), and how many it lost."""
    kept = [f for f in plan.findings if (plan.file, f.rule_id, f.fingerprint) not in baseline]
    if len(kept) == len(plan.findings):
        return plan, 0
    return plan.model_copy(update={"findings": kept}), len(plan.findings) - len(kept)


def apply_baseline(report: Report, baseline: Baseline) -> Filtered:
    """The report with baselined findings removed (scores unchanged), the summary recounted and the gate's
    verdict judged again under the report's own gate (a baselined finding does not fail it)."""
    plans: list[PlanReport] = []
    baselined: dict[str, int] = {}
    for plan in report.plans:
        plan, removed = filter_plan(plan, baseline)
        if removed:
            baselined[plan.file] = baselined.get(plan.file, 0) + removed
        plans.append(plan)
    counts = {severity: 0 for severity in Severity}
    for plan in plans:
        for finding in plan.findings:
            counts[finding.severity] += 1
    summary = report.summary.model_copy(update={"findings": counts})
    return Filtered(regate(report.model_copy(update={"plans": plans, "summary": summary})), baselined)
