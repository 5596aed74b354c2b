"""The corpus gate (issue 12): its arithmetic, its label checks, the corpus itself, and its thresholds."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

import assess
from corpus import gate

KNOWN = frozenset({"AAA-01", "BBB-01", "CCC-01", "DDD-01"})


# --- ranks and Spearman ------------------------------------------------------------------------


def test_average_ranks_give_ties_the_mean_of_their_positions() -> None:
    assert gate.average_ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert gate.average_ranks([3, 1, 2]) == [3, 1, 2]
    assert gate.average_ranks([5, 5, 5]) == [2, 2, 2]
    assert gate.average_ranks([]) == []


def test_spearman_of_identical_and_reversed_orders() -> None:
    assert gate.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert gate.spearman([1, 2, 3, 4], [40, 30, 20, 10]) == pytest.approx(-1.0)


def test_spearman_known_value_without_ties() -> None:
    # The classic IQ / hours-of-TV example: rho = -29/165.
    iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
    assert gate.spearman(iq, tv) == pytest.approx(-29 / 165)


def test_spearman_uses_average_ranks_for_ties() -> None:
    # ranks x: 1, 2.5, 2.5, 4; ranks y: 1, 3, 2, 4 -> cov 4.5, var 4.5 and 5.
    assert gate.spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / math.sqrt(4.5 * 5))


def test_spearman_is_undefined_without_variation_or_pairs() -> None:
    assert math.isnan(gate.spearman([1, 1, 1], [1, 2, 3]))
    assert math.isnan(gate.spearman([1], [2]))
    with pytest.raises(ValueError, match="pairs"):
        gate.spearman([1, 2], [1, 2, 3])


# --- recall, precision, false criticals, top recommendation on a tiny labelled set ---------------


def tiny_labels() -> dict[str, Any]:
    return {
        "named_checks": ["AAA-01"],
        "plans": {
            "flawed.yaml": {
                "category": "flawed",
                "expected": [
                    {"rule": "AAA-01", "severity": "critical", "why": "the big one"},
                    {"rule": "BBB-01", "severity": "high", "why": "a second one", "also": ["CCC-01"]},
                ],
                "must_not_fire": [],
                "may_fire": ["DDD-01"],
                "first_fix": "AAA-01",
            },
            "fine.yaml": {"category": "good", "expected": [], "must_not_fire": ["AAA-01"], "first_fix": None},
        },
        "ranking": ["fine.yaml", "flawed.yaml"],
    }


def outcome(name: str, fired: dict[str, str], score: float, top: str | None) -> gate.Outcome:
    return gate.Outcome(name=name, fired=fired, score=score, top=top)


def test_figures_on_a_tiny_labelled_set() -> None:
    labels = gate.parse_labels(tiny_labels(), KNOWN)
    summary = gate.summarise(
        labels,
        {
            # AAA caught, BBB's concern caught through its alternative CCC, DDD indifferent but critical
            "flawed.yaml": outcome(
                "flawed.yaml", {"AAA-01": "critical", "CCC-01": "medium", "DDD-01": "critical"}, 40, "AAA-01"
            ),
            # two wrong rules, one of them a named check that must not fire, critically
            "fine.yaml": outcome("fine.yaml", {"AAA-01": "critical", "BBB-01": "low"}, 60, "AAA-01"),
        },
    )
    assert (summary.expected, summary.caught, summary.recall) == (2, 2, 1.0)
    assert (summary.right, summary.wrong, summary.precision) == (2, 2, 0.5)
    assert summary.false_criticals == 2  # DDD-01 on flawed (may_fire is no licence), AAA-01 on fine
    assert summary.forbidden == 1
    assert (summary.top_agreeing, summary.top_recommendation) == (1, 0.5)
    assert summary.rho == pytest.approx(1.0)  # the better-ranked plan scores higher
    flawed = next(r for r in summary.results if r.name == "flawed.yaml")
    assert flawed.indifferent == ("DDD-01",)
    assert flawed.severity_mismatches == (("CCC-01", "high", "medium"),)
    failed = gate.failures(summary)
    assert any(f.startswith("precision") for f in failed)
    assert any(f.startswith("false criticals") for f in failed)
    assert not any(f.startswith("recall") for f in failed)


def test_missed_concerns_lower_recall_and_silence_agrees_on_a_fine_plan() -> None:
    labels = gate.parse_labels(tiny_labels(), KNOWN)
    summary = gate.summarise(
        labels,
        {
            "flawed.yaml": outcome("flawed.yaml", {"BBB-01": "high"}, 80, "BBB-01"),
            "fine.yaml": outcome("fine.yaml", {}, 100, None),
        },
    )
    assert (summary.caught, summary.expected, summary.recall) == (1, 2, 0.5)
    assert (summary.right, summary.wrong, summary.precision) == (1, 0, 1.0)
    assert summary.false_criticals == 0
    assert summary.top_agreeing == 1  # fine.yaml: no fix wanted, none given; flawed.yaml: BBB-01 is not AAA-01
    missed = next(r for r in summary.results if r.name == "flawed.yaml").missed
    assert [c.rule for c in missed] == ["AAA-01"]


def test_a_plan_that_cannot_be_assessed_fails_the_gate() -> None:
    labels = gate.parse_labels(tiny_labels(), KNOWN)
    summary = gate.summarise(
        labels,
        {
            "flawed.yaml": gate.Outcome(name="flawed.yaml", fired={}, score=None, top=None, problem="schema"),
            "fine.yaml": outcome("fine.yaml", {}, 100, None),
        },
    )
    assert summary.not_assessed == 1
    assert summary.caught == 0
    assert math.isnan(summary.rho)  # one scored plan left
    assert any("could not be assessed" in f for f in gate.failures(summary))


def test_a_passing_summary_has_no_failures() -> None:
    labels = gate.parse_labels(tiny_labels(), KNOWN)
    summary = gate.summarise(
        labels,
        {
            "flawed.yaml": outcome("flawed.yaml", {"AAA-01": "critical", "BBB-01": "high"}, 30, "AAA-01"),
            "fine.yaml": outcome("fine.yaml", {}, 100, None),
        },
    )
    assert gate.failures(summary) == []


# --- label checks --------------------------------------------------------------------------------


def broken(path: list[str | int], value: Any) -> dict[str, Any]:
    data = tiny_labels()
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (broken(["plans", "flawed.yaml", "expected", 0, "rule"], "ZZZ-99"), "unknown rule id 'ZZZ-99'"),
        (broken(["plans", "fine.yaml", "must_not_fire"], ["AAA-01", "ZZZ-99"]), "unknown rule id 'ZZZ-99'"),
        (broken(["plans", "flawed.yaml", "first_fix"], "ZZZ-99"), "unknown rule id 'ZZZ-99'"),
        (broken(["plans", "flawed.yaml", "may_fire"], ["AAA-01"]), "both in expected and in may_fire"),
        (broken(["plans", "flawed.yaml", "must_not_fire"], ["CCC-01"]), "both in expected and in must_not_fire"),
        (broken(["plans", "flawed.yaml", "expected", 0, "severity"], "severe"), "severity 'severe'"),
        (broken(["plans", "flawed.yaml", "first_fix"], None), "needs a first_fix"),
        (broken(["plans", "fine.yaml", "must_not_fire"], []), "named check(s) AAA-01"),
        (broken(["ranking"], ["flawed.yaml"]), "missing ['fine.yaml']"),
        (broken(["ranking"], ["flawed.yaml", "fine.yaml", "fine.yaml"]), "ranked twice"),
        (broken(["plans", "fine.yaml", "category"], "excellent"), "category 'excellent'"),
    ],
)
def test_malformed_labels_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(gate.LabelError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        gate.parse_labels(data, KNOWN)


def test_ranking_ties_share_their_average_rank() -> None:
    data = tiny_labels()
    data["ranking"] = [["fine.yaml", "flawed.yaml"]]
    assert dict(gate.parse_labels(data, KNOWN).ranks) == {"fine.yaml": 1.5, "flawed.yaml": 1.5}


def test_the_gate_exits_2_on_a_label_naming_an_unknown_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(gate.DEFAULT_LABELS.read_text(encoding="utf-8"))
    first = next(iter(data["plans"].values()))
    first["must_not_fire"] = [*first["must_not_fire"], "XYZ-42"]
    labels = tmp_path / "labels.yaml"
    labels.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert gate.main(["--labels", str(labels)]) == 2
    assert "unknown rule id 'XYZ-42'" in capsys.readouterr().err


# --- the corpus itself ---------------------------------------------------------------------------


def corpus_plans() -> dict[str, Path]:
    return gate.plan_files(gate.DEFAULT_PLANS)


def test_every_corpus_plan_is_labelled_against_the_live_catalog() -> None:
    labels = gate.load_labels(gate.DEFAULT_LABELS, gate.known_rule_ids())
    assert set(labels.plans) == set(corpus_plans())
    assert len(labels.plans) >= 30
    counts = {c: sum(p.category == c for p in labels.plans.values()) for c in gate.CATEGORIES}
    assert counts["near_miss"] >= 8
    assert counts["subtle"] >= 8
    assert counts["draft"] >= 4
    expected_in_flawed = {c.rule for p in labels.plans.values() if p.category == "flawed" for c in p.expected}
    assert {"CHN-01", "CHN-02", "PLN-03", "POL-01", "POL-03", "VIS-01", "MEA-01"} <= expected_in_flawed


def test_every_corpus_plan_is_schema_valid_once_its_1_1_fields_are_set_aside() -> None:
    languages = set()
    for name, path in corpus_plans().items():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        languages.add(document["plan"].get("language", "en"))
        stripped = gate.strip_new_fields(document)
        uses_new_fields = stripped != json.loads(json.dumps(document, default=str)) | {"schema_version": "1.0"}
        assert document["schema_version"] == ("1.1" if uses_new_fields else "1.0"), name
        assert assess.validate_plan(json.dumps(stripped)) == (), name
    assert languages == {"en", "fr"}


# --- the thresholds ------------------------------------------------------------------------------


def test_the_corpus_gate_holds_its_thresholds() -> None:
    _labels, summary, _outcomes = gate.run()
    assert gate.failures(summary) == []
