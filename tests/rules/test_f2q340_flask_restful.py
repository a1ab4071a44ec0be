"""F2Q340: Flask-RESTful keeps its API from a generated module; checked as text and by sending the
same requests to the Flask-RESTful original and the Quart port."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest

from flask2quart.migrate.rules import f2q340_flask_restful
from tests.helpers import check_noop, check_transformed, run_rewrite
from tests.rules.test_f2q304_flask_limiter import loaded

pytest.importorskip("flask_restful")

TEMPLATE = Path(f2q340_flask_restful.__file__).resolve().parent.parent / "templates" / "restful.py"


def test_imports_move_to_the_generated_module():
    findings = check_transformed(
        """\
        import flask_restful
        from flask import Flask
        from flask_restful import Api, Resource, abort, fields, marshal_with
        from flask_restful.reqparse import RequestParser
        from flask_restful.inputs import boolean

        app = Flask(__name__)
        api = Api(app)
        """,
        """\
        from pkg import restful as flask_restful
        from quart import Quart
        from .restful import Api, Resource, abort, fields, marshal_with
        from .restful import RequestParser
        from flask_restful.inputs import boolean

        app = Quart(__name__)
        api = Api(app)
        """,
        path="pkg/app.py",
        files={"pkg/__init__.py": ""},
    )
    errors = [(f.line, f.message.split(":")[0]) for f in findings if f.severity.name == "ERROR"]
    assert errors == [(5, "`flask_restful.inputs` is not part of the generated pkg.restful module")]
    _, _, texts = run_rewrite("from flask_restful import Api\n", path="pkg/app.py", files={"pkg/__init__.py": ""})
    assert texts["pkg/restful.py"] == TEMPLATE.read_text(encoding="utf-8")


def test_ported_code_is_left_alone():
    assert check_noop(
        "from .restful import Api, Resource\n\napi = Api()\n",
        path="pkg/app.py",
        files={"pkg/__init__.py": "", "pkg/restful.py": TEMPLATE.read_text(encoding="utf-8")},
    ) == []


# --- behaviour: the Flask-RESTful original and the port answer the same ---------------------------------

APP = """\
import json
from datetime import datetime
from functools import wraps

from flask import Blueprint, Flask, abort as flask_abort, request
from flask_restful import Api, Resource, abort, fields, marshal, marshal_with, reqparse


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Item):
            return {"name": o.name, "price": o.price}
        return super().default(o)


class Item:
    def __init__(self, name, price):
        self.name, self.price, self.added = name, price, datetime(2024, 5, 1, 12, 30)


ITEMS = {"pen": Item("pen", 2)}
ITEM_FIELDS = {"name": fields.String, "price": fields.Fixed(decimals=2), "added": fields.DateTime(dt_format="iso8601"),
               "url": fields.Url("api.item", absolute=False)}


def need_token(f):
    @wraps(f)
    def wrapper(*args, **kwargs):
        if request.headers.get("X-Token") != "secret":
            abort(401, message="who are you?")
        return f(*args, **kwargs)

    return wrapper


parser = reqparse.RequestParser()
parser.add_argument("name", required=True, help="a name: {error_msg}", location="form")
parser.add_argument("price", type=int, location="form")
parser.add_argument("tag", action="append", location="args")


class ItemList(Resource):
    method_decorators = {"post": [need_token]}

    def get(self):
        return list(ITEMS.values())

    def post(self):
        args = parser.parse_args()
        ITEMS[args["name"]] = Item(args["name"], args["price"] or 0)
        return {"created": args["name"], "tags": args["tag"]}, 201, {"X-Created": args["name"]}


json_parser = reqparse.RequestParser()
json_parser.add_argument("name", required=True)  # the default locations: the JSON body, the values
json_parser.add_argument("count", type=int, default=1)


class Echo(Resource):
    def post(self):
        return json_parser.parse_args()


class ItemView(Resource):
    @marshal_with(ITEM_FIELDS, envelope="item")
    def get(self, name):
        if name not in ITEMS:
            abort(404, message=f"no {name}")
        return ITEMS[name]

    def delete(self, name):
        ITEMS.pop(name)
        return "", 204

    def put(self, name):
        raise RuntimeError("boom")


class Listing(Resource):
    def get(self):
        return marshal(list(ITEMS.values()), {"name": fields.String}), 200


api_bp = Blueprint("api", __name__, url_prefix="/api")
api = Api(api_bp)
api.add_resource(ItemList, "/items")
api.add_resource(ItemView, "/items/<string:name>", endpoint="item")
api.add_resource(Listing, "/listing")
api.add_resource(Echo, "/echo")


