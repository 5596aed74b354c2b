"""The loader: documents, source maps, located errors and safety limits."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assess.plan.load
from assess.errors import PlanError, PlanLimitError, PlanReadError, PlanSyntaxError, Problem
from assess.plan.load import (
    DEFAULT_LIMITS,
    Document,
    Format,
    Limits,
    SourceMap,
    load_path,
    parse_bytes,
    pointer_join,
    pointer_parts,
)
from assess.plan.validate import validate_document

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "invalid"
BOM = b"\xef\xbb\xbf"


def problem_of(
    error: type[PlanError],
    raw: bytes | str,
    format: Format | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Problem:
    """The single, well-formed problem that parsing ``raw`` raises as ``error``."""
    data = raw.encode() if isinstance(raw, str) else raw
    with pytest.raises(PlanError) as caught:
        parse_bytes(data, "plan", format=format, limits=limits)
    assert type(caught.value) is error, caught.value
    (problem,) = caught.value.problems
    assert "\n" not in problem.message
    return problem


def where(problem: Problem) -> tuple[int | None, int | None]:
    return problem.line, problem.column


# ------------------------------------------------------------------ JSON syntax

JSON_SYNTAX_ERRORS = [
    # (text, line, column, words the message must contain)
    ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after an object member"),
    ('{"a": [1 2]}', 1, 10, "expected ',' or ']' after an array item"),
    ('{\n  "a": 1,\n}', 2, 9, "trailing comma before '}'"),
    ('{"a": [1, 2,]}', 1, 12, "trailing comma before ']'"),
    ('{"a": "abc}', 1, 7, "unterminated string"),
    ('{"a": "ab\nc"}', 1, 7, "unterminated string"),
    ('{"a": "tab\there"}', 1, 11, "control character U+0009"),
    ('{"a": "\\x41"}', 1, 8, "invalid escape '\\\\x'"),
    ('{"a": "\\u12G4"}', 1, 9, "expected 4 hexadecimal digits"),
    ('{"a": "\\ud800"}', 1, 7, "surrogate"),
    ('{"a": }', 1, 7, "expected a value, found '}'"),
    ('{"a":', 1, 6, "expected a value, found the end of the input"),
    ('{"a" 1}', 1, 6, "expected ':' after the member name \"a\""),
    ("{1: 2}", 1, 2, "expected a member name in double quotes after '{'"),
    ("{'a': 1}", 1, 2, "double quotes"),
    ("{\"a\": 'x'}", 1, 7, "double quotes"),
    ('{"a": yes}', 1, 7, "expected a value, found 'yes'"),
    ('{"a": True}', 1, 7, "write true"),
    ('{"a": None}', 1, 7, "write null"),
    ('{"a": 1} // note', 1, 10, "expected the end of the document"),
    ('{"a": /* c */ 1}', 1, 7, "comments are not allowed"),
    ('{"a": 01}', 1, 7, "leading zeros"),
    ('{"a": -01}', 1, 7, "leading zeros"),
    ('{"a": 1.}', 1, 9, "expected a digit after '.'"),
    ('{"a": .5}', 1, 7, "expected a value, found '.'"),
    ('{"a": 1e+}', 1, 9, "expected a digit after the exponent"),
    ('{"a": -}', 1, 8, "expected a digit after '-'"),
    ('{"a": +1}', 1, 7, "expected a value, found '+'"),
    ('{"a": 1e400}', 1, 7, "too large"),
    ('{"a": ' + "1" * 5000 + "}", 1, 7, "too long"),
    ('{"a": 1}}', 1, 9, "expected the end of the document, found '}'"),
    ('{"a": [1}', 1, 9, "expected ',' or ']' after an array item, found '}'"),
    ('{"a": {"b": 1]', 1, 14, "expected ',' or '}' after an object member, found ']'"),
    ('{\n  "a": [\n    1,\n    2\n', 4, 6, "the array opened on line 2 is not closed"),
    ("{\n", 1, 2, "expected a member name in double quotes after '{', found the end of the input"),
    ("{\u00a0}", 1, 2, "found U+00A0"),
    ('{"a": 1}\ufeff', 1, 9, "found U+FEFF"),
]


@pytest.mark.parametrize(("text", "line", "column", "words"), JSON_SYNTAX_ERRORS)
def test_json_syntax_error_is_located_and_says_what_was_expected(text: str, line: int, column: int, words: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "json")
    assert where(problem) == (line, column)
    assert words in problem.message
    assert problem.file == "plan"
    assert problem.excerpt is not None
    assert problem.excerpt.splitlines()[1] == " " * (column - 1) + "^"


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_rejected(word: str) -> None:
    problem = problem_of(PlanSyntaxError, '{"goals": [{"target_value": ' + word + "}]}", "json")
    assert where(problem) == (1, 29)
    assert problem.message == f"{word} is not valid JSON; write a number or null"
    assert problem.pointer == "/goals/0/target_value"


def test_json_duplicate_key_names_the_key_and_its_first_line() -> None:
    text = '{\n  "organization": {\n    "name": "A",\n    "type": "charity",\n    "name": "B"\n  }\n}'
    problem = problem_of(PlanSyntaxError, text, "json")
    assert where(problem) == (5, 5)
    assert problem.message == 'duplicate key "name" (first defined on line 3)'
    assert problem.pointer == "/organization/name"


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('{"plan": {"title": "x"}', ""),  # the document's own object is the one left open
        ('{"plan": {"title": "x"', "/plan"),
        ('{"a": [1, 2', "/a"),
        ('{"a": [{"b": 1}', "/a"),
        ('{"a": [{"b": 1', "/a/0"),
    ],
)
def test_end_of_input_names_the_container_left_open(text: str, pointer: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "json")
    assert "is not closed" in problem.message
    assert problem.pointer == pointer


def test_a_member_that_does_not_follow_names_the_member_before_it() -> None:
    problem = problem_of(PlanSyntaxError, '{"plan": {"title": "x"},', "json")
    assert problem.pointer == "/plan"  # not the unclosed root: the error is what ought to follow /plan


def test_syntax_error_names_the_pointer_of_the_value_being_read() -> None:
    problem = problem_of(PlanSyntaxError, '{"goals": [{"id": "g1"}, {"id": tru}]}', "json")
    assert problem.pointer == "/goals/1/id"


@pytest.mark.parametrize(
    ("text", "found"),
    [("[]", "an array"), ('"plan"', "a string"), ("12", "a number"), ("true", "a boolean"), ("null", "null")],
)
def test_json_top_level_must_be_an_object(text: str, found: str) -> None:
    problem = problem_of(PlanSyntaxError, "\n  " + text, "json")
    assert where(problem) == (2, 3)
    assert problem.message == f"a plan must be a JSON object at the top level, found {found}"


@pytest.mark.parametrize("text", ["", "  \n\t\r\n"])
def test_json_empty_document_is_rejected(text: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "json")
    assert where(problem) == (1, 1)
    assert "empty" in problem.message


def test_json_values_are_those_of_the_stdlib() -> None:
    text = '{"i": -12, "f": 1.5e3, "z": -0, "s": "caf\\u00e9 \\ud83d\\ude00 \\/", "l": [true, false, null, {}, []]}'
    document = parse_bytes(text.encode(), "plan.json")
    assert document.data == json.loads(text)
    assert type(document.data["i"]) is int
    assert type(document.data["f"]) is float


# ------------------------------------------------------------------ YAML

YAML_SYNTAX_ERRORS = [
    ("organization:\n  name: A\n type: charity\n", 3, 2, "expected a key at this indentation"),
    ("organization:\n  name: A\n    type: charity\n", 3, 9, "unexpected ':'"),
    ("a: b: c\n", 1, 5, "unexpected ':'"),
    ("a: 1\nplain text\nb: 2\n", 2, 1, "expected ':' after this key"),
    ("a: [1, 2\n", 1, 9, "expected ',' or ']'"),
    ("a: {b: 1\n", 1, 9, "expected ',' or '}'"),
    ("a: 'unterminated\n", 1, 17, "unterminated quoted string"),
    ('a: "unterminated\n', 1, 17, "unterminated quoted string"),
    ("a:\n\t- 1\n", 2, 1, "tabs are not allowed for indentation"),
    ("a: @x\n", 1, 4, "'@' cannot start a value"),
    ("a: 1\n---\nb: 2\n", 2, 1, "one YAML document"),
    ("a: 1\n...\n---\nb: 2\n", 3, 1, "one YAML document"),
    ("a: *missing\n", 1, 4, "alias *missing has no anchor &missing before it"),
    ("a: &x [1, *x]\n", 1, 11, "alias *x is inside the node it refers to"),
    ("a: &x {b: &x [1, *x]}\n", 1, 18, "alias *x is inside the node it refers to"),
    ("a: \x01\n", 1, 4, "character U+0001 is not allowed"),
    ('a: "\\ud800"\n', 1, 7, "invalid escape"),
    ("%YAML 2.0\n---\na: 1\n", 1, 1, "unsupported %YAML version"),
    ("a: .nan\n", 1, 4, "JSON has no NaN or infinity; write a number or null"),
    ("a: -.inf\n", 1, 4, "JSON has no NaN or infinity"),
    ("a: 1e999\n", 1, 4, "too large"),
    ("a: !!int 1.5\n", 1, 4, "'1.5' is not a valid !!int"),
    ("a: !!bool yes\n", 1, 4, "'yes' is not a valid !!bool"),
]


@pytest.mark.parametrize(("text", "line", "column", "words"), YAML_SYNTAX_ERRORS)
def test_yaml_syntax_error_is_located_and_says_what_was_expected(text: str, line: int, column: int, words: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "yaml")
    assert where(problem) == (line, column)
    assert words in problem.message
    assert problem.excerpt is not None


def test_yaml_duplicate_key_names_the_key_and_its_first_line() -> None:
    text = "channels:\n  - id: fb\n    status: active\n    status: paused\n"
    problem = problem_of(PlanSyntaxError, text, "yaml")
    assert where(problem) == (4, 5)
    assert problem.message == 'duplicate key "status" (first defined on line 3)'
    assert problem.pointer == "/channels/0/status"


@pytest.mark.parametrize(
    ("key", "found"),
    [("2024", "the number 2024"), ("1.5", "the number 1.5"), ("true", "the boolean true"), ("null", "null")],
)
def test_yaml_keys_must_be_strings(key: str, found: str) -> None:
    problem = problem_of(PlanSyntaxError, f"a:\n  {key}: x\n", "yaml")
    assert where(problem) == (2, 3)
    assert problem.message == f"mapping keys must be strings, found {found}; quote the key"


@pytest.mark.parametrize(("text", "found"), [("? [a]\n: 1\n", "a list"), ("? {a: 1}\n: 1\n", "a mapping")])
def test_yaml_complex_keys_are_rejected(text: str, found: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "yaml")
    assert where(problem) == (1, 3)
    assert problem.message == f"mapping keys must be strings, found {found}"


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object:os.system",
        "!!python/object/apply:os.system",
        "!!python/name:os.system",
        "!!binary",
        "!!timestamp",
        "!custom",
    ],
)
def test_yaml_tags_outside_the_core_schema_are_rejected_not_constructed(tag: str) -> None:
    problem = problem_of(PlanSyntaxError, f"a: {tag} x\n", "yaml")
    assert where(problem) == (1, 4)
    assert problem.message.startswith(f"YAML tag {tag} is not allowed")


@pytest.mark.parametrize("text", ["s: !!set {a, b}\n", "o: !!omap [a: 1]\n", "m: !!seq {a: 1}\n"])
def test_yaml_collection_tags_outside_the_core_schema_are_rejected(text: str) -> None:
    assert "is not allowed" in problem_of(PlanSyntaxError, text, "yaml").message


def test_yaml_merge_keys_are_rejected() -> None:
    text = "base: &base {status: active}\nchannel:\n  <<: *base\n  id: fb\n"
    problem = problem_of(PlanSyntaxError, text, "yaml")
    assert where(problem) == (3, 3)
    assert "merge keys" in problem.message


def test_yaml_quoted_merge_key_is_an_ordinary_key() -> None:
    assert parse_bytes(b'"<<": 1\n', "p.yaml").data == {"<<": 1}


@pytest.mark.parametrize(
    ("text", "found"),
    [("- a\n- b\n", "a list"), ("just some text\n", "a string"), ("~\n", "null"), ("42\n", "a number")],
)
def test_yaml_top_level_must_be_a_mapping(text: str, found: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "yaml")
    assert where(problem) == (1, 1)
    assert problem.message == f"a plan must be a YAML mapping at the top level, found {found}"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "--- # nothing\n...\n"])
def test_yaml_empty_document_is_rejected(text: str) -> None:
    problem = problem_of(PlanSyntaxError, text, "yaml")
    assert where(problem) == (1, 1)
    assert "empty" in problem.message


def test_yaml_scalars_resolve_like_json_not_yaml_1_1() -> None:
    text = """
