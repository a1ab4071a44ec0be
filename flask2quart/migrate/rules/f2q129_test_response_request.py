"""F2Q129: test responses that carry their request and their redirect history.

Flask's test responses know the request that produced them (``response.request.path`` says where
``follow_redirects=True`` ended up) and, after following redirects, the responses on the way
(``response.history``). Quart's have neither (``AttributeError``), and Quart's client follows a
redirect keeping the method and body that Werkzeug drops for 301/302/303. A test-client request
whose response has ``.request`` or ``.history`` read (there, or in a helper it is handed to, in
any module: ``self.assertStatus(201, resp)`` reading ``resp.request.path``), or whose URL is only
known when the test runs (a link read from a page or a mail, maybe absolute: Quart's client sends
``http://localhost/x`` whole and files the response's cookies under a wrong host, so the session
the next request sends is a stale one), goes through a generated
``_f2q_open``: it sends the request through Quart's client (an absolute URL as its path, scheme
and ``Host``, as Werkzeug sends it), follows redirects as Werkzeug does
(307/308 keep method and body, the others become a ``GET`` without one, the query string is the
``Location``'s), and sets ``response.request`` (a Werkzeug ``Request`` for the URL, method and
headers sent) and ``response.history``.

Docs: https://flask.palletsprojects.com/en/stable/testing/#following-redirects
"""

from __future__ import annotations

import re

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from .base import Rule
from .f2q201_await_test_client import MISSING

HELPER = "_f2q_open"
HELPER_SOURCE = '''

async def _f2q_open(request, path="/", *, follow_redirects=False, **kwargs):
    """A test-client request as Flask's client makes it: the response carries the request that made
    it (`response.request`) and the responses of the redirects followed (`response.history`),
    followed as Werkzeug does (added by flask2quart, F2Q129)."""
    from urllib.parse import urlsplit

    from werkzeug.test import EnvironBuilder

    client = request.__self__
    method = kwargs.pop("method", None) or ("GET" if request.__name__ == "open" else request.__name__.upper())
    history = []
    url = urlsplit(path)
    if url.scheme and url.netloc:  # as Werkzeug sends an absolute URL: its path, scheme and host
        path = (url.path or "/") + ("?" + url.query if url.query else "")
        kwargs["scheme"] = url.scheme
        if url.netloc != "localhost":
            from werkzeug.datastructures import Headers

            kwargs["headers"] = Headers(kwargs.get("headers") or ())
            kwargs["headers"]["Host"] = url.netloc
    while True:
        response = await client.open(path, method=method, **kwargs)
        url = urlsplit(path)
        response.request = EnvironBuilder(
            path=url.path or "/", method=method, query_string=url.query or kwargs.get("query_string"),
            headers=kwargs.get("headers"), base_url=f"{kwargs.get('scheme', 'http')}://localhost",
        ).get_request()
        if not follow_redirects or response.status_code not in (301, 302, 303, 305, 307, 308):
            break
        history.append(response)
        location = urlsplit(response.location)  # as Werkzeug reads it: its path, from the root
        path = "/" + location.path.lstrip("/") + ("?" + location.query if location.query else "")
        kwargs.pop("query_string", None)
        if response.status_code not in (307, 308) and method != "HEAD":
            method = "GET"
            for body in ("data", "form", "files", "json"):
                kwargs.pop(body, None)
    response.history = tuple(history)
    return response
'''

_READS = frozenset({"request", "history"})
#: ``.request``/``.history`` as a module's bytes can spell it: a dot, then spaces, line breaks,
#: backslash continuations or comments (inside brackets), then the name.
_READ_BYTES = re.compile(rb"\.(?:\s|\\|#[^\r\n]*)*(?:request|history)\b")


class _Bases(cst.CSTVisitor):
    """Names (and call nodes) whose ``.request``/``.history`` the module reads, and the names it
    assigns a call's result to."""

    def __init__(self, source: bytes | None = None) -> None:
        self.names: set[str] = set()
        self.calls: set[int] = set()
        self.assigned: set[str] = set()
        self._source = source

    def visit_Module(self, node: cst.Module) -> bool:
        # A module whose bytes read neither attribute has nothing to find: not walked.
        return self._source is None or _READ_BYTES.search(self._source) is not None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node.name.value != HELPER  # the helper, on a later run: it sets them

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in _READS:
            return
        base = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if isinstance(base, cst.Name):
            self.names.add(base.value)
        elif isinstance(base, cst.Call):
            self.calls.add(id(base))

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if isinstance(value, cst.Call):
            self.assigned.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))


