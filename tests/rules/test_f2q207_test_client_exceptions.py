import asyncio

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_pytest_raises_around_a_request_is_reported():
    findings = check_transformed(
        """\
        import pytest


        def test_error(client):
            with pytest.raises(ZeroDivisionError):
                client.get("/boom")


        def test_nested(client):
            with pytest.raises(RuntimeError, match="boom"):
                if client:
                    client.post("/boom", json={})
        """,
        """\
        import pytest


        async def test_error(client):
            with pytest.raises(ZeroDivisionError):
                await client.get("/boom")


        async def test_nested(client):
            with pytest.raises(RuntimeError, match="boom"):
                if client:
                    await client.post("/boom", json={})
        """,
        path="tests/test_errors.py",
    )
    assert codes(findings) == ["F2Q207", "F2Q207"]
    assert [f.line for f in findings] == [5, 10]
    assert "PROPAGATE_EXCEPTIONS=True" in findings[0].message


def test_raises_imported_by_name():
    findings = check_transformed(
        """\
        from pytest import raises


        def test_error(client):
            with raises(ValueError):
                client.get("/bad")
        """,
        """\
        from pytest import raises


        async def test_error(client):
            with raises(ValueError):
                await client.get("/bad")
        """,
        path="tests/test_errors.py",
    )
    assert codes(findings) == ["F2Q207"]
    assert findings[0].line == 5


def test_raises_after_the_request_is_not_reported():
    findings = check_transformed(
        """\
        import pytest


        def test_headers(client):
            rv = client.get("/")
            with pytest.raises(KeyError):
                rv.headers["Nope"]
        """,
        """\
        import pytest


        async def test_headers(client):
            rv = await client.get("/")
            with pytest.raises(KeyError):
                rv.headers["Nope"]
        """,
        path="tests/test_headers.py",
    )
    assert findings == []


def test_raises_without_a_client_is_untouched():
    findings = check_noop(
        """\
        import pytest


        def test_parse():
            with pytest.raises(ValueError):
                int("x")
        """,
        path="tests/test_parse.py",
    )
    assert findings == []


def test_assert_raises_around_a_request_is_reported():
    findings = check_transformed(
        """\
        import unittest

        from app import app


        class Crash(unittest.TestCase):
            def test_crash(self):
                client = app.test_client()
                with self.assertRaises(ZeroDivisionError):
                    client.get("/crash")
        """,
        """\
        import unittest

        from app import app


        class Crash(unittest.IsolatedAsyncioTestCase):
            async def test_crash(self):
                client = app.test_client()
                with self.assertRaises(ZeroDivisionError):
                    await client.get("/crash")
        """,
        path="test_crash.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    assert [f.code for f in findings] == ["F2Q207"]


APP = """\
from flask import Flask, render_template_string, template_rendered

app = Flask(__name__)


@app.route("/page")
def page():
    return render_template_string("{{ 1 }}")


@app.route("/boom")
def boom():
    raise ZeroDivisionError("boom")


@app.route("/handled")
def handled():
    raise KeyError("k")


@app.errorhandler(KeyError)
def key_error(error):
    return "handled", 400
"""

TESTS = """\
from flask import template_rendered

from app import app


def outcomes():
    app.testing = True
    client = app.test_client()
    seen = []

    def check(sender, template, context):
        assert template.name == "wrong.html"

    for path in ("/page", "/boom"):
        try:
            if path == "/page":
                with template_rendered.connected_to(check, app):
                    client.get(path)
            else:
                client.get(path)
            seen.append((path, "passed"))
        except (AssertionError, ZeroDivisionError) as error:
            seen.append((path, type(error).__name__))
    seen.append(("/handled", client.get("/handled").status_code))
    app.testing = False
    seen.append(("/boom", client.get("/boom").status_code))
    return seen
"""


def test_an_exception_in_a_view_or_receiver_fails_the_request_as_with_flask():
    """An assertion in a signal receiver and an exception in a view reach the test (testing mode),
    handled errors and a non-testing app answer as before: the same under Flask and the port."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["outcomes"]()
    assert expected == [("/page", "AssertionError"), ("/boom", "ZeroDivisionError"), ("/handled", 400), ("/boom", 500)]

    output, _, files = run_rewrite(TESTS, path="tests/test_outcomes.py", files={"app.py": APP})
    assert "client = _f2q_raising_client(app.test_client())" in output, output
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["outcomes"]()) == expected
