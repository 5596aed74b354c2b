"""JSON: the report model itself, the contract other tools build on (``schemas/report.schema.json``).

The shape is the same for one plan or many, so a consumer never branches on the
number of files; ``assess schema --report`` prints the schema it validates against.
"""

from __future__ import annotations

from assess.formats import RenderOptions
from assess.results.report import Report


def render(report: Report, options: RenderOptions) -> str:
    """``report.model_dump_json(indent=2)``, exactly."""
    return report.model_dump_json(indent=2)
