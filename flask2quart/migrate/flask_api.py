"""What Flask and Quart call things: the tables every pass of the rewrite reads.

One place for the facts of ``shared/reference/quart-porting-reference.md`` §1 and §7, so that the
whole-project analysis (``analysis.py``, on :mod:`ast`) and the per-file rules (on LibCST) agree on
what needs an ``await``. Nothing here looks at a tree.
"""

from __future__ import annotations

import re

FLASK_MODULES = frozenset(
    {
        "flask",
        "flask.app",
        "flask.blueprints",
        "flask.cli",
        "flask.config",
        "flask.ctx",
        "flask.globals",
        "flask.helpers",
        "flask.json",
        "flask.json.provider",
        "flask.json.tag",
        "flask.logging",
        "flask.sessions",
        "flask.signals",
        "flask.templating",
        "flask.testing",
        "flask.typing",
        "flask.views",
        "flask.wrappers",
    }
)

#: Flask names whose Quart counterpart is spelt differently (last dotted part only).
RENAMED_NAMES = {
    "Flask": "Quart",
    "FlaskGroup": "QuartGroup",
    "FlaskClient": "QuartClient",
    "FlaskCliRunner": "QuartCliRunner",
}

#: Flask names that have no working Quart counterpart: reported, never rewritten silently.
UNSUPPORTED_NAMES = {
    "request_ctx": "Quart 0.23 has no request context object; use `quart.request`/`quart.g` or the app context",
    "_cv_request": "Quart 0.23 has no request context variable; use `quart.request`",
    "RequestContext": "Quart 0.23 merged RequestContext into AppContext",
    "copy_current_request_context": "returns an async function in Quart; threads cannot call it, use `app.add_background_task`",
    "EnvironBuilder": "Quart's test client has no EnvironBuilder; build the request with `test_client().open(...)`",
}

#: Module-level Flask functions that are coroutine functions in Quart.
ASYNC_FUNCTIONS = frozenset(
    {
        "render_template",
        "render_template_string",
        "stream_template",
        "stream_template_string",
        "flash",
        "make_response",
        "send_file",
        "send_from_directory",
    }
)

#: Names ``from flask import *`` binds that the rewrite cares about.
STAR_NAMES = frozenset(
    {
        "Flask", "Blueprint", "request", "g", "session", "current_app", "abort", "redirect",
        "url_for", "jsonify", "stream_with_context", "Response", "Request", "get_flashed_messages",
    }
) | ASYNC_FUNCTIONS

#: ``request.<name>`` attributes that are awaitables in Quart (async properties).
REQUEST_ASYNC_PROPERTIES = frozenset({"form", "files", "values", "data", "json"})
#: ``request.<name>(...)`` methods that are coroutine functions in Quart.
REQUEST_ASYNC_METHODS = frozenset({"get_json", "get_data", "close"})
#: ``request.<name>`` attributes that do not exist or raise in Quart.
REQUEST_UNSUPPORTED = {
    "stream": "Quart's `request.stream` raises NotImplementedError: iterate `request.body` with `async for`",
    "input_stream": "Quart has no `request.input_stream`: use `await request.body`",
    "environ": "Quart has no WSGI environ: use `request.scope` (ASGI keys differ) or `request.headers`",
}

#: Response accessors: ``resp.<attr>`` -> replacement call, awaited.
RESPONSE_PROPERTY_CALLS = {
    "data": ("get_data", ()),
    "json": ("get_json", ()),
    "text": ("get_data", (("as_text", "True"),)),
}
RESPONSE_ASYNC_METHODS = frozenset(
    {"get_data", "get_json", "make_conditional", "add_etag", "freeze", "make_sequence"}
)

#: App/current_app methods that are coroutine functions in Quart.
APP_ASYNC_METHODS = frozenset(
    {
        "make_response",
        "send_static_file",
        "preprocess_request",
        "process_response",
        "full_dispatch_request",
        "dispatch_request",
        "finalize_request",
        "handle_user_exception",
        "handle_exception",
        "handle_http_exception",
        "make_default_options_response",
        "do_teardown_request",
        "do_teardown_appcontext",
        "update_template_context",
    }
)

#: Those of them whose result is a response (its body reads are awaited too).
APP_RESPONSE_METHODS = frozenset(
    {"make_response", "process_response", "full_dispatch_request", "finalize_request", "handle_exception",
     "make_default_options_response"}
)

#: Test client request methods (awaited in Quart; each returns a response).
CLIENT_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "open"}
)

#: Decorator/registration names on an app or blueprint that register a view.
VIEW_REGISTRARS = frozenset({"route", "get", "post", "put", "patch", "delete"})

