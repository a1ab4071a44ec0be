"""Ownership decisions of the router, on the scope Hypercorn gives (in-process, no server)."""

from __future__ import annotations

import pytest
from quart import Quart

from flask2quart.shim.router import QuartRouteMatcher


@pytest.fixture
def quart_app():
    app = Quart(__name__)

    @app.route("/x")
    async def x():
        return "x"

    @app.route("/users/<int:user_id>")
    async def user(user_id):
        return "u"

    @app.route("/dir/")
    async def directory():
        return "d"

    return app


def scope(path, method="GET", host="localhost"):
    return {"type": "http", "path": path, "method": method, "headers": [(b"host", host.encode())], "scheme": "http"}


@pytest.mark.parametrize(
    ("path", "method", "side"),
    [
        ("/x", "GET", "quart"),
        ("/x", "HEAD", "quart"),  # HEAD is served by the GET rule
        ("/x", "OPTIONS", "quart"),  # automatic OPTIONS
        ("/x", "DELETE", "flask"),  # not ported: Quart would 405, Flask serves it
        ("/users/3", "GET", "quart"),
        ("/users/abc", "GET", "flask"),  # the converter does not match
        ("/dir", "GET", "quart"),  # Quart's own trailing-slash redirect
        ("/static/app.css", "GET", "flask"),  # Quart's default static route is not ported
        ("/X", "GET", "flask"),  # routes are case-sensitive
        ("/x.", "GET", "flask"),
        ("/x/", "GET", "flask"),
        ("//x", "GET", "quart"),  # Werkzeug merges slashes by redirecting: Quart answers the redirect
        ("/a/../x", "GET", "flask"),  # not normalised by either router: neither serves /x for it
        ("/newsletter", "GET", "flask"),
    ],
)
def test_ownership(quart_app, path, method, side):
    assert QuartRouteMatcher(quart_app).side(scope(path, method)) == side


def test_static_can_be_included(quart_app):
    assert QuartRouteMatcher(quart_app, include_static=True).side(scope("/static/app.css")) == "quart"


def test_prefix_lists_override_and_are_segment_aware(quart_app):
    matcher = QuartRouteMatcher(quart_app, quart_prefixes=["/new"], flask_prefixes=["/x", "/new/old"])
    assert matcher.side(scope("/new/anything")) == "quart"
    assert matcher.side(scope("/new/old/page")) == "flask"  # the longest prefix wins
    assert matcher.side(scope("/newsletter")) == "flask"
    assert matcher.side(scope("/x")) == "flask"


def test_decisions_are_cached_per_method_and_path(quart_app):
    matcher = QuartRouteMatcher(quart_app)
    assert matcher.side(scope("/x")) == "quart"
    assert matcher.side(scope("/x", "DELETE")) == "flask"
    assert len(matcher._cache) == 2
    assert matcher.side(scope("/x")) == "quart"  # from the cache, same answer
    assert len(matcher._cache) == 2


def test_host_matching_maps_key_the_cache_by_host():
    app = Quart(__name__, host_matching=True, static_host="static.example")

    @app.route("/h", host="api.example")
    async def h():
        return "h"

    matcher = QuartRouteMatcher(app)
    assert matcher.side(scope("/h", host="api.example")) == "quart"
    assert matcher.side(scope("/h", host="www.example")) == "flask"
