"""F2Q120: WSGI middleware on ``app.wsgi_app`` moved to ASGI middleware on ``app.asgi_app``.

A Quart app has no ``wsgi_app``: ``app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)`` raises
``AttributeError`` when the module is imported. The statement becomes its ASGI counterpart, with
a small class written into the module that does what the WSGI middleware did:

* Werkzeug's ``ProxyFix(app, x_for, x_proto, x_host, x_port, x_prefix)`` -> ``ProxyFixASGI`` with
  the same arguments and Werkzeug's exact rules (the last ``N``-th value of each
  ``X-Forwarded-*`` header, each header with its own count). Hypercorn's ``ProxyFixMiddleware``
  has one ``trusted_hops`` for ``X-Forwarded-For``, ``-Proto`` *and* ``-Host``: Werkzeug's default
  ``x_host=0`` (the host header is not trusted) cannot be said with it, and ``x_port``/``x_prefix``
  do not exist there, so it is not used.
* Werkzeug's ``DispatcherMiddleware(default, {prefix: app})`` -> ``DispatcherASGI`` with the same
  arguments: Werkzeug's matching (the longest mount that is a whole path-segment prefix), the
  mount's prefix added to ``root_path`` (``SCRIPT_NAME``); ``X.wsgi_app`` mounts become
  ``X.asgi_app`` and any other (WSGI) mount runs through Hypercorn's ``AsyncioWSGIMiddleware``.
  Hypercorn's own dispatcher matches plain string prefixes in dict order and has no default app.
  Lifespan events go to the ASGI mounts (Quart's ``before_serving`` still runs).
* Any other middleware (the project's own, or a Werkzeug one) -> ``WSGIMiddlewareASGI``: each
  request's scope is shown to the middleware as a WSGI environ; what it changes there goes back
  into the scope (headers, ``REMOTE_ADDR``, ``wsgi.url_scheme``, ``SCRIPT_NAME``/``PATH_INFO``,
  ``QUERY_STRING``, ``REQUEST_METHOD``; its own keys are set in the scope, read by the app as
  ``request.scope[key]``), what it changes through ``start_response`` goes into the response, and
  a response it makes itself without calling the app is sent. A middleware that wraps or reads the
  body is not covered: the request then fails with a ``RuntimeError`` that says so, and the
  finding asks for an ASGI port. A class of the module whose ``__call__`` never reads
  ``wsgi.input`` and returns only the next app's answer as it is or a list of its own is covered
  whole: said as INFO.
* A middleware built from the app itself (``app.wsgi_app = Prefixed(app)``, reading
  ``app.wsgi_app`` and ``app.config`` inside) runs through the same adapter, given a generated
  ``WsgiAppView(app, wsgi_app)``: its ``wsgi_app`` (and calling it) is the adapter's next step,
  everything else is the Quart app's.

Docs: https://werkzeug.palletsprojects.com/en/stable/middleware/ ,
https://hypercorn.readthedocs.io/en/latest/how_to_guides/wsgi_apps.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

_PROXY_FIX = frozenset({"werkzeug.middleware.proxy_fix.ProxyFix", "werkzeug.contrib.fixers.ProxyFix"})
_DISPATCHER = frozenset({"werkzeug.middleware.dispatcher.DispatcherMiddleware", "werkzeug.wsgi.DispatcherMiddleware"})
_WERKZEUG_BODY = {  # Werkzeug middlewares that read or replace the body: the adapter cannot run them
    "werkzeug.middleware.profiler.ProfilerMiddleware": "profile with an ASGI profiler instead "
    "(e.g. pyinstrument around `app.asgi_app`) or remove it",
    "werkzeug.middleware.lint.LintMiddleware": "remove it (it checks WSGI conformance)",
    "werkzeug.middleware.http_proxy.ProxyMiddleware": "proxy with an ASGI proxy or from the front server",
}

PROXY_FIX = "ProxyFixASGI"
PROXY_FIX_SOURCE = '''

class ProxyFixASGI:
    """Werkzeug's ProxyFix as ASGI middleware, same arguments and rules: the value ``x_*`` hops from
    the end of each X-Forwarded-* header is trusted (added by flask2quart, F2Q120)."""

    def __init__(self, app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0):
        self.app = app
        self.x_for, self.x_proto, self.x_host, self.x_port, self.x_prefix = x_for, x_proto, x_host, x_port, x_prefix

    @staticmethod
    def _value(trusted, headers, name):
        from werkzeug.http import parse_list_header

        value = ", ".join(v.decode("latin-1") for k, v in headers if k.lower() == name)
        if not (trusted and value):
            return None
        values = parse_list_header(value)
        return values[-trusted] if len(values) >= trusted else None

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        scope = dict(scope)
        headers = list(scope["headers"])
        x_for = self._value(self.x_for, headers, b"x-forwarded-for")
        if x_for:
            scope["client"] = (x_for, (scope.get("client") or ("", 0))[1])
        x_proto = self._value(self.x_proto, headers, b"x-forwarded-proto")
        if x_proto:
            scope["scheme"] = x_proto
        host = next((v.decode("latin-1") for k, v in headers if k.lower() == b"host"), None)
        x_host = self._value(self.x_host, headers, b"x-forwarded-host")
        if x_host:
            host = x_host
        x_port = self._value(self.x_port, headers, b"x-forwarded-port")
        if x_port and host:
            if ":" in host and not host.endswith("]"):
                host = host.rsplit(":", 1)[0]
            host = f"{host}:{x_port}"
        if x_host or (x_port and host):
            headers = [(k, v) for k, v in headers if k.lower() != b"host"] + [(b"host", host.encode("latin-1"))]
            scope["headers"] = headers
        x_prefix = self._value(self.x_prefix, headers, b"x-forwarded-prefix")
        if x_prefix:
            root_path = scope.get("root_path", "")
            path = scope["path"][len(root_path):] if scope["path"].startswith(root_path) else scope["path"]
            scope["root_path"], scope["path"] = x_prefix, x_prefix + path
            scope["raw_path"] = scope["path"].encode("utf-8")
        return await self.app(scope, receive, send)
'''

DISPATCHER = "DispatcherASGI"
DISPATCHER_SOURCE = '''

class DispatcherASGI:
    """Werkzeug's DispatcherMiddleware for ASGI: the longest mount that is a whole-segment prefix of
    the path takes the request, its prefix is added to root_path; WSGI apps run through Hypercorn's
    AsyncioWSGIMiddleware; lifespan events go to the ASGI apps (added by flask2quart, F2Q120)."""

    def __init__(self, app, mounts=None):
        self.app = self._asgi(app)
        self.mounts = {prefix: self._asgi(mounted) for prefix, mounted in (mounts or {}).items()}

    @staticmethod
    def _asgi(app):
        import inspect

        from hypercorn.middleware import AsyncioWSGIMiddleware

        if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(getattr(app, "__call__", None)):
            return app
        return AsyncioWSGIMiddleware(app)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            from hypercorn.middleware import AsyncioWSGIMiddleware
            from hypercorn.middleware.dispatcher import AsyncioDispatcherMiddleware

            apps = [a for a in (self.app, *self.mounts.values()) if not isinstance(a, AsyncioWSGIMiddleware)]
            if len(apps) == 1:
                return await apps[0](scope, receive, send)
            return await AsyncioDispatcherMiddleware({str(i): a for i, a in enumerate(apps)})(scope, receive, send)
        root_path = scope.get("root_path", "")
        full = scope["path"]
        script = full[len(root_path):] if root_path and full.startswith(root_path) else full
        while "/" in script:
            if script in self.mounts:
                app = self.mounts[script]
                break
            script = script.rsplit("/", 1)[0]
        else:
            app = self.mounts.get(script, self.app)
        return await app({**scope, "root_path": root_path + script}, receive, send)
'''

ADAPTER = "WSGIMiddlewareASGI"
ADAPTER_SOURCE = '''

class WSGIMiddlewareASGI:
    """Runs a WSGI middleware that edits the environ or the response headers around an ASGI app
    (added by flask2quart, F2Q120). ``factory(wsgi_app)`` builds the middleware once; on each
    request it sees the scope as a WSGI environ, and its edits are applied to the scope and to the
    response. A middleware that answers itself is served; one that wraps the body is not supported."""

    def __init__(self, app, factory):
        self.app = app
        self.middleware = factory(self._inner)

    @staticmethod
    def _inner(environ, start_response):
        environ["flask2quart.called"] = (environ, start_response)
        return environ["flask2quart.sentinel"]

    @staticmethod
    def _environ(scope):
        import sys
        from urllib.parse import urlsplit

        root_path = scope.get("root_path", "")
        path = scope["path"] if scope["path"].startswith("/") else urlsplit(scope["path"]).path  # as Quart reads it
        path = path[len(root_path):] if path.startswith(root_path) else path
        server = scope.get("server") or ("localhost", 80)
        environ = {
            "REQUEST_METHOD": scope.get("method", "GET"), "SCRIPT_NAME": root_path, "PATH_INFO": path,
            "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
            "SERVER_NAME": server[0], "SERVER_PORT": str(server[1]),
            "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
            "REMOTE_ADDR": (scope.get("client") or ("", 0))[0], "wsgi.url_scheme": scope.get("scheme", "http"),
            "wsgi.version": (1, 0), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        for name, value in scope["headers"]:
            key = name.decode("latin-1").upper().replace("-", "_")
            key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
            value = value.decode("latin-1")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    @staticmethod
    def _scope(scope, before, environ):
        scope = dict(scope)
        headers = [
            (key[5:].replace("_", "-").lower().encode("latin-1") if key.startswith("HTTP_") else
             key.replace("_", "-").lower().encode("latin-1"), str(value).encode("latin-1"))
            for key, value in environ.items()
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
        ]
        if [k for k in before if k.startswith("HTTP_") or k.startswith("CONTENT_")] != [
            k for k in environ if k.startswith("HTTP_") or k.startswith("CONTENT_")
        ] or any(before.get(k) != environ.get(k) for k in environ if k.startswith(("HTTP_", "CONTENT_"))):
            scope["headers"] = headers
        if environ.get("REMOTE_ADDR") != before["REMOTE_ADDR"]:
            scope["client"] = (environ.get("REMOTE_ADDR"), (scope.get("client") or ("", 0))[1])
        if environ.get("wsgi.url_scheme") != before["wsgi.url_scheme"]:
            scope["scheme"] = environ["wsgi.url_scheme"]
        if environ.get("REQUEST_METHOD") != before["REQUEST_METHOD"]:
            scope["method"] = environ["REQUEST_METHOD"]
        if environ.get("QUERY_STRING", "") != before["QUERY_STRING"]:
            scope["query_string"] = environ.get("QUERY_STRING", "").encode("latin-1")
        if (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")) != (before["SCRIPT_NAME"], before["PATH_INFO"]):
            # as Werkzeug reads them: the root without its trailing "/", the path with one leading
            # "/" (Quart answers 404 to a path equal to its root; an empty PATH_INFO reaches the
            # root's rule, which Werkzeug only redirects to when that rule has strict slashes)
            scope["root_path"] = environ.get("SCRIPT_NAME", "").rstrip("/")
            scope["path"] = scope["root_path"] + "/" + environ.get("PATH_INFO", "").lstrip("/")
            scope["raw_path"] = scope["path"].encode("utf-8")
        if (environ.get("SERVER_NAME"), environ.get("SERVER_PORT")) != (before["SERVER_NAME"], before["SERVER_PORT"]):
            scope["server"] = (environ.get("SERVER_NAME"), int(environ.get("SERVER_PORT") or 0))
        for key, value in environ.items():
            if key not in before and key.upper() != key and not key.startswith(("wsgi.", "flask2quart.")):
                scope[key] = value
        return scope

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        environ = self._environ(scope)
        before = dict(environ)
        sentinel = environ["flask2quart.sentinel"] = [b""]
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        result = self.middleware(environ, start_response)
        if "flask2quart.called" not in environ:  # the middleware answered without the app
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
            await send({"type": "http.response.start", "status": int(answer["status"].split(" ", 1)[0]),
                        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer["headers"]]})
            return await send({"type": "http.response.body", "body": body, "more_body": False})
        seen, wrapped = environ.pop("flask2quart.called")
        if result is not sentinel:
            raise RuntimeError(f"{type(self.middleware).__name__} wraps the response body: port it to ASGI")
        seen.pop("flask2quart.sentinel", None)
        inner_scope = self._scope(scope, before, seen)
        if wrapped is start_response:
            return await self.app(inner_scope, receive, send)

        async def send_edited(message):
            if message["type"] == "http.response.start":
                from werkzeug.http import HTTP_STATUS_CODES

                status = message["status"]
                wrapped(f"{status} {HTTP_STATUS_CODES.get(status, 'unknown').upper()}", [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]])
                message = {**message, "status": int(answer["status"].split(" ", 1)[0]),
                           "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer["headers"]]}
            await send(message)

        return await self.app(inner_scope, receive, send_edited)
'''


APP_VIEW = "WsgiAppView"
APP_VIEW_SOURCE = '''

class WsgiAppView:
    """The app as a WSGI middleware built from it (``Middleware(app)``) sees it (added by flask2quart,
    F2Q120): ``wsgi_app``, and calling it, is the next step of WSGIMiddlewareASGI; anything else
    (``config``...) is the Quart app's."""

    def __init__(self, app, wsgi_app):
        self.__dict__["_app"], self.__dict__["wsgi_app"] = app, wsgi_app

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    def __getattr__(self, name):
        return getattr(self._app, name)
