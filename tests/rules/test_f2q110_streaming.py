import asyncio
import textwrap

import pytest

from tests.helpers import check_noop, check_transformed, run_rewrite


def test_stream_with_context_of_a_nested_generator():
    check_transformed(
        """\
        from flask import Flask, Response, stream_with_context

        app = Flask(__name__)


        def rows():
            return [1, 2]


        @app.route("/export.csv")
        def export():
            def generate():
                # one line per row
                for row in rows():
                    yield f"{row}\\n"

            return Response(stream_with_context(generate()), mimetype="text/csv")
        """,
        """\
        from quart import Quart, Response, stream_with_context

        app = Quart(__name__)


        def rows():
            return [1, 2]


        @app.route("/export.csv")
        async def export():
            @stream_with_context
            async def generate():
                # one line per row
                for row in rows():
                    yield f"{row}\\n"

            return Response(generate(), mimetype="text/csv")
        """,
    )


def test_module_level_generator_through_module_alias():
    """Quart's stream_with_context copies the request context when applied: a module-level
    generator is wrapped at the call site (decorating it would fail at import)."""
    check_transformed(
        """\
        import flask as fl

        app = fl.Flask(__name__)


        def generate():
            yield fl.request.args["name"]


        @app.route("/hello")
        def hello():
            return fl.stream_with_context(generate())
        """,
        """\
        import quart as fl

        app = fl.Quart(__name__)


        async def generate():
            yield fl.request.args["name"]


        @app.route("/hello")
        async def hello():
            return fl.stream_with_context(generate)()
        """,
    )


def test_decorated_generator_keeps_its_decorator():
    check_transformed(
        """\
        from flask import Flask, stream_with_context

        app = Flask(__name__)


        @app.route("/")
        def index():
            @stream_with_context
            def generate():
                yield "a"

            return generate()
        """,
        """\
        from quart import Quart, stream_with_context

        app = Quart(__name__)


        @app.route("/")
        async def index():
            @stream_with_context
            async def generate():
                yield "a"

            return generate()
        """,
    )


def test_generator_returned_by_a_view_becomes_async_without_decorator():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            def generate():
                yield "a"

            return generate()
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        @app.route("/")
        async def index():
            async def generate():
                yield "a"

            return generate()
        """,
    )


def test_generators_outside_views_stay_sync():
    check_noop(
        """\
        # chunking helpers used by the flask app
        def chunks(data, size):
            for start in range(0, len(data), size):
                yield data[start : start + size]


        def flatten(nested):
            for inner in nested:
                yield from inner
        """
    )


def test_yield_from_statement_becomes_a_loop():
    check_transformed(
        """\
        from flask import Flask, stream_with_context

        app = Flask(__name__)


        @app.route("/n")
        def numbers():
            def generate():
                # numbers first
                yield from range(3)
                yield "done"

            return stream_with_context(generate())
        """,
        """\
        from quart import Quart, stream_with_context

        app = Quart(__name__)


        @app.route("/n")
        async def numbers():
            @stream_with_context
            async def generate():
                # numbers first
                for _f2q_item in range(3):
                    yield _f2q_item
                yield "done"

            return generate()
        """,
    )


def test_yield_from_in_an_expression_keeps_the_generator_sync_and_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask, Response

        app = Flask(__name__)


        @app.route("/n")
        def numbers():
            def generate():
                total = yield from range(3)
                yield str(total)

            return Response(generate())
        """,
        """\
        from quart import Quart, Response

        app = Quart(__name__)


        @app.route("/n")
        async def numbers():
            def generate():
                total = yield from range(3)
                yield str(total)

            return Response(generate())
        """,
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q110", 8)]


def test_g_in_a_streamed_generator_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask, g, stream_with_context

        app = Flask(__name__)


        @app.route("/s")
        def stream():
            def generate():
                yield g.who

            return stream_with_context(generate())
        """,
        """\
        from quart import Quart, g, stream_with_context

        app = Quart(__name__)


        @app.route("/s")
        async def stream():
            @stream_with_context
            async def generate():
                yield g.who

            return generate()
        """,
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q110", 9)]


STREAM_APP = """\
from flask import Flask, Response, request, stream_with_context

app = Flask(__name__)


