"""The value flow across the whole project: kinds travel through call-site arguments, fixtures,
annotations, ``self`` attributes set in base classes in other modules, literals and loops,
``getattr``, decorators and overrides. Each case is the smallest shape found in real suites."""

from flask2quart.migrate.analysis import FlowInputs, summarize
from tests.helpers import FLASK_APP, run_rewrite

CONFTEST = """\
import pytest
from app import app as flask_app


@pytest.fixture
def client():
    return flask_app.test_client()
"""


def _port(files: dict[str, str], path: str) -> str:
    source = files.pop(path)
    output, _, _ = run_rewrite(source, path=path, files={"app.py": FLASK_APP, **files})
    return output


def test_a_test_response_passed_to_a_helper_in_another_module_is_read_awaited():
    helpers = """\
    def assert_ok(response):
        assert response.status_code == 200
        return response.json["data"]
    """
    test = """\
    from tests.helpers_api import assert_ok


    def test_index(client):
        response = client.get("/")
        assert_ok(response)
    """
    files = {"tests/__init__.py": "", "tests/conftest.py": CONFTEST, "tests/helpers_api.py": helpers, "tests/test_x.py": test}
    assert _port(dict(files), "tests/helpers_api.py") == (
        "async def assert_ok(response):\n"
        "    assert response.status_code == 200\n"
        '    return (await response.get_json())["data"]\n'
    )
    assert "    await assert_ok(response)\n" in _port(dict(files), "tests/test_x.py")


def test_self_client_set_in_a_base_class_of_another_module():
    base = """\
    import unittest

    from app import app


    class Base(unittest.TestCase):
        def setUp(self):
            self.client = app.test_client()
    """
    helper_base = """\
    from tests.base import Base


    class ApiBase(Base):
        def request(self, url):
            return self.client.get(url)
    """
    test = """\
    from tests.apibase import ApiBase


    class TestThing(ApiBase):
        def test_it(self):
            rv = self.request("/")
            self.assertEqual(rv.status_code, 200)
    """
    files = {"tests/__init__.py": "", "tests/base.py": base, "tests/apibase.py": helper_base, "tests/test_thing.py": test}
    assert "        return await self.client.get(url)\n" in _port(dict(files), "tests/apibase.py")
    assert "        rv = await self.request(\"/\")\n" in _port(dict(files), "tests/test_thing.py")
    assert "IsolatedAsyncioTestCase" in _port(dict(files), "tests/base.py")


def test_client_methods_in_a_list_and_through_getattr():
    test = """\
    def test_methods(client):
        for method in [client.delete, client.post]:
            assert method("/x").status_code == 405
        for verb in ("get", "head"):
            assert getattr(client, verb)("/").status_code == 200
    """
    output = _port({"tests/conftest.py": CONFTEST, "tests/test_m.py": test}, "tests/test_m.py")
    assert '        assert (await method("/x")).status_code == 405\n' in output
    assert '        assert (await getattr(client, verb)("/")).status_code == 200\n' in output


def test_annotations_declare_what_a_parameter_holds():
    helper = """\
    from werkzeug.test import TestResponse


    def body(response: "TestResponse | None") -> str:
        return response.get_data(as_text=True)
    """
    test = """\
    from tests.util import body


    def test_body(client):
        assert body(client.get("/")) == ""
    """
    files = {"tests/__init__.py": "", "tests/conftest.py": CONFTEST, "tests/util.py": helper, "tests/test_b.py": test}
    output = _port(files, "tests/util.py")
    assert "    return await response.get_data(as_text=True)\n" in output
    assert "async def body(" in output


def test_a_project_decorator_awaits_the_views_it_wraps():
    app = """\
    from functools import wraps

    from flask import Blueprint, jsonify, request

    api = Blueprint("api", __name__)


    def endpoint(func):
        @api.route(f"/{func.__name__}", methods=["POST"])
        @wraps(func)
        def wrapper():
            return jsonify(func())

        return wrapper


    @endpoint
    def echo():
        return request.get_json()


    @endpoint
    def ping():
        return "pong"
    """
    output = _port({"api.py": app}, "api.py")
    assert "        return jsonify(await func())\n" in output
    assert "async def echo():\n" in output
    assert "async def ping():\n" in output  # one parameter, one colour


def test_an_override_made_async_makes_the_base_method_and_its_calls_async():
    app = """\
    from flask import Flask, render_template

    app = Flask(__name__)


    class Base:
        def page(self):
            return self.listing()

        def listing(self):
            raise NotImplementedError


    class Share(Base):
        def listing(self):
            return render_template("x.html")
    """
    output = _port({"modes.py": app}, "modes.py")
    assert "    async def page(self):\n        return await self.listing()\n" in output
    assert "    async def listing(self):\n        raise NotImplementedError\n" in output


def test_a_comprehension_target_named_request_is_local():
    app = """\
    from flask import Flask

    app = Flask(__name__)


    def forms(requests):
        return [request.form for request in requests]
    """
    output = _port({"helpers.py": app}, "helpers.py")
    assert "def forms(requests):\n    return [request.form for request in requests]\n" in output


