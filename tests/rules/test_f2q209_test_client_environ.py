import asyncio

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_remote_addr_and_headers_from_environ_base():
    findings = check_transformed(
        """\
        def test_ip(client):
            client.get("/ip", environ_base={"REMOTE_ADDR": "10.0.0.1"})
            client.get("/ip", environ_base={"HTTP_X_FORWARDED_FOR": "1.2.3.4", "REMOTE_ADDR": "10.0.0.1"})
            client.get(
                "/ip",
                environ_base={'HTTP_X_A': "base", "HTTP_X_B": "base"},
                headers={"X-A": "header"},
            )
        """,
        """\
        async def test_ip(client):
            await client.get("/ip", scope_base={"client": ("10.0.0.1", 0)})
            await client.get("/ip", headers={"X-Forwarded-For": "1.2.3.4"}, scope_base={"client": ("10.0.0.1", 0)})
            await client.get(
                "/ip",
                headers={"X-A": "header", "X-B": "base"},
            )
        """,
        path="tests/test_ip.py",
    )
    assert "F2Q202" not in codes(findings)


def test_overrides_scheme_root_path_and_keys_the_builder_overwrites():
    check_transformed(
        """\
        def test_overrides(client):
            client.get("/x", environ_overrides={"wsgi.url_scheme": "https", "HTTP_X_A": "o"}, headers={"X-A": "h"})
            client.get("/x", environ_overrides={"SCRIPT_NAME": "/app"})
            client.get("/x", environ_base={"wsgi.url_scheme": "https", "SERVER_NAME": "example.org"})
        """,
        """\
        async def test_overrides(client):
            await client.get("/x", headers={"X-A": "o"}, scheme="https")
            await client.get("/app/x", root_path="/app")
            await client.get("/x")
        """,
        path="tests/test_overrides.py",
    )


def test_what_has_no_quart_form_is_left_and_reported():
    findings = check_noop(
        """\
        def test_left(client, env, headers):
            client.get("/x", environ_base=env)
            client.get("/x", environ_base={"REMOTE_USER": "ada"})
            client.get("/x", environ_base={"HTTP_X_A": "1"}, headers=headers)
            client.get(path, environ_overrides={"SCRIPT_NAME": "/app"})
        """.replace("def test_left", "async def test_left").replace("client.get", "await client.get"),
        path="tests/test_left.py",
    )
    assert codes(findings).count("F2Q202") == 4


def test_not_a_test_client():
    check_noop(
        """\
        import requests


        def fetch():
            return requests.get("/x", environ_base={"REMOTE_ADDR": "1.2.3.4"})
        """,
        select=("F2Q209",),
    )


APP = '''\
from flask import Flask, request

app = Flask(__name__)


@app.route("/who")
def who():
    return {
        "addr": request.remote_addr,
        "scheme": request.scheme,
        "root": request.root_path,
        "path": request.path,
        "fwd": request.headers.get("X-Forwarded-For"),
        "a": request.headers.get("X-A"),
        "url": request.url,
    }
'''

TESTS = '''\
import json

from app import app


def answers():
    client = app.test_client()
    return [
        json.loads(client.get("/who", environ_base={"REMOTE_ADDR": "10.0.0.1"}).data),
        json.loads(client.get("/who", environ_base={"HTTP_X_FORWARDED_FOR": "1.2.3.4", "REMOTE_ADDR": "10.9.9.9"}).data),
        json.loads(client.get("/who", environ_base={"HTTP_X_A": "base"}, headers={"X-A": "header"}).data),
        json.loads(client.get("/who", environ_overrides={"HTTP_X_A": "o", "wsgi.url_scheme": "https"}, headers={"X-A": "h"}).data),
        json.loads(client.get("/who", environ_overrides={"SCRIPT_NAME": "/app"}).data),
        json.loads(client.get("/who", environ_base={"wsgi.url_scheme": "https", "SCRIPT_NAME": "/ignored"}).data),
    ]
'''


def test_the_ported_requests_reach_the_app_as_flasks_did():
    """The same requests through Flask's test client (original) and Quart's (port): the app sees the
    same remote address, scheme, root path, path and headers."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["answers"]()
    assert expected[0]["addr"] == "10.0.0.1" and expected[4]["root"] == "/app"

    output, _, files = run_rewrite(TESTS, path="tests/test_who.py", files={"app.py": APP})
    assert "environ_" not in output, output
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    answers = asyncio.run(ported["answers"]())
    for answer, flask_answer in zip(answers, expected, strict=True):
        if flask_answer["addr"] == "127.0.0.1":  # Werkzeug's default; Quart's test client says "<local>"
            answer["addr"] = flask_answer["addr"]
    assert answers == expected
