import asyncio
import subprocess
import sys

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_calls_on_the_app_get_the_context_first():
    findings = check_transformed(
        """\
        from flask import Flask, current_app

        app = Flask(__name__)


        def run_hooks():
            return current_app.preprocess_request()


        def finish(rv):
            return app.finalize_request(rv, True)


        def teardown():
            app.do_teardown_request()
        """,
        '''\
        from quart import Quart, current_app


        def _f2q_ctx():
            """The context Quart 0.23 passes first to the app's dispatch methods; Quart 0.22 takes none
            there and uses the current request context (added by flask2quart, F2Q124)."""
            import quart.globals

            if hasattr(quart.globals, "_cv_request"):  # Quart < 0.23: a separate request context
                return ()
            return (quart.globals.app_ctx._get_current_object(),)


        app = Quart(__name__)


        async def run_hooks():
            return await current_app.preprocess_request(*_f2q_ctx())


        async def finish(rv):
            return await app.finalize_request(*_f2q_ctx(), rv, from_error_handler=True)


        async def teardown():
            await app.do_teardown_request(*_f2q_ctx(), None)
        ''',
    )
    assert findings == []


def test_a_reference_that_is_not_called_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)
        hook = app.preprocess_request
        """,
        """\
        from quart import Quart

        app = Quart(__name__)
        hook = app.preprocess_request
        """,
    )
    assert codes(findings) == ["F2Q124"] and "first on 0.23" in findings[0].message


def test_other_objects_methods_of_that_name_are_left_alone():
    check_noop(
        """\
        class Pipeline:
            def process_response(self, response):
                return response


        pipeline = Pipeline()
        out = pipeline.process_response("x")
        """
    )


APP = '''\
from flask import Flask, g, request

app = Flask(__name__)


@app.before_request
def gate():
    g.seen = request.path
    if request.args.get("stop"):
        return "stopped by hook", 403


@app.after_request
def stamp(response):
    response.headers["X-Seen"] = g.get("seen", "-")
    return response


@app.route("/page")
def page():
    return "page " + g.seen


@app.errorhandler(ValueError)
def bad_value(error):
    return "bad value: " + str(error), 400
'''

APP += '''

def answers():
    out = []
    for query in ("", "?stop=1"):
        with app.test_request_context("/page" + query):
            rv = app.preprocess_request()
            out.append(repr(rv))
            response = app.process_response(app.make_response(rv or "plain"))
            out.append((response.status_code, response.headers.get("X-Seen"), response.get_data(as_text=True)))
    with app.test_request_context("/page"):
        response = app.full_dispatch_request()
        out.append((response.status_code, response.headers.get("X-Seen"), response.get_data(as_text=True)))
    with app.test_request_context("/page"):
        rv = app.handle_user_exception(ValueError("nope"))
        out.append(repr(rv))
    return out
'''


def test_the_port_answers_what_flask_answers():
    """The hooks run by hand in a test request context give what Flask's gave, on either Quart."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    expected = flask_side["answers"]()
    assert expected[3] == (403, "/page", "stopped by hook") and expected[4] == (200, "/page", "page /page")

    output, findings, _ = run_rewrite(APP)
    assert not [f for f in findings if f.code in ("F2Q102", "F2Q124")], findings
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)
    assert asyncio.run(quart_side["answers"]()) == expected


STREAM_APP = '''\
import sys

from flask import Flask, Response

app = Flask(__name__)
app.jinja_loader = __import__("jinja2").DictLoader(
    {"rows.html": "{% for r in rows %}<p>{{ site }} {{ r }} {{ request.path }}</p>{% endfor %}"}
)
logged = []
app.logger.error = lambda *args, **kwargs: logged.append(kwargs.get("exc_info")[0].__name__)


@app.context_processor
def site():
    return {"site": "demo"}


def stream_template(template_name, **context):
    app.update_template_context(context)
    t = app.jinja_env.get_template(template_name)
    rv = t.stream(context)
    rv.enable_buffering(5)
    return rv


@app.route("/big")
def big():
    return Response(stream_template("rows.html", rows=range(7)))


@app.route("/ctx")
def ctx():
    context = {"own": "kept"}
    app.update_template_context(context)
    return context["site"] + " " + context["own"] + " " + context["request"].path


@app.route("/log")
def log():
    try:
        raise KeyError("x")
    except KeyError:
        app.log_exception(sys.exc_info())
    return ",".join(logged)
'''