#: Hooks Quart runs on the event loop when they are ``async def`` (and in a thread otherwise).
ASYNC_HOOKS = frozenset(
    {
        "before_request",
        "before_app_request",
        "after_request",
        "after_app_request",
        "teardown_request",
        "teardown_app_request",
        "teardown_appcontext",
        "errorhandler",
        "app_errorhandler",
        "register_error_handler",
        "context_processor",
        "app_context_processor",
        "before_serving",
        "after_serving",
    }
)
#: Hooks whose first positional argument is the response.
RESPONSE_HOOKS = frozenset({"after_request", "after_app_request"})

#: Signals whose receivers get the response as ``response=``.
RESPONSE_SIGNALS = frozenset({"request_finished"})

#: Hooks Quart calls without awaiting: they must stay sync (reference §1.7, §2.4).
SYNC_ONLY_HOOKS = frozenset(
    {
        "url_value_preprocessor",
        "app_url_value_preprocessor",
        "url_defaults",
        "app_url_defaults",
        "shell_context_processor",
    }
)

#: Methods of ``MethodView``/``View`` subclasses that Quart dispatches.
METHOD_VIEW_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "dispatch_request"}
)
VIEW_BASES = frozenset(
    {"flask.views.MethodView", "flask.views.View", "quart.views.MethodView", "quart.views.View",
     # a MethodView in the generated restful module (F2Q340): its methods are views in the port
     "flask_restful.Resource", "flask_restx.Resource"}
)

#: Context-manager calls that are async context managers in Quart.
ASYNC_CONTEXT_METHODS = frozenset({"app_context", "test_request_context", "session_transaction"})

#: Calls that block the event loop when they run inside code that became async.
BLOCKING_CALL_PREFIXES = (
    "requests.",
    "urllib.request.urlopen",
    "urllib3.",
    "http.client.",
    "subprocess.",
    "smtplib.",
    "socket.create_connection",
)
BLOCKING_CALLS = frozenset({"os.system", "os.popen"})

#: requests' functions (and ``requests.Session`` methods) that send a request and wait for the
#: answer: F2Q117 runs them in a worker thread or through an async client.
HTTP_CALL_NAMES = frozenset({"request", "get", "options", "head", "post", "put", "patch", "delete"})
HTTP_SESSION_METHODS = HTTP_CALL_NAMES | {"send"}
#: What makes a ``requests.Session``.
HTTP_SESSION_FACTORIES = frozenset(
    {"requests.Session", "requests.session", "requests.sessions.Session", "requests.sessions.session"}
)
#: Blocking HTTP calls of the standard library that F2Q117 runs in a worker thread.
URLLIB_CALLS = frozenset({"urllib.request.urlopen"})

#: Extension base classes whose Quart port is async: a project class deriving from one is built with
#: ``await Class.<constructor>(...)`` and these methods of it are awaited (quart-wtforms' QuartForm).
EXTENSION_ASYNC_BASES: dict[str, tuple[str, frozenset[str]]] = {
    base: ("create_form", frozenset({"validate", "validate_on_submit"}))
    for base in ("flask_wtf.FlaskForm", "flask_wtf.form.FlaskForm", "flask_wtf.Form")
}
#: Extension objects whose attributes are awaitables in the Quart port: quart-auth's
#: ``current_user.is_authenticated`` is an async property.
EXTENSION_ASYNC_ATTRIBUTES: dict[str, frozenset[str]] = {
    name: frozenset({"is_authenticated", "is_anonymous"})
    for name in ("flask_login.current_user", "flask_login.utils.current_user")
}
#: Method names only such an extension has: awaited whatever the receiver is known to be.
EXTENSION_ASYNC_METHOD_NAMES = frozenset({"validate_on_submit"})

#: Extension methods that register a callback (``@auth.verify_password``, by ``module.Class.method``)
#: -> the role (an ``analysis.Role`` value) the callback takes in the port: quart-httpauth and
#: python-socketio await theirs (``hook``: async, on the event loop like Quart's own hooks),
#: quart-babel calls its selectors without awaiting (``sync_hook``).
EXTENSION_CALLBACKS: dict[str, str] = {
    **{
        f"flask_httpauth.{cls}.{method}": "hook"
        for cls in ("HTTPBasicAuth", "HTTPDigestAuth", "HTTPTokenAuth")
        for method in ("get_password", "get_user_roles", "error_handler")
    },
    "flask_httpauth.HTTPBasicAuth.verify_password": "hook",
    "flask_httpauth.HTTPTokenAuth.verify_token": "hook",
    **{
        f"flask_httpauth.HTTPDigestAuth.{method}": "hook"
        for method in ("generate_nonce", "verify_nonce", "generate_opaque", "verify_opaque")
    },
    "flask_socketio.SocketIO.on": "hook",
    "flask_socketio.SocketIO.event": "hook",
    "flask_sock.Sock.route": "view",
    "flask_babel.Babel.localeselector": "sync_hook",
    "flask_babel.Babel.timezoneselector": "sync_hook",
}
#: Keyword arguments that hand an extension a callback (``Babel(app, locale_selector=f)``) -> role.
EXTENSION_CALLBACK_KEYWORDS: dict[str, str] = {
    "locale_selector": "sync_hook",
    "timezone_selector": "sync_hook",
}
#: Methods of followed extension objects that are coroutines in the port (python-socketio's
#: ``AsyncServer``): awaited, and their callers become async, like Quart's own.
EXTENSION_ASYNC_METHODS = frozenset(
    f"flask_socketio.SocketIO.{m}" for m in ("emit", "send", "call", "close_room", "sleep")
)

