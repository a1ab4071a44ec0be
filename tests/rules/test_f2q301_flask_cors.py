"""F2Q301: Flask-CORS -> quart-cors, checked as text and by running both extensions."""

from __future__ import annotations

import inspect
import itertools
import re
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from quart import Quart
from quart_cors import cors

from examples.packages import load_package
from flask2quart.migrate.rules.f2q301_flask_cors import ALWAYS_SEND_SOURCE
from tests.helpers import check_noop, check_transformed, codes, run_rewrite

_counter = itertools.count()
#: quart-cors 0.8.0's @route_cors calls ``make_default_options_response()`` without the ``ctx``
#: Quart 0.23 requires: its preflight answers are 500s there (pgjones/quart-cors#11).
QUART_CORS_PREFLIGHT_BROKEN = "ctx" in inspect.signature(Quart.make_default_options_response).parameters


@contextmanager
def loaded(files: dict[str, str], folder: str = "pkg") -> Iterator[ModuleType]:
    """``files`` written to a temp dir, ``folder`` imported as a package of a unique name."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        name = f"cors_case_{next(_counter)}"
        try:
            yield load_package(name, Path(tmp) / folder)
        finally:
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


def ported(files: dict[str, str], path: str) -> dict[str, str]:
    """All files of the project after the rewrite of ``files`` (``path`` is one of them)."""
    files = {name: textwrap.dedent(text) for name, text in files.items()}
    _, _, texts = run_rewrite(files[path], path=path, files={k: v for k, v in files.items() if k != path})
    return texts


def own(findings: list) -> list:  # type: ignore[type-arg]
    """The findings of the rules under test: F2Q401's project finding (what the port needs) left out."""
    return [f for f in findings if f.code != "F2Q401"]


def always_sent(expected: str) -> str:
    """``expected`` (dedented) with the generated ``cors_always_send`` after its imports, and
    ``request`` imported from quart."""
    expected = textwrap.dedent(expected).replace("from quart import Quart\n", "from quart import Quart, request\n")
    head, _, rest = expected.partition("\n\n")
    return head + "\n" + ALWAYS_SEND_SOURCE.replace("{request}", "request") + "\n\n" + rest.lstrip("\n")


# --- the rewrite, as text ---------------------------------------------------------------------


def test_cors_on_the_app_is_applied_with_quart_cors_and_rebinds_the_app():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app)
        """,
        always_sent("""\
        import re
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)
        app = cors_always_send(cors(app, allow_origin=re.compile(r".*")), ["*"])
        """),
    )
    assert codes(own(findings)) == ["F2Q301"]
    assert "requests without an Origin header are answered as Flask-CORS did" in own(findings)[0].message


def test_options_are_renamed_and_translated_in_an_app_factory():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS


        def create_app():
            app = Flask(__name__)
            CORS(
                app,
                origins=["http://localhost:5173", r"https://.*\\.example\\.org"],
                supports_credentials=True,  # the session cookie
                methods="GET, POST",
                allow_headers=["Content-Type"],
                expose_headers="X-Total",
                max_age=600,
                send_wildcard=False,
                vary_header=True,
            )
            return app
        """,
        always_sent("""\
        import re
        from quart import Quart
        from quart_cors import cors


        def create_app():
            app = Quart(__name__)
            app = cors_always_send(cors(
                app,
                allow_origin=["http://localhost:5173", re.compile(r"https://.*\\.example\\.org", re.IGNORECASE)],
                allow_credentials=True,  # the session cookie
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
                expose_headers="X-Total",
                max_age=600,
            ), ["http://localhost:5173"], credentials=True, expose_headers="X-Total", vary=True)
            return app
        """),
    )
    assert codes(own(findings)) == ["F2Q301"]  # the conversion, said


