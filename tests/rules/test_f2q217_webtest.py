"""F2Q217: ``webtest.TestApp(app)`` drives the ported Quart app through a generated WSGI callable;
WebTest's answers compared with the Flask app's."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from flask2quart.migrate.rules.f2q217_webtest import HELPER_SOURCE
from tests.helpers import check_noop, check_transformed, run_rewrite
from tests.rules.test_f2q304_flask_limiter import loaded

APP = """\
from flask import Flask, abort, jsonify, redirect, request, session, url_for


def create_app():
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="s")

    @app.route("/echo/<path:rest>", methods=["GET", "POST", "PUT", "HEAD"])
    def echo(rest):
        return jsonify(
            rest=rest, path=request.path, args=request.args.to_dict(flat=False), method=request.method,
            form=request.form.to_dict(), json=request.get_json(silent=True), token=request.headers.get("X-Token"),
            type=request.content_type, length=request.content_length, remote=request.remote_addr,
            script=request.script_root, url=request.url,
        )

    @app.post("/login")
    def login():
        session["user"] = request.form["name"]
        return redirect(url_for("me"))

    @app.get("/me")
    def me():
        if "user" not in session:
            abort(401)
        response = jsonify(user=session["user"])
        response.set_cookie("seen", "yes")
        response.headers.add("X-Many", "a")
        response.headers.add("X-Many", "b")
        return response

    @app.get("/boom")
    def boom():
        raise ValueError("boom")

    return app
"""

DRIVE = """\
from webtest import TestApp
import webtest

from .app import create_app


def make(**environ):
    return TestApp(create_app(), extra_environ=environ)


def make_by_module():
    return webtest.TestApp(app=create_app())
"""


def test_the_app_webtest_drives_is_wrapped():
    output, _, _ = run_rewrite(DRIVE, path="pkg/drive.py", files={"pkg/__init__.py": "", "pkg/app.py": APP})
    assert "return TestApp(_f2q_wsgi_app(create_app()), extra_environ=environ)\n" in output
    assert "return webtest.TestApp(app=_f2q_wsgi_app(create_app()))\n" in output
    assert output.count("def _f2q_wsgi_app(app):") == 1


def test_a_test_module_fixture_is_wrapped():
    check_transformed(
        """\
        import pytest
        from webtest import TestApp

        from app import app as flask_app


        @pytest.fixture
        def testapp():
            return TestApp(flask_app)
        """,
        "import pytest\nfrom webtest import TestApp\n\nfrom app import app as flask_app\n"
        + HELPER_SOURCE
        + "\n\n@pytest.fixture\ndef testapp():\n    return TestApp(_f2q_wsgi_app(flask_app))\n",
        path="tests/test_views.py",
    )


def test_other_test_apps_are_left_alone():
    check_noop(
        """\
        from myproject.testing import TestApp


        def make(app):
            return TestApp(app)
        """,
        path="tests/test_other.py",
    )
    check_noop(
        """\
        from webtest import TestApp


        def remote():
            return TestApp()
        """,
        path="tests/test_remote.py",
    )


def _drive(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.drive")


def _echo(res) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {**res.json, "remote": None}


def _answers(testapp) -> list[object]:  # type: ignore[no-untyped-def]
    """What a WebTest suite sees of the app: statuses, bodies, headers, cookies across requests."""
    answers: list[object] = []
    res = testapp.get("/echo/a%20b/%C3%BC", params={"q": ["1", "2"], "é": "x"}, headers={"X-Token": "t"})
    # no REMOTE_ADDR in WebTest's environ: Flask answers None, Quart "<local>" for a request without
    # a client (its own choice, as for any ASGI request without one); compared below where it is set
    answers.append((res.status, _echo(res), res.content_type))
    res = testapp.post("/echo/form", {"name": "ada", "city": "Zürich"})
    answers.append((res.status, _echo(res)))
    res = testapp.put_json("/echo/json", {"a": [1, 2]})
    answers.append((res.status, _echo(res)))
    res = testapp.head("/echo/head")
    answers.append((res.status, res.body, res.content_type))
    res = testapp.get("/missing", status=404)
    answers.append(res.status)
    res = testapp.get("/me", expect_errors=True)
    answers.append(res.status)
    res = testapp.post("/login", {"name": "ada"})
    answers.append((res.status, res.location))
    res = res.follow()
    answers.append((res.status, res.json, res.headers.getall("X-Many"), sorted(testapp.cookies)))
    with pytest.raises(ValueError, match="boom"):
        testapp.get("/boom")
    return answers


async def test_webtest_sees_the_port_as_it_saw_the_flask_app():
    files = {"pkg/__init__.py": "", "pkg/app.py": APP, "pkg/drive.py": DRIVE}
    _, _, port = run_rewrite(DRIVE, path="pkg/drive.py", files={"pkg/__init__.py": "", "pkg/app.py": APP})
    with loaded(files) as original, loaded(port) as ported:
        # an async test calls it too: pytest-asyncio's loop is running here
        assert _answers(_drive(ported).make()) == _answers(_drive(original).make())
        assert _answers(_drive(ported).make_by_module()) == _answers(_drive(original).make_by_module())
        before = _drive(original).make(REMOTE_ADDR="10.1.2.3")
        after = _drive(ported).make(REMOTE_ADDR="10.1.2.3")
        assert after.get("/echo/x").json == before.get("/echo/x").json


def test_the_app_starts_once_as_served_and_other_apps_pass_through():
    _, _, port = run_rewrite(DRIVE, path="pkg/drive.py", files={"pkg/__init__.py": "", "pkg/app.py": APP})
    with loaded(port) as ported:
        drive = _drive(ported)
        wrap = drive._f2q_wsgi_app
        app = importlib.import_module(f"{ported.__name__}.app").create_app()
        started: list[str] = []

        @app.before_serving
        async def start() -> None:
            started.append("up")

        @app.get("/started")
        async def count() -> dict[str, int]:
            return {"started": len(started)}

        assert drive.TestApp(wrap(app)).get("/started").json == {"started": 1}
        testapp = drive.TestApp(wrap(app))
        assert testapp.get("/started").json == {"started": 1}
        assert testapp.app.config is app.config  # the app's attributes through WebTest's ``.app``

        def wsgi(environ, start_response):  # type: ignore[no-untyped-def]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"plain wsgi"]

        assert wrap(wsgi) is wsgi
        assert drive.TestApp(wrap(wsgi)).get("/").text == "plain wsgi"
