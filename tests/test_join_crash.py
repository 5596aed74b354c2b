"""No crash from a valid pack: durable_rules' overrun after a false join, and how the compiled rules avoid it.

The crash (issue 13): a copy of CHN-07 with 30 days instead of 90, loaded beside the built-in
catalog, made durable's ``assert_facts`` die with a segmentation fault. The cause, read in
durable_rules 2.0.28's C code and confirmed with a build that aborts where it happens: a pattern's
joins are laid out as ``[AND, join..., END]``; when a join is false, ``reduceExpressionSequence``
(events.c) skips to the END with ``do ++i while expressions[i] is not END`` although ``i`` already
points past the join, so after a false *last* join it steps over the END and scans on through
memory until a byte reads as END or the page ends (the crash). The built-in CHN-07 reads out of
bounds on every plan with a recently active channel; other rules decide what memory follows.
`assess.engines.durable._end_joins_safely` ends every pattern with joins with an empty ``$or``
group, whose END is where the skip lands.

Here: a model of durable's layout and evaluation (the C code transcribed) proves the compiled
rules never overrun, for the catalog and for generated packs, and shows the unguarded form does;
the packs that crashed run in a subprocess, exit 0 and report exactly what the built-in engine reports.
"""

from __future__ import annotations

import datetime
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import packgen
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.api import load
from assess.config import Config
from assess.engines.base import CompiledRule
from assess.engines.durable import TRIGGER_BINDING, _definitions, _end_joins_safely, _is_join
from assess.engines.select import durable_problem
from assess.rules.catalog import build_catalog
from assess.rules.conditions import MAX_PATTERN_SLOTS, ConditionError, compile_condition, pattern_slots
from assess.rules.facts import build_facts
from bench.plans import generate

ROOT = Path(__file__).resolve().parent.parent


class Overrun(Exception):
    """The skip after a short-circuit went past the last expression of the pattern."""


def beta_sequence(expression: Any) -> list[str]:
    """What durable's ``createAlpha`` (rete.c) appends to a pattern's expression list.

    ``$and``/``$or`` append AND/OR, their items, then END; a join appends itself ("J");
    every other test is an alpha node and appends nothing.
    """
    if not isinstance(expression, dict) or len(expression) != 1:
        raise ValueError(f"not a compiled expression: {expression!r}")
    ((key, value),) = expression.items()
    if key in ("$and", "$or"):
        return ["AND" if key == "$and" else "OR", *(op for item in value for op in beta_sequence(item)), "END"]
    return ["J"] if _is_join(expression) else []


def reduce_sequence(sequence: list[str], operator: str, i: list[int], truth: dict[int, bool]) -> bool:
    """``reduceExpressionSequence`` (events.c), line by line, with the join at position k evaluating to truth[k]."""
    result = True
    while i[0] < len(sequence):
        current = i[0]
        if sequence[current] == "END":
            return result
        if sequence[current] in ("AND", "OR"):
            i[0] += 1
            result = reduce_sequence(sequence, sequence[current], i, truth)
        else:
            result = truth[current]
            i[0] += 1
        if (operator == "AND" and not result) or (operator == "OR" and result):
            while sequence[current] != "END":  # `current` is still the expression just evaluated
                i[0] += 1
                if i[0] >= len(sequence):
                    raise Overrun(f"{sequence}: slot {i[0]} read after join outcomes {truth}")
                current = i[0]
            return result
    return result


def overruns(expression: Any) -> list[str]:
    """Every assignment of true/false to the pattern's joins that makes durable read past its expressions."""
    sequence = beta_sequence(expression)
    joins = [k for k, op in enumerate(sequence) if op == "J"]
    found = []
    for outcome in itertools.product([True, False], repeat=len(joins)):
        try:
            reduce_sequence(sequence, "NOP", [0], dict(zip(joins, outcome, strict=True)))
        except Overrun as overrun:
            found.append(str(overrun))
    return found


def _registered_patterns(rules: list[CompiledRule]) -> list[dict[str, Any]]:
    """Every pattern as handed to durable (the trigger aside)."""
    definitions, _ = _definitions(rules)
    return [
        pattern
        for definition in definitions.values()
        for pattern in definition["all"]
        if TRIGGER_BINDING not in pattern
    ]


CATALOG = list(build_catalog(Config(engine="builtin")).engine.rules)
CHN_07 = next(rule for rule in CATALOG if rule.rule_id == "CHN-07")


def test_the_model_finds_the_overrun_in_the_catalogs_own_chn07_as_compiled() -> None:
    # The compiled CHN-07 is [AND, join, END]: a channel that posted recently makes the join false.
    ((_, channel),) = CHN_07.fail[0][1].items()
    assert beta_sequence(channel) == ["AND", "J", "END"]
    assert len(overruns(channel)) == 1
    # A join before an $or group is already safe: the group's END is where the skip lands.
    assert overruns({"$and": [channel["$and"][0], {"$or": [{"kind": "channel"}]}]}) == []


