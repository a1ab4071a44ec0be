"""F2Q323: Flask-Caching uses are reported with their aiocache form (never rewritten)."""

from __future__ import annotations

from flask2quart.findings import Finding
from tests.helpers import check_noop

ONLY = ("F2Q323",)

APP = """\
from flask import Flask

from app.extensions import cache

app = Flask(__name__)
cache.init_app(app)


@app.route("/")
@cache.cached(timeout=60, query_string=True)
def index():
    hits = cache.get("hits") or 0
    cache.set("hits", hits + 1, timeout=300)
    cache.delete_memoized(total, 3)
    return str(hits)


@app.route("/page")
@cache.cached()
def page():
    return "page"


@cache.memoize(50)
def total(x):
    return x


def not_the_cache(cache):
    return cache.get("x")
"""


def sites(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(f.line, f.severity.value) for f in findings if f.code == "F2Q323" and f.path == "app/views.py"]


def test_every_use_is_reported_with_its_aiocache_form() -> None:
    findings = check_noop(
        APP,
        path="app/views.py",
        files={"app/__init__.py": "", "app/extensions.py": "from flask_caching import Cache\n\ncache = Cache()\n"},
        select=ONLY,
    )
    assert sites(findings) == [
        (6, "error"),  # init_app
        (10, "error"),  # @cache.cached
        (12, "warning"),
        (13, "warning"),
        (14, "warning"),
        (19, "error"),
        (24, "error"),  # @cache.memoize
    ]  # a parameter called ``cache`` (line 30) is not the extension
    by_line = {f.line: f.message for f in findings if f.path == "app/views.py"}
    assert "`cached_view(ttl=60)`" in by_line[10] and "`request.full_path`" in by_line[10]
    assert "`cached_view(ttl=CACHE_DEFAULT_TIMEOUT)`" in by_line[19] and "`request.path`" in by_line[19]
    assert "`await cache.get(key)`" in by_line[12]
    assert "`await cache.set(key, value, ttl=seconds)`" in by_line[13]
    assert "no `delete_memoized`" in by_line[14]
    assert "`@cached(ttl=50)`" in by_line[24]
    extension = [(f.line, f.severity.value) for f in findings if f.path == "app/extensions.py"]
    assert extension == [(1, "warning"), (3, "error")]
    assert all("docs/extensions.md#flask-caching" in f.message for f in findings)


def test_module_alias_and_a_project_without_flask_caching() -> None:
    findings = check_noop(
        """\
        import flask_caching as fc
        from flask import Flask

        app = Flask(__name__)
        store = fc.Cache(app, config={"CACHE_TYPE": "SimpleCache"})
        store.clear()
        """,
        select=ONLY,
    )
    assert [(f.line, f.severity.value) for f in findings] == [(1, "warning"), (5, "error"), (6, "warning")]
    plain = check_noop(
        """\
        from functools import lru_cache

        from flask import Flask

        app = Flask(__name__)
        cache = {}


        @lru_cache
        def f():
            cache.get("x")
        """,
        select=ONLY,
    )
    assert plain == []
