"""The workbench: a Flask application over the plan files of one folder.

Pages: the folder (its plans with their scores, and a form to start a new plan from the
starter), a plan's overview (steps, scores, the three things to do first), one form page
per step of the article plus one for the basics (organisation, plan, people), the HTML
report, and `assess diff` against the version before the last save (or as first opened).

Each save writes the file (`Store.save`: atomic, never onto a file that changed since the
form was shown), then the page is shown again (post/redirect/get) with the plan assessed
anew: `assess.api.assess_plan` on the saved bytes.

A plan the workbench cannot parse (a syntax error, a duplicate key, not UTF-8...) stays
listed as not assessed, and its pages show its located errors as the CLI prints them (never
a 404): the form needs a document, so the fix is made in a text editor.

Safety (see `_guard`): every request must name an allowed Host (127.0.0.1, localhost or
[::1] with the server's port: a DNS-rebinding page gets its own host name and is refused),
carry the session token (in the URL once, as Jupyter does, then in an HttpOnly SameSite
cookie); every POST must come from the workbench's own origin and carry its CSRF token.
Responses carry a strict Content-Security-Policy (no script at all; styles from the
package's own stylesheet), templates autoescape, request bodies are capped, and names of
files are checked by `Store.path` (nothing outside the folder, no symlink).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import shlex
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlencode

from flask import Flask, abort, make_response, redirect, render_template, request
from jinja2 import StrictUndefined
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from assess.config import Config
from assess.errors import PlanError, Problem, visible
from assess.formats import FIRST_ACTIONS, first_actions, held_notes, score_text
from assess.i18n import label as report_label
from assess.i18n import percent
from assess.plan.model import Language
from assess.reading import DEFAULT_MAX_PLAN_BYTES, size_text
from assess.results.report import PlanReport, Status
from assess.steps import STEP_BY_NUMBER
from assess.web import forms
from assess.web.labels import LANGUAGES, field_titles, label
from assess.web.store import MAX_PLAN_BYTES, Conflict, Opened, OutsideFolder, Store, TooLarge, normal

MAX_REQUEST_BYTES = 1024 * 1024
MAX_FORM_PARTS = 20_000
APP_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
PAGES = (forms.BASICS, *(str(n) for n in range(1, 12)))


@dataclass(frozen=True)
class Settings:
    """What the server was started with."""

    root: Path
    token: str
    port: int
    hosts: frozenset[str] = field(default_factory=frozenset)  # allowed Host header values

    @property
    def cookie(self) -> str:
        return f"assess_workbench_{self.port}"

    @property
    def csrf(self) -> str:
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()


def allowed_hosts(bind: str, port: int) -> frozenset[str]:
    """Host header values the server answers: loopback names with its port, and the bind address."""
    names = {*LOOPBACK_NAMES, bind if ":" not in bind else f"[{bind}]"}
    return frozenset({f"{name}:{port}" for name in names} | ({*LOOPBACK_NAMES} if port == 80 else set()))


def plan_url(name: str) -> str:
    """The address of a plan's pages (its name quoted: a file name may hold spaces)."""
    return "/plan/" + quote(name)


def new_token() -> str:
    return secrets.token_urlsafe(32)


# ------------------------------------------------------------------ assessment


@dataclass(frozen=True)
class Assessed:
    plan: PlanReport | None
    problems: list[dict[str, str]]


