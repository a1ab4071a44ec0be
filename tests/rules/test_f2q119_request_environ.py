import asyncio
import textwrap
import types

import pytest

from flask2quart.migrate.rules.f2q119_request_environ import HELPER_SOURCE, header_name
from tests.helpers import check_noop, check_transformed, codes, run_rewrite

HELPER = textwrap.indent(HELPER_SOURCE.lstrip("\n"), "        ")


def _f2q102(findings):
    return [(f.line, f.severity) for f in findings if f.code == "F2Q102"]


def test_header_names():
    assert header_name("HTTP_X_FORWARDED_FOR") == "X-Forwarded-For"
    assert header_name("HTTP_USER_AGENT") == "User-Agent"
    assert header_name("CONTENT_TYPE") == "Content-Type"
    assert header_name("HTTP_CONTENT_TYPE") is None  # not a key WSGI sets
    assert header_name("REMOTE_ADDR") is None


def test_reads_of_known_keys_become_request_attributes():
    findings = check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/")
        def index():
            return {
                "ua": request.environ["HTTP_USER_AGENT"],
                "fwd": request.environ.get('HTTP_X_FORWARDED_FOR', request.remote_addr),
                "ct": request.environ.get("CONTENT_TYPE"),
                "scheme": request.environ["wsgi.url_scheme"],
                "addr": request.environ.get("REMOTE_ADDR", "?"),
                "method": request.environ["REQUEST_METHOD"],
                "path": request.environ["PATH_INFO"],
                "root": request.environ.get("SCRIPT_NAME", ""),
                "qs": request.environ["QUERY_STRING"],
                "proto": request.environ["SERVER_PROTOCOL"],
            }
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.route("/")
        async def index():
            return {
                "ua": request.headers["User-Agent"],
                "fwd": request.headers.get("X-Forwarded-For", request.remote_addr),
                "ct": request.headers.get("Content-Type"),
                "scheme": request.scheme,
                "addr": request.remote_addr,
                "method": request.method,
                "path": request.path,
                "root": request.root_path,
                "qs": request.query_string.decode("latin-1"),
                "proto": "HTTP/" + request.http_version,
            }
        """,
    )
    assert findings == []


def test_membership_tests():
    check_transformed(
        """\
        import flask

        app = flask.Flask(__name__)


        @app.route("/")
        def index():
            a = "HTTP_X_TOKEN" in flask.request.environ
            b = 'HTTP_X_TOKEN' not in flask.request.environ
            c = "PATH_INFO" in flask.request.environ
            return str((a, b, c))
        """,
        """\
        import quart

        app = quart.Quart(__name__)


        @app.route("/")
        async def index():
            a = "X-Token" in quart.request.headers
            b = 'X-Token' not in quart.request.headers
            c = True
            return str((a, b, c))
        """,
    )


def test_environ_as_a_value_and_through_a_local_reads_the_helper_dict():
    findings = check_transformed(
        """\
        from flask import Flask, request
        from werkzeug.utils import append_slash_redirect

        app = Flask(__name__)


        @app.route("/dir")
        def directory():
            env = request.environ
            host = env.get("HTTP_HOST") + env["SERVER_PORT"]
            name = request.environ["SERVER_NAME"]
            return append_slash_redirect(request.environ)
        """,
        f"""\
        from quart import Quart, request
        from werkzeug.utils import append_slash_redirect


{HELPER}

        app = Quart(__name__)


        @app.route("/dir")
        async def directory():
            env = _f2q_wsgi_environ(request)
            host = env.get("HTTP_HOST") + env["SERVER_PORT"]
            name = _f2q_wsgi_environ(request)["SERVER_NAME"]
            return append_slash_redirect(_f2q_wsgi_environ(request))
        """,
    )
    assert findings == []


def test_server_keys_and_writes_are_reported():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask, request

            app = Flask(__name__)


            @app.before_request
            def before():
                software = request.environ.get("SERVER_SOFTWARE", "")
                if "wsgi.input_terminated" in request.environ:
                    return request.environ["wsgi.input"].read()
                request.environ["myapp.user"] = "x"
                request.environ.setdefault("myapp.user", "x")
                del request.environ["HTTP_X"]
                env = request.environ
                env["myapp.user"] = "y"
            """
        )
    )
    assert _f2q102(findings) == [
        (8, "warning"), (9, "warning"), (10, "error"), (11, "error"), (12, "error"), (13, "error"), (15, "warning"),
    ]
    assert 'software = _f2q_wsgi_environ(request).get("SERVER_SOFTWARE", "")' in output
    assert '"wsgi.input_terminated" in _f2q_wsgi_environ(request)' in output
    assert 'return request.environ["wsgi.input"].read()' in output  # left: it fails either way
    assert 'request.environ["myapp.user"] = "x"' in output
    assert "await request.get_data()" in findings[2].message
    assert "`g`" in findings[3].message


