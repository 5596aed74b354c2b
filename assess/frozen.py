"""The methods of frozen dataclasses, written once instead of generated for each class.

On Python 3.11 `dataclasses` writes each generated method as source text and compiles it: ~0.1 ms a
method, paid by every cold start for every class. A class declared
``@dataclass(frozen=True, eq=False, repr=False)`` that inherits `Frozen` gets ``__eq__``, ``__hash__``
and ``__repr__`` with the meaning `dataclasses` gives them for ``frozen=True, eq=True``: equal when
of the same class with equal compared fields, hashed as the tuple of those fields, printed as
``Name(field=value, ...)`` with the ``repr=True`` fields.

A class declared `@record` (a keyword-only, frozen, slotted dataclass) has no method generated at
all: its ``__init__`` (keywords, defaults, default factories), ``__setattr__`` and ``__delattr__``
(refused: frozen) and its pickling are `Frozen`'s too. A generated ``__init__``, ``__setattr__`` and
``__delattr__`` cost ~3.2 M instructions a class (three compilations); for the 23 record classes (the
report's 15, the rule packs' 6, `Config` and `Scoring`) that was 57 M instructions, 8% of a cold run.
tests/test_frozen.py compares every one of these methods with the generated ones.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}
_MISSING: Any = dataclasses.MISSING
# class -> its fields as (name, default, default factory), for `Frozen.__init__`
_INIT: dict[type, tuple[tuple[str, Any, Callable[[], Any] | None], ...]] = {}

T = TypeVar("T", bound=type)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(dataclasses.field,))
def record(cls: T) -> T:
    """``@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)`` for a `Frozen` class,
    with none of its methods generated: `Frozen` has them all (see the module docstring)."""
    made: Any = dataclasses.dataclass(slots=True, kw_only=True, init=False, eq=False, repr=False)(cls)
    # On the class, not on `Frozen`: a plain subclass of `Frozen` keeps the interpreter's quickest attribute
    # store (assess.results.report fills its records through such twins).
    made.__setattr__ = _refuse_assignment
    made.__delattr__ = _refuse_deletion
    return made  # type: ignore[no-any-return]


def _refuse_assignment(self: object, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


class Frozen:
    """Base of frozen dataclasses declared `@record`, or with ``eq=False, repr=False`` (see the module docstring)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compared_values(self) == compared_values(other)

    def __hash__(self) -> int:
        return hash(compared_values(self))

    def __init__(self, *positional: Any, **values: Any) -> None:
        """A `record`'s constructor: every field by keyword, its default or default factory if not given."""
        cls = type(self)
        fields = _INIT.get(cls) or _init_fields(cls)
        setter = object.__setattr__
        given = missing = 0
        for name, default, factory in fields:
            if name in values:
                setter(self, name, values[name])
                given += 1
            elif factory is not None:
                setter(self, name, factory())
            elif default is not _MISSING:
                setter(self, name, default)
            else:
                missing += 1
        if positional or missing or given != len(values):
            _refuse_arguments(self, fields, len(positional), values)

    def __getstate__(self) -> list[Any]:  # slots and a refused __setattr__: pickled as dataclasses does
        return [getattr(self, field.name) for field in dataclasses.fields(self)]

    def __setstate__(self, state: list[Any]) -> None:
        for field, value in zip(dataclasses.fields(self), state, strict=True):
            object.__setattr__(self, field.name, value)

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


def _init_fields(cls: type) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    fields: tuple[tuple[str, Any, Callable[[], Any] | None], ...] = tuple(
        (field.name, field.default, None if field.default_factory is _MISSING else field.default_factory)  # type: ignore[misc]
        for field in dataclasses.fields(cls)
        if field.init
    )
    _INIT[cls] = fields
    return fields


def _refuse_arguments(
    record: object, fields: tuple[tuple[str, Any, Any], ...], positional: int, values: dict[str, Any]
) -> None:
    """The TypeError a generated ``__init__`` raises, in CPython's words: for an unexpected keyword, a
    positional argument, or the keywords missing (in that order of precedence, as CPython checks them)."""
    where = f"{type(record).__qualname__}.__init__()"
    names = [name for name, _, _ in fields]
    unknown = [name for name in values if name not in names]
    if unknown:
        raise TypeError(f"{where} got an unexpected keyword argument {unknown[0]!r}")
    if positional:
        keywords = len(values)
        given = f"{positional + 1}" + (
            f" positional arguments (and {keywords} keyword-only argument{'s' if keywords > 1 else ''})"
            if keywords
            else ""
        )
        raise TypeError(f"{where} takes 1 positional argument but {given} were given")
    missing = [repr(name) for name in names if not hasattr(record, name)]
    if len(missing) == 1:
        named = missing[0]
    elif len(missing) == 2:
        named = f"{missing[0]} and {missing[1]}"
    else:
        named = ", ".join(missing[:-1]) + f", and {missing[-1]}"
    plural = "s" if len(missing) > 1 else ""
    raise TypeError(f"{where} missing {len(missing)} required keyword-only argument{plural}: {named}")
