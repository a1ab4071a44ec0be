"""F2Q119: ``request.environ`` reads become the Quart request attributes they stand for.

Quart requests have no WSGI environ: every ``request.environ`` raises ``AttributeError``, so one
read in a ``before_request`` hook turns every answer into a 500. Each read of a key with a Quart
equivalent is rewritten in place, for ``environ[key]``, ``environ.get(key[, default])`` and
``key in environ``:

| environ key | Quart |
|---|---|
| `HTTP_X_Y`, `CONTENT_TYPE`, `CONTENT_LENGTH` | `request.headers.get("X-Y", default)` (`[key]`: `request.headers["X-Y"]`; `in`: `"X-Y" in request.headers`) |
| `wsgi.url_scheme` | `request.scheme` |
| `REMOTE_ADDR` | `request.remote_addr` |
| `REQUEST_METHOD` | `request.method` |
| `PATH_INFO` | `request.path` |
| `SCRIPT_NAME` | `request.root_path` |
| `QUERY_STRING` | `request.query_string.decode("latin-1")` |
| `SERVER_PROTOCOL` | `"HTTP/" + request.http_version` |

Keys every WSGI environ has (all but the headers) lose the `.get` default, and `key in environ` is
`True`. A missing header read as `environ["HTTP_X"]` still raises `KeyError` (Werkzeug's
`BadRequestKeyError`, a subclass: uncaught, Quart answers 400 where Flask answered 500).

Everything else, where the environ is a value (`append_slash_redirect(request.environ)`,
`env = request.environ`, a key only known at run time, `SERVER_NAME`/`SERVER_PORT`, `RAW_URI`,
`REQUEST_URI`, `REMOTE_PORT`), reads a dict of the WSGI keys built from the request by
`_f2q_wsgi_environ(request)`, a helper written into the module: PEP 3333 strings (a non-ASCII
`PATH_INFO` is latin-1 text, as in Flask), repeated headers joined with `,`, `SERVER_NAME`/
`SERVER_PORT` from the ASGI `server` or, when the server gives none (Quart's test client), the
`Host` header, as Werkzeug's test client does. Quart's own `Remote-Addr` header is left out: Flask
apps never saw it. The direct rewrites differ from Flask in two corners, both in the app's favour:
`PATH_INFO`/`SCRIPT_NAME` are the decoded text (Flask gives latin-1 mojibake for non-ASCII paths),
and a repeated header gives its first value (Flask's environ joins them).

Reported (F2Q102), since there is nothing to read: keys of the WSGI server itself (`wsgi.input`,
`wsgi.errors`, `werkzeug.*`, `gunicorn.*`, `SERVER_SOFTWARE`...): read with `[key]` they are left as
written, an error; with `.get`/`in` they read the helper's dict, where they are absent, as under a
server that does not set them (a warning). Writes (`request.environ[k] = v`, `update`,
`setdefault`, `pop`, `del`) are left as written, an error: keep per-request values on `g`.
Writes to an environ kept in a variable reach only the helper's copy (a warning).

Docs: https://peps.python.org/pep-3333/#environ-variables,
https://quart.palletsprojects.com/en/latest/reference/source/quart.wrappers.request.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..context import FileContext
from .base import Rule

HELPER = "_f2q_wsgi_environ"
HELPER_SOURCE = '''

def _f2q_wsgi_environ(request):
    """The WSGI environ Flask gave this request, built from the Quart request (added by
    flask2quart, F2Q119). A copy: writes to it do not reach the request.
    """
    server = request.scope.get("server")
    if server is None:  # Quart's test client sends none: the Host header, as Werkzeug's does
        name, colon, port = request.host.rpartition(":")
        if not colon or "]" in port:
            name, port = request.host, ""
        server = (name, port or (443 if request.scheme == "https" else 80))
    raw_uri = request.scope.get("raw_path", request.path.encode()).decode("latin-1")
    if request.query_string:
        raw_uri += "?" + request.query_string.decode("latin-1")
    environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": request.root_path.encode().decode("latin-1"),
        "PATH_INFO": request.path.encode().decode("latin-1"),
        "QUERY_STRING": request.query_string.decode("latin-1"),
        "RAW_URI": raw_uri,
        "REQUEST_URI": raw_uri,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": "HTTP/" + request.http_version,
        "REMOTE_ADDR": request.remote_addr,
        "wsgi.url_scheme": request.scheme,
    }
    client = request.scope.get("client")
    if client:
        environ["REMOTE_PORT"] = str(client[1])
    items = list(request.headers.items())
    if items and items[0][0] == "Remote-Addr":
        items = items[1:]  # Quart's own, first: Flask apps never saw it
    for name, value in items:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        environ[key] = environ[key] + "," + value if key in environ else value
    return environ
'''

#: Keys every WSGI environ has -> the request attribute (``{r}`` is the request expression).
_ALWAYS = {
    "wsgi.url_scheme": "{r}.scheme",
    "REMOTE_ADDR": "{r}.remote_addr",
    "REQUEST_METHOD": "{r}.method",
    "PATH_INFO": "{r}.path",
    "SCRIPT_NAME": "{r}.root_path",
    "QUERY_STRING": '{r}.query_string.decode("latin-1")',
    "SERVER_PROTOCOL": '"HTTP/" + {r}.http_version',
}
#: Keys the helper's dict has: read there (the direct forms above are shorter where they exist).
_IN_HELPER = frozenset({*_ALWAYS, "SERVER_NAME", "SERVER_PORT", "RAW_URI", "REQUEST_URI", "REMOTE_PORT"})
#: Headers WSGI keeps without the ``HTTP_`` prefix.
_UNPREFIXED_HEADERS = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}
_WRITE_METHODS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})
#: What to do instead of reading a WSGI server's own key.
_SERVER_KEY_ADVICE = {
    "wsgi.input": "read the body with `await request.get_data()` or `async for chunk in request.body`",
    "wsgi.errors": "log with `current_app.logger`",
    "werkzeug.request": "use `request` itself",
    "wsgi.input_terminated": "an ASGI server always ends the body: the check is not needed",
}
_WRITE_ADVICE = "Quart has no WSGI environ to write to: keep per-request values on `g` (or in `request.scope`)"


def header_name(key: str) -> str | None:
    """``'HTTP_X_FORWARDED_FOR'`` -> ``'X-Forwarded-For'`` (``None``: not a header key)."""
    if key in _UNPREFIXED_HEADERS:
        return _UNPREFIXED_HEADERS[key]
    if key.startswith("HTTP_") and len(key) > 5 and key[5:] not in _UNPREFIXED_HEADERS:
        return "-".join(part.capitalize() for part in key[5:].split("_"))
    return None


def _server_key_message(key: str) -> str:
    advice = _SERVER_KEY_ADVICE.get(key, "read what the app needs from `request` or `request.scope` instead")
    return f"`{key}` is set by a WSGI server or middleware, which Quart does not have: {advice}"


def _same_quotes(original: cst.BaseExpression, text: str) -> cst.SimpleString:
    """``text`` as a string literal quoted as ``original`` was."""
    quote = original.quote if isinstance(original, cst.SimpleString) and not original.prefix else '"'
    return cst.SimpleString(f"{quote}{text}{quote}")


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _expression(template: str, request: cst.BaseExpression) -> cst.BaseExpression:
    """``template`` with the request expression (as written) in place of ``{r}``."""
    return cst.parse_expression(template.format(r=cst.Module([]).code_for_node(request)))


def _is_environ_attribute(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "environ"


class RequestEnviron(Rule):
    code = "F2Q119"
    name = "request-environ"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: ``request.environ`` nodes (ids) whose parent read or write this rule handles as a whole.
        self._consumed: set[int] = set()
        #: Subscripts that are written or deleted (ids).
        self._written: set[int] = set()

    # --- what encloses an environ: seen top-down, before the environ's own node is left --------
    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._written.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._written.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else ()
        self._written.update(id(t.value) for t in targets)
        self._written.add(id(node.target))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if _is_environ_attribute(node.value):
            self._consumed.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and _is_environ_attribute(func.value)
            and (func.attr.value == "get" or func.attr.value in _WRITE_METHODS)
        ):
            self._consumed.add(id(func.value))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if (
            len(node.comparisons) == 1
            and _is_environ_attribute(node.comparisons[0].comparator)
            and isinstance(node.comparisons[0].operator, (cst.In, cst.NotIn))
        ):
            self._consumed.add(id(node.comparisons[0].comparator))

    # --- the environ as a value --------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if updated.attr.value != "environ" or self.ctx.value(updated.value) != V.REQUEST:
            return updated
        if id(original) in self._consumed:
            return updated  # the subscript, call or comparison around it decides
        if id(original) in self._written:
            self.ctx.report(original, "F2Q102", _WRITE_ADVICE, Severity.ERROR)
            return updated
        return self._helper_environ(updated.value)

    def _helper_environ(self, request: cst.BaseExpression) -> cst.Call:
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        call = cst.Call(func=cst.Name(HELPER), args=[cst.Arg(request)])
        self.ctx.set_value(call, V.ENVIRON)
        return call

    def _direct(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """The request expression of ``request.environ`` when this rule left it for its parent."""
        if (
            isinstance(node, cst.Attribute)
            and _is_environ_attribute(node)
            and self.ctx.value(node) == V.ENVIRON
            and self.ctx.value(node.value) == V.REQUEST
        ):
            return node.value
        return None

    # --- environ[key] -------------------------------------------------------------------------
    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        if self.ctx.value(updated.value) != V.ENVIRON:
            return updated
        request = self._direct(updated.value) if id(original.value) in self._consumed else None
        index = updated.slice[0].slice if len(updated.slice) == 1 else None
        key = _string(index.value) if isinstance(index, cst.Index) else None
        if id(original) in self._written:
            if request is not None:
                self.ctx.report(original, "F2Q102", _WRITE_ADVICE, Severity.ERROR)
            else:
                self.ctx.report(original, "F2Q102", "this environ is a copy built from the request "
                                "(F2Q119): the write does not reach it. " + _WRITE_ADVICE, Severity.WARNING)
            return updated
        if request is None:
            if key is not None and self._server_key(key):
                self.ctx.report(original, "F2Q102", _server_key_message(key), Severity.WARNING)
            return updated
        if key is not None and self._server_key(key):
            self.ctx.report(original, "F2Q102", _server_key_message(key), Severity.ERROR)
            return updated
        header = header_name(key) if key is not None else None
        if header is not None:
            self.changed()
            return _expression(f'{{r}}.headers["{header}"]', request)
        if key in _ALWAYS:
            self.changed()
            return _expression(_ALWAYS[key], request)
        return updated.with_changes(value=self._helper_environ(request))

    # --- environ.get(key[, default]) and the methods that write --------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not isinstance(func, cst.Attribute) or self.ctx.value(func.value) != V.ENVIRON:
            return updated
        method = func.attr.value
        request = self._direct(func.value) if id(original.func.value) in self._consumed else None  # type: ignore[attr-defined]
        if method in _WRITE_METHODS:
            if request is not None:
                self.ctx.report(original, "F2Q102", _WRITE_ADVICE, Severity.ERROR)
            else:
                self.ctx.report(original, "F2Q102", "this environ is a copy built from the request "
                                "(F2Q119): the write does not reach it. " + _WRITE_ADVICE, Severity.WARNING)
            return updated
        if method != "get":
            return updated
        positional = [a for a in updated.args if a.keyword is None and not a.star]
        key = _string(positional[0].value) if positional and len(positional) == len(updated.args) <= 2 else None
        if key is not None and self._server_key(key):
            self.ctx.report(original, "F2Q102", _server_key_message(key) + " (this read finds it absent)", Severity.WARNING)
        if request is None:
            return updated
        header = header_name(key) if key is not None else None
        if header is not None:
            self.changed()
            get = _expression(f'{{r}}.headers.get("{header}")', request)
            assert isinstance(get, cst.Call)
            return get.with_changes(args=[get.args[0].with_changes(comma=positional[0].comma), *updated.args[1:]])
        if key in _ALWAYS and all(_is_plain(a.value) for a in positional[1:]):
            self.changed()  # always there: the default (a plain value, nothing run) is never used
            return _expression(_ALWAYS[key], request)
        return updated.with_changes(func=func.with_changes(value=self._helper_environ(request)))

    # --- key in environ -----------------------------------------------------------------------
    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison) -> cst.BaseExpression:
        if len(updated.comparisons) != 1:
            return updated
        target = updated.comparisons[0]
        if not isinstance(target.operator, (cst.In, cst.NotIn)) or self.ctx.value(target.comparator) != V.ENVIRON:
            return updated
        key = _string(updated.left)
        if key is not None and self._server_key(key):
            self.ctx.report(original, "F2Q102", _server_key_message(key) + " (this test finds it absent)", Severity.WARNING)
        request = self._direct(target.comparator) if id(original.comparisons[0].comparator) in self._consumed else None
        if request is None:
            return updated
        header = header_name(key) if key is not None else None
        negated = isinstance(target.operator, cst.NotIn)
        if header is not None:
            self.changed()
            return updated.with_changes(
                left=_same_quotes(updated.left, header),
                comparisons=[target.with_changes(comparator=_expression("{r}.headers", request))],
            )
        if key in _ALWAYS:
            self.changed()
            return cst.Name("False" if negated else "True", lpar=updated.lpar, rpar=updated.rpar)
        return updated.with_changes(comparisons=[target.with_changes(comparator=self._helper_environ(request))])

    def _server_key(self, key: str) -> bool:
        """A key only a WSGI server sets: nothing in Quart stands for it."""
        return header_name(key) is None and key not in _IN_HELPER


def _is_plain(node: cst.BaseExpression) -> bool:
    """A default whose evaluation does nothing: dropping it changes nothing."""
    return isinstance(node, (cst.SimpleString, cst.Integer, cst.Float, cst.Name, cst.ConcatenatedString))
