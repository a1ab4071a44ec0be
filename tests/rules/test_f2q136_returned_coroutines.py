"""F2Q136: where the app's async methods are handed on as values (functools.partial, a method a
function returns), a coroutine a view or an error handler returns is awaited, as Flask used the
call's result."""

from __future__ import annotations

import flask
import quart

from tests.helpers import codes, run_rewrite

DISPATCHER = """\
import functools

from flask import Flask, abort, request

app = Flask(__name__)


class First:
    def handle(self, name):
        if name == "missing":
            abort(404)
        return "first:" + request.form.get(name, "-")

    def get_endpoint(self, name):
        return functools.partial(self.handle, name)


class Second:
    def handle(self, name):
        return "second:" + name

    def get_endpoint(self, name):
        return functools.partial(self.handle, name)


SERVERS = [First(), Second()]


class Teapot(Exception):
    pass


@app.errorhandler(Teapot)
def teapot(error):
    return SERVERS[0].get_endpoint("tea")(), 418


@app.post("/<int:which>/<name>")
def view(which, name):
    if name == "teapot":
        raise Teapot()
    endpoint = SERVERS[which].get_endpoint(name)
    return endpoint()
"""


def test_the_guard_is_registered_where_the_app_is_built():
    output, findings, _ = run_rewrite(DISPATCHER)
    assert "app = Quart(__name__)\nawait_returned_coroutines(app)\n" in output
    assert "def await_returned_coroutines(app):" in output
    assert codes(findings) == ["F2Q136"]
    assert findings[0].line == 5 and findings[0].severity.value == "info"
    assert "`First.handle` became async and is handed on as a value" in findings[0].message


def test_apps_whose_async_functions_are_not_handed_on_get_nothing():
    output, findings, _ = run_rewrite(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        def read(name):
            return request.form.get(name, "-")


        @app.post("/<name>")
        def view(name):
            return read(name)
        """
    )
    assert "await_returned_coroutines" not in output
    assert findings == []


async def test_the_port_answers_as_the_original():
    """Which server's method runs is known only at run time: the view returns its coroutine, the
    guard awaits it; an abort inside reaches Quart's 404, an error handler's coroutine its 418."""
    output, _, _ = run_rewrite(DISPATCHER)
    flask_side: dict[str, object] = {"__name__": "dispatcher_app"}
    exec(compile(DISPATCHER, "app.py", "exec"), flask_side)
    quart_side: dict[str, object] = {"__name__": "dispatcher_app"}
    exec(compile(output, "app.py", "exec"), quart_side)
    flask_app, quart_app = flask_side["app"], quart_side["app"]
    assert isinstance(flask_app, flask.Flask) and isinstance(quart_app, quart.Quart)
    for path in ("/0/x", "/1/x", "/0/missing", "/0/teapot"):
        expected = flask_app.test_client().post(path, data={"x": "ab", "tea": "green"})
        got = await quart_app.test_client().post(path, form={"x": "ab", "tea": "green"})
        assert (got.status_code, await got.get_data(as_text=True) if got.status_code != 404 else "") == (
            expected.status_code, expected.get_data(as_text=True) if expected.status_code != 404 else ""
        ), path
    assert flask_app.test_client().post("/0/x", data={"x": "ab"}).get_data(as_text=True) == "first:ab"