def test_a_global_app_is_not_rebound_inside_a_function():
    check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)


        def setup():
            CORS(app, origins="http://a.example")
        """,
        always_sent("""\
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)


        def setup():
            cors_always_send(cors(app, allow_origin="http://a.example"), ["http://a.example"])
        """),
    )


def test_options_without_counterpart_are_dropped_and_reported_unless_they_keep_their_default():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, origins="*", send_wildcard=True, vary_header=False, always_send=True, automatic_options=False)
        """,
        always_sent("""\
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)
        app = cors_always_send(cors(app, allow_origin="*", send_origin_wildcard=True), ["*"])
        """),
    )
    assert [(f.code, f.severity.name) for f in own(findings)] == [("F2Q301", "INFO"), ("F2Q301", "WARNING")]
    assert "`vary_header`" in own(findings)[1].message


def test_an_option_quart_cors_cannot_express_leaves_the_call_for_a_human():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, **settings)
        """,
        """\
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)
        cors(app, **settings)
        """,
    )
    assert [(f.code, f.severity.name) for f in own(findings)] == [("F2Q301", "ERROR")]


def test_cross_origin_becomes_route_cors_with_the_same_options():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_cors import cross_origin

        app = Flask(__name__)


        @app.route("/public")
        @cross_origin(origins="*", automatic_options=False)
        def public():
            return "ok"


        @app.route("/partner")
        @cross_origin(origins=["https://partner.example"], supports_credentials=True)
        def partner():
            return "ok"
        """,
        """\
        import re
        from quart import Quart
        from quart_cors import route_cors

        app = Quart(__name__)


        @app.route("/public")
        @route_cors(allow_origin=re.compile(r".*"), provide_automatic_options=False)
        async def public():
            return "ok"


        @app.route("/partner")
        @route_cors(allow_origin=["https://partner.example"], allow_credentials=True)
        async def partner():
            return "ok"
        """,
    )
    # each said; the second also warns that @route_cors' preflight fails on Quart 0.23
    assert [(f.line, f.severity.name) for f in own(findings)] == [(8, "INFO"), (14, "INFO"), (14, "WARNING")]
    assert "pgjones/quart-cors#11" in own(findings)[2].message


def test_configured_origins_are_left_to_the_config():
    """With CORS_ORIGINS set, Flask-CORS took its origins from there: so does quart-cors."""
    check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        app.config.from_mapping(CORS_ORIGINS="https://a.example", CORS_SUPPORTS_CREDENTIALS=True)
        CORS(app)
        """,
        """\
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)
        app.config.from_mapping(QUART_CORS_ALLOW_ORIGIN=["https://a.example"], QUART_CORS_ALLOW_CREDENTIALS=True)
        app = cors(app)
        """,
    )


def test_config_keys_are_renamed_wherever_a_config_is_written_or_read():
    findings = check_transformed(
        """\
        from flask import Flask


        class Config:
            CORS_METHODS = "GET, POST"
            CORS_RESOURCES = {r"/api/*": {}}


        app = Flask(__name__)
        app.config["CORS_ORIGINS"] = "*"
        app.config.update(CORS_EXPOSE_HEADERS="X-Total", CORS_MAX_AGE=60)
        origins = app.config.get("CORS_ORIGINS")
        test_config = {"CORS_SEND_WILDCARD": True, "OTHER": 1}
        """,
        """\
        from quart import Quart


        class Config:
            QUART_CORS_ALLOW_METHODS = ["GET", "POST"]
            CORS_RESOURCES = {r"/api/*": {}}


        app = Quart(__name__)
        app.config["QUART_CORS_ALLOW_ORIGIN"] = ["*"]
        app.config.update(QUART_CORS_EXPOSE_HEADERS=["X-Total"], QUART_CORS_MAX_AGE=60)
        origins = app.config.get("QUART_CORS_ALLOW_ORIGIN")
        test_config = {"QUART_CORS_SEND_ORIGIN_WILDCARD": True, "OTHER": 1}
        """,
    )
    assert [(f.line, f.severity.name) for f in findings] == [(6, "WARNING")]  # CORS_RESOURCES


def test_renamed_keys_rename_the_environment_variables_from_prefixed_env():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)
        app.config.from_mapping(CORS_ORIGINS=["https://a.example"])
        app.config.from_prefixed_env("SHOP")
        """,
        """\
        from quart import Quart

        app = Quart(__name__)
        app.config.from_mapping(QUART_CORS_ALLOW_ORIGIN=["https://a.example"])
        app.config.from_prefixed_env("SHOP")
        """,
    )
    assert "SHOP_CORS_ORIGINS -> SHOP_QUART_CORS_ALLOW_ORIGIN" in findings[0].message


