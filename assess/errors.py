"""Typed errors. Every error a user can cause carries where it happened.

A `Problem` is one located message; the exceptions carry one or more of them so
that the CLI can print each as ``file:line:col: /pointer: message`` and a library
caller can inspect them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Characters that would break a line in a terminal, a CI log or an editor's problem list.
_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def single_line(text: str) -> str:
    """`text` with line breaks escaped (a JSON key or value may hold one)."""
    return text.translate(_BREAKS)


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


class ConfigError(AssessError):
    """A configuration file or option is wrong."""


class RulePackError(AssessError):
    """A rule pack is broken: the message names the pack, the rule and the problem."""
