"""F2Q340 with F2Q325: Flask-RESTX's core (Api, Namespace, Resource, models, marshalling, payload,
abort, reqparse) kept from the generated module; checked as text and by sending the same requests to
the Flask-RESTX original and the Quart port."""

from __future__ import annotations

import importlib
import json

import pytest

from tests.helpers import check_noop, check_transformed, run_rewrite
from tests.rules.test_f2q304_flask_limiter import loaded

pytest.importorskip("flask_restx")


def test_restx_imports_move_to_the_generated_module_under_their_names():
    findings = check_transformed(
        """\
        import flask_restx
        from flask import Flask
        from flask_restx import Api, Resource, fields, Namespace as NS
        from flask_restx.inputs import boolean

        app = Flask(__name__)
        api = Api(app, doc="/docs")
        """,
        """\
        from pkg.restful import restx as flask_restx
        from quart import Quart
        from .restful import RestxApi as Api, RestxResource as Resource, restx_fields as fields, RestxNamespace as NS
        from flask_restx.inputs import boolean

        app = Quart(__name__)
        api = Api(app, doc="/docs")
        """,
        path="pkg/app.py",
        files={"pkg/__init__.py": ""},
    )
    reported = [(f.line, f.code, f.severity.name) for f in findings if f.code in ("F2Q325", "F2Q340")]
    assert (4, "F2Q340", "ERROR") in reported  # flask_restx.inputs is not generated
    assert (7, "F2Q325", "WARNING") in reported  # no Swagger UI, no swagger.json
    swagger = next(f for f in findings if f.line == 7 and f.code == "F2Q325")
    assert "swagger.json" in swagger.message


def test_validation_is_reported_and_the_ported_code_is_left_alone():
    source = """\
        from .restful import RestxApi as Api, RestxResource as Resource

        api = Api()


        @api.route("/x")
        class X(Resource):
            async def get(self):
                return {}
        """
    _, _, texts = run_rewrite("from flask_restx import Api\n", path="pkg/app.py", files={"pkg/__init__.py": ""})
    assert check_noop(source, path="pkg/app.py", files={"pkg/__init__.py": "", "pkg/restful.py": texts["pkg/restful.py"]}) == []
    _, findings, _ = run_rewrite(
        "from flask_restx import Namespace\n\nns = Namespace('a')\n\n\n@ns.expect({}, validate=True)\ndef f():\n    pass\n",
        path="pkg/app.py", files={"pkg/__init__.py": ""},
    )
    assert [(f.line, f.severity.name) for f in findings if f.code == "F2Q325"] == [(6, "WARNING")]


# --- behaviour: the Flask-RESTX original and the port answer the same ------------------------------------

APP = """\
from datetime import datetime

from flask import Flask, abort as flask_abort, request
from flask_restx import Api, Namespace, Resource, abort, fields, marshal, reqparse


class Todo:
    def __init__(self, id, task, done=None):
        self.id, self.task, self.done, self.added = id, task, done, datetime(2024, 5, 1, 12, 30)


TODOS = {1: Todo(1, "write"), 2: Todo(2, "read", True)}

ns = Namespace("todos", description="the todos")
todo = ns.model("Todo", {
    "id": fields.Integer(readonly=True, description="its id"),
    "task": fields.String(required=True, description="what to do"),
    "done": fields.Boolean,
    "rank": fields.Integer,
    "added": fields.DateTime,
})
owner = ns.model("Owner", {"name": fields.String, "todos": fields.List(fields.Nested(todo))})

parser = reqparse.RequestParser()
parser.add_argument("limit", type=int, location="args")


class Gone(Exception):
    pass


@ns.errorhandler(Gone)
def gone(error):
    return {"message": f"gone: {error}"}, 410


@ns.route("/")
class TodoList(Resource):
    @ns.doc("list")
    @ns.marshal_list_with(todo)
    def get(self):
        args = parser.parse_args()
        return list(TODOS.values())[: args["limit"]]

    @ns.expect(todo)
    @ns.marshal_with(todo, code=201)
    def post(self):
        data = ns.payload
        item = Todo(len(TODOS) + 1, data["task"])
        TODOS[item.id] = item
        return item, 201


@ns.route("/<int:id>")
@ns.response(404, "not found")
class TodoItem(Resource):
    @ns.marshal_with(todo, skip_none=True)
    def get(self, id):
        if id not in TODOS:
            ns.abort(404, f"Todo {id} doesn't exist")
        return TODOS[id]

    def delete(self, id):
        if id == 2:
            raise Gone("long ago")
        TODOS.pop(id, None)
        return "", 204

    def put(self, id):
        raise RuntimeError("boom")


@ns.route("/owner")
class OwnerView(Resource):
    def get(self):
        return marshal({"name": "ada", "todos": [TODOS[1]]}, owner), 200, {"X-Api": self.api.title}


def create_app():
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    api = Api(app, version="1.0", title="Todos", prefix="/api")
    api.add_namespace(ns)

    @api.route("/ping")
    class Ping(Resource):
        def get(self):
            if request.args.get("fail"):
                abort(400, "bad ping", reason="asked")
            return {"pong": True}

    @app.route("/page/<int:number>")
    def page(number):
        if number > 3:
            flask_abort(404)
        return f"page {number}"

    @app.errorhandler(404)
    def not_found(error):
        return "the app's own 404", 404

    @app.before_request
    def limit():
        if request.headers.get("X-Limit"):
            flask_abort(429)

    return app
"""

