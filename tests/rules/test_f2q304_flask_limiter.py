"""F2Q304: Flask-Limiter -> quart-rate-limiter, checked as text and by running both extensions."""

from __future__ import annotations

import ast
import itertools
import sys
import tempfile
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from limits import parse_many

from examples.packages import load_package
from flask2quart.migrate.rules.f2q304_flask_limiter import parse_limits
from tests.helpers import check_noop, check_transformed, codes, run_rewrite

_counter = itertools.count()


@contextmanager
def loaded(files: dict[str, str], folder: str = "pkg") -> Iterator[ModuleType]:
    """``files`` written to a temp dir, ``folder`` imported as a package of a unique name."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        name = f"limiter_case_{next(_counter)}"
        try:
            with warnings.catch_warnings():  # Flask-Limiter warns about its in-memory storage
                warnings.simplefilter("ignore", UserWarning)
                yield load_package(name, Path(tmp) / folder)
        finally:
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


# --- limit strings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "5 per minute",
        "5/minute",
        "200 per day",
        "50/hour",
        "10 per 2 minutes",
        "10/2minutes",
        "1/second;100 per day",
        "1 per second, 5 per 10 seconds | 100/day",
        "3 PER HOUR",
        "2 per month",
        "1/year",
    ],
)
def test_limit_strings_are_read_as_flask_limiter_reads_them(text: str):
    ours = parse_limits(text)
    theirs = parse_many(text)
    assert ours is not None
    assert [(limit.count, _seconds(limit.unit, limit.amount)) for limit in ours] == [
        (item.amount, item.get_expiry()) for item in theirs
    ]


@pytest.mark.parametrize("text", ["5 per fortnight", "five per minute", "5 minutes", "", "5 per minute;"])
def test_what_is_not_a_limit_string_is_refused_as_flask_limiter_refuses_it(text: str):
    assert parse_limits(text) is None
    with pytest.raises(ValueError):
        parse_many(text)


def _seconds(unit: str, amount: int) -> int:
    return {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[unit] * amount


# --- the rewrite, as text ---------------------------------------------------------------------


def test_limiter_with_default_limits_and_route_limits():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask
            from flask_limiter import Limiter
            from flask_limiter.util import get_remote_address

            app = Flask(__name__)
            limiter = Limiter(get_remote_address, app=app, default_limits=["200 per day", "50/hour"], storage_uri="memory://")


            @app.route("/login", methods=["POST"])
            @limiter.limit("5 per minute")
            def login():
                return "ok"


            @app.route("/health")
            @limiter.exempt
            def health():
                return "ok"
            """
        )
    )
    expected = textwrap.dedent(
        """\
        app = Quart(__name__)
        limiter = RateLimiter(key_function=get_remote_address, app=app, default_limits=[
            RateLimit(200, timedelta(days=1), skip_function=has_own_rate_limits),
            RateLimit(50, timedelta(hours=1), skip_function=has_own_rate_limits),
        ])


        @app.route("/login", methods=["POST"])
        @rate_limit(5, timedelta(minutes=1))
        async def login():
            return "ok"


        @app.route("/health")
        @rate_exempt
        async def health():
            return "ok"
        """
    )
    assert output.endswith(expected)
    assert "from flask" not in output
    # the generated key and default-limit skip are there, async (quart-rate-limiter awaits them)
    module = compile(output, "app.py", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    generated = {f.name for f in module.body if isinstance(f, ast.AsyncFunctionDef)}
    assert generated == {"get_remote_address", "has_own_rate_limits", "login", "health"}
    findings = [f for f in findings if f.code != "F2Q401"]  # what the port needs: F2Q401's own
    assert codes(findings) == ["F2Q304"]  # the conversion and its differences, said
    assert "GCRA" in findings[0].message


def test_an_unbound_limiter_keeps_init_app_and_key_func_becomes_key_function():
    check_transformed(
        """\
        from flask_limiter import Limiter


        def client_key():
            return "everyone"


        limiter = Limiter(key_func=client_key, enabled=True)


        def create_app(app):
            limiter.init_app(app)
            return app
        """,
        """\
        from quart_rate_limiter import RateLimiter


        async def client_key():
            return "everyone"


        limiter = RateLimiter(key_function=client_key, enabled=True)


        def create_app(app):
            limiter.init_app(app)
            return app
        """,
    )


def test_route_limits_across_modules_with_keys_skips_and_several_limits():
    extensions = """\
        from flask import request
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        limiter = Limiter(get_remote_address)
        """
    views = """\
        from flask import Blueprint, request
        from flask_limiter.util import get_remote_address

        from .extensions import limiter

        bp = Blueprint("views", __name__)
        limiter.limit("100/day")(bp)


        def by_user():
            return request.headers.get("X-User") or get_remote_address()


        def trusted():
            return request.headers.get("X-Trusted") == "yes"


        @bp.route("/search")
        @limiter.limit("1/second;10 per 2 minutes", key_func=by_user, exempt_when=trusted, override_defaults=True)
        def search():
            return "found"
        """
    output, findings, _ = run_rewrite(
        textwrap.dedent(views), path="pkg/views.py", files={"pkg/__init__.py": "", "pkg/extensions.py": extensions}
    )
    assert output == textwrap.dedent(
        '''\
        from datetime import timedelta
        from quart import Blueprint, request
        from quart_rate_limiter import RateLimit, limit_blueprint, rate_limit


        async def get_remote_address() -> str:
            """The client's address, as Flask-Limiter's ``get_remote_address`` gave it.

            quart-rate-limiter awaits its key function; its own default key reads X-Forwarded-For, which
            any client can set. Written by flask2quart (F2Q304).
            """
            return request.remote_addr or "127.0.0.1"


        bp = Blueprint("views", __name__)
        limit_blueprint(bp, 100, timedelta(days=1))


        async def by_user():
            return request.headers.get("X-User") or await get_remote_address()


        async def trusted():
            return request.headers.get("X-Trusted") == "yes"


        @bp.route("/search")
        @rate_limit(limits=[
            RateLimit(1, timedelta(seconds=1), key_function=by_user, skip_function=trusted),
            RateLimit(10, timedelta(minutes=2), key_function=by_user, skip_function=trusted),
        ])
        async def search():
            return "found"
        '''
    )
    made_async = [(f.line, f.severity.name) for f in findings if f.path == "pkg/views.py"]
    assert made_async == [(10, "INFO"), (14, "INFO")]  # said


def test_what_has_no_counterpart_keeps_flask_limiters_api():
    """Shared, dynamic and costed limits, application limits, ``reset()``: quart-rate-limiter has
    none of them, so the project keeps Flask-Limiter's API from a generated module
    (tests/rules/test_f2q304_kept_api.py runs it); only names that module lacks are reported."""
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_limiter import ExemptionScope, Limiter
        from flask_limiter.util import get_remote_address

        app = Flask(__name__)
        limiter = Limiter(get_remote_address, app=app, application_limits=["1000/hour"])


        @app.route("/a")
        @limiter.shared_limit("5/minute", scope="group")
        @limiter.limit(lambda: "5/minute")
        @limiter.limit("5/minute", cost=2)
        @limiter.limit("5/minute", key_func=lambda: "all")
        def a():
            limiter.reset()
            return "a"
        """,
        """\
        from quart import Quart
        from rate_limiting import Limiter
        from flask_limiter import ExemptionScope
        from rate_limiting import get_remote_address

        app = Quart(__name__)
        limiter = Limiter(get_remote_address, app=app, application_limits=["1000/hour"])


        @app.route("/a")
        @limiter.shared_limit("5/minute", scope="group")
        @limiter.limit(lambda: "5/minute")
        @limiter.limit("5/minute", cost=2)
        @limiter.limit("5/minute", key_func=lambda: "all")
        async def a():
            limiter.reset()
            return "a"
        """,
    )
    errors = [(f.line, f.message.split(":")[0]) for f in findings if f.severity.name == "ERROR"]
    assert errors == [(2, "`flask_limiter.ExemptionScope` is not part of the generated rate_limiting module")]


def test_blueprint_exemptions_are_reported():
    findings = check_transformed(
        """\
        from flask import Blueprint
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        limiter = Limiter(get_remote_address)
        internal = Blueprint("internal", __name__)
        limiter.exempt(internal)
        """,
        '''\
        from quart import Blueprint, request
        from quart_rate_limiter import RateLimiter


        async def get_remote_address() -> str:
            """The client's address, as Flask-Limiter's ``get_remote_address`` gave it.

            quart-rate-limiter awaits its key function; its own default key reads X-Forwarded-For, which
            any client can set. Written by flask2quart (F2Q304).
            """
            return request.remote_addr or "127.0.0.1"


        limiter = RateLimiter(key_function=get_remote_address)
        internal = Blueprint("internal", __name__)
        limiter.exempt(internal)
        ''',
    )
    assert [(f.line, f.severity.name) for f in findings if f.severity.name == "ERROR"] == [(7, "ERROR")]


def test_a_redis_storage_becomes_a_redis_store_and_is_reported():
    findings = check_transformed(
        """\
        from flask_limiter import Limiter

        limiter = Limiter(key_func=lambda: "all", storage_uri="redis://cache:6379/0", headers_enabled=True)
        """,
        """\
        from quart_rate_limiter import RateLimiter
        from quart_rate_limiter.redis_store import RedisStore

        limiter = RateLimiter(key_function=lambda: "all", store=RedisStore("redis://cache:6379/0"))
        """,
    )
    messages = [(f.severity.name, f.message.split(":")[0]) for f in findings]
    assert ("WARNING", "RedisStore connects in before_serving") in messages
    assert ("INFO", "dropped `headers_enabled`") in messages


def test_config_keys():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)
        app.config.from_mapping(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="10/minute")
        app.config["RATELIMIT_ENABLED"] = False
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
        test_config = {"TESTING": True, "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "redis://cache"}
        """,
        """\
        from quart import Quart

        app = Quart(__name__)
        app.config.from_mapping(QUART_RATE_LIMITER_ENABLED=True, RATELIMIT_DEFAULT="10/minute")
        app.config["QUART_RATE_LIMITER_ENABLED"] = False
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
        test_config = {"TESTING": True, "QUART_RATE_LIMITER_ENABLED": False, "RATELIMIT_STORAGE_URI": "redis://cache"}
        """,
    )
    reported = [(f.line, f.severity.name, f.message.split(":")[0]) for f in findings]
    assert reported == [
        (4, "WARNING", "config `RATELIMIT_DEFAULT`"),
        (6, "INFO", "config `RATELIMIT_STORAGE_URI`"),  # the default store anyway
        (7, "WARNING", "config `RATELIMIT_STORAGE_URI`"),  # Redis: a store to pass by hand
    ]


