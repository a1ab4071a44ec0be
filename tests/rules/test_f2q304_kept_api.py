"""F2Q304, second form: an app using Flask-Limiter beyond quart-rate-limiter keeps Flask-Limiter's API.

Checked as text (only the imports move, the module is generated) and by running the Flask original
and the port side by side on the same requests (``on_breach``, ``methods``, ``current_limit``,
``enabled``, ``shared_limit``, ``exempt``, key functions, dynamic limits, ``deduct_when``,
``headers_enabled``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from flask2quart.migrate.rules import _rate_limiting
from tests.helpers import check_noop, check_transformed, run_rewrite
from tests.rules.test_f2q304_flask_limiter import loaded

TEMPLATE = Path(_rate_limiting.__file__).resolve().parent.parent / "templates" / "rate_limiting.py"

UTILS = """\
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(app=current_app, key_func=get_remote_address, storage_uri="memory://")
"""


def test_imports_move_to_the_generated_module_and_nothing_else_changes():
    views = """\
    from flask import Blueprint, render_template_string

    from pkg.utils import limiter

    main = Blueprint("main", __name__)


    @main.route("/login", methods=["GET", "POST"])
    @limiter.limit("3/minute", on_breach=lambda limit: None, methods=["POST"])
    def login():
        left = limiter.current_limit.remaining if limiter.current_limit else None
        return render_template_string("{{ left }}", left=left)
    """
    findings = check_transformed(
        UTILS,
        """\
        from quart import current_app
        from .rate_limiting import Limiter
        from .rate_limiting import get_remote_address

        limiter = Limiter(app=current_app, key_func=get_remote_address, storage_uri="memory://")
        """,
        path="pkg/utils.py",
        files={"pkg/__init__.py": "", "pkg/views.py": views},
    )
    _, _, texts = run_rewrite(UTILS, path="pkg/utils.py", files={"pkg/__init__.py": "", "pkg/views.py": views})
    assert texts["pkg/rate_limiting.py"] == TEMPLATE.read_text(encoding="utf-8")
    assert "@limiter.limit(\"3/minute\", on_breach=lambda limit: None, methods=[\"POST\"])" in texts["pkg/views.py"]
    assert "await render_template_string" in texts["pkg/views.py"]
    said = {(f.path, f.severity.name) for f in findings if f.code == "F2Q304"}
    assert said == {("pkg/utils.py", "INFO"), ("pkg/rate_limiting.py", "INFO")}


def test_a_project_quart_rate_limiter_covers_still_moves_to_it():
    output, _, texts = run_rewrite(
        UTILS + '\n\n@limiter.limit("3/minute")\ndef view():\n    return "ok"\n', path="pkg/utils.py",
        files={"pkg/__init__.py": ""},
    )
    assert "RateLimiter(" in output and "rate_limit(3, timedelta(minutes=1))" in output
    assert "pkg/rate_limiting.py" not in texts


def test_names_the_generated_module_lacks_are_reported():
    findings = check_transformed(
        """\
        from flask_limiter import ExemptionScope, Limiter

        limiter = Limiter(lambda: "all")
        limiter.enabled = False
        """,
        """\
        from rate_limiting import Limiter
        from flask_limiter import ExemptionScope

        limiter = Limiter(lambda: "all")
        limiter.enabled = False
        """,
        path="app.py",
        files={"wsgi.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    errors = [(f.line, f.message.split(":")[0]) for f in findings if f.severity.name == "ERROR"]
    assert errors == [(1, "`flask_limiter.ExemptionScope` is not part of the generated rate_limiting module")]


def test_the_generated_module_is_left_alone_once_edited():
    _, _, texts = run_rewrite(
        UTILS + "limiter.enabled = True\n", path="pkg/utils.py",
        files={"pkg/__init__.py": "", "pkg/rate_limiting.py": "# mine\nLimiter = None\n"},
    )
    assert texts["pkg/rate_limiting.py"] == "# mine\nLimiter = None\n"
    assert "from .f2q_rate_limiting import Limiter" in texts["pkg/utils.py"]  # the name was taken


def test_ported_code_is_left_alone():
    assert check_noop(
        """\
        from .rate_limiting import Limiter, get_remote_address

        limiter = Limiter(get_remote_address)
        limiter.enabled = False
        """,
        path="pkg/utils.py",
        files={"pkg/__init__.py": "", "pkg/rate_limiting.py": TEMPLATE.read_text(encoding="utf-8")},
    ) == []


# --- behaviour: the Flask original and the port answer the same ---------------------------------------

APP = """\
from flask import Blueprint, Flask, g, make_response, render_template_string, request

from .utils import limiter