REQUESTS = [
    ("GET", "/api/todos/", {}, None),
    ("GET", "/api/todos/?limit=1", {}, None),
    ("GET", "/api/todos/?limit=x", {}, None),  # a bad int: 400 with the parser's errors
    ("POST", "/api/todos/", {}, {"task": "cook"}),
    ("POST", "/api/todos/", {"Content-Type": "text/plain"}, "task"),  # ns.payload of a non-JSON body: 415
    ("GET", "/api/todos/1", {}, None),
    ("GET", "/api/todos/3", {}, None),
    ("GET", "/api/todos/9", {}, None),  # ns.abort(404, message): JSON with "did you mean" help
    ("DELETE", "/api/todos/2", {}, None),  # the namespace's error handler: 410
    ("DELETE", "/api/todos/3", {}, None),
    ("PUT", "/api/todos/1", {}, None),  # an exception: a JSON 500
    ("PATCH", "/api/todos/1", {}, None),  # a 405 on the Api's route: JSON
    ("GET", "/api/todos/owner", {}, None),  # marshal with nested models; self.api
    ("GET", "/api/ping", {}, None),
    ("GET", "/api/ping?fail=1", {}, None),  # abort(code, message, **data)
    ("GET", "/api/ping", {"X-Limit": "1"}, None),  # a before_request error on the Api's route: its JSON
    ("GET", "/page/2", {}, None),
    ("GET", "/page/9", {}, None),  # the rest of the app keeps its handlers
    ("GET", "/page/2", {"X-Limit": "1"}, None),
]


def _port() -> dict[str, str]:
    _, _, texts = run_rewrite(APP, path="pkg/app.py", files={"pkg/__init__.py": ""})
    return texts


def _comparable(body: str, content_type: str | None) -> object:
    if content_type == "application/json" and body.strip():
        return json.loads(body), body.endswith("\n")
    return body


async def test_the_port_answers_as_flask_restx_did():
    with loaded({"pkg/__init__.py": "", "pkg/app.py": APP}) as original, loaded(_port()) as port:
        flask_client = importlib.import_module(f"{original.__name__}.app").create_app().test_client()
        quart_client = importlib.import_module(f"{port.__name__}.app").create_app().test_client()
        for method, path, headers, body in REQUESTS:
            sent = {"json": body} if isinstance(body, dict) else {"data": body} if body else {}
            before = flask_client.open(path, method=method, headers=headers, **sent)
            after = await quart_client.open(path, method=method, headers=headers, **sent)
            where = f"{method} {path}"
            assert after.status_code == before.status_code, where
            assert after.headers.get("Content-Type") == before.headers.get("Content-Type"), where
            assert after.headers.get("X-Api") == before.headers.get("X-Api"), where
            text = await after.get_data(as_text=True)
            assert _comparable(text, after.mimetype) == _comparable(before.get_data(as_text=True), before.mimetype), where