def test_ported_code_is_left_alone():
    assert check_noop(
        """\
        from datetime import timedelta

        from quart import Quart
        from quart_rate_limiter import RateLimiter, rate_exempt, rate_limit

        app = Quart(__name__)
        limiter = RateLimiter(app)


        @app.route("/")
        @rate_limit(5, timedelta(minutes=1))
        async def index():
            return "ok"


        @app.route("/health")
        @rate_exempt
        async def health():
            limiter.init_app(app)
            return "ok"
        """
    ) == []


# --- behaviour: the same requests are refused ------------------------------------------------------

APP = """\
from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def by_user():
    return request.headers.get("X-User") or get_remote_address()


def trusted():
    return request.headers.get("X-Trusted") == "yes"


limiter = Limiter(get_remote_address, default_limits=["3 per minute"])
api = Blueprint("api", __name__, url_prefix="/api")
limiter.limit("4/minute")(api)


@api.route("/items")
def items():
    return "items"


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(test_config or {})
    limiter.init_app(app)

    @app.route("/login", methods=["GET", "POST"])
    @limiter.limit("5 per minute")
    def login():
        return "login"

    @app.route("/page")
    def page():
        return "page"

    @app.route("/health")
    @limiter.exempt
    def health():
        return "ok"

    @app.route("/search")
    @limiter.limit("2 per minute", key_func=by_user, exempt_when=trusted)
    def search():
        return "search"

    app.register_blueprint(api)
    return app
"""