def test_the_flask_docs_stream_template_helper_and_log_exception_answer_as_flask():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_stream"}
    exec(compile(STREAM_APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    expected = [(r.status_code, r.get_data()) for r in map(client.get, ["/big", "/ctx", "/log"])]
    assert expected[0][1].startswith(b"<p>demo 0 /big</p>") and expected[1:] == [(200, b"demo kept /ctx"), (200, b"KeyError")]

    output, findings, _ = run_rewrite(STREAM_APP)
    assert "await app.update_template_context(*_f2q_ctx(), context)" in output
    assert "return await quart.stream_template(template_name, **context)" in output  # F2Q110
    assert not [f for f in findings if f.code in ("F2Q102", "F2Q124")], findings
    quart_side = {"__name__": "quart_stream"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        client = quart_side["app"].test_client()
        out = []
        for path in ("/big", "/ctx", "/log"):
            response = await client.get(path)
            out.append((response.status_code, await response.get_data()))
        return out

    assert asyncio.run(answers()) == expected


OVERRIDES_APP = '''\
from flask import Flask, request


class BaseApp(Flask):
    def process_response(self, response):
        response = super().process_response(response)
        response.headers["X-Path"] = request.path
        return response


class MyApp(BaseApp):
    def handle_user_exception(self, e):
        if isinstance(e, KeyError):
            return self.make_response(("missing key " + str(e), 400))
        return super().handle_user_exception(e)

    def preprocess_request(self):
        if request.args.get("stop"):
            return "stopped", 403
        return super().preprocess_request()


app = MyApp(__name__)


@app.before_request
def hook():
    if request.args.get("hook"):
        return "hooked"


@app.route("/")
def index():
    return "hi"


@app.route("/key")
def key():
    return {}["x"]


@app.route("/value")
def value():
    raise ValueError("boom")


@app.errorhandler(ValueError)
def on_value(error):
    return "value error: " + str(error), 422
'''


def test_overrides_in_an_app_subclass_answer_as_flask():
    """Overridden dispatch methods (through a project base class) run on either Quart as on Flask."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(OVERRIDES_APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    paths = ["/", "/?stop=1", "/?hook=1", "/key", "/value"]
    expected = [(r.status_code, r.headers.get("X-Path"), r.get_data()) for r in map(client.get, paths)]
    assert expected[1] == (403, "/", b"stopped") and expected[3][0] == 400

    output, findings, _ = run_rewrite(OVERRIDES_APP)
    assert "@_f2q_flask_signature\n    async def process_response(self, response):" in output
    assert not findings, findings
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        client = quart_side["app"].test_client()
        out = []
        for path in paths:
            r = await client.get(path)
            out.append((r.status_code, r.headers.get("X-Path"), await r.get_data()))
        return out

    assert asyncio.run(answers()) == expected


IMPORTED_APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"
"""

APP_TEST = """\
from app import app


def test_make_response():
    with app.test_request_context("/"):
        app.preprocess_request()
        r = app.make_response("x")
        assert r.status_code == 200
"""


def test_calls_on_an_app_imported_from_another_module_get_the_context_and_await():
    findings = check_transformed(
        APP_TEST,
        '''\
        from app import app


        def _f2q_ctx():
            """The context Quart 0.23 passes first to the app's dispatch methods; Quart 0.22 takes none
            there and uses the current request context (added by flask2quart, F2Q124)."""
            import quart.globals

            if hasattr(quart.globals, "_cv_request"):  # Quart < 0.23: a separate request context
                return ()
            return (quart.globals.app_ctx._get_current_object(),)


        async def test_make_response():
            async with app.test_request_context("/"):
                await app.preprocess_request(*_f2q_ctx())
                r = await app.make_response("x")
                assert r.status_code == 200
        ''',
        path="tests/test_x.py",
        files={"app.py": IMPORTED_APP, "tests/__init__.py": ""},
    )
    assert findings == []


def test_the_ported_test_of_an_imported_app_passes_under_quart(tmp_path):
    """The two modules, ported, run: the test passes under this Python's Quart."""
    pytest.importorskip("quart")
    pytest.importorskip("pytest_asyncio")
    _, _, texts = run_rewrite(APP_TEST, path="tests/test_x.py", files={"app.py": IMPORTED_APP, "tests/__init__.py": ""})
    for name, text in texts.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_x.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
