"""Run generated custom packs beside the built-in catalog on both engines (a subprocess of test_differential).

Usage: python tests/fuzz_worker.py FIRST_PACK COUNT PLANS. Prints ``start N`` before each pack and
``ok N`` or ``diff N ...`` after it, so that the parent can name the pack that killed the process.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import packgen

from assess.api import load
from assess.config import Config
from assess.engines.base import EngineError
from assess.engines.builtin import BuiltinEngine
from assess.engines.durable import DurableEngine
from assess.rules.catalog import build_catalog
from assess.rules.facts import build_facts
from bench.plans import generate


def _run(engine: object, facts: list[dict[str, object]]) -> object:
    try:
        return [(m.rule_id, m.outcome, m.alternative, m.key) for m in engine.run(facts)]  # type: ignore[attr-defined]
    except EngineError as error:
        return f"error: {error}"


def main() -> None:
    first, count, plans = (int(arg) for arg in sys.argv[1:4])
    joins = sys.argv[4:5] != ["nojoins"]
    fact_lists = [build_facts(load(plan, name=f"plan-{i}").plan) for i, plan in enumerate(generate(plans, seed=first))]
    seen = packgen.observe(fact_lists)
    catalog = list(build_catalog(Config(engine="builtin")).engine.rules)
    for number in range(first, first + count):
        extra = packgen.pack(random.Random(number), seen, random.Random(number).randint(1, 4), joins=joins)
        print(f"start {number} {json.dumps([[r.rule_id, r.fail, r.skip] for r in extra])}", flush=True)
        rules = catalog + extra
        durable, builtin = DurableEngine(rules), BuiltinEngine(rules)
        for index, facts in enumerate(fact_lists):
            expected, found = _run(durable, facts), _run(builtin, facts)
            if expected != found:
                print(f"diff {number} plan {index}: durable {expected!r:.300} builtin {found!r:.300}", flush=True)
                break
        else:
            print(f"ok {number}", flush=True)


if __name__ == "__main__":
    main()