def test_flow_inputs_bind_parameters_in_the_scan():
    source = b"def check(response):\n    return response.data\n"
    plain = summarize("m.py", source, "m", frozenset({"m"}))
    assert not plain.functions["check"].direct
    fed = summarize("m.py", source, "m", frozenset({"m"}), FlowInputs({"check": {"response": "k:test_response"}}))
    assert fed.functions["check"].direct
    assert fed.functions["check"].param_kinds == {"response": "k:test_response"}


def test_init_reading_the_request_stays_sync_and_is_reported():
    app = """\
    from flask import Flask, request

    app = Flask(__name__)


    class Payload:
        def __init__(self):
            self.data = request.form
    """
    output, findings, _ = run_rewrite(app, path="payload.py", files={"app.py": FLASK_APP})
    assert "    def __init__(self):\n" in output
    assert any(f.line == 8 for f in findings), findings


PATCHING_BASE = """\
import unittest

from app import app


class Wrapped:
    def __init__(self, response):
        self.status = response.status_code
        self.text = response.get_data(as_text=True)


def wrap(method):
    def patched(*args, **kwargs):
        return Wrapped(method(*args, **kwargs))

    return patched


class Base(unittest.TestCase):
    def setUp(self):
        self.client = app.test_client()

    def _patch_client(self):
        self.client.get = wrap(self.client.get)
        self.client.post = wrap(self.client.post)
"""


def test_client_methods_replaced_while_a_class_sets_up_give_what_the_wrapper_returns():
    """``self.client.get = wrap(self.client.get)`` in a helper that some subclasses' ``setUp`` call:
    there a call gives the wrapper's object (read as it is); elsewhere the client's own response."""
    test = """\
    from tests.base import Base


    class Patched(Base):
        def setUp(self):
            super().setUp()
            self._patch_client()

        def test_it(self):
            rv = self.client.post("/", data={"a": "1"})
            assert rv.text == "ok"


    class Plain(Base):
        def test_it(self):
            rv = self.client.get("/")
            assert rv.data == b"ok"
    """
    files = {"tests/__init__.py": "", "tests/base.py": PATCHING_BASE, "tests/test_x.py": test}
    ported = _port(dict(files), "tests/test_x.py")
    assert '        rv = await self.client.post("/", form={"a": "1"})\n        assert rv.text == "ok"\n' in ported
    assert '        rv = await self.client.get("/")\n        assert await rv.get_data() == b"ok"\n' in ported
    base = _port(dict(files), "tests/base.py")
    # keywords handed on to the client are translated when the test runs (F2Q202; form= passes as is)
    assert "        return Wrapped(await _f2q_sync_response(await method(*args, **_f2q_client_kwargs(kwargs))))\n" in base
    assert "        self.client.get = wrap(self.client.get)\n" in base  # the original, not awaited
    assert "self.text = response.get_data(as_text=True)" in base  # a snapshot: read as with Flask


def test_a_called_attribute_named_like_a_client_is_a_method():
    """``self._patch_client()`` is a method call, not a test client taken by its name."""
    facts = summarize(
        "tests/test_x.py",
        b"class T:\n    def setUp(self):\n        self._patch_client()\n",
        "tests.test_x",
        frozenset({"tests.test_x"}),
    )
    assert facts.functions["T.setUp"].calls == {"tests.test_x:T._patch_client"}


def test_a_mixin_reaches_a_method_of_its_sibling_base_through_a_class_factory():
    """``class Case(Base, Mixin.create_from(Other))``: the mixin's ``self.request_context()`` is the
    ``Base`` method every class built on it finds (through the class a factory returns)."""
    test = """\
    import unittest

    from app import app


    class Base(unittest.TestCase):
        def request_context(self):
            return app.test_request_context("/")


    class Other:
        def render(self, name):
            return name.upper()


    class Mixin:
        def render(self, name):
            with self.request_context():
                return super().render(name)

        @staticmethod
        def create_from(cls):
            class Built(Mixin, cls):
                pass

            return Built


    class TestRender(Base, Mixin.create_from(Other)):
        def test_it(self):
            assert self.render("a") == "A"
    """
    ported = _port({"tests/__init__.py": "", "tests/test_mixin.py": test}, "tests/test_mixin.py")
    assert "        async with self.request_context():\n" in ported
    assert '        assert await self.render("a") == "A"\n' in ported


JINJA_APP = """\
import jinja2
from flask import Flask, current_app, g

app = Flask(__name__)


class Extension:
    name = "report"

    @property
    def jinja_env(self):
        loader = jinja2.DictLoader({"report.html": "<b>{{ title }}</b>"})
        return current_app.jinja_env.overlay(loader=loader)


class Registry:
    def get(self, name):
        return Extension()


@app.route("/report")
def report():
    ext = g.registry.get("report")  # a receiver of unknown class: its property is the project's
    template = ext.jinja_env.get_template(f"{ext.name}.html")
    return template.render(title="ok")


@app.route("/direct")
def direct():
    return current_app.jinja_env.from_string("{{ 1 + 1 }}").render()


@app.route("/known")
def known():
    return Extension().jinja_env.get_template("report.html").render(title="known")


@app.before_request
def registry():
    setattr(g, "registry", Registry())
"""