'''


class WsgiMiddleware(Rule):
    code = "F2Q120"
    name = "wsgi-middleware"
    priority = 30

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        #: Module-level classes of this module: ``name -> node`` (a middleware defined here is read).
        self._classes: dict[str, cst.ClassDef] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if len(self.ctx.scopes) == 2 and self.ctx.scopes[0].kind == "module":  # its own scope is entered
            self._classes[node.name.value] = node

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if len(updated.targets) != 1:
            return updated
        target = updated.targets[0].target
        if not (isinstance(target, cst.Attribute) and target.attr.value == "wsgi_app" and _is_app(self.ctx, target.value)):
            return updated
        owner = _code(target.value)
        call = updated.value
        if not isinstance(call, cst.Call):
            self.ctx.report(
                original, self.code, "Quart apps are ASGI: `wsgi_app` is gone, assign ASGI middleware to "
                f"`{owner}.asgi_app` by hand", Severity.ERROR,
            )
            return updated
        wrapped = [i for i, arg in enumerate(call.args) if _is_wsgi_app_of(arg.value, owner)]
        qual = (self.ctx.value(call.func) or "")[2:]
        new_target = target.with_changes(attr=cst.Name("asgi_app"))
        if qual in _DISPATCHER:
            new_call = call.with_changes(
                func=cst.Name(self._helper(DISPATCHER, DISPATCHER_SOURCE)), args=[_to_asgi(a) for a in call.args]
            )
        elif not wrapped and any(_code(a.value) == owner for a in call.args):
            # ``M(app)`` reading ``app.wsgi_app`` itself: it gets a view of the app whose wsgi_app
            # (and call) is the adapter's next step, everything else (``config``...) the app's
            args = [
                a.with_changes(value=cst.parse_expression(f"{self._helper(APP_VIEW, APP_VIEW_SOURCE)}({owner}, wsgi_app)"))
                if _code(a.value) == owner else a
                for a in call.args
            ]
            factory = cst.Lambda(
                params=cst.Parameters(params=[cst.Param(cst.Name("wsgi_app"))]), body=call.with_changes(args=args)
            )
            new_call = cst.Call(
                func=cst.Name(self._helper(ADAPTER, ADAPTER_SOURCE)), args=[cst.Arg(_asgi_of(owner)), cst.Arg(factory)],
            )
            self.ctx.report(
                original, self.code, f"WSGI middleware `{_code(call.func)}` built from the app now runs through the "
                "generated WSGIMiddlewareASGI around `asgi_app` (it sees the app's `wsgi_app` as the next step): its "
                "environ edits reach the request, its start_response edits the response; if it wraps or reads the "
                "body, requests fail with RuntimeError: then write it as ASGI middleware", Severity.WARNING,
            )
        elif not wrapped:
            self.ctx.report(
                original, self.code, f"`{owner}.wsgi_app` is replaced by something that does not wrap it: Quart "
                f"apps are ASGI, assign ASGI middleware to `{owner}.asgi_app` by hand", Severity.ERROR,
            )
            return updated
        elif qual in _PROXY_FIX:
            args = list(call.args)
            args[wrapped[0]] = args[wrapped[0]].with_changes(value=_asgi_of(owner))
            new_call = call.with_changes(func=cst.Name(self._helper(PROXY_FIX, PROXY_FIX_SOURCE)), args=args)
        else:
            args = list(call.args)
            args[wrapped[0]] = args[wrapped[0]].with_changes(value=cst.Name("wsgi_app"))
            factory = cst.Lambda(
                params=cst.Parameters(params=[cst.Param(cst.Name("wsgi_app"))]), body=call.with_changes(args=args)
            )
            new_call = cst.Call(
                func=cst.Name(self._helper(ADAPTER, ADAPTER_SOURCE)),
                args=[cst.Arg(_asgi_of(owner)), cst.Arg(factory)],
            )
            name = _code(call.func)
            if qual in _WERKZEUG_BODY:
                self.ctx.report(
                    original, self.code, f"`{name}` reads or replaces the response body, which the generated "
                    f"WSGIMiddlewareASGI cannot do (each request would fail): {_WERKZEUG_BODY[qual]}", Severity.ERROR,
                )
            elif isinstance(call.func, cst.Name) and _leaves_the_body(self._classes.get(call.func.value)):
                self.ctx.report(
                    original, self.code, f"WSGI middleware `{name}` now runs through the generated "
                    "WSGIMiddlewareASGI around `asgi_app`: it edits the environ and start_response only (its "
                    "own keys as `request.scope[key]`), never the body", Severity.INFO,
                )
            else:
                self.ctx.report(
                    original, self.code, f"WSGI middleware `{name}` now runs through the generated "
                    "WSGIMiddlewareASGI around `asgi_app`: its environ edits reach the request (keys of its own "
                    "as `request.scope[key]`), its start_response edits the response; if it wraps or reads the "
                    "body, requests fail with RuntimeError: then write it as ASGI middleware", Severity.WARNING,
                )
        self.changed()
        return updated.with_changes(targets=[updated.targets[0].with_changes(target=new_target)], value=new_call)

    def _helper(self, name: str, source: str) -> str:
        self.ctx.add_helper(name, source)
        return name


def _leaves_the_body(klass: cst.ClassDef | None) -> bool:
    """A middleware class of this module whose ``__call__(self, environ, start_response)`` never reads
    the request body (no ``wsgi.input``) and returns either the next app's answer as it is
    (``return self.app(environ, start_response)``) or a body of its own (a list or tuple literal):
    all of that the generated adapter carries over."""
    if klass is None:
        return False
    call = next(
        (s for s in klass.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__call__"), None
    )
    if call is None or call.asynchronous is not None or len(call.params.params) != 3:
        return False
    _, environ, start_response = (p.name.value for p in call.params.params)
    checker = _BodyUse(environ, start_response)
    call.visit(checker)
    return checker.plain and "wsgi.input" not in cst.Module([]).code_for_node(klass)


class _BodyUse(cst.CSTVisitor):
    """``plain`` turns False at a ``yield`` or a ``return`` other than the next app's answer as it is
    or a body of its own; a nested function that returns ``start_response(...)`` (headers edited on
    the way) may stand for ``start_response``."""

    def __init__(self, environ: str, start_response: str) -> None:
        self.environ = environ
        self.responders = {start_response}
        self.nested: list[str] = []
        self.plain = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.nested.append(node.name.value)

    def leave_FunctionDef(self, original: cst.FunctionDef) -> None:
        self.nested.pop()

    def visit_Yield(self, node: cst.Yield) -> None:
        self.plain = False

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if len(self.nested) > 1:  # inside ``__call__``'s own nested function
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in self.responders:
                self.responders.add(self.nested[-1])  # a start_response that edits what it is given
            else:
                self.plain = False
            return
        if isinstance(value, (cst.List, cst.Tuple)):
            return  # a body of its own, sent as it is
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and isinstance(value.func.value, cst.Name)
            and value.func.value.value == "self"
            and len(value.args) == 2
            and all(isinstance(a.value, cst.Name) and a.keyword is None and not a.star for a in value.args)
            and value.args[0].value.value == self.environ  # type: ignore[attr-defined]
            and value.args[1].value.value in self.responders  # type: ignore[attr-defined]
        ):
            return  # the next app's answer, passed on untouched
        self.plain = False


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _is_app(ctx: object, node: cst.BaseExpression) -> bool:
    value = ctx.value(node)  # type: ignore[attr-defined]
    if value == V.APP:
        return True
    if not ctx.facts.uses_flask or value not in (None, "k:?"):  # type: ignore[attr-defined]
        return False
    name = node.attr.value if isinstance(node, cst.Attribute) else getattr(node, "value", "")
    return isinstance(name, str) and name in ("app", "application", "flask_app", "current_app", "self")


def _is_wsgi_app_of(node: cst.BaseExpression, owner: str) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "wsgi_app" and _code(node.value) == owner


def _asgi_of(owner: str) -> cst.BaseExpression:
    return cst.parse_expression(f"{owner}.asgi_app")


def _to_asgi(arg: cst.Arg) -> cst.Arg:
    """``X.wsgi_app`` -> ``X.asgi_app`` anywhere in a dispatcher argument (the mounts' dict)."""

    class Swap(cst.CSTTransformer):
        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
            if updated.attr.value == "wsgi_app":
                return updated.with_changes(attr=cst.Name("asgi_app"))
            return updated

    result = arg.visit(Swap())
    assert isinstance(result, cst.Arg)
    return result