def create_app():
    app = Flask(__name__)
    app.config["RESTFUL_JSON"] = {"cls": Encoder}
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_blueprint(api_bp)

    @app.route("/page/<int:number>")
    def page(number):
        if number > 3:
            flask_abort(404)
        return f"page {number}"

    @app.errorhandler(404)
    def not_found(error):
        return "the app's own 404", 404

    @app.before_request
    def limit():  # as Flask-Limiter's: an error raised before the resource runs
        if request.headers.get("X-Limit"):
            flask_abort(429)

    @app.errorhandler(429)
    def too_many(error):  # Flask-RESTful answers first on its own routes, this elsewhere
        return "the app's own 429", 429

    return app
"""

REQUESTS = [
    ("GET", "/api/items", {}, None),
    ("POST", "/api/items", {}, {"name": "cup"}),  # no token: 401 from the method decorator
    ("POST", "/api/items?tag=a&tag=b", {"X-Token": "secret"}, {"name": "cup", "price": "3"}),
    ("POST", "/api/items", {"X-Token": "secret"}, {"price": "3"}),  # name missing: 400 with help
    ("POST", "/api/items", {"X-Token": "secret"}, {"name": "mug", "price": "three"}),  # bad int
    ("GET", "/api/items", {}, None),
    ("GET", "/api/items/pen", {}, None),
    ("GET", "/api/items/nope", {}, None),  # abort(404, message=...) with the "did you mean" help
    ("DELETE", "/api/items/cup", {}, None),
    ("PUT", "/api/items/pen", {}, None),  # an exception: a JSON 500
    ("GET", "/api/listing", {}, None),
    ("GET", "/page/2", {}, None),
    ("GET", "/page/9", {}, None),  # the rest of the app keeps its own error handler
    ("GET", "/api/items", {"Accept": "text/html"}, None),
    ("POST", "/api/echo", {}, {"json": {"name": "ada", "count": "3"}}),
    ("POST", "/api/echo", {}, {"json": {"count": 2}}),  # name missing
    ("POST", "/api/echo", {}, {"name": "ada"}),  # a form post: Flask's request.json is a 415
    ("GET", "/api/items", {"X-Limit": "1"}, None),  # a before_request error on the Api's route: its JSON
    ("GET", "/page/2", {"X-Limit": "1"}, None),  # and elsewhere the app's handler
    ("PATCH", "/api/items", {}, None),  # a 405 on the Api's URL: its JSON, with Allow
    ("PATCH", "/page/2", {}, None),  # a 405 elsewhere: the app's
    ("GET", "/api/nowhere", {}, None),  # a 404 without catch_all_404s: the app's handler
]


def _files() -> dict[str, str]:
    return {"pkg/__init__.py": "", "pkg/app.py": APP}


def _port() -> dict[str, str]:
    _, _, texts = run_rewrite(APP, path="pkg/app.py", files={"pkg/__init__.py": ""})
    return texts


def _app(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.app")


def _comparable(body: str, content_type: str | None) -> object:
    if content_type == "application/json" and body.strip():
        return json.loads(body), body.endswith("\n")
    return body


async def test_the_port_answers_as_flask_restful_did():
    with loaded(_files()) as original, loaded(_port()) as port:
        flask_client = _app(original).create_app().test_client()
        quart_client = _app(port).create_app().test_client()
        for method, path, headers, form in REQUESTS:
            body = form if form is None or "json" not in form else None
            sent = {"json": form["json"]} if body is None and form is not None else {}
            before = flask_client.open(path, method=method, headers=headers, data=body, **sent)
            after = await quart_client.open(path, method=method, headers=headers, form=body, **sent)
            where = f"{method} {path}"
            assert after.status_code == before.status_code, where
            assert after.headers.get("Content-Type") == before.headers.get("Content-Type"), where
            assert after.headers.get("X-Created") == before.headers.get("X-Created"), where
            assert after.headers.get("Allow") == before.headers.get("Allow"), where
            text = await after.get_data(as_text=True)
            assert _comparable(text, after.mimetype) == _comparable(before.get_data(as_text=True), before.mimetype), where


async def test_errors_propagate_in_testing_as_under_flask_restful():
    """With exceptions propagated (TESTING), an error in a resource reaches the test on both sides."""
    with loaded(_files()) as original, loaded(_port()) as port:
        flask_app, quart_app = _app(original).create_app(), _app(port).create_app()
        flask_app.config["PROPAGATE_EXCEPTIONS"] = quart_app.config["PROPAGATE_EXCEPTIONS"] = True
        with pytest.raises(RuntimeError, match="boom"):
            flask_app.test_client().put("/api/items/pen")
        with pytest.raises(BaseException) as raised:  # Quart 0.23 raises it inside an exception group
            await quart_app.test_client().put("/api/items/pen")
        error = raised.value
        errors = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
        assert [str(e) for e in errors if isinstance(e, RuntimeError)] == ["boom"]
