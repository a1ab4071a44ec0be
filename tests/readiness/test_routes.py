"""Routes as ``check`` reads them: endpoints, URL rules with blueprint prefixes, methods."""

from __future__ import annotations

from .helpers import check_project


def routes_of(files: dict[str, str]) -> list[tuple[str, tuple[str, ...], tuple[str, ...], str]]:
    """(endpoint, rules, methods, function) of every route, in file and line order."""
    report = check_project(files)
    return [(r.route.endpoint, r.route.rules, r.route.methods, r.route.function) for r in report.routes]


def test_decorators_blueprint_prefixes_endpoints_and_methods():
    assert routes_of(
        {
            "shop/__init__.py": """\
                from flask import Flask


                def create_app():
                    app = Flask(__name__)

                    @app.route("/ping", endpoint="health")
                    def ping():
                        return "pong"

                    from . import views

                    app.register_blueprint(views.bp, url_prefix="/shop")
                    return app
            """,
            "shop/views.py": """\
                from flask import Blueprint

                bp = Blueprint("store", __name__, url_prefix="/ignored-when-registered-with-a-prefix")


                @bp.route("/items", methods=["get", "POST"])
                @bp.route("/products")
                def items():
                    return "items"


                @bp.delete("/items/<int:id>")
                def remove(id):
                    return ""
            """,
        }
    ) == [
        ("health", ("/ping",), ("GET",), "shop:create_app.ping"),
        ("store.items", ("/shop/items", "/shop/products"), ("GET", "POST"), "shop.views:items"),
        ("store.remove", ("/shop/items/<int:id>",), ("DELETE",), "shop.views:remove"),
    ]


def test_nested_blueprints_join_prefixes_and_names():
    assert routes_of(
        {
            "app.py": """\
                from flask import Blueprint, Flask

                app = Flask(__name__)
                api = Blueprint("api", __name__, url_prefix="/api")
                v1 = Blueprint("v1", __name__)


                @v1.get("/users")
                def users():
                    return []


                api.register_blueprint(v1, url_prefix="/v1/")
                app.register_blueprint(api)
            """
        }
    ) == [("api.v1.users", ("/api/v1/users",), ("GET",), "app:users")]


def test_add_url_rule_with_a_function_and_with_method_views():
    assert routes_of(
        {
            "app.py": """\
                from flask import Flask
                from flask.views import MethodView

                app = Flask(__name__)


                def about():
                    return "about"


                class ItemBase(MethodView):
                    def get(self, id):
                        return "item"


                class ItemAPI(ItemBase):
                    decorators = []

                    def put(self, id):
                        return "put"


                class Unused(MethodView):
                    def get(self):
                        return ""


                app.add_url_rule("/about", "about_page", about)
                app.add_url_rule("/items/<int:id>", view_func=ItemAPI.as_view("item"))
                app.add_url_rule("/", endpoint="index")  # no view: another name for a rule
            """
        }
    ) == [
        ("about_page", ("/about",), ("GET",), "app:about"),
        # ItemBase is never registered itself: its get is served as ItemAPI's
        ("item", ("/items/<int:id>",), ("GET",), "app:ItemBase.get"),
        ("item", ("/items/<int:id>",), ("PUT",), "app:ItemAPI.put"),
        # a view class nobody registers is still a route, known by its class
        ("Unused", (), ("GET",), "app:Unused.get"),
    ]


def test_a_rule_that_is_not_a_literal_leaves_the_route_with_its_endpoint():
    assert routes_of(
        {
            "app.py": """\
                from flask import Flask

                app = Flask(__name__)
                PATH = "/x"


                @app.route(PATH)
                def x():
                    return ""
            """
        }
    ) == [("x", (), ("GET",), "app:x")]
