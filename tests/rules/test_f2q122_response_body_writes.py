import asyncio
import textwrap
import types

from tests.helpers import check_noop, check_transformed, run_rewrite

APP = '''\
from flask import Flask, jsonify as flask_jsonify

app = Flask(__name__)


def jsonify(*args, **kwargs):
    response = flask_jsonify(*args, **kwargs)
    if not response.data.endswith(b"\\n"):
        response.data += b"\\n"
    return response


@app.route("/")
def index():
    resp = jsonify(a=1)
    resp.data = resp.data.replace(b"1", b"2")
    return resp
'''


def test_body_writes_become_set_data_and_reads_are_awaited():
    check_transformed(
        APP,
        '''\
        from quart import Quart, jsonify as flask_jsonify

        app = Quart(__name__)


        async def jsonify(*args, **kwargs):
            response = flask_jsonify(*args, **kwargs)
            if not (await response.get_data()).endswith(b"\\n"):
                response.set_data(await response.get_data() + b"\\n")
            return response


        @app.route("/")
        async def index():
            resp = await jsonify(a=1)
            resp.set_data((await resp.get_data()).replace(b"1", b"2"))
            return resp
        ''',
    )


def test_data_on_other_objects_is_left_alone():
    check_noop(
        '''\
        class Box:
            data = b""


        def fill(box: Box):
            box.data += b"x"
            box.data = b"y"
        '''
    )


def test_the_port_answers_what_flask_answers():
    flask_module = types.ModuleType("flask_side")
    exec(compile(textwrap.dedent(APP), "flask_side.py", "exec"), flask_module.__dict__)
    expected = flask_module.app.test_client().get("/").get_data()
    assert expected == b'{"a":2}\n'

    output, findings, _ = run_rewrite(APP)
    assert not findings
    quart_module = types.ModuleType("quart_side")
    exec(compile(output, "quart_side.py", "exec"), quart_module.__dict__)

    async def fetch() -> bytes:
        return await (await quart_module.app.test_client().get("/")).get_data()

    assert asyncio.run(fetch()) == expected


HEADERS_APP = """\
from flask import Flask, make_response

app = Flask(__name__)


@app.route("/teapot")
def teapot():
    r = make_response()
    r.status_code = 418
    r.headers = {"X-More-Info": "rfc2324"}
    return r
"""


def test_a_mapping_assigned_to_the_headers_becomes_headers():
    """``r.headers = {...}``: Werkzeug copies it into ``Headers`` when sending; Quart and hooks (a
    generated F2Q121 one) use its ``Headers`` methods before. The port answers what Flask answers."""
    output, _, _ = run_rewrite(HEADERS_APP)
    assert '    r.headers = Headers({"X-More-Info": "rfc2324"})\n' in output
    assert "from werkzeug.datastructures import Headers\n" in output
    flask_module = types.ModuleType("flask_side")
    exec(compile(HEADERS_APP, "flask_side.py", "exec"), flask_module.__dict__)
    response = flask_module.app.test_client().get("/teapot")
    expected = (response.status_code, response.headers.get("X-More-Info"))
    assert expected == (418, "rfc2324")
    quart_module = types.ModuleType("quart_side")
    exec(compile(output, "quart_side.py", "exec"), quart_module.__dict__)

    async def fetch() -> tuple:
        got = await quart_module.app.test_client().get("/teapot")
        return got.status_code, got.headers.get("X-More-Info")

    assert asyncio.run(fetch()) == expected