SEQUENCES = [
    ("/login", {}),  # its own 5/minute replaces the default 3/minute
    ("/page", {}),  # the default
    ("/health", {}),  # exempt
    ("/api/items", {}),  # the blueprint's 4/minute
    ("/search", {"X-User": "ada"}),  # counted per user...
    ("/search", {"X-User": "bob"}),
    ("/search", {"X-Trusted": "yes"}),  # ...unless exempt_when says so
]


def _port() -> dict[str, str]:
    _, _, texts = run_rewrite(APP, path="pkg/__init__.py")
    return texts


@pytest.mark.parametrize("config", [None, {"RATELIMIT_ENABLED": False}])
async def test_the_port_refuses_the_requests_flask_limiter_refused(config):
    with loaded({"pkg/__init__.py": APP}) as original, loaded(_port()) as port:
        flask_client = original.create_app(config).test_client()
        quart_client = port.create_app(_quart_config(config)).test_client()
        for path, headers in SEQUENCES:
            before = [flask_client.get(path, headers=headers).status_code for _ in range(7)]
            after = [(await quart_client.get(path, headers=headers)).status_code for _ in range(7)]
            assert after == before, path
            if config is None and path in ("/login", "/page"):
                assert 429 in before  # the comparison covers refusals


def _quart_config(config: dict[str, object] | None) -> dict[str, object] | None:
    """The test config as the port's tests say it (the rewrite renames the key there too)."""
    if config is None:
        return None
    _, _, texts = run_rewrite(f"import flask\n\ntest_config = {config!r}\n", path="settings.py")
    namespace: dict[str, object] = {}
    exec(texts["settings.py"], namespace)
    return namespace["test_config"]  # type: ignore[return-value]


