import gzip
import json

from flask2quart.findings import Severity
from tests.helpers import check_noop, check_transformed
from tests.rules.extension_apps import loaded, port


def test_import_moves_and_unsupported_configuration_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_compress import Compress

        app = Flask(__name__)
        app.config["COMPRESS_ALGORITHM"] = ["zstd", "br", "gzip"]
        app.config.update(COMPRESS_LEVEL=9, COMPRESS_BR_LEVEL=5)
        compress = Compress()


        class Config:
            COMPRESS_ALGORITHM = "br"
            COMPRESS_STREAMS = False
            COMPRESS_MIN_SIZE = 100


        def create_app():
            app.config.from_mapping({"COMPRESS_ALGORITHM": "deflate"})
            compress.init_app(app)
            return app
        """,
        """\
        from quart import Quart
        from quart_compress import Compress

        app = Quart(__name__)
        app.config["COMPRESS_ALGORITHM"] = ["zstd", "br", "gzip"]
        app.config.update(COMPRESS_LEVEL=9, COMPRESS_BR_LEVEL=5)
        compress = Compress()


        class Config:
            COMPRESS_ALGORITHM = "br"
            COMPRESS_STREAMS = False
            COMPRESS_MIN_SIZE = 100


        def create_app():
            app.config.from_mapping({"COMPRESS_ALGORITHM": "deflate"})
            compress.init_app(app)
            return app
        """,
    )
    found = [(f.line, f.severity) for f in findings]
    assert found == [
        (5, Severity.ERROR),  # a list to negotiate from
        (6, Severity.WARNING),  # COMPRESS_BR_LEVEL ignored
        (11, Severity.WARNING),  # br at quality 11
        (12, Severity.WARNING),  # COMPRESS_STREAMS ignored
        (17, Severity.ERROR),  # deflate
        (18, Severity.INFO),  # defaults differ
    ]
    assert "a list to negotiate from" in findings[0].message
    assert "'deflate'" in findings[4].message


def test_streamed_views_and_the_compressed_decorator_are_reported():
    findings, files = port(
        {
            "app.py": """\
                from flask import Flask, Response, stream_with_context
                import flask_compress

                app = Flask(__name__)
                compress = flask_compress.Compress(app)


                @app.route("/events")
                def events():
                    def generate():
                        yield "data: 1\\n\\n"

                    return Response(stream_with_context(generate()), mimetype="text/html")


                @app.route("/page")
                @compress.compressed()
                def page():
                    return "x" * 1000
                """
        }
    )
    assert "import quart_compress\n" in files["app.py"]
    assert "compress = quart_compress.Compress(app)" in files["app.py"]
    reported = {(f.line, f.severity): f.message for f in findings if f.code == "F2Q309"}
    assert "`events.generate`" in reported[(5, Severity.WARNING)]
    assert "after_this_request(compress.after_request)" in reported[(17, Severity.ERROR)]


def test_compress_keys_of_a_project_without_flask_compress_are_not_read():
    check_noop(
        """\
        # settings for the flask app
        COMPRESS_ALGORITHM = "zstd"
        """
    )


APP = """\
from flask import Flask, jsonify
from flask_compress import Compress

app = Flask(__name__)
app.config["COMPRESS_ALGORITHM"] = "gzip"
Compress(app)


@app.route("/items")
def items():
    return jsonify([{"id": n, "name": f"item {n}"} for n in range(200)])


@app.route("/tiny")
def tiny():
    return jsonify([1])
"""


def _items(body: bytes, encoding: str | None) -> list[dict[str, object]]:
    return json.loads(gzip.decompress(body) if encoding == "gzip" else body)


async def test_ported_app_gzips_large_responses_under_quart():
    with loaded({"pkg/__init__.py": APP}) as ported:
        client = ported.package.app.test_client()
        response = await client.get("/items", headers={"Accept-Encoding": "gzip"})
        body = await response.get_data()
        assert response.headers["Content-Encoding"] == "gzip"
        assert len(_items(body, "gzip")) == 200
        assert int(response.headers["Content-Length"]) == len(body)
        plain = await client.get("/items")
        assert "Content-Encoding" not in plain.headers
        assert _items(await plain.get_data(), None) == _items(body, "gzip")
        tiny = await client.get("/tiny", headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in tiny.headers


def test_original_gzips_the_same_under_flask():
    with loaded({"pkg/__init__.py": APP}, ported=False) as original:
        client = original.package.app.test_client()
        response = client.get("/items", headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert len(_items(response.get_data(), "gzip")) == 200
        assert "Content-Encoding" not in client.get("/tiny", headers={"Accept-Encoding": "gzip"}).headers