#: Top-level packages of Flask extensions not called ``flask_*``.
_OTHER_EXTENSION_PACKAGES = frozenset({"flasgger"})
#: Extension methods that build another extension object: ``ns = api.namespace("todos")``.
EXTENSION_FACTORY_METHODS = {
    "flask_restx.Api.namespace": "flask_restx.Namespace",
    "flask_restplus.Api.namespace": "flask_restplus.Namespace",
}


def is_extension_class(dotted: str) -> bool:
    """``'flask_sqlalchemy.SQLAlchemy'``: a class of a Flask extension, whose calls build an
    extension object (value ``k:ext:<dotted>``; the F2Q3xx rules find every use of it)."""
    top, _, rest = dotted.partition(".")
    return bool(rest) and (top.startswith("flask_") or top in _OTHER_EXTENSION_PACKAGES) and (
        rest.rpartition(".")[2][:1].isupper()
    )

#: Flask extension module -> the Quart port's module, filled in by the extension rules (F2Q3xx).
EXTENSION_MODULES: dict[str, str] = {}
#: Extension names spelt differently in the Quart port (``LoginManager`` -> ``QuartAuth``).
EXTENSION_RENAMES: dict[str, str] = {}

#: Test-suite receivers that hold a test client when nothing better is known: ``client``,
#: ``self.client``, ``self._client``, ``test_client``, ``api_client``...
CLIENT_NAME_RE = re.compile(r"^_?(?:[a-z0-9_]*_)?client$")

#: Environment variable names Flask itself reads; every other ``FLASK_*`` name is the app's own.
FLASK_ENV_NAME_RE = re.compile(r"^FLASK_[A-Z0-9_]+$")


def flask_member(qualified_name: str | None) -> str | None:
    """``'flask.helpers.flash'`` -> ``'flash'``; ``None`` when the name is not Flask's."""
    if not qualified_name:
        return None
    module, _, member = qualified_name.rpartition(".")
    if module in FLASK_MODULES:
        return member
    return None


#: Flask module -> the module the port imports instead. Quart >= 0.19 is built on Flask's sansio
#: core and depends on Flask, so ``flask.sansio.*`` (what ``quart.app`` itself imports) and Flask's
#: framework-independent debug aids stay where they are; Flask 2's ``flask.scaffold`` moved to
#: ``flask.sansio.scaffold`` in the Flask every Quart installs. Every target is imported on both
#: supported Quart versions by ``tests/rules/test_f2q101_imports.py``.
MODULE_TARGETS: dict[str, str] = {
    **{name: "quart" + name[len("flask") :] for name in FLASK_MODULES},
    "flask.__main__": "quart.__main__",
    "flask.sansio": "flask.sansio",
    "flask.sansio.app": "flask.sansio.app",
    "flask.sansio.blueprints": "flask.sansio.blueprints",
    "flask.sansio.scaffold": "flask.sansio.scaffold",
    "flask.scaffold": "flask.sansio.scaffold",
    "flask.debughelpers": "flask.debughelpers",
}


def quart_module(flask_module: str) -> str | None:
    """``'flask.views'`` -> ``'quart.views'``; ``None`` for a module with no known counterpart."""
    return MODULE_TARGETS.get(flask_module)


def is_blocking_call(qualified_name: str) -> bool:
    return qualified_name in BLOCKING_CALLS or qualified_name.startswith(BLOCKING_CALL_PREFIXES)


def is_test_module(path: str) -> bool:
    """pytest's default discovery names plus ``conftest.py``."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


def in_test_package(module: str) -> bool:
    """A module of the project's ``tests``/``test`` package (``app.tests.common.base``): test-suite
    code, its helpers and base classes included, whatever the file is called."""
    return any(part in ("tests", "test") for part in module.split(".")[:-1])
