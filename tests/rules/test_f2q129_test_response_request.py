import asyncio

import pytest

from tests.helpers import check_noop, run_rewrite


def test_only_requests_whose_response_request_or_history_is_read():
    output, findings, _ = run_rewrite(
        '''\
def test_login(client):
    response = client.post("/login", data={"n": "7"}, follow_redirects=True)
    assert response.request.path == "/home"
    other = client.get("/home")
    assert other.status_code == 200
    assert len(client.get("/r", follow_redirects=True).history) == 1
''',
        path="tests/test_login.py",
    )
    assert findings == []
    assert 'response = await _f2q_open(client.post, "/login", form={"n": "7"}, follow_redirects=True)' in output
    assert 'other = await client.get("/home")' in output
    assert 'assert len((await _f2q_open(client.get, "/r", follow_redirects=True)).history) == 1' in output


def test_other_request_attributes_are_left_alone():
    check_noop(
        """\
        from flask import request


        def view_path():
            return request.path
        """,
        select=("F2Q129",),
    )


APP = '''\
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        return redirect(url_for("home", n=request.form.get("n")))
    return "login page"


@app.route("/home", methods=["GET", "POST"])
def home():
    return f"home {request.method} {request.args.to_dict()} {request.form.to_dict()}"


@app.route("/keep", methods=["POST"])
def keep():
    return redirect("/home?kept=1", code=307)


@app.route("/chain/<int:n>")
def chain(n):
    return redirect(f"/chain/{n - 1}" if n else "relative-end")


@app.route("/chain/relative-end")
def end():
    return "end"
'''

TESTS = '''\
from app import app


def summary(response):
    return (response.status_code, response.get_data(as_text=True), response.request.method, response.request.path,
            response.request.args.to_dict(), [(r.status_code, r.request.path) for r in response.history])


def answers():
    client = app.test_client()
    out = []
    response = client.post("/login", data={"n": "7"}, follow_redirects=True)
    out.append(summary(response))
    response = client.post("/keep", data={"x": "1"}, follow_redirects=True)
    out.append(summary(response))
    response = client.get("/chain/2", follow_redirects=True)
    out.append(summary(response))
    response = client.get("/home?a=1")
    out.append(summary(response))
    return out
'''


def test_the_port_reports_the_requests_and_history_flask_reported():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["answers"]()
    assert expected[0][:4] == (200, "home GET {'n': '7'} {}", "GET", "/home")
    assert expected[1][1] == "home POST {'kept': '1'} {'x': '1'}"
    assert expected[2][5] == [(302, "/chain/2"), (302, "/chain/1"), (302, "/chain/0")]

    output, findings, files = run_rewrite(TESTS, path="tests/test_redirects.py", files={"app.py": APP})
    assert findings == []
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["answers"]()) == expected
