from tests.helpers import check_noop, check_transformed, codes


def test_views_and_hooks_become_async_even_with_nothing_to_await():
    check_transformed(
        """\
        from flask import Flask, g

        app = Flask(__name__)


        @app.before_request
        def load_user():
            g.user = None


        @app.after_request
        def add_header(response):
            response.headers["X-Frame-Options"] = "DENY"
            return response


        @app.errorhandler(404)
        def not_found(error):
            return "missing", 404


        @app.context_processor
        def inject():
            return {"year": 2024}


        @app.route("/")
        def index():
            return "hello"
        """,
        """\
        from quart import Quart, g

        app = Quart(__name__)


        @app.before_request
        async def load_user():
            g.user = None


        @app.after_request
        async def add_header(response):
            response.headers["X-Frame-Options"] = "DENY"
            return response


        @app.errorhandler(404)
        async def not_found(error):
            return "missing", 404


        @app.context_processor
        async def inject():
            return {"year": 2024}


        @app.route("/")
        async def index():
            return "hello"
        """,
    )


def test_sync_only_hooks_stay_sync():
    findings = check_transformed(
        """\
        from flask import Blueprint, Flask, g

        app = Flask(__name__)
        bp = Blueprint("bp", __name__, url_prefix="/<lang>")


        @bp.url_value_preprocessor
        def pull_lang(endpoint, values):
            g.lang = values.pop("lang", None)


        @bp.url_defaults
        def add_lang(endpoint, values):
            values.setdefault("lang", g.lang)


        @app.shell_context_processor
        def shell_context():
            return {"app": app}
        """,
        """\
        from quart import Blueprint, Quart, g

        app = Quart(__name__)
        bp = Blueprint("bp", __name__, url_prefix="/<lang>")


        @bp.url_value_preprocessor
        def pull_lang(endpoint, values):
            g.lang = values.pop("lang", None)


        @bp.url_defaults
        def add_lang(endpoint, values):
            values.setdefault("lang", g.lang)


        @app.shell_context_processor
        def shell_context():
            return {"app": app}
        """,
    )
    assert findings == []


def test_sync_only_hook_that_would_need_await_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask, g, request

        app = Flask(__name__)


        @app.url_value_preprocessor
        def remember_form(endpoint, values):
            g.form = request.form
        """,
        """\
        from quart import Quart, g, request

        app = Quart(__name__)


        @app.url_value_preprocessor
        def remember_form(endpoint, values):
            g.form = request.form
        """,
    )
    assert codes(findings) == ["F2Q103", "F2Q104"]
    assert [f.line for f in findings] == [7, 8]
    assert "must stay sync" in findings[0].message


def test_functions_registered_by_call_become_async():
    check_transformed(
        """\
        from flask import Flask, g

        app = Flask(__name__)


        def close_db(e=None):
            db = g.pop("db", None)
            if db is not None:
                db.close()


        def index():
            return "hi"


        app.teardown_appcontext(close_db)
        app.add_url_rule("/", view_func=index)
        """,
        """\
        from quart import Quart, g

        app = Quart(__name__)


        async def close_db(e=None):
            db = g.pop("db", None)
            if db is not None:
                db.close()


        async def index():
            return "hi"


        app.teardown_appcontext(close_db)
        app.add_url_rule("/", view_func=index)
        """,
    )


def test_method_view_dispatch_methods_only():
    check_transformed(
        """\
        from flask.views import MethodView


        class ItemAPI(MethodView):
            def get(self, item_id):
                return self._render(item_id)

            def post(self):
                return "created", 201

            def _render(self, item_id):
                return str(item_id)


        class SpecialItemAPI(ItemAPI):
            def delete(self, item_id):
                return "", 204
        """,
        """\
        from quart.views import MethodView


        class ItemAPI(MethodView):
            async def get(self, item_id):
                return self._render(item_id)

            async def post(self):
                return "created", 201

            def _render(self, item_id):
                return str(item_id)


        class SpecialItemAPI(ItemAPI):
            async def delete(self, item_id):
                return "", 204
        """,
    )


def test_plain_function_becomes_async_only_when_it_awaits():
    check_transformed(
        """\
        from flask import render_template


        def page_title():
            return "Home"


        def render_home():
            # renders the home page
            return render_template("home.html", title=page_title())
        """,
        """\
        from quart import render_template


        def page_title():
            return "Home"


        async def render_home():
            # renders the home page
            return await render_template("home.html", title=page_title())
        """,
    )


def test_nested_helper_in_a_view_stays_sync():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            def shout(text):
                return text.upper()

            return shout("hi")
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        @app.route("/")
        async def index():
            def shout(text):
                return text.upper()

            return shout("hi")
        """,
    )


def test_already_ported_module_is_untouched():
    check_noop(
        '''\
        """Ported from Flask by hand."""
        from quart import Quart, render_template

        app = Quart(__name__)


        @app.route("/")
        async def index():
            return await render_template("index.html")


        def helper():
            return 1
        '''
    )


def test_route_decorator_of_a_non_flask_framework_is_untouched():
    check_noop(
        """\
        # bottle, not flask
        from bottle import Bottle

        app = Bottle()


        @app.route("/")
        def index():
            return "hi"
        """
    )


def test_app_factory_that_became_async_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask


        def create_app():
            app = Flask(__name__)
            with app.app_context():
                pass
            return app
        """,
        """\
        from quart import Quart


        async def create_app():
            app = Quart(__name__)
            async with app.app_context():
                pass
            return app
        """,
    )
    assert [(f.code, f.line, f.severity) for f in findings] == [("F2Q103", 4, "error")]


def test_a_script_building_an_app_for_its_own_use_is_no_factory():
    # builds the app, works in its context, returns nothing: async, and no factory finding
    findings = check_transformed(
        """\
        from flask import Flask


        class Main:
            def __call__(self):
                app = Flask(__name__)
                with app.app_context():
                    print(app.name)
        """,
        """\
        from quart import Quart


        class Main:
            async def __call__(self):
                app = Quart(__name__)
                async with app.app_context():
                    print(app.name)
        """,
    )
    assert findings == []
