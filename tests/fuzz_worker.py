"""Run generated custom packs beside the built-in catalog on both engines (a subprocess of test_differential).

Usage: python tests/fuzz_worker.py FIRST_PACK COUNT PLANS [nojoins]. Each pack is written as a rule
pack file and loaded with the catalog exactly as ``--rules`` loads it, in a process of its own (a
fork: only the catalog and that pack are registered with durable, as in a user's run); every plan's
whole JSON report (``tool.engine`` normalised) is compared between durable_rules and the built-in
engine. Prints ``start N PACK`` before each pack, then ``ok N``, ``diff N ...``, ``crash N SIGNAL``
(the pack's process was killed by a signal) or ``error N ...``; a crash does not stop the batch.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import tempfile
import traceback
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
    data: dict[str, Any] = json.loads(
        make_report([assess_loaded(loaded, catalog, config)], catalog, config).model_dump_json()
    )
    data["tool"]["engine"] = "(normalised)"
    return json.dumps(data, indent=2, ensure_ascii=False)


def _run_pack(number: int, path: Path, loaded: list[Loaded]) -> None:
    durable = Config.model_validate({"engine": "durable", "rules": [path]})
    builtin = Config.model_validate({"engine": "builtin", "rules": [path]})
    for index, one in enumerate(loaded):
        expected, found = report(one, durable), report(one, builtin)
        if expected != found:
            print(f"diff {number} plan {index}: durable {expected!r:.300} builtin {found!r:.300}", flush=True)
            return
    print(f"ok {number}", flush=True)


def _in_child(number: int, path: Path, loaded: list[Loaded]) -> None:
    """Run one pack in a forked child, as a user's process runs it (the catalog and this pack registered, nothing else).

    A child killed by a signal is reported as ``crash N SIGNAME``, and the next pack runs.
    """
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _run_pack(number, path, loaded)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        print(f"crash {number} {signal.Signals(os.WTERMSIG(status)).name}", flush=True)
    elif os.WEXITSTATUS(status) != 0:
        print(f"error {number} exit status {os.WEXITSTATUS(status)}", flush=True)


def main() -> None:
    first, count, plans = (int(arg) for arg in sys.argv[1:4])
    joins = sys.argv[4:5] != ["nojoins"]
    loaded = [load(plan, name=f"plan-{i}") for i, plan in enumerate(generate(plans, seed=first))]
    seen = packgen.observe([build_facts(one.data) for one in loaded])
    build_catalog(Config(engine="builtin"))  # the built-in pack, loaded once and inherited (durable is not started)
    with tempfile.TemporaryDirectory() as folder:
        for number in range(first, first + count):
            rng = random.Random(number)
            document = packgen.pack_document(rng, seen, rng.randint(1, 4), name=f"gen{number}", joins=joins)
            path = Path(folder) / f"gen{number}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            print(f"start {number} {json.dumps(document['rules'])}", flush=True)
            if hasattr(os, "fork"):
                _in_child(number, path, loaded)
            else:  # no fork (Windows, where durable_rules does not build): all packs in this process
                _run_pack(number, path, loaded)


if __name__ == "__main__":
    main()
