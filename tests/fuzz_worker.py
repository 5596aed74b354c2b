"""Run generated custom packs beside the built-in catalog on both engines (a subprocess of test_differential).

Usage: python tests/fuzz_worker.py FIRST_PACK COUNT PLANS [nojoins]. Each pack is written as a rule
pack file and loaded with the catalog exactly as ``--rules`` loads it; every plan's whole JSON report
(``tool.engine`` normalised) is compared between durable_rules and the built-in engine. Prints
``start N PACK`` before each pack and ``ok N`` or ``diff N ...`` after it, so that the parent can
name the pack that killed the process (its exit status is the signal, e.g. -11).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import packgen

from assess.api import Loaded, assess_loaded, load, make_report
from assess.config import Config
from assess.rules.catalog import build_catalog
from assess.rules.facts import build_facts
from bench.plans import generate


def report(loaded: Loaded, config: Config) -> str:
    """The plan's whole JSON report under `config`, with the engine's name normalised."""
    catalog = build_catalog(config)
    data: dict[str, Any] = json.loads(make_report([assess_loaded(loaded, catalog, config)], catalog).model_dump_json())
    data["tool"]["engine"] = "(normalised)"
    return json.dumps(data, indent=2, ensure_ascii=False)


def main() -> None:
    first, count, plans = (int(arg) for arg in sys.argv[1:4])
    joins = sys.argv[4:5] != ["nojoins"]
    loaded = [load(plan, name=f"plan-{i}") for i, plan in enumerate(generate(plans, seed=first))]
    seen = packgen.observe([build_facts(one.plan) for one in loaded])
    with tempfile.TemporaryDirectory() as folder:
        for number in range(first, first + count):
            rng = random.Random(number)
            document = packgen.pack_document(rng, seen, rng.randint(1, 4), name=f"gen{number}", joins=joins)
            path = Path(folder) / f"gen{number}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            print(f"start {number} {json.dumps(document['rules'])}", flush=True)
            durable = Config.model_validate({"engine": "durable", "rules": [path]})
            builtin = Config.model_validate({"engine": "builtin", "rules": [path]})
            for index, one in enumerate(loaded):
                expected, found = report(one, durable), report(one, builtin)
                if expected != found:
                    print(f"diff {number} plan {index}: durable {expected!r:.300} builtin {found!r:.300}", flush=True)
                    break
            else:
                print(f"ok {number}", flush=True)


if __name__ == "__main__":
    main()
