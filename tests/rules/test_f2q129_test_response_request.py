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


BASE = '''\
from app import app


class BaseCase:
    def setup_method(self):
        self.client = app.test_client()

    def login(self, n):
        return self.client.post("/login", data={"n": n}, follow_redirects=True)

    def assert_status(self, expected, resp, url=None):
        if url is None:
            url = resp.request.path
        assert expected == resp.status_code, f"{url} expected {expected}, got {resp.status_code}"
        return url
'''

SUBCLASS_TESTS = '''\
from tests.common.base import BaseCase


class TestPages(BaseCase):
    def post_keep(self, name):
        data = {"x": name}
        return self.client.post("/keep", data=data, follow_redirects=True)

    def check(self, resp):
        return self.assert_status(200, resp)

    def test_paths(self):
        seen = [self.assert_status(200, self.login("7")), self.check(self.post_keep("a"))]
        resp = self.client.get("/home?a=1", follow_redirects=True)
        seen.append(self.assert_status(200, resp))
        seen.append(self.assert_status(200, self.client.get("/home"), url="given"))
        return seen
'''


def test_a_response_handed_to_a_helper_of_another_module_carries_its_request():
    """``resp.request.path`` read in a base class's helper: the requests of the subclass's module
    (and those of the base's own helpers whose response it hands on) go through ``_f2q_open``."""
    output, findings, files = run_rewrite(
        SUBCLASS_TESTS, path="tests/test_pages.py", files={"app.py": APP, "tests/__init__.py": "", "tests/common/__init__.py": "", "tests/common/base.py": BASE}
    )
    assert findings == []
    assert 'return await _f2q_open(self.client.post, "/keep", **_f2q_form_files(data), follow_redirects=True)' in output
    assert 'resp = await _f2q_open(self.client.get, "/home?a=1", follow_redirects=True)' in output
    base = files["tests/common/base.py"]
    assert 'return await _f2q_open(self.client.post, "/login", ' in base

    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    expected = _run_case(BASE, SUBCLASS_TESTS, flask_side["app"])
    assert expected == ["/home", "/home", "/home", "given"]
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    assert asyncio.run(_run_case(base, output, quart_side["app"])) == expected


def _run_case(base: str, tests: str, app: object):  # type: ignore[no-untyped-def]
    """``TestPages().test_paths()`` with the two modules run against ``app``."""
    namespace: dict[str, object] = {"app": app}
    exec(compile(base.replace("from app import app\n", ""), "base.py", "exec"), namespace)
    exec(compile(tests.replace("from tests.common.base import BaseCase\n", ""), "t.py", "exec"), namespace)
    case = namespace["TestPages"]()  # type: ignore[operator]
    case.setup_method()
    return case.test_paths()


def test_a_helper_reading_request_of_no_test_response_wraps_nothing():
    check_noop(
        """\
        from tests.common.base import BaseCase


        class TestPages(BaseCase):
            def test_home(self):
                resp = self.client.get("/home")
                assert resp.status_code == 200
                self.assert_status(200, object())
        """,
        path="tests/test_pages.py",
        files={"app.py": APP, "tests/__init__.py": "", "tests/common/__init__.py": "", "tests/common/base.py": BASE.replace(
            'return self.client.post("/login", data={"n": n}, follow_redirects=True)', "return n"
        )},
        select=("F2Q129",),
    )


LINK_APP = '''\
from flask import Flask, request, session, url_for

app = Flask(__name__)
app.secret_key = "test"


@app.route("/login/<name>", methods=["POST"])
def login(name):
    session["user"] = name
    return "ok"


@app.route("/invite")
def invite():
    return url_for("join", token="t1", _external=True)


@app.route("/join")
def join():
    session["joined"] = request.args["token"]
    return f"{request.host} {request.scheme}"


@app.route("/who")
def who():
    return f"{session.get('user')} {session.get('joined')}"
'''

LINK_TESTS = '''\
def test_link(client):
    out = []
    client.post("/login/a")
    link = client.get("/invite").data.decode()
    out.append(link)
    out.append(client.get(link).data.decode())
    client.post("/login/b")
    response = client.get("/who")
    out.append(response.data.decode())
    out.append(client.get(link.replace("localhost", "example.org").replace("http:", "https:")).data.decode())
    return out
'''


def test_a_url_known_only_when_the_test_runs_is_sent_as_werkzeug_sends_it():
    """A link read from a page, absolute: sent as its path, scheme and host (Quart's client would
    send it whole and keep the session it sets under a wrong host, then send both sessions)."""
    output, findings, files = run_rewrite(LINK_TESTS, path="tests/test_link.py", files={"app.py": LINK_APP})
    assert findings == []
    assert "out.append((await (await _f2q_open(client.get, link)).get_data()).decode())" in output
    assert 'await client.post("/login/b")' in output  # a literal path: left to Quart's client
    assert 'response = await client.get("/who")' in output  # the helper's own reads are no reason (run twice)

    flask_side = {"__name__": "flask_side"}
    exec(compile(LINK_APP, "app.py", "exec"), flask_side)
    expected = _run_link_test(LINK_TESTS, flask_side["app"].test_client())
    assert expected == ["http://localhost/join?token=t1", "localhost http", "b t1", "example.org https"]
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    assert asyncio.run(_run_link_test(output, quart_side["app"].test_client())) == expected


def _run_link_test(source: str, client: object):  # type: ignore[no-untyped-def]
    namespace: dict[str, object] = {}
    exec(compile(source, "t.py", "exec"), namespace)
    return namespace["test_link"](client)  # type: ignore[operator]


def test_a_path_built_on_a_literal_is_left_to_quart():
    check_noop(
        """\
        from flask import url_for


        LOGIN = "/login"


        def test_pages(client, key, path, uid):
            assert client.get(path).status_code == 200
            assert client.get(LOGIN).status_code == 200
            url = "/users/{}/edit".format(uid)
            if key:
                url = url + "?key=" + key
            assert client.get(url).status_code == 200
            assert client.get(f"/items/{key}").status_code == 200
            assert client.get("/items/" + key).status_code == 200
            assert client.get("/items/%s" % key).status_code == 200
            assert client.get(url_for("items")).status_code == 200
        """,
        path="tests/test_items.py",
        select=("F2Q129",),
    )