EXTENSIONS = """\
from flask_cors import CORS

cors = CORS()
cors_strict = CORS(origins=["https://a.example"], supports_credentials=True)
"""

FACTORY = """\
from flask import Flask

from .extensions import cors, cors_strict


def create_app():
    app = Flask(__name__)
    cors.init_app(app, max_age=60)
    return app


def create_admin_app():
    admin = Flask(__name__)
    cors_strict.init_app(admin)
    return admin
"""


def test_an_extension_object_becomes_the_cors_function_applied_in_init_app():
    texts = ported({"pkg/__init__.py": FACTORY, "pkg/extensions.py": EXTENSIONS}, "pkg/__init__.py")
    assert texts["pkg/extensions.py"] == textwrap.dedent(
        """\
        import re
        from functools import partial
        from quart_cors import cors

        cors = partial(cors, allow_origin=re.compile(r".*"))
        cors_strict = partial(cors, allow_origin=["https://a.example"], allow_credentials=True)
        """
    )
    assert "    app = cors(app, max_age=60)\n" in texts["pkg/__init__.py"]
    assert "    admin = cors_strict(admin)\n" in texts["pkg/__init__.py"]


def test_an_extension_object_without_options_is_quart_cors_itself():
    files = {"pkg/__init__.py": FACTORY, "pkg/extensions.py": EXTENSIONS + "\nCORS_ORIGINS = None\n"}
    texts = ported(files, "pkg/__init__.py")
    assert texts["pkg/extensions.py"].startswith(
        "from functools import partial\nfrom quart_cors import cors\n\n"
        'cors_strict = partial(cors, allow_origin=["https://a.example"], allow_credentials=True)\n'
    )


RESOURCES_FACTORY = """\
from flask import Flask
from flask_cors import CORS


def create_app():
    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = ["http://a.example"]
    # only the JSON API is shared
    CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}}, supports_credentials=True)

    from . import api, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app
"""

API = """\
from flask import Blueprint, jsonify

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/items", methods=["GET", "POST"])
def items():
    return jsonify(items=[])
"""

PAGES = """\
from flask import Blueprint

bp = Blueprint("pages", __name__)


@bp.route("/page")
def page():
    return "a page"
"""


def test_resources_covering_one_blueprint_set_that_blueprint_up_where_it_is_created():
    files = {"pkg/__init__.py": RESOURCES_FACTORY, "pkg/api.py": API, "pkg/pages.py": PAGES}
    texts = ported(files, "pkg/__init__.py")
    factory = texts["pkg/__init__.py"]
    assert "CORS(" not in factory and "cors" not in factory and "resources" not in factory  # nor its import
    assert 'bp = Blueprint("api", __name__, url_prefix="/api")\nbp = cors(bp, allow_credentials=True)\n' in (
        texts["pkg/api.py"]
    )  # the origins are the config's: quart-cors reads QUART_CORS_ALLOW_ORIGIN on every request
    assert "cors" not in texts["pkg/pages.py"]


def test_resources_that_cover_several_blueprints_are_left_for_a_human():
    pages = PAGES.replace('Blueprint("pages", __name__)', 'Blueprint("pages", __name__, url_prefix="/api/pages")')
    files = {"pkg/__init__.py": RESOURCES_FACTORY, "pkg/api.py": API, "pkg/pages.py": pages}
    _, findings, texts = run_rewrite(RESOURCES_FACTORY, path="pkg/__init__.py", files=files)
    assert "cors(app, resources=" in texts["pkg/__init__.py"]
    assert "cors(" not in texts["pkg/api.py"]
    errors = [f for f in findings if f.severity.name == "ERROR"]
    assert len(errors) == 1 and "covers 2 registered blueprints (api.bp, pages.bp)" in errors[0].message


