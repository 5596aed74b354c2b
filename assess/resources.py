"""Where the bundled data lives: the schemas and the built-in rule packs.

In a source checkout (and an editable install) they are the top-level
``schemas/`` and ``rules/`` folders; a built wheel carries copies under
``assess/_data/`` (see setup.py).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


SCHEMAS_DIR = _data_dir("schemas")
RULES_DIR = _data_dir("rules")
PLAN_SCHEMA_PATH = SCHEMAS_DIR / "plan.schema.json"
RULE_PACK_SCHEMA_PATH = SCHEMAS_DIR / "rule-pack.schema.json"
REPORT_SCHEMA_PATH = SCHEMAS_DIR / "report.schema.json"
