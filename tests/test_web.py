"""The workbench over HTTP (no browser): safety, forms generated from the schema, saves, pages.

The browser tests (tests/test_workbench_browser.py) drive the same pages in Chromium; these
check what needs no browser: the token, Host/Origin and CSRF checks, paths outside the
folder, escaping, request limits, and that a save writes the file it should and nothing else.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("flask")

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from assess.api import assess_plan, load_plan
from assess.formats import score_text
from assess.i18n import percent
from assess.plan.starter import starter_text
from assess.web import forms
from assess.web.app import Settings, allowed_hosts, create_app

ROOT = Path(__file__).resolve().parent.parent
PORT = 5123
BASE = f"http://127.0.0.1:{PORT}"
TOKEN = "test-token-0123456789"


def settings(folder: Path) -> Settings:
    return Settings(root=folder, token=TOKEN, port=PORT, hosts=allowed_hosts("127.0.0.1", PORT))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "plans"
    path.mkdir()
    return path


@pytest.fixture
def client(folder: Path) -> Iterator[FlaskClient]:
    app = create_app(settings(folder))
    with app.test_client() as test_client:
        response = test_client.get(f"/?token={TOKEN}", base_url=BASE)
        assert response.status_code == 303
        yield test_client


def csrf(folder: Path) -> str:
    return settings(folder).csrf


def write_starter(folder: Path, name: str = "plan.yaml", lang: str = "en") -> Path:
    from datetime import date

    from assess.plan.model import Language

    path = folder / name
    path.write_text(starter_text("yaml" if name.endswith(".yaml") else "json", Language(lang), today=date(2025, 1, 6)))
    return path


def form_fields(html: str) -> dict[str, list[str]]:
    """What a browser would post for the page's plan form, untouched (selected options, checked boxes, texts)."""
    form = html[html.index('id="plan-form"') :]
    fields: dict[str, list[str]] = {}
    for match in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox" and " checked" not in match.group(1):
            continue
        fields.setdefault(_unescape(attrs["name"]), []).append(_unescape(attrs.get("value", "")))
    for match in re.finditer(r'<textarea [^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        fields.setdefault(_unescape(match.group(1)), []).append(_unescape(match.group(2)))
    for match in re.finditer(r'<select [^>]*name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', match.group(2))
        fields.setdefault(_unescape(match.group(1)), []).append(_unescape(selected.group(1)) if selected else "")
    return fields


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def post_page(
    client: FlaskClient, folder: Path, name: str, page: str, changes: dict[str, Any], action: str = "save"
) -> TestResponse:
    html = client.get(f"/plan/{name}/step/{page}", base_url=BASE).get_data(as_text=True)
    data = form_fields(html)
    for key, value in changes.items():
        data[key] = value if isinstance(value, list) else [value]
    data["_action"] = [action]
    return client.post(f"/plan/{name}/step/{page}", data=data, base_url=BASE)


# ------------------------------------------------------------------ the token, hosts, origins, CSRF


def test_without_the_token_nothing_is_served(folder: Path) -> None:
    write_starter(folder)
    client = create_app(settings(folder)).test_client()
    for path in ("/", "/plan/plan.yaml", "/plan/plan.yaml/step/2", "/static/workbench.css"):
        response = client.get(path, base_url=BASE)
        assert response.status_code == 403, path
        assert b"Social media" not in response.data
    assert client.get("/?token=wrong", base_url=BASE).status_code == 403


def test_the_token_in_the_url_becomes_an_httponly_strict_cookie_and_leaves_the_url(folder: Path) -> None:
    client = create_app(settings(folder)).test_client()
    response = client.get(f"/?token={TOKEN}&x=1", base_url=BASE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/?x=1"
    cookie = response.headers["Set-Cookie"]
    assert f"assess_workbench_{PORT}={TOKEN}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert client.get("/", base_url=BASE).status_code == 200


@pytest.mark.parametrize("host", ["evil.example:5123", "127.0.0.1:9999", "localhost.evil.example:5123", "attacker"])
def test_a_foreign_host_header_is_refused_even_with_the_token(client: FlaskClient, host: str) -> None:
    """DNS rebinding: the attacker's name resolves to 127.0.0.1, but the Host header keeps the attacker's name."""
    response = client.get("/", base_url=BASE, headers={"Host": host})
    assert response.status_code == 403
    assert client.get("/", base_url=BASE).status_code == 200
    assert client.get(f"/?token={TOKEN}", base_url=f"http://localhost:{PORT}").status_code == 303


@pytest.mark.parametrize(
    ("origin", "fetch_site"),
    [("http://evil.example", None), ("null", None), (f"http://evil.example:{PORT}", None), (None, "cross-site")],
)
def test_a_post_from_another_origin_is_refused(
    client: FlaskClient, folder: Path, origin: str | None, fetch_site: str | None
) -> None:
    headers = {k: v for k, v in {"Origin": origin, "Sec-Fetch-Site": fetch_site}.items() if v is not None}
    response = client.post("/new", data={"name": "x.yaml", "_csrf": csrf(folder)}, base_url=BASE, headers=headers)
    assert response.status_code == 403
    assert not (folder / "x.yaml").exists()


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    before = plan.read_bytes()
    for token in (None, "", "0" * 64):
        data = {"name": "x.yaml"} | ({"_csrf": token} if token is not None else {})
        assert client.post("/new", data=data, base_url=BASE).status_code == 403
    html = client.get("/plan/plan.yaml/step/basics", base_url=BASE).get_data(as_text=True)
    fields = form_fields(html)
    fields["/organization/name"] = ["Hijacked"]
    fields.pop("_csrf")
    assert client.post("/plan/plan.yaml/step/basics", data=fields, base_url=BASE).status_code == 403
    assert plan.read_bytes() == before
    assert not (folder / "x.yaml").exists()


def test_every_form_carries_the_csrf_token(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    for path in ("/", "/plan/plan.yaml/step/basics", "/plan/plan.yaml/step/5"):
        html = client.get(path, base_url=BASE).get_data(as_text=True)
        forms_found = re.findall(r"<form .*?</form>", html, re.S)
        assert forms_found
        for form in forms_found:
            assert f'name="_csrf" value="{csrf(folder)}"' in form


def test_responses_carry_a_strict_csp_and_no_script(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    for path in ("/", "/plan/plan.yaml", "/plan/plan.yaml/step/4"):
        response = client.get(path, base_url=BASE)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp  # so no script runs at all (default-src 'none')
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # no-referrer would make Chromium post the workbench's own forms with "Origin: null"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "<script" not in response.get_data(as_text=True)


def test_a_request_body_over_the_limit_is_refused(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    before = plan.read_bytes()
    response = client.post(
        "/plan/plan.yaml/step/basics",
        data={"_csrf": csrf(folder), "/organization/name": "x" * (2 * 1024 * 1024)},
        base_url=BASE,
    )
    assert response.status_code == 413
    assert plan.read_bytes() == before


# ------------------------------------------------------------------ paths


@pytest.mark.parametrize(
    "name",
    ["../outside.yaml", "..%2Foutside.yaml", "%2E%2E/outside.yaml", "sub/../../outside.yaml", "/etc/passwd", "link.yaml",
     "linked/plan.yaml", ".hidden.yaml", "notes.txt", "l\u00ednk.yaml", "\u2025/outside.yaml", ".\u0301./outside.yaml",
     "l\u00ednked/plan.yaml"],
)  # fmt: skip
def test_no_path_outside_the_folder(client: FlaskClient, folder: Path, name: str) -> None:
    outside = folder.parent / "outside.yaml"
    outside.write_text(starter_text("yaml", today=__import__("datetime").date(2025, 1, 1)))
    (folder / "link.yaml").symlink_to(outside)
    (folder / "linked").symlink_to(folder.parent)
    (folder / "li\u0301nk.yaml").symlink_to(outside)  # found by its composed name "línk.yaml", refused as a link
    (folder / "li\u0301nked").symlink_to(folder.parent)
    (folder / ".hidden.yaml").write_text(outside.read_text())
    (folder / "notes.txt").write_text("secret")
    before = outside.read_bytes()
    for path in (f"/plan/{name}", f"/plan/{name}/step/basics", f"/plan/{name}/report"):
        response = client.get(path, base_url=BASE, follow_redirects=True)
        assert response.status_code == 404, path
        assert b"Your organisation" not in response.data and b"secret" not in response.data
    response = client.post(
        f"/plan/{name}/step/basics", data={"_csrf": csrf(folder), "/organization/name": "X"}, base_url=BASE
    )
    assert response.status_code in (404, 308)  # 308: werkzeug first merges the slashes of //etc/passwd
    assert outside.read_bytes() == before


@pytest.mark.parametrize(
    "name",
    ["../escape.yaml", "../x.yaml", "sub/plan.yaml", "a/b.yaml", "a\\b.yaml", ".x.yaml", ".hidden.yaml", "plan.txt",
     "plan", "Été", "", "a" * 200 + ".yaml", "a" * 82 + ".yaml", "a\x07b.yaml", "a\x00b.yaml", "é\u202etxt.yaml",
     "a\u200bb.yaml", "a\nb.yaml", "Été／x.yaml", "x\u0301.yaml", "plan.YAML", "-plan.yaml", " .yaml"],
)  # fmt: skip
def test_a_new_plan_name_must_be_a_plain_plan_file_name(client: FlaskClient, folder: Path, name: str) -> None:
    response = client.post("/new", data={"name": name, "_csrf": csrf(folder)}, base_url=BASE)
    assert response.status_code == 303
    assert "error=" in response.headers["Location"]
    assert list(folder.parent.glob("*.yaml")) == []
    assert [p for p in folder.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("name", ["Été 2025.yaml", "Ñandú.json", "東京.yaml", "plan-2.v1.yml", "a" * 81 + ".yaml"])
def test_a_new_plan_name_may_hold_letters_and_digits_of_any_script(
    client: FlaskClient, folder: Path, name: str
) -> None:
    from urllib.parse import quote

    response = client.post("/new", data={"name": name, "_csrf": csrf(folder)}, base_url=BASE)
    assert response.status_code == 303 and response.headers["Location"] == "/plan/" + quote(name)
    assert [p.name for p in folder.iterdir()] == [name]
    assert client.get("/plan/" + quote(name), base_url=BASE).status_code == 200
    assert f'<a href="/plan/{quote(name)}">{name}</a>' in client.get("/", base_url=BASE).get_data(as_text=True)


def test_a_name_works_in_either_unicode_form(client: FlaskClient, folder: Path) -> None:
    """QA: "e\u0301t.yaml" (e and a combining accent, as macOS writes names) was refused where "ét.yaml" worked.
    Names are normalised (NFC) to be shown and looked up: either form finds the file, the file keeps its own
    spelling on disk, and a name is taken in both forms at once."""
    from urllib.parse import quote

    def names() -> list[str]:
        return sorted(path.name for path in folder.iterdir())

    composed, decomposed = "été.yaml", "e\u0301te\u0301.yaml"
    response = client.post("/new", data={"name": decomposed, "_csrf": csrf(folder)}, base_url=BASE)
    assert response.headers["Location"] == "/plan/" + quote(composed) and names() == [composed]
    for typed in (composed, decomposed):
        assert b"Your organisation" in client.get("/plan/" + quote(typed), base_url=BASE).data, typed
        again = client.post("/new", data={"name": typed, "_csrf": csrf(folder)}, base_url=BASE)
        assert "already+exists" in again.headers["Location"] and names() == [composed], typed

    stored = write_starter(folder, "e\u0301quipe.yaml")  # a file named on a Mac
    listing = client.get("/", base_url=BASE).get_data(as_text=True)
    assert f'<a href="/plan/{quote("équipe.yaml")}">équipe.yaml</a>' in listing and "e\u0301quipe" not in listing
    for typed, title in (("équipe.yaml", "Composed"), ("e\u0301quipe.yaml", "Decomposed")):
        response = post_page(client, folder, quote(typed), "basics", {"/plan/title": title})
        assert response.headers["Location"].startswith(f"/plan/{quote(typed)}/step/basics?saved=saved")
        assert load_plan(stored).plan.title == title  # type: ignore[union-attr]
        assert names() == sorted([composed, "e\u0301quipe.yaml"])  # written in place, no second file
    history = client.application.extensions["assess_store"].history  # one, whichever form the page was opened by
    assert {name: len(versions) for name, versions in history.items()} == {"équipe.yaml": 2}

    twin = write_starter(folder, "e\u0301te\u0301.yaml")  # both forms on disk: two files, each its own name
    twin.write_text(twin.read_text().replace("Your organisation", "The twin"))
    listing = client.get("/", base_url=BASE).get_data(as_text=True)
    assert f'<a href="/plan/{quote(composed)}">{composed}</a>' in listing
    assert f'<a href="/plan/{quote(decomposed)}">{decomposed}</a>' in listing
    assert b"The twin" in client.get("/plan/" + quote(decomposed), base_url=BASE).data
    assert b"The twin" not in client.get("/plan/" + quote(composed), base_url=BASE).data


def test_a_new_plan_never_replaces_a_file(client: FlaskClient, folder: Path) -> None:
    (folder / "plan.yaml").write_text("# mine\n")
    response = client.post("/new", data={"name": "plan.yaml", "_csrf": csrf(folder)}, base_url=BASE)
    assert "error=" in response.headers["Location"]
    assert (folder / "plan.yaml").read_text() == "# mine\n"


# ------------------------------------------------------------------ injection


PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><b>bold</b>"


def test_plan_text_is_shown_inert(client: FlaskClient, folder: Path) -> None:
    data = json.loads(starter_text("json", today=__import__("datetime").date(2025, 1, 1)))
    data["organization"]["name"] = PAYLOAD
    data["people"][0]["name"] = PAYLOAD
    data["goals"][0]["statement"] = PAYLOAD
    (folder / "evil.json").write_text(json.dumps(data))
    for path in ("/", "/plan/evil.json", "/plan/evil.json/step/basics", "/plan/evil.json/step/2",
                 "/plan/evil.json/step/1", "/plan/evil.json/report"):  # fmt: skip
        html = client.get(path, base_url=BASE).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html, path
        assert "&lt;script&gt;" in html, path


def test_a_saved_payload_is_stored_as_text_and_shown_escaped(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    assert post_page(client, folder, "plan.yaml", "basics", {"/organization/name": PAYLOAD}).status_code == 303
    assert load_plan(folder / "plan.yaml").organization.name == PAYLOAD
    html = client.get("/plan/plan.yaml/step/basics", base_url=BASE).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------------ forms from the schema


def test_every_page_shows_every_field_of_its_sections(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    schema = forms.plan_schema()
    for page, keys in forms.sections_by_page().items():
        html = client.get(f"/plan/plan.yaml/step/{page}", base_url=BASE).get_data(as_text=True)
        for key in keys:
            node = forms.resolve(schema["properties"][key])
            assert f'id="{forms.anchor("/" + key)}"' in html, (page, key)
            for name in node.get("properties", {}):
                assert forms.anchor(f"/{key}/{name}") in html, (page, key, name)


def test_every_top_level_section_but_the_tools_own_has_a_page() -> None:
    pages = forms.sections_by_page()
    shown = [key for keys in pages.values() for key in keys]
    assert sorted(shown) == sorted(set(forms.plan_schema()["properties"]) - forms.HIDDEN_SECTIONS)
    assert pages["basics"] == ("organization", "plan", "people")
    assert "goals" in pages["2"] and "metrics" in pages["2"]
    assert pages["4"] == ("policies",)
    assert "channels" in pages["5"] and "audience" in pages["5"]


def test_references_are_pickers_of_the_ids_they_name(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    html = client.get("/plan/plan.yaml/step/2", base_url=BASE).get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="/goals/0/metrics" value="metric-1" checked>', html)
    html = client.get("/plan/plan.yaml/step/5", base_url=BASE).get_data(as_text=True)
    select = re.search(r'<select id="f-channels-0-owner" name="/channels/0/owner">(.*?)</select>', html, re.S)
    assert select is not None
    assert re.findall(r'value="([^"]*)"', select.group(1)) == ["", "you", "colleague"]
    assert 'name="/channels/0/account/admins" value="you" checked' in html
    assert 'name="/channels/0/segments" value="segment-1" checked' in html
    # enums are selects with every value; dates are date inputs; booleans without default are yes/no/unstated
    platform = re.search(r'<select id="f-channels-0-platform"[^>]*>(.*?)</select>', html, re.S)
    assert platform is not None and 'value="instagram"' in platform.group(1)
    assert re.search(r'<input type="date" id="f-channels-0-selected_on"', html)
    two_factor = re.search(r'<select id="f-channels-0-account-two_factor"[^>]*>(.*?)</select>', html, re.S)
    assert two_factor is not None
    assert re.findall(r'value="([^"]*)"', two_factor.group(1)) == ["", "true", "false"]


def test_the_french_ui(client: FlaskClient, folder: Path) -> None:
    write_starter(folder, lang="fr")
    response = client.get("/lang/fr?next=/plan/plan.yaml/step/4", base_url=BASE)
    assert response.status_code == 303 and response.headers["Location"] == "/plan/plan.yaml/step/4"
    html = client.get("/plan/plan.yaml/step/4", base_url=BASE).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Enregistrer et évaluer" in html and "Étape 4 · Politiques" in html and "Plan de crise" in html
    assert client.get("/lang/fr?next=//evil.example", base_url=BASE).headers["Location"] == "/"


# ------------------------------------------------------------------ saving


def test_saving_writes_the_yaml_file_keeping_its_comments_and_order(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    comments = [line for line in plan.read_text().splitlines() if line.lstrip().startswith("#")]
    response = post_page(
        client,
        folder,
        "plan.yaml",
        "basics",
        {
            "/organization/name": "Riverside Food Bank",
            "/organization/staff_hours_per_week": "6.5",
            "/plan/start_date": "2025-02-01",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/plan/plan.yaml/step/basics?saved=saved")
    text = plan.read_text()
    assert [line for line in text.splitlines() if line.lstrip().startswith("#")] == comments
    saved = load_plan(plan)
    assert saved.organization.name == "Riverside Food Bank"
    assert saved.organization.staff_hours_per_week == 6.5
    assert str(saved.plan.start_date) == "2025-02-01" if saved.plan else False
    assert "start_date: 2025-02-01\n" in text  # a date stays a plain YAML date
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert keys[:4] == ["schema_version", "organization", "plan", "people"]
    # nothing but the changed values moved: the other pages' sections are byte-identical
    assert text.split("\ncommittee:")[1] == (folder / "plan.yaml").read_text().split("\ncommittee:")[1]


def community_garden_in(mapping: int, sequence: int, offset: int) -> str:
    """samples/community-garden.yaml in the indentation given, a date in single quotes, one in double quotes."""
    import io

    from ruamel.yaml import YAML

    rt = YAML()
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    rt.preserve_quotes, rt.width = True, 4096
    out = io.StringIO()
    rt.dump(rt.load((ROOT / "samples" / "community-garden.yaml").read_text()), out)
    text = out.getvalue().replace("start_date: 2025-03-01", "start_date: '2025-03-01'")
    return text.replace("as_of: 2025-03-05", 'as_of: "2025-03-05"')


@pytest.mark.parametrize(("mapping", "sequence", "offset"), [(2, 2, 0), (4, 4, 2), (4, 2, 0), (2, 4, 2), (3, 5, 3)])
def test_a_yaml_plan_keeps_its_indentation_and_quotes_on_a_save(
    client: FlaskClient, folder: Path, mapping: int, sequence: int, offset: int
) -> None:
    """QA: lists at column 0 (key:\\n- item) came back indented, and quoted dates lost their quotes. The file's own
    indentation is kept, and only the lines of the changed values differ (a changed quoted date stays quoted)."""
    import difflib

    plan = folder / "plan.yaml"
    plan.write_text(community_garden_in(mapping, sequence, offset))
    before = plan.read_text()
    for page in forms.sections_by_page():
        response = post_page(client, folder, "plan.yaml", page, {})
        assert "saved=unchanged" in response.headers["Location"], page
    assert plan.read_text() == before
    post_page(client, folder, "plan.yaml", "basics", {"/plan/title": "New title", "/plan/as_of": "2025-04-01"})
    post_page(client, folder, "plan.yaml", "2", {"/goals/1/target_value": "450"})
    diff = [line for line in difflib.unified_diff(before.splitlines(), plan.read_text().splitlines(), n=0, lineterm="")]
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        f"-{' ' * mapping}title: Growing together online, 2025 season",
        f"+{' ' * mapping}title: New title",
        f'-{" " * mapping}as_of: "2025-03-05"',
        f'+{" " * mapping}as_of: "2025-04-01"',
        f"-{' ' * sequence}target_value: 400",
        f"+{' ' * sequence}target_value: 450",
    ]
    assert f"{' ' * mapping}start_date: '2025-03-01'\n" in plan.read_text()


def test_a_changed_yaml_text_keeps_its_quotes_or_block_style() -> None:
    from assess.web.store import _yaml_update

    text = "a:\n  block: |\n    one\n    two\n  double: \"d\"\n  single: 's'\n  plain: p\n  day: '2025-01-01'\n"
    changed = {"a": {"block": "three\nfour\n", "double": "e", "single": "t", "plain": "q", "day": "2025-02-01"}}
    assert _yaml_update(text, changed) == (
        "a:\n  block: |\n    three\n    four\n  double: \"e\"\n  single: 't'\n  plain: q\n  day: '2025-02-01'\n"
    )


def test_saving_an_unchanged_page_changes_no_byte(client: FlaskClient, folder: Path) -> None:
    for name in ("plan.yaml", "plan.json"):
        plan = write_starter(folder, name)
        before = plan.read_bytes()
        for page in forms.sections_by_page():
            response = post_page(client, folder, name, page, {})
            assert response.status_code == 303, (name, page)
            assert "saved=unchanged" in response.headers["Location"], (name, page, plan.read_text())
        assert plan.read_bytes() == before


@pytest.mark.parametrize("sample", ["channels-first.json", "community-garden.yaml", "small-nonprofit.json"])
def test_saving_an_untouched_page_writes_no_default_the_plan_left_out(
    client: FlaskClient, folder: Path, sample: str
) -> None:
    plan = folder / sample
    plan.write_bytes((ROOT / "samples" / sample).read_bytes())
    before = load_plan(plan).model_dump(exclude_unset=True)
    for page in forms.sections_by_page():
        response = post_page(client, folder, sample, page, {})
        assert response.status_code == 303, page
    after = load_plan(plan).model_dump(exclude_unset=True)
    assert after == before  # no field the plan left to its default (plan.language...) written in
    assert load_plan(plan) == load_plan(ROOT / "samples" / sample)


def test_a_default_the_plan_states_is_kept_and_a_new_value_is_written(client: FlaskClient, folder: Path) -> None:
    plan = folder / "plan.json"
    data = json.loads((ROOT / "samples" / "channels-first.json").read_text())
    assert "language" not in data["plan"]
    plan.write_text(json.dumps(data))
    post_page(client, folder, "plan.json", "basics", {"/plan/language": "fr"})
    assert json.loads(plan.read_text())["plan"]["language"] == "fr"
    post_page(client, folder, "plan.json", "basics", {"/plan/language": "en"})
    assert json.loads(plan.read_text())["plan"]["language"] == "en"  # stated: kept, default or not
    post_page(client, folder, "plan.json", "basics", {})
    assert json.loads(plan.read_text())["plan"]["language"] == "en"


@pytest.mark.parametrize("sample", ["exemplary.json", "channels-first.json"])
def test_an_untouched_json_plan_keeps_its_layout(client: FlaskClient, folder: Path, sample: str) -> None:
    """A JSON plan written by hand (one-line objects) is not rewritten by saves that change no value."""
    plan = folder / sample
    plan.write_bytes((ROOT / "samples" / sample).read_bytes())
    before = plan.read_bytes()
    for page in forms.sections_by_page():
        response = post_page(client, folder, sample, page, {})
        assert "saved=unchanged" in response.headers["Location"], page
    assert plan.read_bytes() == before
    post_page(client, folder, sample, "basics", {"/plan/title": "A new title"})
    assert json.loads(plan.read_text())["plan"]["title"] == "A new title"  # a change is still written


JSON_STYLES: dict[str, dict[str, Any]] = {
    "indent 4": {"indent": 4, "ensure_ascii": False},
    "tab": {"indent": "\t", "ensure_ascii": False},
    "one line": {"ensure_ascii": False},
    "one line, no spaces": {"separators": (",", ":"), "ensure_ascii": False},
    "non-ASCII escaped": {"indent": 2},
}


@pytest.mark.parametrize("style", JSON_STYLES)
@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_changed_json_plan_keeps_its_own_indent_spacing_escapes_and_ending(
    client: FlaskClient, folder: Path, style: str, ending: str
) -> None:
    """A save that changes values writes them in the file's own style (QA: every save re-indented the whole file
    with 2 spaces): the file stays exactly what json.dumps in that style writes, and a changed title is one line."""
    options = JSON_STYLES[style]
    data = json.loads(write_starter(folder, "plan.json").read_text())
    data["organization"]["name"] = "Épicerie solidaire"
    plan = folder / "plan.json"
    plan.write_text(json.dumps(data, **options) + ending)
    before = plan.read_text()
    post_page(client, folder, "plan.json", "basics", {"/plan/title": "Été 2025"})
    after = plan.read_text()
    assert json.loads(after)["plan"]["title"] == "Été 2025"
    assert after == json.dumps(json.loads(after), **options) + ending
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and len(before.splitlines()) == len(after.splitlines())
    assert ("\\u00c9" in after) == (style == "non-ASCII escaped") != ("Épicerie solidaire" in after)
    post_page(client, folder, "plan.json", "basics", {}, action="add:/people")  # new values, in the same style
    post_page(client, folder, "plan.json", "6", {"/listening/keywords": "Riverside\n#FoodForAll"})
    after = plan.read_text()
    assert [p["id"] for p in json.loads(after)["people"]][-1] == "person-3"
    assert json.loads(after)["listening"]["keywords"] == ["Riverside", "#FoodForAll"]
    assert after == json.dumps(json.loads(after), **options) + ending


def test_a_json_plan_written_by_hand_changes_only_where_values_changed(client: FlaskClient, folder: Path) -> None:
    """exemplary.json writes its people one per line: a new title changes its line only, a new person is one line."""
    import difflib

    plan = folder / "plan.json"
    plan.write_bytes((ROOT / "samples" / "exemplary.json").read_bytes())
    before = plan.read_text()
    post_page(client, folder, "plan.json", "basics", {"/plan/title": "A new title"}, action="add:/people")
    diff = list(difflib.unified_diff(before.splitlines(), plan.read_text().splitlines(), n=0, lineterm=""))
    assert diff[2:] == [
        "@@ -11 +11 @@",
        '-    "title": "Riverside Food Bank social media plan 2025",',
        '+    "title": "A new title",',
        "@@ -24 +24,2 @@",
        '-    {"id": "fatima", "name": "Fatima Diallo", "role": "Executive director", "department": "leadership"}',
        '+    {"id": "fatima", "name": "Fatima Diallo", "role": "Executive director", "department": "leadership"},',
        '+    {"id": "person-7", "name": ""}',
    ]


@pytest.mark.parametrize("name", ["plan.json", "plan.yaml"])
def test_a_plan_starting_with_a_byte_order_mark_saves_and_keeps_it(
    client: FlaskClient, folder: Path, name: str
) -> None:
    """The loader reads a plan with a UTF-8 BOM (Windows editors write one); a save failed on it (json refuses it)."""
    plan = write_starter(folder, name)
    before = plan.read_bytes()
    plan.write_bytes(b"\xef\xbb\xbf" + before)
    response = post_page(client, folder, name, "basics", {"/plan/title": "With a BOM"})
    assert "saved=saved" in response.headers["Location"]
    after = plan.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and b"With a BOM" in after
    assert len([line for line in after.splitlines() if line not in before.splitlines()]) == 2  # BOM line, title


def test_a_json_plan_stays_json(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder, "plan.json")
    post_page(
        client,
        folder,
        "plan.json",
        "6",
        {"/listening/keywords": "Riverside\n#FoodForAll\n\n", "/listening/cadence": "daily"},
    )
    data = json.loads(plan.read_text())
    assert data["listening"]["keywords"] == ["Riverside", "#FoodForAll"]
    assert data["listening"]["cadence"] == "daily"
    assert list(data)[:3] == ["schema_version", "organization", "plan"]


def test_clearing_an_optional_field_removes_it_and_an_empty_section_goes(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    post_page(
        client,
        folder,
        "plan.yaml",
        "7",
        {"/tools/scheduler": "", "/tools/live_check": "", "/engagement/reply_target_hours": "2"},
    )
    saved = load_plan(plan)
    assert saved.tools is None
    assert saved.engagement is not None and saved.engagement.reply_target_hours == 2


def test_lists_grow_and_shrink_with_plain_posts(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    response = post_page(client, folder, "plan.yaml", "basics", {"/people/1/name": "Sam"}, action="add:/people")
    assert response.status_code == 303 and response.headers["Location"].endswith("#f-people-2")
    people = yaml.safe_load(plan.read_text())["people"]
    assert [p["id"] for p in people] == ["you", "colleague", "person-3"]
    assert people[1]["name"] == "Sam"  # the edit posted with the button was kept
    assert people[2] == {"id": "person-3", "name": ""}  # required fields shown, still to fill
    post_page(client, folder, "plan.yaml", "basics", {"/people/2/name": "Ana"})
    assert load_plan(plan).people[2].name == "Ana"
    post_page(client, folder, "plan.yaml", "basics", {}, action="remove:/people/0")
    data = yaml.safe_load(plan.read_text())
    assert [p["id"] for p in data["people"]] == ["colleague", "person-3"]
    # nested list: add a research entry where the audience has none
    post_page(client, folder, "plan.yaml", "5", {}, action="add:/audience/research")
    data = yaml.safe_load(plan.read_text())
    assert data["audience"]["research"][0]["id"] == "research-1"
    assert data["audience"]["research"][0]["method"] == "survey"


@pytest.mark.parametrize(
    "action", ["add:/nope", "remove:/people/x", "remove:/organization/0", "add:/goals/0/metrics", "bogus"]
)
def test_unknown_actions_are_refused(client: FlaskClient, folder: Path, action: str) -> None:
    plan = write_starter(folder)
    before = plan.read_bytes()
    response = post_page(client, folder, "plan.yaml", "basics", {}, action=action)
    assert response.status_code == 400
    assert plan.read_bytes() == before


def test_a_file_changed_since_the_form_was_shown_is_not_overwritten(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    html = client.get("/plan/plan.yaml/step/basics", base_url=BASE).get_data(as_text=True)
    plan.write_text(plan.read_text().replace("Our social media plan", "Edited elsewhere"))
    fields = form_fields(html) | {"_action": ["save"], "/organization/name": ["Mine"]}
    response = client.post("/plan/plan.yaml/step/basics", data=fields, base_url=BASE)
    assert response.status_code == 409
    assert "Edited elsewhere" in plan.read_text() and "Mine" not in plan.read_text()


def test_a_bad_number_is_refused_without_writing(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    before = plan.read_bytes()
    response = post_page(client, folder, "plan.yaml", "basics", {"/plan/horizon_months": "1.5"})
    assert response.status_code == 400
    response = post_page(client, folder, "plan.yaml", "basics", {"/organization/staff_hours_per_week": "nan"})
    assert response.status_code == 400
    assert plan.read_bytes() == before


# ------------------------------------------------------------------ assessment beside the form


def test_each_save_shows_the_new_assessment(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    before = assess_plan(plan).plans[0].score
    assert before is not None
    html = client.get("/plan/plan.yaml/step/4", base_url=BASE).get_data(as_text=True)
    assert f'data-score="{before.overall}"' in html
    post_page(client, folder, "plan.yaml", "4", {"/policies/training/last_session": "2025-01-02",
                                                 "/policies/social_media_policy/reviewed_by": ["legal", "hr"]})  # fmt: skip
    after = assess_plan(plan).plans[0]
    assert after.score is not None
    html = client.get("/plan/plan.yaml/step/4?saved=saved", base_url=BASE).get_data(as_text=True)
    assert f'data-score="{after.score.overall}"' in html
    assert 'id="notice"' in html
    for rec in after.recommendations[:3]:
        assert f'data-rule="{rec.rule_id}"' in html
    # every finding of the step links to its field's anchor, which exists on the page it names
    for finding in [f for f in after.findings if f.step == 4]:
        href = re.search(rf'<a href="([^"]*)" data-pointer="{re.escape(finding.pointer)}"', html)
        assert href is not None, finding.pointer
        page_path, fragment = href.group(1).split("#")
        target = client.get(page_path, base_url=BASE).get_data(as_text=True)
        assert f'id="{fragment}"' in target


def test_placeholders_are_still_to_fill(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    html = client.get("/plan/plan.yaml/step/basics", base_url=BASE).get_data(as_text=True)
    todo = html[html.index('id="still-to-fill"') :]
    assert "/organization/name" in todo and "/people/0/name" in todo
    post_page(client, folder, "plan.yaml", "basics", {"/organization/name": "Riverside Food Bank"})
    html = client.get("/plan/plan.yaml/step/basics", base_url=BASE).get_data(as_text=True)
    todo = html[html.index('id="still-to-fill"') :]
    assert "<code>/organization/name</code>" not in todo and "/people/0/name" in todo


def test_an_invalid_plan_is_saved_and_its_problems_shown(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder)
    post_page(client, folder, "plan.yaml", "2", {}, action="add:/goals")  # a goal without a statement
    html = client.get("/plan/plan.yaml/step/2", base_url=BASE).get_data(as_text=True)
    assert 'class="problems"' in html and "/goals/1/statement" in html
    assert load_plan is not None and "goal-2" in plan.read_text()


def test_the_folder_lists_its_plans_with_scores(client: FlaskClient, folder: Path) -> None:
    write_starter(folder, "a.yaml")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.json").write_text((ROOT / "samples" / "exemplary.json").read_text())
    html = client.get("/", base_url=BASE).get_data(as_text=True)
    for name, path in (("a.yaml", folder / "a.yaml"), ("sub/b.json", folder / "sub" / "b.json")):
        score = assess_plan(path).plans[0].score
        assert score is not None
        assert f'<a href="/plan/{name}">{name}</a>' in html
        assert f">{score_text(score.overall, 'en')}</td>" in html  # as every report shows it: 8.7, not 9
    assert client.get("/plan/sub/b.json/step/3", base_url=BASE).status_code == 200


def test_the_plan_page_shows_scores_as_the_reports_do(client: FlaskClient, folder: Path) -> None:
    (folder / "b.json").write_text((ROOT / "samples" / "channels-first.json").read_text())
    score = assess_plan(folder / "b.json").plans[0].score
    assert score is not None and score.overall != round(score.overall)  # 50.2: a decimal to show
    for lang, shown in (("en", score_text(score.overall, "en")), ("fr", score_text(score.overall, "fr"))):
        client.set_cookie("assess_lang", lang, domain="127.0.0.1")
        html = client.get("/plan/b.json", base_url=BASE).get_data(as_text=True)
        assert f">{shown}</span>" in html
        assert f"{percent(score.completeness, lang)}</p>" in html


def test_creating_a_plan_in_an_empty_folder(client: FlaskClient, folder: Path) -> None:
    response = client.post(
        "/new", data={"name": "our plan.yaml", "language": "fr", "_csrf": csrf(folder)}, base_url=BASE
    )
    assert response.status_code == 303 and response.headers["Location"] == "/plan/our%20plan.yaml"
    plan = load_plan(folder / "our plan.yaml")
    assert plan.plan is not None and plan.plan.language.value == "fr"
    assert client.get("/plan/our%20plan.yaml", base_url=BASE).status_code == 200


def test_report_and_diff_are_one_click_away(client: FlaskClient, folder: Path) -> None:
    write_starter(folder)
    html = client.get("/plan/plan.yaml/step/1", base_url=BASE).get_data(as_text=True)
    assert 'href="/plan/plan.yaml/report"' in html and 'href="/plan/plan.yaml/diff?since=save"' in html
    report = client.get("/plan/plan.yaml/report", base_url=BASE)
    assert report.status_code == 200 and b"<svg" in report.data
    assert "style-src 'unsafe-inline'" in report.headers["Content-Security-Policy"]
    assert "No earlier version" in client.get("/plan/plan.yaml/diff", base_url=BASE).get_data(as_text=True)
    post_page(client, folder, "plan.yaml", "4", {"/policies/training/last_session": "2025-01-02"})
    diff = client.get("/plan/plan.yaml/diff?since=save", base_url=BASE).get_data(as_text=True)
    assert "plan.yaml (before)" in diff and "<svg" in diff
    # a version saved mid-way (a new goal without a statement) is skipped: the diff is against the last valid one
    post_page(client, folder, "plan.yaml", "2", {}, action="add:/goals")
    post_page(client, folder, "plan.yaml", "2", {"/goals/1/statement": "Bring 300 people to the spring food drive."})
    diff = client.get("/plan/plan.yaml/diff?since=save", base_url=BASE).get_data(as_text=True)
    assert "plan.yaml (before)" in diff and "<svg" in diff


# ------------------------------------------------------------------ the command


def test_other_commands_do_not_import_the_web_stack() -> None:
    code = (
        "import sys; from assess.cli import main\n"
        "try: main(['validate', 'samples/exemplary.json'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'ruamel') or m.startswith('assess.web')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_serve_binds_loopback_and_prints_a_tokened_address(folder: Path) -> None:
    from assess.web.server import build_server

    server, url = build_server(folder, "127.0.0.1", 0, token="abc")
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert url == f"http://127.0.0.1:{server.server_port}/?token=abc"
    finally:
        server.server_close()
    write_starter(folder)
    server, url = build_server(folder / "plan.yaml", "127.0.0.1", 0)
    try:
        assert re.fullmatch(rf"http://127\.0\.0\.1:{server.server_port}/plan/plan\.yaml\?token=[\w-]{{40,}}", url)
    finally:
        server.server_close()


def test_the_browser_tests_target_plan_scores_above_90() -> None:
    """The plan the end-to-end test fills in (tests/workbench_plan.py) is a good one by the current rules."""
    sys.path.insert(0, str(ROOT / "tests"))
    from workbench_plan import good_plan

    report = assess_plan(good_plan()).plans[0]
    assert report.score is not None
    assert report.score.overall > 90, [(f.rule_id, f.pointer, f.message) for f in report.findings]


# ------------------------------------------------------------------ the first actions


@pytest.mark.parametrize(
    "sample", ["starter", "no-crisis-single-admin.json", "fundraising-only.json", "community-garden.yaml"]
)
def test_the_panel_lists_the_reports_first_actions_worst_first(client: FlaskClient, folder: Path, sample: str) -> None:
    """The panel shows what every report format shows first: each failing critical and named check, worst first."""
    from assess.formats import first_actions, score_text

    if sample == "starter":
        path = write_starter(folder)
    else:
        path = folder / sample
        path.write_bytes((ROOT / "samples" / sample).read_bytes())
    report = assess_plan(path).plans[0]
    expected = first_actions(report.recommendations)
    html = client.get(f"/plan/{path.name}", base_url=BASE).get_data(as_text=True)
    panel = html[html.index('id="top-three"') : html.index("</ol>", html.index('id="top-three"'))]
    shown = re.findall(r'data-rule="([^"]+)"', panel)
    assert shown == [rec.rule_id for rec in expected]
    assert {rec.rule_id for rec in report.recommendations if rec.severity.value == "critical"} <= set(shown)
    heading = html[: html.index('id="top-three"')].rsplit("<h2>", 1)[1]
    assert heading.startswith("Three things" if len(expected) <= 3 else f"{len(expected)} things")
    for rec in expected:
        assert f"score once done: {score_text(rec.score_after, 'en')}<" in panel
        if rec.held_by_placeholders or rec.capped_by:
            assert "score held at" in panel


# ------------------------------------------------------------------ saves never crash, never lose what they cannot show


@pytest.mark.parametrize("page", ["basics", "1", "5"])
def test_a_yaml_plan_with_an_impossible_date_saves_and_keeps_it_as_written(
    client: FlaskClient, folder: Path, page: str
) -> None:
    plan = folder / "bad-date.yaml"
    text = (ROOT / "samples" / "invalid" / "bad-date.yaml").read_text()
    plan.write_text(text)
    response = post_page(client, folder, "bad-date.yaml", page, {})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert plan.read_text() == text  # start_date: 2025-02-30 plain, its comment beside it
    post_page(client, folder, "bad-date.yaml", "basics", {"/plan/title": "Adoption drive 2026"})
    assert plan.read_text() == text.replace("drive 2025", "drive 2026")
    shown = client.get("/plan/bad-date.yaml/step/basics", base_url=BASE).get_data(as_text=True)
    assert "/plan/start_date" in shown and "2025-02-30" in shown  # the date shows as a problem to fix


def test_a_failure_in_a_save_is_the_workbenchs_page_with_a_way_back(
    client: FlaskClient, folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    plan = write_starter(folder)
    before = plan.read_bytes()

    def broken(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(forms, "keep_order", broken)
    response = post_page(client, folder, "plan.yaml", "basics", {})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "RuntimeError: disk on fire" in page and 'href="/plan/plan.yaml/step/basics"' in page
    assert "Internal Server Error" not in page
    assert "disk on fire" in caplog.text  # logged, with its traceback
    assert plan.read_bytes() == before


def _field_tag(html: str, pointer: str) -> str:
    match = re.search(rf'<(input|select|textarea) [^>]*name="{re.escape(pointer)}"[^>]*>', html)
    assert match, pointer
    return match.group(0)


def test_dates_a_date_input_cannot_hold_are_text_inputs_kept_on_save(client: FlaskClient, folder: Path) -> None:
    plan = folder / "plan.json"
    data = json.loads((ROOT / "samples" / "channels-first.json").read_text())
    data["plan"].update({"start_date": "2025-02-30", "as_of": "03/01/2025"})
    plan.write_text(json.dumps(data, indent=2))
    html = client.get("/plan/plan.json/step/basics", base_url=BASE).get_data(as_text=True)
    for pointer, value in (("/plan/start_date", "2025-02-30"), ("/plan/as_of", "03/01/2025")):
        tag = _field_tag(html, pointer)
        assert 'type="text"' in tag and f'value="{value}"' in tag  # a date input would show it empty
    assert 'id="f-plan-start_date-kept"' in html  # and says why
    response = post_page(client, folder, "plan.json", "basics", {"/plan/title": "Spring plan"})
    assert response.status_code == 303
    saved = json.loads(plan.read_text())
    assert saved["plan"].pop("title") == "Spring plan"
    data["plan"].pop("title")
    assert saved == data  # start_date and as_of as written, nothing else changed
    # a real date is still a date input; a corrected one is saved
    post_page(client, folder, "plan.json", "basics", {"/plan/start_date": "2025-02-28"})
    assert json.loads(plan.read_text())["plan"]["start_date"] == "2025-02-28"
    html = client.get("/plan/plan.json/step/basics", base_url=BASE).get_data(as_text=True)
    assert 'type="date"' in _field_tag(html, "/plan/start_date")


def test_schema_violations_survive_saves_of_untouched_pages(client: FlaskClient, folder: Path) -> None:
    plan = folder / "bad.json"
    original = json.loads((ROOT / "samples" / "invalid" / "schema-violations.json").read_text())
    plan.write_text(json.dumps(original))
    html = client.get("/plan/bad.json/step/5", base_url=BASE).get_data(as_text=True)
    assert '<option value="facebok" selected>facebok (not one of the choices)</option>' in html
    assert 'value="facebook" selected' not in html
    for page in forms.sections_by_page():
        response = post_page(client, folder, "bad.json", page, {})
        assert response.status_code == 303, page
        assert json.loads(plan.read_text()) == original, page  # colour, start_date 1/3/2025, facebok all kept
    # a value changed on the page is written; the unknown field stays beside it
    post_page(client, folder, "bad.json", "5", {"/channels/0/platform": "facebook"})
    post_page(client, folder, "bad.json", "basics", {"/organization/name": "Greenway"})
    saved = json.loads(plan.read_text())
    assert saved["channels"][0]["platform"] == "facebook"
    assert saved["organization"] == {"name": "Greenway", "type": "association", "colour": "green"}


def test_values_of_the_wrong_type_are_shown_and_kept_as_written(client: FlaskClient, folder: Path) -> None:
    plan = folder / "plan.json"
    data = json.loads((ROOT / "samples" / "channels-first.json").read_text())
    data["channels"][0]["posts_per_week"] = "four"
    data["goals"][0]["primary"] = "yes"
    data["plan"]["title"] = "  Spaced out  "
    plan.write_text(json.dumps(data, indent=2))
    html = client.get("/plan/plan.json/step/5", base_url=BASE).get_data(as_text=True)
    assert 'type="text"' in _field_tag(html, "/channels/0/posts_per_week")
    html = client.get("/plan/plan.json/step/2", base_url=BASE).get_data(as_text=True)
    assert '<option value="yes" selected>yes (not one of the choices)</option>' in html
    for page in forms.sections_by_page():
        assert post_page(client, folder, "plan.json", page, {}).status_code == 303
    assert json.loads(plan.read_text()) == data
    # corrected on the page: written as the type it should be; a wrong one is refused, not written
    post_page(client, folder, "plan.json", "5", {"/channels/0/posts_per_week": "4"})
    assert json.loads(plan.read_text())["channels"][0]["posts_per_week"] == 4
    before = plan.read_bytes()
    response = post_page(client, folder, "plan.json", "2", {"/goals/0/primary": "maybe"})
    assert response.status_code == 400 and plan.read_bytes() == before


@pytest.mark.parametrize("name", ["plan.yaml", "plan.json"])
@pytest.mark.parametrize("typed", ["First line.\r\nSecond line.", "First line.\rSecond line."])
def test_a_line_break_typed_in_a_textarea_is_saved_as_lf(
    client: FlaskClient, folder: Path, name: str, typed: str
) -> None:
    plan = write_starter(folder, name)
    post_page(client, folder, name, "10", {"/measurement/decision_rule": typed})
    assert "\\r" not in plan.read_text() and "\r" not in plan.read_text()
    assert load_plan(plan).measurement.decision_rule == "First line.\nSecond line."  # type: ignore[union-attr]
    # the page shows it back (the browser posts CRLF again): an untouched save writes nothing
    before = plan.read_bytes()
    html = client.get(f"/plan/{name}/step/10", base_url=BASE).get_data(as_text=True)
    data = form_fields(html)
    data["/measurement/decision_rule"] = [data["/measurement/decision_rule"][0].replace("\n", "\r\n")]
    data["_action"] = ["save"]
    assert client.post(f"/plan/{name}/step/10", data=data, base_url=BASE).status_code == 303
    assert plan.read_bytes() == before


def test_removing_a_list_item_leaves_the_items_after_it_as_they_were(client: FlaskClient, folder: Path) -> None:
    plan = folder / "garden.yaml"
    plan.write_bytes((ROOT / "samples" / "community-garden.yaml").read_bytes())
    before = yaml.safe_load(plan.read_text())
    post_page(client, folder, "garden.yaml", "2", {}, action="remove:/goals/0")
    after = yaml.safe_load(plan.read_text())
    assert after["goals"] == before["goals"][1:]  # newsletter gained no 'primary: false'
    assert {k: v for k, v in after.items() if k != "goals"} == {k: v for k, v in before.items() if k != "goals"}


def test_list_items_are_matched_by_id_when_one_in_the_middle_goes_or_one_is_added(
    client: FlaskClient, folder: Path
) -> None:
    plan = folder / "plan.json"
    data = json.loads((ROOT / "samples" / "channels-first.json").read_text())
    metrics = [m["id"] for m in data["metrics"]][:2]
    assert len(metrics) == 2
    base = {k: v for k, v in data["goals"][0].items() if k not in ("id", "primary", "metrics")}
    data["goals"] = [
        {"id": "g1", **base, "metrics": metrics},
        {"id": "g2", **base, "primary": True, "metrics": metrics},
        {"id": "g3", **base, "metrics": metrics[::-1]},  # its own order, a primary it leaves out
        {"id": "g4", **base, "primary": False},  # states the default
    ]
    plan.write_text(json.dumps(data, indent=2))
    post_page(client, folder, "plan.json", "2", {}, action="remove:/goals/1")
    expected = [data["goals"][0], *data["goals"][2:]]
    assert json.loads(plan.read_text())["goals"] == expected
    post_page(client, folder, "plan.json", "2", {}, action="remove:/goals/0")
    assert json.loads(plan.read_text())["goals"] == expected[1:]
    post_page(client, folder, "plan.json", "2", {}, action="add:/goals")
    goals = json.loads(plan.read_text())["goals"]
    assert goals[:2] == expected[1:] and goals[2]["id"] not in ("g3", "g4")


def test_comments_stay_in_place_when_list_items_and_fields_come_and_go(client: FlaskClient, folder: Path) -> None:
    plan = folder / "garden.yaml"
    text = (ROOT / "samples" / "community-garden.yaml").read_text()
    text = text.replace("  - id: workdays\n", "  - id: workdays   # the main one\n")
    plan.write_text(text)
    goal_1 = text[text.index("  - id: workdays") : text.index("  - id: newsletter")]
    post_page(client, folder, "garden.yaml", "2", {}, action="remove:/goals/0")
    assert plan.read_text() == text.replace(goal_1, "")  # its comment went with it; the blank line and
    # '# Steps 2, 3 and 10' before metrics: are still there
    plan.write_text(text)
    post_page(client, folder, "garden.yaml", "3", {"/tracking/web_analytics": "Plausible"})
    start = "  sheet: Garden shared drive > social tracker\n  start_date: 2025-03-01\n"
    assert plan.read_text() == text.replace(start, start + "  web_analytics: Plausible\n")  # above '# Step 4'
    post_page(client, folder, "garden.yaml", "2", {}, action="remove:/goals/1")
    assert "without burning out plot holders.\n\n# Steps 2, 3 and 10:" in plan.read_text()

    starter = write_starter(folder)
    before = starter.read_text()
    last = "    department: programs\n"
    post_page(client, folder, "plan.yaml", "basics", {}, action="add:/people")
    assert starter.read_text() == before.replace(last, last + "  - id: person-3\n    name: ''\n")


# ------------------------------------------------------------------ plans that cannot be parsed


@pytest.mark.parametrize(
    ("sample", "where", "source"),
    [
        ("syntax-error.json", "syntax-error.json:11:5: /plan/start_date: expected ',' or '}'", '"horizon_months": 12'),
        ("duplicate-key.yaml", 'duplicate-key.yaml:10:5: /channels/0/status: duplicate key "status"', "status: paused"),
    ],
)
def test_a_plan_with_a_syntax_error_is_listed_and_shown_with_its_located_error(
    client: FlaskClient, folder: Path, sample: str, where: str, source: str
) -> None:
    import html as html_module

    (folder / sample).write_bytes((ROOT / "samples" / "invalid" / sample).read_bytes())
    write_starter(folder, "valid.yaml")
    listing = html_module.unescape(client.get("/", base_url=BASE).get_data(as_text=True))
    row = listing[listing.index(f'<a href="/plan/{sample}">') :].split("</tr>")[0]
    assert "Not assessed" in row and where in row and source in row
    assert '<a href="/plan/valid.yaml">valid.yaml</a>' in listing  # a valid plan is unaffected
    valid_row = listing[listing.index('<a href="/plan/valid.yaml">') :].split("</tr>")[0]
    assert "Not assessed" not in valid_row and 'class="located"' not in valid_row
    for path in (f"/plan/{sample}", f"/plan/{sample}/step/3", f"/plan/{sample}/report", f"/plan/{sample}/diff"):
        response = client.get(path, base_url=BASE)
        assert response.status_code == 200, path
        page = html_module.unescape(response.get_data(as_text=True))
        assert where in page and source in page and "Fix it in a text editor" in page, path
        assert 'id="plan-form"' not in page
    excerpt = re.search(r'<pre class="excerpt">(.*?)</pre>', page, re.S)
    assert excerpt is not None and excerpt.group(1).splitlines()[1].strip() == "^"  # the caret under the spot
    assert client.get("/plan/valid.yaml/step/3", base_url=BASE).status_code == 200


def test_a_plan_broken_on_disk_while_its_page_is_open_stays_visible(client: FlaskClient, folder: Path) -> None:
    plan = write_starter(folder, "plan.json")
    page = client.get("/plan/plan.json/step/basics", base_url=BASE).get_data(as_text=True)
    fields = form_fields(page)
    broken = plan.read_text().replace('"organization"', '"organization" "x"', 1)
    plan.write_text(broken)
    response = client.get("/plan/plan.json/step/basics", base_url=BASE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "plan.json:3:18: /organization: expected" in page and 'id="plan-form"' not in page
    saved = client.post("/plan/plan.json/step/basics", data={**fields, "_action": ["save"]}, base_url=BASE)
    assert saved.status_code == 409 and b"Fix it in a text editor" in saved.data
    assert plan.read_text() == broken  # nothing written over the file being fixed


def test_a_plan_over_the_workbench_limit_is_listed_and_explained_never_missing(
    client: FlaskClient, folder: Path
) -> None:
    """At the limit a plan opens; one byte over it is listed as too large, with the limit and what to do (QA found
    it silently missing from the list, and a 404 'no such plan' when opened by its address)."""
    import html as html_module

    from assess.web.store import MAX_PLAN_BYTES

    text = write_starter(folder, "at-limit.json").read_text()
    (folder / "at-limit.json").write_text(text + " " * (MAX_PLAN_BYTES - len(text.encode())))
    (folder / "big plan.json").write_text(text + " " * (MAX_PLAN_BYTES + 1 - len(text.encode())))
    before = (folder / "big plan.json").read_bytes()
    listing = html_module.unescape(client.get("/", base_url=BASE).get_data(as_text=True))
    assert "score-cell" in listing[listing.index('<a href="/plan/at-limit.json">') :].split("</tr>")[0]
    row = listing[listing.index('<a href="/plan/big%20plan.json">big plan.json</a>') :].split("</tr>")[0]
    why = "big plan.json is 2,097,153 bytes, over the 2,097,152 bytes the workbench opens"
    what = "Assess it with the command line: assess 'big plan.json' (it reads plans up to 10 MB"
    assert "Not assessed" in row and why in row and what in row and "split it into smaller plan files" in row
    for path in ("", "/step/basics", "/step/3", "/report", "/diff"):
        response = client.get(f"/plan/big%20plan.json{path}", base_url=BASE)
        assert response.status_code == 200, path
        page = html_module.unescape(response.get_data(as_text=True))
        assert why in page and what in page and 'id="plan-form"' not in page, path
    saved = client.post(
        "/plan/big%20plan.json/step/basics", data={"_csrf": csrf(folder), "/organization/name": "X"}, base_url=BASE
    )
    assert saved.status_code == 409 and why in html_module.unescape(saved.get_data(as_text=True))
    assert (folder / "big plan.json").read_bytes() == before
    client.get("/lang/fr", base_url=BASE)
    page = client.get("/plan/big%20plan.json", base_url=BASE).get_data(as_text=True)
    assert "big plan.json fait 2\u00a0097\u00a0153\u00a0octets, au-delà des 2\u00a0097\u00a0152\u00a0octets que" in page
    (folder / "big plan.json").write_text(text + " " * (5 * MAX_PLAN_BYTES // 4))
    page = client.get("/plan/big%20plan.json", base_url=BASE).get_data(as_text=True)
    assert "big plan.json fait 2,5\u00a0Mo, au-delà des 2\u00a0Mo que l&#39;atelier ouvre" in page


def test_sizes_read_as_people_write_them() -> None:
    from assess.reading import size_text

    assert [size_text(n) for n in (0, 1023, 1024, 2 * 1024**2, 2 * 1024**2 + 1, 5 * 1024**2 // 2)] == [
        "0 bytes", "1023 bytes", "1 KB", "2 MB", "2 MB", "2.5 MB"
    ]  # fmt: skip
    assert size_text(5 * 1024**2 // 2, "fr") == "2,5\u00a0Mo" and size_text(80, "fr") == "80\u00a0octets"
    assert size_text(2097153, exact=True) == "2,097,153 bytes"
    assert size_text(2097153, "fr", exact=True) == "2\u00a0097\u00a0153\u00a0octets"


def test_a_plan_that_cannot_be_parsed_is_explained_in_french(client: FlaskClient, folder: Path) -> None:
    (folder / "p.json").write_bytes((ROOT / "samples" / "invalid" / "syntax-error.json").read_bytes())
    client.get("/lang/fr", base_url=BASE)
    assert "Non évalué" in client.get("/", base_url=BASE).get_data(as_text=True)
    page = client.get("/plan/p.json", base_url=BASE).get_data(as_text=True)
    assert "Corrigez-le dans un éditeur de texte" in page and "p.json:11:5" in page


# ------------------------------------------------------------------ words in the page's language


@pytest.mark.parametrize(
    ("lang", "severities", "options"),
    [
        ("en", {"critical", "high", "medium"}, {"password_manager": "password manager", "educate": "educate",
                                                "legal": "a lawyer"}),
        ("fr", {"critique", "élevée", "moyenne"}, {"password_manager": "gestionnaire de mots de passe",
                                                   "educate": "former", "legal": "un avocat"}),
    ],
)  # fmt: skip
def test_severities_and_option_lists_follow_the_language_and_post_the_raw_value(
    client: FlaskClient, folder: Path, lang: str, severities: set[str], options: dict[str, str]
) -> None:
    import html as html_module

    (folder / "p.json").write_text((ROOT / "samples" / "small-nonprofit.json").read_text())
    client.get(f"/lang/{lang}", base_url=BASE)
    page = html_module.unescape(client.get("/plan/p.json/step/4", base_url=BASE).get_data(as_text=True))
    findings = page[page.index('id="step-findings"') :]
    assert set(re.findall(r'<span class="sev">([^<]*)</span>', findings)) == severities  # as the report words them
    shown = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', page))
    shown |= dict(re.findall(r'<input type="checkbox" name="[^"]*" value="([^"]*)"[^>]*> ([^<]*)</label>', page))
    assert {value: shown[value] for value in options} == options
    basics = html_module.unescape(client.get("/plan/p.json/step/basics", base_url=BASE).get_data(as_text=True))
    size = re.search(r'<select id="f-organization-size"[^>]*>(.*?)</select>', basics, re.S)
    assert size is not None
    labels = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', size.group(1)))
    assert labels["small"] == ("small" if lang == "en" else "petite")
    assert labels["medium"] == ("medium" if lang == "en" else "moyenne")
    # Saving the untouched page posts the raw values: the plan's data does not change.
    before = json.loads((folder / "p.json").read_text())
    assert post_page(client, folder, "p.json", "4", {}).status_code == 303
    assert json.loads((folder / "p.json").read_text()) == before


def test_every_enumerated_value_of_the_schema_has_a_french_label() -> None:
    from assess.i18n import VALUE_LABELS

    def enums(node: Any) -> set[str]:
        if isinstance(node, dict):
            own = {v for v in node.get("enum", []) if isinstance(v, str)}
            return own.union(*(enums(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(enums(v) for v in node))
        return set()

    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
    codes = {"1.0", "1.1", "en", "fr"}  # schema versions and language codes: shown as written
    assert sorted(enums(schema) - codes - set(VALUE_LABELS)) == []
    assert all("fr" in VALUE_LABELS[value] for value in enums(schema) - codes)
