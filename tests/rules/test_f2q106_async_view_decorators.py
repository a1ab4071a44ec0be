import asyncio
import textwrap

import pytest

from tests.helpers import check_noop, check_transformed, run_rewrite

AUTH = """\
import functools

from flask import g, redirect, url_for


def login_required(view):
    @functools.wraps(view)
    def wrapped_view(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login"))

        return view(**kwargs)

    return wrapped_view
"""

BLOG = """\
from flask import Blueprint

from auth import login_required

bp = Blueprint("blog", __name__)


@bp.route("/create")
@login_required
def create():
    return "form"
"""


def test_login_required_wrapper_awaits_the_view_through_ensure_async():
    check_transformed(
        AUTH,
        """\
        import functools

        from quart import g, redirect, url_for, current_app


        def login_required(view):
            @functools.wraps(view)
            async def wrapped_view(**kwargs):
                if g.user is None:
                    return redirect(url_for("auth.login"))

                return await current_app.ensure_async(view)(**kwargs)

            return wrapped_view
        """,
        path="auth.py",
        files={"blog.py": BLOG},
    )


def test_decorated_view_in_the_other_module_becomes_async():
    check_transformed(
        BLOG,
        """\
        from quart import Blueprint

        from auth import login_required

        bp = Blueprint("blog", __name__)


        @bp.route("/create")
        @login_required
        async def create():
            return "form"
        """,
        path="blog.py",
        files={"auth.py": AUTH},
    )


def test_method_view_decorators_list_and_existing_current_app_import():
    check_transformed(
        """\
        from functools import wraps

        from flask import current_app, g
        from flask.views import MethodView


        def admin_only(f):
            @wraps(f)
            def check(*args, **kwargs):
                if not g.admin:
                    return "no", 403
                return f(*args, **kwargs)
            return check


        class Dashboard(MethodView):
            decorators = [admin_only]

            def get(self):
                return current_app.name
        """,
        """\
        from functools import wraps

        from quart import current_app, g
        from quart.views import MethodView


        def admin_only(f):
            @wraps(f)
            async def check(*args, **kwargs):
                if not g.admin:
                    return "no", 403
                return await current_app.ensure_async(f)(*args, **kwargs)
            return check


        class Dashboard(MethodView):
            decorators = [admin_only]

            async def get(self):
                return current_app.name
        """,
    )


def test_a_view_class_decorator_defined_in_a_test_awaits_the_view():
    output, _, _ = run_rewrite(
        textwrap.dedent(
            """\
            import flask
            import flask.views


            def test_view_decorators(app, client):
                def add_x_parachute(f):
                    def new_function(*args, **kwargs):
                        resp = flask.make_response(f(*args, **kwargs))
                        resp.headers["X-Parachute"] = "awesome"
                        return resp

                    return new_function

                class Index(flask.views.View):
                    decorators = [add_x_parachute]

                    def dispatch_request(self):
                        return "Awesome"

                app.add_url_rule("/", view_func=Index.as_view("index"))
                assert client.get("/").headers["X-Parachute"] == "awesome"
            """
        ),
        path="tests/test_views.py",
    )
    assert "            resp = await quart.make_response(await current_app.ensure_async(f)(*args, **kwargs))\n" in output


def test_decorator_applied_only_to_plain_functions_stays_sync():
    check_transformed(
        """\
        from functools import wraps

        from flask import Flask

        app = Flask(__name__)


        def timed(fn):
            @wraps(fn)
            def inner(*args):
                return fn(*args)
            return inner


        @timed
        def compute(x):
            return x * 2
        """,
        """\
        from functools import wraps

        from quart import Quart

        app = Quart(__name__)


        def timed(fn):
            @wraps(fn)
            def inner(*args):
                return fn(*args)
            return inner


        @timed
        def compute(x):
            return x * 2
        """,
    )


def test_already_async_wrapper_is_left_alone():
    check_noop(
        '''\
        """Ported from Flask."""
        import functools

        from quart import current_app


        def login_required(view):
            @functools.wraps(view)
            async def wrapped_view(**kwargs):
                return await current_app.ensure_async(view)(**kwargs)

            return wrapped_view
        ''',
        path="auth.py",
        files={"blog.py": BLOG},
    )