class Assessor:
    """Assessments of plan bytes, kept by hash and language (a page view re-assesses nothing)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], Assessed] = {}
        self._lock = threading.Lock()

    def __call__(self, opened: Opened, lang: str) -> Assessed:
        key = (opened.name, opened.sha256, lang)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        result = assess_bytes(opened.raw, opened.name, lang)
        with self._lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = result
        return result


def assess_bytes(raw: bytes, name: str, lang: str) -> Assessed:
    from assess.api import assess_plan

    try:
        report = assess_plan(raw, name=name, config=Config(lang=lang))
    except PlanError as error:
        return Assessed(None, located(error.problems))
    return Assessed(report.plans[0], [])


def located(problems: Sequence[Problem]) -> list[dict[str, str]]:
    """Problems as the pages show them: the CLI's ``file:line:col: /pointer: message`` line, and the
    offending source line with a caret under the spot (control characters shown escaped)."""
    return [
        {"pointer": p.pointer, "message": p.message, "where": p.one_line(), "excerpt": visible(p.excerpt or "")}
        for p in problems
    ]


# ------------------------------------------------------------------ placeholders


def placeholder_pointers(data: Any) -> set[str]:
    """Pointers whose value is still a placeholder text of the starter plan (in either language)."""
    from assess.plan.starter import starter_data

    found: set[str] = set()
    for language in Language:
        starter = starter_data(language, today=dt.date(2000, 1, 1))
        for pointer, text in _text_leaves(starter, ""):
            value = forms.get(data, pointer)
            if value == text or (isinstance(value, list) and text in value):
                found.add(pointer if value == text else pointer.rsplit("/", 1)[0])
    return found


def _text_leaves(node: Any, pointer: str) -> list[tuple[str, str]]:
    if isinstance(node, Mapping):
        return [leaf for key, value in node.items() for leaf in _text_leaves(value, f"{pointer}/{key}")]
    if isinstance(node, list):
        return [leaf for index, value in enumerate(node) for leaf in _text_leaves(value, f"{pointer}/{index}")]
    if isinstance(node, str) and (" " in node or "://" in node):
        return [(pointer, node)]
    return []


# ------------------------------------------------------------------ the application


def create_app(settings: Settings) -> Flask:
    """The workbench application for the folder `settings.root`."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.jinja_options = {
        "autoescape": True,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES,
        MAX_FORM_PARTS=MAX_FORM_PARTS,
        SEND_FILE_MAX_AGE_DEFAULT=0,
    )
    store = Store(settings.root)
    assessor = Assessor()
    app.extensions["assess_store"] = store

    def lang() -> str:
        chosen = request.cookies.get("assess_lang", "")
        return chosen if chosen in LANGUAGES else "en"

    def t(key: str, **values: Any) -> str:
        text = label(key, lang())
        return text.format(**values) if values else text

    # Scores as every report shows them: at most one decimal, as computed (72.5 is not 72 here and 72.5 there).
    app.add_template_filter(lambda value: score_text(value, lang()), "score")
    app.add_template_filter(lambda value: percent(value, lang()), "percent")
    # Severities as the reports write them ("élevée", not "high"); the CSS class keeps the raw value.
    app.add_template_filter(lambda severity: report_label(f"sev_{severity.value}", lang()), "severity")

    def refuse(status: int, key: str) -> NoReturn:
        response = make_response(
            render_template("message.html.j2", **common(), heading=t("forbidden_title"), text=t(key), link=None),
            status,
        )
        abort(response)

    def common() -> dict[str, Any]:
        return {"t": t, "lang": lang(), "csrf": settings.csrf, "languages": LANGUAGES, "here": request.full_path}

    # -------------------------------------------------------------- the guard

    @app.before_request
    def _guard() -> Response | None:
        if request.host not in settings.hosts:
            refuse(403, "forbidden_host")
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            if origin is not None and origin.removeprefix("http://") not in settings.hosts:
                refuse(403, "forbidden_host")
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                refuse(403, "forbidden_host")
        offered = request.args.get("token")
        if offered is not None:
            if not hmac.compare_digest(offered.encode(), settings.token.encode()):
                refuse(403, "forbidden_token")
            rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
            target = request.path + (f"?{urlencode(rest)}" if rest else "")
            response = redirect(target, 303)
            response.set_cookie(settings.cookie, settings.token, httponly=True, samesite="Strict", path="/")
            return response
        cookie = request.cookies.get(settings.cookie, "")
        if not hmac.compare_digest(cookie.encode(), settings.token.encode()):
            refuse(403, "forbidden_token")
        if request.method == "POST":
            sent = request.form.get("_csrf", "")
            if not hmac.compare_digest(sent.encode(), settings.csrf.encode()):
                refuse(403, "forbidden_csrf")
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        csp = REPORT_CSP if request.endpoint in ("report", "diff") else APP_CSP
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # Not no-referrer: under it Chromium sends "Origin: null" with the workbench's own form posts
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(413)
    def _too_large(error: HTTPException) -> tuple[str, int]:
        return render_template("message.html.j2", **common(), heading=t("too_large"), text="", link=None), 413

    @app.errorhandler(404)
    def _not_found(error: HTTPException) -> tuple[str, int]:
        return (
            render_template("message.html.j2", **common(), heading=t("not_found"), text=t("not_found_text"), link="/"),
            404,
        )

    @app.errorhandler(Exception)
    def _failed(error: Exception) -> Response | HTTPException | tuple[str, int]:
        if isinstance(error, HTTPException):
            return error  # aborts and refusals carry their own page
        # Never Werkzeug's bare page: say what failed, keep the way back, and log the traceback
        app.logger.exception("%s %s failed", request.method, request.path)
        back = quote(request.path) if request.method == "POST" else "/"
        return render_message(t("failed", error=f"{type(error).__name__}: {error}"), back, 500, t("failed_title"))

    def opened(name: str) -> Opened:
        try:
            return store.open(name)
        except PlanError as error:
            # Not JSON or YAML (a syntax error, a duplicate key, not UTF-8...): the plan is there, so it is
            # shown with its located errors, never a 404; the form cannot show a document it cannot parse.
            abort(unparsable(name, error))
        except TooLarge as error:  # there, but too large for the form: its size, the limit and what to do
            abort(too_large_page(error))
        except (OutsideFolder, OSError):
            abort(404)

    def unparsable(name: str, error: PlanError) -> Response:
        return cannot_open(name, t("unparsable"), located(error.problems), t("unparsable_fix"))

    def cannot_open(name: str, why: str, problems: list[dict[str, str]], fix: str) -> Response:
        """The page of a plan that is there but that the form cannot show: why, where, and what to do."""
        status = 200 if request.method in ("GET", "HEAD") else 409  # a save is not done: the file cannot be read
        page = render_template(
            "unparsable.html.j2", **common(), name=name, base=plan_url(name), why=why, problems=problems, fix=fix
        )
        return make_response(page, status)

    def too_large_page(error: TooLarge) -> Response:
        return cannot_open(error.name, too_large_text(error), [], "")

    def too_large_text(error: TooLarge) -> str:
        """Why a plan is not opened (its size, the workbench's limit) and what to do (the command that assesses it)."""
        size, limit = size_text(error.size, lang()), size_text(MAX_PLAN_BYTES, lang())
        if size == limit:  # one byte over: "2 MB, over the 2 MB" would puzzle
            size, limit = size_text(error.size, lang(), exact=True), size_text(MAX_PLAN_BYTES, lang(), exact=True)
        values = {
            "file": error.name,
            "size": size,
            "limit": limit,
            "command": f"assess {shlex.quote(error.name)}",
            "cli_limit": size_text(DEFAULT_MAX_PLAN_BYTES, lang()),
        }
        return f"{t('too_large_plan', **values)} {t('too_large_fix', **values)}"

    # -------------------------------------------------------------- views

    @app.get("/lang/<code>")
    def set_language(code: str) -> Response:
        target = request.args.get("next", "/")
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = "/"
        response = redirect(target, 303)
        if code in LANGUAGES:
            response.set_cookie("assess_lang", code, httponly=True, samesite="Strict", path="/")
        return response

    @app.get("/")
    def folder() -> str:
        rows: list[dict[str, Any]] = []
        for name in store.plans():
            try:
                plan = store.open(name)
            except PlanError as error:  # listed, not assessed, with where the file cannot be read
                rows.append(
                    {
                        "name": name,
                        "href": plan_url(name),
                        "organization": "",
                        "score": None,
                        "top": None,
                        "problems": located(error.problems),
                        "note": "",
                    }
                )
                continue
            except TooLarge as error:  # listed, not opened: its size, the limit and what to do
                rows.append(
                    {
                        "name": name,
                        "href": plan_url(name),
                        "organization": "",
                        "score": None,
                        "top": None,
                        "problems": [],
                        "note": too_large_text(error),
                    }
                )
                continue
            except (OutsideFolder, OSError):
                continue
            result = assessor(plan, lang())
            top = result.plan.recommendations[0] if result.plan and result.plan.recommendations else None
            rows.append(
                {
                    "name": name,
                    "href": plan_url(name),
                    "organization": result.plan.organization if result.plan else "",
                    "score": result.plan.score if result.plan else None,
                    "top": top,
                    "problems": result.problems,
                    "note": "",
                }
            )
        rows.sort(key=lambda row: (row["score"].overall if row["score"] else -1.0, row["name"]))
        return render_template(
            "folder.html.j2",
            **common(),
            folder=store.root.name or str(store.root),
            rows=rows,
            error=request.args.get("error", ""),
            value=request.args.get("name", "plan.yaml"),
        )

    @app.post("/new")
    def new_plan() -> Response:
        from assess.plan.starter import format_for, starter_text

        name = normal(request.form.get("name", "").strip())  # as it will be written, and then shown
        language = request.form.get("language", lang())
        language = language if language in LANGUAGES else "en"
        try:
            store.create(name, starter_text(format_for(name), Language(language), today=dt.date.today()))
        except FileExistsError:
            return redirect("/?" + urlencode({"error": t("exists", file=name), "name": name}), 303)
        except (OutsideFolder, ValueError):
            return redirect("/?" + urlencode({"error": t("bad_name"), "name": name}), 303)
        return redirect(f"{plan_url(name)}", 303)

    @app.get("/plan/<path:name>")
    def overview(name: str) -> str:
        plan = opened(name)
        result = assessor(plan, lang())
        return render_template(
            "overview.html.j2",
            **common(),
            **plan_context(plan, result),
            page=None,
            steps=step_rows(result),
        )

    @app.get("/plan/<path:name>/step/<page>")
    def step(name: str, page: str) -> str:
        if page not in PAGES:
            abort(404)
        plan = opened(name)
        return render_step(plan, page, notice=request.args.get("saved", ""))

    @app.post("/plan/<path:name>/step/<page>")
    def save(name: str, page: str) -> Response | tuple[str, int]:
        if page not in PAGES:
            abort(404)
        current = opened(name)
        keys = forms.sections_by_page()[page]
        form = request.form
        try:
            sections = forms.read(MultiDict(form).to_dict(flat=False), keys, current.document.data)
            _, target = apply_action(form.get("_action", "save"), sections, current.document.data, keys)
        except forms.FormError as error:
            return render_message(t("bad_form", error=str(error)), f"{plan_url(name)}/step/{page}", 400)
        forms.keep_order(sections, current.document.data)
        values = {key: (None if value is forms.MISSING else value) for key, value in sections.items()}
        try:
            saved = store.save(name, form.get("_sha", ""), values)
        except TooLarge as error:  # grown past the limit since the form was shown: nothing written
            abort(too_large_page(error))
        except Conflict:
            return render_message(t("conflict", file=name), f"{plan_url(name)}/step/{page}", 409, t("conflict_title"))
        notice = "saved" if saved.sha256 != current.sha256 else "unchanged"
        return redirect(f"{plan_url(name)}/step/{page}?saved={notice}#{forms.anchor(target)}", 303)

    @app.get("/plan/<path:name>/report")
    def report(name: str) -> str:
        from assess.api import assess_plan
        from assess.formats.html import render

        plan = opened(name)
        name = plan.name  # as the folder's list names it (`Store.name_of`)
        try:
            full = assess_plan(plan.raw, name=name, config=Config(lang=lang()))
        except PlanError as error:
            return render_message(str(error), f"{plan_url(name)}", 200)[0]
        return render(full, lang=lang())

    @app.get("/plan/<path:name>/diff")
    def diff(name: str) -> str:
        from assess.formats.html import render_diff
        from assess.results.diff import compare_plans

        plan = opened(name)
        name = plan.name  # as the folder's list names it (`Store.name_of`)
        since = request.args.get("since", "save")
        before = store.first.get(name) if since == "open" else last_valid(store.history.get(name, []))
        if before is None:
            return render_message(t("no_previous"), f"{plan_url(name)}", 200)[0]
        try:
            result = compare_plans(
                before, plan.raw, config=Config(lang=lang()), old_name=f"{name} (before)", new_name=name
            )
        except PlanError as error:
            return render_message(str(error), f"{plan_url(name)}", 200)[0]
        return render_diff(result, lang=lang())

    # -------------------------------------------------------------- helpers

    def last_valid(versions: list[bytes]) -> bytes | None:
        """The latest earlier version that is a valid plan (one saved mid-way, e.g. a new empty item, is not)."""
        from assess.api import load

        for raw in reversed(versions):
            try:
                load(raw)
            except PlanError:
                continue
            return raw
        return None

    def render_message(text: str, link: str | None, status: int, heading: str | None = None) -> tuple[str, int]:
        return (
            render_template("message.html.j2", **common(), heading=heading or t("workbench"), text=text, link=link),
            status,
        )

    def plan_context(plan: Opened, result: Assessed) -> dict[str, Any]:
        findings = result.plan.findings if result.plan else []
        first_pointer: dict[str, str] = {}
        for finding in findings:
            first_pointer.setdefault(finding.rule_id, finding.pointer)
        top = []
        # The same first actions as every report format: three, and every failing critical or named check.
        for rec in first_actions(result.plan.recommendations if result.plan else []):
            pointer = first_pointer.get(rec.rule_id, "")
            top.append(
                {
                    "rec": rec,
                    "href": field_href(plan, pointer),
                    "after": score_text(rec.score_after, lang()),
                    "held": held_notes(rec, lang()),
                }
            )
        problems = [{**p, "href": field_href(plan, p["pointer"])} for p in result.problems]
        return {
            "name": plan.name,
            "base": plan_url(plan.name),
            "sha": plan.sha256,
            "result": result,
            "score": result.plan.score if result.plan else None,
            "top": top,
            "top_heading": t("top_three") if len(top) <= FIRST_ACTIONS else t("top_many", count=len(top)),
            "problems": problems,
            "nav": nav(plan.name, result),
        }

    def field_href(plan: Opened, pointer: str) -> str:
        page = forms.page_of(pointer)
        return f"{plan_url(plan.name)}/step/{page}#{forms.anchor(nearest(plan.document.data, pointer, page))}"

    def nearest(data: Any, pointer: str, page: str) -> str:
        """The deepest pointer at or above `pointer` that the page has a widget for."""
        widgets = forms.build(data, forms.sections_by_page()[page])
        known = {w.pointer for top in widgets for w in top.walk()}
        tokens = forms.split(pointer)
        while tokens and forms.join(tokens) not in known:
            tokens.pop()
        return forms.join(tokens)

    def nav(name: str, result: Assessed) -> list[dict[str, Any]]:
        scores = {s.step: s for s in result.plan.steps} if result.plan else {}
        items: list[dict[str, Any]] = [
            {"page": forms.BASICS, "title": t("basics"), "score": None, "href": f"{plan_url(name)}/step/basics"}
        ]
        for number in range(1, 12):
            step_result = scores.get(number)
            items.append(
                {
                    "page": str(number),
                    "title": f"{number}. {STEP_BY_NUMBER[number].name.get(lang(), STEP_BY_NUMBER[number].name['en'])}",
                    "score": step_result.score if step_result else None,
                    "href": f"{plan_url(name)}/step/{number}",
                }
            )
        return items

    def step_rows(result: Assessed) -> list[dict[str, Any]]:
        if not result.plan:
            return []
        return [
            {
                "number": s.step,
                "name": s.name,
                "score": s.score,
                "maturity": label_maturity(s.maturity.value),
                "summary": STEP_BY_NUMBER[s.step].summary.get(lang(), STEP_BY_NUMBER[s.step].summary["en"]),
            }
            for s in result.plan.steps
        ]

    def label_maturity(value: str) -> str:
        return report_label(f"mat_{value}", lang())

    def render_step(plan: Opened, page: str, notice: str) -> str:
        result = assessor(plan, lang())
        data = plan.document.data
        keys = forms.sections_by_page()[page]
        widgets = forms.build(data, keys, titles=field_titles(lang()), unstated=t("unstated"))
        forms.label_values(widgets, lang())
        todo = still_to_fill(plan, result, page)
        todo_pointers = {item["pointer"] for item in todo}
        for top in widgets:
            for widget in top.walk():
                widget.still_to_fill = widget.pointer in todo_pointers
        if page == forms.BASICS:
            heading, summary, step_result = t("basics"), t("basics_summary"), None
            findings = [f for f in (result.plan.findings if result.plan else []) if forms.page_of(f.pointer) == page]
        else:
            info = STEP_BY_NUMBER[int(page)]
            heading = f"{t('step_n', n=page)} · {info.name.get(lang(), info.name['en'])}"
            summary = info.summary.get(lang(), info.summary["en"])
            step_result = next((s for s in result.plan.steps if s.step == int(page)), None) if result.plan else None
            findings = [f for f in (result.plan.findings if result.plan else []) if f.step == int(page)]
        index = PAGES.index(page)
        return render_template(
            "step.html.j2",
            **common(),
            **plan_context(plan, result),
            page=page,
            heading=heading,
            summary=summary,
            widgets=widgets,
            step_result=step_result,
            findings=[{"finding": f, "href": field_href(plan, f.pointer)} for f in findings],
            todo=todo,
            notice=t(notice) if notice in ("saved", "unchanged") else "",
            previous_page=PAGES[index - 1] if index > 0 else None,
            next_page=PAGES[index + 1] if index + 1 < len(PAGES) else None,
        )

    def still_to_fill(plan: Opened, result: Assessed, page: str) -> list[dict[str, str]]:
        """Placeholders and the fields unknown rules need, on this page, each once, with a link."""
        pointers: dict[str, str] = {}
        for pointer in sorted(placeholder_pointers(plan.document.data)):
            pointers.setdefault(pointer, t("placeholder_value"))
        for rule in result.plan.rules if result.plan else []:
            if rule.status is Status.UNKNOWN:
                for pointer in rule.missing:
                    pointers.setdefault(pointer, t("not_stated"))
        out = []
        for pointer, why in pointers.items():
            if forms.page_of(pointer) != page:
                continue
            target = nearest(plan.document.data, pointer, page)
            out.append({"pointer": target, "shown": pointer, "why": why, "href": f"#{forms.anchor(target)}"})
        return out

    return app


