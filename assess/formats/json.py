"""JSON: the report model itself, the contract other tools build on (``schemas/report.schema.json``).

The shape is the same for one plan or many, so a consumer never branches on the
number of files; ``assess schema --report`` prints the schema it validates against.
`Writer` writes the same bytes plan by plan, for batches (`assess.formats.stream`).
"""

from __future__ import annotations

from typing import IO

from assess.formats import RenderOptions
from assess.formats.stream import indent, list_token
from assess.results.report import Gate, PlanReport, Report, Summary

PLANS_DEPTH = 2  # "plans" is a key of the top-level object
_ITEM_PAD = " " * (PLANS_DEPTH + 2)


def render(report: Report, options: RenderOptions) -> str:
    """``report.model_dump_json(indent=2)``, exactly."""
    return report.model_dump_json(indent=2)


def _around_plans(report: Report) -> tuple[str, str]:
    """The report's JSON (with no plans) cut inside ``"plans": []``: up to ``[``, and from ``]``."""
    text = report.model_dump_json(indent=2)
    token = list_token("plans", PLANS_DEPTH)
    found = text.find(token)
    if found < 0 or text.find(token, found + 1) >= 0:
        raise AssertionError("streaming: 'plans' is not once at the top of the report")
    end = found + len(token) - 1
    return text[:end], text[end:]


class Writer:
    """`render`'s bytes, written plan by plan: the report's start at once, each plan as it comes, then the totals
    and the gate's verdict, which come after the plans in the report."""

    def __init__(self, head: Report, options: RenderOptions, out: IO[str]) -> None:
        self._head = head.model_copy(update={"plans": []})
        self._out = out
        self._count = 0
        self._start, _ = _around_plans(self._head)
        out.write(self._start)

    def add(self, plan: PlanReport) -> None:
        self._out.write(("," if self._count else "") + "\n" + indent(plan.model_dump_json(indent=2), _ITEM_PAD))
        self._count += 1

    def finish(self, summary: Summary, gate: Gate | None) -> None:
        start, end = _around_plans(self._head.model_copy(update={"summary": summary, "gate": gate}))
        if start != self._start:  # only the summary and the gate, after the plans, may change
            raise AssertionError("streaming: the report's start changed with its summary or gate")
        self._out.write(("\n" + " " * PLANS_DEPTH if self._count else "") + end)