def test_templates_of_the_app_environment_and_its_overlays_render_async():
    """``current_app.jinja_env`` and its ``overlay(...)`` are Quart's async environment there: their
    templates' ``render()`` becomes ``await render_async()``, also through a property read on a
    receiver of unknown class; the ported views answer as Flask's did."""
    import asyncio

    output, _, _ = run_rewrite(JINJA_APP, path="app.py")
    assert '    return await template.render_async(title="ok")\n' in output
    assert '    return await current_app.jinja_env.from_string("{{ 1 + 1 }}").render_async()\n' in output
    assert '.get_template("report.html").render_async(title="known")\n' in output
    flask_side: dict = {"__name__": "flask_side"}
    exec(compile(JINJA_APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    expected = [client.get(path).data for path in ("/report", "/direct", "/known")]
    assert expected == [b"<b>ok</b>", b"2", b"<b>known</b>"]
    quart_side: dict = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def fetch() -> list[bytes]:
        quart_client = quart_side["app"].test_client()
        return [await (await quart_client.get(path)).get_data() for path in ("/report", "/direct", "/known")]

    assert asyncio.run(fetch()) == expected


# --- module-level kinds across modules -------------------------------------------------------

APP_USER = """\
{imports}


def test_make_response():
    with {app}.test_request_context("/"):
        {app}.preprocess_request()
        r = {app}.make_response("x")
        assert r.status_code == 200
"""


def _ported_app_user(imports: str, app: str, files: dict[str, str]) -> str:
    test = APP_USER.format(imports=imports, app=app)
    return _port({"tests/__init__.py": "", **files, "tests/test_x.py": test}, "tests/test_x.py")


def _awaits_app_calls(output: str, app: str) -> bool:
    return (
        f"        await {app}.preprocess_request(*_f2q_ctx())\n" in output
        and f'        r = await {app}.make_response("x")\n' in output
    )


def test_an_app_imported_by_name_is_the_app():
    assert _awaits_app_calls(_ported_app_user("from app import app", "app", {}), "app")
    assert _awaits_app_calls(_ported_app_user("from app import app as flask_app", "flask_app", {}), "flask_app")


def test_an_app_read_through_its_module_is_the_app():
    assert _awaits_app_calls(_ported_app_user("import app as web", "web.app", {}), "web.app")


def test_an_app_re_exported_by_a_package_is_the_app():
    core = {"site/__init__.py": "from .core import app\n", "site/core.py": "from flask import Flask\n\napp = Flask(__name__)\n"}
    assert _awaits_app_calls(_ported_app_user("from site import app", "app", core), "app")
    starred = {**core, "site/__init__.py": "from .core import *\n"}
    assert _awaits_app_calls(_ported_app_user("from site import app", "app", starred), "app")
    assert _awaits_app_calls(_ported_app_user("import site", "site.app", starred), "site.app")


def test_a_name_bound_to_different_kinds_is_not_followed():
    # ``app`` is the app or a string depending on the branch: no kind is assumed in other modules
    app = "from flask import Flask\n\nif True:\n    app = Flask(__name__)\nelse:\n    app = 'x'\n"
    summary = summarize("app.py", app.encode(), "app", frozenset({"app"}))
    assert summary.kinds == {"app": ""}


def test_a_module_level_test_client_and_project_object_flow_into_tests():
    conftest = """\
    from app import app

    web = app.test_client()
    """
    helpers = """\
    from tests.conftest import web


    class Reader:
        def body(self, path):
            return web.get(path).data


    reader = Reader()
    """
    test = """\
    from tests.conftest import web
    from tests.helpers_api import reader


    def test_index():
        assert web.get("/").status_code == 404
        assert reader.body("/")
    """
    files = {"tests/__init__.py": "", "tests/conftest.py": conftest, "tests/helpers_api.py": helpers, "tests/test_x.py": test}
    ported = _port(dict(files), "tests/test_x.py")
    assert '    assert (await web.get("/")).status_code == 404\n' in ported
    assert '    assert await reader.body("/")\n' in ported


def test_module_kinds_are_given_to_the_modules_that_import_them():
    from flask2quart.migrate.analysis import decide

    sources = {
        "app.py": b"from flask import Flask\n\napp = Flask(__name__)\n",
        "pkg/__init__.py": b"from app import *\n",
        "user.py": b"import pkg\nfrom app import app\n",
    }
    names = {"app", "pkg", "user"}
    summaries = [summarize(p, s, p.removesuffix("/__init__.py").removesuffix(".py"), frozenset(names)) for p, s in sources.items()]
    analysis = decide(summaries, names, sources)
    assert analysis.module_kinds == {"app:app": "k:app", "pkg:app": "k:app", "user:app": "k:app"}
    from flask2quart.migrate.flow import flow_inputs

    assert flow_inputs(analysis)["user.py"].globals == {"app:app": "k:app", "pkg:app": "k:app"}
    assert flow_inputs(analysis)["app.py"].globals == {}
