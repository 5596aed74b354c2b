"""`assess rules`: the catalog as a list, one rule's page in English and French, and filters."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assess.cli import cli
from assess.i18n import LABELS


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["rules", *args])
    return result.exit_code, result.stdout


def test_the_catalog_as_json_spans_the_eleven_steps() -> None:
    code, out = invoke("--format", "json")
    assert code == 0
    rules = json.loads(out)
    assert len(rules) >= 40
    assert {rule["step"] for rule in rules} == set(range(1, 12))
    assert all({"id", "step", "severity", "title"} <= set(rule) for rule in rules)
    named = {"CHN-01", "CHN-02", "PLN-03", "POL-01", "POL-03", "VIS-01", "MEA-01"}
    assert named <= {rule["id"] for rule in rules}


def test_filters_by_step_and_severity() -> None:
    code, out = invoke("--step", "4", "--severity", "critical", "--format", "json")
    assert code == 0
    rules = json.loads(out)
    assert rules
    assert {(rule["step"], rule["severity"]) for rule in rules} == {(4, "critical")}


def test_a_rule_page_in_english() -> None:
    code, out = invoke("show", "pol-03")
    assert code == 0
    for section in ("why", "what_to_do", "rule_checks", "rule_failing_example", "rule_passing_example"):
        assert LABELS[section]["en"] in out
    assert "min_admins" in out  # the condition, as written in the pack


def test_a_rule_page_in_french_has_no_english_labels_or_texts() -> None:
    _, english = invoke("show", "VIS-01")
    code, french = invoke("show", "VIS-01", "--lang", "fr")
    assert code == 0
    for key, words in LABELS.items():
        if words["en"] != words["fr"] and len(words["en"].strip()) > 3 and words["en"] in english:
            assert words["en"] not in french, key
    assert "Le plan produit des visuels (photos, vidéos ou graphiques)" in french
    assert "Why it matters" not in french


def test_a_rule_pages_header_follows_french_punctuation() -> None:
    """A consultant shows `assess rules show ID --lang fr` to a client: its header wrote 'Gravité: moyenne'
    and 'MEA-03: Chaque...' where French puts a no-break space before the colon (as every report does)."""
    nbsp = "\u00a0"
    _, french = invoke("show", "MEA-03", "--lang", "fr")
    head = french.splitlines()[:3]
    assert head[0] == f"MEA-03{nbsp}: Chaque indicateur des buts a une source de données"
    assert head[1].startswith(f"Étape 10 (Mesure){nbsp}: ")
    assert head[2].startswith(f"Gravité{nbsp}: moyenne   Jeu de règles{nbsp}: core ")
    assert f"Source{nbsp}: 10-measurement.yaml" in head[2]
    _, english = invoke("show", "MEA-03")
    assert english.splitlines()[:3] == [
        "MEA-03: Every goal metric has a data source",
        "Step 10 (Measurement): Measure, see what works, and do more of it.",
        "Severity: medium   Pack: core 1.0.0   Source: 10-measurement.yaml",
    ]


def test_an_unknown_rule_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["rules", "show", "ZZZ-99"])
    assert result.exit_code == 2
    assert "no rule 'ZZZ-99'" in result.stderr
