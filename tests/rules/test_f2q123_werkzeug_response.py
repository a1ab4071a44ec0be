import asyncio
import textwrap
import types

from tests.helpers import check_noop, check_transformed, run_rewrite

APP = '''\
import json

from flask import Flask

try:
    from werkzeug.wrappers import Response
except ImportError:  # werkzeug < 2.1
    from werkzeug.wrappers import BaseResponse as Response

app = Flask(__name__)


@app.route("/stream/<int:n>")
def stream(n):
    def generate():
        for i in range(n):
            yield json.dumps({"id": i}) + "\\n"

    return Response(generate(), headers={"Content-Type": "application/json"})
'''


def test_werkzeug_response_imports_become_quarts_under_the_same_name():
    check_transformed(
        APP,
        '''\
        import json

        from quart import Quart

        try:
            from quart import Response
        except ImportError:  # werkzeug < 2.1
            from quart import Response

        app = Quart(__name__)


        @app.route("/stream/<int:n>")
        async def stream(n):
            async def generate():
                for i in range(n):
                    yield json.dumps({"id": i}) + "\\n"

            return Response(generate(), headers={"Content-Type": "application/json"})
        ''',
    )


def test_modules_without_flask_and_mixed_imports_are_left():
    check_noop(
        """\
        from werkzeug.wrappers import Response


        def wsgi_app(environ, start_response):
            return Response("hi")(environ, start_response)
        """,
        path="wsgi_tool.py",
    )


def test_a_streamed_view_answers_what_flask_answers():
    flask_module = types.ModuleType("flask_side")
    exec(compile(textwrap.dedent(APP), "flask_side.py", "exec"), flask_module.__dict__)
    expected = flask_module.app.test_client().get("/stream/3").get_data()
    output, _, _ = run_rewrite(APP)
    quart_module = types.ModuleType("quart_side")
    exec(compile(output, "quart_side.py", "exec"), quart_module.__dict__)

    async def fetch() -> bytes:
        return await (await quart_module.app.test_client().get("/stream/3")).get_data()

    assert asyncio.run(fetch()) == expected
    assert expected.count(b"\n") == 3


TYPES_APP = '''\
from flask import Flask

try:
    from werkzeug.wrappers import Response
except ImportError:  # werkzeug < 2.1
    from werkzeug.wrappers import BaseResponse as Response

app = Flask(__name__)


@app.route("/invalid")
def invalid():
    return Response("Invalid <b>code</b>", status=400)


@app.route("/range")
def range_request():
    response = Response(
        headers={"ETag": "range1", "Accept-Ranges": "bytes"},
    )
    response.status_code = 416
    return response


@app.route("/positional")
def positional():
    return Response("x", 200, {"X-Probe": "1"})


@app.route("/typed")
def typed():
    headers = {"Content-Type": "application/json"}
    return Response("{}", headers=headers)


@app.route("/csv")
def csv():
    return Response("a,b", mimetype="text/csv")


@app.route("/json")
def json_view():
    return Response("{}", headers={"Content-Type": "application/json"})
'''


def test_calls_that_set_no_type_keep_werkzeugs_text_plain():
    output, _, _ = run_rewrite(TYPES_APP)
    assert 'return Response("Invalid <b>code</b>", status=400, mimetype="text/plain")\n' in output
    assert '        headers={"ETag": "range1", "Accept-Ranges": "bytes"},\n        mimetype="text/plain",\n    )\n' in output
    assert 'return Response("x", 200, {"X-Probe": "1"}, mimetype="text/plain")\n' in output
    for untouched in (
        'return Response("{}", headers=headers)\n',
        'return Response("a,b", mimetype="text/csv")\n',
        'return Response("{}", headers={"Content-Type": "application/json"})\n',
    ):
        assert untouched in output


def test_content_types_are_the_ones_flask_sends():
    flask_module = types.ModuleType("flask_types")
    exec(compile(textwrap.dedent(TYPES_APP), "flask_types.py", "exec"), flask_module.__dict__)
    paths = ["/invalid", "/range", "/positional", "/typed", "/csv", "/json"]
    client = flask_module.app.test_client()
    expected = [(client.get(path).status_code, client.get(path).headers["Content-Type"]) for path in paths]
    assert expected[0] == (400, "text/plain; charset=utf-8")
    output, _, _ = run_rewrite(TYPES_APP)
    quart_module = types.ModuleType("quart_types")
    exec(compile(output, "quart_types.py", "exec"), quart_module.__dict__)

    async def fetch() -> list[tuple[int, str]]:
        quart_client = quart_module.app.test_client()
        answers = [await quart_client.get(path) for path in paths]
        return [(answer.status_code, answer.headers["Content-Type"]) for answer in answers]

    assert asyncio.run(fetch()) == expected
