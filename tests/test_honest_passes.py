"""No wrong passes: each rule's outcome on small plans labelled by hand before the tool ran on them.

The labels (`honest_passes.yaml`, beside this file) say why: a pass is a claim a consultant repeats
to a client, so it must not come from an "every X" over no X, from a value the starter pre-fills
when the substance it qualifies is missing, or from a title that claims more than its condition.
Each plan is the untouched starter (`assess init`, English and French, YAML and JSON), a patch
of the rule pack's base plan, as in the rule examples, or a whole plan file (`qa_plans/`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from assess.api import assess_plan
from assess.plan.model import Language
from assess.plan.starter import starter_text
from assess.resources import RULES_DIR
from assess.rules.rulepack import Example, load_pack
from assess.rules.ruletest import patched

LABELS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "honest_passes.yaml").read_text("utf-8"))[
    "plans"
]
BASE: dict[str, Any] = load_pack(RULES_DIR).example_base or {}
TODAY = dt.date(2025, 3, 1)


def _outcomes(label: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    if "file" in label:  # a whole plan written for a QA pass, beside this file (qa_plans/README.md)
        report = assess_plan(Path(__file__).parent / label["file"])
    elif "starter" in label:
        fmt = label["starter"]["format"]
        path = tmp_path / f"plan.{fmt}"
        path.write_text(starter_text(fmt, Language(label["starter"]["lang"]), today=TODAY), encoding="utf-8")
        report = assess_plan(path)
    else:
        example = Example(note=label["name"], patch=label.get("patch", {}), set=label.get("set", {}))
        report = assess_plan(patched(BASE, example), name=label["name"])
    return {result.rule_id: result for result in report.plans[0].rules}


@pytest.mark.parametrize("label", LABELS, ids=[label["name"] for label in LABELS])
def test_each_labelled_rule_concludes_as_the_article_says(label: dict[str, Any], tmp_path: Path) -> None:
    results = _outcomes(label, tmp_path)
    wrong = []
    for rule_id, expected in label["expect"].items():
        result = results[rule_id]
        got = {"status": result.status.value}
        want = {"status": expected["status"]}
        if "blocked_by" in expected:
            got["blocked_by"], want["blocked_by"] = result.blocked_by, expected["blocked_by"]
        if "findings" in expected:
            got["findings"], want["findings"] = result.findings, expected["findings"]
        if got != want:
            wrong.append(f"{rule_id}: {got} != {want} ({expected['why']})")
    assert not wrong, "\n".join(wrong)