def test_every_pattern_of_the_catalog_is_registered_without_an_overrun() -> None:
    patterns = _registered_patterns(CATALOG)
    with_joins = [p for p in patterns if "J" in beta_sequence(next(iter(p.values())))]
    assert len(with_joins) >= 5
    assert [p for p in patterns if overruns(next(iter(p.values())))] == []


_PLANS = [build_facts(load(plan, name=f"plan-{i}").data) for i, plan in enumerate(generate(12, seed=7))]
_SEEN = packgen.observe(_PLANS)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 6))
def test_generated_packs_are_registered_without_an_overrun(seed: int, size: int) -> None:
    rules = packgen.pack(random.Random(seed), _SEEN, size)
    raw = [next(iter(p.values())) for rule in rules for alt in (*rule.fail, *rule.skip) for p in alt]
    registered = _registered_patterns([*CATALOG, *rules])
    assert [p for p in registered if overruns(next(iter(p.values())))] == []
    # The guard is what makes them safe: a raw pattern whose last join can be false overruns.
    for expression in raw:
        sequence = beta_sequence(expression)
        if "J" in sequence and sequence[-2] == "J":
            assert overruns(expression)
            assert overruns(next(iter(_end_joins_safely({"x": expression}).values()))) == []


# ------------------------------------------------ the packs that crashed, run as a user runs them

_SILENT = """\
  - id: SIL-{n:02d}
    step: 5
    title: No active channel silent for {days} days
    severity: low
    rationale: A copy of CHN-07 with a shorter window, for a team that posts daily.
    recommendation: Post this month, or retire the channel.
    message: "{{ch.platform}} channel '{{ch.channel}}' last posted on {{ch.last_post_day|date}}"
    about: ch
    field: last_post_on
    when:
      - i: {{kind: info, $ex: {{as_of_day: 1}}}}
      - ch: {{kind: channel, active: true, $lt: {{last_post_day: {{$sub: {{$l: {{i: as_of_day}}, $r: {days}}}}}}}}}
    requires: [/plan/as_of]
    examples:
      pass:
        - note: every active channel of the base plan posted in the last week
          patch: {{}}
      fail:
        - note: the LinkedIn page last posted {late} days before the as-of date
          set: {{/channels/2/last_post_on: '{late_day}'}}
          findings: 1
"""


def _silence_pack(folder: Path, copies: int) -> Path:
    as_of = datetime.date(2025, 3, 1)  # the example base's as_of
    body = "".join(
        _SILENT.format(n=n + 1, days=30 + n, late=31 + n, late_day=as_of - datetime.timedelta(days=31 + n))
        for n in range(copies)
    )
    path = folder / f"silent-{copies}.yaml"
    path.write_text(f"pack: silent\nversion: '1'\nrules:\n{body}", encoding="utf-8")
    return path


def _plans(folder: Path) -> list[Path]:
    """The samples, and the example base with one channel silent 45 days and one 150 days."""
    base = yaml.safe_load((ROOT / "rules" / "example-base.yaml").read_text(encoding="utf-8"))
    base["channels"][2]["last_post_on"] = "2025-01-15"
    base["channels"][0]["last_post_on"] = "2024-10-02"
    silent = folder / "silent-channels.json"
    silent.write_text(json.dumps(base), encoding="utf-8")
    return [silent, *sorted((ROOT / "samples").glob("*.json"))]


