"""F2Q120: WSGI middleware on ``app.wsgi_app`` -> ASGI middleware on ``app.asgi_app``.

Each translation is also run: the Flask original (real Flask, Werkzeug's middleware) and the
rewritten module (real Quart of this venv) get the same requests and must answer the same.
"""

from __future__ import annotations

import asyncio
import textwrap
import types
from typing import Any

import pytest

from tests.helpers import check_noop, codes, run_rewrite


def _module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(textwrap.dedent(source), f"{name}.py", "exec"), module.__dict__)
    return module


def _flask_answers(app: Any, requests: list[tuple[str, dict[str, str]]]) -> list[tuple[int, str, str | None]]:
    client = app.test_client()
    out = []
    for path, headers in requests:
        response = client.get(path, headers=headers)
        out.append((response.status_code, response.get_data(as_text=True), response.headers.get("X-Mid")))
    return out


def _quart_answers(app: Any, requests: list[tuple[str, dict[str, str]]]) -> list[tuple[int, str, str | None]]:
    async def run() -> list[tuple[int, str, str | None]]:
        client = app.test_client()
        out = []
        for path, headers in requests:
            response = await client.get(path, headers=headers, scope_base={"client": ("127.0.0.1", 0)})
            out.append((response.status_code, await response.get_data(as_text=True), response.headers.get("X-Mid")))
        return out

    return asyncio.run(run())


def _same_answers(source: str, requests: list[tuple[str, dict[str, str]]], attr: str = "app") -> str:
    expected = _flask_answers(getattr(_module("flask_side", source), attr), requests)
    output, findings, _ = run_rewrite(source)
    assert ".wsgi_app" not in output
    assert "F2Q102" not in codes(findings)
    got = _quart_answers(getattr(_module("quart_side", output), attr), requests)
    assert got == expected
    return output


PROXY_FIX = '''\
from flask import Flask, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1{extra})


@app.route("/who")
def who():
    return f"{{request.remote_addr}} {{request.scheme}} {{request.host}} {{request.script_root}} {{url_for('who', _external=True)}}"
'''