def test_decorator_factory_gets_an_async_wrapper():
    check_transformed(
        """\
        from functools import wraps

        from flask import Flask, abort, g

        app = Flask(__name__)


        def permission_required(permission):
            def decorator(f):
                @wraps(f)
                def decorated(*args, **kwargs):
                    if permission not in g.permissions:
                        abort(403)
                    return f(*args, **kwargs)

                return decorated

            return decorator


        @app.route("/admin")
        @permission_required("admin")
        def admin():
            return "ok"
        """,
        """\
        from functools import wraps

        from quart import Quart, abort, g, current_app

        app = Quart(__name__)


        def permission_required(permission):
            def decorator(f):
                @wraps(f)
                async def decorated(*args, **kwargs):
                    if permission not in g.permissions:
                        abort(403)
                    return await current_app.ensure_async(f)(*args, **kwargs)

                return decorated

            return decorator


        @app.route("/admin")
        @permission_required("admin")
        async def admin():
            return "ok"
        """,
    )


def test_decorator_without_functools_wraps():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        def plain(f):
            def inner(*a, **kw):
                return f(*a, **kw)

            return inner


        @app.route("/d")
        @plain
        def d():
            return "d"
        """,
        """\
        from quart import Quart, current_app

        app = Quart(__name__)


        def plain(f):
            async def inner(*a, **kw):
                return await current_app.ensure_async(f)(*a, **kw)

            return inner


        @app.route("/d")
        @plain
        async def d():
            return "d"
        """,
    )


def test_class_based_view_decorator_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        class require_role:
            def __init__(self, role):
                self.role = role

            def __call__(self, view):
                return view


        @app.route("/admin")
        @require_role("admin")
        def admin():
            return "ok"
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        class require_role:
            def __init__(self, role):
                self.role = role

            def __call__(self, view):
                return view


        @app.route("/admin")
        @require_role("admin")
        async def admin():
            return "ok"
        """,
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q106", 15)]


def test_a_decorator_from_elsewhere_on_a_function_made_async_is_wrapped_and_reported():
    """``@db.atomic()`` (a library's object) and ``@retrying.retry(...)`` wrap the function
    synchronously: once it is async they go through the generated helper, which enters a context
    manager around each awaited call and applies anything else as it was."""
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            import retrying
            from flask import Flask, request

            from peeweeish import db

            app = Flask(__name__)


            @app.route("/create", methods=["POST"])
            @db.atomic()
            def create():
                return request.form["name"]


            @retrying.retry(stop_max_attempt_number=2)
            def rates():
                return request.form["base"]
            """
        )
    )
    assert "@app.route(\"/create\", methods=[\"POST\"])\n@_f2q_async_aware(db.atomic())\nasync def create():" in output
    assert "@_f2q_async_aware(retrying.retry(stop_max_attempt_number=2))\nasync def rates():" in output
    assert "def _f2q_async_aware(decorator):" in output
    reported = sorted((f.line, f.code) for f in findings if f.code == "F2Q106")
    assert reported == [(10, "F2Q106"), (15, "F2Q106")]


ORM = '''\
import contextlib

log = []


class Atomic(contextlib.ContextDecorator):
    def __enter__(self):
        log.append("begin")

    def __exit__(self, *exc):
        log.append("commit" if exc[0] is None else "rollback")


class Db:
    def atomic(self):
        return Atomic()


db = Db()
'''

APP = '''\
from flask import Flask, request

from orm import db, log

app = Flask(__name__)


@app.route("/create", methods=["POST"])
@db.atomic()
def create():
    log.append(request.form["name"])
    return "ok"
'''


def test_a_context_manager_decorator_is_entered_around_the_awaited_view(tmp_path, monkeypatch):
    """The same request through Flask (original) and Quart (port): the transaction is entered and
    left around the view's work, as before."""
    pytest.importorskip("quart")
    _, _, files = run_rewrite(APP, path="app.py", files={"orm.py": ORM})
    (tmp_path / "orm.py").write_text(ORM)
    monkeypatch.syspath_prepend(str(tmp_path))
    import orm

    namespace: dict = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), namespace)
    namespace["app"].test_client().post("/create", data={"name": "ada"})
    expected = list(orm.log)
    assert expected == ["begin", "ada", "commit"]
    orm.log.clear()
    ported: dict = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), ported)

    async def post():
        response = await ported["app"].test_client().post("/create", form={"name": "ada"})
        return response.status_code

    assert asyncio.run(post()) == 200
    assert orm.log == expected


def test_decorators_that_do_not_wrap_or_handle_coroutines_are_not_reported():
    check_noop(
        """\
        import functools

        import pytest
        from quart import Quart, request

        app = Quart(__name__)


        def log(view):
            @functools.wraps(view)
            async def wrapper(*args, **kwargs):
                return await view(*args, **kwargs)

            return wrapper


        @app.route("/")
        @log
        async def index():
            return (await request.form)["a"]
        """
    )
