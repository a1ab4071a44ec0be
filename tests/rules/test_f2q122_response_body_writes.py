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