def generate_rows(count):
    for i in range(count):
        yield f"{request.args.get('prefix', 'row')} {i}\\n"


def plain_rows():
    yield "a\\n"
    yield "b\\n"


@app.route("/rows")
def rows():
    return Response(stream_with_context(generate_rows(3)), mimetype="text/plain")


@app.route("/plain")
def plain():
    return app.response_class(plain_rows(), mimetype="text/plain")
"""


def test_module_level_generators_stream_what_flask_streams():
    """Module-level generators handed to Response/response_class, with and without
    stream_with_context: the port imports and streams the same bodies."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(STREAM_APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    paths = ["/rows", "/rows?prefix=line", "/plain"]
    expected = [(r.status_code, r.mimetype, r.get_data()) for r in map(client.get, paths)]
    assert expected[1][2] == b"line 0\nline 1\nline 2\n"

    output, findings, _ = run_rewrite(STREAM_APP)
    assert not findings
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        client = quart_side["app"].test_client()
        out = []
        for path in paths:
            response = await client.get(path)
            out.append((response.status_code, response.mimetype, await response.get_data()))
        return out

    assert asyncio.run(answers()) == expected


METHOD_STREAM_APP = """\
from flask import Flask, Response, request, stream_with_context
from flask.views import MethodView

app = Flask(__name__)


class Download(MethodView):
    def stream(self, count):
        for i in range(count):
            yield f"{request.args.get('prefix', 'part')} {i}\\n"

    def response(self, count):
        return Response(stream_with_context(self.stream(count)), mimetype="text/plain")

    def get(self, count):
        return self.response(count)


class Raw(Download):
    def response(self, count):
        return Response(stream_with_context(self.stream(count + 1)), mimetype="text/plain")


app.add_url_rule("/download/<int:count>", view_func=Download.as_view("download"))
app.add_url_rule("/raw/<int:count>", view_func=Raw.as_view("raw"))
"""


def test_a_method_generator_in_stream_with_context_becomes_async():
    # `self.stream` is a method of the class (or of a base, for `Raw`): it becomes an async
    # generator, wrapped where the request is (`stream_with_context(self.stream)(...)`).
    output, findings, _ = run_rewrite(METHOD_STREAM_APP)
    assert not findings
    assert "    async def stream(self, count):" in output
    assert 'return Response(stream_with_context(self.stream)(count), mimetype="text/plain")' in output
    assert 'return Response(stream_with_context(self.stream)(count + 1), mimetype="text/plain")' in output


def test_method_generators_stream_what_flask_streams():
    flask_side = {"__name__": "flask_side"}
    exec(compile(METHOD_STREAM_APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    paths = ["/download/2", "/raw/2?prefix=line"]
    expected = [(r.status_code, r.mimetype, r.get_data()) for r in map(client.get, paths)]
    assert expected[1][2] == b"line 0\nline 1\nline 2\n"

    output, _, _ = run_rewrite(METHOD_STREAM_APP)
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        client = quart_side["app"].test_client()
        out = []
        for path in paths:
            response = await client.get(path)
            out.append((response.status_code, response.mimetype, await response.get_data()))
        return out

    assert asyncio.run(answers()) == expected


def test_the_flask_docs_stream_template_recipe_becomes_quarts():
    check_transformed(
        """\
        from flask import Flask, Response

        app = Flask(__name__)


        def stream_template(template_name, **context):
            app.update_template_context(context)
            t = app.jinja_env.get_template(template_name)
            rv = t.stream(context)
            rv.enable_buffering(5)
            return rv


        @app.route("/big")
        def big():
            return Response(stream_template("rows.html", rows=range(4)))
        """,
        """\
        from quart import Quart, Response
        import quart

        app = Quart(__name__)


        async def stream_template(template_name, **context):
            return await quart.stream_template(template_name, **context)


        @app.route("/big")
        async def big():
            return Response(await stream_template("rows.html", rows=range(4)))
        """,
    )


def test_a_template_helper_doing_more_is_left_to_the_other_rules():
    output, _, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask

            app = Flask(__name__)


            def stream_template(template_name, **context):
                app.update_template_context(context)
                context["extra"] = 1
                return app.jinja_env.get_template(template_name).stream(context)
            """
        )
    )
    assert "quart.stream_template" not in output and "t.stream" not in output