def _assess(engine: str, pack: Path, plans: list[Path]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "assess", *map(str, plans), "--rules", str(pack), "--engine", engine]
    return subprocess.run(
        [*command, "--format", "json", "--fail-on", "none"], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


@pytest.mark.skipif(durable_problem() is not None, reason="durable_rules is not importable here")
@pytest.mark.parametrize("copies", [1, 16, 32])
def test_chn07_copies_beside_the_catalog_run_and_report_like_the_builtin_engine(tmp_path: Path, copies: int) -> None:
    """Each of these packs made `assess` exit 139 (SIGSEGV) before the guard, in every run."""
    pack, plans = _silence_pack(tmp_path, copies), _plans(tmp_path)
    durable, builtin = _assess("durable", pack, plans), _assess("builtin", pack, plans)
    assert (durable.returncode, durable.stderr) == (0, "")
    assert builtin.returncode == 0, builtin.stderr
    reports = [json.loads(result.stdout) for result in (durable, builtin)]
    assert reports[0]["tool"]["engine"].startswith("durable_rules")
    for report in reports:
        report["tool"]["engine"] = "(normalised)"
    assert reports[0] == reports[1]
    silent = reports[0]["plans"][0]
    found = {r["rule_id"]: r["findings"] for r in silent["rules"] if r["rule_id"] in ("CHN-07", "SIL-01")}
    assert found == {"CHN-07": 1, "SIL-01": 2}  # 150 days: both rules; 45 days: only the 30-day copy


@pytest.mark.skipif(durable_problem() is not None, reason="durable_rules is not importable here")
def test_rules_test_runs_the_32_copies_beside_the_catalog_and_passes(tmp_path: Path) -> None:
    """`assess rules test` passed this pack alone, and `assess --rules` then crashed: now both run it with the catalog."""
    pack = _silence_pack(tmp_path, 32)
    result = subprocess.run(
        [sys.executable, "-m", "assess", "rules", "test", str(pack)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == f"{pack}: beside the built-in catalog"
    assert result.stdout.splitlines()[-1] == "64 passed, 0 failed"


# ------------------------------------------------ durable's 32-entry expression list, checked at load

_BOUNDARY_SCRIPT = """
import json, sys
from assess.engines.base import CompiledRule
from assess.engines.durable import DurableEngine
facts = [{"kind": "channel", "fid": "x", "hours": 1, "platform": "x", "tags": ["x"]},
         {"kind": "channel", "fid": "y", "hours": 2, "platform": "x", "tags": ["y"]}]
for number, patterns in enumerate(json.loads(sys.stdin.read())):
    try:
        DurableEngine([CompiledRule(f"T-{number:03d}", (tuple(patterns),))]).run(facts)
        print("accepted", flush=True)
    except Exception as error:
        print(f"refused {error}", flush=True)
"""


def _wide(joins: int, item_groups: int, groups: int) -> list[dict[str, Any]]:
    """Two patterns; the second has `joins` joins, `item_groups` $iany with $or, `groups` $or, in the compiler's order."""
    terms: list[dict[str, Any]] = [{"$gte": {"hours": {"a": "hours"}}}] * joins
    terms += [{"$iany": {"tags": {"$or": [{"$i": "x"}, {"$i": "y"}]}}}] * item_groups
    terms += [{"kind": "channel"}] + [{"$or": [{"platform": "x"}, {"platform": "y"}]}] * groups
    return [{"a": {"$and": [{"kind": "channel"}, {"$ex": {"hours": 1}}]}}, {"b": {"$and": terms}}]


@pytest.mark.skipif(durable_problem() is not None, reason="durable_rules is not importable here")
def test_pattern_slots_is_exactly_what_durable_can_register() -> None:
    """Around the limit, durable_rules registers a pattern if and only if `pattern_slots` says it fits."""
    grid = list(itertools.product([0, 1, 26, 27, 28], [0, 1, 2], [0, 1, 12, 13, 14, 15]))
    patterns = [_wide(*combination) for combination in grid]
    result = subprocess.run(
        [sys.executable, "-c", _BOUNDARY_SCRIPT],
        input=json.dumps(patterns),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = result.stdout.splitlines()
    assert len(verdicts) == len(grid)
    fits = [pattern_slots(p[1]["b"]) <= MAX_PATTERN_SLOTS for p in patterns]
    assert [v == "accepted" for v in verdicts] == fits
    assert {v.split(",")[0] for v in verdicts if v != "accepted"} == {"refused Could not create ruleset"}
    assert 10 < sum(fits) < len(grid) - 10  # both sides of the limit are exercised


def test_a_pattern_over_the_limit_is_refused_at_load_naming_the_rule(tmp_path: Path) -> None:
    joins = {"$gte": {"hours": {"a": "hours"}}}
    when = [{"a": {"kind": "channel"}}, {"b": {"$and": [{"kind": "channel"}, *([joins] * 28)]}}]
    (rule,) = yaml.safe_load(_SILENT.format(n=1, days=30, late=31, late_day="2025-01-29"))
    (tmp_path / "wide.yaml").write_text(
        yaml.safe_dump({"pack": "wide", "version": "1", "rules": [{**rule, "id": "WIDE-01", "when": when}]}),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "assess", "samples/exemplary.json", "--rules", str(tmp_path / "wide.yaml")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "assess: rule pack wide: rule WIDE-01 (wide.yaml): condition [1].b: too many joins and $and/$or groups in "
        "one pattern (32 entries; durable_rules holds 31: each join takes 1, each $and/$or 2, 2 more when it "
        "joins); split it into several patterns or rules"
    ]
    with pytest.raises(ConditionError, match=r"^\[1\]\.b: too many"):
        compile_condition(when, {})
    compile_condition([when[0], {"b": {"$and": [{"kind": "channel"}, *([joins] * 27)]}}], {})  # 31: fits
