"""F2Q325: Flask-RESTX & co uses are reported with their quart-schema form (never rewritten)."""

from __future__ import annotations

from flask2quart.findings import Finding
from tests.helpers import check_noop

ONLY = ("F2Q325",)

RESTX = """\
from flask import Flask
from flask_restx import Api, Resource, fields, reqparse

app = Flask(__name__)
api = Api(app, version="1.0")
ns = api.namespace("todos")
todo = api.model("Todo", {"id": fields.Integer, "task": fields.String(required=True)})
parser = reqparse.RequestParser()
parser.add_argument("q", type=str)


class Base(Resource):
    method_decorators = []


@ns.route("/")
class TodoList(Base):
    @ns.doc("list")
    @ns.marshal_list_with(todo)
    def get(self):
        args = parser.parse_args()
        return []

    @ns.expect(todo, validate=True)
    @ns.marshal_with(todo, code=201)
    def post(self):
        return api.payload, 201
"""


def sites(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(f.line, f.severity.value) for f in findings if f.code == "F2Q325"]


def test_restx_api_namespaces_resources_and_decorators_are_reported() -> None:
    findings = check_noop(RESTX, select=ONLY)
    assert sites(findings) == [
        (2, "warning"),  # the import
        (5, "error"),  # Api(app)
        (6, "error"),  # api.namespace(...)
        (7, "warning"),  # api.model with its fields: one finding
        (8, "warning"),  # reqparse.RequestParser()
        (9, "warning"),  # parser.add_argument
        (12, "error"),  # class Base(Resource) (its class body with it)
        (16, "warning"),  # @ns.route
        (17, "error"),  # class TodoList(Base): a Resource through a project base
        (18, "warning"),
        (19, "warning"),
        (21, "warning"),  # parser.parse_args()
        (24, "warning"),  # @ns.expect
        (25, "warning"),  # @ns.marshal_with
        (27, "warning"),  # api.payload
    ]
    by_line = {f.line: f.message for f in findings}
    assert "QuartSchema(app)" in by_line[5]
    assert "`@validate_response(list[Model], status)`" in by_line[19]
    assert "`@validate_request(Model)`" in by_line[24]
    assert "`@validate_querystring(Model)`" in by_line[21]
    assert "`quart.views.MethodView`" in by_line[17] and 'TodoList.as_view("todolist")' in by_line[17]
    assert "Flask-RESTX" in by_line[2]
    assert all("docs/extensions.md#flask-restx" in f.message for f in findings)


def test_restful_flasgger_and_smorest() -> None:
    findings = check_noop(
        """\
        from flasgger import Swagger, swag_from
        from flask import Flask
        from flask.views import MethodView
        import flask_restful as restful
        from flask_smorest import Api as SmorestApi, Blueprint

        app = Flask(__name__)
        Swagger(app)
        api = restful.Api(app)
        blp = Blueprint("pets", __name__)


        class Pet(restful.Resource):
            def get(self, pet_id):
                restful.abort(404, message="no pet")


        api.add_resource(Pet, "/pets/<int:pet_id>")


        @blp.route("/")
        class Pets(MethodView):
            @blp.arguments(dict, location="query")
            @blp.response(200, dict)
            def get(self, args):
                return []


        @app.route("/colors")
        @swag_from("colors.yml")
        def colors():
            return "red"


        SmorestApi(app).register_blueprint(blp)
        """,
        select=ONLY,
    )
    # Flask-RESTful (lines 4, 9, 13, 15, 18) keeps its API through F2Q340's generated module
    assert sites(findings) == [
        (1, "warning"), (5, "warning"),  # imports
        (8, "error"), (10, "error"),  # Swagger, smorest Blueprint
        (21, "warning"), (23, "warning"), (24, "warning"),  # smorest decorators
        (30, "warning"),  # @swag_from
        (35, "error"),  # SmorestApi(app)...
    ]
    by_line = {f.line: f.message for f in findings}
    assert "flasgger" in by_line[1] and "flask-smorest" in by_line[5]
    assert "`@validate_querystring(Model)`" in by_line[23]
    assert "`@validate_response(Model, status)`" in by_line[24]


def test_a_project_without_rest_extensions_gets_no_finding() -> None:
    assert check_noop(
        """\
        from flask import Flask
        from flask.views import MethodView

        app = Flask(__name__)


        class Resource:
            pass


        class Api(MethodView, Resource):
            def get(self):
                return "ok"


        app.add_url_rule("/", view_func=Api.as_view("api"))
        """,
        select=ONLY,
    ) == []
