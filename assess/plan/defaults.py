"""What a key that a plan leaves out stands for, read from the plan's JSON Schema.

The typed `Plan` fills defaults in (a goal is not primary, a channel is active, a list
is empty); the pipeline works on the document's own data (`PlanData`), where such keys
may be absent. `Shape` answers, for one kind of object of the plan, what an absent key
means and what the objects below it are. It is read from the committed schema the plan
was validated against (which is generated from the model), with no pydantic at run
time; tests/test_plan_defaults.py checks it against the model, so the two cannot drift.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Shape", "plan_shape"]


@dataclass(eq=False)
class Shape:
    """One kind of object of the plan (the plan itself, a goal, a channel...)."""

    name: str
    defaults: dict[str, Any] = field(default_factory=dict)
    """Key -> what the key stands for when absent, for every key that has a default (lists: [])."""
    children: dict[str, Shape] = field(default_factory=dict)
    """Key -> the shape of the object it holds, or of each item of the list it holds."""

    def get(self, node: dict[str, Any], key: str) -> Any:
        """The value of `key` in `node` (an object of this shape), its default when absent, else None."""
        value = node.get(key)
        if value is None:
            default = self.defaults.get(key)
            return list(default) if isinstance(default, list) else default
        return value


_LOCK = threading.Lock()
_ROOT: list[Shape] = []


def plan_shape() -> Shape:
    """The shape of a whole plan (built once per process, from the schema `assess` validates with)."""
    if not _ROOT:
        from assess.plan.validate import plan_schema

        with _LOCK:
            if not _ROOT:
                _ROOT.append(shape_of(plan_schema()))
    return _ROOT[0]


def shape_of(schema: dict[str, Any]) -> Shape:
    """The `Shape` of a JSON Schema's root object, its `$defs` followed."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    built: dict[str, Shape] = {}

    def resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            return name, definitions[name]
        return None, node

    def shape(name: str, node: dict[str, Any]) -> Shape:
        if name in built:
            return built[name]
        result = built[name] = Shape(name)
        required = set(node.get("required", ()))
        for key, prop in node.get("properties", {}).items():
            target_name, target = resolve(prop)
            if "default" in prop or "default" in target:
                default = prop.get("default", target.get("default"))
                if default is not None:
                    result.defaults[key] = default
            elif key not in required and target.get("type") == "array":
                result.defaults[key] = []  # a list the model defaults to empty: absent is stated, and empty
            if target.get("type") == "array" and isinstance(target.get("items"), dict):
                target_name, target = resolve(target["items"])
            if target.get("type") == "object" or "properties" in target:
                result.children[key] = shape(target_name or f"{name}.{key}", target)
        return result

    return shape("Plan", schema)
