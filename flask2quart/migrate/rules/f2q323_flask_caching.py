"""F2Q323: Flask-Caching is kept through the bridge, its view decorators reported.

With F2Q327 (the default) the cache runs under Quart through the generated ``flask_bridge``
module (``cache.get``/``set``... work): only ``@cache.cached``/``@cache.memoize`` are reported
(ERROR: a sync wrapper around an async function stores the coroutine). Without F2Q327, the
report-only mode below applies.

Flask-Caching fails under Quart: ``@cache.cached``/``@cache.memoize`` wrap the view in a sync
function that reads Flask's ``request`` ("Working outside of request context") and would get the
view's coroutine rather than its response, and the cache object finds its backend through Flask's
``current_app`` unless it was built as ``Cache(app)`` (verified with Flask-Caching 2.5.1 on Quart
0.23.1). There is no quart-caching on PyPI
(reference §5); aiocache (memory, Redis, Memcached) or quart-redis replace it, with an async
decorator of a few lines. Nothing is rewritten; each use site is one finding:

- **ERROR**: ``Cache(...)``, ``cache.init_app(app)``, and each ``@cache.cached(...)`` /
  ``@cache.memoize(...)`` (they wrap views and functions: the timeout becomes ``ttl=``, and the key
  Flask-Caching built, ``view/<request.path>`` or the function's arguments, must be kept);
- **WARNING**: each call of the cache (``cache.get/set/add/delete/get_many/set_many/has/inc/dec/
  clear/delete_memoized``...) with its awaited aiocache spelling, and other names of the extension.

The ``{% cache %}`` Jinja tag of Flask-Caching lives in templates and is not read by this rule.

Docs: https://aiocache.aio-libs.org/en/latest/; recipe: docs/extensions.md#flask-caching
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ._report_extension import CALL, ExtensionReport, Report, Use, is_true, keyword_value

#: Flask-Caching cache methods -> the awaited aiocache call.
_METHODS = {
    "get": "await cache.get(key)",
    "set": "await cache.set(key, value, ttl=seconds)",
    "add": "await cache.add(key, value, ttl=seconds)",
    "delete": "await cache.delete(key)",
    "delete_many": "await cache.delete(key) per key",
    "get_many": "await cache.multi_get(keys)",
    "set_many": "await cache.multi_set(list(mapping.items()), ttl=seconds)",
    "get_dict": "dict(zip(keys, await cache.multi_get(keys)))",
    "has": "await cache.exists(key)",
    "inc": "await cache.increment(key, delta)",
    "dec": "await cache.increment(key, -delta)",
    "clear": "await cache.clear()",
    "unlink": "await cache.delete(key)",
}


class FlaskCaching(ExtensionReport):
    code = "F2Q323"
    name = "flask-caching"
    modules = frozenset({"flask_caching"})
    title = "Flask-Caching"
    anchor = "flask-caching"
    replacement = "aiocache (or quart-redis)"

    def describe(self, use: Use) -> Report | None:
        if self.bridged:
            return self._bridged(use)
        if use.kind == "name" and use.member == "Cache" and use.path[:1] == (CALL,):
            return (
                f"`{use.spelling}`: Flask-Caching fails under Quart (its backends read Flask's `current_app`) and "
                "there is no quart-caching: use aiocache (`Cache(Cache.MEMORY)`, `Cache(Cache.REDIS, "
                "endpoint=..., port=...)`) or quart-redis",
                Severity.ERROR,
            )
        if use.kind == "name":
            return (f"`{use.spelling}` is Flask-Caching's: no aiocache counterpart", Severity.WARNING)
        attrs = use.attrs
        if not attrs or use.kind != "object":
            return None
        method = attrs[0]
        text = f"`{use.spelling}`"
        if method == "init_app":
            return (f"{text}: build the aiocache cache at import time (or in `before_serving` for a shared "
                    "client)", Severity.ERROR)
        if method == "cached":
            return (f"{text}: {_cached(use)}", Severity.ERROR)
        if method == "memoize":
            ttl = _ttl(use.call_after("memoize"))
            return (
                f"{text}: Flask-Caching's sync wrapper would cache the coroutine of an async function: use aiocache "
                f"`@cached(ttl={ttl})` (its default key is the function's arguments, like `memoize`) on an "
                "`async def`",
                Severity.ERROR,
            )
        if method in _METHODS:
            return (
                f"{text}: `{_METHODS[method]}` on the aiocache cache; Flask-Caching's own call only works under "
                "Quart when `Cache(app)` was given the app (otherwise it needs Flask's `current_app`), and a "
                "network backend (Redis, Memcached) blocks the event loop",
                Severity.WARNING,
            )
        if method in ("delete_memoized", "delete_memoized_verhash"):
            return (
                f"{text}: aiocache has no `delete_memoized`: delete the key the decorator built "
                "(`await fn.cache.delete(key)`, or `await fn.cache.clear()`)",
                Severity.WARNING,
            )
        return (f"{text}: no aiocache counterpart", Severity.WARNING)


    def _bridged(self, use: Use) -> Report | None:
        """Under the bridge the cache's calls work; its decorators do not wrap async functions."""
        method = use.attrs[0] if use.kind == "object" and use.attrs else None
        if method not in ("cached", "memoize") or not use.decorator:
            return None
        return (
            f"`{use.spelling}`: Flask-Caching's wrapper is synchronous: on an `async def` it would store the "
            "coroutine, not the result (Quart's views are async): keep the view undecorated and cache by "
            f"hand, `cache.get(key)` / `cache.set(key, value, timeout={_ttl(use.call_after(method))})` (the "
            "cache itself works under Quart through `flask_bridge`)",
            Severity.ERROR,
        )


def _ttl(call: cst.Call | None) -> str:
    """The timeout of ``cached(...)``/``memoize(...)``, as source, for the message."""
    if call is None:
        return "seconds"
    timeout = keyword_value(call, "timeout")
    if timeout is None and call.args and call.args[0].keyword is None:
        timeout = call.args[0].value
    if timeout is None:
        return "CACHE_DEFAULT_TIMEOUT"
    return cst.Module([]).code_for_node(timeout)


def _cached(use: Use) -> str:
    call = use.call_after("cached")
    by_query = is_true(keyword_value(call, "query_string"))
    key = "request.full_path" if by_query else "request.path"
    return (
        "Flask-Caching's sync wrapper reads Flask's `request` (\"Working outside of request context\") and gets "
        f"the view's coroutine, not its response: use an async decorator (the recipe's `cached_view(ttl={_ttl(call)})`, on aiocache) keyed on `{key}` as Flask-Caching "
        "was, under `@app.route`"
    )
