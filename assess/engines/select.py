"""Which engine runs: ``durable`` (durable_rules) when it can be imported, else ``builtin``.

The choice comes from ``--engine`` or ``engine = "..."`` in the configuration:
``auto`` (the default) picks durable_rules when it is installed and loads, and the
built-in engine otherwise; ``durable`` insists on durable_rules (one clear error
line when it cannot load); ``builtin`` never imports it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Literal

from assess.engines.base import CompiledRule, Engine
from assess.errors import ConfigError

EngineChoice = Literal["auto", "durable", "builtin"]
ENGINE_CHOICES: tuple[EngineChoice, ...] = ("auto", "durable", "builtin")
BUILTIN_NAME = "builtin"


@functools.cache
def durable_problem() -> str | None:
    """Why durable_rules cannot be used here, or None when it imports (the import is tried once)."""
    from assess.engines.durable import EngineError, import_durable_engine

    try:
        import_durable_engine()
    except EngineError as error:
        return str(error)
    return None


def resolve(choice: EngineChoice) -> Literal["durable", "builtin"]:
    """The engine a choice runs; `ConfigError` when ``durable`` is asked for and cannot load."""
    if choice == "builtin":
        return "builtin"
    problem = durable_problem()
    if problem is None:
        return "durable"
    if choice == "durable":
        raise ConfigError(f"engine 'durable' cannot run: {problem} (or choose --engine builtin)")
    return "builtin"


def engine_name(choice: EngineChoice) -> str:
    """What `assess --version` and the reports call the engine a choice runs, e.g. "durable_rules 2.0.28"."""
    if resolve(choice) == "builtin":
        return BUILTIN_NAME
    from assess.engines.durable import durable_version

    return f"durable_rules {durable_version() or '?'}"


def make_engine(choice: EngineChoice, rules: Sequence[CompiledRule]) -> Engine:
    if resolve(choice) == "durable":
        from assess.engines.durable import DurableEngine

        return DurableEngine(rules)
    from assess.engines.builtin import BuiltinEngine

    return BuiltinEngine(rules)
