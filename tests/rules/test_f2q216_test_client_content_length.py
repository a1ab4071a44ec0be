import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.helpers import check_noop, check_transformed, run_rewrite

#: An app that checks the advertised size, as upload APIs do.
APP = """\
from flask import Flask, redirect, request, session

app = Flask(__name__)
app.secret_key = "test"


@app.post("/upload")
def upload():
    size = request.headers.get("Content-Length")
    if size is None:
        return {"error": "Content-Length required"}, 411
    return {"declared": int(size), "body": len(request.get_data())}


@app.post("/count")
def count():
    session["n"] = session.get("n", 0) + 1
    return redirect("/n")


@app.get("/n")
def n():
    return {"n": session.get("n")}
"""

TESTS = """\
import pytest

from app import app


@pytest.fixture
def client():
    with app.test_client() as client:
        yield client


def test_body_length_replaces_the_declared_one(client):
    response = client.post("/upload", data=b"abc", headers={"Content-Length": "10"})
    assert response.get_json() == {"declared": 3, "body": 3}


def test_no_body_no_length(client):
    assert client.post("/upload", headers={"Content-Length": "0"}).status_code == 411


def test_form_and_json_bodies_have_their_length():
    client = app.test_client()
    assert client.post("/upload", data={"a": "b c"}).get_json() == {"declared": 5, "body": 5}
    assert client.post("/upload", json={"a": 1}).get_json() == {"declared": 8, "body": 8}


def test_session_cookie_through_a_redirect(client):
    client.post("/count")
    assert client.post("/count", follow_redirects=True).get_json() == {"n": 2}
"""


def test_test_clients_are_wrapped_where_the_project_reads_content_length():
    check_transformed(
        """\
        from app import app


        def test_upload():
            client = app.test_client()
            with app.test_client() as other:
                assert client.post("/upload", data=b"x").status_code == 200
        """,
        """\
        from app import app


        def _f2q_content_length(client):
            \"\"\"Quart's test client sending Content-Length as Werkzeug's client does: the body's length when
            there is a body (a Content-Length given in `headers` is replaced), none without one (added by
            flask2quart, F2Q216).\"\"\"
            from collections.abc import Mapping

            from quart.testing.utils import make_test_body_with_headers
            from werkzeug.datastructures import Headers

            send = client.open

            async def open(*args, **kwargs):
                body_args = {key: kwargs.pop(key) for key in ("data", "form", "files", "json") if key in kwargs}
                body, body_headers = make_test_body_with_headers(**body_args, app=client.app)
                given = kwargs.pop("headers", None)
                headers = Headers(given or ())
                for key, value in body_headers.items():  # as Quart's client: the body's Content-Type wins
                    headers[key] = value
                headers.remove("Content-Length")
                if body:
                    headers["Content-Length"] = str(len(body))
                # not the Headers object: Quart's client adds cookies to a Headers it is given, again on each
                # redirect it follows; a mapping where the test gave one (or none), as a client subclass's
                # own open() may merge it into its defaults ({**self.headers, **headers})
                mapping = given is None or (isinstance(given, Mapping) and not isinstance(given, Headers))
                mapping = mapping and len({key.lower() for key in headers.keys()}) == len(headers)  # no repeats
                kwargs.update(headers=dict(headers.items()) if mapping else list(headers.items()), data=body)
                return await send(*args, **kwargs)

            client.open = open
            return client


        async def test_upload():
            client = _f2q_content_length(app.test_client())
            async with _f2q_content_length(app.test_client()) as other:
                assert (await client.post("/upload", data=b"x")).status_code == 200
        """,
        path="tests/test_upload.py",
        files={"app.py": APP},
    )


def test_nested_in_the_raising_client_of_a_suite_using_signals():
    output, _, _ = run_rewrite(
        """\
        from flask import template_rendered

        from app import app


        def test_upload():
            client = app.test_client()
            assert client.post("/upload", data=b"x").status_code == 200
        """,
        path="tests/test_upload.py",
        files={"app.py": APP},
    )
    assert "client = _f2q_content_length(_f2q_raising_client(app.test_client()))" in output


