"""Generate the JSON Schemas from the pydantic models (the single source of truth).

The committed files under ``schemas/`` are what `assess` validates with at run
time (loading JSON is faster than generating it); ``tests/test_schema.py``
checks they are current. Regenerate with ``python -m assess.plan.schema``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import BaseModel

from assess.resources import PLAN_SCHEMA_PATH, REPORT_SCHEMA_PATH, RULE_PACK_SCHEMA_PATH

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Relative ids, the files' own names: the project publishes its schemas at no web address yet, so
# an absolute id would be made up. A relative `$id` resolves against wherever the file is read
# from (the spec's retrieval URI), and keeps `$ref`s resolvable by every reader (jsonschema,
# jsonschema-rs, hypothesis-jsonschema's local resolver; an urn: id breaks the last one).
PLAN_SCHEMA_ID = "plan.schema.json"
REPORT_SCHEMA_ID = "report.schema.json"
RULE_PACK_SCHEMA_ID = "rule-pack.schema.json"


def _without_null(node: Any, item: bool = False) -> Any:
    """Drop the ``null`` branch pydantic adds for optional fields.

    In a plan, an optional field is omitted rather than written as null, and a
    schema without the null branches gives editors and error messages the
    real type. An `item` of a list keeps it: a list's null is written, not
    omitted (a rule's ``field: [null, target_date]``).
    """
    if isinstance(node, list):
        return [_without_null(entry) for entry in node]
    if not isinstance(node, dict):
        return node
    node = {key: _without_null(value, item=key == "items") for key, value in node.items()}
    branches = node.get("anyOf")
    if not item and isinstance(branches, list) and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        del node["anyOf"]
        if node.get("default", "missing") is None:
            del node["default"]
        if len(rest) == 1:
            node = {**rest[0], **node}
        else:
            node["anyOf"] = rest
    return node


def _titled(node: Any, key: str | None = None) -> Any:
    """Give every property a title (pydantic omits it beside a $ref)."""
    if isinstance(node, list):
        return [_titled(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _titled(v, k) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict):
        for name, prop in props.items():
            if isinstance(prop, dict) and "title" not in prop:
                prop["title"] = name.replace("_", " ").replace("-", " ").capitalize()
    return out


def model_schema(model: type[BaseModel], *, schema_id: str, description: str, omit_null: bool = True) -> dict[str, Any]:
    """The model's schema; `omit_null` for documents people write (absent, not null, means unset)."""
    raw = model.model_json_schema(by_alias=True, mode="validation")
    body = _titled(_without_null(raw) if omit_null else raw)
    return {"$schema": DIALECT, "$id": schema_id, **body, "description": description}


def plan_schema() -> dict[str, Any]:
    from assess.plan.model import Plan

    return model_schema(
        Plan,
        schema_id=PLAN_SCHEMA_ID,
        description=(
            "A nonprofit social media strategy plan, organised by the eleven steps of "
            "Julia Campbell's article: committee, goals, organisation, policies, channels, "
            "listening, tools, content, visuals, measurement, celebration. Read by `assess`."
        ),
    )


def report_schema() -> dict[str, Any]:
    from assess.results.report_model import Report

    return model_schema(
        Report,
        schema_id=REPORT_SCHEMA_ID,
        description="The assessment report `assess` produces for one or more plans (--format json).",
        omit_null=False,
    )


def rule_pack_schema() -> dict[str, Any]:
    """One schema for a pack file (pack.yaml or a single-file pack) and for a folder's rule files."""
    from pydantic import TypeAdapter

    from assess.rules.packmodel import PackFile, RulesFile

    raw = TypeAdapter(PackFile | RulesFile).json_schema(by_alias=True, mode="validation")
    body = _titled(_without_null(raw))
    return {
        "$schema": DIALECT,
        "$id": RULE_PACK_SCHEMA_ID,
        "title": "assess rule pack",
        **body,
        "description": (
            "A rule pack for `assess`: pack.yaml (name, version, thresholds, example base) or a file of "
            "rules. Conditions are written in durable_rules' rule language over the fact model "
            "(`assess facts --model`)."
        ),
    }


STARTER_PLACEHOLDERS = "starter-placeholders.yaml"
"""The built-in pack's file of the starter's texts, generated from `assess.plan.starter`."""


def starter_placeholders() -> str:
    """The text of rules/starter-placeholders.yaml: every placeholder text `assess init` writes."""
    from assess.plan.starter import placeholder_texts

    lines = [
        "# Generated from assess/plan/starter.py by `make schemas`: do not edit. The texts `assess init`",
        "# writes: a plan still holding one has not written that fact yet (placeholders.yaml, PLAN-01).",
        "placeholders:",
        "  starter:",
        *(f"    - {json.dumps(text, ensure_ascii=False)}" for text in placeholder_texts()),
    ]
    return "\n".join(lines) + "\n"


def dumps(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file (stable, so the committed file can be compared)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Rewrite the committed schema files from the models."""
    targets = {PLAN_SCHEMA_PATH: plan_schema}
    if "--plan-only" not in sys.argv:
        targets[REPORT_SCHEMA_PATH] = report_schema
        targets[RULE_PACK_SCHEMA_PATH] = rule_pack_schema
    for path, build in targets.items():
        path.write_text(dumps(build()), encoding="utf-8")
        print(f"wrote {path}")
    if "--plan-only" not in sys.argv:
        from assess.resources import RULES_DIR

        starter = RULES_DIR / STARTER_PLACEHOLDERS
        starter.write_text(starter_placeholders(), encoding="utf-8")
        print(f"wrote {starter}")


if __name__ == "__main__":
    main()