date: 2024-05-01
stamp: 2024-05-01T10:00:00Z
words: [yes, no, on, off, y, n, Yes, NO]
bools: [true, false, True, FALSE]
nulls: [~, null, Null, NULL, !!null ""]
empty:
ints: [0, -12, +7, 012, 0x1F, 0o17]
floats: [1.5, -0.5, 1e3, .5, 2.]
strings: [1_000, "12", '1.5', 1:30, 0b101, !!str 3, ! 4, v1.0]
tagged: [!!int "12", !!float 3, !!bool "true", !!null ""]
block: |
  line one
  line two
"""
    assert parse_bytes(text.encode(), "p.yaml").data == {
        "date": "2024-05-01",
        "stamp": "2024-05-01T10:00:00Z",
        "words": ["yes", "no", "on", "off", "y", "n", "Yes", "NO"],
        "bools": [True, False, True, False],
        "nulls": [None, None, None, None, None],
        "empty": None,
        "ints": [0, -12, 7, 12, 31, 15],
        "floats": [1.5, -0.5, 1000.0, 0.5, 2.0],
        "strings": ["1_000", "12", "1.5", "1:30", "0b101", "3", "4", "v1.0"],
        "tagged": [12, 3.0, True, None],
        "block": "line one\nline two\n",
    }


def test_yaml_aliases_share_the_anchored_value() -> None:
    text = "defaults: &d {status: active, admins: [ana, ben]}\nfb: *d\nname: &n Riverbend\nalso: *n\n"
    data = parse_bytes(text.encode(), "p.yaml").data
    assert data["fb"] == {"status": "active", "admins": ["ana", "ben"]}
    assert data["fb"] is data["defaults"]
    assert data["also"] == "Riverbend"


def test_yaml_alias_repeats_the_latest_anchor_of_its_name() -> None:
    data = parse_bytes(b"a: &x [1, {b: &x 2}, *x]\nc: *x\n", "p.yaml").data
    assert data == {"a": [1, {"b": 2}, 2], "c": 2}


def test_yaml_alias_may_be_a_key_when_it_is_a_string() -> None:
    assert parse_bytes(b"a: &k name\n*k : 1\n", "p.yaml").data == {"a": "name", "name": 1}


def test_yaml_and_json_give_the_same_data() -> None:
    json_text = '{"schema_version": "1.0", "organization": {"name": "A", "type": "charity"}, "goals": []}'
    yaml_text = 'schema_version: "1.0"\norganization:\n  name: A\n  type: charity\ngoals: []\n'
    assert parse_bytes(json_text.encode(), "p.json").data == parse_bytes(yaml_text.encode(), "p.yaml").data


# ------------------------------------------------------------------ limits


def nested(depth: int) -> bytes:
    """A plan whose deepest container is at ``depth`` (the root object is level 1)."""
    inner = depth - 1
    return ('{"a": ' + "[" * inner + "]" * inner + "}").encode()


def test_nesting_depth_64_is_accepted_and_65_rejected_in_json() -> None:
    assert parse_bytes(nested(64), "p.json").data["a"]
    problem = problem_of(PlanLimitError, nested(65), "json")
    assert where(problem) == (1, 7 + 63)
    assert problem.pointer == "/a" + "/0" * 63
    assert "deeper than 64 levels" in problem.message


def test_nesting_depth_64_is_accepted_and_65_rejected_in_yaml() -> None:
    def block(depth: int) -> bytes:
        return "".join("  " * level + "k:\n" for level in range(depth)).encode() + b"  " * depth + b"k: v\n"

    assert parse_bytes(block(63), "p.yaml").data
    problem = problem_of(PlanLimitError, block(64), "yaml")
    assert where(problem) == (65, 129)
    assert problem.pointer == "/k" * 64


def test_huge_nesting_fails_fast_without_recursion_errors() -> None:
    cases: list[tuple[str, Format]] = [
        ('{"a":' + "[" * 1_000_000, "json"),
        ('{"a":' * 500_000, "json"),
        ("a: " + "[" * 500_000, "yaml"),
    ]
    for text, format in cases:
        assert problem_of(PlanLimitError, text, format).line == 1


def test_depth_limit_is_configurable() -> None:
    assert problem_of(PlanLimitError, b'{"a": {"b": {}}}', "json", Limits(max_depth=2)).pointer == "/a/b"
    assert parse_bytes(nested(100), "p.json", limits=Limits(max_depth=100)).data


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_rejected_quickly() -> None:
    problem = problem_of(PlanLimitError, BILLION_LAUGHS, "yaml")
    # 9 uses of *a, then 9 of *b that each repeat 9 more: 99; the first *c makes 190.
    assert where(problem) == (4, 8)
    assert problem.pointer == "/d/0"
    assert "more than 100" in problem.message


def test_alias_uses_count_against_a_configurable_limit() -> None:
    text = "a: &a x\n" + "".join(f"k{i}: *a\n" for i in range(5))
    assert parse_bytes(text.encode(), "p.yaml", limits=Limits(max_aliases=5)).data["k4"] == "x"
    assert where(problem_of(PlanLimitError, text, "yaml", Limits(max_aliases=4))) == (6, 5)


def test_aliases_cannot_smuggle_nesting_past_the_depth_limit() -> None:
    text = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 70))
    problem = problem_of(PlanLimitError, text, "yaml", Limits(max_aliases=10_000))
    assert "nests deeper than 64 levels" in problem.message
    assert problem.line == 64


def test_oversized_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"{}" + b" " * (DEFAULT_LIMITS.max_bytes - 1))
    with pytest.raises(PlanLimitError) as caught:
        load_path(path)
    (problem,) = caught.value.problems
    assert problem.message == f"{path} is 10,485,761 bytes, over the 10,485,760-byte limit (--max-size raises it)"
    assert problem.line is None


def test_oversized_file_is_rejected_from_its_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    with path.open("wb") as file:
        file.truncate(int(12.3 * 1024 * 1024))  # sparse: nothing to read
    with pytest.raises(PlanLimitError) as caught:
        load_path(str(path))
    assert caught.value.problems[0].message == f"{path} is 12.3 MB, over the 10 MB limit (--max-size raises it)"


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b'{"a": 1}' + b" " * 92)
    assert load_path(path, limits=Limits(max_bytes=100)).data == {"a": 1}
    path.write_bytes(b'{"a": 1}' + b" " * 93)
    with pytest.raises(PlanLimitError, match=r"is 101 bytes, over the 100 bytes limit"):
        load_path(path, limits=Limits(max_bytes=100))


def test_oversized_bytes_are_rejected() -> None:
    with pytest.raises(PlanLimitError, match=r"^plan:.*plan is 2 KB, over the 1 KB limit"):
        parse_bytes(b" " * 2048, "plan", limits=Limits(max_bytes=1024))


# ------------------------------------------------------------------ reading


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanReadError) as caught:
        load_path(tmp_path / "nope.json")
    (problem,) = caught.value.problems
    assert problem.message == "no such file"
    assert problem.file == str(tmp_path / "nope.json")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanReadError, match="is a directory"):
        load_path(tmp_path)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(assess.plan.load, "open", refuse, raising=False)
    with pytest.raises(PlanReadError, match="permission denied"):
        load_path(tmp_path / "plan.json")


def test_unusable_file_name() -> None:
    with pytest.raises(PlanReadError, match="cannot be read"):
        load_path("plan\0.json")


def test_invalid_utf8_is_located_at_the_first_bad_byte() -> None:
    raw = '{\n  "name": "café'.encode() + b' \xe9t\xe9"\n}'
    problem = problem_of(PlanReadError, raw)
    assert where(problem) == (2, 17)
    assert problem.message == "not valid UTF-8 (byte 0xE9: invalid continuation byte); save the file as UTF-8"
    assert problem.excerpt == '  "name": "café \ufffdt\ufffd"\n                ^'


def test_truncated_utf8_sequence_at_the_end() -> None:
    assert where(problem_of(PlanReadError, b'{"a": "\xe2\x82')) == (1, 8)


def test_utf16_is_named() -> None:
    problem = problem_of(PlanReadError, '{"a": 1}'.encode("utf-16"))
    assert where(problem) == (1, 1)
    assert "UTF-16" in problem.message


@pytest.mark.parametrize(
    ("raw", "format"),
    [
        (b'{"a": 1}', "json"),
        (b' \n\t{"a": 1}', "json"),
        (BOM + b'{"a": 1}', "json"),
        (b"a: 1", "yaml"),
        (b"'a': 1", "yaml"),
    ],
)
def test_format_is_sniffed_from_the_first_character(raw: bytes, format: str) -> None:
    assert parse_bytes(raw, "x").format == format


def test_sniffed_array_is_json() -> None:
    assert "JSON object" in problem_of(PlanSyntaxError, b" [1]").message


def test_format_follows_the_extension(tmp_path: Path) -> None:
    for name, format in [("p.json", "json"), ("p.YAML", "yaml"), ("p.yml", "yaml"), ("p.txt", "yaml")]:
        (tmp_path / name).write_text("a: 1" if format == "yaml" else '{"a": 1}')
        document = load_path(tmp_path / name)
        assert (document.format, document.data) == (format, {"a": 1})
    (tmp_path / "q.json").write_text("{a: 1}")
    with pytest.raises(PlanSyntaxError, match="member name in double quotes"):
        load_path(tmp_path / "q.json")


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a: 1\n")))
    document = load_path("-")
    assert (document.name, document.format, document.data) == ("<stdin>", "yaml", {"a": 1})


def test_stdin_over_the_limit_reads_no_further(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.BytesIO(b"{" + b" " * 10_000)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
    with pytest.raises(PlanLimitError, match=r"<stdin> is over the 1000 bytes limit"):
        load_path("-", limits=Limits(max_bytes=1000))
    assert stream.tell() == 1001


def test_document_fields(tmp_path: Path) -> None:
    raw = BOM + b'{"schema_version": "1.0"}'
    (tmp_path / "p.json").write_bytes(raw)
    document = load_path(tmp_path / "p.json")
    assert isinstance(document, Document)
    assert document.name == str(tmp_path / "p.json")
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert document.format == "json"
    assert document.data == {"schema_version": "1.0"}


# ------------------------------------------------------------------ source map

PLAN_JSON = """\
{
  "organization": {"name": "Café ☕ Amis", "type": "charity"},
  "channels": [
    {"id": "fb", "platform": "facebook"},
    "ig"
  ],
  "odd/key": {"til~de": 1}
}
"""

PLAN_YAML = """\
organization:
  name: Café ☕ Amis
  type: charity
