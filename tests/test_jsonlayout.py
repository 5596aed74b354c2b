"""`assess.web.jsonlayout`: changed data written back into a JSON text in the text's own layout."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from assess.web.jsonlayout import rewrite

ROOT = Path(__file__).resolve().parent.parent

STYLES: list[dict[str, Any]] = [
    {"indent": 2},
    {"indent": 4, "ensure_ascii": False},
    {"indent": "\t"},
    {},
    {"separators": (",", ":"), "ensure_ascii": False},
    {"indent": 3, "separators": (",", " : ")},
]


def changed(data: dict[str, Any]) -> dict[str, Any]:
    """Values changed, added and removed at every depth, containers emptied, filled and made anew."""
    new = copy.deepcopy(data)
    new["plan"]["title"] = "Nouveau titre, été"
    new["people"].append({"id": "zed", "name": "Zoë", "role": "volunteer"})
    del new["people"][1]
    new["goals"][0]["metrics"].append("m-new")
    del new["organization"]["website"]
    new["organization"]["size"] = ["small", 1, 1.5, True, None]
    new["committee"]["members"] = []
    new["extra"] = {"list": [1, {"deep": [], "x": {}}], "empty": {}}
    return new


@pytest.mark.parametrize("options", STYLES, ids=[json.dumps(style) for style in STYLES])
@pytest.mark.parametrize("ending", ["\n", "", "\r\n"])
def test_a_file_in_any_json_dumps_style_stays_in_it(options: dict[str, Any], ending: str) -> None:
    data = json.loads((ROOT / "samples" / "exemplary.json").read_text())
    data["organization"]["name"] = "Banque alimentaire de l'Été"
    text = json.dumps(data, **options) + ending
    if ending == "\r\n":
        text = text.replace("\n", "\r\n")
    new = changed(data)
    expected = json.dumps(new, **options) + ending
    assert rewrite(text, new) == (expected.replace("\n", "\r\n") if ending == "\r\n" else expected)
    assert rewrite(text, data) == text  # nothing changed: every byte kept


def test_what_did_not_change_is_kept_as_written() -> None:
    text = '{ "a" : [1,2 ,3], "b":{"na\\u006de": "x",  "n": 1.0},\n"c": "\\u00e9t\\u00e9", "d": 10 }'
    data = json.loads(text)
    data["d"] = 11
    assert rewrite(text, data) == text.replace("10 }", "11 }")  # odd spacing, escapes, 1.0 and all
    data["b"]["n"] = 1  # 1.0 and 1 differ in a JSON text
    assert '"n": 1}' in rewrite(text, data)
    data["c"] = "été!"  # escaped as the file escapes
    assert '"c": "\\u00e9t\\u00e9!"' in rewrite(text, data)


def test_a_new_list_item_is_on_one_line_when_its_neighbours_are() -> None:
    text = '{\n  "people": [\n    {"id": "a", "tags": ["x"]},\n    {"id": "b"}\n  ],\n  "goals": [\n    {\n      "id": "g"\n    }\n  ]\n}\n'
    data = json.loads(text)
    data["people"].append({"id": "c", "tags": ["y", "z"]})
    data["goals"].append({"id": "h", "tags": ["y"]})
    assert rewrite(text, data) == (
        '{\n  "people": [\n    {"id": "a", "tags": ["x"]},\n    {"id": "b"},\n    {"id": "c", "tags": ["y", "z"]}\n  ],\n'
        '  "goals": [\n    {\n      "id": "g"\n    },\n    {\n      "id": "h",\n      "tags": ["y"]\n    }\n  ]\n}\n'
    )


def test_items_with_ids_keep_their_text_when_one_before_them_goes() -> None:
    text = '{"l": [\n  {"id": "a",  "v": 1},\n  {"id": "b",   "v": 2},\n  {"id": "c",    "v": 3}\n]}'
    data = json.loads(text)
    del data["l"][0]
    assert rewrite(text, data) == '{"l": [\n  {"id": "b",   "v": 2},\n  {"id": "c",    "v": 3}\n]}'