def test_environ_passed_to_a_project_function():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        def client_ip(environ):
            return environ.get("HTTP_X_REAL_IP") or environ["REMOTE_ADDR"]


        @app.route("/")
        def index():
            return client_ip(request.environ)
        """,
        f"""\
        from quart import Quart, request


{HELPER}

        app = Quart(__name__)


        def client_ip(environ):
            return environ.get("HTTP_X_REAL_IP") or environ["REMOTE_ADDR"]


        @app.route("/")
        async def index():
            return client_ip(_f2q_wsgi_environ(request))
        """,
    )


def test_without_the_rule_environ_stays_reported_by_f2q102():
    findings = check_noop(
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.route("/")
        async def index():
            return request.environ["REMOTE_ADDR"]
        """,
        select=("F2Q102",),
    )
    assert codes(findings) == ["F2Q102"]


def test_noop_where_nothing_is_flasks_environ():
    findings = check_noop(
        """\
        import os

        from flask import Flask

        app = Flask(__name__)
        DEBUG = os.environ.get("APP_DEBUG")


        def middleware(environ, start_response):
            return environ["HTTP_HOST"]


        def remote(request):
            return request.environ["REMOTE_ADDR"]
        """,
        select=("F2Q119",),
    )
    assert findings == []


APP = '''\
from flask import Flask, request
from werkzeug.utils import append_slash_redirect

app = Flask(__name__)


@app.before_request
def refuse_chunked():
    if request.environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        return "no chunks", 501


@app.route("/info/<path:name>")
def info(name):
    env = request.environ
    return {
        "ua": request.environ["HTTP_USER_AGENT"],
        "token": request.environ.get("HTTP_X_TOKEN", "none"),
        "has_token": "HTTP_X_TOKEN" in request.environ,
        "scheme": request.environ["wsgi.url_scheme"],
        "addr": request.environ.get("REMOTE_ADDR"),
        "method": request.environ["REQUEST_METHOD"],
        "path": request.environ["PATH_INFO"],
        "qs": request.environ["QUERY_STRING"],
        "server": env["SERVER_NAME"] + ":" + env["SERVER_PORT"],
        "proto": env["SERVER_PROTOCOL"],
        "via_local": env.get("HTTP_X_TOKEN"),
        "dynamic": request.environ.get(request.args.get("key", "HTTP_X_TOKEN")),
        "keys": sorted(k for k in env if k.isupper() and k != "REMOTE_PORT"),
    }


@app.route("/dir")
def directory():
    return append_slash_redirect(request.environ)
'''

#: (path, headers, remote address, https)
REQUESTS = [
    ("/info/a", {"User-Agent": "probe/1"}, "127.0.0.1", False),
    ("/info/b?x=%C3%A9&y=1&key=PATH_INFO", {"User-Agent": "probe/1", "X-Token": "t1"}, "10.1.2.3", True),
    ("/info/c?key=QUERY_STRING", {"User-Agent": "probe/2", "Content-Type": "text/plain"}, "192.0.2.9", False),
    ("/info/d", {"User-Agent": "probe/1", "Transfer-Encoding": "chunked"}, "127.0.0.1", False),
    ("/dir?a=1", {"User-Agent": "probe/1"}, "127.0.0.1", False),
]


def _flask_answers() -> list[tuple[int, str, str | None]]:
    module = types.ModuleType("flask_side")
    exec(compile(APP, "flask_side.py", "exec"), module.__dict__)
    client = module.app.test_client()
    answers = []
    for path, headers, addr, https in REQUESTS:
        response = client.get(
            path, headers=headers, environ_base={"REMOTE_ADDR": addr},
            base_url="https://localhost" if https else "http://localhost",
        )
        answers.append((response.status_code, response.get_data(as_text=True), response.headers.get("Location")))
    return answers


def _quart_answers(source: str) -> list[tuple[int, str, str | None]]:
    module = types.ModuleType("quart_side")
    exec(compile(source, "quart_side.py", "exec"), module.__dict__)

    async def run() -> list[tuple[int, str, str | None]]:
        client = module.app.test_client()
        answers = []
        for path, headers, addr, https in REQUESTS:
            response = await client.get(
                path, headers=headers, scope_base={"client": (addr, 0)}, scheme="https" if https else "http",
            )
            answers.append((response.status_code, await response.get_data(as_text=True), response.headers.get("Location")))
        return answers

    return asyncio.run(run())


def test_the_port_answers_what_flask_answers():
    """The original on Flask and the rewritten module on Quart get the same requests (headers,
    remote address, query string, scheme): the same answers."""
    pytest.importorskip("quart")
    output, findings, _ = run_rewrite(APP)
    assert "request.environ" not in output
    assert not [f for f in findings if f.code in ("F2Q102", "F2Q119")]
    expected = _flask_answers()
    assert [status for status, _, _ in expected] == [200, 200, 200, 501, 308]
    assert _quart_answers(output) == expected