def breached(template):
    def handler(limit):
        return make_response(render_template_string(template, limit=limit))

    return handler


def by_user():
    return request.headers.get("X-User", "anonymous")


main = Blueprint("main", __name__)
shared = limiter.shared_limit("3/minute", scope="shared")


@main.route("/login", methods=["GET", "POST"])
@limiter.limit("3/minute", on_breach=breached("too many: {{ limit.limit }}"), methods=["POST"])
def login():
    left = limiter.current_limit.remaining if limiter.current_limit is not None else "none"
    return f"login {request.method} {left}"


@main.route("/a")
@shared
def a():
    return "a"


@main.route("/b")
@shared
def b():
    return "b"


@main.route("/user")
@limiter.limit(lambda: "2/minute", key_func=by_user, per_method=True)
def user():
    return "user"


@main.route("/free")
@limiter.exempt
def free():
    return "free"


@main.route("/costly")
@limiter.limit("5/minute", cost=2, error_message="slow down")
def costly():
    return "costly"


@main.route("/maybe/<int:code>")
@limiter.limit("2/minute", deduct_when=lambda response: response.status_code == 500)
def maybe(code):
    return "maybe", code


@main.route("/page")
def page():
    return "page"


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(RATELIMIT_DEFAULT="4/minute", RATELIMIT_HEADERS_ENABLED=True, **(config or {}))
    limiter.init_app(app)
    app.register_blueprint(main)
    return app
"""

REQUESTS = [
    *[("GET", "/login", {})] * 2,
    *[("POST", "/login", {})] * 5,
    ("GET", "/a", {}), ("GET", "/b", {}), ("GET", "/a", {}), ("GET", "/b", {}),
    *[("GET", "/user", {"X-User": "ada"})] * 3, *[("POST", "/user", {"X-User": "ada"})] * 3,
    *[("GET", "/user", {"X-User": "bob"})] * 3,
    *[("GET", "/free", {})] * 6,
    *[("GET", "/costly", {})] * 4,
    *[("GET", "/maybe/200", {})] * 3, *[("GET", "/maybe/500", {})] * 3,
    *[("GET", "/page", {})] * 6,
]
HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining")


def _app(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.app")


def _files() -> dict[str, str]:
    return {"pkg/__init__.py": "", "pkg/utils.py": UTILS, "pkg/app.py": APP}


def _port() -> dict[str, str]:
    _, _, texts = run_rewrite(APP, path="pkg/app.py", files=_files())
    return texts


@pytest.mark.parametrize("config", [None, {"RATELIMIT_ENABLED": False}])
async def test_the_port_answers_as_flask_limiter_did(config):
    with loaded(_files()) as original, loaded(_port()) as port:
        flask_client = _app(original).create_app(config).test_client()
        quart_client = _app(port).create_app(config).test_client()
        for method, path, headers in REQUESTS:
            before = flask_client.open(path, method=method, headers=headers)
            after = await quart_client.open(path, method=method, headers=headers)
            where = f"{method} {path} {headers}"
            assert (after.status_code, await after.get_data(as_text=True)) == (
                before.status_code, before.get_data(as_text=True)), where
            assert [after.headers.get(h) for h in HEADERS] == [before.headers.get(h) for h in HEADERS], where
            # the window's end, in seconds from now: read a moment apart on the two sides
            retry_before, retry_after = before.headers.get("Retry-After"), after.headers.get("Retry-After")
            assert (retry_after is None) == (retry_before is None), where
            assert retry_after is None or abs(int(retry_after) - int(retry_before)) <= 1, where


async def test_enabled_is_read_on_every_request_as_under_flask():
    with loaded(_files()) as original, loaded(_port()) as port:
        flask_client = _app(original).create_app().test_client()
        quart_client = _app(port).create_app().test_client()
        answers = []
        for enabled in (True, False, True):
            _app(original).limiter.enabled = _app(port).limiter.enabled = enabled
            for _ in range(5):
                before = flask_client.get("/page").status_code
                after = (await quart_client.get("/page")).status_code
                answers.append(before)
                assert after == before
    assert answers.count(429) == 1 + 5  # the 5th while enabled, none while disabled, all after


def test_the_requirement_becomes_limits():
    _, findings, texts = run_rewrite(
        UTILS + "limiter.enabled = False\n", path="pkg/utils.py",
        files={"pkg/__init__.py": "", "requirements.txt": "Flask==3.1.0\nFlask-Limiter[redis]==4.1.1\n"},
    )
    assert texts["requirements.txt"].splitlines()[1] == "limits[redis]>=3.5"
    assert any(f.code == "F2Q401" and "Flask-Limiter -> limits" in f.message for f in findings)