def test_resources_that_cover_everything_are_no_restriction():
    check_transformed(
        """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, resources={r"/*": {"origins": "https://a.example"}})
        """,
        always_sent("""\
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)
        app = cors_always_send(cors(app, allow_origin="https://a.example"), ["https://a.example"])
        """),
    )


def test_ported_code_is_left_alone():
    assert check_noop(
        """\
        import re

        from quart import Quart
        from quart_cors import cors, route_cors

        app = Quart(__name__)
        app = cors(app, allow_origin=re.compile(r".*"))
        app.config["QUART_CORS_MAX_AGE"] = 60


        @app.route("/")
        @route_cors(allow_origin="*")
        async def index():
            return "ok"
        """
    ) == []


# --- behaviour: the same requests, the same CORS headers -----------------------------------------

APP = """\
from flask import Flask, abort
from flask_cors import CORS, cross_origin


def create_app():
    app = Flask(__name__)
    CORS(app{options})

    @app.route("/", methods=["GET", "POST", "PUT"])
    def index():
        return "hi"

    @app.route("/teapot")
    def teapot():
        abort(418)

    @app.route("/partner")
    @cross_origin(origins="https://partner.example", supports_credentials=True)
    def partner():
        return "partner"

    return app
"""

OPTIONS = [
    "",
    ", supports_credentials=True",
    ', origins=["http://a.example", "https://b.example"], supports_credentials=True',
    r', origins=r"https://.*\.example\.org", max_age=600',
    ', methods="GET, POST", allow_headers=["Content-Type", "X-Token"], expose_headers=["X-Total"]',
    ", send_wildcard=True, max_age=timedelta(minutes=5)",
]

PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type, X-Token"}
REQUESTS = [
    ("GET", "/", {"Origin": "http://a.example"}),
    ("GET", "/", {"Origin": "https://evil.test"}),
    ("GET", "/", {"Origin": "https://shop.example.org"}),
    ("POST", "/", {"Origin": "https://b.example"}),
    ("OPTIONS", "/", {"Origin": "http://a.example", **PREFLIGHT}),
    ("OPTIONS", "/", {"Origin": "http://a.example", "Access-Control-Request-Method": "PUT"}),
    ("OPTIONS", "/", {"Origin": "https://evil.test", **PREFLIGHT}),
    ("GET", "/teapot", {"Origin": "http://a.example"}),
    ("GET", "/partner", {"Origin": "https://partner.example"}),
    ("GET", "/partner", {"Origin": "http://a.example"}),
    ("OPTIONS", "/partner", {"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"}),
    # no Origin header: Flask-CORS' always_send (the generated cors_always_send in the port)
    ("GET", "/", {}),
    ("OPTIONS", "/", {}),
    ("GET", "/teapot", {}),
]


