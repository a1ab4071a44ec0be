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
