"""Properties of the loader: it never fails in an unplanned way, and agrees with the stdlib."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.errors import PlanError
from assess.plan.load import DEFAULT_LIMITS, Format, Limits, parse_bytes, pointer_join

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINE_BREAK = re.compile(r"\r\n|\r|\n")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)


def json_values(scalars: st.SearchStrategy[Any], keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5),
        max_leaves=30,
    )


def json_objects(scalars: st.SearchStrategy[Any], keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.dictionaries(keys, json_values(scalars, keys), max_size=6)


def outcome(raw: bytes, format: Format | None, limits: Limits) -> PlanError | None:
    """Parse ``raw``: None for a Document with an object at the top, else the PlanError."""
    try:
        document = parse_bytes(raw, "fuzz", format=format, limits=limits)
    except PlanError as error:
        return error
    assert isinstance(document.data, dict)
    assert document.source_map.locate("") is not None
    return None


def check_outcome(raw: bytes, format: Format | None, limits: Limits = DEFAULT_LIMITS) -> PlanError | None:
    """Like `outcome`, checking that an error is well-formed: located, one-line messages."""
    error = outcome(raw, format, limits)
    if error is None:
        return None
    assert error.problems
    for problem in error.problems:
        assert problem.message
        assert "\n" not in problem.message
        if problem.line is not None:
            assert problem.line >= 1
            assert problem.column is not None
            assert problem.column >= 1
        if problem.excerpt is not None:
            assert problem.excerpt.count("\n") == 1
            assert problem.excerpt.endswith("^")
    return error


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True would hide bugs)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def offset_of(text: str, line: int, column: int) -> int:
    starts = [0, *(match.end() for match in LINE_BREAK.finditer(text))]
    return starts[line - 1] + column - 1


def check_positions(text: str, document_data: Any, locate: Any, ensure_ascii: bool) -> None:
    """Each member locates to its key as written, each item and the root to its value."""
    stack: list[tuple[str, Any, str | None]] = [("", document_data, None)]
    while stack:
        pointer, value, key = stack.pop()
        offset = offset_of(text, *locate(pointer))
        if key is not None:
            expected = json.dumps(key, ensure_ascii=ensure_ascii)
        elif isinstance(value, dict | list):
            expected = "{" if isinstance(value, dict) else "["
        else:
            expected = json.dumps(value, ensure_ascii=ensure_ascii)
        assert text.startswith(expected, offset), (pointer, text[offset : offset + 40])
        if isinstance(value, dict):
            stack.extend((pointer_join(pointer, k), v, k) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((pointer_join(pointer, i), v, None) for i, v in enumerate(value))


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from([None, "json", "yaml"]))
def test_arbitrary_bytes_give_a_document_or_a_plan_error(raw: bytes, format: Format | None) -> None:
    check_outcome(raw, format)


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "truncate", "duplicate"]),
        st.integers(min_value=0),
        st.sampled_from([*"{}[],:\"\\ \n\t0-.eE+tfnNI/'", "\x00", "é", "\ufeff", "\ud800"]),
    ),
    min_size=1,
    max_size=4,
)


def mutate(text: str, mutations: list[tuple[str, int, str]]) -> str:
    for kind, where, char in mutations:
        at = where % (len(text) + 1)
        if kind == "delete":
            text = text[:at] + text[at + 1 :]
        elif kind == "insert":
            text = text[:at] + char + text[at:]
        elif kind == "truncate":
            text = text[:at]
        else:
            text = text[:at] + text[at : at + 10] + text[at:]
    return text


@SETTINGS
@given(json_objects(json_scalars, st.text(max_size=8)), MUTATIONS, st.sampled_from([None, 2]))
def test_mutated_json_gives_a_document_or_a_plan_error(
    value: Any, mutations: list[tuple[str, int, str]], indent: int | None
) -> None:
    text = mutate(json.dumps(value, indent=indent), mutations)
    check_outcome(text.encode("utf-8", "surrogatepass"), "json")


@SETTINGS
@given(st.lists(st.sampled_from(["[", "]", "{", "}", '"k":', ",", "1", " "]), max_size=400))
def test_bracket_soup_gives_a_document_or_a_plan_error(tokens: list[str]) -> None:
    check_outcome("".join(tokens).encode(), None, Limits(max_depth=20))


@SETTINGS
@given(st.integers(min_value=1, max_value=150), st.sampled_from(["[", '{"k":']))
def test_nesting_past_the_limit_is_a_limit_error(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = '{"a": ' + opener * depth + "0" + closer * depth + "}"
    error = check_outcome(text.encode(), "json")
    assert (error is None) == (depth < 64)
    if error is not None:
        assert error.kind == "limit"


YAML_TOKENS = st.sampled_from(
    [
        "key", "x", "1", "2024-01-01", "yes", "~", ".nan", "- ", ": ", ":", "\n", "  ", "\t", "&a ", "*a",
        "!!str ", "!!python/object ", "!x ", "[", "]", "{", "}", ",", "'", '"', "#", "---", "...", "<<",
        "? ", "|", ">", "%YAML 1.2\n", "\\", "\x00", "é", "\ufeff", "\u2028",
    ]
)  # fmt: skip


@SETTINGS
@given(st.lists(YAML_TOKENS, max_size=60))
def test_yaml_ish_text_gives_a_document_or_a_plan_error(tokens: list[str]) -> None:
    check_outcome("".join(tokens).encode(), "yaml")


@SETTINGS
@given(
    json_objects(json_scalars, st.text(max_size=8)),
    st.sampled_from([None, 0, 2, "\t"]),
    st.booleans(),
)
def test_json_parses_like_the_stdlib_and_locates_every_pointer(
    value: Any, indent: int | str | None, ensure_ascii: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)
    document = parse_bytes(text.encode(), "p.json")
    assert same(document.data, json.loads(text))
    assert same(document.data, value)
    check_positions(text, document.data, document.source_map.locate, ensure_ascii)


# JSON is YAML, except for what YAML reads differently: line separators and raw C1
# controls in strings, and \u escapes of surrogate pairs (libyaml refuses them).
yaml_safe_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), blacklist_characters="\ufeff"),
    max_size=20,
)
yaml_safe_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | yaml_safe_text
)


@SETTINGS
@given(json_objects(yaml_safe_scalars, yaml_safe_text), st.sampled_from([None, 2]))
def test_json_read_as_yaml_gives_the_same_data_and_positions(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    document = parse_bytes(text.encode(), "p.yaml", format="yaml")
    assert same(document.data, value)
    check_positions(text, document.data, document.source_map.locate, ensure_ascii=False)


def _exponent_floats(value: Any) -> bool:
    """Whether a float of `value` is one Python writes with an exponent (``1e+16``; orjson: ``1e16``)."""
    if isinstance(value, float):
        return "e" in repr(value)
    if isinstance(value, dict):
        return any(map(_exponent_floats, value.values()))
    if isinstance(value, list):
        return any(map(_exponent_floats, value))
    return False


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(value)}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


@SETTINGS
@given(json_objects(json_scalars | st.integers(min_value=-(2**80), max_value=2**80), st.text(max_size=8)))
def test_canonical_bytes_are_sorted_compact_json_whoever_writes_them(data: dict[str, Any]) -> None:
    """The canonical text of a plan passed as data (its sha256's): it reads back as the data, does not depend
    on the order of keys, and is what json.dumps writes with sorted keys and no white space, whether orjson
    writes it or the standard library does (`_FALLBACK`: for an integer past 64 bits, which orjson refuses),
    except for a float written with an exponent, which each writes its own way."""
    from assess.plan import inmemory

    text = inmemory.canonical_bytes(data)
    assert json.loads(text) == data
    assert inmemory.canonical_bytes(_reversed_keys(data)) == text
    if not _exponent_floats(data):
        expected = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        assert text == expected
        assert inmemory._FALLBACK.encode(data).encode() == expected
