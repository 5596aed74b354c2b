"""Typed errors. Every error a user can cause carries where it happened.

A `Problem` is one located message; the exceptions carry one or more of them so
that the CLI can print each as ``file:line:col: /pointer: message`` and a library
caller can inspect them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Control characters (C0 but tab, DEL, C1) and Unicode line breaks: in a terminal they move the
# cursor, set titles (OSC), make links (OSC 8) or start device strings (DCS, CSI as \x9b); in a
# CI log or an editor's problem list they break lines. Plan text shows them escaped, visibly.
_CONTROLS = {
    code: f"\\u{code:04x}" for code in [*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
}
_CONTROLS_BUT_NEWLINE = {code: escaped for code, escaped in _CONTROLS.items() if code != 0x0A}
# A GitHub Actions runner reads a log line that starts (after blanks) with "::" as a workflow command.
_WORKFLOW_COMMAND = re.compile(r"^([ \t]*)::", re.MULTILINE)


def single_line(text: str) -> str:
    """`text` on one line, every control character and line break escaped (``\\u001b``, ``\\u000a``)."""
    return text.translate(_CONTROLS)


def visible(text: str) -> str:
    """Multi-line `text` for a person: control characters escaped, line feeds kept."""
    return text.translate(_CONTROLS_BUT_NEWLINE)


def no_workflow_commands(text: str) -> str:
    """`text` with a backslash before any ``::`` that starts a line, so a CI log cannot run it as a command."""
    return _WORKFLOW_COMMAND.sub(r"\1\\::", text)


def for_log(text: str) -> str:
    """A message for standard error or a log: one line, controls escaped, no workflow command."""
    return no_workflow_commands(single_line(text))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, and where.

    ``line`` and ``column`` are 1-based (``None`` when the input has no text,
    e.g. a dict passed to the library). ``pointer`` is an RFC 6901 JSON pointer
    into the document ("" is the whole document). ``excerpt`` is the offending
    source line followed by a caret line, when there is one.
    """

    file: str
    line: int | None
    column: int | None
    pointer: str
    message: str
    excerpt: str | None = None

    @property
    def where(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def one_line(self) -> str:
        """The canonical ``file:line:col: /pointer: message`` form (``file: message`` when unlocated)."""
        if self.line is None and not self.pointer:
            return single_line(f"{self.file}: {self.message}")
        pointer = self.pointer or "/"
        return single_line(f"{self.where}: {pointer}: {self.message}")


class AssessError(Exception):
    """Base class of every error `assess` raises on purpose."""


class PlanError(AssessError):
    """A plan could not be assessed; ``problems`` says what and where."""

    kind = "plan"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.problems[0].one_line() if self.problems else self.kind)

    def __str__(self) -> str:
        return "\n".join(p.one_line() for p in self.problems)


class PlanReadError(PlanError):
    """The input could not be read (missing file, unreadable, not UTF-8)."""

    kind = "read"


class PlanSyntaxError(PlanError):
    """The input is not well-formed JSON or YAML (or has duplicate keys, NaN...)."""

    kind = "syntax"


class PlanLimitError(PlanError):
    """The input is over a safety limit (size, nesting depth, YAML aliases)."""

    kind = "limit"


class PlanSchemaError(PlanError):
    """The document does not follow the plan schema (or a reference dangles)."""

    kind = "schema"


class PlanCrashError(PlanError):
    """The process assessing the plan died (under --jobs): the plan is reported as not assessed."""

    kind = "crash"


class ConfigError(AssessError):
    """A configuration file or option is wrong."""


class RulePackError(AssessError):
    """A rule pack is broken: the message names the pack, the rule and the problem."""
