"""Big plans (issue 15, part 4): --max-size raises the read limit; a big plan's source map is compact.

Peak memory against file size is measured by `bench/memory.py` (printed, not asserted).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

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
