"""Which side serves a request: Quart when its own router would, Flask otherwise.

Matching uses the Quart app's ``url_map`` on the very path Quart itself will route (the ASGI
``scope["path"]``), so a request reaches the side whose router serves it and its ``before_request``
guards: ``//x``, ``/a/../x``, ``%2e%2e`` or encoded slashes cannot sneak a request past the side that
owns the route, because there is no second normalisation here to disagree with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

Side = Literal["quart", "flask"]
CACHE_SIZE = 4096


def _normalise_prefixes(prefixes: Iterable[str]) -> tuple[str, ...]:
    return tuple("/" + p.strip("/") if p.strip("/") else "/" for p in prefixes)


def _under(path: str, prefix: str) -> bool:
    """Segment-aware: ``/new`` owns ``/new`` and ``/new/x``, never ``/newsletter``."""
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


class QuartRouteMatcher:
    """Decides ownership of an HTTP scope from a Quart app's URL map (and optional prefix lists)."""

    def __init__(
        self,
        quart_app: Any,
        *,
        include_static: bool = False,
        quart_prefixes: Iterable[str] = (),
        flask_prefixes: Iterable[str] = (),
    ) -> None:
        self.url_map = quart_app.url_map
        self.include_static = include_static
        # Decisions depend on method and path only, unless rules match hosts or subdomains: then
        # the host is part of the key. Bounded: cleared when full (paths with variables vary).
        self._host_dependent = bool(self.url_map.host_matching) or any(
            rule.subdomain for rule in self.url_map.iter_rules()
        )
        self._cache: dict[tuple[str, str, str, str], Side] = {}
        self.quart_prefixes = _normalise_prefixes(quart_prefixes)
        self.flask_prefixes = _normalise_prefixes(flask_prefixes)

    def side(self, scope: dict[str, Any]) -> Side:
        path: str = scope["path"]
        key = (
            scope.get("method", "GET"),
            scope.get("root_path", ""),
            path,
            _host(scope) if self._host_dependent else "",
        )
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        side = self._decide(scope, path)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = side
        return side

    def _decide(self, scope: dict[str, Any], path: str) -> Side:
        # Explicit lists first, longest prefix wins.
        best: tuple[int, Side] | None = None
        for prefix in self.quart_prefixes:
            if _under(path, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), "quart")
        for prefix in self.flask_prefixes:
            if _under(path, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), "flask")
        if best is not None:
            return best[1]
        return "quart" if self._quart_routes(scope, path) else "flask"

    def _quart_routes(self, scope: dict[str, Any], path: str) -> bool:
        host = _host(scope)
        adapter = self.url_map.bind(
            host,
            script_name=scope.get("root_path") or "/",
            url_scheme=scope.get("scheme", "http"),
            default_method=scope.get("method", "GET"),
        )
        try:
            endpoint, _ = adapter.match(path, method=scope.get("method", "GET"))
        except RequestRedirect:
            return True  # Quart's own trailing-slash redirect: the route is Quart's
        except (NotFound, MethodNotAllowed):
            return False  # GET /x ported, DELETE /x not: Flask still serves it
        return self.include_static or endpoint != "static"


def _host(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return value.decode("latin-1")
    server = scope.get("server")
    if server:
        host, port = server[0], server[1]
        return host if port in (None, 80, 443) else f"{host}:{port}"
    return "localhost"
