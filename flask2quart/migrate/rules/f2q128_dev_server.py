"""F2Q128: development servers: ``app.run(...)``, ``run_simple(...)``, ``make_server(...)``.

``app.run`` exists in Quart (on Hypercorn) with other options. Flask starts its reloader only in
debug mode; Quart's ``use_reloader`` defaults to ``True``: ``app.run()`` gets
``use_reloader=<app>.debug`` (or the ``debug=`` value given), as Flask decided. Werkzeug options
Quart has no use for are dropped (``threaded``: Quart serves concurrent requests on its event loop;
``use_debugger``/``use_evalex``: its debug page is its own; ``load_dotenv``); ``ssl_context=(cert,
key)`` becomes ``certfile=``/``keyfile=``. Options that change what is served (``processes``,
``extra_files``, ``ssl_context="adhoc"``, ``**options``) are reported.

``werkzeug.serving.run_simple(host, port, app, ...)`` served the app as WSGI: with the Quart (ASGI)
app every request would fail. With an app it becomes ``app.run(host, port, ...)`` as above; with
anything else (middleware around ``asgi_app``; ``app.wsgi_app`` is served as ``app.asgi_app``) a generated ``_f2q_run_simple`` serves it with
Hypercorn on the same host, port and certificate. ``make_server(host, port, app)`` (a WSGI server
object the code then drives: a live server for tests, ``serve_forever`` in a thread, ``shutdown``)
becomes a generated ``_f2q_make_server`` with the same arguments: its socket is bound at once
(``server.socket``, ``server.port``, port 0 picks a free one, as Werkzeug's), ``serve_forever()``
serves the app with Hypercorn on an event loop of its own in the calling thread, ``shutdown()``
(from another thread) stops it and waits, as Werkzeug's does. Its ``processes``, ``fd`` and
``request_handler`` options have no Hypercorn form here: reported.
WSGI entry modules (``application = create_app()``) need no change: Hypercorn serves the same
object (F2Q402 moves the commands that start them). Calling the app as a WSGI callable
(``app(environ, start_response)``, a test driving it by hand; also an app imported from another module
or re-exported by a package) becomes ``_f2q_wsgi_call(app, environ, start_response)``, a generated
adapter: the environ as an ASGI scope and body, one request through the app on an event loop of its
own (in a worker thread when the caller is already inside one), ``start_response`` called with the
status and headers the app sent, and the body chunks returned as the app sent them (a ``bytearray``
stays one, so a test checking the types still checks the app).

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/deployment.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

HELPER = "_f2q_run_simple"
HELPER_SOURCE = '''

def _f2q_run_simple(hostname, port, application, use_reloader=False, ssl_context=None, **options):
    """werkzeug.serving.run_simple for an ASGI application, served by Hypercorn (added by
    flask2quart, F2Q128). Werkzeug-only options (threaded, use_debugger...) do not apply."""
    import asyncio

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{hostname}:{port}"]
    if isinstance(ssl_context, tuple):
        config.certfile, config.keyfile = ssl_context
    asyncio.run(serve(application, config))
'''

WSGI_CALL = "_f2q_wsgi_call"
WSGI_CALL_SOURCE = '''

def _f2q_wsgi_call(app, environ, start_response):
    """The ASGI app called as Flask's WSGI app was, `app(environ, start_response)` (added by
    flask2quart, F2Q128): one request, run on an event loop of its own (in a worker thread when
    the caller is inside one); returns the body chunks as the app sent them."""
    import asyncio
    import threading

    from werkzeug.http import HTTP_STATUS_CODES

    length = environ.get("CONTENT_LENGTH") or ""
    body = environ["wsgi.input"].read(int(length)) if length.isdigit() and "wsgi.input" in environ else b""
    headers = [
        ((key[5:] if key.startswith("HTTP_") else key).replace("_", "-").lower().encode("latin-1"), str(value).encode("latin-1"))
        for key, value in environ.items()
        if (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")) and value != ""
    ]
    root_path = environ.get("SCRIPT_NAME", "")
    path = root_path + environ.get("PATH_INFO", "/")
    scope = {
        "type": "http", "asgi": {"version": "3.0"},
        "http_version": environ.get("SERVER_PROTOCOL", "HTTP/1.1").partition("/")[2] or "1.1",
        "method": environ.get("REQUEST_METHOD", "GET"), "scheme": environ.get("wsgi.url_scheme", "http"),
        "path": path.encode("latin-1").decode("utf-8", "replace"), "raw_path": path.encode("latin-1"),
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"), "root_path": root_path,
        "headers": headers, "client": (environ.get("REMOTE_ADDR", ""), int(environ.get("REMOTE_PORT") or 0)),
        "server": (environ.get("SERVER_NAME", "localhost"), int(environ.get("SERVER_PORT") or 80)),
    }
    answer = {"chunks": []}

    async def receive():
        done = answer.setdefault("done", asyncio.Event())
        if answer.get("sent_body"):
            await done.wait()  # the client goes once the whole answer is sent
            return {"type": "http.disconnect"}
        answer["sent_body"] = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            answer.setdefault("done", asyncio.Event()).set()
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = [  # ASGI names are lower case: WSGI apps sent them capitalised
                ("-".join(part.capitalize() for part in k.decode("latin-1").split("-")), v.decode("latin-1"))
                for k, v in message.get("headers", [])
            ]
        elif message["type"] == "http.response.body" and message.get("body"):
            answer["chunks"].append(message["body"])

    def run():
        try:
            asyncio.run(app(scope, receive, send))
        except BaseException as error:  # handed to the caller's thread
            answer["error"] = error

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        run()
    else:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    if "error" in answer:
        raise answer["error"]
    status = answer["status"]
    start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}", answer["headers"])
    return answer["chunks"]
'''

MAKE_SERVER = "_f2q_make_server"
MAKE_SERVER_SOURCE = '''

def _f2q_make_server(host, port, app, threaded=False, processes=1, request_handler=None,
                     passthrough_errors=False, ssl_context=None, fd=None):
    """werkzeug.serving.make_server for an ASGI application (added by flask2quart, F2Q128): the
    socket is bound at once (`socket`, `port`); `serve_forever()` serves the app with Hypercorn on an
    event loop of its own in the calling thread; `shutdown()`, from another thread, stops it and
    waits. Werkzeug-only options (threaded, passthrough_errors) do not apply."""
    import asyncio
    import os
    import socket
    import threading

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    class Server:
        def __init__(self):
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            self.socket = socket.socket(family, socket.SOCK_STREAM)
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind((host, port))
            self.socket.listen(128)  # as Werkzeug's: connections wait until serve_forever accepts them
            self.server_address = self.socket.getsockname()[:2]
            self.host, self.port = host, self.server_address[1]
            self.app = app
            self._loop = self._stop = None
            self._started = threading.Event()
            self._done = threading.Event()

        def serve_forever(self, poll_interval=0.5):
            config = Config()
            config.bind = [f"fd://{os.dup(self.socket.fileno())}"]
            if isinstance(ssl_context, tuple):
                config.certfile, config.keyfile = ssl_context
            config.accesslog = config.errorlog = None

            async def main():
                self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
                self._started.set()
                await serve(self.app, config, shutdown_trigger=self._stop.wait)

            try:
                asyncio.run(main())
            finally:
                self._started.set()
                self._done.set()

        def shutdown(self):
            self._started.wait()
            if self._loop is not None and not self._done.is_set():
                self._loop.call_soon_threadsafe(self._stop.set)
            self._done.wait()

        def server_close(self):
            self.socket.close()

    return Server()
'''
#: make_server options with no form in the generated server.
_MAKE_SERVER_REPORTED = {
    "processes": "the generated server runs one process: use `hypercorn --workers N`",
    "fd": "serve an inherited socket with Hypercorn's `fd://` bind",
    "request_handler": "Hypercorn has no request handler class: write ASGI middleware instead",
}

RUN_SIMPLE = frozenset({"q:werkzeug.serving.run_simple", "q:werkzeug.run_simple"})
_MAKE_SERVER = frozenset({"q:werkzeug.serving.make_server"})
#: Werkzeug functions serving the app they are handed (``app.wsgi_app`` there becomes ``asgi_app``).
WSGI_SERVERS = RUN_SIMPLE | _MAKE_SERVER
#: Werkzeug options with nothing to do under Quart.
_DROPPED = frozenset({"threaded", "use_debugger", "use_evalex", "load_dotenv", "passthrough_errors", "reloader_interval",
                      "reloader_type", "request_handler"})
#: Werkzeug options that change what is served: reported.
_REPORTED = {
    "processes": "Quart's dev server runs one process: use `hypercorn --workers N`",
    "extra_files": "Quart's reloader watches the loaded modules only",
    "exclude_patterns": "Quart's reloader watches the loaded modules only",
    "static_files": "serve these files with a Quart route or `send_from_directory`",
}
_SIMPLE = (cst.Name, cst.Attribute, cst.Integer, cst.SimpleString)


def _arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value, keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=comma if i < len(args) - 1 else cst.MaybeSentinel.DEFAULT) for i, a in enumerate(args)]


class DevServer(Rule):
    code = "F2Q128"
    name = "dev-server"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if func in _MAKE_SERVER:
            return self._make_server(original, updated)
        if func in RUN_SIMPLE:
            return self._run_simple(original, updated)
        if self.ctx.value(updated.func) == V.APP and len(updated.args) == 2 and not any(a.keyword or a.star for a in updated.args):
            self.ctx.add_helper(WSGI_CALL, WSGI_CALL_SOURCE)
            self.changed()
            app = updated.func.with_changes(lpar=[], rpar=[]) if isinstance(updated.func, (cst.Name, cst.Attribute)) else updated.func
            first = cst.Arg(app, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            return updated.with_changes(func=cst.Name(WSGI_CALL), args=[first, *updated.args])
        if (
            isinstance(updated.func, cst.Attribute)
            and updated.func.attr.value == "run"
            and self.ctx.value(updated.func.value) == V.APP
        ):
            return self._app_run(original, updated, updated.func.value, list(updated.args))
        return updated

    def _run_simple(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        args = list(updated.args)
        positional = [a for a in args if a.keyword is None and not a.star]
        app_arg = positional[2] if len(positional) >= 3 else next(
            (a for a in args if a.keyword is not None and a.keyword.value == "application"), None
        )
        if app_arg is None or any(a.star for a in args):
            return updated
        if self.ctx.value(app_arg.value) == V.APP and isinstance(app_arg.value, _SIMPLE):
            names = ("hostname", "port")
            rest = [_arg({"hostname": "host"}.get(a.keyword.value, a.keyword.value), a.value) if a.keyword else a
                    for a in args if a is not app_arg]
            rest = [_arg(names[i], a.value) if a.keyword is None and i < 2 else a for i, a in enumerate(rest)]
            rest = [_arg("host", a.value) if a.keyword is not None and a.keyword.value == "hostname" else a for a in rest]
            if not any(a.keyword is not None and a.keyword.value == "use_reloader" for a in rest):
                rest.append(_arg("use_reloader", cst.Name("False")))  # run_simple's default
            return self._app_run(original, updated, app_arg.value, rest, run_simple=True)
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        for arg in args:
            if arg.keyword is not None and arg.keyword.value in _REPORTED:
                self._report_option(original, arg.keyword.value)
        served = app_arg.value
        if isinstance(served, cst.Attribute) and served.attr.value == "wsgi_app" and self.ctx.value(served.value) == V.APP:
            # the middleware F2Q120 moved onto ``asgi_app`` is what Werkzeug served
            args = [a.with_changes(value=served.with_changes(attr=cst.Name("asgi_app"))) if a is app_arg else a for a in args]
        return updated.with_changes(func=cst.Name(HELPER), args=args)

    def _make_server(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        args = list(updated.args)
        if any(a.star for a in args):
            self.ctx.report(
                original, self.code, "werkzeug's `make_server` serves WSGI and the Quart app is ASGI (every request "
                "would fail): serve it with Hypercorn, `await hypercorn.asyncio.serve(app, config, "
                "shutdown_trigger=event.wait)` (in a thread with its own event loop for a live-server test)",
                Severity.ERROR,
            )
            return updated
        positional = [a for a in args if a.keyword is None]
        for index, arg in enumerate(args):
            key = arg.keyword.value if arg.keyword is not None else (
                ("host", "port", "app", "threaded", "processes", "request_handler")[index] if index < 6 else None
            )
            if key in _MAKE_SERVER_REPORTED and not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                self.ctx.report(original, self.code, f"`{key}=` has no form in the generated server: "
                                f"{_MAKE_SERVER_REPORTED[key]}", Severity.WARNING)
        app_arg = positional[2] if len(positional) >= 3 else next(
            (a for a in args if a.keyword is not None and a.keyword.value == "app"), None
        )
        if app_arg is not None:
            served = app_arg.value
            if isinstance(served, cst.Attribute) and served.attr.value == "wsgi_app" and self.ctx.value(served.value) == V.APP:
                args = [a.with_changes(value=served.with_changes(attr=cst.Name("asgi_app"))) if a is app_arg else a for a in args]
        self.ctx.add_helper(MAKE_SERVER, MAKE_SERVER_SOURCE)
        self.changed()
        return updated.with_changes(func=cst.Name(MAKE_SERVER), args=args)

    def _report_option(self, node: cst.CSTNode, option: str) -> None:
        self.ctx.report(node, self.code, f"`{option}=` has no Quart form: {_REPORTED[option]}", Severity.WARNING)

    def _app_run(
        self, original: cst.Call, updated: cst.Call, app: cst.BaseExpression, args: list[cst.Arg], run_simple: bool = False
    ) -> cst.Call:
        kept: list[cst.Arg] = []
        debug: cst.BaseExpression | None = None
        reloader = False
        for index, arg in enumerate(args):
            key = arg.keyword.value if arg.keyword is not None else None
            if arg.star:
                self.ctx.report(
                    original, self.code, "Flask passes these options to werkzeug's run_simple, Quart's `run` takes "
                    "host, port, debug, use_reloader, ca_certs, certfile and keyfile: check what is passed",
                    Severity.WARNING,
                )
                kept.append(arg)
                continue
            if key is None and index == 2 and not run_simple:
                key, arg = "debug", _arg("debug", arg.value)  # app.run(host, port, debug)
            if key is None or key in ("host", "port", "use_reloader"):
                reloader |= key == "use_reloader"
                kept.append(arg)
            elif key == "debug":
                debug = arg.value
                kept.append(arg)
            elif key == "use_debugger" and run_simple:
                kept.append(_arg("debug", arg.value))
            elif key in _DROPPED:
                continue
            elif key == "ssl_context" and isinstance(arg.value, cst.Tuple) and len(arg.value.elements) == 2:
                kept.append(_arg("certfile", arg.value.elements[0].value))
                kept.append(_arg("keyfile", arg.value.elements[1].value))
            elif key == "ssl_context":
                self.ctx.report(
                    original, self.code, "`ssl_context=` other than a (cert, key) pair (`\"adhoc\"`, an SSLContext) "
                    "has no Quart form: pass `certfile=` and `keyfile=`", Severity.ERROR,
                )
                kept.append(arg)
            elif key in _REPORTED:
                self._report_option(original, key)
            else:
                kept.append(arg)
        if not reloader:
            # Flask reloads only in debug mode; Quart's use_reloader defaults to True
            if debug is None and not isinstance(app, (cst.Name, cst.Attribute)):
                self.ctx.report(
                    original, self.code, "Quart's `run` starts its reloader unless `use_reloader=False` (Flask's "
                    "only in debug mode): pass `use_reloader=` as this app's debug setting", Severity.WARNING,
                )
            elif debug is None:
                kept.append(_arg("use_reloader", cst.Attribute(value=app, attr=cst.Name("debug"))))
            elif isinstance(debug, _SIMPLE):
                kept.append(_arg("use_reloader", debug))
            else:
                kept.append(_arg("use_reloader", cst.Call(func=cst.Name("bool"), args=[cst.Arg(debug)])))
        result = cst.Call(func=cst.Attribute(value=app, attr=cst.Name("run")), args=_commas(kept),
                          lpar=updated.lpar, rpar=updated.rpar)
        if result.deep_equals(updated):
            return updated
        self.changed()
        return result
