"""F2Q217: WebTest drives the Quart app as it drove the Flask app.

``webtest.TestApp(app)`` calls a WSGI application: ``app(environ, start_response)``. A Quart app
is an ASGI application (``app(scope, receive, send)``), so every request of such a suite fails with
``TypeError: __call__() missing 1 required positional argument: 'send'``. The first argument of
``TestApp(...)`` becomes ``_f2q_wsgi_app(app)``, a generated helper that gives WebTest a WSGI
callable for a Quart app (anything else, a URL or a WSGI app, is passed on as it is):

- each request goes through Quart's test client (no cookie jar of its own: WebTest keeps and sends
  the cookies), run on one event loop in a thread of its own, so a synchronous test and an async one
  (pytest-asyncio's loop running) both can call it;
- the app's startup (``before_serving``, ``while_serving``) runs once on that loop before its first
  request, as a server would run it;
- a view's exception reaches the test, as Flask's did when it propagates exceptions (testing or
  debug, or ``PROPAGATE_EXCEPTIONS``): served through ASGI (``a2wsgi.ASGIMiddleware``, say), Quart
  would answer a 500 traceback page instead.

``testapp.app`` is that callable, and reads through to the Quart app (``testapp.app.config``). The
WSGI environ WebTest builds (method, path, query string, headers, body, ``SCRIPT_NAME``,
``REMOTE_ADDR``, scheme) is what the request carries; a ``HEAD`` answer has no body, as Werkzeug
sends none.

Docs: https://docs.pylonsproject.org/projects/webtest/en/latest/api.html#webtest.app.TestApp and
https://quart.palletsprojects.com/en/latest/how_to_guides/testing.html
"""

from __future__ import annotations

import libcst as cst

from .base import Rule

#: What ``webtest.TestApp`` resolves to (``from webtest import TestApp``, ``webtest.TestApp``).
_TEST_APPS = frozenset({"q:webtest.TestApp", "q:webtest.app.TestApp"})
HELPER = "_f2q_wsgi_app"
HELPER_SOURCE = '''

def _f2q_wsgi_app(app):
    """A Quart app as the WSGI application WebTest calls (anything else as it is): each request goes
    through Quart's test client on an event loop thread of its own, after the app's startup; a
    view's exception reaches the test as Flask's did (added by flask2quart, F2Q217)."""
    import asyncio
    import threading

    from quart import Quart, got_request_exception

    if not isinstance(app, Quart):
        return app
    loop = getattr(_f2q_wsgi_app, "loop", None)
    if loop is None:  # one loop for every app of the suite
        loop = _f2q_wsgi_app.loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="f2q-wsgi-app", daemon=True).start()
    if "f2q_wsgi_app" not in app.extensions:  # as a server would: once, before the first request
        app.extensions["f2q_wsgi_app"] = True
        asyncio.run_coroutine_threadsafe(app.startup(), loop).result()
    served = app.test_client_class(app, use_cookies=False)  # what app.test_client() makes; WebTest keeps the cookies

    async def respond(environ, body):
        headers = [(key[5:].replace("_", "-").title(), value) for key, value in environ.items() if key.startswith("HTTP_")]
        headers += [(key.replace("_", "-").title(), environ[key]) for key in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(key)]
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace") or "/"
        query = environ.get("QUERY_STRING", "")
        remote = environ.get("REMOTE_ADDR")  # none unless WebTest's extra_environ sets it, as in Flask
        scope = {"client": (remote, int(environ.get("REMOTE_PORT") or 0)) if remote else None}
        raised = []

        def keep(sender, exception, **extra):
            raised.append(exception)

        response = None
        with got_request_exception.connected_to(keep, app):
            try:
                response = await served.open(
                    f"{path}?{query}" if query else path, method=environ["REQUEST_METHOD"], headers=headers,
                    data=body, scheme=environ.get("wsgi.url_scheme", "http"), root_path=environ.get("SCRIPT_NAME", ""),
                    http_version=environ.get("SERVER_PROTOCOL", "HTTP/1.1").rpartition("/")[2], scope_base=scope,
                )
            except Exception:
                if not raised:
                    raise
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if raised and (response is None or (propagate if propagate is not None else app.testing or app.debug)):
            raise raised[0]
        data = b"" if environ["REQUEST_METHOD"] == "HEAD" else await response.get_data()
        return response.status, list(response.headers.items()), data

    class Application:
        """The WSGI callable; its other attributes are the app's (a test reads `testapp.app.config`)."""

        def __call__(self, environ, start_response):
            length = environ.get("CONTENT_LENGTH")
            body = environ["wsgi.input"].read(int(length)) if length else b""
            status, headers, data = asyncio.run_coroutine_threadsafe(respond(environ, body), loop).result()
            start_response(status, headers)
            return [data]

        def __getattr__(self, name):
            return getattr(app, name)

    return Application()
'''


class WebTest(Rule):
    code = "F2Q217"
    name = "webtest"

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.wrapped: set[int] = set()  # first arguments already in ``_f2q_wsgi_app(...)``

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == HELPER and node.args:
            self.wrapped.add(id(node))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.value(original.func) not in _TEST_APPS:
            return updated
        first = next((i for i, arg in enumerate(updated.args) if arg.keyword is None or arg.keyword.value == "app"), None)
        if first is None or updated.args[first].star or id(original.args[first].value) in self.wrapped:
            return updated
        arg = updated.args[first]
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        args = list(updated.args)
        args[first] = arg.with_changes(value=cst.Call(func=cst.Name(HELPER), args=[cst.Arg(arg.value)]))
        return updated.with_changes(args=args)
