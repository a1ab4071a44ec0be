from tests.helpers import check_noop, check_transformed


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
        from quart import stream_with_context

        app = fl.Quart(__name__)


        @stream_with_context
        async def generate():
            yield fl.request.args["name"]


        @app.route("/hello")
        async def hello():
            return generate()
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