channels:
  - id: fb
    platform: facebook
  -   ig
flow: {x: [1, 2]}
"odd/key":
  til~de: 1
defaults: &d
  status: active
copy: *d
"""


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        ("", (1, 1)),
        ("/organization", (2, 3)),
        ("/organization/name", (2, 20)),
        ("/organization/type", (2, 43)),
        ("/channels", (3, 3)),
        ("/channels/0", (4, 5)),
        ("/channels/0/platform", (4, 18)),
        ("/channels/1", (5, 5)),
        ("/odd~1key", (7, 3)),
        ("/odd~1key/til~0de", (7, 15)),
        # Missing: the nearest existing parent.
        ("/organization/size", (2, 3)),
        ("/channels/7/owner", (3, 3)),
        ("/nothing/here", (1, 1)),
        ("not a pointer", (1, 1)),
    ],
)
def test_json_pointers_locate_keys_and_items(pointer: str, position: tuple[int, int]) -> None:
    assert parse_bytes(PLAN_JSON.encode(), "p.json").source_map.locate(pointer) == position


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        ("", (1, 1)),
        ("/organization", (1, 1)),
        ("/organization/name", (2, 3)),
        ("/organization/type", (3, 3)),
        ("/channels/0", (5, 5)),
        ("/channels/0/platform", (6, 5)),
        ("/channels/1", (7, 7)),
        ("/flow/x/1", (8, 15)),
        ("/odd~1key", (9, 1)),
        ("/odd~1key/til~0de", (10, 3)),
        ("/copy", (13, 1)),
        ("/copy/status", (12, 3)),  # inside an alias: where the anchored node says it
        ("/copy/missing", (13, 1)),
        ("/channels/0/owner", (5, 5)),
    ],
)
def test_yaml_pointers_locate_keys_and_items(pointer: str, position: tuple[int, int]) -> None:
    assert parse_bytes(PLAN_YAML.encode(), "p.yaml").source_map.locate(pointer) == position


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_bom_is_accepted_and_positions_ignore_it(format: Format) -> None:
    text = '{"a": {"b": 1}}' if format == "json" else "a:\n  b: 1\n"
    document = parse_bytes(BOM + text.encode(), "p", format=format)
    assert document.data == {"a": {"b": 1}}
    assert document.source_map.locate("/a") == ((1, 2) if format == "json" else (1, 1))
    assert problem_of(PlanSyntaxError, BOM + b'{"a": 1,}', "json").column == 8


def test_columns_count_characters_and_all_line_endings_count() -> None:
    raw = '{"é😀": 1,\r\n "b": 2,\r "c": 3,\n "d": x}'.encode()
    with pytest.raises(PlanSyntaxError) as caught:
        parse_bytes(raw, "p.json")
    assert where(caught.value.problems[0]) == (4, 7)
    document = parse_bytes(raw.replace(b"x", b"4"), "p.json")
    assert [document.source_map.locate(p) for p in ("/é😀", "/b", "/c", "/d")] == [(1, 2), (2, 2), (3, 2), (4, 2)]


def test_excerpt_keeps_tabs_so_the_caret_lines_up() -> None:
    source_map = SourceMap('{\n\t\t"a": x\n}', {"": 0})
    assert source_map.excerpt(2, 8) == '\t\t"a": x\n\t\t     ^'


def test_excerpt_accounts_for_wide_characters() -> None:
    assert SourceMap("名前: x", {"": 0}).excerpt(1, 5) == "名前: x\n      ^"


def test_excerpt_clips_long_lines_around_the_column() -> None:
    line = "x" * 300 + "!" + "y" * 300
    first, caret = SourceMap(line, {"": 0}).excerpt(1, 301).split("\n")
    assert first.startswith("...")
    assert first.endswith("...")
    assert len(first) <= 110
    assert first[caret.index("^")] == "!"
    first, caret = SourceMap(line, {"": 0}).excerpt(1, 601).split("\n")
    assert first.startswith("...")
    assert first.endswith("y")
    assert first[caret.index("^")] == "y"


def test_excerpt_of_a_line_that_does_not_exist_is_empty() -> None:
    assert SourceMap("a", {"": 0}).excerpt(5, 1) == ""


def test_empty_source_map_has_no_positions() -> None:
    assert SourceMap.empty().locate("") is None
    assert SourceMap.empty().locate("/a/b") is None
    assert SourceMap.empty().excerpt(1, 1) == ""


def test_pointer_helpers_follow_rfc_6901() -> None:
    pointer = pointer_join(pointer_join(pointer_join("", "a/b"), "m~n"), 0)
    assert pointer == "/a~1b/m~0n/0"
    assert pointer_parts(pointer) == ["a/b", "m~n", "0"]
    assert pointer_parts("") == []
    assert pointer_parts("/~01") == ["~1"]
    with pytest.raises(ValueError, match="must be empty or start with '/'"):
        pointer_parts("a")


# ------------------------------------------------------------------ samples

INVALID_SAMPLES = {
    "syntax-error.json": (PlanSyntaxError, 11, 5),
    "trailing-comma.json": (PlanSyntaxError, 6, 63),
    "duplicate-key.json": (PlanSyntaxError, 11, 7),
    "nan.json": (PlanSyntaxError, 9, 23),
    "top-level-array.json": (PlanSyntaxError, 1, 1),
    "invalid-utf8.json": (PlanReadError, 4, 17),
    "too-deep.json": (PlanLimitError, 5, 79),
    "billion-laughs.yaml": (PlanLimitError, 10, 17),
    "syntax-error.yaml": (PlanSyntaxError, 5, 2),
    "duplicate-key.yaml": (PlanSyntaxError, 10, 5),
}


@pytest.mark.parametrize(("name", "expected"), INVALID_SAMPLES.items())
def test_invalid_sample_fails_with_file_line_and_column(name: str, expected: tuple[type[PlanError], int, int]) -> None:
    error, line, column = expected
    path = SAMPLES / name
    with pytest.raises(PlanError) as caught:
        load_path(path)
    assert type(caught.value) is error
    (problem,) = caught.value.problems
    assert where(problem) == (line, column)
    assert "\n" not in problem.message
    assert str(caught.value).startswith(f"{path}:{line}:{column}: ")
    assert problem.excerpt is not None


# ------------------------------------------------------------------ the quick way (lazy=True)


LAZY_TEXTS = [
    (Path(__file__).resolve().parent.parent / "samples" / "exemplary.json").read_text(encoding="utf-8"),
    '{"a~b": {"c/d": [1, {"e": [ ]}, "x"]}, "": {"": 2}, "f":{}}',
    '\n\t{ "a" :\r\n [ [ [ ] , [ 1 ] ] , { } ] , "b" : "\\u00e9\\"\\\\" }  \n',
]


@pytest.mark.parametrize("decode_to_skip", [True, False])
@pytest.mark.parametrize("text", LAZY_TEXTS)
def test_lazy_positions_are_the_strict_parsers(text: str, decode_to_skip: bool) -> None:
    from assess.plan._jsonparse import LazyPositions, parse_json, parse_json_quickly

    data, strict = parse_json(text, 64)
    assert isinstance(strict, dict)  # a small document: the parser's plain dict
    assert parse_json_quickly(text) == data
    lazy = LazyPositions(text, decode_to_skip=decode_to_skip)
    asked = [*strict, "/nope", "/a~b/c~1d/7", "/a~b/c~1d/01", "x", "/a~b/c~1d/1/e/0/deeper"]
    for pointer in reversed(asked):  # deepest first: each lookup reads its way down on its own
        assert lazy.get(pointer, -1) == strict.get(pointer, -1), pointer
        assert (pointer in lazy) == (pointer in strict)
    assert SourceMap(text, lazy).locate("/a~b/missing/deeper") == SourceMap(text, strict).locate("/a~b/missing/deeper")


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    # Brackets, quotes and backslashes inside strings are what a bracket counter must not count.
    | st.text(alphabet=st.sampled_from('ab []{}",:\\/\n\u00e9\U0001f600'), max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(alphabet='k[]{}"\\', max_size=4), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(
    value=_JSON_VALUES,
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
    prefix=st.sampled_from(["", " ", "[", '{"k": ']),
)
@settings(max_examples=300, deadline=None)
def test_value_end_finds_where_the_decoder_stops(value: Any, indent: int | None, ascii_only: bool, prefix: str) -> None:
    """The scanning skip ends every value exactly where the C decoder does, without building it."""
    from assess.plan._jsonparse import _make_scanner, value_end

    scan = _make_scanner(json.JSONDecoder())
    text = prefix + json.dumps(value, indent=indent, ensure_ascii=ascii_only) + ", 1]"
    start = len(prefix)
    assert value_end(text, start, scan) == scan(text, start)[1]


def test_a_big_documents_positions_are_found_without_copying_it() -> None:
    """Above `COMPACT_ABOVE` characters a value is skipped by scanning: finding a position copies nothing big."""
    import tracemalloc

    from assess.plan._jsonparse import LazyPositions
    from assess.plan.sourcemap import COMPACT_ABOVE

    items = [{"id": f"g{i}", "text": "[a {long} text] " * 40, "tags": ["x", "y"]} for i in range(3000)]
    text = json.dumps({"goals": items, "last": {"here": 1}}, indent=2)
    assert len(text) > COMPACT_ABOVE
    for decode_to_skip, bounded in ((None, True), (True, False)):
        lazy = LazyPositions(text, decode_to_skip=decode_to_skip)
        tracemalloc.start()
        try:
            found = lazy.get("/last/here", -1)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert text[found:].startswith('"here"')
        # Decoding `/goals` to skip it builds ~2x the text; scanning holds a few positions.
        assert (peak < len(text) // 20) is bounded, (decode_to_skip, peak, len(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": NaN}',
        '{"a": -Infinity}',
        '{"a": 1e400}',
        '{"a": "\\ud800"}',
        '{"a": "\\uDFFF x"}',
        "[1, 2]",
        '"text"',
        '{"a": 1,}',
        '{"a": 01}',
        "",
        '{"a": ' + "1" * 5000 + "}",
    ],
)
@pytest.mark.parametrize("share_strings", [None, True, False])
def test_the_quick_way_gives_up_on_what_the_strict_parser_refuses(text: str, share_strings: bool | None) -> None:
    from assess.plan._jsonparse import parse_json_quickly

    assert parse_json_quickly(text, share_strings=share_strings) is None


@given(value=st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=6), indent=st.sampled_from([None, 2]))
@settings(max_examples=300, deadline=None)
def test_sharing_strings_gives_the_same_data(value: dict[str, Any], indent: int | None) -> None:
    """Shared or not, the quick way reads what the C decoder reads (equal, and of the same types)."""
    from assess.plan._jsonparse import parse_json_quickly

    text = json.dumps(value, indent=indent, ensure_ascii=False)  # no escaped surrogates: the quick way reads it
    shared, plain = parse_json_quickly(text, share_strings=True), parse_json_quickly(text, share_strings=False)
    assert shared == plain == json.loads(text)
    assert json.dumps(shared) == json.dumps(plain) == json.dumps(value)  # the same types too (1 == 1.0 == True)


def test_a_big_document_shares_its_short_strings() -> None:
    """Above `COMPACT_ABOVE` characters equal strings of up to `SHARED_UP_TO` characters are one object, longer
    ones are not; at or below it nothing is shared; and the repeated references of a big plan cost no memory."""
    import tracemalloc

    from assess.plan._jsonparse import parse_json_quickly
    from assess.plan.sourcemap import COMPACT_ABOVE, SHARED_UP_TO

    short, long = "s" * SHARED_UP_TO, "l" * (SHARED_UP_TO + 1)
    ids = [f"metric-{i}" for i in range(500)]
    plan = {
        "metrics": [{"id": i, "name": short, "note": long} for i in ids],
        "goals": [{"id": f"goal-{g}", "metrics": ids, "notes": [short, long, 3]} for g in range(60)],
    }
    text = json.dumps(plan, indent=1)
    assert len(text) < COMPACT_ABOVE
    for size, shares in ((COMPACT_ABOVE, False), (COMPACT_ABOVE + 1, True)):
        padded = text[:-1] + " " * (size - len(text)) + "}"
        assert len(padded) == size
        tracemalloc.start()
        try:
            data = parse_json_quickly(padded)
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert data == plan
        assert data is not None
        first, second = data["goals"][0], data["goals"][1]
        assert (first["metrics"][7] is second["metrics"][7] is data["metrics"][7]["id"]) is shares
        assert (first["notes"][0] is data["metrics"][3]["name"]) is shares  # exactly SHARED_UP_TO characters
        assert first["notes"][1] is not data["metrics"][3]["note"]  # one more: never shared
        # 30,000 references of ~57 bytes each: ~1.7 MB as copies, nothing much shared.
        assert (held < 600_000) is shares, held


def test_a_lazily_read_document_too_deep_gets_the_strict_parsers_error() -> None:
    import assess

    plan = json.loads((Path(__file__).resolve().parent.parent / "samples" / "exemplary.json").read_text("utf-8"))
    deep: Any = []
    for _ in range(80):
        deep = [deep]
    plan["organization"]["extra"] = deep  # also a schema problem: the nesting must be what is reported
    text = json.dumps(plan, indent=2)
    with pytest.raises(PlanLimitError) as lazy:
        assess.load_plan(text)
    with pytest.raises(PlanLimitError) as strict:
        validate_document(parse_bytes(text.encode(), "<memory>"))
    assert lazy.value.problems == strict.value.problems
    assert lazy.value.problems[0].line is not None


def test_no_valid_plan_nests_deeper_than_plan_depth() -> None:
    """The quick way leaves nesting to the schema: it must bound it below `PLAN_DEPTH` (and the default limit)."""
    from assess.plan.load import DEFAULT_LIMITS, PLAN_DEPTH
    from assess.resources import PLAN_SCHEMA_PATH

    schema = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))

    def depth(node: Any, seen: frozenset[str]) -> int:
        if not isinstance(node, dict):
            return 0
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            assert name not in seen, f"{name} refers to itself: nesting unbounded"
            return depth(schema["$defs"][name], seen | {name})
        deepest = max((depth(sub, seen) for key in ("anyOf", "oneOf", "allOf") for sub in node.get(key, [])), default=0)
        if node.get("type") == "object" or "properties" in node:
            assert node.get("additionalProperties") is False, "an open object could nest anything"
            deepest = max(deepest, 1 + max((depth(v, seen) for v in node.get("properties", {}).values()), default=0))
        if node.get("type") == "array" or "items" in node:
            deepest = max(deepest, 1 + depth(node.get("items", {}), seen))
        return deepest

    assert depth(schema, frozenset()) <= PLAN_DEPTH <= DEFAULT_LIMITS.max_depth


# ------------------------------------------------------------------ line and column without a table of lines

_BREAKS = st.lists(st.sampled_from(["a", "é", " ", "\n", "\r", "\r\n", "\u2028", "\x85", "\t"]), max_size=40).map(
    "".join
)


def _by_regex(text: str) -> list[int]:
    from assess.plan.sourcemap import _LINE_BREAK

    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


@given(_BREAKS)
def test_line_starts_are_where_the_line_break_pattern_ends(text: str) -> None:
    from assess.plan.sourcemap import line_starts

    assert list(line_starts(text)) == _by_regex(text)


@given(_BREAKS, st.data())
def test_counted_offsets_are_placed_as_the_table_places_them(text: str, data: st.DataObject) -> None:
    """`line_column` counts line feeds for its first offsets; the table of lines gives the same answers."""
    from assess.plan.sourcemap import SourceMap

    offsets = data.draw(st.lists(st.integers(0, len(text) + 1), max_size=10))
    counted, table = SourceMap(text, {"": 0}), SourceMap(text, {"": 0})
    table._counted = 10**9  # straight to the table
    for offset in offsets:
        assert counted.line_column(offset) == table.line_column(offset)


def test_the_first_offsets_are_counted_and_the_table_of_lines_made_after() -> None:
    from assess.plan.sourcemap import COUNTED_OFFSETS, SourceMap

    text = '{\n  "a": 1,\n\n  "b": [2, 3]\n}\n'
    source_map = SourceMap(text, {"": 0})
    for _ in range(COUNTED_OFFSETS):
        assert source_map.line_column(text.index('"b"')) == (4, 3)
    assert "_line_starts" not in vars(source_map)  # not made for a plan's dozen findings
    assert source_map.line_column(text.index("3")) == (4, 12)  # one more: the table
    assert "_line_starts" in vars(source_map)
    crlf = SourceMap(text.replace("\n", "\r\n"), {"": 0})  # a carriage return: the table from the first
    assert crlf.line_column(crlf._text.index('"b"')) == (4, 3)
    assert "_line_starts" in vars(crlf)


def test_locate_reads_each_position_once() -> None:
    """A pointer's parents are each looked up once (`get`), not tested then read: lazy positions walk for each."""
    from assess.plan.sourcemap import SourceMap

    asked: list[str] = []

    class Recorded(dict[str, int]):
        def get(self, pointer: str, default: int, /) -> int:  # type: ignore[override]
            asked.append(pointer)
            return super().get(pointer, default)

        def __contains__(self, pointer: object, /) -> bool:
            raise AssertionError("looked up by get alone")

    text = '{"a": {"b": [1, 2]}}'
    positions = Recorded({"": 0, "/a": 1, "/a/b": 7, "/a/b/1": 16})
    assert SourceMap(text, positions).locate("/a/b/1") == (1, 17)
    assert asked == ["", "/a", "/a/b", "/a/b/1"]
    asked.clear()
    assert SourceMap(text, positions).locate("/a/zz/0") == (1, 2)  # the nearest existing parent
    assert asked == ["", "/a", "/a/zz"]