def cors_headers(status: int, headers) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What a browser (and a test) reads of a CORS answer; lists as sets (their order differs)."""
    found = {k.lower(): v for k, v in headers.items()}

    def items(name: str, case=str.lower) -> frozenset[str]:  # type: ignore[no-untyped-def]
        return frozenset(case(v.strip()) for v in found.get(name, "").split(",") if v.strip().strip('"'))

    return {
        "status": status,
        "origin": found.get("access-control-allow-origin"),
        "credentials": found.get("access-control-allow-credentials"),
        "methods": items("access-control-allow-methods", str.upper),
        "headers": items("access-control-allow-headers"),
        "expose": items("access-control-expose-headers"),
        "max_age": found.get("access-control-max-age"),
    }


def _with_timedelta(options: str) -> str:
    app = APP.replace("{options}", options)
    return "from datetime import timedelta\n" + app if "timedelta" in options else app


@pytest.mark.parametrize("options", OPTIONS)
async def test_the_port_answers_cors_requests_as_flask_cors_did(options: str):
    source = _with_timedelta(options)
    texts = ported({"pkg/__init__.py": source}, "pkg/__init__.py")
    with loaded({"pkg/__init__.py": source}) as original, loaded(texts) as port:
        flask_client = original.create_app().test_client()
        quart_client = port.create_app().test_client()
        allowed = []
        for method, path, headers in REQUESTS:
            flask_response = flask_client.open(path, method=method, headers=headers)
            quart_response = await quart_client.open(path, method=method, headers=headers)
            if QUART_CORS_PREFLIGHT_BROKEN and method == "OPTIONS" and path == "/partner":  # @route_cors
                assert quart_response.status_code == 500  # reported on every @route_cors (quart-cors#11)
                continue
            before = cors_headers(flask_response.status_code, flask_response.headers)
            after = cors_headers(quart_response.status_code, quart_response.headers)
            assert after == before, (method, path, headers)
            allowed.append(before["origin"] is not None)
            # quart-cors says Vary: Origin more often than Flask-CORS (docs), never less
            if "Origin" in flask_response.headers.get("Vary", ""):
                assert "Origin" in quart_response.headers.get("Vary", "")
        assert any(allowed)  # the comparison covers answers that share the resource


async def test_resources_are_applied_to_their_blueprint_in_every_app_the_factory_makes():
    files = {"pkg/__init__.py": RESOURCES_FACTORY, "pkg/api.py": API, "pkg/pages.py": PAGES}
    texts = ported(files, "pkg/__init__.py")
    requests = [
        ("GET", "/api/items", {"Origin": "http://a.example"}),
        ("OPTIONS", "/api/items", {"Origin": "http://a.example", **PREFLIGHT}),
        ("GET", "/api/items", {"Origin": "https://evil.test"}),
        ("GET", "/page", {"Origin": "http://a.example"}),
    ]
    with loaded(files) as original, loaded(texts) as port:
        flask_client = original.create_app().test_client()
        for _ in range(2):  # a module-level blueprint in a factory called per test
            quart_client = port.create_app().test_client()
            for method, path, headers in requests:
                before = flask_client.open(path, method=method, headers=headers)
                after = await quart_client.open(path, method=method, headers=headers)
                assert cors_headers(after.status_code, after.headers) == cors_headers(
                    before.status_code, before.headers
                ), (method, path)
        assert before.headers.get("Access-Control-Allow-Origin") is None  # /page is not shared


# --- the differences the docs list, checked so that the docs stay true ------------------------------


async def test_requests_without_an_origin_get_what_flask_cors_always_sent():
    source = _with_timedelta("")
    texts = ported({"pkg/__init__.py": source}, "pkg/__init__.py")
    with loaded({"pkg/__init__.py": source}) as original, loaded(texts) as port:
        before = original.create_app().test_client().get("/")
        after = await port.create_app().test_client().get("/")
    assert before.headers["Access-Control-Allow-Origin"] == "*"  # Flask-CORS' always_send
    assert after.headers["Access-Control-Allow-Origin"] == "*"  # the generated cors_always_send
    assert after.headers["Vary"] == "Origin"  # quart-cors' own (documented)


async def test_documented_difference_quart_cors_refuses_credentials_with_a_literal_wildcard():
    """Why ``origins="*"`` becomes ``re.compile(r".*")``: quart-cors raises on every request."""
    app = cors(Quart(__name__), allow_origin="*", allow_credentials=True)

    @app.route("/")
    async def index() -> str:
        return "hi"

    response = await app.test_client().get("/", headers={"Origin": "http://a.example"})
    assert response.status_code == 500
    regex = cors(Quart(__name__), allow_origin=re.compile(r".*"), allow_credentials=True)
    regex.route("/")(index)
    response = await regex.test_client().get("/", headers={"Origin": "http://a.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://a.example"
