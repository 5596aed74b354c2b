"""Matching: a rule engine runs the compiled conditions over a plan's facts.

``durable`` wraps durable_rules; ``evaluate`` turns the matches into outcomes and findings.
`available` says which engines can run here, the one chosen automatically first.
"""

from __future__ import annotations

import functools
import importlib.util

DURABLE = "durable"
BUILTIN = "builtin"


@functools.cache
def durable_importable() -> bool:
    """Whether durable_rules is installed and loads (imported the safe way, once)."""
    if importlib.util.find_spec("durable") is None:
        return False
    from assess.engines.durable import EngineError, import_durable_engine

    try:
        import_durable_engine()
    except EngineError:
        return False
    return True


def available() -> tuple[str, ...]:
    """The engines that can run on this machine, the automatic choice first."""
    names: list[str] = []
    if durable_importable():
        names.append(DURABLE)
    if importlib.util.find_spec("assess.engines.builtin") is not None:
        names.append(BUILTIN)
    return tuple(names)


def describe(name: str) -> str:
    """An engine's name as `assess --version` and reports print it: "durable_rules 2.0.28", "builtin"."""
    if name == DURABLE:
        from assess.engines.durable import durable_version  # read without importlib.metadata (assess.installed)

        version = durable_version()
        return f"durable_rules {version}" if version else "durable_rules"
    return name
