"""Equality, hash and repr for frozen dataclasses, written once instead of generated for each class.

On Python 3.11 `dataclasses` writes each generated method as source text and compiles it: ~0.1 ms a
method, ~0.3 ms a class for ``__eq__``, ``__hash__`` and ``__repr__``, paid by every cold start for
every class. A class declared ``@dataclass(frozen=True, eq=False, repr=False)`` that inherits
`Frozen` gets the same three methods, with the meaning `dataclasses` gives them for
``frozen=True, eq=True``: equal when of the same class with equal compared fields, hashed as the
tuple of those fields, printed as ``Name(field=value, ...)`` with the ``repr=True`` fields.
tests/test_frozen.py compares them with the generated ones.
"""

from __future__ import annotations

import dataclasses
import reprlib
from typing import Any, ClassVar

_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


class Frozen:
    """Base of frozen dataclasses declared with ``eq=False, repr=False`` (see the module docstring)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compared_values(self) == compared_values(other)

    def __hash__(self) -> int:
        return hash(compared_values(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        cls = type(self)
        names = _SHOWN.get(cls)
        if names is None:
            names = _SHOWN[cls] = tuple(field.name for field in dataclasses.fields(self) if field.repr)
        shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
        return f"{cls.__qualname__}({shown})"


def compared_values(record: Any) -> tuple[Any, ...]:
    """The values of a dataclass's compared fields, in order: what its equality and hash look at."""
    cls = type(record)
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(field.name for field in dataclasses.fields(record) if field.compare)
    return tuple([getattr(record, name) for name in names])