async def test_documented_difference_the_429_and_its_headers():
    with loaded({"pkg/__init__.py": APP}) as original, loaded(_port()) as port:
        flask_client = original.create_app().test_client()
        quart_client = port.create_app().test_client()
        for _ in range(5):
            flask_client.get("/login")
            ok = await quart_client.get("/login")
        before = flask_client.get("/login")
        after = await quart_client.get("/login")
    assert before.status_code == after.status_code == 429
    assert "Retry-After" not in before.headers  # Flask-Limiter: only with headers_enabled
    assert 0 < int(after.headers["Retry-After"]) <= 12  # GCRA: one request back every 60 s / 5
    assert ok.headers["RateLimit-Limit"] == "5" and ok.headers["RateLimit-Remaining"] == "0"
    assert "5 per 1 minute" in before.get_data(as_text=True)
    assert "5 per 1 minute" not in await after.get_data(as_text=True)


def test_app_current_app_is_dropped_as_flask_limiter_ignores_it():
    """``Limiter(app=current_app)`` at import: Flask-Limiter skips the unbound (falsy) proxy;
    quart-rate-limiter would call ``init_app`` on it and fail at import."""
    output, _, _ = run_rewrite(
        """\
        from flask import current_app
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        limiter = Limiter(app=current_app, key_func=get_remote_address)
        """,
        path="utils.py",
    )
    assert "app=current_app" not in output
    assert "RateLimiter(" in output
    namespace: dict[str, object] = {}
    exec(compile(output, "utils.py", "exec"), namespace)  # imports without an app context