class _Locals(cst.CSTVisitor):
    """What each function assigns to its local names: (``Class.method``, name) -> the values
    (``None`` for a binding that is not a plain assignment: a loop, a ``with ... as``...)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], list[cst.BaseExpression | None]] = {}
        self._stack: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._stack.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._stack.pop()

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        for name in _names(target):
            self.values.setdefault((".".join(self._stack), name), []).append(value if isinstance(target, cst.Name) else None)

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        for target in node.targets:
            self._bind(target.target, value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, None)


def _names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names(e.value)]
    return []


class TestResponseRequest(Rule):
    code = "F2Q129"
    name = "test-response-request"
    priority = 45  # after the arguments are rewritten (F2Q202, F2Q209), before the call is awaited

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._bases = _Bases(ctx.source)
        self._calls: set[int] = set()
        self._all = False  # a response handed around (a parameter) is read: every request is wrapped
        self._module = cst.Module(body=[])
        self._locals: _Locals | None = None  # what local names are assigned: built when first asked
        self._resolving: set[tuple[str, str]] = set()

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        if self.ctx.in_tests or self.ctx.facts.is_test:
            node.visit(self._bases)
            self._calls = set(self._bases.calls)
            # a response read as a parameter here, or handed to one read elsewhere (the analysis)
            self._all = bool(self._bases.names - self._bases.assigned) or self.ctx.path in self.ctx.analysis.request_reading_modules

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if isinstance(value, cst.Call) and any(
            isinstance(t.target, cst.Name) and t.target.value in self._bases.names for t in node.targets
        ):
            self._calls.add(id(value))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        if updated.attr.value not in _READS or self.ctx.value(updated.value) != V.TEST_RESPONSE:
            return updated
        scope = self.ctx.function_scope()
        base = updated.value
        if (
            isinstance(base, cst.Name)
            and scope is not None
            and base.value in scope.params
            and base.value in self.ctx.analysis.fixture_names
        ):  # a fixture's response, made elsewhere: Quart's has no such attribute
            self.ctx.report(original, self.code, MISSING[updated.attr.value], Severity.ERROR)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if not func or not func.startswith(f"b:{V.TEST_CLIENT}|") or func.rpartition("|")[2] not in flask_api.CLIENT_METHODS:
            return updated
        if id(original) not in self._calls and not self._all and not self._computed_url(updated):
            return updated
        if any(a.star == "*" for a in updated.args) or len([a for a in updated.args if a.keyword is None and not a.star]) > 1:
            return updated
        scope = self.ctx.function_scope()
        if scope is not None and scope.qualname == HELPER:  # its own request, on a later run
            return updated
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return updated.with_changes(
            func=cst.Name(HELPER), args=[cst.Arg(updated.func, comma=comma if updated.args else cst.MaybeSentinel.DEFAULT), *updated.args]
        )

    def _computed_url(self, call: cst.Call) -> bool:
        """A test request to a URL only known when the test runs (a link read from a page or a mail),
        which may be absolute: Quart's client would file the response's cookies under a wrong host."""
        if not (self.ctx.in_tests or self.ctx.facts.is_test):
            return False
        first = next((a for a in call.args if a.keyword is None and not a.star), None)
        first = first or next((a for a in call.args if a.keyword is not None and a.keyword.value == "path"), None)
        return first is not None and not self._relative(first.value)

    def _relative(self, value: cst.BaseExpression) -> bool:
        """A literal (F2Q202 splits an absolute one), or built on a literal path (``f"/{id}/edit"``,
        ``"/items/" + key``), ``url_for()`` without ``_external``, a parameter or a global."""
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            return True
        if isinstance(value, cst.FormattedString):
            head = value.parts[0] if value.parts else None
            return isinstance(head, cst.FormattedStringText) and head.value.startswith("/")
        if isinstance(value, cst.BinaryOperation):
            return self._relative(value.left)
        if isinstance(value, cst.Call) and V.flask_name(self.ctx.value(value.func)) == "url_for":
            return not any(a.keyword is not None and a.keyword.value == "_external" for a in value.args)
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "format"
            and isinstance(value.func.value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return self._relative(value.func.value)  # ``"/user/{}/edit".format(uid)``
        scope = self.ctx.function_scope()
        if not isinstance(value, cst.Name):
            return False
        # a parameter (a path the test is parametrized with) or a module's constant: a literal
        if scope is None or value.value in scope.params or value.value not in scope.local_names:
            return True
        if self._locals is None:
            self._locals = _Locals()
            self._module.visit(self._locals)
        # a local name, each of whose assignments in this function is a relative path
        key = (scope.qualname, value.value)
        given = self._locals.values.get(key)
        if not given or None in given or key in self._resolving:  # ``url = url + "?x=1"``: asked already
            return key in self._resolving
        self._resolving.add(key)
        try:
            return all(self._relative(v) for v in given if v is not None)
        finally:
            self._resolving.discard(key)