def apply_action(action: str, sections: dict[str, Any], data: Any, keys: Sequence[str]) -> tuple[str, str]:
    """Carry out an add or remove button on the posted `sections`; (action, pointer to show next)."""
    verb, _, pointer = action.partition(":")
    if verb == "save" and not pointer:
        return "save", ""
    if verb == "add" and forms.is_list_pointer(pointer, keys):
        items = _container(sections, pointer, create=True)
        assert isinstance(items, list)
        items.append(forms.new_item(data, pointer, today=dt.date.today()))
        return "add", f"{pointer}/{len(items) - 1}"
    parent, _, index = pointer.rpartition("/")
    if verb == "remove" and index.isdigit() and forms.is_list_pointer(parent, keys):
        items = _container(sections, parent, create=False)
        if isinstance(items, list) and int(index) < len(items):
            del items[int(index)]
            if not items:
                _set(sections, parent, forms.MISSING)
        return "remove", parent
    raise forms.FormError(f"unknown action {action!r}")


def _container(sections: dict[str, Any], pointer: str, *, create: bool) -> Any:
    tokens = forms.split(pointer)
    node: Any = sections
    for depth, token in enumerate(tokens):
        last = depth == len(tokens) - 1
        if isinstance(node, list):
            node = node[int(token)] if token.isdigit() and int(token) < len(node) else None
            continue
        if not isinstance(node, dict):
            return None
        if (token not in node or node[token] is forms.MISSING) and create:
            node[token] = [] if last else {}
        node = node.get(token)
    return node


def _set(sections: dict[str, Any], pointer: str, value: Any) -> None:
    parent, _, key = pointer.rpartition("/")
    node = _container(sections, parent, create=False) if parent else sections
    if isinstance(node, dict):
        if value is forms.MISSING:
            node.pop(key, None)
        else:
            node[key] = value


Factory = Callable[[Settings], Flask]
