import asyncio
import textwrap

import pytest

from flask2quart.migrate.rules.f2q125_file_wrapper import HELPER_SOURCE
from tests.helpers import check_noop, run_rewrite


def _with_helper(head: str, rest: str) -> str:
    """The expected module: ``head`` (imports), the helper, then ``rest``."""
    return textwrap.dedent(head) + HELPER_SOURCE + textwrap.dedent(rest)


def test_wrap_file_and_direct_passthrough():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask, Response, request
            from werkzeug.wsgi import wrap_file

            app = Flask(__name__)


            @app.route("/file")
            def file():
                data = wrap_file(request.environ, open("data.bin", "rb"), buffer_size=4096)
                return Response(data, mimetype="application/octet-stream", direct_passthrough=True)
            """
        )
    )
    assert output == _with_helper(
        """\
        from quart import Quart, Response, request
        from werkzeug.wsgi import wrap_file
        """,
        """\


        app = Quart(__name__)


        @app.route("/file")
        async def file():
            data = _f2q_file_body(open("data.bin", "rb"), buffer_size=4096)
            return Response(data, mimetype="application/octet-stream")
        """,
    )
    assert findings == []


def test_file_wrapper_on_response_class():
    output, _, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import current_app
            from werkzeug.wsgi import FileWrapper


            def send(f):
                return current_app.response_class(FileWrapper(f, 2), direct_passthrough=True, status=200)
            """
        )
    )
    assert output == _with_helper(
        """\
        from quart import current_app
        from werkzeug.wsgi import FileWrapper
        """,
        """\


        def send(f):
            return current_app.response_class(_f2q_file_body(f, 2), status=200)
        """,
    )


def test_other_calls_with_that_keyword_are_left_alone():
    check_noop(
        """\
        from flask import Flask

        app = Flask(__name__)


        def build(factory):
            return factory(b"x", direct_passthrough=True)
        """,
        select=("F2Q125",),
    )


APP = '''\
import io

from flask import Flask, Response, request
from werkzeug.wsgi import FileWrapper, wrap_file

app = Flask(__name__)
BLOB = bytes(range(256)) * 100


@app.route("/file")
def file():
    data = wrap_file(request.environ, io.BytesIO(BLOB))
    return Response(data, mimetype="application/octet-stream", direct_passthrough=True)


@app.route("/small")
def small():
    return app.response_class(FileWrapper(io.BytesIO(b"abcdef"), 4), direct_passthrough=True, headers={"X-A": "1"})
'''


def test_the_port_sends_the_bodies_flask_sends():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    expected = [(r.status_code, r.mimetype, r.headers.get("X-A"), r.get_data()) for r in map(client.get, ["/file", "/small"])]
    assert expected[0][3] == bytes(range(256)) * 100 and expected[1][3] == b"abcdef"

    output, findings, _ = run_rewrite(APP)
    assert not findings and "direct_passthrough" not in output
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        client = quart_side["app"].test_client()
        out = []
        for path in ("/file", "/small"):
            r = await client.get(path)
            out.append((r.status_code, r.mimetype, r.headers.get("X-A"), await r.get_data()))
        return out

    assert asyncio.run(answers()) == expected
