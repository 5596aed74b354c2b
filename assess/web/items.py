"""Which item of a list, after a save, is which item of the list before it.

A removed item shifts the ones after it, so position says nothing once an item is gone: the
items of the plan's lists of objects have an ``id`` (goals, channels, people...), and an item
is the one with its id. Only a list whose items have no ids (or repeat one) is matched by
position. Used to keep what the file said about each item (fields it left out, the order of
its choices, its YAML comments) with that item and not with its new neighbour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def ids(items: Sequence[Any]) -> list[str] | None:
    """The items' ids, when every item is an object with its own id (none repeated); None otherwise."""
    found = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    if not all(isinstance(ident, str) and ident for ident in found) or len(set(found)) != len(found):
        return None
    return [str(ident) for ident in found]


def pair_items(new: Sequence[Any], old: Any) -> list[tuple[Any, Any]]:
    """Each item of `new` with the item of `old` it continues (None for a new item)."""
    olds = list(old) if isinstance(old, list) else []
    new_ids, old_ids = ids(new), ids(olds)
    if new_ids is not None and old_ids is not None:
        by_id = dict(zip(old_ids, olds, strict=True))
        return [(item, by_id.get(ident)) for item, ident in zip(new, new_ids, strict=True)]
    return [(item, olds[index] if index < len(olds) else None) for index, item in enumerate(new)]
