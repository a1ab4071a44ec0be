import asyncio

import pytest

from tests.helpers import check_noop, codes, run_rewrite


def test_content_length_of_a_test_response_is_reported():
    findings = check_noop(
        """\
        def test_stream(client):
            rv = client.get("/stream")
            assert rv.content_length == 10
        """,
        path="tests/test_stream.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
               "tests/conftest.py": "import pytest\nfrom app import app\n\n\n@pytest.fixture\ndef client():\n    return app.test_client()\n"},
        select=("F2Q212",),
    )
    assert codes(findings) == ["F2Q212"] and findings[0].line == 3
    assert "serve the app" in findings[0].message


def test_other_content_lengths_are_left_alone():
    check_noop(
        """\
        from flask import Flask, Response

        app = Flask(__name__)


        @app.route("/")
        def index():
            response = Response("abc")
            response.content_length = 3
            return str(response.content_length)
        """,
        select=("F2Q212",),
    )


APP = '''\
from flask import Flask, Response

app = Flask(__name__)


@app.route("/stream")
def stream():
    def body():
        yield b"abc"

    return Response(body(), headers={"Content-Length": "10"})
'''


def test_the_reported_difference_is_real():
    """Flask's test client keeps the declared length; Quart's reports the bytes it read."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    flask_rv = flask_side["app"].test_client().get("/stream")
    assert (flask_rv.content_length, flask_rv.get_data()) == (10, b"abc")

    output, _, _ = run_rewrite(APP)
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def read():
        rv = await quart_side["app"].test_client().get("/stream")
        return rv.content_length, await rv.get_data()

    assert asyncio.run(read()) == (3, b"abc")
