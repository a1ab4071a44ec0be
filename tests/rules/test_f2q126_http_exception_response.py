import asyncio

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_required_environ_gets_a_default_through_project_bases_in_other_modules():
    check_transformed(
        """\
        from flask import Response

        from errors import ApiError


        class Conflict(ApiError):
            code = 409

            def get_response(self, environ):
                return Response("conflict", status=self.code)
        """,
        """\
        from quart import Response

        from errors import ApiError


        class Conflict(ApiError):
            code = 409

            def get_response(self, environ=None):
                return Response("conflict", status=self.code)
        """,
        files={"errors.py": "from flask import json\nfrom werkzeug.exceptions import HTTPException\n\n\nclass ApiError(HTTPException):\n    pass\n"},
    )


def test_environ_read_in_the_override_is_reported():
    findings = check_transformed(
        """\
        from flask import Response
        from werkzeug.exceptions import HTTPException


        class Gone(HTTPException):
            def get_response(self, environ):
                return Response(environ["PATH_INFO"] + " is gone", status=410)
        """,
        """\
        from quart import Response
        from werkzeug.exceptions import HTTPException


        class Gone(HTTPException):
            def get_response(self, environ=None):
                return Response(environ["PATH_INFO"] + " is gone", status=410)
        """,
    )
    assert codes(findings) == ["F2Q126"] and "quart.request" in findings[0].message


def test_other_classes_and_defaults_are_left_alone():
    check_noop(
        """\
        from werkzeug.exceptions import HTTPException


        class Handler:
            def get_response(self, environ):
                return environ


        class Fine(HTTPException):
            def get_response(self, environ=None, scope=None):
                return super().get_response(environ, scope)
        """
    )


APP = '''\
import json

from flask import Flask, Response, abort, jsonify
from werkzeug.exceptions import HTTPException


class ApiError(HTTPException):
    code = 400

    def get_response(self, environ):
        body = super().get_response(environ).get_data(as_text=True)
        return Response(json.dumps({"error": self.description, "html": len(body) > 0}), status=self.code,
                        mimetype="application/json")


class Teapot(ApiError):
    code = 418
    description = "short and stout"


app = Flask(__name__)


@app.route("/teapot")
def teapot():
    raise Teapot()


@app.route("/gone")
def gone():
    abort(jsonify(message="gone"))


@app.route("/custom")
def custom():
    abort(Response("unavailable for legal reasons", status=451))
'''


def test_the_port_answers_what_flask_answers():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    paths = ["/teapot", "/gone", "/custom"]
    expected = [(r.status_code, r.mimetype, r.get_data()) for r in map(client.get, paths)]
    assert expected[0] == (418, "application/json", b'{"error": "short and stout", "html": true}')

    output, findings, _ = run_rewrite(APP)
    assert not findings
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        client = quart_side["app"].test_client()
        out = []
        for path in paths:
            r = await client.get(path)
            out.append((r.status_code, r.mimetype, await r.get_data()))
        return out

    assert asyncio.run(answers()) == expected