FORWARDED = [
    ("/who", {}),
    ("/who", {"X-Forwarded-For": "10.0.0.1", "X-Forwarded-Proto": "https"}),
    ("/who", {"X-Forwarded-For": "6.6.6.6, 10.0.0.2", "X-Forwarded-Proto": "http, https"}),
    ("/who", {"X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "8443", "X-Forwarded-Prefix": "/p"}),
    ("/who", {"X-Forwarded-For": "1.1.1.1, 2.2.2.2", "X-Forwarded-Host": "a.example, b.example:81"}),
]


def test_proxy_fix_becomes_asgi_middleware_with_the_same_hops():
    output, findings, _ = run_rewrite(PROXY_FIX.format(extra=""))
    assert "app.asgi_app = ProxyFixASGI(app.asgi_app, x_for=1, x_proto=1)\n" in output
    assert "class ProxyFixASGI:" in output
    assert [f.code for f in findings if f.code in ("F2Q102", "F2Q120")] == []


@pytest.mark.parametrize("extra", ["", ", x_host=1, x_port=1, x_prefix=1", ", x_host=2"])
def test_proxy_fix_answers_as_flask(extra: str):
    _same_answers(PROXY_FIX.format(extra=extra), FORWARDED)


DISPATCHER = '''\
from flask import Flask, request, url_for
from werkzeug.middleware.dispatcher import DispatcherMiddleware


def simple_wsgi(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("default " + environ["SCRIPT_NAME"] + " " + environ["PATH_INFO"]).encode()]


def create_app(prefix):
    app = Flask(__name__)

    @app.route("/page")
    def page():
        return f"{request.script_root} {request.path} {url_for('page')}"

    app.wsgi_app = DispatcherMiddleware(simple_wsgi, {prefix: app.wsgi_app})
    return app


app = create_app("/fava")
'''


def test_dispatcher_keeps_werkzeug_matching_and_script_root():
    output = _same_answers(
        DISPATCHER, [("/fava/page", {}), ("/fava/nope", {}), ("/favaX/page", {}), ("/page", {}), ("/", {})]
    )
    assert "app.asgi_app = DispatcherASGI(simple_wsgi, {prefix: app.asgi_app})" in output


def test_dispatcher_runs_the_app_lifespan():
    output, _, _ = run_rewrite(DISPATCHER.replace('    return app\n', '    app.before_serving(lambda: seen.append(1))\n    return app\n').replace(
        "def create_app", "seen = []\n\n\ndef create_app"))
    module = _module("quart_lifespan", output)

    async def run() -> None:
        async with module.app.test_app():
            pass

    asyncio.run(run())
    assert module.seen == [1]


MIDDLEWARE = '''\
from flask import Flask, request


class Tagging:
    """Adds a header the app reads, a key of its own, and a response header; blocks /blocked."""

    def __init__(self, app, tag):
        self.app = app
        self.tag = tag

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/blocked":
            start_response("403 FORBIDDEN", [("Content-Type", "text/plain"), ("X-Mid", "blocked")])
            return [b"no"]
        environ["HTTP_X_TAG"] = self.tag
        environ["tag"] = self.tag

        def tagged(status, headers, exc_info=None):
            return start_response(status, headers + [("X-Mid", status)], exc_info)

        return self.app(environ, tagged)


class Web:
    def __init__(self):
        self.app = Flask(__name__)
        self.app.wsgi_app = Tagging(self.app.wsgi_app, "t1")

        @self.app.route("/")
        def index():
            return request.headers.get("X-Tag", "none")


app = Web().app
'''


def test_project_middleware_runs_through_the_adapter():
    output = _same_answers(MIDDLEWARE, [("/", {}), ("/blocked", {}), ("/missing", {})])
    assert "self.app.asgi_app = WSGIMiddlewareASGI(self.app.asgi_app, lambda wsgi_app: Tagging(wsgi_app, \"t1\"))" in output
    _, findings, _ = run_rewrite(MIDDLEWARE)
    (finding,) = [f for f in findings if f.code == "F2Q120"]
    assert finding.line == 27 and "request.scope[key]" in finding.message
    module = _module("quart_scope", output)

    @module.app.route("/scope")
    async def scope() -> str:
        from quart import request

        return request.scope["tag"]

    assert _quart_answers(module.app, [("/scope", {})]) == [(200, "t1", "200 OK")]


def test_werkzeug_profiler_is_an_error_but_the_module_imports():
    output, findings, _ = run_rewrite(
        '''\
        from flask import Flask
        from werkzeug.middleware.profiler import ProfilerMiddleware

        app = Flask(__name__)
        app.wsgi_app = ProfilerMiddleware(app.wsgi_app, restrictions=(30,))
        '''
    )
    assert "app.asgi_app = WSGIMiddlewareASGI(app.asgi_app, lambda wsgi_app: ProfilerMiddleware(wsgi_app, restrictions=(30,)))" in output
    assert [(f.code, f.severity.value) for f in findings if f.code.startswith("F2Q1")] == [("F2Q120", "error")]
    _module("quart_profiler", output)


def test_assignment_that_does_not_wrap_is_reported_once():
    findings = check_noop(
        '''\
        # served by a WSGI server, next to the flask app
        server = make_server()
        server.wsgi_app = Wrapper(server.wsgi_app)
        ''',
    )
    assert findings == []
    output, findings, _ = run_rewrite(
        '''\
        from flask import Flask

        app = Flask(__name__)
        app.wsgi_app = None
        '''
    )
    assert "app.wsgi_app = None" in output
    assert codes(findings) == ["F2Q120"]


def test_reading_wsgi_app_elsewhere_is_still_f2q102():
    findings = check_noop(
        '''\
        def serve(app, environ, start_response):
            return app(environ, start_response)
        '''
    )
    assert findings == []


PREFIXED = '''\
from flask import Flask, request, url_for


class Prefixed:
    """Built from the app itself (it reads app.wsgi_app and app.config): mounts the app under
    APPLICATION_ROOT and trusts an X-Scheme header, as real apps' prefix middlewares do."""

    def __init__(self, app):
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        script_name = self.app.config["APPLICATION_ROOT"]
        if script_name:
            environ["SCRIPT_NAME"] = script_name
            path_info = environ["PATH_INFO"]
            if path_info.startswith(script_name):
                environ["PATH_INFO"] = path_info[len(script_name):]
        scheme = environ.get("HTTP_X_SCHEME", "")
        if scheme:
            environ["wsgi.url_scheme"] = scheme
        return self.wsgi_app(environ, start_response)


def create_app(root):
    app = Flask(__name__)
    app.config["APPLICATION_ROOT"] = root
    app.wsgi_app = Prefixed(app)

    @app.route("/page")
    def page():
        return f"{request.path} {request.script_root} {url_for('page', _external=True)}"

    @app.route("/", strict_slashes=False)
    def index():
        return f"index {request.path} {request.script_root} {url_for('index')}"

    return app


app = create_app("/budget")
root_app = create_app("/")
'''


@pytest.mark.parametrize("attr", ["app", "root_app"])
def test_a_middleware_built_from_the_app_runs_through_the_adapter(attr: str):
    # the root itself too: "/" mounted at "/" leaves an empty PATH_INFO, "/budget" at "/budget" as well
    requests = [("/budget/page", {}), ("/page", {"X-Scheme": "https"}), ("/budget/missing", {}), ("/", {}), ("/budget", {}), ("/budget/", {}),
                # an absolute URL, as a test follows a link the app rendered: Quart's client sends it whole
                ("http://localhost/budget/page", {}), ("http://localhost/page?x=1", {})]
    expected = _flask_answers(getattr(_module("flask_prefixed", PREFIXED), attr), requests)
    output, findings, _ = run_rewrite(PREFIXED)
    assert "F2Q102" not in codes(findings)
    assert _quart_answers(getattr(_module("quart_prefixed", output), attr), requests) == expected
    assert "app.asgi_app = WSGIMiddlewareASGI(app.asgi_app, lambda wsgi_app: Prefixed(WsgiAppView(app, wsgi_app)))" in output
    _, findings, _ = run_rewrite(PREFIXED)
    assert [(f.code, f.severity.name) for f in findings if f.code == "F2Q120"] == [("F2Q120", "WARNING")]


PREFIX = '''\
from flask import Flask, request


class PrefixMiddleware:
    def __init__(self, app, prefix=""):
        self.app = app
        self.prefix = prefix

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"].startswith(self.prefix):
            environ["PATH_INFO"] = environ["PATH_INFO"][len(self.prefix):]
            environ["SCRIPT_NAME"] = self.prefix
            return self.app(environ, start_response)
        else:
            start_response("404", [("Content-Type", "text/plain")])
            return [b"This URL does not belong to the app."]


app = Flask(__name__)
app.wsgi_app = PrefixMiddleware(app.wsgi_app, prefix="/paste")


@app.route("/where")
def where():
    return f"{request.script_root} {request.path}"
'''


def test_a_middleware_that_leaves_the_body_alone_is_information():
    output = _same_answers(PREFIX, [("/paste/where", {}), ("/where", {}), ("/paste/missing", {})])
    assert "WSGIMiddlewareASGI(app.asgi_app, lambda wsgi_app: PrefixMiddleware(wsgi_app, prefix=\"/paste\"))" in output
    _, findings, _ = run_rewrite(PREFIX)
    (finding,) = [f for f in findings if f.code == "F2Q120"]
    assert finding.severity == "info" and "never the body" in finding.message


@pytest.mark.parametrize(
    "call_body",
    [
        # reads the request body
        'environ["X_LEN"] = str(len(environ["wsgi.input"].read()))\n        return self.app(environ, start_response)',
        # wraps the response body
        "for chunk in self.app(environ, start_response):\n            yield chunk.upper()",
        # hands the body to something else
        "return list(self.app(environ, start_response))",
    ],
)
def test_a_middleware_that_may_touch_the_body_stays_a_warning(call_body):
    source = PREFIX.replace(
        PREFIX[PREFIX.index('        if environ["PATH_INFO"]'):PREFIX.index("\n\n\napp = Flask")],
        "        " + call_body,
    )
    _, findings, _ = run_rewrite(source)
    (finding,) = [f for f in findings if f.code == "F2Q120"]
    assert finding.severity == "warning" and "write it as ASGI middleware" in finding.message
