"""The small algebra both passes use to tell what an expression is.

A *value* is a string that says what an expression evaluates to, as far as porting cares:

- ``"q:<name>"``: a named thing. External names are dotted (``q:flask.render_template``,
  ``q:requests.get``); the project's own are ``q:<module>:<qualname>`` (``q:app.db:get_db``,
  ``q:tests.conftest:AuthActions.login``), and a project module is ``q:<module>:``.
- ``"k:<kind>"``: a run-time object of a kind we track: ``request``, ``environ``, ``form``, ``files``,
  ``filestorage``, ``test_client``, ``test_response``, ``response``, ``cli_runner``, ``g``,
  ``app``, ``obj:<module>:<Class>`` (an instance of a project class) or ``ext:<dotted>`` (an
  object a Flask extension's class built: ``k:ext:flask_sqlalchemy.SQLAlchemy``).
- ``"b:<value>|<attr>"``: a bound attribute not yet called (``b:k:request|get_json``).
- ``None``: unknown.

:func:`attribute_step` and :func:`call_step` say, for one ``.attr`` or one call, what the result is
and whether Quart needs it awaited. The :mod:`ast` analysis and the LibCST rules walk their own trees
but take every decision here, so the two cannot disagree about what is awaitable.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import flask_api

Value = str | None

REQUEST = "k:request"
TEST_CLIENT = "k:test_client"
TEST_RESPONSE = "k:test_response"
#: A test response read to its end into a Werkzeug response (as Flask's test responses are), for
#: code that must stay sync and reads it (F2Q210): its body reads need no ``await``.
TEST_RESPONSE_SNAPSHOT = "k:test_response_snapshot"
RESPONSE = "k:response"
FILES = "k:files"
FILESTORAGE = "k:filestorage"
FILESTORAGE_LIST = "k:filestorage_list"  # ``files.getlist(name)``, ``files.values()``
FILESTORAGE_ITEMS = "k:filestorage_items"  # ``files.items()``
CLI_RUNNER = "k:cli_runner"
APP = "k:app"
APP_CONTEXT = "k:app_context"  # ``app.app_context()``/``test_request_context()`` not in a ``with``
AIOFILE = "k:aiofile"  # what ``await app.open_resource(...)`` gives: an aiofiles file
HTTP_SESSION = "k:http_session"  # a ``requests.Session()``
G = "k:g"
TEMPLATE_MACRO = "k:template_macro"  # what ``get_template_attribute`` gives: calling it is awaited
#: The app's Jinja environment (``current_app.jinja_env``) and its ``overlay(...)``s: async in Quart.
JINJA_ENV = "k:jinja_env"
#: A template of such an environment: its ``render()`` is ``await render_async()`` in Quart.
TEMPLATE = "k:template"
#: Kinds a property of the project gives wherever it is read, receiver unknown (``ext.jinja_env``
#: with ``jinja_env`` a property of one project class only): see ``ProjectAnalysis.duck_properties``.
DUCK_KINDS = frozenset({JINJA_ENV, TEMPLATE})
_ENV_TEMPLATES = frozenset({"get_template", "select_template", "get_or_select_template", "from_string"})
#: ``request.environ`` (Flask's WSGI environ); after the port, a dict built from the request (F2Q119).
ENVIRON = "k:environ"
#: Prefix of an object a Flask extension's class built: ``k:ext:flask_sqlalchemy.SQLAlchemy``.
EXTENSION_OBJECT = "k:ext:"

#: Methods whose name alone says what they are, whatever the receiver (often an untyped ``app``).
DISTINCTIVE_METHODS = frozenset(
    {
        "test_client",
        "test_cli_runner",
        "app_context",
        "test_request_context",
        "session_transaction",
        "open_resource",
        "open_instance_resource",
    }
)

#: Flask names whose call builds a response without awaiting (its body is read with ``await``).
_RESPONSE_MAKERS = frozenset({"jsonify", "Response", "redirect"})

_WERKZEUG_RESPONSES = frozenset(
    {"werkzeug.wrappers.Response", "werkzeug.wrappers.response.Response", "werkzeug.wrappers.BaseResponse", "werkzeug.Response"}
)

#: The app classes: calling one builds the app.
_APP_CLASSES = frozenset({"flask.Flask", "flask.app.Flask", "quart.Quart", "quart.app.Quart"})

#: Flask globals that are objects of a tracked kind.
_GLOBAL_KINDS = {"request": REQUEST, "current_app": APP, "g": G}


@dataclass(frozen=True, slots=True)
class Step:
    """Result of one attribute access or call."""

    value: Value = None
    #: Quart needs this expression awaited.
    awaits: bool = False
    #: For a response property read: the method to call instead (``data`` -> ``get_data``).
    method: tuple[str, tuple[tuple[str, str], ...]] | None = None


UNKNOWN = Step()


def normalise(value: Value) -> Value:
    """Map a named Flask/Quart global to the kind of object it is."""
    if value and value.startswith("q:"):
        member = flask_api.flask_member(value[2:]) or _quart_member(value[2:])
        if member in _GLOBAL_KINDS:
            return _GLOBAL_KINDS[member]
    return value


def _quart_member(name: str) -> str | None:
    module, _, member = name.rpartition(".")
    return member if module.startswith("quart") else None


def flask_name(value: Value) -> str | None:
    """``'q:flask.helpers.flash'`` -> ``'flash'`` (``None`` for anything not Flask's)."""
    if value and value.startswith("q:"):
        return flask_api.flask_member(value[2:])
    return None


def is_project(value: Value) -> bool:
    return bool(value) and value.startswith("q:") and ":" in value[2:]  # type: ignore[union-attr]


def project_name(value: Value) -> str | None:
    """``'q:app.db:get_db'`` -> ``'app.db:get_db'``."""
    return value[2:] if is_project(value) else None  # type: ignore[index]


def attribute_step(base: Value, attr: str, *, in_tests: bool) -> Step:
    """What ``<base>.<attr>`` is, read (not called)."""
    if base and base.startswith("q:"):
        name = base[2:]
        if attr in flask_api.EXTENSION_ASYNC_ATTRIBUTES.get(name, ()):
            return Step(None, awaits=True)
        if ":" in name:  # a project module or class: module members and methods
            if attr in DISTINCTIVE_METHODS:
                return Step(f"b:k:?|{attr}")  # ``app.test_client`` on the project's own app
            module, _, qual = name.partition(":")
            return Step(f"q:{module}:{qual + '.' if qual else ''}{attr}")
        value = normalise(f"q:{name}.{attr}")
        if value != f"q:{name}.{attr}" or attr not in DISTINCTIVE_METHODS:
            return Step(value)
        base = None
    if base == REQUEST:
        if attr == "environ":
            return Step(ENVIRON)  # kept through locals and parameters: its reads are ported (F2Q119)
        if attr in flask_api.REQUEST_ASYNC_PROPERTIES:
            return Step({"files": FILES, "form": "k:form"}.get(attr), awaits=True)
        return Step(f"b:{base}|{attr}")
    if base == APP and attr == "jinja_env":
        return Step(JINJA_ENV)
    if base in (TEST_RESPONSE, RESPONSE) and attr in flask_api.RESPONSE_PROPERTY_CALLS:
        return Step(None, awaits=True, method=flask_api.RESPONSE_PROPERTY_CALLS[attr])
    if attr in DISTINCTIVE_METHODS and base not in (TEST_CLIENT, APP):
        return Step(f"b:k:?|{attr}")
    if base and base.startswith("k:obj:") and _client_by_name(attr, in_tests):
        return Step(TEST_CLIENT)  # self._client = client, kept on a test helper
    if base and base.startswith("k:") and base != "k:?":
        return Step(f"b:{base}|{attr}")
    return Step(_client_by_name(attr, in_tests))


def called_attribute(base: Value, attr: str, value: Value) -> Value:
    """What ``base.attr`` is when it is called: a test client is not callable, so a project object's
    ``self._patch_client()`` is its method, not a client taken by its name."""
    if value == TEST_CLIENT and base and base.startswith("k:obj:"):
        return f"b:{base}|{attr}"
    return value


def _client_by_name(name: str, in_tests: bool) -> Value:
    if in_tests and flask_api.CLIENT_NAME_RE.match(name):
        return TEST_CLIENT
    return None


def name_value(name: str, *, in_tests: bool) -> Value:
    """A bare name nothing else resolved: a test client by its name in test code."""
    return _client_by_name(name, in_tests)


def local_value(name: str, kinds: dict[str, Value], nested: dict[str, str], *, in_tests: bool) -> Value:
    """What a name bound in a function's own scope holds (both passes resolve locals this way)."""
    if name in kinds:
        return kinds[name]
    if name in nested:
        return "q:" + nested[name]  # a nested def
    return name_value(name, in_tests=in_tests)


def call_step(func: Value, *, project_async: frozenset[str] | set[str] = frozenset()) -> Step:
    """What ``<func>(...)`` returns and whether it must be awaited.

    ``project_async`` holds the project functions (``module:qualname``) that are or become async.
    """
    if func is None:
        return UNKNOWN
    if func == TEMPLATE_MACRO:
        return Step(None, awaits=True)
    if func.startswith("k:obj:"):
        return _instance_step(func, project_async)  # ``formatter(...)``: its ``__call__``
    if func.startswith("q:"):
        member = flask_name(func)
        if member == "get_template_attribute":
            return Step(TEMPLATE_MACRO, awaits=True)  # its async form (F2Q118)
        if member in _RESPONSE_MAKERS:
            return Step(RESPONSE)  # ``jsonify(...)``, ``Response(...)``: a response, built synchronously
        if member in flask_api.ASYNC_FUNCTIONS:
            return Step(RESPONSE if member == "make_response" else None, awaits=True)
        name = func[2:]
        if ":" in name:
            return Step(None, awaits=name in project_async)
        if name in _APP_CLASSES:
            return Step(APP)  # ``app = Flask(__name__)``: the app, wherever it is kept
        if name in _WERKZEUG_RESPONSES:
            return Step(RESPONSE)  # Quart's Response once imported from quart (F2Q123)
        if name in flask_api.HTTP_SESSION_FACTORIES:
            return Step(HTTP_SESSION)
        if flask_api.is_extension_class(name):
            return Step(f"{EXTENSION_OBJECT}{name}")  # ``db = SQLAlchemy()``
        return UNKNOWN
    if not func.startswith("b:"):
        return UNKNOWN
    base, _, attr = func[2:].rpartition("|")
    if base.startswith(EXTENSION_OBJECT) and f"{base[6:]}.{attr}" in flask_api.EXTENSION_FACTORY_METHODS:
        return Step(EXTENSION_OBJECT + flask_api.EXTENSION_FACTORY_METHODS[f"{base[6:]}.{attr}"])
    if extension_method(func) in flask_api.EXTENSION_ASYNC_METHODS:
        return Step(None, awaits=True)  # ``socketio.emit(...)``: a coroutine of python-socketio
    if attr == "test_client":
        return Step(TEST_CLIENT)
    if attr in ("app_context", "test_request_context"):
        return Step(APP_CONTEXT)
    if base == APP_CONTEXT and attr in ("push", "pop"):
        return Step(None, awaits=True)
    if attr == "test_cli_runner":
        return Step(CLI_RUNNER)
    if base == REQUEST and attr in flask_api.REQUEST_ASYNC_METHODS:
        return Step(None, awaits=True)
    if base == TEST_CLIENT and attr in flask_api.CLIENT_METHODS:
        return Step(TEST_RESPONSE, awaits=True)
    if base in (TEST_RESPONSE, RESPONSE) and attr in flask_api.RESPONSE_ASYNC_METHODS:
        return Step(None, awaits=True)
    if base == AIOFILE and attr in ("read", "readline", "readlines", "write", "seek", "close"):
        return Step(None, awaits=True)
    if base == FILES and attr == "get":
        return Step(FILESTORAGE)
    if base == FILES and attr in ("getlist", "values"):
        return Step(FILESTORAGE_LIST)
    if base == FILES and attr == "items":
        return Step(FILESTORAGE_ITEMS)
    if base == FILESTORAGE and attr == "save":
        return Step(None, awaits=True)
    if base == APP and attr in flask_api.APP_ASYNC_METHODS:
        return Step(RESPONSE if attr in flask_api.APP_RESPONSE_METHODS else None, awaits=True)
    if base == JINJA_ENV and attr in _ENV_TEMPLATES:
        return Step(TEMPLATE)
    if base == JINJA_ENV and attr == "overlay":
        return Step(JINJA_ENV)
    if base == TEMPLATE and attr == "render":
        return Step(None, awaits=True)  # ``await template.render_async(...)`` (F2Q104)
    if base.startswith("k:obj:"):
        qual = f"{base[6:]}.{attr}"
        return Step(None, awaits=qual in project_async)
    return UNKNOWN


def _instance_step(func: str, project_async: frozenset[str] | set[str]) -> Step:
    return Step(None, awaits=f"{func[6:]}.__call__" in project_async)


#: Declared types (annotations) that say what a parameter holds, Flask's and Quart's spellings
#: (a second run reads the port's own annotations).
_ANNOTATION_KINDS = {
    "flask.testing.FlaskClient": TEST_CLIENT,
    "quart.testing.QuartClient": TEST_CLIENT,
    "quart.testing.client.QuartClient": TEST_CLIENT,
    "werkzeug.test.TestResponse": TEST_RESPONSE,
    "werkzeug.test.Client": TEST_CLIENT,
    "flask.Flask": APP,
    "flask.app.Flask": APP,
    "quart.Quart": APP,
    "quart.app.Quart": APP,
    "flask.Response": RESPONSE,
    "flask.wrappers.Response": RESPONSE,
    "quart.Response": RESPONSE,
    "quart.wrappers.Response": RESPONSE,
    "quart.wrappers.response.Response": RESPONSE,
    "flask.testing.FlaskCliRunner": CLI_RUNNER,
    "quart.testing.QuartCliRunner": CLI_RUNNER,
}


def annotation_kind(value: Value) -> Value:
    """The kind a parameter declared with the type ``value`` (``q:flask.testing.FlaskClient``) holds."""
    if value and value.startswith("q:"):
        return _ANNOTATION_KINDS.get(value[2:])
    if value in (APP, REQUEST):  # ``current_app``-typed names resolve to kinds already
        return None
    return None


def sync_http_call(func: Value) -> str | None:
    """The blocking HTTP call ``<func>(...)`` makes (F2Q117), or ``None``.

    ``'requests.get'`` (any spelling: ``requests.api.get``, ``from requests import get``, an alias),
    ``'session.get'`` for a ``requests.Session`` method, ``'urllib.request.urlopen'``.
    """
    if not func:
        return None
    if func.startswith("q:requests."):
        name = func[len("q:requests.") :].removeprefix("api.")
        return f"requests.{name}" if name in flask_api.HTTP_CALL_NAMES else None
    if func[2:] in flask_api.URLLIB_CALLS and func.startswith("q:"):
        return func[2:]
    prefix = f"b:{HTTP_SESSION}|"
    if func.startswith(prefix) and func[len(prefix) :] in flask_api.HTTP_SESSION_METHODS:
        return "session." + func[len(prefix) :]
    return None


def extension_method(value: Value) -> str | None:
    """``'b:k:ext:flask_httpauth.HTTPBasicAuth|verify_password'`` ->
    ``'flask_httpauth.HTTPBasicAuth.verify_password'`` (a method of an extension object)."""
    if value and value.startswith("b:" + EXTENSION_OBJECT):
        base, _, attr = value[2 + len(EXTENSION_OBJECT) :].rpartition("|")
        return f"{base}.{attr}"
    return None


def bound_method(func: Value) -> str | None:
    """``'b:k:obj:m:C|login'`` -> ``'m:C.login'`` (the project method a call reaches)."""
    if func and func.startswith("b:k:obj:"):
        base, _, attr = func[2:].rpartition("|")
        return f"{base[6:]}.{attr}"
    return None


PARTIAL = "q:functools.partial"


def partial_value(func: Value, first: Value) -> Value:
    """``functools.partial(f, ...)`` is ``f``'s value where ``f`` is a project function or method:
    calling it calls ``f`` (so it is awaited where ``f`` became async), passing it passes ``f``."""
    if func == PARTIAL and (project_name(first) or bound_method(first)):
        return first
    return None


def instance_call(func: Value) -> str | None:
    """``'k:obj:m:C'`` -> ``'m:C.__call__'``: calling an instance of a project class."""
    if func and func.startswith("k:obj:"):
        return f"{func[6:]}.__call__"
    return None


def subscript_value(base: Value) -> Value:
    if base and base.startswith((CONTAINER, MAPPING)):
        return base[len(CONTAINER) :]
    return FILESTORAGE if base in (FILES, FILESTORAGE_LIST) else None


#: Prefix of a list/tuple/set literal whose elements are all one value: ``e:b:k:test_client|get``.
CONTAINER = "e:"
#: Prefix of a dict literal whose values are project functions of one colour (``{"a": f, "b": g}``):
#: what a subscript gives (iterating it gives its keys, not these).
MAPPING = "d:"


def container_value(elements: list[Value]) -> Value:
    """What a ``[a, b, ...]`` literal holds, when its elements agree: one value, or methods of one
    receiver that Quart treats alike (``[client.get, client.post]``: each call is awaited and gives
    a response), represented by the first."""
    if not elements or any(e is None for e in elements):
        return None
    if len(set(elements)) == 1:
        return CONTAINER + elements[0]  # type: ignore[operator]
    if len(project_functions(elements)) == len(elements):  # callbacks listed together: one colour
        return CONTAINER + elements[0]  # type: ignore[operator]
    steps = {(call_step(e).awaits, call_step(e).value) for e in elements}
    bases = {e.rpartition("|")[0] for e in elements if e and e.startswith("b:")}  # type: ignore[union-attr]
    if len(bases) == 1 and len(steps) == 1 and all(e.startswith("b:") for e in elements):  # type: ignore[union-attr]
        return CONTAINER + elements[0]  # type: ignore[operator]
    return None


def project_functions(elements: list[Value]) -> list[str]:
    """The project functions (``q:m:f``, not classes) among ``elements``, as ``m:f``."""
    names = [project_name(e) for e in elements]
    return [n for n in names if n and not n.rpartition(":")[2].rpartition(".")[2][:1].isupper()]


def getattr_value(base: Value, name: str | None) -> Value:
    """``getattr(obj, "name")`` is ``obj.name``; ``getattr(client, verb)`` with a name only known at
    run time is still a request method of the test client (``open`` stands for all of them)."""
    if name is not None:
        return attribute_step(base, name, in_tests=False).value
    if base == TEST_CLIENT:
        return f"b:{TEST_CLIENT}|open"
    return None


def loop_bindings(iterable: Value, names: list[str]) -> dict[str, Value]:
    """What ``for <names> in <iterable>`` binds: the elements of a literal that agree
    (``for method in [client.get, client.post]``), uploads from ``files.getlist()``/``.items()``."""
    if iterable and iterable.startswith(CONTAINER) and len(names) == 1:
        return {names[0]: iterable[len(CONTAINER) :]}
    if iterable == FILESTORAGE_LIST and len(names) == 1:
        return {names[0]: FILESTORAGE}
    if iterable == FILESTORAGE_ITEMS and len(names) == 2:
        return {names[1]: FILESTORAGE}
    return {}


#: Context managers whose ``with ... as x`` binds the object they were given.
_PASS_THROUGH_CONTEXTS = frozenset({"q:contextlib.closing", "q:contextlib.nullcontext"})


def entered_value(func: Value, given: Value) -> Value:
    """What ``with <func>(<given>) as x`` binds to ``x``: ``closing(rv)`` gives ``rv`` back."""
    return given if func in _PASS_THROUGH_CONTEXTS and given == TEST_RESPONSE else None


def context_manager_is_async(func: Value) -> bool:
    """Is ``with <func>(...)`` an ``async with`` in Quart?"""
    if func and func.startswith("b:"):
        attr = func.rpartition("|")[2]
        return attr in flask_api.ASYNC_CONTEXT_METHODS
    return False
