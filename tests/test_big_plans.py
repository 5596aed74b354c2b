"""Big plans (issue 15, part 4): --max-size raises the read limit; a big plan's source map is compact.

Peak memory against file size is measured by `bench/memory.py` (printed, not asserted).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import assess.plan._jsonparse as jsonparse
from assess.cli import cli
from assess.config import Config
from assess.errors import ConfigError
from assess.plan.sourcemap import COMPACT_ABOVE, CompactPositions, SourceMap
from assess.reading import parse_size
from bench.memory import big_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN = str(ROOT / "samples" / "exemplary.json")  # 11 KB


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("52428800", 52428800),
        ("50MB", 50 * 1024**2),
        ("50 MiB", 50 * 1024**2),
        ("512k", 512 * 1024),
        ("1.5GB", 1610612736),
    ],
)
def test_sizes_are_read_with_their_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-5MB", "0", "5 TB", ""])
def test_a_bad_size_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(text)


def test_max_size_lowers_and_raises_the_limit_on_the_command_line() -> None:
    small = CliRunner().invoke(cli, [PLAN, "--no-config", "--max-size", "4KB", "--format", "json"])
    assert small.exit_code == 2
    assert "over the 4 KB limit (--max-size raises it)" in small.stderr
    assert CliRunner().invoke(cli, [PLAN, "--no-config", "--max-size", "64KB", "--fail-on", "none"]).exit_code == 0
    bad = CliRunner().invoke(cli, [PLAN, "--no-config", "--max-size", "lots"])
    assert bad.exit_code == 2 and "'lots' is not a size" in bad.stderr and "Traceback" not in bad.stderr
    assert CliRunner().invoke(cli, ["validate", PLAN, "--max-size", "4KB"]).exit_code == 2
    assert CliRunner().invoke(cli, ["validate", PLAN, "--max-size", "64KB"]).exit_code == 0


def test_max_size_is_a_configuration_key(tmp_path: Path) -> None:
    config = tmp_path / ".assess.toml"
    config.write_text('max_size = "4KB"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, [PLAN, "--config", str(config)])
    assert result.exit_code == 2 and "over the 4 KB limit" in result.stderr
    assert Config.model_validate({"max_size": 20_000_000}).max_size == 20_000_000
    with pytest.raises(ConfigError, match="max_size"):
        Config.model_validate({"max_size": "lots"})


def test_a_big_documents_compact_positions_locate_every_value_as_a_dict_does(monkeypatch: pytest.MonkeyPatch) -> None:
    text = big_plan(COMPACT_ABOVE + 500_000).decode("utf-8")
    assert len(text) > COMPACT_ABOVE
    data, compact = jsonparse.parse_json(text, 64)
    assert isinstance(compact, CompactPositions)
    monkeypatch.setattr(jsonparse, "COMPACT_ABOVE", len(text) + 1)
    same, positions = jsonparse.parse_json(text, 64)
    assert isinstance(positions, dict) and same == data and len(compact) == len(positions)
    exact, small = SourceMap(text, positions), SourceMap(text, compact)
    for pointer in list(positions)[::7]:
        assert compact[pointer] == positions[pointer]
        assert small.locate(pointer) == exact.locate(pointer)
    for missing in ["/channels/99999/name", "/nope", "/goals/0/nope/deeper"]:
        assert missing not in compact
        assert small.locate(missing) == exact.locate(missing)


def test_a_big_yaml_plan_reads_as_a_small_one_does() -> None:
    """A big YAML document (compact positions, shared strings) gives the same data, lines and aliases."""
    import json

    import yaml

    from assess.plan._yamlparse import parse_yaml

    plan = json.loads(big_plan(600_000))
    text = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
    text += "extra: &shared {a: [1, x]}\nagain: *shared\n"  # an alias, resolved as in a small document
    data, compact, aliases = parse_yaml(text, 64, 100, big=True)
    same, positions, same_aliases = parse_yaml(text, 64, 100, big=False)
    assert isinstance(compact, CompactPositions) and isinstance(positions, dict)
    assert data == same and aliases == same_aliases == {"/again": "/extra"}
    assert len(compact) == len(positions)
    exact, small = SourceMap(text, positions, aliases), SourceMap(text, compact, aliases)
    for pointer in [*list(positions)[::5], "/again/a/1", "/nope", "/goals/0/nope/deeper"]:
        assert compact.get(pointer, -1) == positions.get(pointer, -1)
        assert small.locate(pointer) == exact.locate(pointer)
    # Shared in the big reading only: a reference and the id it names are one string object.
    goal, metric = data["goals"][0], data["metrics"][0]
    assert goal["metrics"][0] == metric["id"]
    assert goal["metrics"][0] is metric["id"]
    assert same["goals"][0]["metrics"][0] is not same["metrics"][0]["id"]


@pytest.mark.parametrize(("size", "big"), [(COMPACT_ABOVE, False), (COMPACT_ABOVE + 1, True)])
def test_a_yaml_document_is_big_above_compact_above(size: int, big: bool) -> None:
    from assess.plan._yamlparse import parse_yaml
    from assess.plan.sourcemap import SHARED_UP_TO

    short, long = "s" * SHARED_UP_TO, "l" * (SHARED_UP_TO + 1)
    head = f"a: {short}\nb: [{short}, {long}]\nc: {long}\n"
    text = head + "#" * (size - len(head) - 1) + "\n"
    assert len(text) == size
    data, positions, _ = parse_yaml(text, 64, 100)
    assert data == {"a": short, "b": [short, long], "c": long}
    assert isinstance(positions, CompactPositions) is big
    assert (data["a"] is data["b"][0]) is big  # exactly SHARED_UP_TO characters: shared in a big document
    assert data["b"][1] is not data["c"]  # one more: never


_TOKENS = st.sampled_from(["0", "1", "2", "3", "01", "00", "10", "a", "", "\u0663", "~0"])


@given(
    pointers=st.lists(st.lists(_TOKENS, min_size=1, max_size=3).map(lambda t: "/" + "/".join(t)), unique=True),
    length=st.sampled_from([100, 2**31 - 1, 2**31]),
)
@settings(max_examples=300, deadline=None)
def test_compact_positions_map_what_a_dict_maps(pointers: list[str], length: int) -> None:
    """Each pointer set once, in any order (list items in order or not, objects with keys "0", "01", a
    non-ASCII digit...): every lookup answers as a dict would, with offsets on both sides of 2**31."""
    compact: CompactPositions = CompactPositions(length)
    plain: dict[str, int] = {}
    for number, pointer in enumerate(["", *pointers]):
        offset = length - 1 - number
        compact[pointer] = plain[pointer] = offset
    assert len(compact) == len(plain)
    lookalikes = [f"{pointer}/{token}" for pointer in plain for token in ("\u0663", "03", "3")]
    for probe in [*plain, *lookalikes, "/4", "/0/9", "/nope", "/01", "/1/"]:
        assert compact.get(probe, -7) == plain.get(probe, -7), probe
        assert (probe in compact) == (probe in plain)
        if probe in plain:
            assert compact[probe] == plain[probe]
        else:
            with pytest.raises(KeyError):
                compact[probe]
    compact["/0"] = plain["/0"] = 5  # set again: the last offset wins
    assert compact["/0"] == 5


def test_compact_positions_keep_a_lists_items_by_their_index_alone() -> None:
    compact = CompactPositions(1000)
    for index in range(5):
        compact[f"/a/{index}"] = 10 * index
    assert [compact.get(f"/a/{token}", -1) for token in ("3", "\u0663", "03", "5", "-1", "+3", " 3")] == [30] + [-1] * 6
