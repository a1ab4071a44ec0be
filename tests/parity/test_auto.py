"""``flask2quart parity --auto``: cases generated from a Flask app's url_map (parity.auto)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
from flask import Blueprint, Flask, abort, jsonify, request
from flask.views import MethodView
from werkzeug.routing import BaseConverter

from examples.packages import load_package
from flask2quart.parity.auto import AutoNote, _sample_from_regex, generate_cases
from flask2quart.parity.model import Case, ParityRequest

UUID = "12345678-1234-5678-1234-567812345678"
#: the unexpected keys variations sometimes add
EXTRA_KEYS = ("unexpected", "_", "x[]")
LINKBOX = Path(__file__).resolve().parents[2] / "examples" / "flask_legacy" / "linkbox"


# ---------------------------------------------------------------------------------------------
# a small app covering the rule shapes --auto meets


class HexConverter(BaseConverter):
    """A custom converter whose regex is simple enough to sample."""

    regex = "[0-9a-f]{4}"

    def to_python(self, value: str) -> int:
        return int(value, 16)

    def to_url(self, value: Any) -> str:
        return format(value, "04x")


class OddConverter(BaseConverter):
    """A custom converter with a lookahead: no trivial sample, the rule is skipped."""

    regex = r"(?!admin)[a-z]+"


def logged(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return wrapper


def unwrapped_decorator(view: Callable[..., Any]) -> Callable[..., Any]:
    """A decorator without functools.wraps: the view is only reachable through the closure."""

    def inner(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    inner.__name__ = view.__name__
    return inner


def read_filters() -> dict[str, str]:
    """A helper the ``/helped`` view calls: its reads count for the view."""
    return {"color": request.args.get("color", "")}


class NoteAPI(MethodView):
    decorators = [logged]  # noqa: RUF012 - the MethodView API expects a list

    def get(self, note_id: int) -> Any:
        if note_id != 1:
            abort(404, "no such note")
        return jsonify(id=note_id, fields=request.args.get("fields", ""))

    def put(self, note_id: int) -> Any:
        if note_id != 1:
            abort(404, "no such note")
        data = request.get_json(silent=True) or {}
        return jsonify(id=note_id, title=str(data.get("title")), body=str(data.get("body")))


def make_app(tmp_path: Path) -> Flask:
    app_static = tmp_path / "app_static"
    app_static.mkdir()
    (app_static / "b.txt").write_text("b")
    (app_static / "a.css").write_text("body {}")
    (app_static / ".hidden").write_text("not this one")
    shop_static = tmp_path / "shop_static"
    (shop_static / "sub").mkdir(parents=True)
    (shop_static / "sub" / "x.js").write_text("let x = 1;")
    empty_static = tmp_path / "empty_static"
    empty_static.mkdir()

    app = Flask(__name__, static_folder=str(app_static), static_url_path="/static")
    app.url_map.converters["hex"] = HexConverter
    app.url_map.converters["odd"] = OddConverter

    @app.route("/items/<int:item_id>")
    def item(item_id: int) -> Any:
        if item_id != 1:
            abort(404, "no such item")
        return {"id": item_id}

    @app.route("/users/<int:user_id>/posts/<int:post_id>")
    def post(user_id: int, post_id: int) -> Any:
        if (user_id, post_id) != (1, 1):
            abort(404, "no such post")
        return {"user": user_id, "post": post_id}

    @app.route("/prices/<float:amount>")
    def price(amount: float) -> Any:
        return {"amount": amount}

    @app.route("/files/<path:subpath>")
    def files(subpath: str) -> Any:
        return {"path": subpath}

    @app.route("/things/<uuid:thing_id>")
    def thing(thing_id: Any) -> Any:
        return {"id": str(thing_id)}

    @app.route("/pages/<any(about, help):page>")
    def page(page: str) -> Any:
        return {"page": page}

    @app.route("/hex/<hex:code>")
    def hex_code(code: int) -> Any:
        return {"code": code}

    @app.route("/weird/<odd:name>")
    def weird(name: str) -> Any:
        return {"name": name}

    @app.route("/search")
    @logged
    def search() -> Any:
        q = request.args.get("q", "")
        page = request.args.get("page", 1, type=int)
        return {"q": q, "page": page}

    @app.route("/echo")
    def echo() -> Any:
        return {key: value for key, value in request.args.items()}

    @app.route("/closure")
    @unwrapped_decorator
    def closure() -> Any:
        return {"c": request.args.get("c")}

    @app.route("/helped")
    def helped() -> Any:
        return read_filters()

    @app.route("/plain")
    def plain() -> Any:
        return "plain"

    @app.route("/submit", methods=["POST"])
    def submit() -> Any:
        return {"name": request.form.get("name", ""), "age": request.form.get("age", type=int)}

    app.add_url_rule("/notes/<int:note_id>", view_func=NoteAPI.as_view("note"))
    app.add_url_rule("/old", endpoint="old", redirect_to="/search")
    app.add_url_rule("/external", endpoint="external", build_only=True)

    # a view whose source cannot be read
    namespace: dict[str, Any] = {"request": request}
    exec("def dynamic():\n    return {'z': request.args.get('z', '')}\n", namespace)
    app.add_url_rule("/dynamic", view_func=namespace["dynamic"])

    shop = Blueprint(
        "shop",
        __name__,
        url_prefix="/shop",
        static_folder=str(shop_static),
        static_url_path="/assets",
    )

    @shop.route("/")
    def shop_index() -> Any:
        return "shop"

    app.register_blueprint(shop)
    empty = Blueprint(
        "empty",
        __name__,
        url_prefix="/empty",
        static_folder=str(empty_static),
        static_url_path="/s",
    )
    app.register_blueprint(empty)
    return app


SAFE = ("GET", "HEAD", "OPTIONS")


def _all(path: str) -> set[tuple[str, str]]:
    return {(method, path) for method in SAFE}


EXPECTED_SAFE = (
    _all("/static/a.css")
    | _all("/shop/assets/sub/x.js")
    | _all("/shop/")
    | _all("/items/1")
    | {("GET", "/items/999999")}
    | _all("/users/1/posts/1")
    | {("GET", "/users/999999/posts/1"), ("GET", "/users/1/posts/999999")}
    | _all("/prices/1.5")
    | _all("/files/sample/path")
    | _all(f"/things/{UUID}")
    | _all("/pages/about")
    | _all("/hex/aaaa")
    | _all("/notes/1")
    | {("GET", "/notes/999999")}
    | _all("/search")
    | _all("/echo")
    | _all("/closure")
    | _all("/helped")
    | _all("/plain")
    | _all("/dynamic")
    | {("OPTIONS", "/submit")}
)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


def _targets(cases: list[Case]) -> set[tuple[str, str]]:
    return {(case.steps[0].method, case.steps[0].target) for case in cases}


def _plain(cases: list[Case]) -> list[Case]:
    """The cases that are not hypothesis variations (no query string, sample bodies only)."""
    return [case for case in cases if not case.steps[0].query_string and "(" not in case.name]


def _variations(cases: list[Case]) -> list[Case]:
    plain = {id(case) for case in _plain(cases)}
    return [case for case in cases if id(case) not in plain]


# ---------------------------------------------------------------------------------------------
# URLs and methods


def test_plain_cases_are_exactly_the_expected_urls(app: Flask) -> None:
    cases, _ = generate_cases(app)
    assert _targets(_plain(cases)) == EXPECTED_SAFE
    assert all(len(case.steps) == 1 for case in cases)
    assert all(case.source == "auto" for case in cases)
    by_name = {case.name: case for case in cases}
    assert by_name["GET /items/999999"].endpoint == "item"
    assert by_name["GET /static/a.css"].endpoint == "static"
    assert by_name["GET /shop/assets/sub/x.js"].endpoint == "shop.static"
    assert by_name["GET /notes/1"].endpoint == "note"
    assert len(by_name) == len(cases)  # names are unique


def test_every_request_routes_in_the_app(app: Flask) -> None:
    cases, _ = generate_cases(app, allow_unsafe=True)
    client = app.test_client()
    for case in cases:
        step = case.steps[0]
        response = client.open(
            step.path,
            method=step.method,
            query_string=step.query_string,
            headers=list(step.headers),
            data=step.body,
        )
        assert response.status_code != 405, case.name
        if "999999" in step.path:
            # the view itself answers 404, not the router
            assert response.status_code == 404, case.name
            assert b"no such" in response.data, case.name
        else:
            assert response.status_code != 404, case.name


def test_static_cases_serve_a_real_file(app: Flask) -> None:
    cases, notes = generate_cases(app)
    client = app.test_client()
    assert client.get("/static/a.css").data == b"body {}"
    assert client.get("/shop/assets/sub/x.js").status_code == 200
    assert ("GET", "/static/a.css") in _targets(cases)
    assert any(note.endpoint == "empty.static" and "no file" in note.message for note in notes)


def test_rules_that_cannot_be_sent_are_noted(app: Flask) -> None:
    _, notes = generate_cases(app)
    by_endpoint: dict[str, list[str]] = {}
    for note in notes:
        assert isinstance(note, AutoNote)
        by_endpoint.setdefault(note.endpoint, []).append(note.message)
    assert any("redirect_to" in message for message in by_endpoint["old"])
    assert any("build_only" in message for message in by_endpoint["external"])
    assert any("no sample value for <name>" in message for message in by_endpoint["weird"])


def test_unsafe_methods_are_notes_unless_allowed(app: Flask) -> None:
    cases, notes = generate_cases(app)
    assert all(case.safe for case in cases)
    messages = {(note.endpoint, note.message) for note in notes}
    assert ("submit", "POST /submit not sent: unsafe (give --allow-unsafe)") in messages
    assert ("note", "PUT /notes/1 not sent: unsafe (give --allow-unsafe)") in messages

    cases, notes = generate_cases(app, allow_unsafe=True)
    targets = _targets(cases)
    assert ("POST", "/submit") in targets
    assert {("PUT", "/notes/1"), ("PUT", "/notes/999999")} <= targets
    assert not any("not sent: unsafe" in note.message for note in notes)
    by_name = {case.name: case.steps[0] for case in cases}
    # sample bodies hold the keys the views read
    assert by_name["POST /submit"].body == b"age=1&name=sample"
    assert by_name["POST /submit"].header("Content-Type") == "application/x-www-form-urlencoded"
    assert by_name["PUT /notes/1"].body == b'{"body": "sample", "title": "sample"}'
    assert by_name["PUT /notes/1"].header("Content-Type") == "application/json"
    # and the body variations too
    submit_bodies = [
        c.steps[0].body for c in cases if c.endpoint == "submit" and c.steps[0].method == "POST"
    ]
    assert len(submit_bodies) > 1
    assert all(set(_form_keys(body)) <= {"name", "age", *EXTRA_KEYS} for body in submit_bodies)


def _form_keys(body: bytes) -> list[str]:
    return [key for key, _ in parse_qsl(body.decode(), keep_blank_values=True)]


def test_not_there_values_only_for_int_converters(app: Flask) -> None:
    cases, _ = generate_cases(app)
    missing = {target for _, target in _targets(cases) if "999999" in target}
    assert missing == {
        "/items/999999",
        "/users/999999/posts/1",
        "/users/1/posts/999999",
        "/notes/999999",
    }


# ---------------------------------------------------------------------------------------------
# hypothesis variations


def test_variations_only_for_views_reading_the_query(app: Flask) -> None:
    cases, _ = generate_cases(app, variations=4)
    variations = _variations(cases)
    assert {case.endpoint for case in variations} == {"search", "echo", "closure", "helped", "note"}
    assert {case.steps[0].method for case in variations} <= {"GET", "HEAD"}
    per_route: dict[tuple[str | None, str], int] = {}
    for case in variations:
        key = (case.endpoint, case.steps[0].method)
        per_route[key] = per_route.get(key, 0) + 1
    assert max(per_route.values()) <= 4
    # only the keys the view reads (plus the odd unexpected one)
    search_keys = {
        key
        for case in variations
        if case.endpoint == "search"
        for key in _form_keys(case.steps[0].query_string.encode())
    }
    assert {"q", "page"} & search_keys
    assert search_keys <= {"q", "page", *EXTRA_KEYS}
    for case in variations:
        assert case.name.startswith(f"{case.steps[0].method} {case.steps[0].path}")
        assert len(case.name) <= len("HEAD ") + 60 + len(" (99)")
        assert case.source == "auto"


def test_int_keys_get_numbers_and_non_numbers(app: Flask) -> None:
    cases, _ = generate_cases(app, variations=25)
    pages = [
        value
        for case in cases
        if case.endpoint == "search"
        for key, value in _pairs(case.steps[0].query_string)
        if key == "page"
    ]
    assert any(_is_int(value) and int(value) > 0 for value in pages)
    assert any(_is_int(value) and int(value) < 0 for value in pages)
    assert any(not _is_int(value) for value in pages)


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _is_int(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True


def test_same_seed_same_cases_other_seed_other_variations(app: Flask) -> None:
    first = generate_cases(app, allow_unsafe=True, seed=3)
    again = generate_cases(app, allow_unsafe=True, seed=3)
    assert first == again
    other_cases, _ = generate_cases(app, allow_unsafe=True, seed=4)
    assert _targets(_plain(other_cases)) == _targets(_plain(first[0]))
    assert [c.steps for c in _variations(other_cases)] != [c.steps for c in _variations(first[0])]


CROSS_PROCESS = """
import sys
from pathlib import Path
from flask2quart.parity.auto import generate_cases
from tests.parity.test_auto import make_app
cases, _ = generate_cases(make_app(Path(sys.argv[1])), allow_unsafe=True, seed=7)
print(repr([(case.name, case.steps) for case in cases]))
"""


def test_same_cases_in_another_process(tmp_path: Path) -> None:
    """Nothing depends on hash randomisation or on state left by an earlier run."""
    outputs = []
    for number, hash_seed in enumerate(("1", "2")):
        folder = tmp_path / f"run{number}"
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", CROSS_PROCESS, str(folder)],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert "?q=" in outputs[0] or "&q=" in outputs[0]


def test_no_variations_when_asked_for_none(app: Flask) -> None:
    cases, _ = generate_cases(app, variations=0)
    assert _targets(cases) == EXPECTED_SAFE


def test_unreadable_source_gets_no_variations(app: Flask) -> None:
    cases, notes = generate_cases(app, variations=5)
    dynamic = [case for case in cases if case.endpoint == "dynamic"]
    assert _targets(dynamic) == _all("/dynamic")
    assert (
        AutoNote("/dynamic", "dynamic", "no variations: the view's source could not be read")
        in notes
    )
    unreadable = [note.endpoint for note in notes if "source could not be read" in note.message]
    assert unreadable == ["dynamic"]


def test_requests_are_deduplicated(app: Flask) -> None:
    cases, _ = generate_cases(app, allow_unsafe=True, variations=10)
    requests: list[ParityRequest] = [case.steps[0] for case in cases]
    assert len(requests) == len(set(requests))


@pytest.mark.parametrize(
    ("pattern", "sample"),
    [
        (r"\d+", "1"),
        (r"[^/]{2,}", "aa"),
        (r"(?:zeta|alpha)", "zeta"),
        (r"[A-Z]{2}-\d{3}", "AA-111"),
        (r"v(1|2)\.x?", "v1.x"),
        (r"(?!admin)[a-z]+", None),
        (r"(a)\1", None),
    ],
)
def test_regex_samples(pattern: str, sample: str | None) -> None:
    assert _sample_from_regex(pattern) == sample


def test_thirty_rules_are_fast(tmp_path: Path) -> None:
    app = Flask(__name__, static_folder=None)
    for number in range(30):
        app.add_url_rule(
            f"/r{number}/<int:item>/<name>",
            endpoint=f"r{number}",
            view_func=lambda item, name: "ok",
            methods=["GET", "POST"],
        )
    started = time.perf_counter()
    cases, notes = generate_cases(app, variations=0)
    assert time.perf_counter() - started < 1.0
    assert len(cases) == 30 * 4  # GET, GET 999999, HEAD, OPTIONS
    assert len(notes) == 30  # POST not sent


# ---------------------------------------------------------------------------------------------
# the real example app


def _load_linkbox(name: str) -> ModuleType:
    return load_package(name, LINKBOX)


def test_linkbox(tmp_path: Path) -> None:
    linkbox = _load_linkbox("linkbox_auto_test")
    app = linkbox.create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "linkbox.sqlite"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    cases, notes = generate_cases(app)
    targets = _targets(cases)
    assert 40 <= len(cases) <= 150
    assert ("GET", "/static/style.css") in targets
    assert {("GET", "/api/links"), ("GET", "/api/links/1"), ("GET", "/api/links/999999")} <= targets
    assert ("GET", "/ping") in targets
    variation_endpoints = {case.endpoint for case in _variations(cases)}
    # list_links reads q/tag/limit; links.index through its current_filters() helper
    assert {"api.list_links", "links.index", "auth.login"} <= variation_endpoints
    assert "api.quote" not in variation_endpoints
    assert any(
        note.message == "POST /api/links not sent: unsafe (give --allow-unsafe)" for note in notes
    )
    assert generate_cases(app) == (cases, notes)

    cases, notes = generate_cases(app, allow_unsafe=True)
    by_name = {case.name: case.steps[0] for case in cases}
    assert by_name["POST /auth/login"].body == b"password=sample&username=sample"
    assert by_name["POST /api/links"].header("Content-Type") == "application/json"
    assert any("request.files" in note.message for note in notes)