def test_projects_that_never_look_at_content_length_are_left_alone():
    check_noop(
        """\
        from app import app


        async def test_index():
            client = app.test_client()
            assert (await client.get("/")).status_code == 200
        """,
        path="tests/test_index.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )


def test_code_flask2quart_generated_is_no_reason_on_a_later_run():
    """F2Q120's adapter names the WSGI ``CONTENT_LENGTH`` key; the project's own code never looked
    at the length, so neither run wraps its test clients (run_rewrite checks the second run)."""
    app = (
        "from flask import Flask\n\n\nclass Tagging:\n    def __init__(self, app):\n        self.app = app\n\n"
        "    def __call__(self, environ, start_response):\n        environ['HTTP_X_TAG'] = 'on'\n"
        "        return self.app(environ, start_response)\n\n\n"
        "app = Flask(__name__)\napp.wsgi_app = Tagging(app.wsgi_app)\n"
    )
    output, _, texts = run_rewrite(
        "from app import app\n\n\ndef test_index():\n    assert app.test_client().get('/').status_code == 404\n",
        path="tests/test_index.py",
        files={"app.py": app},
    )
    assert "CONTENT_LENGTH" in texts["app.py"]  # the generated adapter
    assert "_f2q_content_length" not in output


def _suite(root: Path, files: dict[str, str]) -> str:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:flask2quart-parity", "tests"],
        cwd=root, capture_output=True, text=True, env=env, timeout=300,
    )
    return run.stdout[-2000:]


def test_ported_suite_sees_the_lengths_flask_sent(tmp_path):
    flask_result = _suite(tmp_path / "flask", {"app.py": APP, "tests/test_upload.py": TESTS})
    assert "4 passed" in flask_result, flask_result
    _, _, ported = run_rewrite(TESTS, path="tests/test_upload.py", files={"app.py": APP})
    ported["pytest.ini"] = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    quart_result = _suite(tmp_path / "quart", ported)
    assert "4 passed" in quart_result, quart_result
    # without the helper, Quart's client sends the test's own headers: the suite fails
    unwrapped = {name: text.replace("_f2q_content_length(app.test_client())", "app.test_client()") for name, text in ported.items()}
    assert "3 failed, 1 passed" in _suite(tmp_path / "plain", unwrapped)


#: A client subclass adding default headers in its own open(), as suites do for auth headers.
SUBCLASS_TESTS = """\
import pytest
from flask.testing import FlaskClient

from app import app


class AuthClient(FlaskClient):
    def __init__(self, *args, **kwargs):
        self.headers = kwargs.pop("headers", {})
        super().__init__(*args, **kwargs)

    def open(self, *args, **kwargs):
        headers = kwargs.pop("headers", {})
        kwargs["headers"] = {**self.headers, **headers}
        return super().open(*args, **kwargs)


@pytest.fixture
def client():
    app.test_client_class = AuthClient
    client = app.test_client()
    client.headers = {"X-Token": "t"}
    return client


def test_default_and_own_headers(client):
    response = client.post("/upload", data=b"abcd", headers={"Content-Length": "1"})
    assert response.get_json() == {"declared": 4, "body": 4}
    assert client.post("/upload").status_code == 411
"""


def test_client_subclass_open_gets_the_mapping_it_was_given(tmp_path):
    assert "1 passed" in _suite(tmp_path / "flask", {"app.py": APP, "tests/test_auth.py": SUBCLASS_TESTS})
    _, _, ported = run_rewrite(SUBCLASS_TESTS, path="tests/test_auth.py", files={"app.py": APP})
    assert "_f2q_content_length(app.test_client())" in ported["tests/test_auth.py"]
    ported["pytest.ini"] = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    assert "1 passed" in _suite(tmp_path / "quart", ported)
